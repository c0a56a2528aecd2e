"""Checks of chapter 6, the loss landscape: hessian, classify_critical_point,
momentum_path and escape_time. Each reference takes keyword-only knobs that
turn it into a known mistake.

momentum_path must leave its start x0 as it was (inputs_unchanged):
`x = x0` followed by `x -= ...` gives the right path and changes x0. hessian
does not ask this: perturbing x in place and restoring it leaves x equal to
within rounding, and an answer that changed x for good would have wrong values."""
import numpy as np

from . import call, Exercise, mistake, public

KINDS = ("minimum", "maximum", "saddle", "degenerate")


# ---------------------------------------------------------------- exercise 1: the Hessian

def hessian(f, x, h=1e-3, *, scheme="central", mixed_divisor=4, diagonal="three-point", mirror=True):
    """The n x n matrix of second partial derivatives of f at x, by central differences:

        H[i, i] = (f(x + h e_i) - 2 f(x) + f(x - h e_i)) / h**2
        H[i, j] = (f(x + h e_i + h e_j) - f(x + h e_i - h e_j)
                   - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)) / (4 h**2)      (i != j)

    knobs: scheme -- "forward": one-sided differences (f(x + 2h e_i), f(x + h e_i), f(x));
           mixed_divisor -- 1: the mixed term divided by h**2 instead of 4 h**2;
           diagonal -- "mixed": the diagonal by the four-point formula with j = i (a step of 2h);
           mirror -- False: only H[i, j] for j > i is written, H[j, i] is left at 0
    """
    x = np.array(x, dtype=float)   # a copy: the caller's x is never touched
    n = x.size
    fx = f(x)

    def at(*shifts):
        """f at x moved by s * h along each axis i of shifts [(i, s), ...]."""
        y = x.copy()
        for i, s in shifts:
            y[i] += s * h
        return f(y)

    def four_point(i, j):
        return (at((i, 1), (j, 1)) - at((i, 1), (j, -1)) - at((i, -1), (j, 1)) + at((i, -1), (j, -1))) \
            / (mixed_divisor * h ** 2)

    H = np.zeros((n, n))
    for i in range(n):
        if scheme == "forward":
            H[i, i] = (at((i, 1), (i, 1)) - 2 * at((i, 1)) + fx) / h ** 2
        elif diagonal == "mixed":
            H[i, i] = four_point(i, i)
        else:
            H[i, i] = (at((i, 1)) - 2 * fx + at((i, -1))) / h ** 2
        for j in range(i + 1, n):
            if scheme == "forward":
                H[i, j] = (at((i, 1), (j, 1)) - at((i, 1)) - at((j, 1)) + fx) / h ** 2
            else:
                H[i, j] = four_point(i, j)
            if mirror:
                H[j, i] = H[i, j]
    return H


def _point(*values):
    return np.array(values, dtype=float)


HESSIAN_HIDDEN = [
    call("saddle at (1, 2)", public.saddle, _point(1, 2)),
    call("saddle at its critical point (0, 0)", public.saddle, _point(0, 0)),
    call("narrow_bowl at (1, -1)", public.narrow_bowl, _point(1, -1)),
    call("monkey_saddle at (0, 0), where the Hessian is 0", public.monkey_saddle, _point(0, 0)),
    call("monkey_saddle at (-0.3, 0.7)", public.monkey_saddle, _point(-0.3, 0.7)),
    call("monkey_saddle at (1, 0.5) with h=0.1", public.monkey_saddle, _point(1, 0.5), h=0.1),
    call("two_valleys at its saddle (0, 0)", public.two_valleys, _point(0, 0)),
    call("two_valleys at its minimum (0, 1)", public.two_valleys, _point(0, 1)),
    call("two_valleys at (0.5, 2) with h=0.5", public.two_valleys, _point(0.5, 2), 0.5),
    call("beale at its minimum (3, 0.5)", public.beale, _point(3, 0.5)),
    call("beale at (1, 1)", public.beale, _point(1, 1)),
    call("twisted_3d at (0.5, -1, 0.8): three variables", public.twisted_3d, _point(0.5, -1, 0.8)),
    call("twisted_3d at (1, 1, 1) with h=0.25", public.twisted_3d, _point(1, 1, 1), h=0.25),
]


