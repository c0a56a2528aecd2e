"""What a right answer is, for every graded function of the course.

One module per assignment, course/checks/<assignment>.py, lists its
EXERCISES: for each graded function, the reference (whose keyword-only
"knobs" reproduce the known mistakes), the visible and hidden cases, and
the mistake catalogue. These modules are the only source of truth for what
a right answer is. They run in the grading process and never in a student's
kernel: the grader (course/preprocessors.py) has the kernel call the
student's function on the cases and hand back plain data, and judges it
here (judge.py). `course build` writes the answers on the visible cases,
and the mistakes' answers there, into each release's visible_checks.json.
"""
import copy
import importlib
import importlib.util
import itertools
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def _helper(name):
    """The course's own copy of a top-level helper (never a submission's)."""
    path = REPO / (name + ".py")
    loaded = sys.modules.get(name)
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() == path:
        return loaded
    spec = importlib.util.spec_from_file_location("course.checks." + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


public = _helper("testCases")   # the visible cases, the answer format, the drivers


@dataclass(frozen=True)
class Case:
    description: str
    input: object          # [args, kwargs] for the "call" driver; a dict for "steps"
    driver: str = "call"   # how the function is run on it: testCases.drive


def call(description, *args, **kwargs):
    """A case on which the function is called once: fn(*args, **kwargs)."""
    return Case(description, [list(args), kwargs])


@dataclass(frozen=True)
class Mistake:
    id: str
    sentence: str   # what is wrong and how to put it right, in one sentence
    knobs: dict     # the reference's keyword arguments that reproduce it


def mistake(id, sentence, **knobs):
    return Mistake(id, sentence, knobs)


def other_numbers(value, rng):
    """`value` with every float array drawn again at random, with its shape
    (and with no negative entry where it had none); everything else kept."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        fresh = rng.randn(*value.shape)
        return np.abs(fresh) if (value >= 0).all() else fresh
    if isinstance(value, dict):
        return {k: other_numbers(v, rng) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(other_numbers(v, rng) for v in value)
    return value


@dataclass
class Exercise:
    function: str                # the student's function
    implementation: Callable     # the student's signature plus keyword-only knobs; no knobs: the reference
    visible: list                # [Case]: what the visible test cell runs, in its order
    hidden: list                 # [Case]
    mistakes: list               # [Mistake]
    inputs_unchanged: bool = False   # changing an argument is the mistake testCases.CHANGED_INPUT
    separate_results: bool = False   # no two parts of the result may share memory (v = s = {})
    uses: dict = field(default_factory=dict)   # {keyword of implementation: student function it stands for}
    carried_note: str = ""       # said when the answer is right on top of the student's own `uses`
    explain: Optional[Callable] = None        # (got, expected, case) -> sentence or None
    explain_error: Optional[Callable] = None  # (error name, message, case) -> sentence or None
    pairs: bool = True           # also name two mistakes made together
    twin: Callable = other_numbers   # (a visible case's input, rng) -> the same case with other numbers

    def graded_visible(self):
        """The cases on which a visible test's points are judged: the visible
        cases, then each again with other numbers, so that an answer copied
        from the release (visible_checks.json holds the right ones) gains nothing."""
        rng = np.random.RandomState(zlib.crc32(self.function.encode()))
        twins = [Case(case.description + ", with other numbers", self.twin(copy.deepcopy(case.input), rng),
                      case.driver) for case in self.visible]
        return self.visible + twins

    def candidates(self):
        """[(ids, knobs)]: each mistake alone, then each pair whose knobs
        touch different settings."""
        found = [((m.id,), m.knobs) for m in self.mistakes]
        if self.pairs:
            for a, b in itertools.combinations(self.mistakes, 2):
                if not set(a.knobs) & set(b.knobs):
                    found.append(((a.id, b.id), dict(a.knobs, **b.knobs)))
        return found

    def sentences(self):
        out = {m.id: m.sentence for m in self.mistakes}
        if self.inputs_unchanged:
            out[public.CHANGED_INPUT] = public.CHANGED_INPUT_SENTENCE
        if self.separate_results:
            out[public.SHARED] = public.SHARED_SENTENCE
        return out


def exercises(assignment):
    """{function name: Exercise} of an assignment, or {} if it has no checks module."""
    try:
        module = importlib.import_module("course.checks." + assignment)
    except ModuleNotFoundError as e:
        if e.name != "course.checks." + assignment:
            raise
        return {}
    return {e.function: e for e in module.EXERCISES}
