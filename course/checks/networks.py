"""Cases and diagnoses shared by the chapters whose functions take a
network's parameters: dicts {"W1": ..., "b1": ..., "WL": ..., "bL": ...} and
gradients or optimizer states keyed "dW1", "db1", ..."""
import numpy as np

from . import public


def random_parameters(layer_dims, rng):
    """Random parameters and matching gradients for a net with these layer sizes."""
    parameters, grads = {}, {}
    for l in range(1, len(layer_dims)):
        shape_W, shape_b = (layer_dims[l], layer_dims[l - 1]), (layer_dims[l], 1)
        parameters["W%d" % l] = rng.randn(*shape_W)
        parameters["b%d" % l] = rng.randn(*shape_b)
        grads["dW%d" % l] = rng.randn(*shape_W)
        grads["db%d" % l] = rng.randn(*shape_b)
    return parameters, grads


def reorder(d, rng):
    """The same dict with its keys inserted in a shuffled order."""
    keys = list(d)
    rng.shuffle(keys)
    return {k: d[k] for k in keys}


def layer_dims(rng, n_layers, square=False):
    """Sizes of a net with n_layers layers, 1 to 5 units each; all equal if
    square, so that pairing a parameter with the wrong gradient gives wrong
    values rather than a shape error."""
    dims = [int(n) for n in rng.randint(1, 6, size=n_layers + 1)]
    return [max(dims[0], 2)] * (n_layers + 1) if square else dims


def _join(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explain_parameters(got, expected, before, name="the parameters"):
    """What is wrong with updated parameters, key by key, or None if they
    are right or not a dict. `before`: the parameters the update started from."""
    if not isinstance(got, dict) or not isinstance(expected, dict):
        return None
    missing = [k for k in expected if k not in got]
    if missing:
        return "%s have no %s" % (name, _join(missing))
    said = []
    for key in expected:
        if public.first_difference(got[key], expected[key]) is None:
            continue
        shape = np.shape(got[key]) if not isinstance(got[key], (dict, str, public.Unsupported)) else None
        weight = "W" + key[1:]
        if key.startswith("b") and weight in expected and shape == np.shape(expected[weight]) != np.shape(expected[key]):
            said.append("%s has the shape of %s, %s: it was moved by d%s, the weight's gradient, instead of d%s"
                        % (key, weight, shape, weight, key))
        elif before is not None and key in before and public.first_difference(got[key], before[key]) is None:
            said.append("%s was not updated" % key)
        else:
            said.append("%s differs" % key)
    return "; ".join(said) or None


def explain_state(got, expected, name):
    """Which keys of an optimizer state (v or s) are wrong, or None."""
    if not isinstance(got, dict):
        return "%s should be a dict keyed like the gradients, got %s" % (name, type(got).__name__)
    if set(got) != set(expected):
        return "%s has the keys %s; it should have the gradients' keys %s" % (
            name, _join(sorted(map(str, got))) if got else "none", _join(sorted(expected)))
    wrong = []
    for key in expected:
        diff = public.first_difference(got[key], expected[key], "%s[%r]" % (name, key))
        if diff is None:
            continue
        if "shape" in diff and key.startswith("db") and np.shape(got[key]) == np.shape(expected["dW" + key[2:]]):
            return "%s[%r] has the shape of %s[%r]: it was made from W%s instead of b%s" % (
                name, key, name, "dW" + key[2:], key[2:], key[2:])
        wrong.append(key)
    return "%s differs in %s" % (name, _join(wrong)) if wrong else None