def explain_hessian(got, expected, case):
    (f, x, *_), _ = case.input
    n = np.asarray(x).size
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != (n, n):
        return "the result has shape %s; it should be the %d x %d matrix of second derivatives (x has %d entries)" \
            % (got.shape, n, n, n)
    if not np.allclose(got, got.T, rtol=1e-6, atol=1e-8):
        return "the result is not symmetric: H[i, j] and H[j, i] are the same second derivative and must be equal"
    diagonal_right = np.allclose(np.diag(got), np.diag(expected), rtol=1e-6, atol=1e-8)
    off = ~np.eye(n, dtype=bool)
    off_right = np.allclose(got[off], expected[off], rtol=1e-6, atol=1e-8)
    if diagonal_right and not off_right:
        return "the diagonal is right but the mixed derivatives H[i, j], i != j, are not: check the four-point formula"
    if off_right and not diagonal_right:
        return "the mixed derivatives are right but the diagonal is not: check (f(x + h e_i) - 2 f(x) + f(x - h e_i)) / h**2"
    return None


# ---------------------------------------------------------------- exercise 2: classifying a critical point

def classify_critical_point(H, tol=1e-8, *, source="eigenvalues", test="signs", degenerate=True,
                            degenerate_first=False, zero_is_positive=False, swap=False):
    """"minimum", "maximum", "saddle" or "degenerate", from the eigenvalues of the symmetric H.

    An eigenvalue counts as zero when |lambda| <= tol. Eigenvalues of both signs: a saddle
    (even if another one is zero); else any zero one: degenerate (the test says nothing);
    else all positive: a minimum, all negative: a maximum.

    knobs: source -- "diagonal": the signs of H's diagonal instead of its eigenvalues;
           test -- "determinant": the 2 x 2 rule (det < 0 saddle, det > 0 and H[0, 0] > 0 minimum);
           degenerate -- False: no degenerate case (all > 0 minimum, all < 0 maximum, else saddle);
           degenerate_first -- any zero eigenvalue is "degenerate", before looking for a saddle;
           zero_is_positive -- all >= 0 is a minimum (and all <= 0 a maximum), tested first;
           swap -- minimum and maximum swapped
    """
    H = np.asarray(H, dtype=float)
    if test == "determinant":
        d = np.linalg.det(H)
        kind = "degenerate" if abs(d) <= tol else "saddle" if d < 0 else "minimum" if H[0, 0] > 0 else "maximum"
    else:
        lam = np.diag(H) if source == "diagonal" else np.linalg.eigvalsh(H)
        positive, negative = lam > tol, lam < -tol
        if not degenerate:
            kind = "minimum" if np.all(lam > 0) else "maximum" if np.all(lam < 0) else "saddle"
        elif zero_is_positive and np.all(lam >= 0):
            kind = "minimum"
        elif zero_is_positive and np.all(lam <= 0):
            kind = "maximum"
        elif degenerate_first and not np.all(positive | negative):
            kind = "degenerate"
        elif positive.any() and negative.any():
            kind = "saddle"
        elif not np.all(positive | negative):
            kind = "degenerate"
        else:
            kind = "minimum" if positive.all() else "maximum"
    if swap and kind in ("minimum", "maximum"):
        kind = "maximum" if kind == "minimum" else "minimum"
    return kind


def rotated(eigenvalues, seed):
    """A symmetric matrix Q diag(eigenvalues) Q^T with a random rotation Q (seeded)."""
    rng = np.random.RandomState(seed)
    q, _ = np.linalg.qr(rng.randn(len(eigenvalues), len(eigenvalues)))
    return (q * np.asarray(eigenvalues, dtype=float)) @ q.T


def _m(rows):
    return np.array(rows, dtype=float)


