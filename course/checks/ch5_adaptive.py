"""Checks of chapter 5, adaptive methods: Adagrad and Adadelta, each an
initialiser and an update rule, and Adam as an optimizer object. The update
rules are checked over three steps in a row, with the state carried from one
call to the next, on networks of 1 to 4 layers and on the 2-D point of
Beale's function ({"x": array}, gradient {"dx": array}): every rule visits
the keys of `parameters` and reads the gradient and the state under
"d" + key. The object is made from its settings and stepped three times
(testCases.run_object)."""
import numpy as np

from . import call, Case, Exercise, mistake, public
from .ch3_optimizers import explain_update
from .networks import explain_state, layer_dims, random_parameters, reorder


# ---------------------------------------------------------------- initialisers

def initial_state(parameters, *, keys="grads", values="zeros", bias_shape="b"):
    """Zeros shaped like each parameter, keyed like the gradients ("d" + key).

    knobs: keys -- "params" keys the state like the parameters (W1, b1, ...);
           values -- "ones" starts at 1 (as the book's code does);
           bias_shape -- "W" makes db_l with W_l's shape
    """
    state = {}
    for key, value in parameters.items():
        source = "W" + key[1:] if bias_shape == "W" and key.startswith("b") and "W" + key[1:] in parameters else key
        shape = parameters[source].shape
        state[("d" if keys == "grads" else "") + key] = np.zeros(shape) if values == "zeros" else np.ones(shape)
    return state


def initialize_adagrad(parameters, **knobs):
    return initial_state(parameters, **knobs)


def initialize_adadelta(parameters, **knobs):
    return initial_state(parameters, **knobs), initial_state(parameters, **knobs)


INIT_MISTAKES = [
    mistake("wrong-keys", "the keys are the parameters' names (W1, b1, ...); the state is indexed like the "
                          "gradients: dW1, db1, ...", keys="params"),
    mistake("starts-at-ones", "the state starts at ones (np.ones, as in the book's code); the standard algorithm "
                              "starts it at zero: nothing has been accumulated yet.", values="ones"),
    mistake("db-shaped-like-W", "the state of each bias has the shape of W (the shape of parameters['W' + str(l)] "
                                "used twice); db_l takes the shape of b_l.", bias_shape="W"),
]


def parameter_cases(seed, n_cases=6):
    """Nets of 1 to 4 layers, and the 2-D point of Beale's function."""
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        dims = layer_dims(rng, 1 + i % 4)
        cases.append(call("%d-layer net %s" % (len(dims) - 1, dims), random_parameters(dims, rng)[0]))
    cases.append(call("the point of Beale's function {'x': [3, 4]}", {"x": np.array([3.0, 4.0])}))
    return cases


def explain_init(got, expected, case):
    if isinstance(expected, tuple):   # Adadelta: (s, delta)
        if not (isinstance(got, tuple) and len(got) == 2):
            return "the function should return the tuple (s, delta), got %s" % public._kind(got)
        return explain_state(got[0], expected[0], "s") or explain_state(got[1], expected[1], "delta")
    return explain_state(got, expected, "s")


# ---------------------------------------------------------------- update rules

def update_parameters_with_adagrad(parameters, grads, s, learning_rate=0.01, epsilon=1e-8, *,
                                   accumulate="sum", denominator="sqrt(s) + eps"):
    """s = s + g**2; p = p - learning_rate * g / (sqrt(s) + epsilon), for every key of parameters.

    knobs: accumulate -- "sum", "average" (s = 0.9 s + 0.1 g**2, RMSprop) or
           "replace" (s = g**2); denominator -- "sqrt(s) + eps", "sqrt(s + eps)",
           "s + eps", or "eps after" (p - learning_rate * g / sqrt(s) + epsilon)
    """
    parameters, s = dict(parameters), dict(s)
    for key in parameters:
        g, k = grads["d" + key], "d" + key
        s[k] = {"sum": lambda: s[k] + g ** 2, "average": lambda: 0.9 * s[k] + 0.1 * g ** 2,
                "replace": lambda: g ** 2}[accumulate]()
        if denominator == "eps after":
            parameters[key] = parameters[key] - learning_rate * g / np.sqrt(s[k]) + epsilon
            continue
        under = {"sqrt(s) + eps": np.sqrt(s[k]) + epsilon, "sqrt(s + eps)": np.sqrt(s[k] + epsilon),
                 "s + eps": s[k] + epsilon}[denominator]
        parameters[key] = parameters[key] - learning_rate * g / under
    return parameters, s


