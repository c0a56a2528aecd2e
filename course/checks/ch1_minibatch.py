"""Checks of chapter 1, mini-batch gradient descent: update_parameters_with_gd
and random_mini_batches."""
import numpy as np

from . import call, Exercise, mistake, public
from .networks import explain_parameters, layer_dims, random_parameters, reorder


def update_parameters_with_gd(parameters, grads, learning_rate, *, sign=-1, scaled=True, layers="all",
                              biases="db", pairing="name"):
    """W_l -= learning_rate * dW_l and b_l -= learning_rate * db_l for every layer l.

    knobs: sign -- +1 moves up the gradient; scaled -- False drops learning_rate;
           layers -- "all", "skip-last", "skip-first", or "layer-2" (every pass of
                     the loop updates layer 2: str(1 + 1) written for str(l + 1));
           biases -- "db", "none" (not updated) or "dW" (moved by the weight's gradient);
           pairing -- "name", or "position" (zip of the two dicts' values)
    """
    rate = sign * (learning_rate if scaled else 1.0)
    out = dict(parameters)
    if pairing == "position":
        for (key, value), grad in zip(list(parameters.items()), grads.values()):
            out[key] = value + rate * grad
        return out
    L = len(parameters) // 2
    chosen = {"all": range(1, L + 1), "skip-last": range(1, L), "skip-first": range(2, L + 1),
              "layer-2": [2] * L}[layers]
    for l in chosen:
        out["W%d" % l] = out["W%d" % l] + rate * grads["dW%d" % l]
        if biases != "none":
            out["b%d" % l] = out["b%d" % l] + rate * grads["d%s%d" % ("W" if biases == "dW" else "b", l)]
    return out


def gd_cases(seed, n_cases=8):
    """Nets of 1 to 4 layers; every other case lists the gradients in another
    key order than the parameters, with square layers."""
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        n_layers = 1 + i % 4
        dims = layer_dims(rng, n_layers, square=bool(i % 2))
        parameters, grads = random_parameters(dims, rng)
        learning_rate = float(rng.uniform(0.001, 0.5))
        desc = "%d-layer net %s, learning_rate=%.4g" % (n_layers, dims, learning_rate)
        if i % 2:
            grads = reorder(grads, rng)
            desc += ", grads keys in another order"
        cases.append(call(desc, parameters, grads, learning_rate))
    return cases


def explain_gd(got, expected, case):
    (parameters, _, _), _ = case.input
    return explain_parameters(got, expected, parameters)


def random_mini_batches(X, Y, mini_batch_size=64, seed=0, *, data="shuffled", labels="shuffled", full="right",
                        last="right"):
    """Shuffle the columns of X and Y with one permutation, then cut them
    into full mini-batches and one smaller last batch, if examples are left.

    knobs: data -- "unshuffled": X and Y cut as given
           labels -- "unshuffled" (cut from Y) or "from-X" (cut from shuffled_X)
           full -- where full batch k starts: "right" (k * size), "first" (0), "k" (k)
           last -- the leftover batch: "right", "dropped", "always" (even when
                   empty), "full-size" (the last size columns), "shifted" (-r-1:-1),
                   "from-k" (k * size onwards, k the last loop value), "after-loop"
                   ((k + 1) * size onwards); the last two need the loop to have run
    """
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation].reshape((1, m))
    if data == "unshuffled":
        shuffled_X, shuffled_Y = X, Y.reshape((1, m))
    if labels == "unshuffled":
        shuffled_Y = Y.reshape((1, m))
    elif labels == "from-X":
        shuffled_Y = shuffled_X
    size, n_full, r = mini_batch_size, m // mini_batch_size, m % mini_batch_size
    start = {"right": lambda k: k * size, "first": lambda k: 0, "k": lambda k: k}[full]
    batches = [(shuffled_X[:, start(k):start(k) + size], shuffled_Y[:, start(k):start(k) + size])
               for k in range(n_full)]
    if last in ("from-k", "after-loop") and r and n_full == 0:
        raise UnboundLocalError("cannot access local variable 'k' where it is not associated with a value")
    first_left = {"right": n_full * size, "always": n_full * size, "full-size": m - size, "shifted": m - r - 1,
                  "from-k": (n_full - 1) * size, "after-loop": n_full * size}.get(last)
    if first_left is not None and (r or last == "always"):
        end = m - 1 if last == "shifted" else m
        batches.append((shuffled_X[:, max(first_left, 0):end], shuffled_Y[:, max(first_left, 0):end]))
    return batches


