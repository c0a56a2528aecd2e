"""Sample answers for chapter 1, written the way students write them."""
GD, MB = "update_parameters_with_gd", "random_mini_batches"
GD_CELL, MB_CELL = GD + "-code", MB + "-code"
REFERENCE = {GD_CELL: "reference", MB_CELL: "reference"}

GD_WRONG = {
    "flipped-sign": """
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] + learning_rate * grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] + learning_rate * grads["db" + str(l)]
""",
    "biases-not-updated": """
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
""",
    "last-layer-skipped": """
for l in range(1, L):
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
""",
    "first-layer-skipped": """
for l in range(2, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
""",
    "paired-by-position": """
for (name, value), grad in zip(list(parameters.items()), grads.values()):
    parameters[name] = value - learning_rate * grad
""",
    "bias-moved-by-dW": """
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["dW" + str(l)]
""",
    "same-layer-every-time": """
for l in range(L):
    parameters["W" + str(1 + 1)] = parameters["W" + str(1 + 1)] - learning_rate * grads["dW" + str(1 + 1)]
    parameters["b" + str(1 + 1)] = parameters["b" + str(1 + 1)] - learning_rate * grads["db" + str(1 + 1)]
""",
    "no-learning-rate": """
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] - grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - grads["db" + str(l)]
""",
}

MB_WRONG = {
    "dropped-last-batch": """
for k in range(num_complete_minibatches):
    mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
    mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
    mini_batches.append((mini_batch_X, mini_batch_Y))
""",
    "labels-not-shuffled": """
for k in range(0, m, mini_batch_size):
    mini_batches.append((shuffled_X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]))
""",
    "empty-last-batch": """
for k in range(num_complete_minibatches):
    mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                         shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
mini_batches.append((shuffled_X[:, num_complete_minibatches * mini_batch_size:],
                     shuffled_Y[:, num_complete_minibatches * mini_batch_size:]))
""",
    "not-shuffled": """
for k in range(0, m, mini_batch_size):
    mini_batches.append((X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]))
""",
    "labels-from-X": """
for k in range(num_complete_minibatches):
    mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
    mini_batch_Y = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
    mini_batches.append((mini_batch_X, mini_batch_Y))
if m % mini_batch_size != 0:
    mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
    mini_batch_Y = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
    mini_batches.append((mini_batch_X, mini_batch_Y))
""",
    "same-first-batch": """
for k in range(num_complete_minibatches):
    mini_batch_X = shuffled_X[:, 0:mini_batch_size]
    mini_batch_Y = shuffled_Y[:, 0:mini_batch_size]
    mini_batches.append((mini_batch_X, mini_batch_Y))
if m % mini_batch_size != 0:
    mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
    mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:]
    mini_batches.append((mini_batch_X, mini_batch_Y))
""",
    "overlapping-batches": """
for k in range(num_complete_minibatches):
    mini_batch_X = shuffled_X[:, k:k + mini_batch_size]
    mini_batch_Y = shuffled_Y[:, k:k + mini_batch_size]
    mini_batches.append((mini_batch_X, mini_batch_Y))
if m % mini_batch_size != 0:
    mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
    mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:]
    mini_batches.append((mini_batch_X, mini_batch_Y))
""",
    "last-batch-shifted": """
for k in range(num_complete_minibatches):
    mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                         shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
r = m % mini_batch_size
if r != 0:
    mini_batches.append((shuffled_X[:, -r - 1:-1], shuffled_Y[:, -r - 1:-1]))
""",
    "last-batch-from-k": """
for k in range(num_complete_minibatches):
    mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                         shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
if m % mini_batch_size != 0:
    mini_batches.append((shuffled_X[:, k * mini_batch_size:], shuffled_Y[:, k * mini_batch_size:]))
""",
    "loop-variable-after-loop": """
for k in range(num_complete_minibatches):
    mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                         shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
if m % mini_batch_size != 0:
    mini_batches.append((shuffled_X[:, (k + 1) * mini_batch_size:], shuffled_Y[:, (k + 1) * mini_batch_size:]))
""",
    "last-batch-full-size": """
for k in range(num_complete_minibatches):
    mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                         shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
if m % mini_batch_size != 0:
    mini_batches.append((shuffled_X[:, -mini_batch_size:], shuffled_Y[:, -mini_batch_size:]))
""",
}

