"""Chapter 5's own tests: the notebook reproduces the end points that the
course's source notes print for Beale's function (seed 002, section 2.3),
and what the checks' sentences claim about the algorithms is true."""
import re

import numpy as np

from course.checks import ch5_adaptive as checks
from course.checks.networks import layer_dims, random_parameters

# The rows of the notebook's table: the notes' printed end point, then the
# notes' code run here; "same" when they agree to the 8 printed decimals.
ROW = re.compile(r"^(gradient descent|momentum|Adagrad|Adadelta|RMSprop, \d+ steps|Adam)\s+"
                 r"\[([-\d. ]+)\]\s+\[([-\d. ]+)\]\s+(same|differ)\b", re.M)


def outputs_text(nb):
    return "\n".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))


def test_the_notebook_reproduces_the_notes_end_points(reference_runs):
    rows = {name: (printed.split(), here.split(), verdict)
            for name, printed, here, verdict in ROW.findall(outputs_text(reference_runs["ch5_adaptive"]))}
    assert set(rows) == {"gradient descent", "momentum", "Adagrad", "Adadelta", "RMSprop, 300000 steps",
                         "RMSprop, 900000 steps", "Adam"}, rows
    notes = {"gradient descent": ["2.70735828", "0.41689171"], "momentum": ["2.96324633", "0.49067782"],
             "Adagrad": ["-0.69240717", "1.76233766"], "Adadelta": ["2.9386002", "0.45044889"],
             "RMSprop, 300000 steps": ["2.70162562", "0.41500366"], "RMSprop, 900000 steps": ["2.9082809", "0.47616156"]}
    for name, printed in notes.items():
        assert rows[name] == (printed, printed, "same"), (name, rows[name])
    # Adam with beta2 = 0.8 is not reproducible to the digit; it ends near the minimum, as the notes' does.
    printed, here, verdict = rows["Adam"]
    assert printed == ["2.99999965", "0.50000329"] and verdict == "differ"
    assert np.allclose([float(v) for v in here], [3.0, 0.5], atol=1e-4)


def test_adadelta_without_epsilon_in_the_numerator_never_moves_from_zero():
    """What the sentence of no-epsilon-in-numerator says."""
    rng = np.random.RandomState(0)
    parameters, _ = random_parameters(layer_dims(rng, 3), rng)
    s, delta = checks.initialize_adadelta(parameters)
    moved = dict(parameters)
    for _ in range(5):
        grads = {"d" + k: rng.randn(*w.shape) for k, w in parameters.items()}
        moved, s, delta = checks.update_parameters_with_adadelta(moved, grads, s, delta, numerator_epsilon=False)
    assert all(np.array_equal(moved[k], parameters[k]) for k in parameters)
    assert all(not d.any() for d in delta.values())


def test_adagrad_steps_shrink_like_one_over_root_t_for_a_constant_gradient():
    alpha = 0.1
    for g in (1000.0, 0.001):
        x, s = {"x": np.array([0.0])}, {"dx": np.zeros(1)}
        for t in range(1, 401):
            before = x["x"].copy()
            x, s = checks.update_parameters_with_adagrad(x, {"dx": np.array([g])}, s, learning_rate=alpha)
            assert np.isclose(abs(x["x"] - before)[0], alpha / np.sqrt(t), rtol=1e-4)   # epsilon: 1e-5 of g = 0.001


def test_the_reference_rules_work_on_any_keys():
    """The Beale point {"x": ...} is updated like a network's parameters."""
    point, grads = {"x": np.array([3.0, 4.0])}, {"dx": np.array([1.0, -2.0])}
    moved, s = checks.update_parameters_with_adagrad(point, grads, checks.initialize_adagrad(point), learning_rate=0.1)
    assert np.allclose(moved["x"], [2.9, 4.1]) and np.allclose(s["dx"], [1.0, 4.0])
    moved, s, delta = checks.update_parameters_with_adadelta(point, grads, *checks.initialize_adadelta(point), rho=0.9,
                                                             epsilon=1e-6)
    step = -np.sqrt(1e-6) / np.sqrt(0.1 * grads["dx"] ** 2 + 1e-6) * grads["dx"]
    assert np.allclose(moved["x"], point["x"] + step) and np.allclose(delta["dx"], 0.1 * step ** 2)
