"""Shared fixtures. The expensive one, `graded`, builds a scratch copy of the
course, files every sample submission of every chapter and grades them all
once with plain nbgrader; the grading tests then read its results."""
import hashlib
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BROKEN = "zz_broken_json"  # a malformed submission filed beside the samples
sys.path.insert(0, str(REPO))

from course import build, cohort, demo, grade, layout  # noqa: E402


def tree_digest(folder):
    """{relative path: sha256} of every file under folder."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A scratch course with a freshly generated release."""
    root = demo.copy_course(REPO, tmp_path_factory.mktemp("course") / "course")
    build.build(root, log=lambda *_: None)
    return root


@pytest.fixture(scope="session")
def graded(built):
    """(root, {(assignment, student): Result}, digests before, digests after)."""
    for assignment in layout.assignments(built):
        cohort.make_cohort(built, assignment)
        broken = built / layout.SUBMITTED / BROKEN / assignment / (assignment + ".ipynb")
        broken.parent.mkdir(parents=True)
        broken.write_text('{"cells": [ this is not json')
    before = tree_digest(built / layout.SUBMITTED)
    results = grade.grade(built, log=lambda *_: None)
    after = tree_digest(built / layout.SUBMITTED)
    return built, {(r.assignment, r.student): r for r in results}, before, after
