"""Verdicts on a student's answers, made in the grading process.

    request(exercise, cases)        what the kernel is asked to run (JSON for testCases.run_cases)
    read_answers(exercise, cases, text)   what it handed back, checked to be plain data of the right form
    judge(exercise, cases, answers, own)  -> Verdict

judge compares each answer with the reference, computed here. A wrong
answer is explained, in this order of preference: not written yet; a known
mistake that reproduces the answer on every case; two known mistakes made
together; else the exercise's own diagnosis of what is wrong, or where the
answer first differs. A mistake is named only when it gives exactly the
student's answer on every case, so no message names a mistake the answer
does not make.
"""
import copy
import functools
import json
from dataclasses import dataclass

from . import public

MAX_ANSWER_CHARS = 32_000_000


@dataclass
class Verdict:
    passed: bool
    message: str
    mistakes: tuple = ()


def request(exercise, cases):
    """The calls the kernel makes: the function on every case, then each
    function the exercise uses, on the same cases."""
    calls = [{"function": exercise.function, "driver": case.driver, "input": case.input,
              "keep_args": exercise.inputs_unchanged, "aliases": exercise.separate_results} for case in cases]
    for name in exercise.uses.values():
        calls += [{"function": name, "driver": case.driver, "input": case.input} for case in cases]
    return json.dumps(public.encode({"calls": calls}))


def read_answers(exercise, cases, text):
    """(answers, own): the outcome on each case, and {keyword: [outcome per
    case]} for what the exercise uses. Raises public.Malformed for anything
    run_cases could not have written."""
    if not isinstance(text, str) or len(text) > MAX_ANSWER_CHARS:
        raise public.Malformed("the answers are missing or longer than %d characters" % MAX_ANSWER_CHARS)
    try:
        outcomes = public.decode(json.loads(text))
    except (ValueError, RecursionError) as e:
        raise public.Malformed(str(e)[:200]) from None
    used = list(exercise.uses)
    count = len(cases) * (1 + len(used))
    if not (isinstance(outcomes, list) and len(outcomes) == count and all(map(_is_outcome, outcomes))
            and all("args" in o for o in outcomes[:len(cases)] if exercise.inputs_unchanged)):
        raise public.Malformed("expected %d outcomes of the form run_cases writes" % count)
    for o in outcomes:   # a hostile kernel may send messages of any length
        if "error" in o:
            o["error"] = [o["error"][0][:100], o["error"][1][:300]]
    own = {kw: outcomes[len(cases) * (k + 1):len(cases) * (k + 2)] for k, kw in enumerate(used)}
    return outcomes[:len(cases)], own


def _is_outcome(o):
    if not isinstance(o, dict) or len(set(o) & {"result", "error"}) != 1 or set(o) - {"result", "error", "args", "shared"}:
        return False
    error = o.get("error", ["", ""])
    return isinstance(error, list) and len(error) == 2 and all(isinstance(e, str) for e in error) \
        and isinstance(o.get("shared", []), list)


def outcomes(exercise, cases, knobs=None, own=None):
    """What the reference (with these knobs) gives on each case; with `own`,
    on top of the student's own answers to what the exercise uses."""
    found = []
    for i, case in enumerate(cases):
        settings = dict(knobs or {})
        for kw, answers in (own or {}).items():
            settings[kw] = answers[i]["result"]
        fn = functools.partial(exercise.implementation, **settings) if settings else exercise.implementation
        found.append(public.outcome_of(fn, case.driver, copy.deepcopy(case.input)))
    return found


def _usable(own, n):
    """The student's own answers to what the exercise uses, if every one is a value."""
    if own and all("result" in own_answers[i] and not _unsupported(own_answers[i]["result"])
                   for own_answers in own.values() for i in range(n)):
        return own
    return None


def _join(names):
    return " and ".join(names)


def _unsupported(value):
    return isinstance(value, public.Unsupported)


