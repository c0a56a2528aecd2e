"""Small operations on nbgrader notebooks: find cells, read answers, fill them in."""
import re
import textwrap

import nbformat

START, END = "### START CODE HERE ###", "### END CODE HERE ###"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def read(path):
    return nbformat.read(str(path), as_version=4)


def reads(data):
    return nbformat.reads(data.decode("utf-8") if isinstance(data, bytes) else data, as_version=4)


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_solution(cell):
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def is_test(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and cell.cell_type == "code"


def cell_by_id(nb, gid):
    for cell in nb.cells:
        if grade_id(cell) == gid:
            return cell
    raise KeyError("no cell with grade_id %r" % gid)


def exercise_of(gid):
    """Cells are named '<exercise>-<part>', e.g. 'random_mini_batches-hidden'."""
    return gid.split("-", 1)[0]


def between(source, begin, end):
    """The lines strictly between the first `begin` line and the next `end` line."""
    lines = source.splitlines()
    i = next(k for k, l in enumerate(lines) if l.strip().startswith(begin))
    j = next(k for k in range(i + 1, len(lines)) if lines[k].strip().startswith(end))
    return lines[i + 1:j], i, j


def without_markers(source):
    """A solution cell's source as plain code: the START/END CODE HERE and
    BEGIN/END SOLUTION lines removed (what a later chapter gives as code)."""
    markers = (START, END, BEGIN_SOLUTION, END_SOLUTION)
    return "\n".join(l for l in source.splitlines() if not l.strip().startswith(markers))


def python_of(cell):
    """A code cell's source without IPython magics and shell lines, for ast."""
    return "\n".join(l for l in cell.source.splitlines() if not re.match(r"^\s*[%!][a-zA-Z]", l))


def reference_answer(cell):
    """The solution block of a source cell, dedented."""
    lines, _, _ = between(cell.source, BEGIN_SOLUTION, END_SOLUTION)
    return textwrap.dedent("\n".join(lines))


def fill_answer(cell, answer):
    """Replace what is between START/END CODE HERE with `answer`, re-indented."""
    lines = cell.source.splitlines()
    _, i, j = between(cell.source, START, END)
    indent = re.match(r"\s*", lines[i]).group(0)
    body = textwrap.indent(textwrap.dedent(answer).strip("\n"), indent).splitlines()
    cell.source = "\n".join(lines[:i + 1] + body + lines[j:])


def is_locked(cell):
    """Whether nbgrader restores this cell at autograde: a test or a read-only cell."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return not meta.get("solution") and bool(meta.get("grade") or meta.get("locked"))
