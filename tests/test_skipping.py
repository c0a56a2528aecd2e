"""Cells tagged skip-when-grading (training runs, plots and tables after the
last test) are not run by autograde. Proven from every side: every skipped
cell comes after the last test, so no test can depend on it whatever the
student wrote; statically, no later cell reads what a skipped cell defines;
dynamically, the reference gets the same scores with and without skipping
(and benchmarks/grade_throughput.py checks every submission it grades
against stock nbgrader, which runs every cell); and a student cannot use the
tag to skip a test."""
import shutil
import symtable

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from course import cohort, grade, layout, preprocessors
from course import notebooks as nbs
from conftest import REPO, has_skipped_cells, python_of

SKIP = preprocessors.SKIP_TAG
NOTEBOOKS = [p for a in layout.assignments(REPO) for p in layout.notebooks(REPO / layout.SOURCE / a)]
skipped = preprocessors.skip_tagged


def notebook_symbols(source):
    """The symbols of a cell that live in the notebook's namespace: those of
    its top level, and the globals inside its functions and classes (a
    function's own parameters and locals are not, so `def f(theta)` does not
    touch a global theta)."""
    found = []

    def visit(table):
        found.extend(sym for sym in table.get_symbols() if table.get_type() == "module" or sym.is_global())
        for child in table.get_children():
            visit(child)

    visit(symtable.symtable(source, "<cell>", "exec"))
    return found


def bound_in_notebook(source):
    """Names a cell binds in the notebook's namespace."""
    return {s.get_name() for s in notebook_symbols(source) if s.is_assigned() or s.is_imported()}


def read_from_notebook(source):
    """Names a cell reads from the notebook's namespace."""
    return {s.get_name() for s in notebook_symbols(source) if s.is_referenced()}


def code_cells(path):
    return [c for c in nbs.read(path).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_cell_that_runs_reads_what_a_skipped_cell_defines(path):
    cells = code_cells(path)
    for i, cell in enumerate(cells):
        if not skipped(cell):
            continue
        assert preprocessors.may_skip(cell), "a graded, solution or locked cell is tagged %s" % SKIP
        defined = bound_in_notebook(python_of(cell))
        for later in cells[i + 1:]:
            if not skipped(later):
                used = read_from_notebook(python_of(later)) & defined
                assert not used, "%s: a cell that runs under grading reads %s, defined by a skipped cell" % (
                    path.name, sorted(used))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_skipped_cell_comes_after_the_last_test(path):
    """So no test can see what a skipped cell would have done, whatever the
    student wrote: a student's function may use a global that an earlier
    demonstration cell defines (a leftover plot call, a given helper)."""
    cells = code_cells(path)
    last_test = max(i for i, c in enumerate(cells) if nbs.is_test(c))
    early = [i for i, c in enumerate(cells) if skipped(c) and i < last_test]
    assert not early, "%s: code cells %s are tagged %s but come before the last test" % (path.name, early, SKIP)


def test_the_config_adds_one_step_to_nbgraders_default_pipeline():
    """If a new nbgrader changes its default sanitize steps, this fails and the
    config must be brought up to date, instead of silently dropping a step."""
    from nbgrader.converters import Autograde
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    default = Autograde.class_traits()["sanitize_preprocessors"].default()
    ours = list(config.Autograde.sanitize_preprocessors)
    step = "course.preprocessors.OnlySkipUngradedCells"
    assert ours.count(step) == 1
    assert [p for p in ours if p != step] == default
    assert ours.index(step) == default.index(next(p for p in default if p.__name__ == "OverwriteCells")) + 1
    assert config.Execute.skip_cells_with_tag == SKIP


def test_the_tag_is_dropped_from_graded_solution_and_locked_cells_only():
    step = preprocessors.OnlySkipUngradedCells()
    kinds = {"test": {"grade": True, "solution": False, "locked": True, "points": 1},
             "solution": {"grade": False, "solution": True, "locked": False},
             "locked": {"grade": False, "solution": False, "locked": True}}
    for name, meta in kinds.items():
        cell = nbformat.v4.new_code_cell("x = 1", metadata={"tags": [SKIP, "other"], "nbgrader": dict(meta, grade_id=name)})
        assert step.preprocess_cell(cell, {}, 0)[0].metadata["tags"] == ["other"], name
    plain = nbformat.v4.new_code_cell("x = 1", metadata={"tags": [SKIP]})
    assert step.preprocess_cell(plain, {}, 0)[0].metadata["tags"] == [SKIP]


def test_tagging_the_tests_of_an_untouched_release_still_scores_zero(graded):
    """The attack the preprocessor stops: tag every test cell so none runs."""
    root, _, _, _ = graded
    assignment = layout.assignments(root)[-1]
    student = "zz_tags_its_tests"
    dest = cohort.make_submission(root, assignment, {"student": student, "answers": {}})
    for path in layout.notebooks(dest):
        nb = nbs.read(path)
        for cell in nb.cells:
            if nbs.is_test(cell) or nbs.is_solution(cell):
                cell.metadata["tags"] = [SKIP]
        nbformat.write(nb, str(path))
    try:
        result = grade.grade_one(root, assignment, student)
    finally:  # leave the shared gradebook as the other tests expect it
        with grade.Gradebook(grade.db_url(root)) as gb:
            gb.remove_submission(assignment, student)
            gb.remove_student(student)
        shutil.rmtree(root / layout.SUBMITTED / student)
    assert not result.error and result.max_total > 0 and result.total == 0, result.scores


# One chapter is enough to prove the mechanism end to end (config, tag and
# preprocessor); the static test above covers every notebook. Chapter 1 is
# the quickest to run in full.
@pytest.mark.parametrize("assignment", [a for a in layout.assignments(REPO) if has_skipped_cells(REPO, a)][:1])
def test_the_reference_scores_the_same_when_nothing_is_skipped(graded, assignment):
    root, results, _, _ = graded
    full_run = grade.grade_one(root, assignment, "reference", {"Execute.skip_cells_with_tag": "no-such-tag"})
    assert not full_run.error
    assert full_run.scores == results[(assignment, "reference")].scores
    assert full_run.total == full_run.max_total > 0