def update_parameters_with_adadelta(parameters, grads, s, delta, rho=0.9, epsilon=1e-6, *, learning_rate=None,
                                    sign=1, swapped=False, numerator_epsilon=True, roots="inside", s_first=True):
    """Zeiler (2012): s = rho s + (1 - rho) g**2; step = -sqrt(delta + eps) / sqrt(s + eps) * g;
    delta = rho delta + (1 - rho) step**2; p = p + step, for every key of parameters.

    knobs: learning_rate -- multiplies the step (also in delta); sign -- -1 moves
           p - step; swapped -- rho and 1 - rho swapped in both averages;
           numerator_epsilon -- False: sqrt(delta) alone on top; roots --
           "outside": sqrt(delta) + eps over sqrt(s) + eps; s_first -- False:
           the step divides by the previous s
    """
    parameters, s, delta = dict(parameters), dict(s), dict(delta)
    keep, take = (1 - rho, rho) if swapped else (rho, 1 - rho)
    for key in parameters:
        g, k = grads["d" + key], "d" + key
        s_new = keep * s[k] + take * g ** 2
        s_used = s_new if s_first else s[k]
        if roots == "outside":
            ratio = (np.sqrt(delta[k]) + epsilon) / (np.sqrt(s_used) + epsilon)
        else:
            ratio = np.sqrt(delta[k] + epsilon if numerator_epsilon else delta[k]) / np.sqrt(s_used + epsilon)
        step = -ratio * g
        if learning_rate is not None:
            step = learning_rate * step
        s[k] = s_new
        delta[k] = keep * delta[k] + take * step ** 2
        parameters[key] = parameters[key] + sign * step
    return parameters, s, delta


def steps_cases(seed, state_names, hyper, n_cases=8, n_steps=3):
    """Three steps in a row on nets of 1 to 4 layers, then on the point of
    Beale's function. The state starts at zero, or is carried from earlier
    steps (>= 0); hyper(i, rng) gives the hyperparameters of case i; every
    other case lists the gradients' keys in another order."""
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        n_layers = 1 + i % 4
        dims = layer_dims(rng, n_layers)
        parameters, _ = random_parameters(dims, rng)
        grads_seq = [random_parameters(dims, rng)[1] for _ in range(n_steps)]
        fresh = i % 3 != 2
        state = {name: {"d" + k: (0.0 if fresh else 0.3) * rng.randn(*w.shape) ** 2 for k, w in parameters.items()}
                 for name in state_names}
        settings = hyper(i, rng)
        desc = "%d-layer net %s, %d steps, %s, %s" % (
            n_layers, dims, n_steps, "state starting at zero" if fresh else "state carried from earlier steps",
            ", ".join("%s=%.4g" % kv for kv in settings.items()))
        if i % 2:
            grads_seq = [reorder(g, rng) for g in grads_seq]
            desc += ", grads keys in another order"
        cases.append(Case(desc, {"parameters": parameters, "grads_seq": grads_seq, "state": state, "t0": 1,
                                 "hyper": settings, "state_names": list(state_names), "pass_t": False}, "steps"))
    # Beale's point from (3, 4), with the gradients met on the way there (a steep start, then smaller).
    point = {"x": np.array([3.0, 4.0])}
    grads_seq = [{"dx": public.beale_gradient(np.array(p))} for p in ([3.0, 4.0], [2.99, 3.99], [2.97, 3.95])]
    settings = hyper(n_cases, rng)
    cases.append(Case("the point of Beale's function {'x': [3, 4]}, %d steps, state starting at zero, %s" % (
        n_steps, ", ".join("%s=%.4g" % kv for kv in settings.items())),
        {"parameters": point, "grads_seq": grads_seq, "state": {name: {"dx": np.zeros(2)} for name in state_names},
         "t0": 1, "hyper": settings, "state_names": list(state_names), "pass_t": False}, "steps"))
    return cases


def adagrad_hyper(i, rng):
    return {"learning_rate": float(rng.uniform(0.001, 0.5)), "epsilon": [1e-8, 0.3][i % 2]}


def adadelta_hyper(i, rng):
    return {"rho": [0.9, 0.95, float(rng.uniform(0.6, 0.99)), 0.99][i % 4], "epsilon": [1e-6, 0.3][i % 2]}


def _seed1(state):
    """The original assignment's seed-1 network and gradients, and a state:
    "zero", or "carried" (s and delta from earlier steps, >= 0)."""
    parameters, grads, v, s = public.optimizer_test_case()
    if state == "zero":
        return parameters, grads, {k: np.zeros_like(w) for k, w in s.items()}, {k: np.zeros_like(w) for k, w in s.items()}
    return parameters, grads, s, {k: w ** 2 for k, w in v.items()}


