"""`course feedback`: one HTML page per student and notebook, by plain nbgrader."""
from pathlib import Path

from . import layout, nbgrader_cli


def generate(root, assignment, student=None):
    """Run `nbgrader generate_feedback` for every student (or one) and return the HTML files it wrote."""
    nbgrader_cli.run(root, "generate_feedback", assignment, "--force", *(["--student", student] if student else []))
    return sorted((Path(root) / layout.FEEDBACK).glob("%s/%s/*.html" % (student or "*", assignment)))
