"""`course export`: grades per student and exercise, as CSV."""
import csv
from pathlib import Path

from . import CourseError


def export_csv(results, path):
    """One row per (student, assignment): a column per exercise, total, mistakes."""
    if not results:
        raise CourseError("nothing to export: no graded submissions in the gradebook")
    exercises = []
    for r in results:
        exercises += [ex for ex in r.max_scores if ex not in exercises]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment"] + exercises + ["total", "max", "mistakes", "error"])
        for r in results:
            w.writerow([r.student, r.assignment]
                       + [_number(r.scores.get(ex)) for ex in exercises]
                       + [_number(r.total) if not r.error else "", _number(r.max_total) if not r.error else "",
                          ";".join("%s:%s" % (ex, m) for ex, ids in r.mistakes.items() for m in ids), r.error])
    return path


def _number(value):
    """One format for every score: 3, 0, 1.5; blank for none."""
    return "" if value is None else "%g" % value
