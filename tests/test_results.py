"""What the notebooks say is what they compute.

Each chapter's release is run alone, in full (training included), with the
reference answers, and:
no cell that grading runs prints more than grading keeps, every percentage
written in a notebook's text appears in its outputs, the
chapter-3 results table reproduces the original assignment's, and code that
a chapter copies from an earlier one equals that chapter's reference."""
import ast
import re

import pytest

from course import layout, preprocessors
from course import notebooks as nbs
from conftest import REPO, python_of

PERCENT = re.compile(r"\b\d+\.\d%")


def outputs_text(nb):
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", "") or out.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def output_chars(cell):
    """What grading counts of a cell's outputs (JudgedExecute.output): text, and every data value."""
    return sum(len(out.get("text", "")) + sum(len(str(v)) for v in out.get("data", {}).values())
               for out in cell.get("outputs", []))


@pytest.mark.parametrize("assignment", layout.assignments(REPO))
def test_no_cell_that_grading_runs_prints_more_than_grading_keeps(reference_runs, assignment):
    """A figure too large for the output limit would be cut, with a note, in
    every student's graded notebook."""
    limit = preprocessors.JudgedExecute.max_output_chars.default_value
    nb = reference_runs[assignment]
    large = [(i, output_chars(c)) for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and not preprocessors.skip_tagged(c) and output_chars(c) > limit]
    assert large == [], "cells (index, characters) over the limit of %d: %s" % (limit, large)


@pytest.mark.parametrize("assignment", layout.assignments(REPO))
def test_every_percentage_in_the_text_is_printed_by_the_notebook(reference_runs, assignment):
    nb = reference_runs[assignment]
    said = {m for c in nb.cells if c.cell_type == "markdown" for m in PERCENT.findall(c.source)}
    printed = set(PERCENT.findall(outputs_text(nb)))
    assert said <= printed, "%s states %s but never prints it" % (assignment, sorted(said - printed))


def test_chapter_3_reproduces_the_original_results_table(reference_runs):
    text = outputs_text(reference_runs["ch3_optimizers"])
    accuracy = dict(re.findall(r"^(gd|momentum|rmsprop|adam)\s+(\d+\.\d)%", text, re.M))
    assert set(accuracy) == {"gd", "momentum", "rmsprop", "adam"}, text[-2000:]
    assert accuracy["gd"] == accuracy["momentum"] == "79.7"
    assert accuracy["adam"] == "94.0"


def reference_functions(assignment):
    """{exercise: the reference function's AST} from an assignment's solution cells."""
    found = {}
    for path in layout.notebooks(REPO / layout.SOURCE / assignment):
        for cell in nbs.read(path).cells:
            if nbs.is_solution(cell):
                for node in ast.parse(nbs.without_markers(cell.source)).body:
                    if isinstance(node, ast.FunctionDef):
                        found[node.name] = ast.dump(node)
    return found


def given_functions(assignment):
    """{name: AST} of the functions defined in an assignment's given (ungraded) code cells."""
    found = {}
    for path in layout.notebooks(REPO / layout.SOURCE / assignment):
        for cell in nbs.read(path).cells:
            if cell.cell_type == "code" and not nbs.grade_id(cell):
                found.update({n.name: ast.dump(n) for n in ast.parse(python_of(cell)).body
                              if isinstance(n, ast.FunctionDef)})
    return found


def test_code_shared_between_chapters_does_not_drift():
    """A chapter that needs an earlier chapter's solution (or given code such
    as `model`) repeats it as plain code; every copy must equal the original."""
    assignments = layout.assignments(REPO)
    references = {a: reference_functions(a) for a in assignments}
    given = {a: given_functions(a) for a in assignments}
    copies = 0
    for a in assignments:
        for name, tree in given[a].items():
            for b in assignments:
                if b == a:
                    continue
                original = references[b].get(name) or (given[b].get(name) if b < a else None)
                if original is not None:
                    assert tree == original, "%s: %s differs from %s's" % (a, name, b)
                    copies += 1
    assert copies >= 2   # at least chapter 1's two functions, given in chapter 3
