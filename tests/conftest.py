"""Shared fixtures. The expensive one, `graded`, builds a scratch copy of the
course, files every sample submission of every chapter and grades them all
once with plain nbgrader; the grading tests then read its results."""
import hashlib
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
BROKEN = "zz_broken_json"  # a malformed submission filed beside the samples
sys.path.insert(0, str(REPO))

from course import build, cohort, demo, grade, layout  # noqa: E402
from course import notebooks as nbs  # noqa: E402


def tree_digest(folder):
    """{relative path: sha256} of every file under folder."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A scratch course with a freshly generated release."""
    root = demo.copy_course(REPO, tmp_path_factory.mktemp("course") / "course")
    build.build(root, log=lambda *_: None)
    return root


@pytest.fixture(scope="session")
def graded(built):
    """(root, {(assignment, student): Result}, digests before, digests after)."""
    for assignment in layout.assignments(built):
        cohort.make_cohort(built, assignment)
        broken = built / layout.SUBMITTED / BROKEN / assignment / (assignment + ".ipynb")
        broken.parent.mkdir(parents=True)
        broken.write_text('{"cells": [ this is not json')
    before = tree_digest(built / layout.SUBMITTED)
    results = grade.grade(built, log=lambda *_: None)
    after = tree_digest(built / layout.SUBMITTED)
    return built, {(r.assignment, r.student): r for r in results}, before, after


def has_skipped_cells(root, assignment):
    return any("skip-when-grading" in c.metadata.get("tags", [])
               for p in layout.notebooks(Path(root) / layout.SOURCE / assignment)
               for c in nbformat.read(str(p), as_version=4).cells)


BLOCK_COURSE = "import sys\nsys.modules['course'] = None  # any `import course` now fails\n"


def run_alone(folder, answers):
    """Execute a release folder's notebook with these answers filled in, with
    nothing but its own files and `import course` blocked. Returns the notebook."""
    nb = nbs.read(layout.notebooks(folder)[0])
    for cell in nb.cells:
        if nbs.grade_id(cell) in answers:
            nbs.fill_answer(cell, answers[nbs.grade_id(cell)])
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_COURSE))
    NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def errors_in(nb):
    return [(i, o["ename"], o["evalue"]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o["output_type"] == "error"]


@pytest.fixture(scope="session")
def reference_runs(tmp_path_factory):
    """{assignment: executed notebook}: each committed release folder, copied
    alone and run in full (training included) with the reference answers."""
    runs = {}
    for assignment in layout.assignments(REPO):
        folder = tmp_path_factory.mktemp("alone") / assignment
        shutil.copytree(REPO / layout.RELEASE / assignment, folder)
        runs[assignment] = run_alone(folder, cohort.reference_answers(REPO, assignment))
    return runs
