"""`course grade`: autograde every submission, then read back scores and findings.

    collect submissions -> precheck each (course/precheck.py) -> autograde the
    rest, each in its own workspace and sandbox (course/workspace.py) -> read
    the gradebook -> read the verdicts' messages from the autograded notebooks
    -> scan the submitted code for tampering (course/suspicious.py) -> table

A submission that cannot be graded is reported on its own row; the rest of
the batch goes on.
"""
import os
import re
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from . import CourseError, files, layout, precheck, preprocessors, sandbox, suspicious, workspace
from . import notebooks as nbs

MISTAKE = re.compile(r"known mistake \[([\w-]+)\]")


@dataclass
class Result:
    """One student's grade on one assignment."""
    student: str
    assignment: str
    scores: dict = field(default_factory=dict)      # exercise -> points scored
    max_scores: dict = field(default_factory=dict)  # exercise -> points possible
    messages: dict = field(default_factory=dict)    # exercise -> [failure messages]
    error: str = ""                                  # why grading failed, if it did
    suspicious: list = field(default_factory=list)   # code findings for a human to look at
    notes: list = field(default_factory=list)        # what went wrong while running it (time, memory, cells)

    @property
    def total(self):
        return sum(self.scores.values())

    @property
    def max_total(self):
        return sum(self.max_scores.values())

    @property
    def mistakes(self):
        """Named mistakes found, as {exercise: [ids]}."""
        return {ex: sorted({m for msg in msgs for m in MISTAKE.findall(msg)})
                for ex, msgs in self.messages.items() if any(MISTAKE.search(m) for m in msgs)}


def db_url(root):
    return "sqlite:///%s" % (Path(root) / "gradebook.db")


def require_gradebook(root):
    # Opening a missing gradebook would silently create an empty one.
    if not (Path(root) / "gradebook.db").exists():
        raise CourseError("no gradebook yet: run `course build` first")


def read_scores(root, assignment, student):
    """Scores per exercise from the gradebook (test cells grouped by exercise)."""
    scores, max_scores = {}, {}
    with Gradebook(db_url(root)) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None, None
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                ex = nbs.exercise_of(grade.name)
                scores[ex] = scores.get(ex, 0) + (grade.score or 0)
                max_scores[ex] = max_scores.get(ex, 0) + grade.max_score
    return scores, max_scores


def autograded_outputs(root, assignment, student):
    """[(cell, where, output)] for every output of the autograded notebooks,
    read once; `where` names the cell by grade id or position."""
    found = []
    folder = Path(root) / layout.AUTOGRADED / student / assignment
    for path in layout.notebooks(folder):
        try:
            cells = nbs.read(path).cells
        except Exception:   # written by nbgrader, but a broken one must not stop the table
            continue
        for i, cell in enumerate(cells):
            where = nbs.grade_id(cell) or "cell %d" % (i + 1)
            found += [(cell, where, out) for out in cell.get("outputs", [])]
    return found


def read_messages(outputs):
    """Failure messages of the test cells, per exercise."""
    messages = {}
    for cell, where, out in outputs:
        if nbs.is_test(cell) and out.get("output_type") == "error":
            text = "%s: %s" % (out.get("ename"), out.get("evalue"))
            messages.setdefault(nbs.exercise_of(where), []).append(text)
    return messages


def grade_one(root, assignment, student, settings=None):
    """Grade one submission in its workspace and read its result."""
    results = grade(root, assignment, students=[student], log=lambda *_: None, settings=settings)
    return results[0]


def collect(root, assignment, student, error=None, read=None):
    """The Result of a submission that has been graded (or failed to be),
    or of one whose results could not be read, with the reason."""
    try:
        return _collect(root, assignment, student, error, read)
    except Exception as e:   # one submission's odd files must not stop the table
        return Result(student, assignment, error="its results could not be read: %s: %s" % (type(e).__name__, e))


