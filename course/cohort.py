"""Sample submissions made from the release: the reference, the untouched
release, other correct styles and realistic mistakes.

Each chapter's catalogue lives in course/samples/<assignment>.py as SAMPLES, a
list of dicts:
    student  -- the student id the submission is filed under
    answers  -- {solution grade_id: code}, or "reference" for the source's solutions
    expect   -- {exercise: what grading must find}: "full", "zero", a mistake id,
                a tuple of two ids (both mistakes made at once), {"diagnosis":
                phrase} (a mistake the catalogue does not know: no marks, no
                name, and the hidden test's message says `phrase`), or
                "carried-forward": a right answer built on a wrong earlier
                exercise, which the hidden test gives its marks (error carried
                forward) and the visible test does not
    demo     -- whether `course demo` includes it
The demo and the tests use the same catalogue, so what the demo shows is what
the tests prove.
"""
import importlib
from pathlib import Path

import nbformat

from . import CourseError, layout
from . import notebooks as nbs


CARRIED_FORWARD = "carried-forward"
NOT_MISTAKES = ("full", "zero", CARRIED_FORWARD)


def catalogue(assignment):
    try:
        return importlib.import_module("course.samples." + assignment).SAMPLES
    except ModuleNotFoundError:
        raise CourseError("no sample submissions for %s (course/samples/%s.py)" % (assignment, assignment))


def reference_answers(root, assignment):
    """{grade_id: solution code} taken from the source notebooks."""
    answers = {}
    for path in layout.notebooks(Path(root) / layout.SOURCE / assignment):
        for cell in nbs.read(path).cells:
            if nbs.is_solution(cell) and nbs.BEGIN_SOLUTION in cell.source:
                answers[nbs.grade_id(cell)] = nbs.reference_answer(cell)
    return answers


def make_submission(root, assignment, sample):
    """Write one sample under submitted/<student>/<assignment>/ from the release."""
    answers = dict(sample["answers"])
    reference = reference_answers(root, assignment)
    for gid, code in list(answers.items()):
        if code == "reference":
            answers[gid] = reference[gid]
    dest = Path(root) / layout.SUBMITTED / sample["student"] / assignment
    dest.mkdir(parents=True, exist_ok=True)
    for path in layout.notebooks(Path(root) / layout.RELEASE / assignment):
        nb = nbs.read(path)
        for cell in nb.cells:
            if nbs.grade_id(cell) in answers:
                nbs.fill_answer(cell, answers[nbs.grade_id(cell)])
        nbformat.write(nb, str(dest / path.name))
    return dest


def make_cohort(root, assignment, demo_only=False):
    samples = [s for s in catalogue(assignment) if s.get("demo") or not demo_only]
    for sample in samples:
        make_submission(root, assignment, sample)
    return samples
