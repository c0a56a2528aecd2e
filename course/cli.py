"""The `course` command: thin, explicit wrappers over nbgrader."""
import argparse
import sys

from . import CourseError, build, demo, export, feedback, grade, layout, report, sandbox


def cmd_build(args):
    root = layout.course_root(args.root)
    names = [layout.check_assignment(root, args.assignment)] if args.assignment else None
    build.build(root, assignments=names)
    print("release/ is up to date and verified%s." % (" for " + args.assignment if args.assignment else ""))


UNISOLATED = "isolation: NONE (--no-isolation): student code ran with your rights"


def isolation_line(args):
    return UNISOLATED if args.no_isolation else "isolation: " + sandbox.isolation()


def cmd_grade(args):
    root = layout.course_root(args.root)
    print(isolation_line(args))
    results = grade.grade(root, args.assignment, force=args.force, workers=args.workers, progress=True,
                          engine=args.engine, scheduler=args.scheduler, isolated=not args.no_isolation)
    print()
    print(grade.table(results))
    if args.no_isolation:
        print(UNISOLATED)
    failed = [r for r in results if r.error]
    if failed:
        print("\n%d submission(s) could not be graded cleanly:" % len(failed))
        for r in failed:
            print("  %s/%s: %s" % (layout.shown(r.student), r.assignment, r.error))
        return 1
    return 0


def cmd_export(args):
    root = layout.course_root(args.root)
    path = export.export_csv(grade.stored_results(root, args.assignment), args.output)
    print("grades written to %s" % path)


def cmd_report(args):
    root = layout.course_root(args.root)
    path, data = report.write_report(root, args.assignment, args.output)
    for assignment, d in data.items():
        print("%-16s %d graded; suspicious: %d; most common mistake: %s" % (
            assignment, d["graded"], len(d["suspicious"]), report.commonest(d["mistakes"])))
    print("report written to %s" % path)


def cmd_feedback(args):
    root = layout.course_root(args.root)
    names = [layout.check_assignment(root, args.assignment)] if args.assignment else layout.assignments(root)
    for name in names:
        for page in feedback.generate(root, name):
            print(page)


def cmd_demo(args):
    results = demo.run(args.dir, full_cohort=args.full, isolated=not args.no_isolation)
    return 1 if any(r.error for r in results) else 0


def parser():
    p = argparse.ArgumentParser(prog="course", description=__doc__)
    p.add_argument("--root", default=".", help="course folder (holds nbgrader_config.py); default: .")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="release every assignment (or one) and verify it")
    b.add_argument("assignment", nargs="?")
    b.set_defaults(fn=cmd_build)
    g = sub.add_parser("grade", help="autograde submitted/ and print the scores")
    g.add_argument("assignment", nargs="?")
    g.add_argument("--force", action="store_true",
                   help="grade every submission again, not only those new or changed since they were graded")
    g.add_argument("--workers", type=int, default=None, help="submissions graded at once; default: one per core")
    g.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local: forked processes on this machine; dask: an embedded Dask LocalCluster")
    g.add_argument("--scheduler", metavar="ADDRESS", help="grade on the Dask cluster at ADDRESS (implies --engine dask)")
    g.add_argument("--no-isolation", action="store_true",
                   help="grade even where no sandbox works: student code then runs with your rights")
    g.set_defaults(fn=cmd_grade)
    e = sub.add_parser("export", help="write the grades to CSV")
    e.add_argument("assignment", nargs="?")
    e.add_argument("-o", "--output", default="exports/grades.csv")
    e.set_defaults(fn=cmd_export)
    r = sub.add_parser("report", help="one HTML page: histogram, pass rates, common mistakes, suspicious code")
    r.add_argument("assignment", nargs="?")
    r.add_argument("-o", "--output", default="reports/report.html")
    r.set_defaults(fn=cmd_report)
    f = sub.add_parser("feedback", help="HTML feedback per student")
    f.add_argument("assignment", nargs="?")
    f.set_defaults(fn=cmd_feedback)
    d = sub.add_parser("demo", help="the full pipeline on sample submissions, in a scratch folder")
    d.add_argument("--dir", default="demo_course", help="scratch course folder (replaced); default: demo_course")
    d.add_argument("--full", action="store_true", help="grade every sample, not just the demo set")
    d.add_argument("--no-isolation", action="store_true",
                   help="run even where no sandbox works: the sample code then runs with your rights")
    d.set_defaults(fn=cmd_demo)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.fn(args) or 0
    except CourseError as e:
        print("course: error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