def _beale_point():
    return {"x": np.array([3.0, 4.0])}, {"dx": public.beale_gradient(np.array([3.0, 4.0]))}, {"dx": np.zeros(2)}


INIT_VISIBLE = [call("the seed-1 network", public.optimizer_test_case()[0]),
                call("the point of Beale's function {'x': [3, 4]}", _beale_point()[0])]

ADAGRAD_VISIBLE = [
    call("the seed-1 network, s carried from earlier steps, learning_rate=0.01, epsilon=1e-8",
         *_seed1("carried")[:3], learning_rate=0.01, epsilon=1e-8),
    call("the same with a large epsilon=0.3, to show where epsilon goes",
         *_seed1("carried")[:3], learning_rate=0.01, epsilon=0.3),
    call("the point of Beale's function {'x': [3, 4]}, first step, learning_rate=0.1",
         *_beale_point(), learning_rate=0.1, epsilon=1e-8),
]

ADADELTA_VISIBLE = [
    call("the seed-1 network, first step (s and delta at zero), rho=0.9, epsilon=1e-6",
         *_seed1("zero"), rho=0.9, epsilon=1e-6),
    call("the seed-1 network, s and delta carried from earlier steps, rho=0.95, epsilon=1e-6",
         *_seed1("carried"), rho=0.95, epsilon=1e-6),
    call("the point of Beale's function {'x': [3, 4]}, first step, rho=0.9, epsilon=1e-6",
         *_beale_point(), {"dx": np.zeros(2)}, rho=0.9, epsilon=1e-6),
]


# ---------------------------------------------------------------- the optimizer object

class Adam:
    """Adam as an object: Adam(**settings), then step(parameters, grads) -> new parameters.

    knobs: t_per_key -- t counted once per parameter, not once per step
           reset -- v and s made again (zeros) at every step, so the object forgets
           shared -- v and s one and the same dict (self.v = self.s = {...})
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, *, t_per_key=False,
                 reset=False, shared=False):
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.t_per_key, self.reset, self.shared = t_per_key, reset, shared
        self.v = self.s = None
        self.t = 0

    def step(self, parameters, grads):
        if self.v is None or self.reset:
            self.v = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
            self.s = self.v if self.shared else {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
        self.t += 0 if self.t_per_key else 1
        new = {}
        for key, value in parameters.items():
            self.t += 1 if self.t_per_key else 0
            k, g = "d" + key, grads["d" + key]
            self.v[k] = self.beta1 * self.v[k] + (1 - self.beta1) * g
            self.s[k] = self.beta2 * self.s[k] + (1 - self.beta2) * g ** 2
            v_hat = self.v[k] / (1 - self.beta1 ** self.t)
            s_hat = self.s[k] / (1 - self.beta2 ** self.t)
            new[key] = value - self.learning_rate * v_hat / (np.sqrt(s_hat) + self.epsilon)
        return new


def object_case(description, settings, parameters, grads_seq):
    return Case(description, [[settings, parameters, grads_seq], {}], "object")


def object_cases(seed, n_cases=6, n_steps=3):
    """Three steps on nets of 1 to 4 layers, and on Beale's point."""
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        dims = layer_dims(rng, 1 + i % 4)
        parameters, _ = random_parameters(dims, rng)
        grads_seq = [random_parameters(dims, rng)[1] for _ in range(n_steps)]
        settings = {"learning_rate": float(rng.uniform(0.001, 0.1)), "beta1": [0.9, 0.5][i % 2],
                    "beta2": [0.999, 0.9, 0.99][i % 3]}
        cases.append(object_case("%d-layer net %s, %d steps, %s" % (len(dims) - 1, dims, n_steps, ", ".join(
            "%s=%.4g" % kv for kv in settings.items())), settings, parameters, grads_seq))
    grads_seq = [{"dx": public.beale_gradient(np.array(p))} for p in ([3.0, 4.0], [2.99, 3.99], [2.97, 3.95])]
    cases.append(object_case("the point of Beale's function {'x': [3, 4]}, 3 steps, learning_rate=0.1",
                             {"learning_rate": 0.1}, {"x": np.array([3.0, 4.0])}, grads_seq))
    return cases


def explain_object(got, expected, case):
    """Which step goes wrong first, or what step returned instead of a dict."""
    if not isinstance(got, dict):
        return None
    for step, wanted in expected.items():
        if not isinstance(got.get(step), dict):
            return ("%s: step should return the new parameters dict, got %s"
                    % (step, public._kind(got.get(step))))
        diff = public.first_difference(got[step], wanted, "the parameters")
        if diff:
            return "%s: %s" % (step, diff)
    return None


