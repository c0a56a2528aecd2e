"""The `course` CLI gives clear errors and exits non-zero on failure."""
import subprocess
import sys

from course import cli, demo, grade, nbgrader_cli
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


def test_export_and_feedback_after_grading(graded, tmp_path, capsys):
    root, results, _, _ = graded
    out = tmp_path / "grades.csv"
    assert cli.main(["--root", str(root), "export", "-o", str(out)]) == 0
    capsys.readouterr()
    rows = out.read_text().splitlines()
    assert rows[0].startswith("student,assignment,") and len(rows) == 1 + len(results)
    assert any(row.startswith("reference,") and ",6,6," in row.replace(".0", "") for row in rows)
    assert cli.main(["--root", str(root), "feedback", "ch1_minibatch"]) == 0
    pages = capsys.readouterr().out.split()
    graded_ok = [r for r in results.values() if not r.error and r.assignment == "ch1_minibatch"]
    assert len(pages) == len(graded_ok) and all(p.endswith(".html") for p in pages)


SAMPLE_LOG = """\
[AutogradeApp | INFO] Sanitizing /c/submitted/ann/ch9/ch9.ipynb
[AutogradeApp | INFO] Autograding /c/autograded/ann/ch9/ch9.ipynb
[AutogradeApp | INFO] Sanitizing /c/submitted/bob/ch9/ch9.ipynb
[AutogradeApp | ERROR] There was an error processing assignment: /c/submitted/bob/ch9
[AutogradeApp | ERROR] Traceback (most recent call last):
nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '{'
[AutogradeApp | INFO] Sanitizing /c/submitted/cy/ch9/ch9.ipynb
[AutogradeApp | INFO] Autograding /c/autograded/cy/ch9/ch9.ipynb
[AutogradeApp | ERROR] There was an error processing assignment 'ch9' for student 'bob'
"""


def test_a_batch_log_is_split_by_student():
    logs = grade.log_by_student(SAMPLE_LOG, "ch9")
    assert set(logs) == {"ann", "bob", "cy"}
    assert "| ERROR]" not in logs["ann"] and "| ERROR]" not in logs["cy"]
    assert nbgrader_cli.reason_in(logs["bob"]).startswith("NotJSONError: ")


def test_students_the_batch_never_reached_are_graded_one_by_one(monkeypatch):
    """If the nbgrader process dies after ann, bob and cy still get graded."""
    class Proc:
        stdout, stderr, returncode = SAMPLE_LOG.split("[AutogradeApp | INFO] Sanitizing /c/submitted/bob")[0], "", -9
    alone = []
    monkeypatch.setattr(nbgrader_cli, "run", lambda *args, **kw: Proc())
    monkeypatch.setattr(grade, "autograde", lambda root, a, student, extra=(): alone.append(student) or "")
    assert grade.autograde_all("/c", "ch9", ["ann", "bob", "cy"]) == {"ann": "", "bob": "", "cy": ""}
    assert alone == ["bob", "cy"]