# Correct answers in another style than the reference: must get full marks.
GD_IN_PLACE = """
for l in range(1, L + 1):
    parameters["W%d" % l] -= learning_rate * grads["dW%d" % l]
    parameters["b%d" % l] -= learning_rate * grads["db%d" % l]
"""
MB_COMPREHENSION = """
mini_batches = [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
                for k in range(0, m, mini_batch_size)]
"""

# Two mistakes at once: moved up the gradient, biases left alone.
GD_TWO_MISTAKES = """
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] + learning_rate * grads["dW" + str(l)]
"""
# A mistake the catalogue does not know: each bias moves by the sum of its gradient.
GD_SUMMED_BIAS = """
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * np.sum(grads["db" + str(l)])
"""

# A correct answer that writes a library-style warning to stderr. nbgrader
# zeroes a test cell with any stderr; here a test cell's outputs are the
# grader's verdict, so the warning costs nothing.
GD_WITH_WARNING = """
import warnings
warnings.warn("this call will change in a future release", FutureWarning)
for l in range(1, L + 1):
    parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
    parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
"""


def _pair(gd_mistake, mb_mistake, demo=False):
    """One student who makes one mistake in each exercise."""
    return {"student": "%s__%s" % (gd_mistake.replace("-", "_"), mb_mistake.replace("-", "_")),
            "answers": {GD_CELL: GD_WRONG[gd_mistake], MB_CELL: MB_WRONG[mb_mistake]},
            "expect": {GD: gd_mistake, MB: mb_mistake}, "demo": demo}


SAMPLES = [
    {"student": "reference", "answers": REFERENCE, "expect": {GD: "full", MB: "full"}, "demo": True},
    {"student": "untouched_release", "answers": {}, "expect": {GD: "zero", MB: "zero"}, "demo": True},
    {"student": "other_style", "answers": {GD_CELL: GD_IN_PLACE, MB_CELL: MB_COMPREHENSION},
     "expect": {GD: "full", MB: "full"}, "demo": True},
    {"student": "correct_with_warning", "answers": {GD_CELL: GD_WITH_WARNING, MB_CELL: "reference"},
     "expect": {GD: "full", MB: "full"}},
    _pair("flipped-sign", "dropped-last-batch", demo=True),
    _pair("biases-not-updated", "labels-not-shuffled", demo=True),
    _pair("last-layer-skipped", "empty-last-batch", demo=True),
    _pair("paired-by-position", "not-shuffled"),
    _pair("no-learning-rate", "last-batch-full-size"),
    {"student": "first_layer_skipped", "answers": {GD_CELL: GD_WRONG["first-layer-skipped"], MB_CELL: "reference"},
     "expect": {GD: "first-layer-skipped", MB: "full"}},
    _pair("bias-moved-by-dW", "labels-from-X"),
    _pair("same-layer-every-time", "same-first-batch"),
    {"student": "two_gd_mistakes__overlapping_batches",
     "answers": {GD_CELL: GD_TWO_MISTAKES, MB_CELL: MB_WRONG["overlapping-batches"]},
     "expect": {GD: ("flipped-sign", "biases-not-updated"), MB: "overlapping-batches"}},
    {"student": "summed_bias__last_batch_shifted",
     "answers": {GD_CELL: GD_SUMMED_BIAS, MB_CELL: MB_WRONG["last-batch-shifted"]},
     "expect": {GD: {"diagnosis": "b1 differs"}, MB: "last-batch-shifted"}},
    {"student": "last_batch_from_k", "answers": {GD_CELL: "reference", MB_CELL: MB_WRONG["last-batch-from-k"]},
     "expect": {GD: "full", MB: "last-batch-from-k"}},
    {"student": "loop_variable_after_loop",
     "answers": {GD_CELL: "reference", MB_CELL: MB_WRONG["loop-variable-after-loop"]},
     "expect": {GD: "full", MB: "loop-variable-after-loop"}},
]