def mini_batch_cases():
    """Columns carry their index (testCases.indexed_data), so a diagnosis can
    tell which examples went where. The edge cases: m a multiple of the batch
    size, a batch size above m or equal to it, a batch size of 1, one example."""
    cases = []
    for m, size, seed in [(148, 64, 0),   # uneven: 64, 64, 20
                          (128, 64, 1),   # m divisible by the batch size
                          (300, 32, 2),   # many batches, a short last one
                          (50, 64, 3),    # batch size bigger than m
                          (64, 64, 4),    # batch size equal to m
                          (9, 1, 5),      # stochastic gradient descent
                          (1, 1, 6)]:     # a single example
        X, Y = public.indexed_data(m, n_x=3, seed=seed)
        cases.append(call("m=%d, mini_batch_size=%d, seed=%d" % (m, size, seed), X, Y, size, seed))
    return cases


def batch_problems(batches, X, Y, size):
    """What is wrong with the structure of a partition of (X, Y), or None.
    Needs X and Y whose row 0 and labels hold each example's index."""
    m = X.shape[1]
    if not isinstance(batches, list):
        return "the result should be a list of (mini_batch_X, mini_batch_Y) tuples, got %s" % type(batches).__name__
    seen = []
    for k, batch in enumerate(batches):
        if not (isinstance(batch, tuple) and len(batch) == 2):
            return "mini-batch %d should be a tuple (mini_batch_X, mini_batch_Y)" % k
        if not all(isinstance(part, np.ndarray) for part in batch):
            return "mini-batch %d should hold two numpy arrays" % k
        bx, by = batch
        if bx.ndim != 2 or bx.shape[0] != X.shape[0]:
            return "mini-batch %d: X has shape %s; expected (%d, n)" % (k, bx.shape, X.shape[0])
        if by.ndim != 2 or by.shape[0] != 1:
            rows = " (it has X's rows: the labels were cut from X)" if by.shape[:1] == (X.shape[0],) else ""
            return "mini-batch %d: Y has shape %s; expected (1, n)%s" % (k, by.shape, rows)
        if bx.shape[1] == 0:
            return "mini-batch %d is empty; when m is a multiple of mini_batch_size there is no leftover batch" % k
        if bx.shape[1] != by.shape[1]:
            return "mini-batch %d has %d X columns but %d labels" % (k, bx.shape[1], by.shape[1])
        if (k < len(batches) - 1 and bx.shape[1] != size) or bx.shape[1] > size:
            return "mini-batch %d has %d examples; all but the last must have mini_batch_size=%d" % (
                k, bx.shape[1], size)
        if not np.array_equal(bx[0, :], by[0, :]):
            return ("in mini-batch %d the labels are not the labels of the X columns beside them (X and Y must "
                    "be shuffled together)" % k)
        seen.extend(bx[0, :].astype(int).tolist())
    counts = np.bincount(np.asarray(seen, dtype=int), minlength=m) if seen else np.zeros(m, int)
    if counts.size > m or np.any(counts > 1):
        return "some examples appear in more than one mini-batch (%d columns in total for m=%d)" % (len(seen), m)
    if np.any(counts == 0):
        return "%d of the %d examples are in no mini-batch" % (int(np.sum(counts == 0)), m)
    return None


