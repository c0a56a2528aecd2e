"""Test cases and checking helpers for the optimization chapters.

Two kinds of things live here, both safe to show students:
  * seeded builders for the test cases (inputs only, never expected outputs);
  * generic checks that compare an answer with a reference and explain the
    first difference without printing the expected values.

This file is the single source of truth; `course build` copies it into every
assignment folder and a test fails if a copy drifts.
"""
import copy
import warnings

import numpy as np


# ================================================================ builders

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


def random_mini_batches_test_case():
    """The original assignment's case: X is 12288 x 148, so batches are 64, 64, 20."""
    np.random.seed(1)
    mini_batch_size = 64
    X = np.random.randn(12288, 148)
    Y = np.random.randn(1, 148) < 0.5
    return X, Y, mini_batch_size


def random_parameters(layer_dims, rng):
    """Random parameters and matching gradients for a net with these layer sizes."""
    parameters, grads = {}, {}
    for l in range(1, len(layer_dims)):
        shape_W, shape_b = (layer_dims[l], layer_dims[l - 1]), (layer_dims[l], 1)
        parameters["W%d" % l] = rng.randn(*shape_W)
        parameters["b%d" % l] = rng.randn(*shape_b)
        grads["dW%d" % l] = rng.randn(*shape_W)
        grads["db%d" % l] = rng.randn(*shape_b)
    return parameters, grads


def reorder(d, rng):
    """The same dict with its keys inserted in a shuffled order."""
    keys = list(d)
    rng.shuffle(keys)
    return {k: d[k] for k in keys}


def gd_update_cases(seed, n_cases=8):
    """(description, (parameters, grads, learning_rate)) for nets of 1 to 4 layers.

    Every other case lists the gradients in a different key order from the
    parameters, so an answer that pairs them by position is caught.
    """
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        n_layers = 1 + i % 4
        dims = [int(n) for n in rng.randint(1, 6, size=n_layers + 1)]
        if i % 2:
            # Square layers: pairing by position then gives wrong values rather
            # than a shape error, so the mistake can be recognised and named.
            dims = [dims[0]] * (n_layers + 1)
        parameters, grads = random_parameters(dims, rng)
        learning_rate = float(rng.uniform(0.001, 0.5))
        desc = "%d-layer net %s, learning_rate=%.4g" % (n_layers, dims, learning_rate)
        if i % 2:
            grads = reorder(grads, rng)
            desc += ", grads keys in another order"
        cases.append((desc, (parameters, grads, learning_rate)))
    return cases


def optimizer_test_case():
    """The visible tests' case: chapter 1's seed-1 network and gradients, plus a
    state already carried from earlier steps (v of any sign, s >= 0)."""
    parameters, grads, _ = update_parameters_with_gd_test_case()
    rng = np.random.RandomState(2)
    v = {"d" + k: 0.1 * rng.randn(*w.shape) for k, w in parameters.items()}
    s = {"d" + k: 0.1 * rng.randn(*w.shape) ** 2 for k, w in parameters.items()}
    return parameters, grads, v, s


def parameter_cases(seed, n_cases=6):
    """(description, (parameters,)) for nets of 1 to 4 layers, for the initialisers."""
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        dims = [int(n) for n in rng.randint(1, 6, size=2 + i % 4)]
        cases.append(("%d-layer net %s" % (len(dims) - 1, dims), (random_parameters(dims, rng)[0],)))
    return cases


def optimizer_cases(seed, state_names, hyper_names, n_cases=8, n_steps=3):
    """(description, (parameters, grads_seq, state, t0, hyper)) for a few steps in a row.

    state      -- {name: {"dW1": ..., "db1": ...}} for each name in state_names
                  ("s" is kept >= 0); zeros at t0 = 1, otherwise a state carried
                  from earlier steps
    grads_seq  -- n_steps gradient dicts, applied one after the other
    hyper      -- {name: value} for each name in hyper_names; epsilon is large in
                  every other case, so that sqrt(s) + epsilon and
                  sqrt(s + epsilon) give different answers
    """
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        n_layers = 1 + i % 4
        dims = [int(n) for n in rng.randint(1, 6, size=n_layers + 1)]
        parameters, _ = random_parameters(dims, rng)
        grads_seq = [random_parameters(dims, rng)[1] for _ in range(n_steps)]
        fresh = i % 3 != 2
        t0 = 1 if fresh else int(rng.randint(2, 50))
        state = {}
        for name in state_names:
            state[name] = {"d" + k: (0.0 if fresh else 0.3) * (rng.randn(*w.shape) ** 2 if name == "s" else rng.randn(*w.shape))
                           for k, w in parameters.items()}
        every = {"learning_rate": float(rng.uniform(0.001, 0.1)),
                 "beta": [0.9, 0.0, 0.5, float(rng.uniform(0.6, 0.99))][i % 4],
                 "beta1": float(rng.uniform(0.5, 0.95)), "beta2": float(rng.uniform(0.9, 0.999)),
                 "epsilon": [1e-8, 0.3][i % 2]}
        hyper = {name: every[name] for name in hyper_names}
        desc = "%d-layer net %s, %d steps from t=%d, %s, %s" % (
            n_layers, dims, n_steps, t0, "state starting at zero" if fresh else "state carried from earlier steps",
            ", ".join("%s=%.4g" % kv for kv in hyper.items()))
        if i % 2:
            grads_seq = [reorder(g, rng) for g in grads_seq]
            desc += ", grads keys in another order"
        cases.append((desc, (parameters, grads_seq, state, t0, hyper)))
    return cases


