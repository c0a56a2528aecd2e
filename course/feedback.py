"""`course feedback`: one HTML page per student and notebook, by plain nbgrader."""
from pathlib import Path

from . import layout, nbgrader_cli


def generate(root, assignment):
    """Run `nbgrader generate_feedback` and return the HTML files it wrote."""
    nbgrader_cli.run(root, "generate_feedback", assignment, "--force")
    return sorted((Path(root) / layout.FEEDBACK).glob("*/%s/*.html" % assignment))
