"""The checks of every chapter (course/checks/<assignment>.py), tested in
this process, without a notebook or a kernel: every sample answer of
course/samples/ is judged as grading would judge it (through run_cases and
the answer format), on the hidden cases and on the visible ones, and also
run through the visible test the student runs (testCases.visible_test, with
the release's visible_checks.json). Each must come out as its sample says:
the reference and other correct styles pass, the untouched release is "not
written yet", each known mistake is named, and a mistake the catalogue does
not know is described without naming any."""
import contextlib
import io
import itertools

import pytest

from answers import functions
from conftest import REPO
from course import cohort, layout
from course.checks import exercises, judge, public, visible

ASSIGNMENTS = layout.assignments(REPO)
SAMPLES = [(a, s) for a in ASSIGNMENTS for s in cohort.catalogue(a)]


def run_hidden_and_visible(assignment, sample):
    """{exercise: (visible verdict, hidden verdict, what the visible test said)}."""
    namespace = functions(assignment, sample["answers"])
    found = {}
    for name, exercise in exercises(assignment).items():
        verdicts = []
        for cases, carry in ((exercise.graded_visible(), False), (exercise.hidden, True)):
            text = public.run_cases(judge.request(exercise, cases), namespace)
            answers, own = judge.read_answers(exercise, cases, text)
            verdicts.append(judge.judge(exercise, cases, answers, own, carry))
        found[name] = (*verdicts, kernel_side(assignment, exercise, namespace[name]))
    return found


def kernel_side(assignment, exercise, fn):
    """What the visible test cell says: None if it passes, else its message."""
    checks = str(REPO / layout.RELEASE / assignment / public.VISIBLE_CHECKS)
    public._seen.clear()
    for case in exercise.visible:
        args, kwargs = public.decode(public.encode(case.input))
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                public.visible_test(fn, *args, checks=checks, **kwargs)
        except AssertionError as e:
            return str(e)
    return None


def named(message):
    return tuple(public_ids(message))


def public_ids(message):
    import re
    return re.findall(r"known mistake \[([\w-]+)\]", message or "")


@pytest.mark.parametrize("assignment,sample", SAMPLES, ids=["%s/%s" % (a, s["student"]) for a, s in SAMPLES])
def test_each_sample_is_judged_as_it_says(assignment, sample):
    for name, (seen, hidden, said) in run_hidden_and_visible(assignment, sample).items():
        expect = sample["expect"][name]
        where = "%s: visible %r, hidden %r, visible test %r" % (name, seen.message, hidden.message, said)
        if expect == "full":
            assert seen.passed and hidden.passed and said is None, where
        elif expect == "zero":
            assert not seen.passed and not hidden.passed, where
            assert all(public.explain_not_written(name) in m for m in (seen.message, hidden.message, said)), where
        elif expect == cohort.CARRIED_FORWARD:
            assert hidden.passed and "Note:" in hidden.message and not seen.passed and said, where
            assert not named(seen.message) and not named(said), where
        elif isinstance(expect, dict):   # a mistake the catalogue does not know
            assert not seen.passed and not hidden.passed and said, where
            assert not named(seen.message + hidden.message + said), where
            assert expect["diagnosis"] in hidden.message, where
        else:
            ids = (expect,) if isinstance(expect, str) else tuple(expect)
            assert hidden.mistakes == ids and named(hidden.message) == ids, where
            assert named(seen.message) == ids, where
            if any(sample["expect"][used] != "full" for used in exercises(assignment)[name].uses.values()):
                # the release knows the mistakes' answers on top of the right earlier function only
                assert not named(said) and "fix it first" in said, where
            elif len(ids) == 1:
                assert named(said) == ids, where
            else:   # it stops at the first case it gets wrong, which may show only one of the two
                assert named(said) and set(named(said)) <= set(ids), where