def judge(exercise, cases, answers, own=None, carry=True):
    """The verdict on `answers`. `own`: the student's answers to what the
    exercise uses; an answer right on top of them passes if `carry`
    (error carried forward), and is otherwise explained."""
    n = len(cases)

    def where(i):
        return "Case %d of %d (%s)" % (i + 1, n, cases[i].description) if n > 1 else \
            "The case (%s)" % cases[i].description

    if any(a.get("error", [""])[0] == "NotImplementedError" for a in answers):
        return Verdict(False, public.explain_not_written(exercise.function))
    expected = outcomes(exercise, cases)
    wrong = [i for i in range(n) if not public.same_outcome(answers[i], expected[i])]
    own = _usable(own, n)
    note = ""
    if wrong and own is not None:
        carried = outcomes(exercise, cases, own=own)
        if all(public.same_outcome(answers[i], carried[i]) for i in range(n)):
            if not carry:
                return Verdict(False, "%s: the function is right, but it builds on %s, which is wrong; fix that "
                                      "first" % (where(wrong[0]), _join(exercise.uses.values())))
            wrong, note = [], exercise.carried_note
    if not wrong:
        return _right_values(exercise, cases, answers, where, note)
    named, several = _known(exercise, cases, answers, wrong[0], own)
    if named:
        sentences = exercise.sentences()
        text = "; and ".join("known mistake [%s]: %s" % (i, sentences[i]) for i in named)
        return Verdict(False, "%s: %s" % (where(wrong[0]), text), named)
    text = _diagnosis(exercise, cases[wrong[0]], answers[wrong[0]], expected[wrong[0]])
    if several:
        text += " (this is what each of these would give: %s)" % "; ".join(" with ".join(ids) for ids in several)
    return Verdict(False, "%s: %s" % (where(wrong[0]), text))


def _right_values(exercise, cases, answers, where, note):
    """Right values: still wrong if an input was changed or results share memory."""
    for i, (case, answer) in enumerate(zip(cases, answers)):
        if exercise.inputs_unchanged and public.first_difference(answer.get("args"), case.input) is not None:
            return Verdict(False, "%s: known mistake [%s]: %s" % (where(i), public.CHANGED_INPUT,
                                                                  public.CHANGED_INPUT_SENTENCE), (public.CHANGED_INPUT,))
        if exercise.separate_results and answer.get("shared"):
            return Verdict(False, "%s: known mistake [%s]: %s" % (where(i), public.SHARED, public.SHARED_SENTENCE),
                           (public.SHARED,))
    return Verdict(True, "All %d cases passed.%s" % (len(cases), " " + note if note else ""))


def _known(exercise, cases, answers, first_wrong, own):
    """(ids, others): the known mistake, or pair of mistakes, that alone
    reproduces the answer on every case (a single one before any pair);
    else () and the ids of those that all do, if several."""
    order = [first_wrong] + [i for i in range(len(cases)) if i != first_wrong]   # most fail at once there
    found = {1: [], 2: []}
    for ids, knobs in exercise.candidates():
        if len(ids) == 2 and found[1]:
            break
        for base in ([None, own] if own is not None else [None]):
            if all(public.same_outcome(answers[i], outcomes(exercise, [cases[i]], knobs, _one(base, i))[0])
                   for i in order):
                found[len(ids)].append(ids)
                break
    matches = found[1] or found[2]
    return (matches[0], []) if len(matches) == 1 else ((), matches)


def _one(own, i):
    return None if own is None else {kw: [answers[i]] for kw, answers in own.items()}


def _diagnosis(exercise, case, got, expected):
    if "error" in got:
        name, message = got["error"]
        why = _safely(exercise.explain_error, name, message, case)
        return why or "the function raised %s: %s" % (name, message)
    if "error" in expected:
        return "the function returned a value, but on this case it should raise %s" % expected["error"][0]
    why = _safely(exercise.explain, got["result"], expected["result"], case)
    return why or public.first_difference(got["result"], expected["result"])


def _safely(explain, *args):
    """An exercise's own diagnosis, or None if it has none, or if the answer
    is too odd for it (any answer may come from a hostile kernel)."""
    if explain is None:
        return None
    try:
        return explain(*args)
    except Exception:
        return None
