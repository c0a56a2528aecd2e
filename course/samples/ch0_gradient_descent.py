"""Sample answers for chapter 0, written the way students write them."""
GD, NG, RE = "gradient_descent", "numerical_gradient", "relative_error"

GD_WRONG = {
    "plus-sign": """
path = [x]
for i in range(iterations):
    g = df(x)
    if np.linalg.norm(g) < epsilon:
        break
    x = x + alpha * g
    path.append(x)
""",
    "stop-after-update": """
path = [x]
for i in range(iterations):
    x = x - alpha * df(x)
    path.append(x)
    if np.linalg.norm(df(x)) < epsilon:
        break
""",
    "never-stops": """
path = [x]
for i in range(iterations):
    x = x - alpha * df(x)
    path.append(x)
""",
    "no-abs": """
path = [x]
for i in range(iterations):
    if df(x) < epsilon:
        break
    x = x - alpha * df(x)
    path.append(x)
""",
    "start-missing": """
path = []
for i in range(iterations):
    g = df(x)
    if np.linalg.norm(g) < epsilon:
        break
    x = x - alpha * g
    path.append(x)
""",
    # two mistakes at once: x updated in place, and the loop one short
    ("same-array-every-row", "iterations-off-by-one"): """
path = [x]
for i in range(1, iterations):
    g = df(x)
    if np.linalg.norm(g) < epsilon:
        break
    x -= alpha * g
    path.append(x)
""",
}

NG_WRONG = {
    "forward-difference": """
x = np.array(x, dtype=float)
grad = np.zeros_like(x)
fx = f(x)
for i in np.ndindex(*x.shape):
    old_value = x[i]
    x[i] = old_value + h
    grad[i] = (f(x) - fx) / h
    x[i] = old_value
""",
    "divided-by-h": """
x = np.array(x, dtype=float)
grad = np.zeros_like(x)
for i in np.ndindex(*x.shape):
    old_value = x[i]
    x[i] = old_value + h
    f_plus = f(x)
    x[i] = old_value - h
    f_minus = f(x)
    x[i] = old_value
    grad[i] = (f_plus - f_minus) / h
""",
    "all-at-once": """
grad = np.zeros(x.shape)
for i in np.ndindex(*x.shape):
    grad[i] = (f(x + h) - f(x - h)) / (2 * h)
""",
    "flat-result": """
flat = np.array(x, dtype=float).ravel()
grad = np.zeros(flat.size)
for i in range(flat.size):
    step = np.zeros(flat.size)
    step[i] = h
    grad[i] = (f((flat + step).reshape(x.shape)) - f((flat - step).reshape(x.shape))) / (2 * h)
""",
    "not-restored": """
grad = np.zeros(x.shape)
it = np.nditer(x, flags=["multi_index"])
while not it.finished:
    i = it.multi_index
    old_value = x[i]
    x[i] = old_value + h
    f_plus = f(x)
    x[i] = old_value - h
    f_minus = f(x)
    grad[i] = (f_plus - f_minus) / (2 * h)
    it.iternext()
""",
}

RE_WRONG = {
    "no-denominator": """
error = float(np.linalg.norm(grad - grad_num))
""",
    "denominator-grad-only": """
if np.linalg.norm(grad) + np.linalg.norm(grad_num) == 0:
    return 0.0
error = float(np.linalg.norm(grad - grad_num) / np.linalg.norm(grad))
""",
    "squared-norms": """
numerator = np.sum((grad - grad_num) ** 2)
denominator = np.sum(grad ** 2) + np.sum(grad_num ** 2)
if denominator == 0:
    return 0.0
error = float(numerator / denominator)
""",
    "zero-over-zero": """
error = float(np.linalg.norm(grad - grad_num) / (np.linalg.norm(grad) + np.linalg.norm(grad_num)))
""",
}

# Correct answers in other styles than the reference: must get full marks.
OTHER_STYLE = {
    GD: """
path = [x]
steps = 0
while steps < iterations:
    slope = df(x)
    if np.sqrt(np.sum(np.square(slope))) < epsilon:
        break
    x = x - alpha * slope
    path.append(x)
    steps += 1
path = [np.copy(point) for point in path]
""",
    NG: """
flat = np.asarray(x, dtype=float).reshape(-1)
grad = np.empty(flat.size)
for i in range(flat.size):
    e = np.zeros(flat.size)
    e[i] = h
    grad[i] = (f((flat + e).reshape(np.shape(x))) - f((flat - e).reshape(np.shape(x)))) / (2 * h)
grad = grad.reshape(np.shape(x))
""",
    RE: """
top = np.sqrt(np.sum((np.asarray(grad, dtype=float) - np.asarray(grad_num, dtype=float)) ** 2))
bottom = np.sqrt(np.sum(np.square(grad))) + np.sqrt(np.sum(np.square(grad_num)))
error = 0.0 if bottom == 0 else top / bottom
""",
}


# x -= ... moves the array the caller passed (a float x is only rebound).
GD_IN_PLACE = """
path = [np.copy(x)]
for i in range(iterations):
    g = df(x)
    if np.linalg.norm(g) < epsilon:
        break
    x -= alpha * g
    path.append(np.copy(x))
"""


def _id(expect):
    return expect if isinstance(expect, str) else "__".join(expect)


def _student(gd, ng=None, re=None, demo=False):
    """One student who makes one mistake (or pair) in gradient_descent, and
    at most one in each of the other exercises."""
    parts = [_id(m).replace("-", "_") for m in (gd, ng, re) if m]
    return {"student": "__".join(parts),
            "answers": {GD + "-code": GD_WRONG[gd], NG + "-code": NG_WRONG[ng] if ng else "reference",
                        RE + "-code": RE_WRONG[re] if re else "reference"},
            "expect": {GD: gd, NG: ng or "full", RE: re or "full"}, "demo": demo}


SAMPLES = [
    {"student": "reference", "answers": {GD + "-code": "reference", NG + "-code": "reference",
                                         RE + "-code": "reference"},
     "expect": {GD: "full", NG: "full", RE: "full"}, "demo": True},
    {"student": "untouched_release", "answers": {}, "expect": {GD: "zero", NG: "zero", RE: "zero"}, "demo": True},
    {"student": "other_style", "answers": {GD + "-code": OTHER_STYLE[GD], NG + "-code": OTHER_STYLE[NG],
                                           RE + "-code": OTHER_STYLE[RE]},
     "expect": {GD: "full", NG: "full", RE: "full"}, "demo": True},
    _student("plus-sign", "forward-difference", "no-denominator", demo=True),
    _student("stop-after-update", "divided-by-h", "denominator-grad-only"),
    _student("never-stops", "all-at-once", "squared-norms"),
    _student("no-abs", "flat-result", "zero-over-zero"),
    _student("start-missing", "not-restored", demo=True),
    _student(("same-array-every-row", "iterations-off-by-one"), demo=True),
    # the right path, but the caller's x is moved along it
    {"student": "changes_its_input", "answers": {GD + "-code": GD_IN_PLACE, NG + "-code": "reference",
                                                 RE + "-code": "reference"},
     "expect": {GD: "changes-its-input", NG: "full", RE: "full"}, "demo": False},
]
