"""Grading throughput: stock `nbgrader autograde` against `course grade`.

    python benchmarks/grade_throughput.py [--assignment ch2_ewa] [--samples 3] [--workers 1 2 4]
                                          [--students 8]

In one run, on the same submissions (the first --samples of each chapter's
sample catalogue, course/samples/; all of them by default):
  1. stock `nbgrader autograde ASSIGNMENT`, one submission after another, as
     nbgrader ships: its own preprocessors, every cell run, the training
     loops included. The course's config values (timeout, ignored warnings)
     are kept, its own steps are not. It is the baseline of speed only: it
     trusts what the kernel says and has no hidden checks to run (they live
     in course/checks/), so its scores differ;
  2. the same command with the course's nbgrader_config.py, but with every
     cell run: the baseline of scores;
  3. the same, with the cells tagged skip-when-grading not run;
  4. `course grade --force` with each worker count: a workspace and a
     sandboxed kernel per submission, N submissions at a time;
  5. the same on an embedded Dask LocalCluster (`--engine dask`);
  6. steady state: --students copies of the reference student (every
     chapter's reference solution), graded by `course grade` with each
     worker count. A handful of samples mostly measures a batch's start and
     its tail (3 students on 2 workers: one worker grades 2, the other 1);
     a cohort that is a multiple of every worker count keeps every worker
     busy from start to end, which is what a course of 300 students sees.
It checks that every run from 3 on gives the same score on every grade cell
as run 2, which runs every cell: so it also proves, on every submission,
that skipping the tagged cells changes no grade. It prints submissions per
minute, the ratio to stock nbgrader, and the wall time one full student
(one submission per chapter) costs a worker, for the samples and for the
steady-state cohort; last, how long a fixed CPU loop took before and after
the runs, since this machine's speed drifts.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from course import build, cohort, demo, grade, layout, nbgrader_cli  # noqa: E402


def scores(root):
    """{(assignment, student, grade cell): score} from the gradebook."""
    out = {}
    with grade.Gradebook(grade.db_url(root)) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(assignment.name, sub.student.id, g.name)] = g.score
    return out


# Appended to the stock run's copy of nbgrader_config.py: nbgrader's own
# default pipelines, nbclient's default skip tag, which no cell carries, and
# its default graceful kernel shutdown.
STOCK_CONFIG = """
from nbgrader.converters import Autograde as _Autograde
c.Autograde.sanitize_preprocessors = _Autograde.class_traits()["sanitize_preprocessors"].default()
c.Autograde.autograde_preprocessors = _Autograde.class_traits()["autograde_preprocessors"].default()
c.Execute.skip_cells_with_tag = "skip-execution"
c.Execute.shutdown_kernel = "graceful"
"""
# Appended to the score baseline's copy: the course's pipeline, every cell run.
EVERY_CELL_CONFIG = """
c.Execute.skip_cells_with_tag = "skip-execution"
"""


def make_course(where, names, samples):
    """A built scratch course with the first `samples` submissions of each chapter."""
    root = demo.copy_course(REPO, where)
    build.build(root, log=lambda *_: None)
    count = 0
    for a in names:
        for sample in cohort.catalogue(a)[:samples]:
            cohort.make_submission(root, a, sample)
            count += 1
    return root, count


def add_full_students(root, names, count):
    """`count` students who submit every chapter's reference solution: full_01, ..."""
    students = ["full_%02d" % (i + 1) for i in range(count)]
    for a in names:
        reference = next(s for s in cohort.catalogue(a) if s["student"] == "reference")
        for student in students:
            cohort.make_submission(root, a, dict(reference, student=student))
    return students


def time_course_grade(root, names, workers, engine="local", students=None):
    start = time.perf_counter()
    grade.grade(root, names[0] if len(names) == 1 else None, log=lambda *_: None, force=True,
                workers=workers, engine=engine, students=students)
    return time.perf_counter() - start


