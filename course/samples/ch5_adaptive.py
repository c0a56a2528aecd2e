"""Sample answers for chapter 5, written the way students write them.

Five exercises per notebook, so one submission carries a mistake in each
exercise at once; five such students cover every named mistake."""
IG, UG = "initialize_adagrad", "update_parameters_with_adagrad"
ID, UD = "initialize_adadelta", "update_parameters_with_adadelta"
AO = "Adam"
EXERCISES = (IG, UG, ID, UD, AO)

INIT_WRONG = {
    "wrong-keys": """
for key, value in parameters.items():
    {state}[key] = np.zeros(value.shape)
""",
    "starts-at-ones": """
for key, value in parameters.items():
    {state}["d" + key] = np.ones(value.shape)
""",
    "db-shaped-like-W": """
for key, value in parameters.items():
    {state}["d" + key] = np.zeros(parameters[key.replace("b", "W")].shape)
""",
}


def init_answer(mistake, states):
    return "".join(INIT_WRONG[mistake].format(state=name) for name in states)


# The state of Adadelta made with delta's arrays taken from s: right values, shared memory.
ADADELTA_INIT_SHARED = """
for key, value in parameters.items():
    s["d" + key] = np.zeros(value.shape)
    delta["d" + key] = s["d" + key]
"""

ADAGRAD_CORRECT = """
for key in parameters:
    grad = grads["d" + key]
    s["d" + key] = s["d" + key] + grad ** 2
    parameters[key] = parameters[key] - learning_rate * grad / (np.sqrt(s["d" + key]) + epsilon)
"""
ADAGRAD_EDITS = {
    "averaged-not-summed": ('s["d" + key] + grad ** 2', '0.9 * s["d" + key] + 0.1 * grad ** 2'),
    "not-accumulated": ('s["d" + key] + grad ** 2', 'grad ** 2'),
    "no-root": ('(np.sqrt(s["d" + key]) + epsilon)', '(s["d" + key] + epsilon)'),
    "epsilon-inside-root": ('(np.sqrt(s["d" + key]) + epsilon)', 'np.sqrt(s["d" + key] + epsilon)'),
    "epsilon-outside-the-fraction": ('grad / (np.sqrt(s["d" + key]) + epsilon)', 'grad / np.sqrt(s["d" + key]) + epsilon'),
}

ADADELTA_CORRECT = """
for key in parameters:
    grad = grads["d" + key]
    s["d" + key] = rho * s["d" + key] + (1 - rho) * grad ** 2
    step = -np.sqrt(delta["d" + key] + epsilon) / np.sqrt(s["d" + key] + epsilon) * grad
    delta["d" + key] = rho * delta["d" + key] + (1 - rho) * step ** 2
    parameters[key] = parameters[key] + step
"""
ADADELTA_EDITS = {
    "learning-rate-left-in": [("for key in parameters:", "learning_rate = 0.01\nfor key in parameters:"),
                              ("step = -np.sqrt", "step = -learning_rate * np.sqrt")],
    "step-sign-flipped": [("parameters[key] + step", "parameters[key] - step")],
    "rho-swapped": [('rho * s["d" + key] + (1 - rho) * grad', '(1 - rho) * s["d" + key] + rho * grad'),
                    ('rho * delta["d" + key] + (1 - rho) * step', '(1 - rho) * delta["d" + key] + rho * step')],
    "no-epsilon-in-numerator": [('np.sqrt(delta["d" + key] + epsilon)', 'np.sqrt(delta["d" + key])')],
    "epsilon-outside-roots": [('-np.sqrt(delta["d" + key] + epsilon) / np.sqrt(s["d" + key] + epsilon)',
                               '-(np.sqrt(delta["d" + key]) + epsilon) / (np.sqrt(s["d" + key]) + epsilon)')],
    # the step computed before s is updated, so it divides by the previous s
    "old-s-in-step": [('    s["d" + key] = rho * s["d" + key] + (1 - rho) * grad ** 2\n', ''),
                      ('    delta["d" + key] =', '    s["d" + key] = rho * s["d" + key] + (1 - rho) * grad ** 2\n'
                                                 '    delta["d" + key] =')],
}


def edited(correct, edits):
    answer = correct
    for old, new in edits:
        assert old in answer, (old, answer)
        answer = answer.replace(old, new, 1)
    return answer


def adagrad_answer(*mistakes):
    return edited(ADAGRAD_CORRECT, [ADAGRAD_EDITS[m] for m in mistakes])


def adadelta_answer(*mistakes):
    return edited(ADADELTA_CORRECT, [e for m in mistakes for e in ADADELTA_EDITS[m]])


