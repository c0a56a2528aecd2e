"""Sample answers for chapter 6, written the way students write them.

Four exercises per notebook, so one submission carries a mistake in each
exercise at once; six such students cover every named mistake."""
HE, CL, MP, ET = "hessian", "classify_critical_point", "momentum_path", "escape_time"

HESSIAN_WRONG = {
    "forward-differences": """
steps = h * np.eye(n)
f_x = f(x)
for i in range(n):
    H[i, i] = (f(x + 2 * steps[i]) - 2 * f(x + steps[i]) + f_x) / h ** 2
    for j in range(i + 1, n):
        H[i, j] = (f(x + steps[i] + steps[j]) - f(x + steps[i]) - f(x + steps[j]) + f_x) / h ** 2
        H[j, i] = H[i, j]
""",
    "mixed-over-h-squared": """
steps = h * np.eye(n)
for i in range(n):
    H[i, i] = (f(x + steps[i]) - 2 * f(x) + f(x - steps[i])) / h ** 2
    for j in range(i + 1, n):
        H[i, j] = (f(x + steps[i] + steps[j]) - f(x + steps[i] - steps[j])
                   - f(x - steps[i] + steps[j]) + f(x - steps[i] - steps[j])) / h ** 2
        H[j, i] = H[i, j]
""",
    "diagonal-by-mixed-formula": """
steps = h * np.eye(n)
for i in range(n):
    for j in range(i, n):
        H[i, j] = (f(x + steps[i] + steps[j]) - f(x + steps[i] - steps[j])
                   - f(x - steps[i] + steps[j]) + f(x - steps[i] - steps[j])) / (4 * h ** 2)
        H[j, i] = H[i, j]
""",
    "upper-triangle-only": """
steps = h * np.eye(n)
for i in range(n):
    H[i, i] = (f(x + steps[i]) - 2 * f(x) + f(x - steps[i])) / h ** 2
    for j in range(i + 1, n):
        H[i, j] = (f(x + steps[i] + steps[j]) - f(x + steps[i] - steps[j])
                   - f(x - steps[i] + steps[j]) + f(x - steps[i] - steps[j])) / (4 * h ** 2)
""",
}

CLASSIFY_WRONG = {
    "diagonal-not-eigenvalues": """
eigenvalues = np.diag(H)
if np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
    kind = "saddle"
elif np.any(np.abs(eigenvalues) <= tol):
    kind = "degenerate"
elif np.all(eigenvalues > 0):
    kind = "minimum"
else:
    kind = "maximum"
""",
    "determinant-test": """
det = np.linalg.det(H)
if abs(det) <= tol:
    kind = "degenerate"
elif det < 0:
    kind = "saddle"
elif H[0, 0] > 0:
    kind = "minimum"
else:
    kind = "maximum"
""",
    "no-degenerate": """
eigenvalues = np.linalg.eigvalsh(H)
if np.all(eigenvalues > 0):
    kind = "minimum"
elif np.all(eigenvalues < 0):
    kind = "maximum"
else:
    kind = "saddle"
""",
    "degenerate-before-saddle": """
eigenvalues = np.linalg.eigvalsh(H)
if np.any(np.abs(eigenvalues) <= tol):
    kind = "degenerate"
elif np.all(eigenvalues > 0):
    kind = "minimum"
elif np.all(eigenvalues < 0):
    kind = "maximum"
else:
    kind = "saddle"
""",
    "zero-counts-as-positive": """
eigenvalues = np.linalg.eigvalsh(H)
if np.all(eigenvalues >= 0):
    kind = "minimum"
elif np.all(eigenvalues <= 0):
    kind = "maximum"
elif np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
    kind = "saddle"
else:
    kind = "degenerate"
""",
    "min-max-swapped": """
eigenvalues = np.linalg.eigvalsh(H)
if np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
    kind = "saddle"
elif np.any(np.abs(eigenvalues) <= tol):
    kind = "degenerate"
elif np.all(eigenvalues > 0):
    kind = "maximum"
else:
    kind = "minimum"
""",
}

MOMENTUM_WRONG = {
    "no-one-minus-beta": """
x = np.array(x0, dtype=float)
v = np.zeros_like(x)
path = [x]
for t in range(num_steps):
    v = beta * v + gradient(x)
    x = x - learning_rate * v
    path.append(x)
path = np.array(path)
""",
    "missing-start": """
x = np.array(x0, dtype=float)
v = np.zeros_like(x)
path = []
for t in range(num_steps):
    v = beta * v + (1 - beta) * gradient(x)
    x = x - learning_rate * v
    path.append(x)
path = np.array(path)
""",
    "rows-share-memory": """
x = np.array(x0, dtype=float)
v = np.zeros_like(x)
path = [x]
for t in range(num_steps):
    v = beta * v + (1 - beta) * gradient(x)
    x -= learning_rate * v
    path.append(x)
path = np.array(path)
""",
    "step-before-velocity": """
x = np.array(x0, dtype=float)
v = np.zeros_like(x)
path = [x]
for t in range(num_steps):
    g = gradient(x)
    x = x - learning_rate * v
    v = beta * v + (1 - beta) * g
    path.append(x)
path = np.array(path)
""",
}

