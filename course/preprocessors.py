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

Scrubbing feedback
------------------
nbgrader restores the hidden tests into the autograded notebook, and its
feedback HTML shows them, with tracebacks that quote their lines (#917,
#1363). ScrubHiddenTests runs in `generate_feedback` only: in each test
cell it replaces the hidden block with one line saying it is hidden, and
reduces error tracebacks to the final message, which the checks write
without expected values. Points, pass or fail and the message stay.
"""
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from .notebooks import BEGIN_HIDDEN, END_HIDDEN

SKIP_TAG = "skip-when-grading"


def skip_tagged(cell):
    """Whether the cell carries the skip tag."""
    return SKIP_TAG in cell.metadata.get("tags", [])


def may_skip(cell):
    """Whether the skip tag is honoured on this cell."""
    return not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell))


class OnlySkipUngradedCells(NbGraderPreprocessor):
    """Drop the skip tag from every cell that a grade depends on."""

    def preprocess_cell(self, cell, resources, index):
        if skip_tagged(cell) and not may_skip(cell):
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != SKIP_TAG]
        return cell, resources


HIDDEN_NOTE = "# The hidden tests are not shown; their result is below."


class ScrubHiddenTests(NbGraderPreprocessor):
    """Keep hidden test source and the tracebacks quoting it out of feedback."""

    def preprocess_cell(self, cell, resources, index):
        if not utils.is_grade(cell) or BEGIN_HIDDEN not in cell.source:
            return cell, resources
        lines = cell.source.splitlines()
        begin = next(i for i, l in enumerate(lines) if BEGIN_HIDDEN in l)
        end = next((i for i, l in enumerate(lines) if END_HIDDEN in l and i > begin), len(lines) - 1)
        cell.source = "\n".join(lines[:begin] + [HIDDEN_NOTE] + lines[end + 1:])
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = ["%s: %s" % (output.get("ename", "Error"), output.get("evalue", ""))]
        return cell, resources