CLASSIFY_VISIBLE = [
    call("H = [[2, 0], [0, 3]]", _m([[2, 0], [0, 3]])),
    call("H = [[1, 2], [2, 1]]", _m([[1, 2], [2, 1]])),
    call("H = [[1, 0, 0], [0, -2, 1], [0, 1, -3]]", _m([[1, 0, 0], [0, -2, 1], [0, 1, -3]])),
    call("H = [[4, 0], [0, 0]]", _m([[4, 0], [0, 0]])),
    call("H = [[1, 0, 0], [0, -1, 0], [0, 0, 0]]", _m([[1, 0, 0], [0, -1, 0], [0, 0, 0]])),
]

CLASSIFY_HIDDEN = [
    call("1 x 1, [[2]]", _m([[2]])),
    call("1 x 1, [[-1]]", _m([[-1]])),
    call("1 x 1, [[0]]", _m([[0]])),
    call("2 x 2 diagonal, both negative", _m([[-1, 0], [0, -4]])),
    call("2 x 2 with a negative diagonal and negative eigenvalues", _m([[-3, 1], [1, -1]])),
    call("2 x 2 indefinite with a positive diagonal", _m([[1, 2], [2, 1]])),
    call("2 x 2 positive definite, not diagonal", _m([[2, 1], [1, 2]])),
    call("2 x 2 with eigenvalues 0 and 2", _m([[1, 1], [1, 1]])),
    call("2 x 2 zero matrix", _m([[0, 0], [0, 0]])),
    call("3 x 3 saddle whose determinant is positive", _m([[1, 0, 0], [0, -2, 1], [0, 1, -3]])),
    call("3 x 3 negative definite", -_m([[2, 1, 0], [1, 2, 1], [0, 1, 2]])),
    call("3 x 3 with eigenvalues of both signs and a zero", _m([[1, 0, 0], [0, -1, 0], [0, 0, 0]])),
    call("3 x 3 negative semidefinite", _m([[0, 0, 0], [0, 0, 0], [0, 0, -2]])),
    call("4 x 4 positive definite, rotated", rotated([0.5, 1, 2, 3], seed=1)),
    call("4 x 4 with one negative eigenvalue, rotated", rotated([-0.5, 1, 2, 3], seed=2)),
    call("5 x 5 negative definite, rotated", rotated([-0.1, -1, -2, -3, -4], seed=3)),
    call("an eigenvalue of 1e-12, below the default tol", _m([[1, 0], [0, 1e-12]])),
    call("an eigenvalue of 1e-4 with tol=1e-3", _m([[1, 0], [0, 1e-4]]), tol=1e-3),
    call("an eigenvalue of 1e-4 with the default tol", _m([[1, 0], [0, 1e-4]])),
    call("an eigenvalue of -1e-4 with tol=1e-3", _m([[-2, 0], [0, -1e-4]]), tol=1e-3),
]


def same_kind_other_matrix(case_input, rng):
    """Another symmetric matrix of the same size with eigenvalues of the same signs
    (zeros kept), turned by a random rotation: the same answer, other numbers."""
    (H, *rest), kwargs = case_input
    lam = np.linalg.eigvalsh(H)
    fresh = np.sign(np.where(np.abs(lam) <= 1e-8, 0, lam)) * rng.uniform(0.5, 3.0, size=lam.size)
    q, _ = np.linalg.qr(rng.randn(lam.size, lam.size))
    return [[(q * fresh) @ q.T, *rest], kwargs]


def explain_kind(got, expected, case):
    (H, *_), kwargs = case.input
    if not isinstance(got, str) or got not in KINDS:
        return "the result should be one of the strings %s, got %r" % (", ".join(map(repr, KINDS)), got)
    tol = kwargs.get("tol", 1e-8)
    lam = np.linalg.eigvalsh(np.asarray(H, dtype=float))
    return "the answer is %r, but the eigenvalues of this H are %s (zero when |lambda| <= tol = %g)" % (
        got, np.array2string(lam, precision=3), tol)


# ---------------------------------------------------------------- exercise 3: the momentum path