# The body of Adam.step (inside the method: self is the object).
ADAM_CORRECT = """
if self.v is None:
    self.v = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    self.s = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
self.t = self.t + 1
for key in parameters:
    g = grads["d" + key]
    self.v["d" + key] = self.beta1 * self.v["d" + key] + (1 - self.beta1) * g
    self.s["d" + key] = self.beta2 * self.s["d" + key] + (1 - self.beta2) * g ** 2
    v_hat = self.v["d" + key] / (1 - self.beta1 ** self.t)
    s_hat = self.s["d" + key] / (1 - self.beta2 ** self.t)
    new[key] = parameters[key] - self.learning_rate * v_hat / (np.sqrt(s_hat) + self.epsilon)
"""
ADAM_EDITS = {
    # the counter moved into the loop over the keys
    "t-per-parameter": [("self.t = self.t + 1\nfor key in parameters:\n    g = grads[\"d\" + key]\n",
                         "for key in parameters:\n    self.t = self.t + 1\n    g = grads[\"d\" + key]\n")],
    # no "if self.v is None": the state is made again at every call
    "state-made-every-step": [("if self.v is None:\n    self.v", "if True:\n    self.v")],
    "v-and-s-one-dict": [("    self.v = {\"d\" + key: np.zeros_like(value) for key, value in parameters.items()}\n"
                          "    self.s = {\"d\" + key: np.zeros_like(value) for key, value in parameters.items()}\n",
                          "    self.v = self.s = {\"d\" + key: np.zeros_like(value) for key, value in parameters.items()}\n")],
}


def adam_answer(mistake):
    return edited(ADAM_CORRECT, ADAM_EDITS[mistake])


REFERENCE = {ex: "reference" for ex in EXERCISES}

# Correct answers in other styles: comprehensions, np.zeros_like, in-place updates, np.square.
OTHER_STYLE = {
    IG: 's = {"d" + name: np.zeros_like(value) for name, value in parameters.items()}',
    UG: """
for name, value in parameters.items():
    g = grads["d" + name]
    s["d" + name] = s["d" + name] + np.square(g)
    parameters[name] = value - learning_rate * g / (epsilon + np.sqrt(s["d" + name]))
""",
    ID: """
s = {"d" + name: np.zeros_like(value) for name, value in parameters.items()}
delta = {"d" + name: np.zeros_like(value) for name, value in parameters.items()}
""",
    UD: """
s = {k: rho * s[k] + (1 - rho) * np.square(grads[k]) for k in s}
updates = {k: -np.sqrt((delta[k] + epsilon) / (s[k] + epsilon)) * grads[k] for k in s}
delta = {k: rho * delta[k] + (1 - rho) * np.square(updates[k]) for k in delta}
parameters = {name: value + updates["d" + name] for name, value in parameters.items()}
""",
    # the state filled key by key with setdefault; the Adam paper's form of the correction
    # (a corrected rate, and epsilon scaled to match); the arrays updated in place and returned
    AO: """
if self.v is None:
    self.v, self.s = {}, {}
self.t += 1
for name in parameters:
    g = grads["d" + name]
    m = self.v.setdefault("d" + name, np.zeros_like(g))
    r = self.s.setdefault("d" + name, np.zeros_like(g))
    m[...] = self.beta1 * m + (1 - self.beta1) * g
    r[...] = self.beta2 * r + (1 - self.beta2) * np.square(g)
    correction = np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
    parameters[name] -= self.learning_rate * correction * m / (np.sqrt(r) + self.epsilon * np.sqrt(1 - self.beta2 ** self.t))
new = parameters
""",
}


def _student(name, expect, answers, demo=False):
    return {"student": name, "answers": {ex + "-code": a for ex, a in answers.items()},
            "expect": expect, "demo": demo}


def _mistakes(name, adagrad_init, adagrad, adadelta_init, adadelta, adam=None, demo=False):
    """A student with a named mistake (or None: the reference) in each exercise;
    a tuple for adadelta makes both mistakes at once."""
    picks = {IG: adagrad_init, UG: adagrad, ID: adadelta_init, UD: adadelta, AO: adam}
    make = {IG: lambda m: init_answer(m, ["s"]), UG: adagrad_answer,
            ID: lambda m: ADADELTA_INIT_SHARED if m == "shares-arrays" else init_answer(m, ["s", "delta"]),
            UD: lambda m: adadelta_answer(*(m if isinstance(m, tuple) else (m,))), AO: adam_answer}
    answers = {ex: "reference" if m is None else make[ex](m) for ex, m in picks.items()}
    expect = {ex: "full" if m is None else m for ex, m in picks.items()}
    return _student(name, expect, answers, demo)


SAMPLES = [
    _student("reference", {ex: "full" for ex in EXERCISES}, REFERENCE, demo=True),
    {"student": "untouched_release", "answers": {}, "expect": {ex: "zero" for ex in EXERCISES}, "demo": True},
    _student("other_style", {ex: "full" for ex in EXERCISES}, OTHER_STYLE, demo=True),
    _mistakes("mistakes_a", "wrong-keys", "averaged-not-summed", "starts-at-ones", "learning-rate-left-in",
              "t-per-parameter", demo=True),
    _mistakes("mistakes_b", "starts-at-ones", "not-accumulated", "db-shaped-like-W", "step-sign-flipped",
              "state-made-every-step", demo=True),
    _mistakes("mistakes_c", "db-shaped-like-W", "no-root", "wrong-keys", "rho-swapped", "v-and-s-one-dict"),
    _mistakes("mistakes_d", None, "epsilon-inside-root", "shares-arrays", "no-epsilon-in-numerator"),
    # Adadelta with epsilon outside the roots and the step divided by the previous s: both are named.
    _mistakes("mistakes_e", None, "epsilon-outside-the-fraction", None, ("epsilon-outside-roots", "old-s-in-step")),
]
