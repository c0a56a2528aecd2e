"""Checks of chapter 0, gradient descent fundamentals: gradient_descent,
numerical_gradient and relative_error. Each reference takes keyword-only
knobs that turn it into a known mistake.

The cases pass objectives and gradients by name (testCases' public
functions). gradient_descent must leave its start x as it was
(inputs_unchanged): `x -= alpha * g` with a copy in the path gives the right
path and moves the caller's array. numerical_gradient's classic mistake,
leaving x perturbed, is caught by its values: on a function whose partial
derivatives depend on the other entries, every later entry comes out wrong.
"""
import copy

import numpy as np

from . import call, Exercise, mistake, other_numbers, public


# ================================================================ 1. gradient_descent

def gradient_descent(df, x, alpha=0.01, iterations=100, epsilon=1e-8, *,
                     uphill=False, stop="before", with_start=True, in_place=False, extra_steps=0):
    """The points visited by gradient descent x <- x - alpha * df(x), the start included.

    Before each step, stop if the gradient's norm is below epsilon; take at
    most `iterations` steps. Returns an array of shape (k + 1,) for a number
    x, (k + 1, n) for a vector of n entries, where k is the number of steps taken.

    knobs: uphill -- x + alpha * g instead of x - alpha * g
           stop -- "before" each step (right), "after" it (the start is never
                   tested), "never", "signed" (g < epsilon, without abs), or
                   "max-entry" (the largest |entry| of g instead of its norm)
           with_start -- False: the path starts at the first step
           in_place -- x -= alpha * g on an array: every entry of the path is
                       the same array object, so every row ends up equal to the last
           extra_steps -- added to the number of loop turns (-1: one step too few)
    """
    path = [x] if with_start else []
    for _ in range(iterations + extra_steps):
        g = df(x)
        if stop == "before" and np.linalg.norm(g) < epsilon:
            break
        if stop == "signed" and g < epsilon:   # raises ValueError for a vector, as the student's code does
            break
        if stop == "max-entry" and np.max(np.abs(g)) < epsilon:   # for explain_path, not a catalogued mistake
            break
        step = alpha * g
        if in_place and isinstance(x, np.ndarray):
            if uphill:
                x += step
            else:
                x -= step
        else:
            x = x + step if uphill else x - step
        path.append(x)
        if stop == "after" and np.linalg.norm(df(x)) < epsilon:
            break
    return np.array(path, dtype=float)


def gd_cases():
    """Numbers and vectors; runs that stop early, that run out of iterations,
    that start at a minimum or at a maximum (f' = 0 there too), that
    oscillate or diverge; keyword arguments and the defaults; iterations=0."""
    rng = np.random.RandomState(0)
    c = public
    cases = [
        call("cubic from x = 1, alpha = 0.01, 200 iterations (stops early)", c.cubic_slope, 1.0, 0.01, 200),
        call("cubic from x = 3, its minimum", c.cubic_slope, 3.0, 0.01, 50),
        call("cubic from x = -1, its maximum: f'(-1) = 0, so it stops at once", c.cubic_slope, -1.0, 0.01, 50),
        call("cubic from x = 5, the defaults (alpha = 0.01, 100 iterations)", c.cubic_slope, 5.0),
        call("cubic from x = 1, epsilon = 1e-2, keywords", c.cubic_slope, 1.0, alpha=0.02, iterations=500,
             epsilon=1e-2),
        call("cubic from x = 0.5, alpha = 0.15 (oscillates and settles), 12 iterations", c.cubic_slope, 0.5,
             0.15, 12),
        call("x^2 from x = 10, alpha = 0.2, 10 iterations (no stop)", c.square_slope, 10.0, 0.2, 10),
        call("x^2 from x = 1, alpha = 1: flips sign forever", c.square_slope, 1.0, 1.0, 7),
        call("x^2 from x = -2, alpha = 1.1: diverges", c.square_slope, -2.0, 1.1, 15),
        call("x^2 from x = 4, iterations = 0", c.square_slope, 4.0, 0.1, 0),
        call("x^2 from x = 0, the minimum", c.square_slope, 0.0, 0.1, 5),
        call("narrow bowl from [2, 3], alpha = 0.1, 30 iterations", c.narrow_bowl_gradient,
             np.array([2.0, 3.0]), 0.1, 30),
        call("narrow bowl from [-4, 1], alpha = 0.11, epsilon = 1e-3, 2000 iterations (stops early)",
             c.narrow_bowl_gradient, np.array([-4.0, 1.0]), 0.11, 2000, 1e-3),
        call("narrow bowl from its minimum [0, 0]", c.narrow_bowl_gradient, np.array([0.0, 0.0]), 0.05, 10),
        call("Beale's function from [1, 1], alpha = 0.01, 25 iterations", c.beale_gradient,
             np.array([1.0, 1.0]), alpha=0.01, iterations=25),
        call("three variables from a random point, 8 iterations", c.twisted_3d_gradient,
             np.round(rng.uniform(-0.5, 0.5, 3), 3), 0.05, 8),
        call("a saddle: from [1, 0.001] the descent slides off it, 40 iterations", c.saddle_gradient,
             np.array([1.0, 0.001]), 0.1, 40),
    ]
    return cases