def _adam_visible():
    parameters, grads, _, _ = public.optimizer_test_case()
    return [object_case("Adam(learning_rate=0.01) on the seed-1 network, 3 steps with the same gradients",
                        {"learning_rate": 0.01}, parameters, [grads, grads, grads])]


EXERCISES = [
    Exercise("initialize_adagrad", initialize_adagrad,
             visible=INIT_VISIBLE, hidden=parameter_cases(seed=51), mistakes=INIT_MISTAKES, explain=explain_init),
    Exercise("update_parameters_with_adagrad", update_parameters_with_adagrad, visible=ADAGRAD_VISIBLE,
             hidden=steps_cases(52, ["s"], adagrad_hyper), explain=explain_update(["s"]),
             mistakes=[
                 mistake("averaged-not-summed", "s is an exponentially weighted average of g**2 (that is RMSprop); "
                                                "Adagrad adds every squared gradient to the sum: s = s + g**2.",
                         accumulate="average"),
                 mistake("not-accumulated", "s holds only the latest squared gradient (s = g**2); Adagrad keeps the "
                                            "running sum of all of them: s = s + g**2.", accumulate="replace"),
                 mistake("no-root", "the step divides by s + epsilon; divide by the root of the sum, "
                                    "np.sqrt(s) + epsilon.", denominator="s + eps"),
                 mistake("epsilon-inside-root", "epsilon is added inside the square root; in this course it goes "
                                                "outside: np.sqrt(s) + epsilon.", denominator="sqrt(s + eps)"),
                 mistake("epsilon-outside-the-fraction", "epsilon is added to the parameter, not to the "
                                                         "denominator (missing parentheses?); write "
                                                         "learning_rate * g / (np.sqrt(s) + epsilon).",
                         denominator="eps after"),
             ]),
    Exercise("initialize_adadelta", initialize_adadelta,
             visible=INIT_VISIBLE, hidden=parameter_cases(seed=53), mistakes=INIT_MISTAKES, separate_results=True, explain=explain_init),
    Exercise("update_parameters_with_adadelta", update_parameters_with_adadelta, visible=ADADELTA_VISIBLE,
             hidden=steps_cases(54, ["s", "delta"], adadelta_hyper), explain=explain_update(["s", "delta"]),
             mistakes=[
                 mistake("learning-rate-left-in", "the step is multiplied by a learning rate; Adadelta has none: "
                                                  "the ratio sqrt(delta + epsilon) / sqrt(s + epsilon) is the step "
                                                  "size.", learning_rate=0.01),
                 mistake("step-sign-flipped", "the parameters move up the gradient; the step is "
                                              "-sqrt(delta + epsilon) / sqrt(s + epsilon) * g, and it is added to "
                                              "them.", sign=-1),
                 mistake("rho-swapped", "rho and 1 - rho are swapped: the previous average keeps the weight rho, "
                                        "the new value gets 1 - rho.", swapped=True),
                 mistake("no-epsilon-in-numerator", "the numerator is np.sqrt(delta) without epsilon: from delta = 0 "
                                                    "every step is zero, so the parameters never move; write "
                                                    "np.sqrt(delta + epsilon).", numerator_epsilon=False),
                 mistake("epsilon-outside-roots", "epsilon is added outside the roots, as RMSprop and Adam do in this "
                                                  "course; Adadelta puts it inside both: "
                                                  "np.sqrt(delta + epsilon) / np.sqrt(s + epsilon).",
                         roots="outside"),
                 mistake("old-s-in-step", "the step divides by the previous s; update s with the new gradient "
                                          "first, then compute the step with it.", s_first=False),
             ]),
    Exercise("Adam", Adam, visible=_adam_visible(), hidden=object_cases(55),
             explain=explain_object,
             mistakes=[
                 mistake("t-per-parameter", "t is increased once per parameter (inside the loop over the keys); it "
                                            "counts steps: increase it once per call of step, before the loop.",
                         t_per_key=True),
                 mistake("state-made-every-step", "v and s are made again at every step, so the object forgets what "
                                                  "it averaged; make them once, on the first step (when they are "
                                                  "None), and keep them.", reset=True),
                 mistake("v-and-s-one-dict", "v and s are one and the same dict (self.v = self.s = ...), so each "
                                             "overwrites the other; give each its own dict of zeros.", shared=True),
             ]),
]
