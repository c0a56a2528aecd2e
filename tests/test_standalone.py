"""A released assignment folder runs with nothing but its own files and the
student environment: no course/ package, no repo on the path."""
import shutil

import pytest

from course import layout
from conftest import REPO, errors_in, run_alone

@pytest.mark.parametrize("assignment", layout.assignments(REPO))
def test_release_folder_runs_on_its_own(reference_runs, assignment):
    errors = errors_in(reference_runs[assignment])
    assert errors == [], "errors when run from the release folder alone: %s" % errors


@pytest.mark.parametrize("assignment", layout.assignments(REPO))
def test_untouched_release_fails_only_with_not_implemented(tmp_path, assignment):
    """Blank exercises stop at NotImplementedError, not at some confusing crash."""
    folder = tmp_path / assignment
    shutil.copytree(REPO / layout.RELEASE / assignment, folder)
    errors = errors_in(run_alone(folder, {}))
    assert errors, "the blank release should fail its tests"
    first_per_cell = {i: name for i, name, _ in errors}
    kinds = set(first_per_cell.values())
    assert "NotImplementedError" in kinds and kinds <= {"NotImplementedError", "AssertionError", "NameError"}, kinds
