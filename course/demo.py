"""`course demo`: the whole instructor pipeline on a scratch copy of the course.

    copy the course -> build the release -> file sample submissions
    -> grade -> table, CSV and feedback

It never touches the real course's gradebook or submissions.
"""
import shutil
from pathlib import Path

from . import CourseError, build, cohort, export, feedback, grade, layout, report, sandbox

REPO = Path(__file__).resolve().parent.parent


def copy_course(src, dest):
    """A fresh course folder at dest with the config, helpers and sources of src."""
    src, dest = Path(src), Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("nbgrader_config.py",) + layout.HELPERS:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, dest / name)
    shutil.copytree(src / layout.SOURCE, dest / layout.SOURCE,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


def run(dest, src=REPO, full_cohort=False, log=print, isolated=True):
    if isolated and not sandbox.bwrap():   # before anything is made
        raise CourseError(sandbox.UNAVAILABLE)
    root = copy_course(layout.course_root(src), dest)
    log("1. build: the course copied to %s/ (the paths below are inside it); releasing" % _shown(root))
    build.build(root, log=log)
    log("2. sample submissions (reference, untouched release, other style, mistakes)")
    for assignment in layout.assignments(root):
        for sample in cohort.make_cohort(root, assignment, demo_only=not full_cohort):
            log("  submitted/%s/%s" % (sample["student"], assignment))
    log("3. grade: nbgrader's autograde, each submission in its own workspace, one per core")
    log("  isolation: " + (sandbox.isolation() if isolated else "NONE (--no-isolation)"))
    results = grade.grade(root, log=log, isolated=isolated)
    log("")
    log(grade.table(results))
    log("")
    csv_path = export.export_csv(results, root / "exports" / "grades.csv")
    log("4. grades exported to %s" % csv_path.relative_to(root))
    pages = [p for a in layout.assignments(root) for p in feedback.generate(root, a)]
    log("5. %d feedback pages, in feedback/<student>/<assignment>/" % len(pages))
    report_path, _ = report.write_report(root)
    log("6. the report written to %s" % report_path.relative_to(root))
    log("")
    log("Where to look next, in %s/:" % _shown(root))
    for line in next_steps(root, pages, {(r.student, r.assignment) for r in results if r.mistakes}):
        log("  " + line)
    if not isolated:
        log("graded without isolation (--no-isolation): the sample code ran with your rights")
    return results


def _shown(path):
    """A path as short as it can be said: from the current folder if inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def next_steps(root, pages, with_mistakes=()):
    """What an instructor opens after a run, as lines. with_mistakes: the
    (student, assignment) pairs whose grading named a mistake; the example
    feedback page is the shortest path among theirs."""
    named = [p for p in pages if (p.parent.parent.name, p.parent.name) in with_mistakes]
    example = min(named or pages, key=lambda p: len(str(p)), default=None)
    steps = ["reports/report.html: grades, pass rates, the commonest mistakes, suspicious code",
             "exports/grades.csv: one row per student and assignment, for a spreadsheet"]
    if example is not None:
        steps.append("%s: what a student reads" % example.relative_to(root))
    steps.append("formgrader: cd %s && jupyter lab, then Nbgrader > Formgrader" % _shown(root))
    return steps
