"""Where things live in a course folder. One place, so every step agrees."""
import re
from pathlib import Path

from . import CourseError

# Top-level helpers that every assignment folder (source and release) needs,
# as paths from the course root. Each is copied flat into the assignment
# folder, so a notebook finds it beside itself (see helper_copy).
HELPERS = ("opt_utils.py", "testCases.py", "data/seattle-weather.csv")
SOURCE = "source_notebooks"
RELEASE = "release"
SUBMITTED = "submitted"
AUTOGRADED = "autograded"
FEEDBACK = "feedback"


def helper_copy(folder, name):
    """Where the copy of the top-level helper `name` lives in an assignment folder."""
    return Path(folder) / Path(name).name


def course_root(path="."):
    """The folder holding nbgrader_config.py, or a clear error."""
    root = Path(path).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise CourseError("%s is not a course folder: it has no nbgrader_config.py" % root)
    return root


def assignments(root):
    """Assignment names, from the folders under source_notebooks/."""
    src = Path(root) / SOURCE
    if not src.is_dir():
        raise CourseError("no %s/ folder in %s" % (SOURCE, root))
    return sorted(p.name for p in src.iterdir() if p.is_dir() and not p.name.startswith("."))


def check_assignment(root, assignment):
    names = assignments(root)
    if assignment not in names:
        raise CourseError("unknown assignment %r; known: %s" % (assignment, ", ".join(names) or "none"))
    return assignment


def notebooks(folder):
    """The notebooks of one assignment folder, sorted by name."""
    return sorted(p for p in Path(folder).glob("*.ipynb"))


def students(root, assignment):
    """Student ids with something for this assignment under submitted/ (a
    folder, or a link the precheck will refuse)."""
    sub = Path(root) / SUBMITTED
    if not sub.is_dir():
        return []
    return sorted(p.name for p in sub.iterdir() if (p / assignment).is_dir() or (p / assignment).is_symlink())


# Student ids become folder names, table rows, CSV cells and gradebook keys.
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")


def student_id_problem(student):
    """Why a student id is refused, or ''."""
    if STUDENT_ID.fullmatch(student):
        return ""
    return ("the student id %s is refused: an id is 1 to 64 letters, digits and . _ @ + -, starting with a "
            "letter or digit" % ascii(student)[:80])


def shown(student):
    """A student id as a table may print it: an id that was refused, escaped."""
    return student if STUDENT_ID.fullmatch(student) else ascii(student)[:80]