def other_start(case_input, rng):
    """The same run from another start: a number moved by up to 30%, a vector drawn again."""
    (df, x, *rest), kwargs = case_input
    if np.ndim(x) == 0:
        x = round(float(x) * rng.uniform(0.7, 1.3) + rng.uniform(-0.1, 0.1), 4)
    else:
        x = np.round(3 * rng.randn(*np.shape(x)), 3)
    return [[df, x, *rest], kwargs]


def explain_path(got, expected, case):
    (df, start, *_), _ = case.input
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    e = np.asarray(expected, dtype=float)
    if g.ndim != e.ndim or g.shape[1:] != e.shape[1:]:
        return ("the path has shape %s: it should have one row per point visited, shape (k + 1,) for a "
                "number x and (k + 1, n) for a vector of n entries" % (g.shape,))
    if len(g) > 1 and (g == g[-1]).all() and not (e == e[-1]).all():
        return ("every point of the path is the last one: the path holds one array that was changed in place "
                "(x -= ...); write x = x - alpha * g, which makes a new array at each step")
    if len(g) == 0 or not np.allclose(g[0], start):
        return "the path should begin with the starting point x itself, before any step"
    if len(g) != len(e):
        args, kwargs = copy.deepcopy(case.input)
        if np.ndim(start) > 0 and _same(got, gradient_descent(*args, stop="max-entry", **kwargs)):
            return ("the stop test looks at the largest entry of the gradient; this function stops when the "
                    "gradient's norm is below epsilon: np.linalg.norm(g) < epsilon")
        return ("the path has %d points where %d were expected: it holds the start, then one point per step; "
                "stop before a step when the gradient's norm is below epsilon, and take at most `iterations` "
                "steps" % (len(g), len(e)))
    return None


def _same(got, expected):
    return public.first_difference(got, expected) is None


def explain_gd_error(name, message, case):
    if name == "ValueError" and "truth value" in message:
        return ("the stop test compares an array with epsilon, which has no single truth value; compare its "
                "length, np.linalg.norm(g) < epsilon")
    return None


# ================================================================ 2. numerical_gradient

def numerical_gradient(f, x, h=1e-5, *, forward=False, divisor=2, restore=True, one_at_a_time=True,
                       keep_shape=True):
    """Centred differences (f(x + h e_i) - f(x - h e_i)) / (2 h) for every entry
    of x, an array of any shape; the result has the shape of x.

    knobs: forward -- (f(x + h e_i) - f(x)) / h
           divisor -- 2 (right) or 1: divided by h instead of 2 h
           restore -- False: x[i] is left at x_i - h, so the later entries are
                      taken at a shifted point (and the caller's x is changed)
           one_at_a_time -- False: every entry of x perturbed at once
           keep_shape -- False: a flat result
    """
    if restore:
        x = np.array(x, dtype=float)   # a copy: the caller's x is left alone
    grad = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        if not one_at_a_time:
            grad[idx] = (f(x + h) - f(x - h)) / (divisor * h)
            continue
        old = x[idx]
        x[idx] = old + h
        up = f(x)
        if forward:
            x[idx] = old
            grad[idx] = (up - f(x)) / h
            continue
        x[idx] = old - h
        down = f(x)
        if restore:
            x[idx] = old
        grad[idx] = (up - down) / (divisor * h)
    return grad if keep_shape else grad.reshape(-1)


