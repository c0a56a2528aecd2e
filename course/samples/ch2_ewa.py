"""Sample answers for chapter 2, written the way students write them."""
EWA, BIAS = "exponentially_weighted_average", "bias_corrected_average"
EWA_CELL, BIAS_CELL = EWA + "-code", BIAS + "-code"

EWA_WRONG = {
    "started-from-theta1": """
v_prev = theta[0]
for t in range(len(theta)):
    v_prev = beta * v_prev + (1 - beta) * theta[t]
    v[t] = v_prev
""",
    "beta-swapped": """
v_prev = 0.0
for t in range(len(theta)):
    v_prev = (1 - beta) * v_prev + beta * theta[t]
    v[t] = v_prev
""",
    "no-one-minus-beta": """
v_prev = 0.0
for t in range(len(theta)):
    v_prev = beta * v_prev + theta[t]
    v[t] = v_prev
""",
    "recorded-before-update": """
v_prev = 0.0
for t in range(len(theta)):
    v[t] = v_prev
    v_prev = beta * v_prev + (1 - beta) * theta[t]
""",
}

BIAS_WRONG = {
    "one-plus-beta-t": """
v = exponentially_weighted_average(theta, beta)
t = np.arange(1, len(v) + 1)
v_corrected = v / (1 + beta ** t)
""",
    "exponent-off-by-one": """
v = exponentially_weighted_average(theta, beta)
v_corrected = np.zeros(len(v))
for t in range(len(v)):
    v_corrected[t] = v[t] / (1 - beta ** t)
""",
    "not-corrected": """
v_corrected = exponentially_weighted_average(theta, beta)
""",
}

# Correct answers in other styles than the reference: must get full marks.
EWA_VECTORISED = """
# v_t = (1 - beta) * sum_k beta**(t - k) * theta_k, as one matrix product
t = np.arange(len(theta))
powers = np.tril(beta ** np.maximum(t[:, None] - t[None, :], 0))
v = (1 - beta) * powers @ theta
"""
BIAS_FROM_SCRATCH = """
v_corrected = []
average = 0
for t, value in enumerate(theta, start=1):
    average = beta * average + (1 - beta) * value
    v_corrected.append(average / (1 - beta ** t))
v_corrected = np.array(v_corrected)
"""

# The result is right but the input array is overwritten with it.
EWA_IN_PLACE = """
v = theta if isinstance(theta, np.ndarray) else v
v_prev = 0.0
for t in range(len(v)):
    v_prev = beta * v_prev + (1 - beta) * v[t]
    v[t] = v_prev
"""


def _sample(student, ewa, bias, expect_ewa, expect_bias, demo=False):
    return {"student": student, "answers": {EWA_CELL: ewa, BIAS_CELL: bias},
            "expect": {EWA: expect_ewa, BIAS: expect_bias}, "demo": demo}


def _pair(ewa_mistake, bias_mistake, demo=False):
    """One student who makes one mistake in each exercise."""
    return _sample("%s__%s" % (ewa_mistake.replace("-", "_"), bias_mistake.replace("-", "_")),
                   EWA_WRONG[ewa_mistake], BIAS_WRONG[bias_mistake], ewa_mistake, bias_mistake, demo)


SAMPLES = [
    _sample("reference", "reference", "reference", "full", "full", demo=True),
    {"student": "untouched_release", "answers": {}, "expect": {EWA: "zero", BIAS: "zero"}, "demo": True},
    _sample("other_style", EWA_VECTORISED, BIAS_FROM_SCRATCH, "full", "full", demo=True),
    _pair("started-from-theta1", "one-plus-beta-t", demo=True),
    _pair("beta-swapped", "exponent-off-by-one", demo=True),
    _pair("no-one-minus-beta", "not-corrected"),
    # A wrong exercise 1 under a right exercise 2: the hidden test gives the
    # correction its marks; the visible test, with fixed numbers, cannot.
    _sample("error_carried_forward", EWA_WRONG["recorded-before-update"], "reference",
            "recorded-before-update", "carried-forward", demo=True),
    _sample("changes_its_input", EWA_IN_PLACE, "reference", "changes-its-input", "full"),
]
