"""nbgrader preprocessors of this course, named in nbgrader_config.py.

Skipping slow cells under grading
---------------------------------
Cells tagged SKIP_TAG (long training runs, and the plots that read their
results) are not executed by `nbgrader autograde`: nbgrader's Execute skips
them through nbclient's `skip_cells_with_tag`, set in nbgrader_config.py. No
grade depends on them; tests/test_skipping.py proves that statically for
every source notebook.

A student could add the tag to a test cell so that a failing test never runs.
OnlySkipUngradedCells runs right after nbgrader restores the locked cells,
and removes the tag from every graded, solution or locked cell, so the tag
can only skip cells that a student could have emptied anyway.
"""
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

SKIP_TAG = "skip-when-grading"


def may_skip(cell):
    """Whether the skip tag is honoured on this cell."""
    return not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell))


class OnlySkipUngradedCells(NbGraderPreprocessor):
    """Drop the skip tag from every cell that a grade depends on."""

    def preprocess_cell(self, cell, resources, index):
        tags = cell.metadata.get("tags", [])
        if SKIP_TAG in tags and not may_skip(cell):
            cell.metadata["tags"] = [t for t in tags if t != SKIP_TAG]
        return cell, resources
