"""Checks of chapter 3, momentum, RMSprop and Adam: the three initialisers
and the three update rules. The update rules are checked over three steps
in a row, with the state carried from one call to the next."""
import numpy as np

from . import call, Case, Exercise, mistake, public
from .networks import explain_parameters, explain_state, layer_dims, random_parameters, reorder


def _layers(parameters, layers):
    """The layers a loop visits: all of them, or layer 2 every time (str(1 + 1) for str(l + 1))."""
    L = len(parameters) // 2
    return range(1, L + 1) if layers == "all" else [2] * L


# ---------------------------------------------------------------- initialisers

def initial_state(parameters, *, keys="grads", values="zeros", bias_shape="b", layers="all"):
    """Zeros shaped like each parameter, keyed like the gradients (dW1, db1, ...).

    knobs: keys -- "params" keys the state W1, b1, ...; values -- "copy" starts
           from the parameters; bias_shape -- "W" makes db_l with W_l's shape;
           layers -- "layer-2" (the loop writes layer 2 every time)
    """
    state = {}
    for l in _layers(parameters, layers):
        for p in "Wb":
            shape_of = "W" if p == "b" and bias_shape == "W" else p
            key = ("d" if keys == "grads" else "") + p + str(l)
            state[key] = np.zeros(parameters[shape_of + str(l)].shape) if values == "zeros" \
                else parameters[p + str(l)].copy()
    return state


def initialize_velocity(parameters, **knobs):
    return initial_state(parameters, **knobs)


def initialize_rmsprop(parameters, **knobs):
    return initial_state(parameters, **knobs)


def initialize_adam(parameters, **knobs):
    return initial_state(parameters, **knobs), initial_state(parameters, **knobs)


INIT_MISTAKES = [
    mistake("wrong-keys", "the keys are the parameters' names (W1, b1, ...); the state is indexed like the "
                          "gradients: dW1, db1, ...", keys="params"),
    mistake("not-zeros", "the state starts as a copy of the parameters; it must start at zero, because nothing "
                         "has been averaged yet.", values="copy"),
    mistake("db-shaped-like-W", "the state of each bias has the shape of W (np.zeros(parameters['W' + str(l)]"
                                ".shape) written twice); db_l takes the shape of b_l.", bias_shape="W"),
    mistake("same-layer-every-time", "every pass of the loop writes the state of layer 2 (str(1 + 1) instead of "
                                     "str(l + 1)?); each pass must write its own layer l.", layers="layer-2"),
]


def parameter_cases(seed, n_cases=6):
    """Nets of 1 to 4 layers."""
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        dims = layer_dims(rng, 1 + i % 4)
        cases.append(call("%d-layer net %s" % (len(dims) - 1, dims), random_parameters(dims, rng)[0]))
    return cases


def explain_init(got, expected, case):
    if isinstance(expected, tuple):   # Adam: (v, s)
        if not (isinstance(got, tuple) and len(got) == 2):
            return "the function should return the tuple (v, s), got %s" % public._kind(got)
        return explain_state(got[0], expected[0], "v") or explain_state(got[1], expected[1], "s")
    return explain_state(got, expected, "the state")


# ---------------------------------------------------------------- update rules
#
# Each rule updates every layer l, for p in W and b, with g = grads["dp_l"].
# Shared knobs: biases="dW" moves each bias (and its state) by the weight's
# gradient dW_l; layers="layer-2" updates layer 2 on every pass of the loop.

def _gradient(grads, p, l, biases):
    return grads["d%s%d" % ("W" if p == "b" and biases == "dW" else p, l)]


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate, *, keep=None, take=None,
                                    step_with="v", biases="db", layers="all"):
    """v = beta * v + (1 - beta) * g; p = p - learning_rate * v.

    knobs: keep, take -- functions of beta giving the weights of v and g;
           step_with -- "v" (the new velocity), "old" (the previous one) or "grad"
    """
    parameters, v = dict(parameters), dict(v)
    for l in _layers(parameters, layers):
        for p in "Wb":
            g, key = _gradient(grads, p, l, biases), "d%s%d" % (p, l)
            old = v[key]
            v[key] = (beta if keep is None else keep(beta)) * old + (1 - beta if take is None else take(beta)) * g
            step = {"v": v[key], "old": old, "grad": g}[step_with]
            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * step
    return parameters, v


