"""Run released notebooks alone: nothing but the release folder's own files,
and `import course` blocked.

As a script, `python tests/run_alone.py OUT` runs every chapter's release with
the reference answers and writes OUT/<assignment>.ipynb. The test session
starts it in the background as soon as a test needs it (see conftest.py), so
that these full runs, training included, overlap with the grading tests.
"""
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from course import cohort, layout  # noqa: E402
from course import notebooks as nbs  # noqa: E402

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


def main(out):
    out = Path(out)
    for assignment in layout.assignments(REPO):
        folder = out / "folders" / assignment
        shutil.copytree(REPO / layout.RELEASE / assignment, folder)
        nb = run_alone(folder, cohort.reference_answers(REPO, assignment))
        nbformat.write(nb, str(out / (assignment + ".ipynb")))


if __name__ == "__main__":
    main(sys.argv[1])
