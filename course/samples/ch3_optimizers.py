"""Sample answers for chapter 3, written the way students write them.

Six exercises per notebook, so one submission can carry a mistake in each
exercise at once; three such students cover every named mistake."""
IV, UM = "initialize_velocity", "update_parameters_with_momentum"
IR, UR = "initialize_rmsprop", "update_parameters_with_rmsprop"
IA, UA = "initialize_adam", "update_parameters_with_adam"
EXERCISES = (IV, UM, IR, UR, IA, UA)

INIT_WRONG = {
    "db-shaped-like-W": """
for l in range(1, L + 1):
    {state}["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
    {state}["db" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
""",
    "same-layer-every-time": """
for l in range(L):
    {state}["dW" + str(1 + 1)] = np.zeros(parameters["W" + str(1 + 1)].shape)
    {state}["db" + str(1 + 1)] = np.zeros(parameters["b" + str(1 + 1)].shape)
""",
    "wrong-keys": """
for l in range(1, L + 1):
    {state}["W" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
    {state}["b" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
""",
    "not-zeros": """
for l in range(1, L + 1):
    {state}["dW" + str(l)] = parameters["W" + str(l)].copy()
    {state}["db" + str(l)] = parameters["b" + str(l)].copy()
""",
}


def init_answer(mistake, states):
    return "".join(INIT_WRONG[mistake].format(state=name) for name in states)


# Adam's state made with s's arrays taken from v: right values, shared memory.
ADAM_INIT_SHARED = """
for l in range(1, L + 1):
    v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
    v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    s["dW" + str(l)] = v["dW" + str(l)]
    s["db" + str(l)] = v["db" + str(l)]
"""


MOMENTUM_WRONG = {
    "no-one-minus-beta": """
for l in range(1, L + 1):
    v["dW" + str(l)] = beta * v["dW" + str(l)] + grads["dW" + str(l)]
    v["db" + str(l)] = beta * v["db" + str(l)] + grads["db" + str(l)]
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
""",
    "old-velocity": """
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
    v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
    v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
""",
    "steps-with-gradient": """
for l in range(1, L + 1):
    v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
    v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
""",
    "bias-moved-by-dW": """
for l in range(1, L + 1):
    v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
    v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["dW" + str(l)]
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
""",
    "same-layer-every-time": """
for l in range(L):
    v["dW" + str(1 + 1)] = beta * v["dW" + str(1 + 1)] + (1 - beta) * grads["dW" + str(1 + 1)]
    v["db" + str(1 + 1)] = beta * v["db" + str(1 + 1)] + (1 - beta) * grads["db" + str(1 + 1)]
    parameters["W" + str(1 + 1)] = parameters["W" + str(1 + 1)] - learning_rate * v["dW" + str(1 + 1)]
    parameters["b" + str(1 + 1)] = parameters["b" + str(1 + 1)] - learning_rate * v["db" + str(1 + 1)]
""",
    "beta-swapped": """
for l in range(1, L + 1):
    v["dW" + str(l)] = (1 - beta) * v["dW" + str(l)] + beta * grads["dW" + str(l)]
    v["db" + str(l)] = (1 - beta) * v["db" + str(l)] + beta * grads["db" + str(l)]
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
""",
}

RMSPROP_WRONG = {
    "no-square": """
for key in list(parameters):
    s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * grads["d" + key]
    parameters[key] = parameters[key] - learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
""",
    "no-root": """
for key in list(parameters):
    s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * grads["d" + key] ** 2
    parameters[key] = parameters[key] - learning_rate * grads["d" + key] / (s["d" + key] + epsilon)
""",
    "epsilon-inside-root": """
for key in list(parameters):
    s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * np.square(grads["d" + key])
    parameters[key] = parameters[key] - learning_rate * grads["d" + key] / np.sqrt(s["d" + key] + epsilon)
""",
    "no-epsilon": """
for key in list(parameters):
    s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * np.square(grads["d" + key])
    parameters[key] = parameters[key] - learning_rate * grads["d" + key] / np.sqrt(s["d" + key])
""",
    "beta-swapped": """
for key in list(parameters):
    s["d" + key] = (1 - beta2) * s["d" + key] + beta2 * np.square(grads["d" + key])
    parameters[key] = parameters[key] - learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
""",
    "bias-moved-by-dW": """
for l in range(1, L + 1):
    s["dW" + str(l)] = beta2 * s["dW" + str(l)] + (1 - beta2) * grads["dW" + str(l)] ** 2
    s["db" + str(l)] = beta2 * s["db" + str(l)] + (1 - beta2) * grads["dW" + str(l)] ** 2
    parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)] / (np.sqrt(s["dW" + str(l)]) + epsilon)
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["dW" + str(l)] / (np.sqrt(s["db" + str(l)]) + epsilon)
""",
    "same-layer-every-time": """
for l in range(L):
    s["dW" + str(1 + 1)] = beta2 * s["dW" + str(1 + 1)] + (1 - beta2) * grads["dW" + str(1 + 1)] ** 2
    s["db" + str(1 + 1)] = beta2 * s["db" + str(1 + 1)] + (1 - beta2) * grads["db" + str(1 + 1)] ** 2
    parameters["W" + str(1 + 1)] -= learning_rate * grads["dW" + str(1 + 1)] / (np.sqrt(s["dW" + str(1 + 1)]) + epsilon)
    parameters["b" + str(1 + 1)] -= learning_rate * grads["db" + str(1 + 1)] / (np.sqrt(s["db" + str(1 + 1)]) + epsilon)
""",
}