def update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon=1e-8, *, square=True,
                                   root=True, eps="outside", swapped=False, biases="db", layers="all"):
    """s = beta2 * s + (1 - beta2) * g**2; p = p - learning_rate * g / (sqrt(s) + epsilon).

    knobs: square -- False averages g; root -- False divides by s;
           eps -- "outside", "inside" the root, or "none"; swapped -- beta2 and 1 - beta2 swapped
    """
    parameters, s = dict(parameters), dict(s)
    keep, take = (1 - beta2, beta2) if swapped else (beta2, 1 - beta2)
    for l in _layers(parameters, layers):
        for p in "Wb":
            g, key = _gradient(grads, p, l, biases), "d%s%d" % (p, l)
            s[key] = keep * s[key] + take * (g ** 2 if square else g)
            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * g / _denominator(s[key], epsilon, root, eps)
    return parameters, s


def _denominator(s, epsilon, root, eps):
    if eps == "inside":
        return np.sqrt(s + epsilon)
    return (np.sqrt(s) if root else s) + (epsilon if eps == "outside" else 0)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8, *, eps="outside", correct="both", exponent="t", s_beta="beta2",
                                s_correction="beta2", root=True, store_corrected=False, t_shift=0, biases="db",
                                layers="all"):
    """v and s averaged with beta1 and beta2, bias-corrected by 1 - beta**t,
    p = p - learning_rate * v_corrected / (sqrt(s_corrected) + epsilon).

    knobs: eps -- "outside", "inside" the root, or "none"; correct -- "both",
           "none" or "v-only"; exponent -- the correction 1 - beta**t written as
           "t", "one" (1 - beta), "layer" (1 - beta**l), "two" (1 - beta**2) or
           "outside" ((1 - beta)**t); s_beta, s_correction -- "beta1" uses beta1
           where beta2 belongs; root -- False divides by s_corrected;
           store_corrected -- keeps the corrected values as the new v and s;
           t_shift -- corrects with t + t_shift
    """
    parameters, v, s = dict(parameters), dict(v), dict(s)
    t = t + t_shift
    b2 = beta1 if s_beta == "beta1" else beta2
    for l in _layers(parameters, layers):
        def correction(beta):
            return {"t": 1 - beta ** t, "one": 1 - beta, "layer": 1 - beta ** l, "two": 1 - beta ** 2,
                    "outside": (1 - beta) ** t}[exponent]
        for p in "Wb":
            g, key = _gradient(grads, p, l, biases), "d%s%d" % (p, l)
            v[key] = beta1 * v[key] + (1 - beta1) * g
            s[key] = b2 * s[key] + (1 - b2) * g ** 2
            v_hat = v[key] / correction(beta1) if correct != "none" else v[key]
            s_hat = s[key] / correction(beta1 if s_correction == "beta1" else beta2) if correct == "both" else s[key]
            if store_corrected:
                v[key], s[key] = v_hat, s_hat
            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * v_hat / _denominator(s_hat, epsilon,
                                                                                                 root, eps)
    return parameters, v, s


def steps_cases(seed, state_names, hyper_names, pass_t=False, n_cases=8, n_steps=3):
    """Three steps in a row on nets of 1 to 4 layers.

    The state starts at zero at t0 = 1, or is carried from earlier steps
    (s >= 0) at a later t0; epsilon is large in every other case, so that
    sqrt(s) + epsilon and sqrt(s + epsilon) give different answers; every
    other case lists the gradients' keys in another order.
    """
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n_cases):
        n_layers = 1 + i % 4
        dims = layer_dims(rng, n_layers)
        parameters, _ = random_parameters(dims, rng)
        grads_seq = [random_parameters(dims, rng)[1] for _ in range(n_steps)]
        fresh = i % 3 != 2
        t0 = 1 if fresh else int(rng.randint(2, 50))
        state = {name: {"d" + k: (0.0 if fresh else 0.3) * (rng.randn(*w.shape) ** 2 if name == "s" else rng.randn(*w.shape))
                        for k, w in parameters.items()} for name in state_names}
        every = {"learning_rate": float(rng.uniform(0.001, 0.1)),
                 "beta": [0.9, 0.0, 0.5, float(rng.uniform(0.6, 0.99))][i % 4],
                 "beta1": float(rng.uniform(0.5, 0.95)), "beta2": float(rng.uniform(0.9, 0.999)),
                 "epsilon": [1e-8, 0.3][i % 2]}
        hyper = {name: every[name] for name in hyper_names}
        desc = "%d-layer net %s, %d steps from t=%d, %s, %s" % (
            n_layers, dims, n_steps, t0, "state starting at zero" if fresh else "state carried from earlier steps",
            ", ".join("%s=%.4g" % kv for kv in hyper.items()))
        if i % 2:
            grads_seq = [reorder(g, rng) for g in grads_seq]
            desc += ", grads keys in another order"
        cases.append(Case(desc, {"parameters": parameters, "grads_seq": grads_seq, "state": state, "t0": t0,
                                 "hyper": hyper, "state_names": list(state_names), "pass_t": pass_t}, "steps"))
    return cases


