"""The committed release is what `course build` makes from the sources, it
leaks nothing, and every helper copy is identical to the top-level file."""
import json
import shutil

import nbformat
import pytest

from course import build, layout
from course import notebooks as nbs
from conftest import REPO, tree_digest

ASSIGNMENTS = layout.assignments(REPO)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_is_not_stale(built, assignment):
    fresh = tree_digest(built / layout.RELEASE / assignment)
    committed = tree_digest(REPO / layout.RELEASE / assignment)
    assert fresh == committed, "release/%s is stale: run `course build` and commit it" % assignment


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("where", [layout.SOURCE, layout.RELEASE])
def test_helper_copies_do_not_drift(assignment, where):
    for name in layout.HELPERS:
        copy = layout.helper_copy(REPO / where / assignment, name)
        assert copy.is_file(), "%s is missing" % copy
        assert copy.read_bytes() == (REPO / name).read_bytes(), "%s differs from ./%s" % (copy, name)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_passes_verification(assignment):
    assert build.verify(REPO, assignment) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solutions_or_hidden_tests(assignment):
    for src in layout.notebooks(REPO / layout.SOURCE / assignment):
        released = (REPO / layout.RELEASE / assignment / src.name).read_text()
        secrets = build.secret_lines(nbs.read(src))
        assert any(cell.endswith("-hidden") for cell in secrets), "no hidden tests found to check"
        for gid, lines in secrets.items():
            assert lines, "cell %s has no secret lines to check" % gid
            for line in lines:
                assert json.dumps(line)[1:-1] not in released, "%s leaked: %s" % (gid, line)
        assert "CODE HERE" in released and "NotImplementedError" in released


def test_verification_catches_a_leak(tmp_path):
    """verify must fail when a solution line or a hidden test survives."""
    assignment = ASSIGNMENTS[0]
    root = tmp_path / "course"
    shutil.copytree(REPO / layout.SOURCE, root / layout.SOURCE)
    shutil.copytree(REPO / layout.RELEASE, root / layout.RELEASE)
    for name in layout.HELPERS:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, root / name)
    src_nb = layout.notebooks(root / layout.SOURCE / assignment)[0]
    rel_path = root / layout.RELEASE / assignment / src_nb.name
    source = nbs.read(src_nb)
    solution = next(c for c in source.cells if nbs.BEGIN_SOLUTION in c.source)
    hidden = next(c for c in source.cells if nbs.BEGIN_HIDDEN in c.source)
    release = nbs.read(rel_path)
    nbs.fill_answer(nbs.cell_by_id(release, nbs.grade_id(solution)), nbs.reference_answer(solution))
    nbs.cell_by_id(release, nbs.grade_id(hidden)).source = hidden.source.replace(nbs.BEGIN_HIDDEN, "").replace(nbs.END_HIDDEN, "")
    nbformat.write(release, str(rel_path))
    (root / layout.RELEASE / assignment / layout.HELPERS[0]).write_text("# drifted\n")
    problems = " | ".join(build.verify(root, assignment))
    assert "solution code" in problems
    assert "hidden test code" in problems
    assert "differs from the top-level copy" in problems
