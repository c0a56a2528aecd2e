"""nbgrader's exchange works on one machine out of the box: the course's
config roots it inside the course folder (exchange/), so an instructor can
release and collect, and a student fetch and submit, with no system folder,
and the collected submission is graded like any other."""
import getpass
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from course import cohort, grade, layout, nbgrader_cli
from course import notebooks as nbs
from conftest import ISOLATED, SUITE_SETTINGS

A = "ch4_lr_decay"


def student_runs(folder, *args):
    """`nbgrader ARGS` as a student runs it, in their own folder, told only the course and the exchange."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=folder, env=env, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_release_fetch_submit_collect_and_grade_on_one_machine(built, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns(layout.SUBMITTED, layout.AUTOGRADED, "feedback",
                                                               "exchange"))
    exchange = root / "exchange"
    nbgrader_cli.run(root, "release_assignment", A)
    assert (exchange / "optimization-for-deep-learning" / "outbound" / A / (A + ".ipynb")).is_file()

    home = tmp_path / "student"
    home.mkdir()
    course_flags = ["--course=optimization-for-deep-learning", "--Exchange.root=%s" % exchange]
    student_runs(home, "fetch_assignment", A, *course_flags)
    fetched = home / A / (A + ".ipynb")
    nb = nbs.read(fetched)
    for gid, code in cohort.reference_answers(root, A).items():
        nbs.fill_answer(nbs.cell_by_id(nb, gid), code)
    nbformat.write(nb, str(fetched))
    student_runs(home, "submit", A, *course_flags)

    nbgrader_cli.run(root, "collect", A)
    student = getpass.getuser()
    assert (root / layout.SUBMITTED / student / A / (A + ".ipynb")).is_file()
    [result] = grade.grade(root, A, students=[student], log=lambda *_: None, settings=SUITE_SETTINGS,
                           isolated=ISOLATED)
    assert not result.error and result.total == result.max_total > 0, (result.error, result.scores)
