"""Checks of chapter 2, exponentially weighted averages:
exponentially_weighted_average and bias_corrected_average."""
import numpy as np

from . import call, Exercise, mistake


def exponentially_weighted_average(theta, beta, *, start="zero", keep=None, take=None, record="after"):
    """v_t = beta * v_{t-1} + (1 - beta) * theta_t from v_0 = 0, for t = 1 ... T.

    knobs: start -- "zero", or "theta1" (v_0 = theta_1)
           keep, take -- functions of beta giving the weights of v_{t-1} and theta_t
           record -- "after" the update, or "before" it (v_{t-1} stored at t)
    """
    keep_w = beta if keep is None else keep(beta)
    take_w = 1 - beta if take is None else take(beta)
    values = np.asarray(theta, dtype=float)
    v = values[0] if start == "theta1" else 0.0
    out = []
    for x in values:
        if record == "before":
            out.append(v)
        v = keep_w * v + take_w * x
        if record == "after":
            out.append(v)
    return np.array(out)


def bias_corrected_average(theta, beta, *, averages=None, divisor="minus", shift=0, corrected=True):
    """v_t / (1 - beta**t) for t = 1 ... T.

    averages -- the student's own exponentially_weighted_average(theta, beta),
                for error carried forward; None: the reference's
    knobs: divisor "minus" or "plus" (1 + beta**t); shift (t counted from
           1 + shift); corrected (False: the averages uncorrected)
    """
    v = exponentially_weighted_average(theta, beta) if averages is None else np.asarray(averages, dtype=float)
    if not corrected:
        return v
    t = np.arange(1, len(v) + 1) + shift
    return v / (1 - beta ** t) if divisor == "minus" else v / (1 + beta ** t)


def ewa_cases(seed):
    """Lists and arrays, a single value, integers, beta = 0 (the average is
    the sequence itself), beta close to 1, and random series."""
    rng = np.random.RandomState(seed)
    cases = [call("theta=[40, 40] as a list, beta=0.98", [40.0, 40.0], 0.98),
             call("a single value, beta=0.9", np.array([7.5]), 0.9),
             call("a list of integers, beta=0.9", [int(x) for x in rng.randint(-5, 30, size=12)], 0.9)]
    for i, beta in enumerate([0.0, 0.999, 0.5, 0.9, 0.98, float(rng.uniform(0.01, 0.99))]):
        T = int(rng.randint(2, 400))
        theta = 15 + 8 * rng.randn(T) if i % 2 else np.cumsum(rng.randn(T))   # temperature-like, or a random walk
        kind = "array"
        if i % 3 == 2:
            theta, kind = theta.tolist(), "list"
        cases.append(call("random %s of length %d, beta=%.4g" % (kind, T, beta), theta, beta))
    return cases


def other_values(case_input, rng):
    """The same sequence, as a list or an array, with other values; beta kept."""
    (theta, beta), kwargs = case_input
    fresh = np.round(15 + 8 * rng.randn(len(theta)), 1)
    return [[fresh.tolist() if isinstance(theta, list) else fresh, beta], kwargs]


def explain_averages(got, expected, case):
    (theta, beta), _ = case.input
    got = np.asarray(got) if not isinstance(got, (dict, str)) else None
    if got is None or got.shape != (len(theta),):
        return "the result should hold the %d averages v_1 ... v_T, one per value of theta" % len(theta)
    if np.issubdtype(got.dtype, np.integer):
        return "the result is an array of integers, so the averages were rounded; use a float array"
    return None


def explain_corrected(got, expected, case):
    (theta, beta), _ = case.input
    why = explain_averages(got, expected, case)
    if why:
        return why
    if not np.isclose(float(got[0]), float(np.asarray(theta, dtype=float)[0])):
        return ("the first corrected value should equal theta_1, because v_1 = (1 - beta) * theta_1 and "
                "1 - beta**1 = 1 - beta")
    return None


EXERCISES = [
    Exercise(
        "exponentially_weighted_average", exponentially_weighted_average,
        visible=[call("theta = [40, 40, 30], beta = 0.98", [40.0, 40.0, 30.0], 0.98),
                 call("theta = np.array([1, 2, 3, 4]), beta = 0.5", np.array([1.0, 2.0, 3.0, 4.0]), 0.5)],
        hidden=ewa_cases(seed=7), twin=other_values,
        mistakes=[
            mistake("started-from-theta1", "the average starts at v_0 = theta_1; the recurrence starts from "
                                           "v_0 = 0 (the start-up bias that causes is what bias correction "
                                           "removes).", start="theta1"),
            mistake("beta-swapped", "beta and 1 - beta are swapped: the previous average must keep the weight "
                                    "beta and the new value get 1 - beta.",
                    keep=lambda b: 1 - b, take=lambda b: b),
            mistake("no-one-minus-beta", "the new value is added without the factor (1 - beta), so the sum grows "
                                         "towards theta / (1 - beta) instead of averaging.", take=lambda b: 1.0),
            mistake("recorded-before-update", "each entry holds v_{t-1} instead of v_t, so the result starts with "
                                              "v_0 = 0 and misses the last average; store v after updating it.",
                    record="before"),
        ],
        inputs_unchanged=True, explain=explain_averages),
    Exercise(
        "bias_corrected_average", bias_corrected_average,
        visible=[call("theta = [40, 40, 30], beta = 0.98", [40.0, 40.0, 30.0], 0.98),
                 call("theta = np.array([1, 2, 3, 4]), beta = 0.5", np.array([1.0, 2.0, 3.0, 4.0]), 0.5)],
        hidden=ewa_cases(seed=8), twin=other_values,
        mistakes=[
            mistake("one-plus-beta-t", "the averages are divided by 1 + beta**t; the correction is "
                                       "v_t / (1 - beta**t) (one of the course's source notes has this typo).",
                    divisor="plus"),
            mistake("exponent-off-by-one", "the first step is counted as t = 0, so the first value is divided by "
                                           "1 - beta**0 = 0; t runs from 1 to T.", shift=-1),
            mistake("not-corrected", "the averages are returned without the correction; divide each v_t by "
                                     "(1 - beta**t).", corrected=False),
        ],
        uses={"averages": "exponentially_weighted_average"},
        carried_note="Note: exponentially_weighted_average is wrong (see its tests), but the correction applied "
                     "to its averages is right, so this exercise gets its marks.",
        explain=explain_corrected),
]