def explain_update(state_names):
    """A diagnosis for an update rule's answer: for one call (a tuple
    (parameters, *state)), or for several steps (a record per step), the
    first step that goes wrong, which of its parts are wrong and where."""
    def explain_parts(got, expected, before, when=""):
        parts = dict(zip(["parameters"] + state_names, got)) if isinstance(got, tuple) else got
        wanted = dict(zip(["parameters"] + state_names, expected)) if isinstance(expected, tuple) else expected
        said = [explain_state(parts.get(name), wanted[name], name) for name in state_names]
        said.append(explain_parameters(parts.get("parameters"), wanted["parameters"], before))
        said = [x for x in said if x]
        right = [name for name in state_names if explain_state(parts.get(name), wanted[name], name) is None]
        if said and right:
            said.insert(0, "%s %s right" % (" and ".join(right), "is" if len(right) == 1 else "are"))
        return when + "; ".join(said) if said else None

    def explain(got, expected, case):
        if isinstance(case.input, list):   # one call
            (parameters, *_), _ = case.input
            n = 1 + len(state_names)
            if not (isinstance(got, tuple) and len(got) == n):
                return "the function should return the tuple (parameters, %s), got %s" % (
                    ", ".join(state_names), public._kind(got))
            return explain_parts(got, expected, parameters)
        before = case.input["parameters"]
        for step, wanted in expected.items():
            if not isinstance(got, dict) or not isinstance(got.get(step), dict):
                return None
            if public.first_difference(got[step], wanted) is not None:
                return explain_parts(got[step], wanted, before, "after the step at %s: " % step[len("after step "):])
            before = wanted["parameters"]
        return None
    return explain


BIAS_BY_DW = "each bias (and its state) is moved by the weight's gradient dW_l, so it takes W's shape; b_l uses db_l."
LAYER_2 = "every pass of the loop updates layer 2 (str(1 + 1) instead of str(l + 1)?); each pass must update its own layer l."


def _update(function, implementation, state_names, hyper_names, seed, visible, mistakes, pass_t=False):
    return Exercise(function, implementation, visible=visible, mistakes=mistakes,
                    hidden=steps_cases(seed, state_names, hyper_names, pass_t),
                    explain=explain_update(state_names))


def _visible(description, function, **hyper):
    """A visible case: the original assignment's network with a state carried from earlier steps."""
    parameters, grads, v, s = public.optimizer_test_case()
    state = {"update_parameters_with_momentum": [v], "update_parameters_with_rmsprop": [s],
             "update_parameters_with_adam": [v, s]}[function]
    return call(description, parameters, grads, *state, **hyper)


def _steps_visible(function, visible_cases):
    return [_visible(desc, function, **hyper) for desc, hyper in visible_cases]