def optimizer_step(update, state_names, hyper, pass_t=False):
    """Adapt update(parameters, grads, *state, [t], **hyper) -> (parameters, *state)
    to the form step(parameters, grads, state, t) -> (parameters, state) used by run_steps."""
    def step(parameters, grads, state, t):
        args = [state[name] for name in state_names] + ([t] if pass_t else [])
        out = update(parameters, grads, *args, **hyper)
        if not (isinstance(out, tuple) and len(out) == 1 + len(state_names)):
            raise TypeError("the function should return the tuple (parameters, %s), got %s"
                            % (", ".join(state_names), _describe(out)))
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


def _describe(value):
    if isinstance(value, tuple):
        return "a tuple of %d items" % len(value)
    return "a %s" % type(value).__name__


def lr_decay_cases(kind):
    """(description, args) for the learning-rate schedules of chapter 4.

    kind -- "per_epoch":   args (learning_rate0, epoch_num, decay_rate)
            "exponential": args (learning_rate0, epoch_num, k)
            "staircase":   args (learning_rate0, epoch_num, decay_rate, time_interval)
    Epoch 0, large epochs, integer and float inputs; for the staircase, every
    interval boundary tested with the epochs just before and just after it.
    """
    if kind == "per_epoch":
        rows = [(0.5, 0, 1), (0.5, 1, 1), (0.1, 7, 0.3), (1, 10, 2), (0.01, 1000000, 0.5), (0.2, 3, 0.0)]
    elif kind == "exponential":
        rows = [(0.5, 0, 0.95), (0.5, 1, 0.95), (0.1, 7, 0.5), (1, 10, 0.95), (0.01, 1000, 0.99), (2, 3, 1)]
    else:
        rows = [(0.5, 0, 1, 1000), (0.5, 999, 1, 1000), (0.5, 1000, 1, 1000), (0.5, 1001, 1, 1000),
                (0.5, 1600, 1, 1000), (0.5, 1999, 1, 1000), (0.5, 2000, 1, 1000), (0.5, 2500, 1, 1000),
                (0.1, 3999, 0.3, 1000), (0.1, 10000000, 0.3, 1000), (1, 3000, 2, 1000),
                (0.1, 3000.0, 0.5, 1000.0), (0.3, 7, 1, 3), (0.3, 5, 1, 1)]
    names = {"per_epoch": "learning_rate0, epoch_num, decay_rate", "exponential": "learning_rate0, epoch_num, k",
             "staircase": "learning_rate0, epoch_num, decay_rate, time_interval"}[kind].split(", ")
    return [(", ".join("%s=%r" % nv for nv in zip(names, row)), row) for row in rows]


def indexed_data(m, n_x=3, seed=0):
    """X of shape (n_x, m) whose row 0 is the column index, and Y = that index.

    Because every column carries its own index, a check can tell which
    examples ended up where, and whether X and Y stayed paired.
    """
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    X[0, :] = np.arange(m)
    Y = np.arange(m, dtype=float).reshape(1, m)
    return X, Y


def mini_batch_cases():
    """(description, (X, Y, mini_batch_size, seed)) covering the edge cases."""
    cases = []
    for m, size, seed in [(148, 64, 0),   # uneven: 64, 64, 20
                          (128, 64, 1),   # m divisible by the batch size
                          (300, 32, 2),   # many batches, a short last one
                          (50, 64, 3),    # batch size bigger than m
                          (64, 64, 4),    # batch size equal to m
                          (9, 1, 5),      # stochastic gradient descent
                          (1, 1, 6)]:     # a single example
        X, Y = indexed_data(m, seed=seed)
        desc = "m=%d, mini_batch_size=%d, seed=%d" % (m, size, seed)
        cases.append((desc, (X, Y, size, seed)))
    return cases