def momentum_path(gradient, x0, learning_rate=0.1, beta=0.9, num_steps=100, *, take=None, start=True,
                  alias=False, order="velocity-first"):
    """Every point of gradient descent with momentum from x0:

        v_0 = 0,   v_t = beta v_{t-1} + (1 - beta) gradient(x_{t-1}),   x_t = x_{t-1} - learning_rate v_t

    Returns an array of shape (num_steps + 1, n): row 0 is x0, row t is x_t.

    knobs: take -- the weight of the gradient in v (1.0: no 1 - beta);
           start -- False: x0 is left out (num_steps rows);
           alias -- every row is the same array, updated in place (all rows end as x_T);
           order -- "step-first": x moves with the old velocity before v is updated
    """
    x = np.array(x0, dtype=float)
    v = np.zeros_like(x)
    weight = 1 - beta if take is None else take
    path = [x.copy()]
    for _ in range(num_steps):
        g = gradient(x)
        if order == "velocity-first":
            v = beta * v + weight * g
            x = x - learning_rate * v
        else:
            x = x - learning_rate * v
            v = beta * v + weight * g
        path.append(x.copy())
    if alias:
        path = [x] * len(path)
    if not start:
        path = path[1:]
    return np.array(path)


MOMENTUM_VISIBLE = [
    call("saddle_gradient from (1, 0.001), learning_rate=0.1, beta=0.9, 5 steps",
         public.saddle_gradient, _point(1, 0.001), 0.1, 0.9, 5),
    call("two_valleys_gradient from (0.5, 0.2), learning_rate=0.5, beta=0.5, 3 steps",
         public.two_valleys_gradient, _point(0.5, 0.2), 0.5, 0.5, 3),
]

MOMENTUM_HIDDEN = [
    call("saddle_gradient from (1, 0.001), 50 steps", public.saddle_gradient, _point(1, 0.001), 0.1, 0.9, 50),
    call("monkey_saddle_gradient from (0.5, 0.2), beta=0.5", public.monkey_saddle_gradient, _point(0.5, 0.2),
         0.05, 0.5, 20),
    call("two_valleys_gradient from (1, 1e-6), 100 steps", public.two_valleys_gradient, _point(1, 1e-6), 0.1, 0.9,
         100),
    call("twisted_3d_gradient from (0.2, -0.1, 0.3): three variables", public.twisted_3d_gradient,
         _point(0.2, -0.1, 0.3), 0.01, 0.8, 10),
    call("beale_gradient from (1, 1)", public.beale_gradient, _point(1, 1), 0.001, 0.9, 30),
    call("narrow_bowl_gradient, beta=0.99", public.narrow_bowl_gradient, _point(4, 1), 0.05, 0.99, 15),
    call("narrow_bowl_gradient, beta=0 (plain gradient descent)", public.narrow_bowl_gradient, _point(4, 1), 0.05,
         0.0, 10),
    call("num_steps=0: only the start", public.saddle_gradient, _point(0.3, -0.2), 0.1, 0.9, 0),
    call("num_steps=1", public.saddle_gradient, _point(0.3, -0.2), 0.1, 0.9, 1),
    call("keyword arguments", public.saddle_gradient, _point(-1, 0.5), learning_rate=0.2, beta=0.7, num_steps=4),
]


def explain_path(got, expected, case):
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        if got.ndim == 2 and got.shape[0] == expected.shape[0] - 1:
            return "the path has %d rows; it should have num_steps + 1 = %d: the start x0, then one row per step" \
                % (got.shape[0], expected.shape[0])
        return "the path has shape %s; it should be (num_steps + 1, n) = %s" % (got.shape, expected.shape)
    if len(got) > 1 and not np.allclose(got[0], expected[0]):
        return "the first row should be the start x0"
    if len(got) > 2 and np.all(got == got[-1]):
        return "every row of the path is the same point: append a copy of x (x.copy()), or build a new x each step"
    return None


# ---------------------------------------------------------------- exercise 4: the escape time