def explain_batches(got, expected, case):
    (X, Y, size, _), _ = case.input
    why = batch_problems(got, X, Y, size)
    if why:
        return why
    if len(got) != len(expected):
        return None
    wrong = [k for k, (g, e) in enumerate(zip(got, expected)) if public.first_difference(g, e) is not None]
    if wrong == [len(expected) - 1] and X.shape[1] % size:
        return ("the last mini-batch holds the wrong examples: it must hold the %d left over after the full "
                "mini-batches, columns %d onwards of the shuffled data" % (X.shape[1] % size,
                                                                           X.shape[1] // size * size))
    return "mini-batch %d holds the wrong examples" % wrong[0] if wrong else None


def explain_batches_error(name, message, case):
    (X, _, size, _), _ = case.input
    if name in ("NameError", "UnboundLocalError") and X.shape[1] < size:
        return ("it crashes when no full mini-batch fits (m=%d < mini_batch_size=%d) with %s: %s; a variable "
                "set only inside the loop over full mini-batches (such as its loop variable) is used after the "
                "loop, which never ran" % (X.shape[1], size, name, message))
    return None


def another_shuffle(case_input, rng):
    """The same examples, shuffled with another seed."""
    (X, Y, size, seed), kwargs = case_input
    return [[X, Y, size, seed + 100], kwargs]


def _visible_batches():
    return [call("m=%d examples, mini_batch_size=%d, seed=%d" % (X.shape[1], size, seed), X, Y, size, seed)
            for X, Y, size, seed in public.small_mini_batch_test_cases()]


EXERCISES = [
    Exercise(
        "update_parameters_with_gd", update_parameters_with_gd,
        visible=[call("the original assignment's seed-1 network", *public.update_parameters_with_gd_test_case()),
                 call("a net whose gradients are listed in another order",
                      *public.reordered_gradients_test_case())],
        hidden=gd_cases(seed=2024),
        mistakes=[
            mistake("flipped-sign", "the parameters move up the gradient (W + alpha*dW); gradient descent "
                                    "subtracts alpha*dW.", sign=+1),
            mistake("biases-not-updated", "only the weights W change; each bias b must take its step too.",
                    biases="none"),
            mistake("bias-moved-by-dW", "each bias is moved by the weight's gradient dW (so it takes W's shape); "
                                        "b_l is moved by db_l.", biases="dW"),
            mistake("last-layer-skipped", "the last layer L is left unchanged; the loop must cover layers 1 to L "
                                          "inclusive.", layers="skip-last"),
            mistake("first-layer-skipped", "layer 1 is left unchanged; layers are numbered from 1, so the loop "
                                           "must start at 1.", layers="skip-first"),
            mistake("same-layer-every-time", "every pass of the loop updates layer 2 (str(1 + 1) instead of "
                                             "str(l + 1)?); each pass must update its own layer l.",
                    layers="layer-2"),
            mistake("no-learning-rate", "the whole gradient is subtracted; it must be scaled by learning_rate "
                                        "first.", scaled=False),
            mistake("paired-by-position", "parameters are paired with gradients by their position in the dicts; "
                                          "pair them by name (W1 with dW1), because the order of keys is not "
                                          "guaranteed.", pairing="position"),
        ],
        explain=explain_gd),
    Exercise(
        "random_mini_batches", random_mini_batches,
        visible=_visible_batches(),
        hidden=mini_batch_cases(), twin=another_shuffle,
        mistakes=[
            mistake("not-shuffled", "the mini-batches are cut from the unshuffled X and Y; use shuffled_X and "
                                    "shuffled_Y.", data="unshuffled"),
            mistake("labels-not-shuffled", "the labels are cut from Y instead of shuffled_Y, so they no longer "
                                           "belong to the X columns beside them.", labels="unshuffled"),
            mistake("labels-from-X", "the labels are cut from shuffled_X; cut them from shuffled_Y.",
                    labels="from-X"),
            mistake("same-first-batch", "every full mini-batch is the first mini_batch_size columns; the k-th "
                                        "starts at column k * mini_batch_size.", full="first"),
            mistake("overlapping-batches", "the k-th mini-batch starts at column k instead of "
                                           "k * mini_batch_size, so the batches overlap.", full="k"),
            mistake("dropped-last-batch", "the last, smaller mini-batch is missing; when m is not a multiple of "
                                          "mini_batch_size the leftover examples must form one more mini-batch.",
                    last="dropped"),
            mistake("empty-last-batch", "an empty mini-batch is added when m is a multiple of mini_batch_size; the "
                                        "leftover batch exists only when m % mini_batch_size != 0.", last="always"),
            mistake("last-batch-full-size", "the last mini-batch is the final mini_batch_size columns, which "
                                            "repeats examples already used; it should hold only the leftover "
                                            "examples.", last="full-size"),
            mistake("last-batch-shifted", "the last mini-batch is cut one column too early (-r - 1:-1), so it "
                                          "misses the last example and repeats one already used; the leftover "
                                          "examples start at num_complete_minibatches * mini_batch_size.",
                    last="shifted"),
            mistake("last-batch-from-k", "the last mini-batch starts at k * mini_batch_size, with k the loop's "
                                         "last value, so it repeats the last full mini-batch (and the function "
                                         "crashes when no full mini-batch fits); it starts at "
                                         "num_complete_minibatches * mini_batch_size.", last="from-k"),
            mistake("loop-variable-after-loop", "the last mini-batch uses the loop variable k after the loop, "
                                                "which never ran when m < mini_batch_size, so the function "
                                                "crashes there; start it at num_complete_minibatches * "
                                                "mini_batch_size.", last="after-loop"),
        ],
        explain=explain_batches, explain_error=explain_batches_error),
]