def _collect(root, assignment, student, error=None, read=None):
    """error=None takes the reason stored in its record, if any; read, if
    given, is what read_scores returned for it."""
    record = workspace.read_record(root, assignment, student) or {}
    result = Result(student, assignment, error=record.get("error", "") if error is None else error)
    outputs = autograded_outputs(root, assignment, student)
    result.suspicious = (suspicious.scan_submission(root, assignment, student)
                         + ["file left out of grading: %s" % f for f in record.get("left_out", [])])
    result.notes = precheck.structure_notes(root, assignment, student) + run_problems(outputs)
    scores, max_scores = read or read_scores(root, assignment, student)
    if scores is None:
        result.error = result.error or "no grades recorded"
        return result
    result.scores, result.max_scores = scores, max_scores
    result.messages = read_messages(outputs)
    return result


RUN_PROBLEMS = ("DeadKernelError", "NotRun", "CellTimeoutError", "MemoryError")


def run_problems(outputs):
    """Cells that died, timed out, ran out of memory or were cut, first of each kind."""
    found = {}
    for cell, where, out in outputs:
        if out.get("ename") in RUN_PROBLEMS and out["ename"] not in found:
            found[out["ename"]] = "%s: %s: %s" % (where, out["ename"], out.get("evalue", ""))
        elif (preprocessors.note_text(out) or "").startswith("[output cut"):
            found.setdefault("cut", "%s: %s" % (where, preprocessors.note_text(out)))
    return list(found.values())


def grade(root, assignment=None, log=print, students=None, force=True, workers=None, settings=None,
          progress=False, engine="local", scheduler=None, isolated=True):
    """Grade the submissions of one assignment (or of all of them), each in
    its own workspace. With force=False, submissions already graded from the
    same files are not graded again (a batch that was cut short resumes).
    Refuses, with nothing changed, where kernels cannot be sandboxed, unless
    isolated=False."""
    names = [layout.check_assignment(root, assignment)] if assignment else layout.assignments(root)
    require_gradebook(root)
    if isolated and not sandbox.bwrap():
        raise CourseError(sandbox.UNAVAILABLE)
    root = Path(root)
    jobs, rejected, order = [], {}, []
    for name in names:
        found = layout.students(root, name)
        if not found and assignment:
            raise CourseError("no submissions for %s under %s/<student>/%s/" % (name, layout.SUBMITTED, name))
        for student in (students if students is not None else found):
            order.append((name, student))
            why = "; ".join(precheck.problems(root, name, student))
            if why:
                rejected[(name, student)] = why
            elif force or not workspace.is_done(root, name, student):
                jobs.append((name, student))
    if not order:
        raise CourseError("no submissions found under %s/" % layout.SUBMITTED)
    errors, read = {}, {}
    bar = tqdm(total=len(jobs), desc="grading", unit="submission", disable=not progress or not jobs,
               postfix={"failed": 0})
    write = bar.write if progress else log   # lines go above the bar, not through it

    def done(name, student, error):
        errors[(name, student)] = error
        scores, max_scores = read[(name, student)] = read_scores(root, name, student)
        write("  graded %-20s %7s  %s" % (name, "ERROR" if error or scores is None else
                                          "%g/%g" % (sum(scores.values()), sum(max_scores.values())),
                                          layout.shown(student)))
        bar.set_postfix(failed=sum(1 for e in errors.values() if e))
        bar.update()

    with workspace.reused_engines():   # the course gradebook is opened twice per submission
        with workspace.scratch_folder() as scratch, bar:
            if engine == "dask" or scheduler:
                workspace.grade_many_dask(root, jobs, scratch, workers=workers or os.cpu_count() or 1,
                                          settings=settings, on_done=done, scheduler=scheduler, isolated=isolated)
            else:
                workspace.grade_many(root, jobs, scratch, workers=workers or os.cpu_count() or 1,
                                     settings=settings, on_done=done, isolated=isolated)
        results = []
        for key in order:
            if key in rejected:
                results.append(Result(key[1], key[0], error=rejected[key]))
            else:
                results.append(collect(root, key[0], key[1], errors.get(key), read.get(key)))
    return results