ESCAPE_WRONG = {
    "greater-or-equal": """
distances = np.linalg.norm(path, axis=1)
outside = np.flatnonzero(distances >= radius)
k = int(outside[0]) if outside.size > 0 else -1
""",
    "counted-from-one": """
k = -1
for step in range(len(path)):
    if np.linalg.norm(path[step]) > radius:
        k = step + 1
        break
""",
    "squared-distance": """
distances = np.sum(path ** 2, axis=1)
outside = np.flatnonzero(distances > radius)
k = int(outside[0]) if outside.size > 0 else -1
""",
    "returns-the-point": """
k = -1
for point in path:
    if np.linalg.norm(point) > radius:
        k = point
        break
""",
    "length-when-never": """
k = 0
while k < len(path) and np.linalg.norm(path[k]) <= radius:
    k += 1
""",
}

ESCAPE_NONE = """
k = None
for i in range(len(path)):
    if np.linalg.norm(path[i]) > radius:
        k = i
        break
"""

# The right path, but x0 itself is moved along it: x is x0, changed in place.
MOMENTUM_IN_PLACE = """
x = x0
v = np.zeros_like(x)
path = [x.copy()]
for t in range(num_steps):
    v = beta * v + (1 - beta) * gradient(x)
    x -= learning_rate * v
    path.append(x.copy())
path = np.array(path)
"""

# Correct answers in other styles than the reference: must get full marks.
OTHER_STYLE = {
    # every entry computed on its own (H[j, i] too), with unit vectors built by hand
    HE: """
x = np.array(x, dtype=float)
for i in range(n):
    for j in range(n):
        e_i = np.zeros(n)
        e_i[i] = h
        if i == j:
            H[i, i] = (f(x + e_i) - 2 * f(x) + f(x - e_i)) / (h * h)
        else:
            e_j = np.zeros(n)
            e_j[j] = h
            H[i, j] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)) / 4 / h / h
""",
    # counting the eigenvalues of each sign, with np.linalg.eigh
    CL: """
values, vectors = np.linalg.eigh(H)
n_positive = int(np.sum(values > tol))
n_negative = int(np.sum(values < -tol))
if n_positive > 0 and n_negative > 0:
    kind = "saddle"
elif n_positive + n_negative < len(values):
    kind = "degenerate"
elif n_positive == len(values):
    kind = "minimum"
else:
    kind = "maximum"
""",
    # a preallocated array, filled row by row
    MP: """
path = np.zeros((num_steps + 1, len(x0)))
path[0] = x0
v = np.zeros(len(x0))
for t in range(1, num_steps + 1):
    v = beta * v + (1 - beta) * gradient(path[t - 1])
    path[t] = path[t - 1] - learning_rate * v
""",
    # a loop that stops at the first point outside
    ET: """
k = -1
for i, point in enumerate(path):
    if np.sqrt(np.sum(point ** 2)) > radius:
        k = i
        break
""",
}

WRONG = {HE: HESSIAN_WRONG, CL: CLASSIFY_WRONG, MP: MOMENTUM_WRONG, ET: ESCAPE_WRONG}


def _sample(student, answers, expect, demo=False):
    return {"student": student, "answers": {ex + "-code": a for ex, a in answers.items()},
            "expect": expect, "demo": demo}


def _mistakes(name, hessian, classify, momentum, escape, demo=False):
    """One student with a named mistake (or the reference, None) in each exercise."""
    picks = {HE: hessian, CL: classify, MP: momentum, ET: escape}
    answers = {ex: ("reference" if m is None else WRONG[ex][m]) for ex, m in picks.items()}
    expect = {ex: ("full" if m is None else m) for ex, m in picks.items()}
    return _sample(name, answers, expect, demo)


FULL = {HE: "full", CL: "full", MP: "full", ET: "full"}

SAMPLES = [
    _sample("reference", {HE: "reference", CL: "reference", MP: "reference", ET: "reference"}, FULL, demo=True),
    {"student": "untouched_release", "answers": {}, "expect": {ex: "zero" for ex in FULL}, "demo": True},
    _sample("other_style", OTHER_STYLE, FULL, demo=True),
    _mistakes("mistakes_a", "forward-differences", "diagonal-not-eigenvalues", "no-one-minus-beta",
              "greater-or-equal", demo=True),
    _mistakes("mistakes_b", "mixed-over-h-squared", "determinant-test", "missing-start", "counted-from-one",
              demo=True),
    _mistakes("mistakes_c", "diagonal-by-mixed-formula", "no-degenerate", "rows-share-memory", "squared-distance"),
    _mistakes("mistakes_d", "upper-triangle-only", "degenerate-before-saddle", "step-before-velocity",
              "returns-the-point"),
    _mistakes("mistakes_e", None, "zero-counts-as-positive", None, "length-when-never"),
    _sample("mistakes_f", {HE: "reference", CL: WRONG[CL]["min-max-swapped"], MP: MOMENTUM_IN_PLACE, ET: "reference"},
            {HE: "full", CL: "min-max-swapped", MP: "changes-its-input", ET: "full"}),
    # a mistake the catalogue does not know: None instead of -1 when the path never leaves
    _sample("escape_returns_none", {HE: "reference", CL: "reference", MP: "reference", ET: ESCAPE_NONE},
            dict(FULL, **{ET: {"diagnosis": "the result is None; return the index k, or -1"}})),
]