# The Adam mistakes, each one edit of a correct loop written the usual way.
ADAM_CORRECT = """
for l in range(1, L + 1):
    for p in ("W", "b"):
        g = "d" + p + str(l)
        v[g] = beta1 * v[g] + (1 - beta1) * grads[g]
        s[g] = beta2 * s[g] + (1 - beta2) * grads[g] ** 2
        v_corrected[g] = v[g] / (1 - beta1 ** t)
        s_corrected[g] = s[g] / (1 - beta2 ** t)
        parameters[p + str(l)] -= learning_rate * v_corrected[g] / (np.sqrt(s_corrected[g]) + epsilon)
"""
ADAM_EDITS = {
    "epsilon-inside-root": ("(np.sqrt(s_corrected[g]) + epsilon)", "np.sqrt(s_corrected[g] + epsilon)"),
    "no-bias-correction": ("v_corrected[g] / (np.sqrt(s_corrected[g]) + epsilon)", "v[g] / (np.sqrt(s[g]) + epsilon)"),
    "beta1-in-second-correction": ("s[g] / (1 - beta2 ** t)", "s[g] / (1 - beta1 ** t)"),
    "stores-corrected": ("v_corrected[g] = v[g] / (1 - beta1 ** t)\n        s_corrected[g] = s[g] / (1 - beta2 ** t)",
                         "v[g] = v_corrected[g] = v[g] / (1 - beta1 ** t)\n        s[g] = s_corrected[g] = s[g] / (1 - beta2 ** t)"),
    "t-off-by-one": ("for l in range(1, L + 1):", "t = t + 1\nfor l in range(1, L + 1):"),
}


# The original assignment's style: for l in range(L), with str(l + 1) everywhere.
ADAM_BY_LAYER = """
for l in range(L):
    v["dW" + str(l + 1)] = beta1 * v["dW" + str(l + 1)] + (1 - beta1) * grads["dW" + str(l + 1)]
    v["db" + str(l + 1)] = beta1 * v["db" + str(l + 1)] + (1 - beta1) * grads["db" + str(l + 1)]
    v_corrected["dW" + str(l + 1)] = v["dW" + str(l + 1)] / (1 - beta1 ** t)
    v_corrected["db" + str(l + 1)] = v["db" + str(l + 1)] / (1 - beta1 ** t)
    s["dW" + str(l + 1)] = beta2 * s["dW" + str(l + 1)] + (1 - beta2) * np.square(grads["dW" + str(l + 1)])
    s["db" + str(l + 1)] = beta2 * s["db" + str(l + 1)] + (1 - beta2) * np.square(grads["db" + str(l + 1)])
    s_corrected["dW" + str(l + 1)] = s["dW" + str(l + 1)] / (1 - beta2 ** t)
    s_corrected["db" + str(l + 1)] = s["db" + str(l + 1)] / (1 - beta2 ** t)
    parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * v_corrected["dW" + str(l + 1)] / (np.sqrt(s_corrected["dW" + str(l + 1)]) + epsilon)
    parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * v_corrected["db" + str(l + 1)] / (np.sqrt(s_corrected["db" + str(l + 1)]) + epsilon)
"""
# Mistakes as edits of ADAM_BY_LAYER: [(old, new, how many times)].
ADAM_BY_LAYER_EDITS = {
    "correction-without-t": [("(1 - beta1 ** t)", "(1 - beta1)", 2), ("(1 - beta2 ** t)", "(1 - beta2)", 2)],
    "correction-uses-layer": [("beta1 ** t", "beta1 ** (l + 1)", 2), ("beta2 ** t", "beta2 ** (l + 1)", 2)],
    "correction-squared": [("beta1 ** t", "beta1 ** 2", 2), ("beta2 ** t", "beta2 ** 2", 2)],
    "correction-power-outside": [("(1 - beta1 ** t)", "(1 - beta1) ** t", 2), ("(1 - beta2 ** t)", "(1 - beta2) ** t", 2)],
    "s-averaged-with-beta1": [("beta2 * s[", "beta1 * s[", 2), ("(1 - beta2) * np.square", "(1 - beta1) * np.square", 2)],
    "s-not-corrected": [("] / (1 - beta2 ** t)", "]", 2)],
    "no-epsilon": [(") + epsilon)", "))", 2)],
    "no-root": [("(np.sqrt(s_corrected[", "(s_corrected[", 2), ("]) + epsilon)", "] + epsilon)", 2)],
    "bias-moved-by-dW": [('(1 - beta1) * grads["db"', '(1 - beta1) * grads["dW"', 1),
                         ('np.square(grads["db"', 'np.square(grads["dW"', 1)],
    "same-layer-every-time": [("str(l + 1)", "str(1 + 1)", 28)],
    # not in the catalogue: v corrected with beta2
    "v-corrected-with-beta2": [("] / (1 - beta1 ** t)", "] / (1 - beta2 ** t)", 2)],
}