def ng_cases():
    """Vectors, a single entry, a column, 2-D and 3-D arrays; separable and
    coupled functions (where a perturbation left behind shows); several h and the default."""
    rng = np.random.RandomState(1)
    c = public
    return [
        call("narrow bowl at [2, 3], h = 1e-6", c.narrow_bowl, np.array([2.0, 3.0]), 1e-6),
        call("narrow bowl at [-1.5, 0.25], the default h", c.narrow_bowl, np.array([-1.5, 0.25])),
        call("Beale's function at [1, 1.5], h = 1e-4", c.beale, np.array([1.0, 1.5]), 1e-4),
        call("Beale's function at [2.5, -0.5], keyword h = 1e-3", c.beale, np.array([2.5, -0.5]), h=1e-3),
        call("monkey saddle at [0.7, -1.2], h = 1e-3", c.monkey_saddle, np.array([0.7, -1.2]), 1e-3),
        call("three variables at a random point, h = 1e-4", c.twisted_3d, np.round(rng.randn(3), 3), 1e-4),
        call("log-sum-exp of one entry", c.log_sum_exp, np.array([0.3]), 1e-4),
        call("log-sum-exp of a column of 4, h = 1e-3", c.log_sum_exp, np.round(rng.randn(4, 1), 3), 1e-3),
        call("log-sum-exp of a 3 x 4 array, h = 1e-3", c.log_sum_exp, np.round(rng.randn(3, 4), 3), 1e-3),
        call("log-sum-exp of a 2 x 2 x 3 array, h = 1e-2", c.log_sum_exp, np.round(rng.randn(2, 2, 3), 3), 1e-2),
        call("log-sum-exp of 5 equal entries, the default h", c.log_sum_exp, np.ones(5)),
    ]


def other_point(case_input, rng):
    """The same function at another point of the same shape; h kept."""
    (f, x, *rest), kwargs = case_input
    return [[f, np.round(other_numbers(x, rng) * 2, 3), *rest], kwargs]


def explain_gradient(got, expected, case):
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        hint = " (a flat array: reshape it, or fill np.zeros_like(x) at x's own indices)" if g.size == e.size else ""
        return "the result has shape %s; it should have the shape of x, %s%s" % (g.shape, e.shape, hint)
    if g.size > 1 and np.all(g == g.flat[0]) and not np.all(e == e.flat[0]):
        return "every entry is the same number: perturb one entry of x at a time, not all of them together"
    return None


# ================================================================ 3. relative_error

def relative_error(grad, grad_num, *, denominator="both", squared=False, zero_case=True):
    """||grad - grad_num|| / (||grad|| + ||grad_num||), and 0.0 when both are zero.

    knobs: denominator -- "both" (right), "grad" (||grad|| only) or "none" (the absolute error)
           squared -- every norm squared
           zero_case -- False: 0 / 0 gives nan when both are zero
    """
    g = np.asarray(grad, dtype=float)
    n = np.asarray(grad_num, dtype=float)
    top, a, b = np.linalg.norm(g - n), np.linalg.norm(g), np.linalg.norm(n)
    if squared:
        top, a, b = top ** 2, a ** 2, b ** 2
    if denominator == "none":
        return float(top)
    if zero_case and a + b == 0:
        return 0.0
    return float(top / (a + b if denominator == "both" else a))


def re_cases():
    rng = np.random.RandomState(2)
    cases = [
        call("two numbers", 0.25, 0.2500001983207767),
        call("a gradient and a close estimate", np.array([1.5, -2.0, 0.5]), np.array([1.5000001, -2.0000003, 0.5])),
        call("a gradient off by a factor 2", np.array([0.125, 54.0]), np.array([0.25, 54.0])),
        call("opposite gradients: the largest relative error, 1", np.array([1.0, -3.0]), np.array([-1.0, 3.0])),
        call("both zero", np.zeros(4), np.zeros(4)),
        call("an analytic gradient of zero against a non-zero estimate", np.zeros(2), np.array([0.0, 1e-3])),
        call("equal 2 x 3 arrays", np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(2, 3)),
    ]
    for shape, noise in [((5,), 0.1), ((3, 4), 0.1), ((2, 2, 2), 1e-4)]:
        g = rng.randn(*shape)
        cases.append(call("random arrays of shape %s" % (shape,), g, g + noise * rng.randn(*shape)))
    return cases


def explain_relative(got, expected, case):
    if np.ndim(got) != 0:
        return "the result should be a single number, not an array: the norms turn the arrays into numbers"
    return None


# ================================================================ the exercises