def stored_results(root, assignment=None):
    """Results already in the gradebook (for export and reports), no grading.
    A submission with no grades gets a row with the reason."""
    names = [layout.check_assignment(root, assignment)] if assignment else layout.assignments(root)
    require_gradebook(root)
    results = []
    for name in names:
        for student in layout.students(root, name):
            scores, max_scores = read_scores(root, name, student)
            if scores is not None:
                results.append(collect(root, name, student))
            else:   # never graded: say why, so that no submission drops out of the export
                why = "; ".join(precheck.problems(root, name, student)) or "not graded yet: run `course grade`"
                results.append(Result(student, name, error=why))
    return results


NAME_WIDTH = 28   # a longer student id gets a line of its own above its scores
COLUMN = 7        # an exercise's column: its number, its score, its mean


def table(results, width=None):
    """A plain-text table that fits the terminal: one block per assignment,
    its exercises numbered in a legend, one row per student, and under a
    row the named mistakes (by exercise number), suspicious code and notes."""
    width = max(60, width or shutil.get_terminal_size((100, 24)).columns)
    out = []
    for assignment in sorted({r.assignment for r in results}):
        rows = [r for r in results if r.assignment == assignment]
        exercises = sorted({ex for r in rows for ex in r.max_scores}, key=_exercise_order(rows))
        maxes = next((r.max_scores for r in rows if r.max_scores), {})
        number = {ex: i + 1 for i, ex in enumerate(exercises)}
        name_width = min(NAME_WIDTH, max([len("student")] + [len(layout.shown(r.student)) for r in rows]))
        out.append("== %s" % assignment)
        out += _together("", ["#%d %s (%g)" % (number[ex], ex, maxes.get(ex, 0)) for ex in exercises], width, "  ",
                         "   ")
        out.append("%-*s%s  %s" % (name_width, "student", "".join("%*s" % (COLUMN, "#%d" % number[ex])
                                                                  for ex in exercises), "total"))
        for r in rows:
            name = layout.shown(r.student)
            if len(name) > name_width:
                out.append(name)
                name = ""
            if r.error:
                out.append("%-*s  NOT GRADED" % (name_width, name))
                out += _wrapped(["why: " + r.error], width, "    ")
            else:
                out.append("%-*s%s  %g/%g" % (name_width, name, "".join("%*g" % (COLUMN, r.scores.get(ex, 0))
                                                                         for ex in exercises), r.total, r.max_total))
                found = ["#%d %s" % (number.get(ex, 0), m) for ex, ids in r.mistakes.items() for m in ids]
                out += _together("mistakes: ", found, width, "    ", ", ")
            out += _wrapped(["suspicious: " + s for s in r.suspicious] + ["note: " + s for s in r.notes], width, "    ")
        graded = [r for r in rows if not r.error]   # a submission not graded has no score to average
        if graded:
            means = "".join("%*.2f" % (COLUMN, sum(r.scores.get(ex, 0) for r in graded) / len(graded))
                            for ex in exercises)
            out.append("%-*s%s  (%d graded, %d not)" % (name_width, "mean", means, len(graded), len(rows) - len(graded)))
    return "\n".join(out)


def _wrapped(items, width, indent):
    """Each item on lines of its own, no longer than `width`."""
    return [line for item in items for line in textwrap.wrap(item, width, initial_indent=indent,
                                                             subsequent_indent=indent + "  ") or [indent]]


def _together(label, items, width, indent, sep):
    """`label` and the items joined by `sep`, wrapped between items (never
    inside one) to lines no longer than `width`."""
    if not items:
        return []
    text = label + sep.join(item.replace(" ", "\xa0") for item in items)   # textwrap breaks at ASCII spaces only
    return [line.replace("\xa0", " ") for line in textwrap.wrap(text, width, initial_indent=indent,
                                                                subsequent_indent=indent + "  ")]


def _exercise_order(rows):
    """Exercises in notebook order (the order nbgrader lists the grades)."""
    order = []
    for r in rows:
        for ex in r.max_scores:
            if ex not in order:
                order.append(ex)
    return lambda ex: order.index(ex)
