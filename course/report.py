"""`course report`: one HTML page an instructor can act on, from the grades
already in the gradebook (run `course grade` first).

Per assignment: the grade histogram, the pass rate and mean score of each
exercise, the named mistakes from most to least common, the submissions
with suspicious code, and those that could not be graded.
Figures are drawn here with matplotlib and embedded in the page, so the
page is one self-contained file.
"""
import base64
import html
import io
from collections import Counter
from pathlib import Path

from . import grade


def summary(results):
    """The numbers behind the page, per assignment, as plain data."""
    out = {}
    for assignment in sorted({r.assignment for r in results}):
        rows = [r for r in results if r.assignment == assignment]
        graded = [r for r in rows if not r.error]
        maxes = next((r.max_scores for r in graded if r.max_scores), {})
        exercises = [ex for ex in maxes]
        out[assignment] = {
            "percents": [100.0 * r.total / r.max_total for r in graded if r.max_total],
            "exercises": {ex: {"pass_rate": _share(r.scores.get(ex, 0) == maxes[ex] for r in graded),
                               "mean": _mean(r.scores.get(ex, 0) for r in graded), "max": maxes[ex]}
                          for ex in exercises},
            "mistakes": Counter((ex, m) for r in graded for ex, ids in r.mistakes.items() for m in ids).most_common(),
            "suspicious": {r.student: r.suspicious for r in rows if r.suspicious},
            "notes": {r.student: r.notes for r in rows if r.notes},
            "not_graded": {r.student: r.error for r in rows if r.error},
            "graded": len(graded),
        }
    return out


def _share(flags):
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0


def _mean(values):
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def histogram_png(percents, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 2.6))
    ax.hist(percents, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#4c72b0", edgecolor="white")
    ax.set_xlabel("total score (%)")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)   # students come whole
    ax.set_title(title)
    ax.set_xlim(0, 100)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def page(data):
    e = html.escape
    parts = ["<!doctype html><meta charset='utf-8'><title>Grading report</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}code{font-size:90%}</style>",
             "<h1>Grading report</h1>"]
    for assignment, d in data.items():
        parts.append("<h2>%s</h2><p>%d graded, %d not graded.</p>" % (e(assignment), d["graded"], len(d["not_graded"])))
        if d["percents"]:
            png = base64.b64encode(histogram_png(d["percents"], assignment)).decode()
            parts.append("<img alt='grade histogram' src='data:image/png;base64,%s'>" % png)
        parts.append("<h3>Exercises</h3><table><tr><th>exercise</th><th>full marks</th><th>mean score</th></tr>")
        for ex, s in d["exercises"].items():
            parts.append("<tr><td>%s</td><td>%.0f%%</td><td>%.2f / %g</td></tr>" % (e(ex), 100 * s["pass_rate"], s["mean"], s["max"]))
        parts.append("</table>")
        if d["mistakes"]:
            parts.append("<h3>Named mistakes, most common first</h3><p>Most common: %s.</p>"
                         "<table><tr><th>exercise</th><th>mistake</th><th>students</th></tr>" % e(commonest(d["mistakes"])))
            parts += ["<tr><td>%s</td><td><code>%s</code></td><td>%d</td></tr>" % (e(ex), e(m), n)
                      for (ex, m), n in d["mistakes"]]
            parts.append("</table>")
        for title, rows in (("Suspicious submissions", d["suspicious"]), ("Notes", d["notes"])):
            if rows:
                parts.append("<h3>%s</h3><ul>" % title)
                parts += ["<li><b>%s</b><ul>%s</ul></li>" % (e(s), "".join("<li><code>%s</code></li>" % e(x) for x in xs))
                          for s, xs in rows.items()]
                parts.append("</ul>")
        if d["not_graded"]:
            parts.append("<h3>Not graded</h3><ul>")
            parts += ["<li><b>%s</b>: %s</li>" % (e(s), e(why)) for s, why in d["not_graded"].items()]
            parts.append("</ul>")
    return "\n".join(parts)


def commonest(mistakes):
    """The most common mistakes, in words: "none", one, or those tied first."""
    if not mistakes:
        return "none"
    top = mistakes[0][1]
    tied = ["%s of %s" % (m, ex) for (ex, m), n in mistakes if n == top]
    if len(tied) == 1:
        return "%s (%d)" % (tied[0], top)
    return "%d tied at %d each: %s" % (len(tied), top, ", ".join(tied[:3]) + (", ..." if len(tied) > 3 else ""))


def write_report(root, assignment=None, output="reports/report.html"):
    data = summary(grade.stored_results(root, assignment))
    path = Path(output) if Path(output).is_absolute() else Path(root) / output
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(data), encoding="utf-8")
    return path, data