EXERCISES = [
    Exercise(
        "gradient_descent", gradient_descent,
        visible=[call("the cubic's slope f'(x) = 3x^2 - 6x - 9 from x = 1, alpha = 0.01, 200 iterations",
                      public.cubic_slope, 1.0, 0.01, 200),
                 call("from x = 3, the minimum itself", public.cubic_slope, 3.0, 0.01, 200),
                 call("a vector: the narrow bowl from [-4, 1], alpha = 0.05, 10 iterations",
                      public.narrow_bowl_gradient, np.array([-4.0, 1.0]), 0.05, 10)],
        hidden=gd_cases(), twin=other_start,
        mistakes=[
            mistake("plus-sign", "the step is x + alpha * f'(x), which climbs uphill; gradient descent steps "
                                 "against the gradient, x - alpha * f'(x).", uphill=True),
            mistake("stop-after-update", "the stop test comes after the step, so the function always takes one "
                                         "step, even from a point where the gradient is already zero; test "
                                         "before each step.", stop="after"),
            mistake("never-stops", "the function never tests the gradient, so it always takes `iterations` "
                                   "steps; stop before a step when the gradient's norm is below epsilon.",
                    stop="never"),
            mistake("no-abs", "the stop test is g < epsilon without a norm or abs, so any negative slope stops "
                              "the descent (and a vector cannot be compared at all); use "
                              "np.linalg.norm(g) < epsilon.", stop="signed"),
            mistake("start-missing", "the path does not begin with the starting point; put x in it before the "
                                     "first step.", with_start=False),
            mistake("same-array-every-row", "x is updated in place (x -= alpha * g), so the path holds the same "
                                            "array many times and every row shows the last point; write "
                                            "x = x - alpha * g, which makes a new array.", in_place=True),
            mistake("iterations-off-by-one", "the loop takes one step fewer than `iterations` when the gradient "
                                             "never gets small; run it `iterations` times, so the path can hold "
                                             "iterations + 1 points.", extra_steps=-1),
        ],
        inputs_unchanged=True, explain=explain_path, explain_error=explain_gd_error),
    Exercise(
        "numerical_gradient", numerical_gradient,
        # h = 1e-6, not the source's 1e-8: there one unit of rounding in f moves the answer by more than
        # the tolerance, so a right answer that perturbs x another way could fail
        visible=[call("the narrow bowl f = x0^2/16 + 9 x1^2 at [2, 3], h = 1e-6",
                      public.narrow_bowl, np.array([2.0, 3.0]), 1e-6),
                 call("log-sum-exp of a 2 x 3 array, h = 1e-3", public.log_sum_exp,
                      np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]]), 1e-3),
                 call("Beale's function at [1, 1.5], the default h", public.beale, np.array([1.0, 1.5]))],
        hidden=ng_cases(), twin=other_point,
        mistakes=[
            mistake("forward-difference", "this is the forward difference (f(x + h e_i) - f(x)) / h, whose error "
                                          "shrinks like h, not h^2; use the centred difference "
                                          "(f(x + h e_i) - f(x - h e_i)) / (2 h).", forward=True),
            mistake("divided-by-h", "the centred difference is divided by h; the two points are 2 h apart, so "
                                    "divide by 2 * h.", divisor=1),
            mistake("all-at-once", "every entry of x is moved at once (x + h), which measures the slope along "
                                   "the diagonal for every entry; move one entry at a time.", one_at_a_time=False),
            mistake("flat-result", "the result is flat; it must have the shape of x (fill np.zeros_like(x), or "
                                   "reshape).", keep_shape=False),
            mistake("not-restored", "x[i] is not put back after its two evaluations, so every later entry is "
                                    "measured at a shifted point (and the caller's x is changed); set "
                                    "x[i] = old_value after computing f(x - h e_i).", restore=False),
        ],
        explain=explain_gradient),
    Exercise(
        "relative_error", relative_error,
        visible=[call("the narrow bowl's analytic and numerical gradients at [2, 3]", np.array([0.25, 54.0]),
                      np.array([0.2500001983207767, 54.00000020472362])),
                 call("a wrong analytic gradient", np.array([0.25, 27.0]), np.array([0.25, 54.0])),
                 call("both zero", np.zeros(3), np.zeros(3))],
        hidden=re_cases(),
        mistakes=[
            mistake("no-denominator", "this is the absolute error ||grad - grad_num||, which depends on the "
                                      "gradient's scale; divide it by ||grad|| + ||grad_num||.",
                    denominator="none"),
            mistake("denominator-grad-only", "the difference is divided by ||grad|| alone; divide by "
                                             "||grad|| + ||grad_num||, which treats both the same and is zero "
                                             "only when both are.", denominator="grad"),
            mistake("squared-norms", "the norms are squared; use the norms themselves, np.linalg.norm(...), "
                                     "without squaring them.", squared=True),
            mistake("zero-over-zero", "when both gradients are zero the function divides 0 by 0 and returns "
                                      "nan; return 0.0 in that case, since they agree exactly.", zero_case=False),
        ],
        explain=explain_relative),
]