def adam_answer(mistake):
    if mistake in ADAM_BY_LAYER_EDITS:
        answer = ADAM_BY_LAYER
        for old, new, count in ADAM_BY_LAYER_EDITS[mistake]:
            assert answer.count(old) == count, (mistake, old)
            answer = answer.replace(old, new)
        return answer
    old, new = ADAM_EDITS[mistake]
    assert old in ADAM_CORRECT
    return ADAM_CORRECT.replace(old, new, 1)


def _student(name, expect, answers, demo=False):
    return {"student": name, "answers": {ex + "-code": a for ex, a in answers.items()},
            "expect": expect, "demo": demo}


def _all(value):
    return {ex: value for ex in EXERCISES}


def _some(name, **picks):
    """A student with the mistakes picked (exercise keyword: mistake id), the
    reference elsewhere."""
    keys = {"velocity": IV, "momentum": UM, "rmsprop_init": IR, "rmsprop": UR, "adam_init": IA, "adam": UA}
    make = {"velocity": lambda m: init_answer(m, ["v"]), "momentum": MOMENTUM_WRONG.get,
            "rmsprop_init": lambda m: init_answer(m, ["s"]), "rmsprop": RMSPROP_WRONG.get,
            "adam_init": lambda m: ADAM_INIT_SHARED if m == "shares-arrays" else init_answer(m, ["v", "s"]),
            "adam": adam_answer}
    answers, expect = dict(REFERENCE), _all("full")
    for kw, m in picks.items():
        answers[keys[kw]], expect[keys[kw]] = make[kw](m), m
    return _student(name, expect, answers)


def _mistakes(name, velocity, momentum, rmsprop_init, rmsprop, adam_init, adam, demo=False):
    """A student with one named mistake in each of the six exercises."""
    expect = {IV: velocity, UM: momentum, IR: rmsprop_init, UR: rmsprop, IA: adam_init, UA: adam}
    answers = {IV: init_answer(velocity, ["v"]), UM: MOMENTUM_WRONG[momentum],
               IR: init_answer(rmsprop_init, ["s"]), UR: RMSPROP_WRONG[rmsprop],
               IA: init_answer(adam_init, ["v", "s"]), UA: adam_answer(adam)}
    return _student(name, expect, answers, demo)


# Correct in the original assignment's style, for l in range(L) with str(l + 1).
BY_LAYER = {
    IV: """
for l in range(L):
    v["dW" + str(l + 1)] = np.zeros_like(parameters["W" + str(l + 1)])
    v["db" + str(l + 1)] = np.zeros_like(parameters["b" + str(l + 1)])
""",
    UM: """
for l in range(L):
    v["dW" + str(l + 1)] = beta * v["dW" + str(l + 1)] + (1 - beta) * grads["dW" + str(l + 1)]
    v["db" + str(l + 1)] = beta * v["db" + str(l + 1)] + (1 - beta) * grads["db" + str(l + 1)]
    parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * v["dW" + str(l + 1)]
    parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * v["db" + str(l + 1)]
""",
    IR: """
for l in range(L):
    s["dW" + str(l + 1)] = np.zeros_like(parameters["W" + str(l + 1)])
    s["db" + str(l + 1)] = np.zeros_like(parameters["b" + str(l + 1)])
""",
    UR: """
for l in range(L):
    s["dW" + str(l + 1)] = beta2 * s["dW" + str(l + 1)] + (1 - beta2) * np.square(grads["dW" + str(l + 1)])
    s["db" + str(l + 1)] = beta2 * s["db" + str(l + 1)] + (1 - beta2) * np.square(grads["db" + str(l + 1)])
    parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)] / (np.sqrt(s["dW" + str(l + 1)]) + epsilon)
    parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)] / (np.sqrt(s["db" + str(l + 1)]) + epsilon)
""",
    IA: """
for l in range(L):
    v["dW" + str(l + 1)] = np.zeros_like(parameters["W" + str(l + 1)])
    v["db" + str(l + 1)] = np.zeros_like(parameters["b" + str(l + 1)])
    s["dW" + str(l + 1)] = np.zeros_like(parameters["W" + str(l + 1)])
    s["db" + str(l + 1)] = np.zeros_like(parameters["b" + str(l + 1)])
""",
    UA: ADAM_BY_LAYER,
}