def ewa_cases(seed):
    """(description, (theta, beta)) for the exponentially weighted average.

    Covers list and array input, a single value, integers, beta = 0 (the
    average is the sequence itself), beta close to 1, and random series.
    """
    rng = np.random.RandomState(seed)
    cases = [("theta=[40, 40] as a list, beta=0.98", ([40.0, 40.0], 0.98)),
             ("a single value, beta=0.9", (np.array([7.5]), 0.9)),
             ("a list of integers, beta=0.9", ([int(x) for x in rng.randint(-5, 30, size=12)], 0.9))]
    for i, beta in enumerate([0.0, 0.999, 0.5, 0.9, 0.98, float(rng.uniform(0.01, 0.99))]):
        T = int(rng.randint(2, 400))
        if i % 2:
            theta = 15 + 8 * rng.randn(T)                  # temperature-like noise
        else:
            theta = np.cumsum(rng.randn(T))                # a random walk
        kind = "array"
        if i % 3 == 2:
            theta, kind = theta.tolist(), "list"
        cases.append(("random %s of length %d, beta=%.4g" % (kind, T, beta), (theta, beta)))
    return cases


# ================================================================ comparing

def rel_error(x, y):
    """Largest relative error between two arrays (as in CS231n)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))) if x.size else 0.0


def first_difference(got, expected, path="result", rtol=1e-6, atol=1e-8):
    """Describe the first way `got` differs from `expected`, or return None.

    Works on nested dicts, lists, tuples, arrays and numbers. The description
    names the place, the shapes and the size of the error, never the expected
    values themselves.
    """
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
    if got is None:
        return "%s is None (did the function return its result?)" % path
    try:
        got_a = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return "%s should be numeric, got %s" % (path, type(got).__name__)
    exp_a = np.asarray(expected, dtype=float)
    if got_a.shape != exp_a.shape:
        return "%s has shape %s, expected %s" % (path, got_a.shape, exp_a.shape)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # this runs inside graded cells: stay off stderr
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


def quietly(fn, *args):
    """Call fn(*args) with numpy and Python warnings silenced.

    nbgrader zeroes a test cell that writes anything to stderr, so a library
    warning must never cost a correct answer its points.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args)


# The mistake an exercise reports when it must leave its inputs unchanged.
CHANGED_INPUT = "changes-its-input"


def check_against_reference(student_fn, reference_fn, cases, mistakes=None, properties=None,
                            inputs_unchanged=False, also_correct=None):
    """Run student_fn on every case and compare with reference_fn.

    cases      -- list of (description, args) pairs; args are deep-copied for
                  every call, so answers that update in place are fine.
    mistakes   -- {"mistake-id": (one sentence, wrong_fn)}: if the answer equals
                  what wrong_fn returns, the failure names that mistake.
    properties -- optional fn(result, *args) -> message or None, for checks
                  that explain a wrong answer better than a value difference.
    inputs_unchanged -- if True, changing an argument is the mistake CHANGED_INPUT.
    also_correct -- optional (note, fn): answers equal to fn's are accepted too.
                  This gives "error carried forward" credit to an exercise that
                  builds on an earlier one the student got wrong.

    Raises AssertionError with a message about the first failing case.
    """
    mistakes = mistakes or {}
    answers = [_outcome(student_fn, args) for _, args in cases]
    carried = False
    for i, ((desc, args), (got, error, after)) in enumerate(zip(cases, answers), 1):
        where = "Case %d of %d (%s)" % (i, len(cases), desc)
        if isinstance(error, NotImplementedError):
            raise AssertionError("%s: the function is not implemented yet." % where)
        if error is not None:
            crashed = "the function raised %s: %s" % (type(error).__name__, error)
            mistake_id = _explaining_mistake(mistakes, cases, answers, i - 1, every_case_only=True)
            if mistake_id:
                raise AssertionError("%s: known mistake [%s]: %s (%s)" % (where, mistake_id, mistakes[mistake_id][0], crashed))
            raise AssertionError("%s: %s" % (where, crashed))
        diff = first_difference(got, quietly(reference_fn, *copy.deepcopy(args)))
        if diff is not None and also_correct is not None:
            alternative, alt_error, _ = _outcome(also_correct[1], args)
            if alt_error is None and first_difference(got, alternative) is None:
                diff, carried = None, True
        if diff is None:
            if inputs_unchanged and first_difference(after, args) is not None:
                raise AssertionError("%s: known mistake [%s]: the function changed the input it was given; "
                                     "build the result in a new array and leave the argument as it was."
                                     % (where, CHANGED_INPUT))
            continue
        mistake_id = _explaining_mistake(mistakes, cases, answers, i - 1)
        if mistake_id:
            raise AssertionError("%s: known mistake [%s]: %s" % (where, mistake_id, mistakes[mistake_id][0]))
        if properties is not None:
            msg = properties(got, *copy.deepcopy(args))
            if msg:
                raise AssertionError("%s: %s" % (where, msg))
        raise AssertionError("%s: %s" % (where, diff))
    print("All %d cases passed." % len(cases))
    if carried:
        print(also_correct[0])


