"""Grading proven from both sides, on every chapter's sample cohort:
the reference scores full marks, the untouched release zero, other correct
styles full marks, and each known mistake loses marks on its own exercise
with a message that names it."""
import pytest

from course import cohort, grade, layout
from conftest import REPO, attacks, bad_inputs

CASES = [(a, s) for a in layout.assignments(REPO) for s in cohort.catalogue(a)]


@pytest.mark.parametrize("assignment,sample", CASES, ids=["%s/%s" % (a, s["student"]) for a, s in CASES])
def test_sample_is_graded_as_expected(graded, assignment, sample):
    _, results, _, _ = graded
    r = results[(assignment, sample["student"])]
    assert not r.error, "grading failed: %s" % r.error
    assert set(r.max_scores) == set(sample["expect"]), "exercises graded: %s" % sorted(r.max_scores)
    for exercise, expect in sample["expect"].items():
        score, full = r.scores[exercise], r.max_scores[exercise]
        where = "%s: %g/%g, messages: %s" % (exercise, score, full, r.messages.get(exercise))
        assert full > 0
        if expect == "full":
            assert score == full, where
        elif expect == "zero":
            assert score == 0, where
        elif expect == cohort.CARRIED_FORWARD:  # right on its own, built on a wrong earlier exercise
            assert 0 < score < full, where
            assert exercise not in r.mistakes, where
        elif isinstance(expect, dict):   # a mistake the catalogue does not know: described, not named
            assert score == 0 and exercise not in r.mistakes, where
            assert any(expect["diagnosis"] in m for m in r.messages[exercise]), where
        else:  # named mistakes: no marks here, and the messages name them and no other
            ids = [expect] if isinstance(expect, str) else list(expect)
            assert score == 0, where
            assert r.mistakes.get(exercise) == sorted(ids), where


def test_untouched_release_scores_zero_in_total(graded):
    _, results, _, _ = graded
    untouched = [r for (a, s), r in results.items() if s == "untouched_release"]
    assert untouched and all(r.total == 0 and r.max_total > 0 and not r.error for r in untouched)


def test_each_mistake_has_its_own_named_message(graded):
    """Every mistake id in the catalogues is detected somewhere, and no
    correct answer is ever reported as a mistake."""
    _, results, _, _ = graded
    for assignment in layout.assignments(REPO):
        for sample in cohort.catalogue(assignment):
            r = results[(assignment, sample["student"])]
            if all(e in cohort.NOT_MISTAKES for e in sample["expect"].values()):
                assert r.mistakes == {}, "%s reported mistakes %s" % (sample["student"], r.mistakes)


def test_grading_never_modifies_submitted_files(graded):
    _, _, before, after = graded
    assert before and before == after


def test_bad_input_is_reported_per_submission_and_the_batch_goes_on(graded):
    """Invalid JSON, JSON that is not a notebook, nbformat 3, a binary file, a
    duplicated graded cell and a misnamed notebook: each submission gets its
    own clear message, and every sample submission is still graded."""
    root, results, _, _ = graded
    kinds = 0
    for assignment in layout.assignments(REPO):
        bad = bad_inputs(assignment, layout.notebooks(root / layout.RELEASE / assignment)[0])
        for student, (_, _, phrase) in bad.items():
            r = results[(assignment, student)]
            assert phrase in r.error and r.total == 0, (student, r.error)
        kinds = len(bad)
        hostile = attacks.hostile_folders.made if assignment == attacks.ASSIGNMENT else {}
        others = [r for (a, s), r in results.items() if a == assignment and s not in bad and s not in hostile]
        assert others and [(r.student, r.error) for r in others if r.error] == []
    assert "NOT GRADED" in grade.table(list(results.values()))
    print("kinds of bad input tried per chapter: %d" % kinds)
