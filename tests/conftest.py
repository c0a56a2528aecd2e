"""Shared fixtures. The expensive one, `graded`, builds a scratch copy of the
course, files every sample submission of every chapter and grades them all
once with plain nbgrader; the grading tests then read its results."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
BROKEN = "zz_broken_json"  # a malformed submission filed beside the samples

sys.path.insert(0, str(REPO))

from course import build, cohort, demo, grade, layout, preprocessors, sandbox  # noqa: E402
from course import notebooks as nbs  # noqa: E402
from course.notebooks import python_of  # noqa: E402,F401 (used by the tests)
from run_alone import run_alone  # noqa: E402,F401 (used by the tests)
import attacks  # noqa: E402


def bad_inputs(assignment, release_nb):
    """{student id: (file name, bytes, phrase)}: submissions that cannot be
    graded, each with a phrase its error message must contain."""
    nb = nbs.read(release_nb)
    solution = next(c for c in nb.cells if nbs.is_solution(c))
    copy = nbformat.from_dict(dict(solution, id=solution.get("id", "cell") + "-copy"))  # pasted in JupyterLab
    nb.cells.insert(nb.cells.index(solution) + 1, copy)
    name = assignment + ".ipynb"
    return {
        BROKEN: (name, b'{"cells": [ this is not json', "is not valid JSON"),
        "zz_not_a_notebook": (name, b'{"answers": [1, 2, 3]}', "is JSON but not a Jupyter notebook"),
        "zz_nbformat_3": (name, b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}', "notebook format 3"),
        "zz_binary": (name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "is not a text file"),
        "zz_duplicated_cell": (name, nbformat.writes(nb).encode(), "more than once"),
        "zz_wrong_file_name": ("my_work.ipynb", release_nb.read_bytes(), "is missing (found my_work.ipynb instead)"),
    }


def tree_digest(folder):
    """{relative path: sha256, or what it is} of everything under folder,
    links and FIFOs included, never followed nor opened."""
    from course import files
    folder = Path(folder)
    return {rel: hashlib.sha256(files.read_bytes(folder / rel, 64 << 20)).hexdigest() if what == "a file" else what
            for rel, what in files.entries(folder, 100000)}


# The gradebook's own tables: what grading must leave exactly as it was
# (it writes students, submissions, grades and comments only).
DEFINITIONS = ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "task_cells",
               "source_cells", "alembic_version")


def gradebook_definitions(root):
    with sqlite3.connect(str(Path(root) / "gradebook.db")) as db:
        tables = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
        return {t: sorted(map(repr, db.execute("select * from %s" % t))) for t in DEFINITIONS if t in tables}


# Where no sandbox works (user namespaces turned off), the suite grades
# without one, and the tests that need it are skipped, saying why.
ISOLATED = bool(sandbox.bwrap())
NO_SANDBOX = "no bubblewrap works on this machine (see the README's threat model)"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A scratch course with a freshly generated release."""
    root = demo.copy_course(REPO, tmp_path_factory.mktemp("course") / "course")
    build.build(root, log=lambda *_: None)
    return root


# A runaway cell is stopped after this long in the suite (the course's own
# limit is 120 s); no cell of a reference answer comes close.
SUITE_SETTINGS = {"Execute.timeout": 30}


@pytest.fixture(scope="session")
def graded(built):
    """(root, {(assignment, student): Result}, digests before, digests after).
    The batch holds every chapter's samples, the bad inputs, and the
    adversarial submissions of tests/attacks.py."""
    attacks.tamper_submissions(built)
    attacks.other_submissions(built)
    attacks.hostile_folders(built)
    os.environ[attacks.CANARY] = "a secret of the grading process"
    for assignment in layout.assignments(built):
        cohort.make_cohort(built, assignment)
        release_nb = layout.notebooks(built / layout.RELEASE / assignment)[0]
        for student, (name, content, _) in bad_inputs(assignment, release_nb).items():
            path = built / layout.SUBMITTED / student / assignment / name
            path.parent.mkdir(parents=True)
            path.write_bytes(content)
    before = tree_digest(built / layout.SUBMITTED), gradebook_definitions(built)
    results = grade.grade(built, log=lambda *_: None, settings=SUITE_SETTINGS, workers=2, isolated=ISOLATED)
    after = tree_digest(built / layout.SUBMITTED), gradebook_definitions(built)
    return built, {(r.assignment, r.student): r for r in results}, before, after


def has_skipped_cells(root, assignment):
    return any(preprocessors.skip_tagged(c)
               for p in layout.notebooks(Path(root) / layout.SOURCE / assignment) for c in nbs.read(p).cells)


def errors_in(nb):
    return [(i, o["ename"], o["evalue"]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o["output_type"] == "error"]


_BACKGROUND = {}


def _start_reference_runs():
    if "runs" not in _BACKGROUND:
        out = Path(tempfile.mkdtemp(prefix="reference_runs_"))
        with open(out / "log.txt", "w") as log:
            proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "run_alone.py"), str(out)],
                                    stdout=log, stderr=subprocess.STDOUT)
        _BACKGROUND["runs"] = (proc, out)
    return _BACKGROUND["runs"]


def pytest_collection_finish(session):
    """Start the full reference runs in the background, on the second core,
    while the grading fixtures run, if any collected test needs them."""
    if any("reference_runs" in getattr(item, "fixturenames", ()) for item in session.items):
        _start_reference_runs()


def pytest_sessionfinish(session):
    if "runs" in _BACKGROUND:
        proc, out = _BACKGROUND.pop("runs")
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def reference_runs():
    """{assignment: executed notebook}: each committed release folder, copied
    alone and run in full (training included) with the reference answers."""
    proc, out = _start_reference_runs()
    assert proc.wait(timeout=1800) == 0, (out / "log.txt").read_text()[-3000:]
    return {a: nbformat.read(str(out / (a + ".ipynb")), as_version=4) for a in layout.assignments(REPO)}


COUNTS = {}   # the adversarial suite's tallies, printed at the end of the run


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.section("adversarial suite")
        for name, value in COUNTS.items():
            terminalreporter.write_line("%-48s %s" % (name, value))
