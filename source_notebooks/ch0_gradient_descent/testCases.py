"""Test cases and visible tests for the optimization chapters.

Everything in this file is public: `course build` copies it into every
assignment folder, beside the notebook. It holds

  * the cases of the visible tests, built from fixed seeds;
  * visible_test: calls your function on one of those cases, prints what it
    returned and says whether that is right. When your answer equals what a
    known mistake gives, it names the mistake. The right answers, and the
    answers of the known mistakes, on these cases are plain data in
    visible_checks.json, which `course build` writes;
  * public functions (objectives and their gradients) that cases may pass
    to your functions: they travel by name;
  * the plain-data form in which answers leave a kernel (no pickle), and
    run_cases, which the grader calls in your kernel to collect what your
    functions return on its own cases.

Grading never trusts what runs in your kernel: the grader judges the
answers run_cases hands back in its own process, with references and
checks that never enter the kernel (course/checks/ in the course's
repository). This file only calls your functions and packs what they return.
"""
import base64
import copy
import hashlib
import json
import os
import warnings

import numpy as np

# What `from testCases import *` gives a notebook.
__all__ = ["update_parameters_with_gd_test_case", "reordered_gradients_test_case", "random_mini_batches_test_case",
           "indexed_data", "small_mini_batch_test_cases", "optimizer_test_case", "visible_test", "hidden_tests"]


# ================================================================ visible cases

def update_parameters_with_gd_test_case():
    """The original assignment's case: seed 1, a 2-layer net, learning rate 0.01."""
    np.random.seed(1)
    learning_rate = 0.01
    W1 = np.random.randn(2, 3)
    b1 = np.random.randn(2, 1)
    W2 = np.random.randn(3, 3)
    b2 = np.random.randn(3, 1)

    dW1 = np.random.randn(2, 3)
    db1 = np.random.randn(2, 1)
    dW2 = np.random.randn(3, 3)
    db2 = np.random.randn(3, 1)

    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return parameters, grads, learning_rate


def reordered_gradients_test_case():
    """A 2-layer net of square layers whose gradients are listed in another
    order than the parameters: pairing them by position gives wrong values
    instead of an error, so that mistake shows."""
    rng = np.random.RandomState(4)
    parameters = {"W1": rng.randn(2, 2), "b1": rng.randn(2, 1), "W2": rng.randn(2, 2), "b2": rng.randn(2, 1)}
    grads = {"db2": rng.randn(2, 1), "dW1": rng.randn(2, 2), "dW2": rng.randn(2, 2), "db1": rng.randn(2, 1)}
    return parameters, grads, 0.1


def random_mini_batches_test_case():
    """The original assignment's case: X is 12288 x 148, so batches are 64, 64, 20."""
    np.random.seed(1)
    mini_batch_size = 64
    X = np.random.randn(12288, 148)
    Y = np.random.randn(1, 148) < 0.5
    return X, Y, mini_batch_size


def indexed_data(m, n_x=2, seed=0):
    """X of shape (n_x, m) whose row 0 is the column index, and Y = that index.

    Every column carries its own number, so you can read off which examples
    ended up in which mini-batch, and whether X and Y stayed paired.
    """
    rng = np.random.RandomState(seed)
    X = np.round(rng.randn(n_x, m), 2)
    X[0, :] = np.arange(m)
    Y = np.arange(m, dtype=float).reshape(1, m)
    return X, Y


def small_mini_batch_test_cases():
    """[(X, Y, mini_batch_size, seed)]: 10 examples in batches of 4 (a short
    last batch), 8 in batches of 4 (no leftover batch), and 3 in batches of
    5 (not even one full batch)."""
    cases = []
    for m, size, seed in [(10, 4, 0), (8, 4, 1), (3, 5, 2)]:
        X, Y = indexed_data(m, seed=seed)
        cases.append((X, Y, size, seed))
    return cases