def escape_time(path, radius, *, strict=True, shift=0, squared=False, point=False, never="none"):
    """The first index k at which ||path[k]|| > radius (the path leaves the ball of that
    radius around the origin), or -1 if it never does.

    knobs: strict -- False: >= radius counts as out;
           shift -- 1: the index counted from 1;
           squared -- the squared distance compared with the radius;
           point -- the point path[k] returned instead of k;
           never -- "length": len(path) returned when the path never leaves
    """
    path = np.asarray(path, dtype=float)
    size = np.sum(path ** 2, axis=1) if squared else np.sqrt(np.sum(path ** 2, axis=1))
    out = np.flatnonzero(size > radius if strict else size >= radius)
    if out.size == 0:
        return -1 if never == "none" else len(path)
    k = int(out[0])
    return path[k] if point else k + shift


# distances 0, 0.5, 1.5, 2, 2.5 and 3 from the origin: the stored points are not exact, but their norms
# and their squared norms round to exactly these distances and squares, so every way of comparing agrees
RAY = _m([[0, 0], [0.3, 0.4], [0.9, 1.2], [1.2, 1.6], [1.5, 2.0], [1.8, 2.4]])

ESCAPE_VISIBLE = [
    call("a path at distances 0, 0.5, 1.5, 2, 2.5, 3 from the origin, radius 2.5", RAY, 2.5),
    call("the same path, radius 5: it never leaves", RAY, 5.0),
]


def _escape_hidden():
    rng = np.random.RandomState(6)
    spiral = np.array([[0.1 * t * np.cos(t), 0.1 * t * np.sin(t)] for t in range(30)])
    walk = np.cumsum(0.3 * rng.randn(40, 3), axis=0)
    saddle_run = momentum_path(public.saddle_gradient, _point(0.5, 1e-4), 0.1, 0.9, 120)
    return [
        call("the ray, radius 2.5", RAY, 2.5),
        call("the ray, radius 2", RAY, 2.0),
        call("the ray, radius 1", RAY, 1.0),
        call("the ray, radius 0: the first point away from the origin", RAY, 0.0),
        call("the ray, radius 3: it reaches the boundary but never crosses it", RAY, 3.0),
        call("the ray, radius 10: never", RAY, 10.0),
        call("a path that starts outside the ball", RAY[::-1].copy(), 1.0),
        call("a path of one point, inside", _m([[0.1, 0.2]]), 1.0),
        call("a path of one point, outside", _m([[3.0, 4.0]]), 1.0),
        call("a spiral, radius 1.75", spiral, 1.75),   # not 1.7: point 17 lies on that circle, up to rounding
        call("a random walk in three dimensions, radius 2", walk, 2.0),
        call("momentum near the saddle x0**2 - x1**2, radius 0.9", saddle_run, 0.9),
        call("an integer radius", RAY, 2),
    ]


def explain_escape(got, expected, case):
    (path, radius), _ = case.input
    if isinstance(got, np.ndarray) or isinstance(got, (list, tuple)):
        return "the result should be an index (an int), or -1, not a point or an array"
    if got is None:
        return "the result is None; return the index k, or -1 if the path never leaves the ball"
    if expected == -1:
        return "the path never leaves this ball, so the answer is -1; got %r" % (got,)
    return None


