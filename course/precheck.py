"""Check each submission before nbgrader sees it, so that bad input gets a
clear message of its own instead of nbgrader's (or none at all).

    a safe student id -> real folders, no link, FIFO or device anywhere ->
    every release notebook present -> not too large -> readable text ->
    JSON, not nested too deep -> a notebook -> nbformat 4 -> no graded cell
    duplicated

A submission with a problem is reported and left out of the nbgrader run;
the others are graded as usual. Submitted files are only read, never
written, and never through a link (course/files.py).
"""
import itertools
import json
import re
from collections import Counter
from pathlib import Path

from . import files, layout
from . import notebooks as nbs

MAX_DEPTH = 64   # of a notebook's JSON: nbformat's own schema needs about 10


def problems(root, assignment, student):
    """Everything that stops this submission from being graded, as sentences."""
    root = Path(root)
    why = layout.student_id_problem(student)
    if why:
        return [why]
    folder = root / layout.SUBMITTED / student / assignment
    for path in (folder.parent, folder):
        if not files.is_folder(path):
            return ["%s is a link or not a folder; a submission is a folder of files" % path.relative_to(root)]
    try:
        found = files.entries(folder)
    except (OSError, files.UnsafeFile) as e:
        return ["the submission folder cannot be read: %s" % e]
    odd = ["%s is %s" % (rel, what) for rel, what in found if what not in ("a file", "a folder")]
    if odd:
        return ["the submission holds what is not a plain file: %s; remove it and submit again" % "; ".join(odd)]
    names = {rel for rel, _ in found}
    problems = []
    for released in layout.notebooks(root / layout.RELEASE / assignment):
        if released.name not in names:
            others = sorted(n for n in names if n.endswith(".ipynb"))
            problems.append("%s is missing%s" % (released.name, " (found %s instead)" % ", ".join(others)
                                                 if others else ""))
            continue
        problem = notebook_problem(folder / released.name)
        if problem:
            problems.append("%s %s" % (released.name, problem))
    return problems


def read_notebook(path):
    """A submitted notebook, read safely (no link, a size limit), or None."""
    try:
        return nbs.reads(files.read_bytes(path))
    except Exception:   # anything a student can send: precheck says what
        return None


def notebook_problem(path):
    """What is wrong with one submitted notebook file, or ''."""
    try:
        text = files.read_bytes(path).decode("utf-8")
    except files.UnsafeFile as e:
        return "cannot be read: %s" % e
    except UnicodeDecodeError:
        return "is not a text file, so not a notebook"
    if depth(text) > MAX_DEPTH:
        return "is nested more than %d levels deep, which no notebook is" % MAX_DEPTH
    try:
        raw = json.loads(text)
    except RecursionError:
        return "is nested too deeply to be read"
    except ValueError as e:
        return "is not valid JSON (%s); was it edited outside Jupyter, or cut short?" % e
    if not isinstance(raw, dict) or "nbformat" not in raw:
        return "is JSON but not a Jupyter notebook"
    if raw.get("nbformat") != 4:
        return "is in notebook format %r; it must be format 4 (open and save it in JupyterLab)" % raw.get("nbformat")
    if not isinstance(raw.get("cells"), list):
        return "has no list of cells"
    ids = [nbs.grade_id(c) for c in raw["cells"] if isinstance(c, dict)]
    twice = sorted(gid for gid, n in Counter(i for i in ids if i).items() if n > 1)
    if twice:
        return "has the graded cell%s %s more than once; delete the extra cop%s" % (
            "s" if len(twice) > 1 else "", ", ".join(twice), "ies" if len(twice) > 1 else "y")
    return ""


STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def depth(text):
    """How deep JSON text nests, counted on its brackets outside strings,
    without parsing it (a parser's recursion stops on a hostile file)."""
    steps = [1 if ch in "[{" else -1 for ch in re.findall(r"[\[\]{}]", STRING.sub("", text))]
    return max(itertools.accumulate(steps), default=0)


def structure_notes(root, assignment, student):
    """How the graded cells of a readable submission differ from the release:
    deleted, stripped of their metadata, retyped or moved. Grading goes on
    (nbgrader puts deleted test cells back and restores the type of locked
    ones); the instructor is told."""
    root = Path(root)
    notes = []
    for released in layout.notebooks(root / layout.RELEASE / assignment):
        nb = read_notebook(root / layout.SUBMITTED / student / assignment / released.name)
        if nb is None:
            continue
        release = [c for c in nbs.read(released).cells if nbs.grade_id(c)]
        theirs = {nbs.grade_id(c): c for c in nb.cells if nbs.grade_id(c)}
        sources = {c.source.strip() for c in nb.cells if not nbs.grade_id(c)}
        for cell in release:
            gid = nbs.grade_id(cell)
            if gid not in theirs:
                how = "lost its nbgrader metadata" if cell.source.strip() in sources else "was deleted"
                notes.append("%s: the cell %s %s%s" % (released.name, gid, how,
                                                       "; it was put back for grading" if nbs.is_test(cell) else ""))
            elif theirs[gid].cell_type != cell.cell_type:
                notes.append("%s: the cell %s was changed to %s; it was graded as %s" % (
                    released.name, gid, theirs[gid].cell_type, cell.cell_type))
        order = [nbs.grade_id(c) for c in nb.cells if nbs.grade_id(c) in {nbs.grade_id(r) for r in release}]
        expected = [nbs.grade_id(c) for c in release if nbs.grade_id(c) in order]
        if order != expected:
            notes.append("%s: graded cells are not in the release's order" % released.name)
    return notes