EXERCISES = [
    Exercise("initialize_velocity", initialize_velocity, visible=[call("the seed-1 network", public.optimizer_test_case()[0])],
             hidden=parameter_cases(seed=36), mistakes=INIT_MISTAKES, explain=explain_init),
    _update("update_parameters_with_momentum", update_parameters_with_momentum, ["v"], ["beta", "learning_rate"], 41,
            _steps_visible("update_parameters_with_momentum",
                           [("the seed-1 network, beta=0.9, learning_rate=0.01", dict(beta=0.9, learning_rate=0.01))]),
            [mistake("no-one-minus-beta", "the gradient is added without the factor (1 - beta): v = beta*v + dW is "
                                          "the other convention, which scales the steps by 1/(1 - beta).",
                     take=lambda b: 1.0),
             mistake("beta-swapped", "beta and 1 - beta are swapped: the previous velocity keeps the weight beta, "
                                     "the new gradient gets 1 - beta.", keep=lambda b: 1 - b, take=lambda b: b),
             mistake("old-velocity", "the parameters move with the velocity of the previous step; update v first, "
                                     "then step with the new v.", step_with="old"),
             mistake("steps-with-gradient", "the parameters move by the gradient, not by the velocity; the step of "
                                            "momentum is learning_rate * v.", step_with="grad"),
             mistake("bias-moved-by-dW", BIAS_BY_DW, biases="dW"),
             mistake("same-layer-every-time", LAYER_2, layers="layer-2")]),
    Exercise("initialize_rmsprop", initialize_rmsprop, visible=[call("the seed-1 network", public.optimizer_test_case()[0])],
             hidden=parameter_cases(seed=35), mistakes=INIT_MISTAKES, explain=explain_init),
    _update("update_parameters_with_rmsprop", update_parameters_with_rmsprop, ["s"],
            ["beta2", "learning_rate", "epsilon"], 42,
            _steps_visible("update_parameters_with_rmsprop",
                           [("the seed-1 network, beta2=0.999, learning_rate=0.01, epsilon=1e-8",
                             dict(beta2=0.999, learning_rate=0.01, epsilon=1e-8)),
                            ("the same with a large epsilon=0.3, to show where epsilon goes",
                             dict(beta2=0.999, learning_rate=0.01, epsilon=0.3))]),
            [mistake("no-square", "s averages the gradients instead of their squares; use (1 - beta2) * dW**2.",
                     square=False),
             mistake("no-root", "the step divides by s + epsilon; divide by the root of the average, "
                                "np.sqrt(s) + epsilon.", root=False),
             mistake("epsilon-inside-root", "epsilon is added inside the square root; it goes outside: "
                                            "np.sqrt(s) + epsilon.", eps="inside"),
             mistake("no-epsilon", "the step divides by np.sqrt(s) alone; add epsilon to it, so that a zero average "
                                   "cannot divide by zero.", eps="none"),
             mistake("beta-swapped", "beta2 and 1 - beta2 are swapped: the previous average keeps the weight beta2, "
                                     "the new squared gradient gets 1 - beta2.", swapped=True),
             mistake("bias-moved-by-dW", BIAS_BY_DW, biases="dW"),
             mistake("same-layer-every-time", LAYER_2, layers="layer-2")]),
    Exercise("initialize_adam", initialize_adam, visible=[call("the seed-1 network", public.optimizer_test_case()[0])],
             hidden=parameter_cases(seed=32), mistakes=INIT_MISTAKES, separate_results=True, explain=explain_init),
    _update("update_parameters_with_adam", update_parameters_with_adam, ["v", "s"],
            ["learning_rate", "beta1", "beta2", "epsilon"], 43,
            _steps_visible("update_parameters_with_adam",
                           [("the seed-1 network at t=2, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8",
                             dict(t=2, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8)),
                            ("the same at t=3 with a large epsilon=0.3, to show where epsilon goes",
                             dict(t=3, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=0.3))]),
            [mistake("epsilon-inside-root", "epsilon is added inside the square root; it goes outside: "
                                            "np.sqrt(s_corrected) + epsilon.", eps="inside"),
             mistake("no-epsilon", "the step divides by np.sqrt(s_corrected) alone; add epsilon to it.", eps="none"),
             mistake("no-bias-correction", "the step uses v and s without bias correction; divide them by "
                                           "(1 - beta1**t) and (1 - beta2**t).", correct="none"),
             mistake("s-not-corrected", "only v is bias-corrected; s needs its own correction, "
                                        "s / (1 - beta2**t).", correct="v-only"),
             mistake("correction-without-t", "the correction is 1 - beta, without the power t; it is 1 - beta**t.",
                     exponent="one"),
             mistake("correction-uses-layer", "the correction raises beta to the layer number; it is raised to t, "
                                              "the number of the update: 1 - beta**t.", exponent="layer"),
             mistake("correction-squared", "the correction is 1 - beta**2, as if t were always 2; it is "
                                           "1 - beta**t.", exponent="two"),
             mistake("correction-power-outside", "the correction is (1 - beta)**t; the power applies to beta "
                                                 "alone: 1 - beta**t.", exponent="outside"),
             mistake("s-averaged-with-beta1", "s is averaged with beta1; the average of the squared gradients "
                                              "uses beta2.", s_beta="beta1"),
             mistake("beta1-in-second-correction", "s is corrected with beta1; its correction is 1 - beta2**t.",
                     s_correction="beta1"),
             mistake("no-root", "the step divides by s_corrected + epsilon; divide by its square root, "
                                "np.sqrt(s_corrected) + epsilon.", root=False),
             mistake("stores-corrected", "the bias-corrected values are stored back into v and s; keep v and s "
                                         "uncorrected for the next step and use the corrected ones only for this "
                                         "step.", store_corrected=True),
             mistake("t-off-by-one", "the bias correction uses t + 1; t is already the number of this update "
                                     "(1 for the first one), so use it as given.", t_shift=1),
             mistake("bias-moved-by-dW", BIAS_BY_DW, biases="dW"),
             mistake("same-layer-every-time", LAYER_2, layers="layer-2")],
            pass_t=True),
]
