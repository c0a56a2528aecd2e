"""`course grade`: autograde every submission, then read back scores and findings.

    collect submissions -> precheck each (course/precheck.py) -> autograde the
    rest (plain nbgrader, one process per assignment) -> read the gradebook
    -> read failure messages from the autograded notebooks -> table

A submission that nbgrader cannot grade is reported on its own row; the rest
of the batch goes on. One nbgrader process per assignment saves its start-up
time (about 4 s) on every submission; its log is split by student to tell
who failed and why, and any submission the batch did not reach (for example
because the process died) is graded again on its own.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from . import CourseError, layout, nbgrader_cli, precheck
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


def autograde(root, assignment, student, nbgrader_args=()):
    """Grade one submission with plain nbgrader. Returns '' or the reason it failed."""
    proc = nbgrader_cli.run(root, "autograde", assignment, "--student", student, "--force",
                            *nbgrader_args, check=False)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 or "| ERROR]" in log:
        return nbgrader_cli.failure_reason(proc)
    return ""


def autograde_all(root, assignment, students, nbgrader_args=(), exclude=()):
    """Grade every submission of one assignment in one nbgrader process,
    except the students in `exclude`.

    Returns {student: '' or the reason grading failed}. Students the batch
    never reached are graded again, one process each.
    """
    if exclude:
        nbgrader_args = ("--CourseDirectory.student_id_exclude=" + ",".join(exclude),) + tuple(nbgrader_args)
    proc = nbgrader_cli.run(root, "autograde", assignment, "--force", *nbgrader_args, check=False)
    logs = log_by_student(proc.stdout + proc.stderr, assignment)
    reasons = {}
    for student in students:
        text = logs.get(student)
        if text is None:
            reasons[student] = autograde(root, assignment, student, nbgrader_args)
        elif "| ERROR]" in text:
            reasons[student] = nbgrader_cli.reason_in(text) or "nbgrader reported an error"
        else:
            reasons[student] = ""
    return reasons


def log_by_student(log, assignment):
    """Split an `nbgrader autograde` log into {student: the lines about them}.

    nbgrader starts each submission with a "Sanitizing .../submitted/<student>/
    <assignment>/..." line and names the student in its error summary.
    """
    start = re.compile(r"Sanitizing .*[/\\]%s[/\\]([^/\\]+)[/\\]%s[/\\]" % (layout.SUBMITTED, re.escape(assignment)))
    summary = re.compile(r"error processing assignment '%s' for student '([^']+)'" % re.escape(assignment))
    logs, current = {}, None
    for line in log.splitlines():
        found = start.search(line) or summary.search(line)
        if found:
            current = found.group(1)
            logs.setdefault(current, [])
        if current is not None:
            logs[current].append(line)
    return {student: "\n".join(lines) for student, lines in logs.items()}


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


def read_messages(root, assignment, student):
    """Failure messages of the test cells, per exercise, from the autograded notebooks."""
    messages = {}
    folder = Path(root) / layout.AUTOGRADED / student / assignment
    for path in layout.notebooks(folder):
        for cell in nbs.read(path).cells:
            if not nbs.is_test(cell):
                continue
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    text = "%s: %s" % (out.get("ename"), out.get("evalue"))
                    messages.setdefault(nbs.exercise_of(nbs.grade_id(cell)), []).append(text)
    return messages


def grade_one(root, assignment, student, nbgrader_args=()):
    """Grade one submission in its own nbgrader process and read its result."""
    return collect(root, assignment, student, autograde(root, assignment, student, nbgrader_args))


def collect(root, assignment, student, error):
    """The Result of a submission that autograde has just processed."""
    result = Result(student, assignment, error=error)
    scores, max_scores = read_scores(root, assignment, student)
    if scores is None:
        result.error = result.error or "no grades recorded"
        return result
    result.scores, result.max_scores = scores, max_scores
    result.messages = read_messages(root, assignment, student)
    return result


def grade(root, assignment=None, log=print):
    """Grade all submissions of one assignment (or of all of them)."""
    names = [layout.check_assignment(root, assignment)] if assignment else layout.assignments(root)
    require_gradebook(root)
    results = []
    for name in names:
        students = layout.students(root, name)
        if not students and assignment:
            raise CourseError("no submissions for %s under %s/<student>/%s/" % (name, layout.SUBMITTED, name))
        rejected = {s: "; ".join(precheck.problems(root, name, s)) for s in students}
        rejected = {s: why for s, why in rejected.items() if why}
        to_grade = [s for s in students if s not in rejected]
        reasons = autograde_all(root, name, to_grade, exclude=sorted(rejected)) if to_grade else {}
        for student in students:
            if student in rejected:
                result = Result(student, name, error=rejected[student])
            else:
                result = collect(root, name, student, reasons[student])
            log("  graded %-28s %-16s %s" % (student, name, "ERROR" if result.error else
                                             "%g/%g" % (result.total, result.max_total)))
            results.append(result)
    if not results:
        raise CourseError("no submissions found under %s/" % layout.SUBMITTED)
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
                results.append(Result(student, name, scores, max_scores,
                                      read_messages(root, name, student)))
            else:   # never graded: say why, so that no submission drops out of the export
                why = "; ".join(precheck.problems(root, name, student)) or "not graded yet: run `course grade`"
                results.append(Result(student, name, error=why))
    return results


def table(results):
    """A plain-text table: one block per assignment, one row per student."""
    out = []
    for assignment in sorted({r.assignment for r in results}):
        rows = [r for r in results if r.assignment == assignment]
        exercises = sorted({ex for r in rows for ex in r.max_scores}, key=_exercise_order(rows))
        maxes = next((r.max_scores for r in rows if r.max_scores), {})
        width = max([len("student")] + [len(r.student) for r in rows])
        head = ["%-*s" % (width, "student")] + ["%s (%g)" % (ex, maxes.get(ex, 0)) for ex in exercises] + ["total"]
        out.append("== %s" % assignment)
        out.append("  ".join(head))
        for r in rows:
            cells = ["%-*s" % (width, r.student)]
            if r.error:
                out.append(cells[0] + "  NOT GRADED: " + r.error)
                continue
            cells += ["%*g" % (len(h), r.scores.get(ex, 0)) for ex, h in zip(exercises, head[1:])]
            cells.append("%g/%g" % (r.total, r.max_total))
            found = ", ".join(m for ids in r.mistakes.values() for m in ids)
            out.append("  ".join(cells) + ("   mistakes: " + found if found else ""))
        graded = [r for r in rows if not r.error]   # a submission not graded has no score to average
        if graded:
            per_ex = ["%-*s" % (width, "mean")] + [
                "%*.2f" % (len(h), sum(r.scores.get(ex, 0) for r in graded) / len(graded))
                for ex, h in zip(exercises, head[1:])]
            out.append("  ".join(per_ex) + "   (%d graded, %d not)" % (len(graded), len(rows) - len(graded)))
    return "\n".join(out)


def _exercise_order(rows):
    """Exercises in notebook order (the order nbgrader lists the grades)."""
    order = []
    for r in rows:
        for ex in r.max_scores:
            if ex not in order:
                order.append(ex)
    return lambda ex: order.index(ex)
