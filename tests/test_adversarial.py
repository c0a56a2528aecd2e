"""The adversarial suite (issues 6 and 17): tamper attempts do not pay,
since every test is judged outside the kernel; student code cannot reach
the course; runaway and broken submissions get a clear note while the batch
goes on; and nothing submitted is lost or altered.

The submissions are built in tests/attacks.py and graded in the shared
`graded` batch (conftest.py), beside the ordinary samples."""
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from course import cgroups, cohort, feedback, files, grade, layout, nbgrader_cli, sandbox, workspace
from course.samples import ch1_minibatch as ch1
from conftest import COUNTS, ISOLATED, NO_SANDBOX, REPO, SUITE_SETTINGS, attacks, bad_inputs, tree_digest

A = attacks.ASSIGNMENT
CH1 = "ch1_minibatch"
TAMPER_IDS = ["zz_tamper_" + n for n in attacks.TAMPER] + ["zz_tamper_shadow_numpy"]
EWA = "exponentially_weighted_average"


def what_grading_found(r):
    return r.scores, r.messages, r.suspicious, r.notes, r.error


def outputs_of(root, student):
    nb = grade.nbs.read(root / layout.AUTOGRADED / student / A / (A + ".ipynb"))
    return "\n".join(o.get("text", "") + o.get("evalue", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


@pytest.mark.parametrize("student", TAMPER_IDS)
def test_a_tamper_attempt_scores_no_more_than_the_wrong_answer_alone(graded, student):
    _, results, _, _ = graded
    alone, tampered = results[(A, attacks.WRONG)], results[(A, student)]
    assert not alone.error and alone.total < alone.max_total   # the baseline really is wrong
    assert not tampered.error, tampered.error
    for exercise, score in tampered.scores.items():
        assert score <= alone.scores[exercise], (exercise, tampered.scores, alone.scores)
    if student != "zz_tamper_prints_its_inputs":   # a print is ordinary code: nothing to flag
        assert tampered.suspicious, "nothing shown to the instructor"
    COUNTS["tamper attempts tried"] = len(TAMPER_IDS)


def cell_scores(root, student):
    """{grade cell: score} of one ch2 submission, from the gradebook."""
    with grade.Gradebook(grade.db_url(root)) as gb:
        sub = gb.find_submission(A, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


def test_tamper_attempts_fool_a_verdict_made_in_the_kernel(graded):
    """The attempts are real: graded by stock nbgrader's Execute (the same
    sandbox, the kernel's own verdicts trusted), these pass the visible test
    of the wrong answer they carry, which fails it alone."""
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute, IgnorePattern,
                                        LimitOutput, SaveAutoGrades)
    root, _, _, _ = graded
    stock = dict(SUITE_SETTINGS)
    stock["Autograde.autograde_preprocessors"] = [Execute, IgnorePattern, LimitOutput, SaveAutoGrades,
                                                  AssignLatePenalties, CheckCellMetadata]
    course = root.parent / "stock-course"
    shutil.copytree(root, course, ignore=shutil.ignore_patterns(layout.SUBMITTED, layout.AUTOGRADED, "feedback"))
    students = ["zz_tamper_" + n for n in attacks.FOOL_THE_KERNEL] + [attacks.WRONG]
    for student in students:
        shutil.copytree(root / layout.SUBMITTED / student, course / layout.SUBMITTED / student)
    # more workers than students: plain kernels, which start beside the notebook as stock nbgrader has it
    grade.grade(course, A, students=students, log=lambda *_: None, settings=stock, workers=len(students) + 1,
                isolated=ISOLATED)
    visible = EWA + "-visible"
    assert cell_scores(course, attacks.WRONG)[visible] == 0
    fooled = sorted(s for s in students[:-1] if cell_scores(course, s)[visible] > 0)
    COUNTS["tamper attempts that fool a kernel's own verdict"] = "%d of %d" % (len(fooled), len(students) - 1)
    assert fooled == sorted(students[:-1])


def test_the_static_scan_names_each_trick(graded):
    _, results, _, _ = graded
    expected = {"patch_numpy": "patches-module", "patch_numpy_during_test": "patches-module",
                "patch_builtins": "patches-module", "custom_exc": "ipython-internals",
                "showtraceback": "ipython-internals", "redefine_visible_test": "redefines-helper",
                "fake_passed": "prints-success", "hijack_execution": "ipython-internals",
                "replace_runner": "patches-module", "hardcoded_visible": "touches-files",
                "displayed_result": "ipython-internals", "reads_frames": "introspection",
                "lying_eq": "introspection", "lying_object": "introspection", "printed_payload": "touches-files",
                "shadow_numpy": "file left out of grading: numpy.py"}
    assert set(expected) == {s[len("zz_tamper_"):] for s in TAMPER_IDS} - {"prints_its_inputs"}
    for name, phrase in expected.items():
        found = results[(A, "zz_tamper_" + name)].suspicious
        assert any(phrase in s for s in found), (name, found)


def test_honest_submissions_are_never_suspicious(graded):
    _, results, _, _ = graded
    honest = [r for (a, s), r in results.items() if not s.startswith(("zz_", "stock__"))]
    assert honest and all(not r.suspicious for r in honest), [(r.student, r.suspicious) for r in honest if r.suspicious]


def test_student_code_cannot_reach_the_course(graded):
    if not ISOLATED:
        pytest.skip(NO_SANDBOX)
    root, results, before, _ = graded
    text = outputs_of(root, "zz_reach_course")
    assert "REACHED" not in text, text
    blocked = text.count("blocked: ")
    assert blocked == attacks.REACH.count("lambda:"), text
    assert (root / layout.SUBMITTED / "reference" / A / (A + ".ipynb")).exists()
    assert not (root / layout.RELEASE / "planted.txt").exists()
    with sqlite3.connect(str(root / "gradebook.db")) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert results[(A, "zz_reach_course")].total == results[(A, "zz_reach_course")].max_total
    COUNTS["isolation probes blocked"] = "%d of %d" % (blocked, attacks.REACH.count("lambda:"))


@pytest.mark.parametrize("student,note", [
    ("zz_infinite_loop", "CellTimeoutError"), ("zz_memory_bomb", "MemoryError"),
    ("zz_os_exit", "DeadKernelError"), ("zz_output_flood", "[output cut"),
    ("zz_deleted_test", "was deleted; it was put back"), ("zz_stripped_metadata", "lost its nbgrader metadata"),
    ("zz_retyped_test", "was changed to markdown"), ("zz_reordered", "not in the release's order")])
def test_broken_submissions_get_a_note_and_are_graded(graded, student, note):
    root, results, _, _ = graded
    r = results[(A, student)]
    assert not r.error, r.error
    assert any(note in n for n in r.notes), r.notes
    assert r.max_total == results[(A, "reference")].max_total   # every check counted, none left ungraded
    COUNTS["kinds of bad input tried"] = len(bad_inputs(A, root / layout.RELEASE / A / (A + ".ipynb"))) + 8


def test_runaway_code_costs_only_its_own_marks(graded):
    root, results, _, _ = graded
    ex1, ex2 = "exponentially_weighted_average", "bias_corrected_average"
    for student in ("zz_infinite_loop", "zz_output_flood"):   # the function was defined before it ran away
        assert results[(A, student)].total == results[(A, student)].max_total, results[(A, student)].scores
    died = results[(A, "zz_os_exit")]
    assert died.scores[ex1] == died.max_scores[ex1] and died.scores[ex2] == 0
    flood = root / layout.AUTOGRADED / "zz_output_flood" / A / (A + ".ipynb")
    assert flood.stat().st_size < 2_000_000


def test_structure_edits_do_not_pay(graded):
    _, results, _, _ = graded
    alone = results[(A, attacks.WRONG)]
    for student in ("zz_deleted_test", "zz_stripped_metadata", "zz_retyped_test", "zz_reordered"):
        assert results[(A, student)].total <= alone.total, (student, results[(A, student)].scores)


def test_nothing_submitted_is_lost_or_altered(graded):
    """Every submitted file, link and FIFO is as it was, and so are the
    gradebook's own tables: grading writes students, submissions, grades and
    comments, nothing else."""
    root, results, (before, definitions), (after, definitions_after) = graded
    altered = sorted(p for p in set(before) | set(after) if after.get(p) != before.get(p))
    COUNTS["submissions lost or altered"] = len({p.split("/")[0] for p in altered})
    assert altered == []
    assert definitions and definitions_after == definitions
    on_disk = {(a, s) for a in layout.assignments(root) for s in layout.students(root, a)}
    assert on_disk == set(results), "every submission has a row"


def test_regrading_one_at_a_time_gives_the_batch_results(graded):
    """Idempotent, and sequential equals parallel: the batch ran two at a time."""
    root, results, _, _ = graded
    again = grade.grade(root, A, students=["reference", attacks.WRONG, "zz_tamper_patch_numpy", "zz_os_exit"],
                        log=lambda *_: None, settings=SUITE_SETTINGS, workers=1)
    for r in again:
        assert what_grading_found(r) == what_grading_found(results[(A, r.student)]), r.student


def test_a_batch_killed_midway_leaves_a_consistent_gradebook_and_resumes(graded, tmp_path):
    root, results, _, _ = graded
    course = tmp_path / "course"
    shutil.copytree(root, course, ignore=shutil.ignore_patterns(layout.SUBMITTED, layout.AUTOGRADED, "feedback"))
    students = ["reference", "untouched_release", "other_style", attacks.WRONG]
    for s in students:
        shutil.copytree(root / layout.SUBMITTED / s / A, course / layout.SUBMITTED / s / A)
    with grade.Gradebook(grade.db_url(course)) as gb:   # the copied gradebook starts with no one in it
        for student in list(gb.students):
            gb.remove_student(student.id)
    proc = subprocess.Popen([sys.executable, "-u", "-m", "course.cli", "--root", str(course), "grade", A, "--workers", "1"],
                            stdout=subprocess.PIPE, text=True, start_new_session=True, cwd=REPO)
    first = proc.stdout.readline()
    while first and "graded" not in first:
        first = proc.stdout.readline()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(str(course / "gradebook.db")) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    done = [s for s in students if workspace.is_done(course, A, s)]
    assert 1 <= len(done) < len(students), done
    for r in grade.stored_results(course, A):
        graded_now = workspace.is_done(course, A, r.student)
        assert graded_now == (not r.error), (r.student, r.error)   # graded fully, or not at all
    log = []
    resumed = grade.grade(course, A, log=log.append, force=False, settings=SUITE_SETTINGS)
    assert len(log) == len(students) - len(done), log   # only the rest was graded
    for r in resumed:
        assert r.scores == results[(A, r.student)].scores, r.student


def processes_of(course, scratch):
    """Live processes of a `course grade` run on `course`: the grading
    process and its graders (forked, so with its command line), and
    whatever works in its scratch folders (kernels, their sandboxes)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                command = f.read().decode(errors="replace")
            with open("/proc/%s/stat" % pid) as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
            cwd = os.readlink("/proc/%s/cwd" % pid)
        except OSError:
            continue
        if not zombie and (str(course) in command or cwd.startswith(str(scratch))):
            found.append((pid, command.replace("\0", " ")[:80], cwd))
    return found


def test_a_killed_batch_takes_its_graders_and_kernels_along_and_the_next_removes_its_scratch(built, tmp_path,
                                                                                             monkeypatch, request):
    """SIGKILL skips all clean-up. The graders die with the grading process
    (PR_SET_PDEATHSIG), and their kernels with them; the scratch folder it
    leaves is removed by the next `course grade`."""
    course = tmp_path / "course"
    shutil.copytree(built, course, ignore=shutil.ignore_patterns(layout.SUBMITTED, layout.AUTOGRADED, "feedback"))
    tmp = Path(tempfile.mkdtemp(prefix="t-"))   # short: kernels' socket paths are limited to 107 bytes
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    folder = cohort.make_submission(course, CH1, {"student": "sleeper", "answers": ch1.REFERENCE})
    path = folder / (CH1 + ".ipynb")
    nb = grade.nbs.read(path)
    # The kernel's only folder on the host is its sockets': the marker goes there.
    grade.nbs.cell_by_id(nb, ch1.MB_CELL).source += (
        "\nimport json, os, sys, time\n"
        "_sockets = os.path.dirname(json.load(open(sys.argv[sys.argv.index('-f') + 1]))['ip'])\n"
        "open(os.path.join(_sockets, 'SLEEPING'), 'w').close()\ntime.sleep(300)\n")
    nbformat.write(nb, str(path))
    # one student, two workers: a plain kernel, which lives as long as its grader
    proc = subprocess.Popen([sys.executable, "-m", "course.cli", "--root", str(course), "grade", CH1,
                             "--workers", "2"], cwd=REPO, env=dict(os.environ, TMPDIR=str(tmp)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while not list(tmp.glob("**/SLEEPING")):
        assert proc.poll() is None and time.monotonic() < deadline, "the sleeping cell never ran"
        time.sleep(0.2)
    assert len(processes_of(course, tmp)) >= 3   # this process, a grader, the kernel (and its sandbox)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while processes_of(course, tmp) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = processes_of(course, tmp)
    for pid, _, _ in left:   # so that a failure here leaves nothing running
        os.kill(int(pid), signal.SIGKILL)
    assert left == []
    assert len(list(tmp.glob(workspace.SCRATCH_PREFIX + "*"))) == 1   # left behind
    cohort.make_submission(course, CH1, {"student": "sleeper", "answers": ch1.REFERENCE})
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    [again] = grade.grade(course, CH1, log=lambda *_: None, settings=SUITE_SETTINGS)
    assert not again.error and again.total == again.max_total, (again.error, again.scores)
    assert list(tmp.glob(workspace.SCRATCH_PREFIX + "*")) == []


def test_a_hidden_test_shows_only_its_verdict(graded):
    """What the kernel printed while the grader ran the hidden cases (here,
    the function printing its inputs) stays out of the hidden test's cell,
    and so out of the feedback; the visible test keeps what it printed."""
    root, _, _, _ = graded
    nb = grade.nbs.read(root / layout.AUTOGRADED / "zz_tamper_prints_its_inputs" / A / (A + ".ipynb"))
    for kind, leaks in (("hidden", False), ("visible", True)):
        outputs = grade.nbs.cell_by_id(nb, "%s-%s" % (EWA, kind)).outputs
        text = json.dumps(outputs)
        assert ("LEAKED INPUT" in text) == leaks, (kind, text[:500])
        assert outputs[-1]["output_type"] == "error" and outputs[-1]["ename"] == "WrongAnswer", outputs[-1]


def test_plain_nbgrader_autograde_judges_outside_the_kernel_too(graded, tmp_path):
    """`nbgrader autograde` from the course folder, with no `course` command:
    nbgrader_config.py brings the same judging, so the reference scores full
    marks, the untouched release zero, another style full marks, a mistake
    is named, and no tamper attempt beats the wrong answer it carries."""
    root, results, _, _ = graded
    course = tmp_path / "course"
    shutil.copytree(root, course, ignore=shutil.ignore_patterns(layout.SUBMITTED, layout.AUTOGRADED, "feedback"))
    students = ["reference", "untouched_release", "other_style", "beta_swapped__exponent_off_by_one",
                attacks.WRONG] + ["zz_tamper_" + n for n in attacks.FOOL_THE_KERNEL + (
                    "replace_runner", "custom_exc", "reads_frames", "lying_eq", "lying_object", "printed_payload")]
    for student in students:
        shutil.copytree(root / layout.SUBMITTED / student, course / layout.SUBMITTED / student)
    nbgrader_cli.run(course, "autograde", A, "--force")
    plain = {s: grade.collect(course, A, s) for s in students}
    assert plain["reference"].total == plain["reference"].max_total > 0
    assert plain["other_style"].total == plain["other_style"].max_total
    assert plain["untouched_release"].total == 0
    assert plain["beta_swapped__exponent_off_by_one"].mistakes == {
        EWA: ["beta-swapped"], "bias_corrected_average": ["exponent-off-by-one"]}
    for student in students[5:]:
        assert plain[student].total <= plain[attacks.WRONG].total < plain[attacks.WRONG].max_total, \
            (student, plain[student].scores)
    for student in students:   # the same scores as `course grade`, with its sandbox and workspaces
        assert plain[student].scores == results[(A, student)].scores, student


def test_the_dask_engine_gives_the_batch_results(graded):
    """The same jobs on an embedded Dask LocalCluster: a job travels as data
    to a worker process and comes back; scores, messages and findings equal
    those of the local batch."""
    root, results, _, _ = graded
    students = ["reference", attacks.WRONG, "zz_tamper_redefine_visible_test"]
    on_dask = grade.grade(root, A, students=students, log=lambda *_: None, settings=SUITE_SETTINGS,
                          workers=2, engine="dask")
    for r in on_dask:
        assert what_grading_found(r) == what_grading_found(results[(A, r.student)]), r.student


# ------------------------------------------------------------ issue 18: the plumbing around the kernel

def sandboxed_only():
    if not ISOLATED:
        pytest.skip(NO_SANDBOX)


def test_nothing_a_kernel_writes_reaches_the_course(graded):
    """The kernel works in a tmpfs of its own: links named like the notebook
    or the record file, a FIFO named like a notebook and a file that is not
    a notebook stay there. The autograded folder holds only what nbgrader
    wrote, regular files, and the course's files are unchanged."""
    sandboxed_only()
    root, results, _, _ = graded
    text = outputs_of(root, "zz_plants_links")
    assert "planted in the working folder: ['.course-graded.json', 'ch2_ewa.ipynb', 'fifo.ipynb', 'home', " \
           "'leak.ipynb', 'not-a-notebook.ipynb', 'other.py']" in text, text   # it did plant them
    folder = root / layout.AUTOGRADED / "zz_plants_links" / A
    assert {rel: what for rel, what in files.entries(folder)} == {
        name: "a file" for name in (A + ".ipynb", "opt_utils.py", "testCases.py", "seattle-weather.csv",
                                    "visible_checks.json", workspace.RECORD)}
    r = results[(A, "zz_plants_links")]
    assert not r.error and r.total == r.max_total, (r.error, r.scores)
    with sqlite3.connect(str(root / "gradebook.db")) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert workspace.read_record(root, A, "reference")["error"] == ""


def test_the_kernel_sees_nothing_of_the_graders_environment(graded):
    sandboxed_only()
    root, _, _, _ = graded
    assert os.environ.get(attacks.CANARY)   # the grading process has it
    text = outputs_of(root, "zz_reads_environment")
    assert "canary seen: False" in text, text


def test_a_notebook_is_held_to_limits_of_its_own(graded):
    """/tmp and the working folder are size-limited tmpfs (a factory's
    kernel works in its /tmp), the processes of a sandbox are counted
    together, and one output message larger than the grader accepts is
    dropped, not held in the grader's memory."""
    sandboxed_only()
    root, results, _, _ = graded
    text = outputs_of(root, "zz_exhausts_limits")
    tmp = re.search(r"tmp: (\d+) MB, then No space left on device", text)
    work = re.search(r"working folder: (\d+) MB, then No space left on device", text)
    started = re.search(r"processes started: (\d+) then Resource temporarily unavailable", text)
    assert tmp and work and started, text
    assert int(tmp.group(1)) <= sandbox.LIMITS["COURSE_KERNEL_TMP_MB"]
    assert int(work.group(1)) <= max(sandbox.LIMITS["COURSE_KERNEL_WORK_MB"], sandbox.LIMITS["COURSE_KERNEL_TMP_MB"])
    assert int(started.group(1)) < sandbox.LIMITS["COURSE_KERNEL_PROCESSES"]
    COUNTS["limits met: /tmp MB, working folder MB, processes"] = "%s, %s, %s" % (
        tmp.group(1), work.group(1), started.group(1))
    for student in ("zz_exhausts_limits", "zz_huge_message"):
        r = results[(A, student)]
        assert not r.error and r.total == r.max_total, (student, r.error, r.scores)
    record = workspace.read_record(root, A, "zz_huge_message")
    assert record["grader_max_rss_mb"] < 600, record


def test_the_memory_of_all_a_notebooks_processes_is_capped_together(graded):
    """Where the grading user may make control groups (course/cgroups.py),
    three processes cannot hold 900 MB each: the group's cap (a kernel's
    2 GiB and a little more) is met first."""
    if not cgroups.available():
        pytest.skip("no control groups can be made here: memory is capped per process only")
    root, results, _, _ = graded
    text = outputs_of(root, "zz_memory_across_processes")
    held = re.search(r"children holding 900 MB at once: (\d)", text)
    assert (held and int(held.group(1)) < 3) or "DeadKernelError" in text, text


def test_a_script_a_student_displays_does_not_reach_the_feedback_page(graded):
    root, _, _, _ = graded
    feedback_pages = feedback.generate(root, A)
    page = next(p for p in feedback_pages if p.parent.parent.name == "zz_script_in_output")
    text = page.read_text()
    assert "<b>bold</b>" in text and "<script>document.title" not in text


def test_hostile_submission_folders_are_refused_and_the_batch_goes_on(graded):
    """A notebook that is a link to the source notebook, a FIFO, a link to
    /proc/self/mem, metadata nested 100 000 deep, a 40 MB notebook and a
    student id with a newline: each gets a sentence of its own; the
    others are graded."""
    root, results, _, _ = graded
    for student, phrase in attacks.hostile_folders.made.items():
        r = results[(A, student)]
        assert phrase in r.error and r.total == 0, (student, r.error)
    table = grade.table([r for (a, s), r in results.items() if a == A])
    assert "zz_bad\\nid" in table and not any(line.startswith("id ") for line in table.splitlines())
    assert results[(A, "reference")].total == results[(A, "reference")].max_total
    COUNTS["hostile submission folders refused"] = len(attacks.hostile_folders.made)
