"""What the visible tests know, as data for the release: visible_checks.json.

For each visible case of each exercise: the right outcome, and a digest
(testCases.digest) of the outcome of every known mistake, alone and two
together, that differs from it there. `course build` writes this file into each source assignment folder,
and nbgrader releases it beside the notebook. It holds answers on the
visible cases only, never the code of a reference or of a mistake, nor
anything about the hidden cases."""
import functools
import json

from . import exercises, judge, public

FILE = public.VISIBLE_CHECKS


def visible_checks(assignment):
    data = {"mistakes": {}, "cases": {}}
    for exercise in exercises(assignment).values():
        data["mistakes"][exercise.function] = exercise.sentences()
        for number, case in enumerate(exercise.visible, 1):
            args, kwargs = case.input
            expected = judge.outcomes(exercise, [case])[0]
            known = [[list(ids), public.digest(outcome)] for ids, outcome in
                     ((ids, judge.outcomes(exercise, [case], knobs)[0]) for ids, knobs in exercise.candidates())
                     if not public.same_outcome(outcome, expected)]
            data["cases"][public.fingerprint(exercise.function, args, kwargs)] = {
                "function": exercise.function, "driver": case.driver, "description": case.description, "number": number,
                "of": len(exercise.visible), "inputs_unchanged": exercise.inputs_unchanged,
                "separate_results": exercise.separate_results, "uses": list(exercise.uses.values()),
                "expected": public.encode(expected), "mistakes": known}
    return data


@functools.lru_cache(maxsize=None)
def text(assignment):
    """The file's text: stable, so that an unchanged course builds the same bytes."""
    return json.dumps(visible_checks(assignment), indent=1, sort_keys=True) + "\n"