def unseen_mistakes(assignment):
    """[(function, mistake id)] of the known mistakes that a visible test
    would not name: an answer with that mistake is run through the visible
    cases in order, as the cell does, until one fails; that failure must
    name the mistake."""
    data = visible.visible_checks(assignment)
    missing = []
    for exercise in exercises(assignment).values():
        keys = [public.fingerprint(exercise.function, *case.input) for case in exercise.visible]
        for m in exercise.mistakes:
            seen, message = {}, ""
            for key, case in zip(keys, exercise.visible):
                entry = data["cases"][key]
                seen[key] = outcome = judge.outcomes(exercise, [case], m.knobs)[0]
                expected = public.decode(entry["expected"])
                if not public.same_outcome(outcome, expected):
                    message = public._visible_message(exercise.function, outcome, expected, entry, data, seen)
                    break
            if not message.startswith("known mistake [%s]:" % m.id) or "; and known mistake" in message:
                missing.append((exercise.function, m.id))
    return missing


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_known_mistake_is_named_by_the_visible_test(assignment):
    """Run as the test cell runs, case after case, an answer with any one
    known mistake is named at the first case it gets wrong."""
    assert unseen_mistakes(assignment) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_hidden_cases_tell_every_known_mistake_apart(assignment):
    """No two known mistakes, and no mistake and the reference, give the
    same answers on every hidden case: a name is never a guess."""
    for exercise in exercises(assignment).values():
        runs = {m.id: judge.outcomes(exercise, exercise.hidden, m.knobs) for m in exercise.mistakes}
        runs["the reference"] = judge.outcomes(exercise, exercise.hidden)
        for (a, ra), (b, rb) in itertools.combinations(runs.items(), 2):
            assert not all(map(public.same_outcome, ra, rb)), "%s: %s and %s" % (exercise.function, a, b)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_known_mistake_has_a_sample(assignment):
    """So every name the checks can give is shown to be given to a real
    submission, end to end, by test_grading."""
    known = {(name, m) for name, exercise in exercises(assignment).items() for m in exercise.sentences()}
    sampled = set()
    for sample in cohort.catalogue(assignment):
        for name, expect in sample["expect"].items():
            if isinstance(expect, (str, tuple)) and expect not in cohort.NOT_MISTAKES:
                sampled |= {(name, m) for m in ((expect,) if isinstance(expect, str) else expect)}
    assert known == sampled, "checks only: %s; samples only: %s" % (sorted(known - sampled), sorted(sampled - known))


def test_the_share_of_wrong_samples_named_or_diagnosed():
    """Every wrong sample answer is either named or, for the few the
    catalogue does not know, described by a diagnosis particular to the
    exercise (not only "wrong values")."""
    wrong = precise = 0
    for assignment, sample in SAMPLES:
        for name, (_, hidden, _) in run_hidden_and_visible(assignment, sample).items():
            if sample["expect"][name] in ("full", "zero", cohort.CARRIED_FORWARD):
                continue
            wrong += 1
            precise += bool(hidden.mistakes) or "wrong values" not in hidden.message
    print("wrong sample answers named or precisely diagnosed: %d of %d" % (precise, wrong))
    assert wrong and precise == wrong


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_answers_copied_from_the_release_earn_no_visible_points(assignment):
    """visible_checks.json gives away the right answers on the visible cases.
    A function that returns them there, and nonsense elsewhere, passes those
    cases; the visible test's points are judged on the same cases with other
    numbers too, which it fails."""
    data = public.load_visible_checks(str(REPO / layout.RELEASE / assignment / public.VISIBLE_CHECKS))
    for name, exercise in exercises(assignment).items():
        def from_release(*args, **kwargs):
            entry = data["cases"].get(public.fingerprint(name, args, kwargs))
            if entry is None:
                raise ValueError("not a visible case")
            return public.decode(entry["expected"])["result"]

        class FromRelease:
            """An optimizer object that answers each step from the release, for
            the visible case's start and gradients (the same three times)."""
            def __init__(self, **settings):
                self.settings, self.start, self.steps = settings, None, 0

            def step(self, parameters, grads):
                self.start, self.steps = self.start or parameters, self.steps + 1
                return from_release(self.settings, self.start, [grads] * 3)["after step %d" % self.steps]

        copied = FromRelease if exercise.visible[0].driver == "object" else from_release
        verdicts = []
        for cases in (exercise.visible, exercise.graded_visible()):
            answers, own = judge.read_answers(exercise, cases, public.run_cases(judge.request(exercise, cases),
                                                                                {name: copied}))
            verdicts.append(judge.judge(exercise, cases, answers, own, carry=False))
        assert verdicts[0].passed, (name, verdicts[0].message)
        assert not verdicts[1].passed and "with other numbers" in verdicts[1].message, (name, verdicts[1].message)
