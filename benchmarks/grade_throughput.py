"""Grading throughput: plain `nbgrader autograde` against `course grade`.

    python benchmarks/grade_throughput.py [--assignment ch2_ewa] [--workers 1 2 4]

In one run, on one scratch course with the same submissions (every sample
of the chosen chapters, see course/samples/):
  1. plain `nbgrader autograde ASSIGNMENT`, one process per assignment,
     grading one submission after another, with the course's
     nbgrader_config.py (what an instructor gets by typing it);
  2. `course grade --force` with each worker count: a workspace and a
     sandboxed kernel per submission, N submissions at a time.
It checks that every run gives the same score on every grade cell, and
prints submissions per minute and the ratio to plain nbgrader.
  3. the same on an embedded Dask LocalCluster (`--engine dask`) with each
     worker count: the jobs travel to worker processes as data.
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


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assignment", action="append", help="chapter(s) to grade; default: all")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = p.parse_args(argv)
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = demo.copy_course(REPO, Path(tmp) / "course")
        build.build(root, log=lambda *_: None)
        names = args.assignment or layout.assignments(root)
        count = sum(len(cohort.make_cohort(root, a)) for a in names)
        print("%d submissions (%s), %d cores" % (count, ", ".join(names), os.cpu_count()))

        start = time.perf_counter()
        for a in names:
            nbgrader_cli.run(root, "autograde", a, "--force")
        stock_time = time.perf_counter() - start
        reference = scores(root)
        rows = [("plain nbgrader autograde", stock_time, True)]

        for engine in ("local", "dask"):
            for n in args.workers:
                start = time.perf_counter()
                grade.grade(root, names[0] if len(names) == 1 else None, log=lambda *_: None, force=True,
                            workers=n, engine=engine)
                rows.append(("%s, %d worker%s" % ("course grade" if engine == "local" else "Dask LocalCluster",
                                                  n, "s" if n > 1 else ""),
                             time.perf_counter() - start, scores(root) == reference))

    print("%-28s %9s %14s %10s %16s" % ("", "seconds", "subs/minute", "ratio", "same scores"))
    for name, seconds, same in rows:
        print("%-28s %9.1f %14.1f %9.2fx %16s" % (name, seconds, 60 * count / seconds, stock_time / seconds,
                                                  "yes" if same else "NO"))
    return 0 if all(same for _, _, same in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
