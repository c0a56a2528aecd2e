"""A released assignment folder runs with nothing but its own files and the
student environment: no course/ package, no repo on the path."""
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from course import cohort, layout
from course import notebooks as nbs
from conftest import REPO

BLOCK_COURSE = "import sys\nsys.modules['course'] = None  # any `import course` now fails\n"


def run_alone(folder, answers):
    nb_path = layout.notebooks(folder)[0]
    nb = nbs.read(nb_path)
    for cell in nb.cells:
        if nbs.grade_id(cell) in answers:
            nbs.fill_answer(cell, answers[nbs.grade_id(cell)])
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_COURSE))
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return [(i, o["ename"], o["evalue"]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o["output_type"] == "error"]


@pytest.mark.parametrize("assignment", layout.assignments(REPO))
def test_release_folder_runs_on_its_own(tmp_path, assignment):
    folder = tmp_path / assignment
    shutil.copytree(REPO / layout.RELEASE / assignment, folder)
    errors = run_alone(folder, cohort.reference_answers(REPO, assignment))
    assert errors == [], "errors when run from the release folder alone: %s" % errors


@pytest.mark.parametrize("assignment", layout.assignments(REPO))
def test_untouched_release_fails_only_with_not_implemented(tmp_path, assignment):
    """Blank exercises stop at NotImplementedError, not at some confusing crash."""
    folder = tmp_path / assignment
    shutil.copytree(REPO / layout.RELEASE / assignment, folder)
    errors = run_alone(folder, {})
    assert errors, "the blank release should fail its tests"
    first_per_cell = {i: name for i, name, _ in errors}
    kinds = set(first_per_cell.values())
    assert "NotImplementedError" in kinds and kinds <= {"NotImplementedError", "AssertionError", "NameError"}, kinds