def optimizer_test_case():
    """The original assignment's seed-1 network and gradients, plus a state
    already carried from earlier steps (v of any sign, s >= 0)."""
    parameters, grads, _ = update_parameters_with_gd_test_case()
    rng = np.random.RandomState(2)
    v = {"d" + k: 0.1 * rng.randn(*w.shape) for k, w in parameters.items()}
    s = {"d" + k: 0.1 * rng.randn(*w.shape) ** 2 for k, w in parameters.items()}
    return parameters, grads, v, s


# ================================================================ answers as plain data
#
# encode turns a value into JSON-ready data: numbers, strings, lists, and
# tagged objects for the rest ({"array": [dtype, shape, base64 bytes]},
# {"tuple": [...]}, {"dict": [[key, value], ...]}, {"float": "nan"}).
# Anything else becomes {"unsupported": its type's name}: the grader then
# says what was returned. decode turns such data back into values and
# refuses anything malformed or too large: it reads what a kernel sent.

ARRAY_KINDS = "biuf"   # bool, int, unsigned, float: the dtypes answers may have


def encode(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if np.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in ARRAY_KINDS:
            return {"unsupported": "an array of dtype %s" % value.dtype}
        plain = np.ascontiguousarray(value).view(np.ndarray)
        return {"array": [plain.dtype.str, list(plain.shape), base64.b64encode(plain.tobytes()).decode()]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    name = getattr(value, "__name__", None)
    if isinstance(name, str) and FUNCTIONS.get(name) is value:
        return {"function": name}
    return {"unsupported": type(value).__name__}


class Unsupported:
    """Stands for a value that had no plain-data form, such as an object of a
    class of its own; compares equal to nothing."""

    def __init__(self, type_name):
        self.type_name = str(type_name)[:100]

    def __repr__(self):
        return "<%s>" % self.type_name


class Malformed(ValueError):
    """Data that is not in the form encode writes."""


def decode(data, max_items=4_000_000, max_depth=24):
    """The value that `data` encodes. Raises Malformed for anything that
    encode could not have written, or that holds more than max_items numbers
    or nests deeper than max_depth."""
    budget = [max_items]

    def take(n):
        budget[0] -= n
        if budget[0] < 0:
            raise Malformed("more than %d values" % max_items)

    def walk(d, depth):
        if depth > max_depth:
            raise Malformed("nested deeper than %d levels" % max_depth)
        take(1)
        if d is None or isinstance(d, (bool, int, float, str)):
            return d
        if isinstance(d, list):
            return [walk(v, depth + 1) for v in d]
        if not (isinstance(d, dict) and len(d) == 1):
            raise Malformed("unexpected %s" % type(d).__name__)
        (tag, body), = d.items()
        if tag == "tuple" and isinstance(body, list):
            return tuple(walk(v, depth + 1) for v in body)
        if tag == "dict" and isinstance(body, list):
            out = {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise Malformed("a dict entry is not a [key, value] pair")
                key = walk(pair[0], depth + 1)
                if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                    raise Malformed("a dict key of type %s" % type(key).__name__)
                out[key] = walk(pair[1], depth + 1)
            return out
        if tag == "float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "function" and isinstance(body, str) and body in FUNCTIONS:
            return FUNCTIONS[body]
        if tag == "unsupported" and isinstance(body, str):
            return Unsupported(body)
        if tag == "array" and isinstance(body, list) and len(body) == 3:
            return _decode_array(*body, take=take)
        raise Malformed("unknown tag %r" % str(tag)[:40])

    return walk(data, 0)


def _decode_array(dtype, shape, data, take):
    if not (isinstance(dtype, str) and isinstance(shape, list) and isinstance(data, str) and len(shape) <= 8
            and all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape)):
        raise Malformed("an array's dtype, shape or data is malformed")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise Malformed("unknown dtype %r" % dtype[:40]) from None
    if dt.kind not in ARRAY_KINDS or dt.itemsize > 16:
        raise Malformed("arrays of dtype %s are not answers" % dt)
    count = int(np.prod(shape, dtype=object))
    take(count)
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise Malformed("an array's bytes are not base64") from None
    if len(raw) != count * dt.itemsize:
        raise Malformed("an array of shape %s has %d bytes" % (tuple(shape), len(raw)))
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def fingerprint(name, args, kwargs):
    """A short digest of a call: the function's name and its inputs."""
    text = json.dumps(encode([name, list(args), dict(sorted(kwargs.items()))]), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# ================================================================ public functions
# Functions a case may pass to a student's function: an objective, its
# derivative or its gradient. They travel as their names: encode writes a
# registered function as {"function": name}, and decode gives it back.
# Each takes a float or a numpy array and returns the same kind.

FUNCTIONS = {}


def public_function(fn):
    """Register fn under its name, so that cases can pass it."""
    FUNCTIONS[fn.__name__] = fn
    return fn


@public_function
def cubic(x):
    """f(x) = x**3 - 3 x**2 - 9 x + 2: a local minimum at x = 3, a local maximum at x = -1."""
    return x ** 3 - 3 * x ** 2 - 9 * x + 2


@public_function
def cubic_slope(x):
    """f'(x) = 3 x**2 - 6 x - 9, of cubic."""
    return 3 * x ** 2 - 6 * x - 9


@public_function
def square(x):
    """f(x) = x**2."""
    return x ** 2


@public_function
def square_slope(x):
    """f'(x) = 2 x, of square."""
    return 2 * x


@public_function
def narrow_bowl(x):
    """f(x) = x0**2 / 16 + 9 x1**2: a bowl 12 times longer than it is wide."""
    return x[0] ** 2 / 16 + 9 * x[1] ** 2


@public_function
def narrow_bowl_gradient(x):
    return np.array([x[0] / 8, 18 * x[1]])


@public_function
def beale(x):
    """Beale's function: minimum 0 at (3, 0.5), in a long curved valley."""
    a, b = x[0], x[1]
    return (1.5 - a + a * b) ** 2 + (2.25 - a + a * b ** 2) ** 2 + (2.625 - a + a * b ** 3) ** 2


@public_function
def beale_gradient(x):
    a, b = x[0], x[1]
    t1, t2, t3 = 1.5 - a + a * b, 2.25 - a + a * b ** 2, 2.625 - a + a * b ** 3
    return np.array([2 * t1 * (b - 1) + 2 * t2 * (b ** 2 - 1) + 2 * t3 * (b ** 3 - 1),
                     2 * t1 * a + 4 * t2 * a * b + 6 * t3 * a * b ** 2])


@public_function
def saddle(x):
    """f(x) = x0**2 - x1**2: a saddle point at the origin."""
    return x[0] ** 2 - x[1] ** 2


@public_function
def saddle_gradient(x):
    return np.array([2 * x[0], -2 * x[1]])


@public_function
def monkey_saddle(x):
    """f(x) = x0**3 - 3 x0 x1**2: three valleys meet at the origin, where the Hessian is zero."""
    return x[0] ** 3 - 3 * x[0] * x[1] ** 2


@public_function
def monkey_saddle_gradient(x):
    return np.array([3 * x[0] ** 2 - 3 * x[1] ** 2, -6 * x[0] * x[1]])


@public_function
def two_valleys(x):
    """f(x) = x0**2 / 2 + (x1**2 - 1)**2 / 4: a saddle at the origin (f = 1/4) between
    two minima at (0, 1) and (0, -1) (f = 0)."""
    return x[0] ** 2 / 2 + (x[1] ** 2 - 1) ** 2 / 4


@public_function
def two_valleys_gradient(x):
    return np.array([x[0], x[1] ** 3 - x[1]])


@public_function
def twisted_3d(x):
    """f(x) = x0**2 x1 + x1 x2**3 + x0**4 / 4 - x2**2 + x0 x2: three variables, every
    second derivative nonzero somewhere."""
    return x[0] ** 2 * x[1] + x[1] * x[2] ** 3 + x[0] ** 4 / 4 - x[2] ** 2 + x[0] * x[2]


@public_function
def twisted_3d_gradient(x):
    return np.array([2 * x[0] * x[1] + x[0] ** 3 + x[2],
                     x[0] ** 2 + x[2] ** 3,
                     3 * x[1] * x[2] ** 2 - 2 * x[2] + x[0]])


@public_function
def log_sum_exp(x):
    """f(x) = log(sum of exp(x_i) over every entry of x): an array of any shape in, a number out."""
    x = np.asarray(x, dtype=float)
    top = np.max(x)   # subtracted and added back, so that exp cannot overflow
    return float(top + np.log(np.sum(np.exp(x - top))))


@public_function
def softmax(x):
    """The gradient of log_sum_exp: exp(x) / sum(exp(x)), with the shape of x."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


# ================================================================ calling a function on a case

def quietly(fn, *args, **kwargs):
    """fn(*args, **kwargs) with numpy's and Python's warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def optimizer_step(update, state_names, hyper, pass_t=False):
    """Adapt update(parameters, grads, *state, [t], **hyper) -> (parameters, *state)
    to step(parameters, grads, state, t) -> (parameters, state), for run_steps."""
    def step(parameters, grads, state, t):
        args = [state[name] for name in state_names] + ([t] if pass_t else [])
        out = update(parameters, grads, *args, **hyper)
        if not (isinstance(out, tuple) and len(out) == 1 + len(state_names)):
            raise TypeError("the function should return the tuple (parameters, %s), got %s"
                            % (", ".join(state_names), _kind(out)))
        return out[0], dict(zip(state_names, out[1:]))
    return step


def run_steps(step, parameters, grads_seq, state, t0=1):
    """Apply step once per gradient dict, at t = t0, t0 + 1, ...; return what
    the parameters and the state were after each step."""
    record = {}
    for k, grads in enumerate(grads_seq):
        parameters, state = step(parameters, grads, state, t0 + k)
        record["after step t=%d" % (t0 + k)] = copy.deepcopy(dict(parameters=parameters, **state))
    return record


def run_object(make, settings, parameters, grads_seq):
    """Make an optimizer, make(**settings), and call its step(parameters,
    grads) once per gradient dict; return what the parameters were after each step."""
    optimizer = make(**settings)
    record = {}
    for k, grads in enumerate(grads_seq, 1):
        parameters = optimizer.step(parameters, grads)
        record["after step %d" % k] = copy.deepcopy(parameters)
    return record


def _kind(value):
    if isinstance(value, tuple):
        return "a tuple of %d items" % len(value)
    return "a %s" % type(value).__name__


def drive(fn, driver, case_input):
    """Call fn on one case the way its check asks:
    "call"  -- case_input is [args, kwargs]: fn(*args, **kwargs)
    "steps" -- case_input is a dict: several optimizer steps in a row (run_steps)
    "object" -- case_input is [[settings, parameters, grads_seq], {}]: fn is an
                optimizer class, run by run_object."""
    if driver == "call":
        args, kwargs = case_input
        return fn(*args, **kwargs)
    if driver == "object":
        args, kwargs = case_input
        return run_object(fn, *args, **kwargs)
    if driver == "steps":
        step = optimizer_step(fn, case_input["state_names"], case_input["hyper"], case_input["pass_t"])
        return run_steps(step, case_input["parameters"], case_input["grads_seq"], case_input["state"],
                         case_input["t0"])
    raise ValueError("unknown driver %r" % driver)


def outcome_of(fn, driver, case_input):
    """{"result": what fn returned} or {"error": [exception type, message]}."""
    try:
        return {"result": quietly(drive, fn, driver, case_input)}
    except Exception as e:   # a crash is part of the answer; the grader judges it
        return {"error": [type(e).__name__, str(e)[:300]]}


def shared_parts(value):
    """[[path, path]] of the arrays and dicts in `value` that are one and the
    same object or share memory (e.g. `v = s = {}`)."""
    found, seen = [], []

    def walk(v, path):
        if isinstance(v, (np.ndarray, dict)):
            for other, where in seen:
                if other is v or (isinstance(v, np.ndarray) and isinstance(other, np.ndarray)
                                  and np.shares_memory(v, other)):
                    found.append([where, path])
            if len(seen) < 200:
                seen.append((v, path))
        if isinstance(v, dict):
            for k, item in v.items():
                walk(item, "%s[%r]" % (path, k))
        elif isinstance(v, (list, tuple)):
            for i, item in enumerate(v):
                walk(item, "%s[%d]" % (path, i))

    walk(value, "result")
    return found


def run_cases(request, namespace):
    """Called by the grader, in the kernel, under autograde: call the
    functions named in `request` (JSON) on its cases and return what
    happened, as JSON text. Judges nothing: the grader does, outside."""
    outcomes = []
    for call in decode(json.loads(request))["calls"]:
        fn = namespace.get(call["function"])
        if not callable(fn):
            outcomes.append({"error": ["NameError", "%s is not defined" % call["function"]]})
            continue
        outcome = outcome_of(fn, call["driver"], call["input"])
        if call.get("keep_args"):
            outcome["args"] = call["input"]   # as the call left them
        if call.get("aliases") and "result" in outcome:
            outcome["shared"] = shared_parts(outcome["result"])
        outcomes.append(outcome)
    return json.dumps(encode(outcomes))


# ================================================================ comparing

def rel_error(x, y):
    """Largest relative error between two arrays (as in CS231n)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(all="ignore"):
        return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))) if x.size else 0.0


def first_difference(got, expected, path="result", rtol=1e-6, atol=1e-8):
    """Describe the first way `got` differs from `expected`, or return None.

    Works on nested dicts, lists, tuples, arrays and numbers. The description
    names the place, the shapes and the size of the error, never the expected
    values themselves.
    """
    if isinstance(got, Unsupported):
        return "%s is %s, which is not a number, an array or a container of them" % (path, got)
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return "%s should be a dict, got %s" % (path, type(got).__name__)
        for key in expected:
            if key not in got:
                return "%s is missing the key %r" % (path, key)
        for key in expected:
            diff = first_difference(got[key], expected[key], "%s[%r]" % (path, key), rtol, atol)
            if diff:
                return diff
        extra = [k for k in got if k not in expected]
        if extra:
            return "%s has the key %r, which it should not have" % (path, extra[0])
        return None
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            return "%s should be a %s, got %s" % (path, type(expected).__name__, type(got).__name__)
        if len(got) != len(expected):
            return "%s has %d items, expected %d" % (path, len(got), len(expected))
        for i, (g, e) in enumerate(zip(got, expected)):
            diff = first_difference(g, e, "%s[%d]" % (path, i), rtol, atol)
            if diff:
                return diff
        return None
    if expected is None or isinstance(expected, str):   # a numpy string (np.str_) is a string too
        same = got is None if expected is None else isinstance(got, str) and str(got) == expected
        return None if same else "%s should be %r" % (path, expected)
    if callable(expected):   # a public function, passed in a case
        return None if got is expected else "%s should be the function %s" % (path, expected.__name__)
    if got is None:
        return "%s is None (did the function return its result?)" % path
    try:
        if isinstance(got, (str, bytes, dict)):
            raise TypeError
        got_a = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return "%s should be a number or an array, got a %s" % (path, type(got).__name__)
    exp_a = np.asarray(expected, dtype=float)
    if got_a.shape != exp_a.shape:
        return "%s has shape %s, expected %s" % (path, got_a.shape, exp_a.shape)
    with np.errstate(all="ignore"):
        close = np.isclose(got_a, exp_a, rtol=rtol, atol=atol, equal_nan=True)
        if close.all():
            return None
        if not np.isfinite(got_a[~close]).all():
            return ("%s has the right shape %s but %d entries are nan or inf"
                    % (path, got_a.shape, int(np.sum(~np.isfinite(got_a[~close])))))
        return ("%s has the right shape %s but wrong values: %d of %d entries differ, "
                "largest absolute error %.3g (relative error %.3g)"
                % (path, got_a.shape, int(np.sum(~close)), got_a.size,
                   float(np.max(np.abs(got_a - exp_a)[~close])), rel_error(got_a, exp_a)))


def same_outcome(got, expected):
    """Whether two outcomes agree: equal results, or the same kind of error."""
    if "error" in expected or "error" in got:
        return "error" in expected and "error" in got and got["error"][0] == expected["error"][0]
    return first_difference(got["result"], expected["result"]) is None


def digest(outcome):
    """A short digest of an outcome, blind to differences below 6 significant
    digits (and to dict order, lists against tuples, and arrays against
    lists of numbers): two outcomes that same_outcome calls equal get the
    same digest, unless a value sits right on a rounding boundary."""
    def canonical(v):
        if isinstance(v, dict):
            return ["D", sorted([repr(k), canonical(x)] for k, x in v.items())]
        if isinstance(v, (list, tuple)) and not all(isinstance(x, (int, float, np.number, np.bool_)) for x in v):
            return ["L", [canonical(x) for x in v]]
        if v is None or isinstance(v, (str, Unsupported)):
            return ["O", repr(str(v) if isinstance(v, str) else v)]
        if callable(v):
            return ["F", str(getattr(v, "__name__", ""))]
        a = np.asarray(v, dtype=float)
        a = np.where(np.abs(a) < 1e-9, 0.0, a) + 0.0   # no -0.0
        return ["A", list(a.shape), [format(x, ".6g") for x in a.ravel()]]

    text = json.dumps(["E", outcome["error"][0]] if "error" in outcome else canonical(outcome["result"]))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# The known mistake of an exercise whose inputs must stay as they were.
CHANGED_INPUT = "changes-its-input"
CHANGED_INPUT_SENTENCE = ("the function changed the input it was given; build the result in a new array "
                          "and leave the argument as it was.")

# The known mistake of a function whose results must not share memory.
SHARED = "shares-arrays"
SHARED_SENTENCE = ("two of the returned dicts share their arrays (v = s = ..., or a copy of the dict that "
                   "keeps its arrays); they must be separate, since they are updated differently: build "
                   "each with its own np.zeros.")


def explain_not_written(name):
    return ("%s is not written yet: write its code between START CODE HERE and END CODE HERE, "
            "in place of `raise NotImplementedError()`." % name)


# ================================================================ the visible tests

VISIBLE_CHECKS = "visible_checks.json"   # beside this file; written by `course build`
_visible = {}
_seen = {}   # function name -> (the function, {case fingerprint: outcome}): its visible runs so far


def load_visible_checks(path=None):
    """The visible cases' right answers and mistakes, from VISIBLE_CHECKS."""
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), VISIBLE_CHECKS)
    if path not in _visible:
        with open(path) as f:
            _visible[path] = json.load(f)
    return _visible[path]


def show(value, name="result"):
    """Print an answer so that it can be read: each key or item on its own."""
    if isinstance(value, dict):
        for key, item in value.items():
            show(item, "%s[%r]" % (name, key))
    elif isinstance(value, (list, tuple)) and any(isinstance(v, (np.ndarray, dict, list, tuple)) for v in value):
        for i, item in enumerate(value):
            show(item, "%s[%d]" % (name, i))
    else:
        text = np.array2string(value, precision=8) if isinstance(value, np.ndarray) else repr(value)
        print("%s =%s%s" % (name, "\n" if "\n" in text else " ", text))


def _relative_errors(got, expected, name="result"):
    """Print the relative error of each array or number that has the expected shape."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in expected:
            if key in got:
                _relative_errors(got[key], expected[key], "%s[%r]" % (name, key))
        return
    try:
        g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return
    if g.shape == e.shape and e.ndim <= 2:
        print("%-16s relative error %.2e" % (name, rel_error(g, e)))


def visible_test(fn, *args, checks=None, **kwargs):
    """Call fn(*args, **kwargs), print what it returned, and check it against
    the right answer for these inputs. Returns what fn returned. (For an
    optimizer class, fn is run as its case says: see drive.)

    A wrong answer raises AssertionError with what is wrong; if it equals
    what a known mistake gives here (and on the other visible cases of fn
    you ran), the message names the mistake.
    """
    name = getattr(fn, "__name__", repr(fn))
    data = load_visible_checks(checks)
    key = fingerprint(name, args, kwargs)
    entry = data["cases"].get(key)
    if entry is None:
        raise AssertionError("there is no right answer on file for %s on these inputs; run the test as "
                             "it is written in this cell" % name)
    print("Visible case %d of %d for %s: %s" % (entry["number"], entry["of"], name, entry["description"]))
    before = copy.deepcopy([list(args), kwargs])
    try:
        result = quietly(drive, fn, entry.get("driver", "call"), [list(args), kwargs])
        outcome = {"result": result}
    except NotImplementedError:
        raise AssertionError(explain_not_written(name)) from None
    except Exception as e:   # named below if a known mistake crashes the same way
        outcome, result = {"error": [type(e).__name__, str(e)]}, None
    if _seen.get(name, (None,))[0] is not fn:   # a new definition: forget the old one's answers
        _seen[name] = (fn, {})
    seen = _seen[name][1]
    seen[key] = outcome
    expected = decode(entry["expected"])
    if "result" in outcome:
        show(result)
        if "result" in expected:
            _relative_errors(result, expected["result"])
    if same_outcome(outcome, expected):
        if entry["inputs_unchanged"] and first_difference([list(args), kwargs], before) is not None:
            raise AssertionError("known mistake [%s]: %s" % (CHANGED_INPUT, CHANGED_INPUT_SENTENCE))
        if entry["separate_results"] and shared_parts(result):
            raise AssertionError("known mistake [%s]: %s" % (SHARED, SHARED_SENTENCE))
        print("All values match.")
        return result
    raise AssertionError(_visible_message(name, outcome, expected, entry, data, seen))


def _visible_message(name, outcome, expected, entry, data, seen):
    """Name the known mistake (or pair) that gives every answer seen so far
    on the visible cases of `name`, if exactly one does; else say what differs."""
    def gives(ids, case, got):
        known = dict((tuple(i), d) for i, d in case["mistakes"]).get(tuple(ids))
        return digest(got) == known if known else same_outcome(got, decode(case["expected"]))

    candidates = [ids for ids, _ in entry["mistakes"]
                  if all(gives(ids, data["cases"][key], got) for key, got in seen.items())]
    matches = [ids for ids in candidates if len(ids) == 1] or candidates
    if len(matches) == 1:
        sentences = data["mistakes"].get(name, {})
        return "; and ".join("known mistake [%s]: %s" % (i, sentences[i]) for i in matches[0])
    if "error" in outcome:
        what = "%s raised %s: %s" % (name, outcome["error"][0], outcome["error"][1])
    elif "error" in expected:
        what = "%s returned a value, but on these inputs it should raise %s" % (name, expected["error"][0])
    else:
        what = first_difference(outcome["result"], expected["result"])
    if matches:
        what += " (this is what each of these known mistakes gives here: %s)" % "; ".join(
            " with ".join(ids) for ids in matches)
    if entry["uses"]:
        what += "; %s calls %s: if that fails its own test, fix it first" % (name, " and ".join(entry["uses"]))
    return what


def hidden_tests(name):
    """What a hidden test cell does when you run it yourself: nothing. The
    grader runs these tests, outside your kernel."""
    print("The hidden tests of %s run when your work is graded." % name)


__all__ += sorted(FUNCTIONS)   # the public functions, for `from testCases import *`
