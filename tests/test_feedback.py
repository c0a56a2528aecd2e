"""Feedback HTML shows each check's points, pass or fail and the grader's
message. The hidden test cells hold nothing to hide (their cases, references
and mistakes live in course/checks/, outside the notebook), so feedback is
nbgrader's own, unchanged."""
import html
import re

from traitlets.config.loader import PyFileConfigLoader

from course import feedback, layout
from course.checks import exercises
from conftest import REPO


def visible_text(page):
    """What a reader sees: the HTML without its tags (pygments splits code into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def test_feedback_is_nbgraders_own_pipeline():
    from nbgrader.converters import GenerateFeedback
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    assert "preprocessors" not in config.GenerateFeedback
    assert GenerateFeedback.class_traits()["preprocessors"].default()


def test_feedback_shows_points_and_the_graders_messages(graded):
    root, results, _, _ = graded
    assignment = layout.assignments(root)[-1]
    pages = feedback.generate(root, assignment)
    graded_ok = [r for r in results.values() if r.assignment == assignment and not r.error]
    assert len(pages) == len(graded_ok)
    for page in pages:
        student = page.parent.parent.name
        text = visible_text(page)
        result = results[(assignment, student)]
        for exercise in result.max_scores:
            for kind in ("visible", "hidden"):   # each check: its points, then its outcome
                assert re.search(r"Grade cell: %s-%s\s+Score: [\d.]+ / [\d.]+" % (exercise, kind), text), (student, exercise, kind)
        for exercise, ids in result.mistakes.items():
            for mistake in ids:
                assert "known mistake [%s]" % mistake in text, (student, mistake)
        if student == "reference":
            assert text.count("Checked by the grader: All ") == 2 * len(exercises(assignment))
        if student == "untouched_release":
            assert "Score: 0.0 / 2.0" in text and "is not written yet" in text
