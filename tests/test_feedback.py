"""Feedback HTML shows each check's points, pass or fail and message, and
never the hidden tests' source nor tracebacks that quote it."""
import html
import re

from traitlets.config.loader import PyFileConfigLoader

from course import build, feedback, layout
from course import notebooks as nbs
from conftest import REPO


def visible_text(page):
    """What a reader sees: the HTML without its tags (pygments splits code into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def hidden_secrets(root, assignment):
    """Lines of hidden test code that appear nowhere in the release."""
    secrets = []
    for path in layout.notebooks(root / layout.SOURCE / assignment):
        for gid, lines in build.secret_lines(nbs.read(path)).items():
            if gid.endswith("-hidden"):
                secrets += lines
    return secrets


def test_the_config_adds_one_step_to_nbgraders_default_feedback_pipeline():
    from nbgrader.converters import GenerateFeedback
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    default = GenerateFeedback.class_traits()["preprocessors"].default()
    ours = list(config.GenerateFeedback.preprocessors)
    step = "course.preprocessors.ScrubHiddenTests"
    assert [p for p in ours if p != step] == default and ours.count(step) == 1


def test_feedback_shows_results_and_messages_but_no_hidden_test(graded):
    root, results, _, _ = graded
    assignment = layout.assignments(root)[-1]
    secrets = hidden_secrets(root, assignment)
    pages = feedback.generate(root, assignment)
    graded_ok = [r for r in results.values() if r.assignment == assignment and not r.error]
    assert secrets and len(pages) == len(graded_ok)
    for page in pages:
        student = page.parent.parent.name
        text = visible_text(page)
        autograded = "\n".join(p.read_text() for p in layout.notebooks(root / layout.AUTOGRADED / student / assignment))
        # Without the scrub step the hidden tests would be there: nbgrader restores them.
        assert any(json_line in autograded for json_line in (l.replace('"', '\\"') for l in secrets))
        leaked = [line for line in secrets if line in text]
        assert not leaked, "%s's feedback shows hidden test code: %r" % (student, leaked[0])
        assert "hidden tests are not shown" in text
        result = results[(assignment, student)]
        for exercise in result.max_scores:
            for kind in ("visible", "hidden"):   # each check: its points, then its outcome
                assert re.search(r"Grade cell: %s-%s\s+Score: [\d.]+ / [\d.]+" % (exercise, kind), text), (student, exercise, kind)
        for exercise, ids in result.mistakes.items():
            for mistake in ids:
                assert "known mistake [%s]" % mistake in text, (student, mistake)
        if student == "untouched_release":
            assert "Score: 0.0 / 2.0" in text and "NotImplementedError" in text