EXERCISES = [
    Exercise(
        "hessian", hessian,
        visible=[call("monkey_saddle at x = (1, 0.5)", public.monkey_saddle, _point(1, 0.5)),
                 call("two_valleys at x = (0.5, 2), with the coarse step h=0.5", public.two_valleys, _point(0.5, 2),
                      h=0.5)],
        hidden=HESSIAN_HIDDEN,
        mistakes=[
            mistake("forward-differences", "one-sided differences (f(x + 2h e_i), f(x + h e_i), f(x)) are used; they "
                                           "are only accurate to order h: step to both sides, with "
                                           "f(x + h e_i) and f(x - h e_i).", scheme="forward"),
            mistake("mixed-over-h-squared", "the mixed derivatives are divided by h**2; the four points lie 2h apart "
                                            "in each direction, so divide by 4 h**2.", mixed_divisor=1),
            mistake("diagonal-by-mixed-formula", "the diagonal uses the four-point formula with j = i, which is a "
                                                 "second difference with step 2h; use (f(x + h e_i) - 2 f(x) + "
                                                 "f(x - h e_i)) / h**2 for H[i, i].", diagonal="mixed"),
            mistake("upper-triangle-only", "only H[i, j] with j > i is filled in and H[j, i] stays 0; the Hessian "
                                           "is symmetric, so set H[j, i] = H[i, j] too.", mirror=False),
        ],
        explain=explain_hessian),
    Exercise(
        "classify_critical_point", classify_critical_point,
        visible=CLASSIFY_VISIBLE, hidden=CLASSIFY_HIDDEN, twin=same_kind_other_matrix,
        mistakes=[
            mistake("diagonal-not-eigenvalues", "the signs of the diagonal entries are used; the curvature along "
                                                "other directions can have another sign: use the eigenvalues "
                                                "(np.linalg.eigvalsh(H)).", source="diagonal"),
            mistake("determinant-test", "the 2 x 2 determinant rule is used; it is wrong for n > 2 (diag(1, -1, -1) "
                                        "has det > 0 and is a saddle): use the signs of the eigenvalues.",
                    test="determinant"),
            mistake("no-degenerate", "a zero eigenvalue is never reported as \"degenerate\"; when an eigenvalue "
                                     "has |lambda| <= tol and the others share one sign, the test says nothing.",
                    degenerate=False),
            mistake("degenerate-before-saddle", "a zero eigenvalue is reported as \"degenerate\" even when the "
                                                "others have both signs; one direction curving up and another down "
                                                "already make a saddle, so test for the saddle first.",
                    degenerate_first=True),
            mistake("zero-counts-as-positive", "eigenvalues >= 0 (or <= 0) count as a minimum (or maximum), so a "
                                               "zero eigenvalue passes; use > tol and < -tol, and call the rest "
                                               "degenerate.", zero_is_positive=True),
            mistake("min-max-swapped", "minimum and maximum are swapped: all eigenvalues positive means the "
                                       "function curves up in every direction, a minimum.", swap=True),
        ],
        explain=explain_kind),
    Exercise(
        "momentum_path", momentum_path,
        visible=MOMENTUM_VISIBLE, hidden=MOMENTUM_HIDDEN, inputs_unchanged=True,
        mistakes=[
            mistake("no-one-minus-beta", "the gradient is added to v without the factor (1 - beta); the course's "
                                         "momentum is v = beta v + (1 - beta) g.", take=1.0),
            mistake("missing-start", "the path leaves out the start x0; row 0 must be x0, then one row per step.",
                    start=False),
            mistake("rows-share-memory", "every row of the path is the same array, changed in place (x -= ...), so "
                                         "all rows show the last point; append x.copy(), or write x = x - ...",
                    alias=True),
            mistake("step-before-velocity", "x moves with the velocity of the previous step before v is updated; "
                                            "update v with the new gradient first, then step.", order="step-first"),
        ],
        explain=explain_path),
    Exercise(
        "escape_time", escape_time,
        visible=ESCAPE_VISIBLE, hidden=_escape_hidden(),
        mistakes=[
            mistake("greater-or-equal", "a point exactly at distance radius counts as out; the path leaves the ball "
                                        "when its distance is > radius.", strict=False),
            mistake("counted-from-one", "the index is one too large: path[0] is index 0, so return k, not k + 1.",
                    shift=1),
            mistake("squared-distance", "the squared distance x0**2 + x1**2 + ... is compared with the radius; take "
                                        "its square root (np.linalg.norm), or compare with radius**2.", squared=True),
            mistake("returns-the-point", "the point path[k] is returned; the answer is its index k.", point=True),
            mistake("length-when-never", "len(path) is returned when the path never leaves; return -1 then.",
                    never="length"),
        ],
        explain=explain_escape),
]
