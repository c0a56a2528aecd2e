"""Grading throughput: stock `nbgrader autograde` against `course grade`.

    python benchmarks/grade_throughput.py [--assignment ch2_ewa] [--samples 3] [--workers 1 2 4]

In one run, on the same submissions (the first --samples of each chapter's
sample catalogue, course/samples/; all of them by default):
  1. stock `nbgrader autograde ASSIGNMENT`, one submission after another, as
     nbgrader ships: its own preprocessors, every cell run, the training
     loops included. The course's config values (timeout, ignored warnings)
     are kept, its own steps are not;
  2. the same command with the course's nbgrader_config.py: the grading
     guard, and the cells tagged skip-when-grading not run;
  3. `course grade --force` with each worker count: a workspace and a
     sandboxed kernel per submission, N submissions at a time;
  4. the same on an embedded Dask LocalCluster (`--engine dask`).
It checks that every run gives the same score on every grade cell as stock
nbgrader, which runs every cell: so it also proves, on every submission,
that skipping the tagged cells changes no grade. It prints submissions per
minute, the ratio to stock nbgrader, and the wall time one full student
(one submission per chapter) costs a worker; last, how long a fixed CPU
loop took before and after the runs, since this machine's speed drifts.
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
    args = p.parse_args(argv)
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    names = args.assignment or layout.assignments(REPO)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        stock_root, count = make_course(Path(tmp) / "stock", names, args.samples)
        with open(stock_root / "nbgrader_config.py", "a") as f:
            f.write(STOCK_CONFIG)
        root, _ = make_course(Path(tmp) / "course", names, args.samples)
        print("%d submissions (%s), %d cores" % (count, ", ".join(names), os.cpu_count()))
        speed = [cpu_loop_seconds()]

        stock_time = time_nbgrader(stock_root, names)
        reference = scores(stock_root)
        rows = [("stock nbgrader autograde", stock_time, 1, True)]
        seconds = time_nbgrader(root, names)
        rows.append(("nbgrader + course config", seconds, 1, scores(root) == reference))
        for engine in ("local", "dask"):
            for n in args.workers:
                start = time.perf_counter()
                grade.grade(root, names[0] if len(names) == 1 else None, log=lambda *_: None, force=True,
                            workers=n, engine=engine)
                rows.append(("%s, %d worker%s" % ("course grade" if engine == "local" else "Dask LocalCluster",
                                                  n, "s" if n > 1 else ""),
                             time.perf_counter() - start, n, scores(root) == reference))
        speed.append(cpu_loop_seconds())

    # A full student is one submission per chapter; a worker is busy for
    # wall time x workers over the students graded.
    per = "s/student/worker" if len(names) == len(layout.assignments(REPO)) else "s/sub/worker"
    print("%-28s %9s %12s %9s %17s %12s" % ("", "seconds", "subs/minute", "ratio", per, "same scores"))
    for name, seconds, workers, same in rows:
        print("%-28s %9.1f %12.1f %8.2fx %17.1f %12s" % (
            name, seconds, 60 * count / seconds, stock_time / seconds,
            seconds * workers * len(names) / count, "yes" if same else "NO"))
    print("machine speed: a fixed CPU loop took %.3f s before the runs and %.3f s after" % tuple(speed))
    return 0 if all(same for *_, same in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