def _outcome(fn, args):
    """(result, None, args after the call) or (None, the exception, args).

    fn gets a copy of args, so the caller can see whether it changed them.
    """
    args = copy.deepcopy(args)
    try:
        return quietly(fn, *args), None, args
    except Exception as e:  # a crash in student code is a failed check, explained later
        return None, e, args


def _explaining_mistake(mistakes, cases, answers, failing, every_case_only=False):
    """The id of the mistake that reproduces the answer.

    Prefer one that reproduces it on every case (two mistakes can agree on one
    case, e.g. 'first layer skipped' and 'last layer skipped' on a 1-layer
    net); otherwise take one that reproduces the failing case. Raising the
    same kind of exception on a case counts as reproducing it, so a mistake
    that divides by zero at epoch 0 can still be named.
    """
    found = {}   # (mistake id, case) -> whether it reproduces; each mistake runs once per case

    def reproduces(mistake_id, k):
        if (mistake_id, k) not in found:
            wrong, error, _ = _outcome(mistakes[mistake_id][1], cases[k][1])
            got, got_error, _ = answers[k]
            if error is not None or got_error is not None:
                found[mistake_id, k] = error is not None and got_error is not None and type(error) is type(got_error)
            else:
                found[mistake_id, k] = first_difference(got, wrong) is None
        return found[mistake_id, k]

    for mistake_id in mistakes:
        if all(reproduces(mistake_id, k) for k in range(len(cases))):
            return mistake_id
    if every_case_only:
        return None
    for mistake_id in mistakes:
        if reproduces(mistake_id, failing):
            return mistake_id
    return None


def check_close(got, expected, name="result"):
    """Visible-test helper: print each entry's relative error, then assert.

    Use it only with expected values that are already shown in the notebook.
    """
    items = expected.items() if isinstance(expected, dict) else [(name, expected)]
    got_items = got if isinstance(expected, dict) else {name: got}
    for key, value in items:
        if isinstance(got_items, dict) and key in got_items:
            try:
                print("%-4s relative error %.2e" % (key, rel_error(got_items[key], value)))
            except (TypeError, ValueError):
                pass
    diff = first_difference(got, expected, name)
    assert diff is None, diff
    print("All values match.")


# ================================================================ mini-batch checks

def mini_batch_problems(mini_batches, X, Y, mini_batch_size, seed=0):
    """Explain what is wrong with a partition of (X, Y), or return None.

    Needs X and Y built by indexed_data, whose row 0 and labels hold each
    example's index. Checks the structure, not the shuffle order.
    """
    m = X.shape[1]
    if not isinstance(mini_batches, list):
        return "the result should be a list of (mini_batch_X, mini_batch_Y) tuples, got %s" % type(mini_batches).__name__
    seen = []
    for k, batch in enumerate(mini_batches):
        if not (isinstance(batch, tuple) and len(batch) == 2):
            return "mini-batch %d should be a tuple (mini_batch_X, mini_batch_Y)" % k
        bx, by = np.asarray(batch[0]), np.asarray(batch[1])
        if bx.ndim != 2 or by.ndim != 2 or bx.shape[0] != X.shape[0] or by.shape[0] != 1:
            return "mini-batch %d has shapes %s and %s; expected (%d, n) and (1, n)" % (k, bx.shape, by.shape, X.shape[0])
        if bx.shape[1] == 0:
            return "mini-batch %d is empty; when m is a multiple of mini_batch_size there is no leftover batch" % k
        if bx.shape[1] != by.shape[1]:
            return "mini-batch %d has %d X columns but %d labels" % (k, bx.shape[1], by.shape[1])
        is_last = k == len(mini_batches) - 1
        if (not is_last and bx.shape[1] != mini_batch_size) or bx.shape[1] > mini_batch_size:
            return "mini-batch %d has %d examples; all but the last must have mini_batch_size=%d" % (k, bx.shape[1], mini_batch_size)
        if not np.array_equal(bx[0, :], by[0, :]):
            return "in mini-batch %d the labels are not the labels of the X columns beside them (X and Y must be shuffled together)" % k
        seen.extend(bx[0, :].astype(int).tolist())
    counts = np.bincount(np.asarray(seen, dtype=int), minlength=m) if seen else np.zeros(m, int)
    if counts.size > m or np.any(counts > 1):
        return "some examples appear in more than one mini-batch (%d columns in total for m=%d)" % (len(seen), m)
    if np.any(counts == 0):
        return "%d of the %d examples are in no mini-batch" % (int(np.sum(counts == 0)), m)
    return None