# Correct answers in other styles: new dicts instead of in-place updates,
# comprehensions, np.zeros_like.
OTHER_STYLE = {
    IV: 'v = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}',
    UM: """
v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
parameters = {key: value - learning_rate * v["d" + key] for key, value in parameters.items()}
""",
    IR: 's = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}',
    UR: """
s = {key: beta2 * s[key] + (1 - beta2) * np.square(grads[key]) for key in s}
parameters = {key: value - learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
              for key, value in parameters.items()}
""",
    IA: """
v = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
s = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
""",
    UA: """
v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
s = {key: beta2 * s[key] + (1 - beta2) * grads[key] ** 2 for key in s}
for key in parameters:
    v_hat = v["d" + key] / (1 - beta1 ** t)
    s_hat = s["d" + key] / (1 - beta2 ** t)
    parameters[key] = parameters[key] - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
""",
}

REFERENCE = {ex: "reference" for ex in EXERCISES}

SAMPLES = [
    _student("reference", _all("full"), REFERENCE, demo=True),
    {"student": "untouched_release", "answers": {}, "expect": _all("zero"), "demo": True},
    _student("other_style", _all("full"), OTHER_STYLE, demo=True),
    _mistakes("mistakes_a", "wrong-keys", "no-one-minus-beta", "not-zeros", "no-square",
              "wrong-keys", "epsilon-inside-root", demo=True),
    _mistakes("mistakes_b", "not-zeros", "old-velocity", "wrong-keys", "no-root",
              "not-zeros", "no-bias-correction"),
    _mistakes("mistakes_c", "wrong-keys", "beta-swapped", "not-zeros", "epsilon-inside-root",
              "wrong-keys", "beta1-in-second-correction"),
    _student("by_layer_style", _all("full"), BY_LAYER),
    _some("mistakes_d", velocity="db-shaped-like-W", momentum="steps-with-gradient",
          rmsprop_init="same-layer-every-time", rmsprop="no-epsilon", adam_init="shares-arrays",
          adam="correction-without-t"),
    _some("mistakes_e", velocity="same-layer-every-time", momentum="bias-moved-by-dW",
          rmsprop_init="db-shaped-like-W", rmsprop="beta-swapped", adam_init="db-shaped-like-W",
          adam="correction-uses-layer"),
    _some("mistakes_f", momentum="same-layer-every-time", rmsprop="bias-moved-by-dW",
          adam_init="same-layer-every-time", adam="correction-squared"),
    _some("mistakes_g", rmsprop="same-layer-every-time", adam="correction-power-outside"),
    _some("adam_s_averaged_with_beta1", adam="s-averaged-with-beta1"),
    _some("adam_s_not_corrected", adam="s-not-corrected"),
    _some("adam_no_epsilon", adam="no-epsilon"),
    _some("adam_no_root", adam="no-root"),
    _some("adam_bias_moved_by_dW", adam="bias-moved-by-dW"),
    _some("adam_same_layer_every_time", adam="same-layer-every-time"),
    # Epsilon inside the root, and no bias correction either: both are named.
    _student("adam_two_mistakes", dict(_all("full"), **{UA: ("epsilon-inside-root", "no-bias-correction")}),
             dict(REFERENCE, **{UA: adam_answer("no-bias-correction").replace(
                 "(np.sqrt(s[g]) + epsilon)", "np.sqrt(s[g] + epsilon)")})),
    # Not in the catalogue: v corrected with beta2. The diagnosis says the state is right.
    _student("adam_unknown_mistake", dict(_all("full"), **{UA: {"diagnosis": "v and s are right"}}),
             dict(REFERENCE, **{UA: adam_answer("v-corrected-with-beta2")})),
    # The remaining Adam mistakes, with every other exercise right.
    _student("adam_stores_corrected", dict(_all("full"), **{UA: "stores-corrected"}),
             dict(REFERENCE, **{UA: adam_answer("stores-corrected")})),
    _student("adam_t_off_by_one", dict(_all("full"), **{UA: "t-off-by-one"}),
             dict(REFERENCE, **{UA: adam_answer("t-off-by-one")})),
]
