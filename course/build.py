"""`course build`: a pipeline of small steps from source_notebooks/ to release/.

    sync_helpers -> write_visible_checks -> generate -> verify

Each step does one thing and reports what it did; verify returns every
problem it finds instead of stopping at the first.
"""
import shutil
from pathlib import Path

from . import CourseError, checks, layout, nbgrader_cli
from . import notebooks as nbs
from .checks import visible


def sync_helpers(root, assignment):
    """Copy the top-level helpers into the source folder (the single source of truth)."""
    changed = []
    for name in layout.HELPERS:
        src, dst = Path(root) / name, layout.helper_copy(Path(root) / layout.SOURCE / assignment, name)
        if not src.is_file():
            raise CourseError("missing top-level helper %s" % src)
        if not dst.is_file() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
            changed.append(str(dst.relative_to(root)))
    return changed


def write_visible_checks(root, assignment):
    """Write what the visible tests know (course/checks/visible.py) into the
    source folder, for nbgrader to release beside the notebook."""
    path = Path(root) / layout.SOURCE / assignment / visible.FILE
    text = visible.text(assignment)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
        return [str(path.relative_to(root))]
    return []


def generate(root, assignment):
    """Plain `nbgrader generate_assignment`, overwriting the previous release."""
    nbgrader_cli.run(root, "generate_assignment", assignment, "--force")


def verify(root, assignment):
    """Everything wrong with the release of one assignment, as a list of sentences."""
    root = Path(root)
    src_dir, rel_dir = root / layout.SOURCE / assignment, root / layout.RELEASE / assignment
    problems = []
    for name in layout.HELPERS:
        rel = layout.helper_copy(rel_dir, name)
        if not rel.is_file():
            problems.append("%s: helper %s is missing" % (assignment, name))
        elif rel.read_bytes() != (root / name).read_bytes():
            problems.append("%s: helper %s differs from the top-level copy" % (assignment, name))
    if (root / "testCases.py").read_bytes() != Path(checks.public.__file__).read_bytes():
        problems.append("testCases.py differs from the copy the checks use (%s)" % checks.public.__file__)
    released_checks = rel_dir / visible.FILE
    if not released_checks.is_file() or released_checks.read_text() != visible.text(assignment):
        problems.append("%s: %s is missing or stale" % (assignment, visible.FILE))
    exercises = checks.exercises(assignment)
    for src_nb in layout.notebooks(src_dir):
        unchecked = sorted({nbs.exercise_of(nbs.grade_id(c)) for c in nbs.read(src_nb).cells if nbs.is_test(c)}
                           - set(exercises))
        if unchecked:
            problems.append("%s: no checks for %s in course/checks/%s.py" % (assignment, ", ".join(unchecked),
                                                                             assignment))
        rel_nb = rel_dir / src_nb.name
        if not rel_nb.is_file():
            problems.append("%s: notebook %s was not released" % (assignment, src_nb.name))
            continue
        problems += [("%s/%s: " % (assignment, src_nb.name)) + p
                     for p in release_problems(nbs.read(src_nb), nbs.read(rel_nb))]
    return problems


def secret_lines(source_nb):
    """{grade_id: lines} of solution and hidden-test code that must not be released.

    Lines that also appear in the public part of the notebook (given code,
    visible tests) are not secret, and neither are blank lines, comments and
    very short lines such as `return x`.
    """
    secrets, public = {}, set()
    for cell in source_nb.cells:
        lines, hidden = cell.source.splitlines(), set()
        for begin, end in ((nbs.BEGIN_SOLUTION, nbs.END_SOLUTION), (nbs.BEGIN_HIDDEN, nbs.END_HIDDEN)):
            if begin in cell.source:
                block, i, j = nbs.between(cell.source, begin, end)
                hidden.update(range(i, j + 1))
                secrets[nbs.grade_id(cell)] = [l.strip() for l in block]
        public.update(l.strip() for k, l in enumerate(lines) if k not in hidden)
    return {gid: [l for l in lines if len(l) > 12 and not l.startswith("#") and l not in public]
            for gid, lines in secrets.items()}


def release_problems(source_nb, release_nb):
    """What a released notebook leaks or lacks, compared with its source."""
    problems = []
    text = "\n".join(c.source for c in release_nb.cells)
    for marker in (nbs.BEGIN_SOLUTION, nbs.END_SOLUTION, nbs.BEGIN_HIDDEN, nbs.END_HIDDEN):
        if marker in text:
            problems.append("the marker %r is still in the release" % marker)
    released_lines = {l.strip() for l in text.splitlines()}
    released = {nbs.grade_id(c): c for c in release_nb.cells if nbs.grade_id(c)}
    for gid, secret in secret_lines(source_nb).items():
        cell = released.get(gid)
        if cell is None:
            problems.append("graded cell %s is missing" % gid)
            continue
        if nbs.is_solution(cell) and (nbs.START not in cell.source or nbs.END not in cell.source):
            problems.append("cell %s lost its START/END CODE HERE markers" % gid)
        leaked = [l for l in secret if l in released_lines]
        if leaked:
            kind = "solution code" if nbs.is_solution(cell) else "hidden test code"
            problems.append("cell %s still contains %s: %r" % (gid, kind, leaked[0]))
    return problems


def build(root, log=print, assignments=None):
    """Sync, generate and verify every assignment (or those named). Raises CourseError on a bad release."""
    problems = []
    for assignment in assignments or layout.assignments(root):
        for path in sync_helpers(root, assignment) + write_visible_checks(root, assignment):
            log("  wrote %s" % path)
        generate(root, assignment)
        found = verify(root, assignment)
        log("  %-20s released to %s/%s  (%s)" % (assignment, layout.RELEASE, assignment,
                                                 "verified" if not found else "%d problems" % len(found)))
        problems += found
    if problems:
        raise CourseError("the release is not safe to hand out:\n  " + "\n  ".join(problems))