def cpu_loop_seconds():
    """The best of 3 timings of one fixed pure-Python loop: how fast this
    machine runs right now. On a shared virtual machine it drifts by a
    factor of up to 2 within an hour, so rows are compared within a run."""
    def once():
        start, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i * i
        return time.perf_counter() - start
    return min(once() for _ in range(3))


def time_nbgrader(root, names):
    start = time.perf_counter()
    for a in names:
        nbgrader_cli.run(root, "autograde", a, "--force")
    return time.perf_counter() - start


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assignment", action="append", help="chapter(s) to grade; default: all")
    p.add_argument("--samples", type=int, default=None, help="submissions per chapter; default: all")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--students", type=int, default=8,
                   help="steady-state cohort: copies of the reference student; 0 skips it")
    args = p.parse_args(argv)
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    names = args.assignment or layout.assignments(REPO)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        stock_root, count = make_course(Path(tmp) / "stock", names, args.samples)
        with open(stock_root / "nbgrader_config.py", "a") as f:
            f.write(STOCK_CONFIG)
        every_root, _ = make_course(Path(tmp) / "every", names, args.samples)
        with open(every_root / "nbgrader_config.py", "a") as f:
            f.write(EVERY_CELL_CONFIG)
        root, _ = make_course(Path(tmp) / "course", names, args.samples)
        print("%d submissions (%s), %d cores" % (count, ", ".join(names), os.cpu_count()))
        speed = [cpu_loop_seconds()]

        stock_time = time_nbgrader(stock_root, names)
        rows = [("stock nbgrader autograde", stock_time, 1, None)]
        seconds = time_nbgrader(every_root, names)
        reference = scores(every_root)
        rows.append(("course config, every cell", seconds, 1, True))
        seconds = time_nbgrader(root, names)
        rows.append(("nbgrader + course config", seconds, 1, scores(root) == reference))
        for engine in ("local", "dask"):
            for n in args.workers:
                rows.append(("%s, %d worker%s" % ("course grade" if engine == "local" else "Dask LocalCluster",
                                                  n, "s" if n > 1 else ""),
                             time_course_grade(root, names, n, engine), n, scores(root) == reference))
        steady = []
        if args.students:
            full = add_full_students(root, names, args.students)
            for n in args.workers:
                seconds = time_course_grade(root, names, n, students=full)
                # every copy scores what the reference scored with every cell run
                expected = {(a, s, cell): score for (a, student, cell), score in reference.items()
                            if student == "reference" for s in full}
                graded = scores(root)
                same = bool(expected) and all(graded.get(key) == score for key, score in expected.items())
                steady.append(("course grade, %d worker%s" % (n, "s" if n > 1 else ""), seconds, n, same))
        speed.append(cpu_loop_seconds())

    # A full student is one submission per chapter; a worker is busy for
    # wall time x workers over the students graded.
    per = "s/student/worker" if len(names) == len(layout.assignments(REPO)) else "s/sub/worker"
    print("%-28s %9s %12s %9s %17s %12s" % ("", "seconds", "subs/minute", "ratio", per, "same scores"))
    for name, seconds, workers, same in rows:
        print("%-28s %9.1f %12.1f %8.2fx %17.1f %12s" % (
            name, seconds, 60 * count / seconds, stock_time / seconds,
            seconds * workers * len(names) / count, "-" if same is None else "yes" if same else "NO"))
    if steady:
        print("\nsteady state: %d students, each submitting every chapter's reference solution"
              % args.students)
        print("%-28s %9s %12s %17s %12s" % ("", "seconds", "subs/minute", per, "same scores"))
        for name, seconds, workers, same in steady:
            print("%-28s %9.1f %12.1f %17.1f %12s" % (
                name, seconds, 60 * args.students * len(names) / seconds,
                seconds * workers / args.students, "yes" if same else "NO"))
    print("machine speed: a fixed CPU loop took %.3f s before the runs and %.3f s after" % tuple(speed))
    return 0 if all(same is not False for *_, same in rows + steady) else 1


if __name__ == "__main__":
    sys.exit(main())
