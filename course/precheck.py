"""Check each submission before nbgrader sees it, so that bad input gets a
clear message of its own instead of nbgrader's (or none at all).

    every release notebook present -> readable text -> JSON -> a notebook
    -> nbformat 4 -> no graded cell duplicated

A submission with a problem is reported and left out of the nbgrader run;
the others are graded as usual. Submitted files are only read, never written.
"""
import json
from collections import Counter
from pathlib import Path

from . import layout
from . import notebooks as nbs


def problems(root, assignment, student):
    """Everything that stops this submission from being graded, as sentences."""
    root = Path(root)
    folder = root / layout.SUBMITTED / student / assignment
    found = []
    for released in layout.notebooks(root / layout.RELEASE / assignment):
        path = folder / released.name
        if not path.is_file():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            found.append("%s is missing%s" % (released.name, " (found %s instead)" % ", ".join(others) if others else ""))
            continue
        problem = notebook_problem(path)
        if problem:
            found.append("%s %s" % (released.name, problem))
    return found


def notebook_problem(path):
    """What is wrong with one submitted notebook file, or ''."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "is not a text file, so not a notebook"
    try:
        raw = json.loads(text)
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


def structure_notes(root, assignment, student):
    """How the graded cells of a readable submission differ from the release:
    deleted, stripped of their metadata, retyped or moved. Grading goes on
    (nbgrader puts deleted test cells back and restores the type of locked
    ones); the instructor is told."""
    root = Path(root)
    notes = []
    for released in layout.notebooks(root / layout.RELEASE / assignment):
        try:
            nb = nbs.read(root / layout.SUBMITTED / student / assignment / released.name)
        except Exception:
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
