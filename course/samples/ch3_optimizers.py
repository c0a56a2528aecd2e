"""Sample answers for chapter 3, written the way students write them.

Six exercises per notebook, so one submission can carry a mistake in each
exercise at once; three such students cover every named mistake."""
IV, UM = "initialize_velocity", "update_parameters_with_momentum"
IR, UR = "initialize_rmsprop", "update_parameters_with_rmsprop"
IA, UA = "initialize_adam", "update_parameters_with_adam"
EXERCISES = (IV, UM, IR, UR, IA, UA)

INIT_WRONG = {
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


def adam_answer(mistake):
    old, new = ADAM_EDITS[mistake]
    assert old in ADAM_CORRECT
    return ADAM_CORRECT.replace(old, new, 1)


def _student(name, expect, answers, demo=False):
    return {"student": name, "answers": {ex + "-code": a for ex, a in answers.items()},
            "expect": expect, "demo": demo}


def _all(value):
    return {ex: value for ex in EXERCISES}


def _mistakes(name, velocity, momentum, rmsprop_init, rmsprop, adam_init, adam, demo=False):
    """A student with one named mistake in each of the six exercises."""
    expect = {IV: velocity, UM: momentum, IR: rmsprop_init, UR: rmsprop, IA: adam_init, UA: adam}
    answers = {IV: init_answer(velocity, ["v"]), UM: MOMENTUM_WRONG[momentum],
               IR: init_answer(rmsprop_init, ["s"]), UR: RMSPROP_WRONG[rmsprop],
               IA: init_answer(adam_init, ["v", "s"]), UA: adam_answer(adam)}
    return _student(name, expect, answers, demo)


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
    # The remaining Adam mistakes, with every other exercise right.
    _student("adam_stores_corrected", dict(_all("full"), **{UA: "stores-corrected"}),
             dict(REFERENCE, **{UA: adam_answer("stores-corrected")})),
    _student("adam_t_off_by_one", dict(_all("full"), **{UA: "t-off-by-one"}),
             dict(REFERENCE, **{UA: adam_answer("t-off-by-one")})),
]
