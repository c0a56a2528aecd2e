"""Shared helpers for the optimization chapters: data, a 3-layer network, plots.

This file is the single source of truth. `course build` copies it into every
assignment folder, and a test fails if a copy drifts.

The seeds and shapes follow the original programming assignment, so that its
result tables can be reproduced:
  * load_dataset: np.random.seed(3), make_moons(n_samples=300, noise=.2)
  * initialize_parameters: np.random.seed(3), He initialisation, zero biases
  * network: LINEAR -> ReLU -> LINEAR -> ReLU -> LINEAR -> sigmoid
"""
import csv
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt


# ---------------------------------------------------------------- data

def load_dataset(is_plot=False):
    """The 'moons' training set: X of shape (2, 300), Y of shape (1, 300)."""
    # Imported here, not at the top: scikit-learn takes about 2 s to import,
    # and only this function needs it (chapter 2 never does).
    import sklearn.datasets
    np.random.seed(3)
    X, Y = sklearn.datasets.make_moons(n_samples=300, noise=.2)
    if is_plot:
        plot_dataset(X.T, Y.reshape(1, -1))
    return X.T, Y.reshape((1, Y.shape[0]))


def plot_dataset(X, Y, ax=None):
    """Scatter a 2-D data set, coloured by its 0/1 labels."""
    ax = ax or plt.gca()
    ax.scatter(X[0, :], X[1, :], c=Y.ravel(), s=20, cmap=plt.cm.Spectral,
               edgecolors="k", linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def load_temperatures(year=2014, column="temp_max"):
    """Daily temperatures at Seattle in degrees Celsius, from NOAA (see data/README.md).

    year   -- 2012, 2013, 2014 or 2015; None gives all four years
    column -- "temp_max" (the day's high) or "temp_min" (the day's low)

    Returns (dates, values): numpy datetime64[D] dates and a float array.
    """
    name = "seattle-weather.csv"
    here = Path(__file__).resolve().parent
    # beside this file in an assignment folder; under data/ in the course repo
    path = next((p for p in (here / name, here / "data" / name) if p.is_file()), None)
    if path is None:
        raise FileNotFoundError("%s is missing: it ships beside opt_utils.py" % name)
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if year is None or r["date"].startswith("%d/" % year)]
    if not rows:
        raise ValueError("no temperatures for year %r; the data covers 2012 to 2015" % (year,))
    dates = np.array([r["date"].replace("/", "-") for r in rows], dtype="datetime64[D]")
    return dates, np.array([float(r[column]) for r in rows])


# ---------------------------------------------------------------- the network

def sigmoid(z):
    # exp overflows to inf for very negative z; 1/(1+inf) = 0 is the right limit.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def relu(z):
    return np.maximum(0, z)


def initialize_parameters(layers_dims):
    """He initialisation: W[l] ~ randn * sqrt(2 / n[l-1]), b[l] = 0 (seed 3)."""
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = (np.random.randn(layers_dims[l], layers_dims[l - 1])
                                    * np.sqrt(2 / layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def forward_propagation(X, parameters):
    """LINEAR -> ReLU -> LINEAR -> ReLU -> LINEAR -> sigmoid. Returns (a3, cache)."""
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]

    z1 = W1 @ X + b1
    a1 = relu(z1)
    z2 = W2 @ a1 + b2
    a2 = relu(z2)
    z3 = W3 @ a2 + b3
    a3 = sigmoid(z3)

    cache = (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)
    return a3, cache


def compute_cost(a3, Y):
    """Mean cross-entropy of the predictions a3 against the labels Y."""
    m = Y.shape[1]
    # log(0) gives -inf and 0 * -inf gives nan; both are the honest value of a
    # saturated prediction, and the warnings would only clutter the output.
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    return float(np.sum(logprobs) / m)


def backward_propagation(X, Y, cache):
    """Gradients of the mean cross-entropy, keyed dW1, db1, ..., dW3, db3."""
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache

    dz3 = (a3 - Y) / m
    dW3 = dz3 @ a2.T
    db3 = np.sum(dz3, axis=1, keepdims=True)

    da2 = W3.T @ dz3
    dz2 = da2 * (a2 > 0)
    dW2 = dz2 @ a1.T
    db2 = np.sum(dz2, axis=1, keepdims=True)

    da1 = W2.T @ dz2
    dz1 = da1 * (a1 > 0)
    dW1 = dz1 @ X.T
    db1 = np.sum(dz1, axis=1, keepdims=True)

    return {"dz3": dz3, "dW3": dW3, "db3": db3,
            "da2": da2, "dz2": dz2, "dW2": dW2, "db2": db2,
            "da1": da1, "dz1": dz1, "dW1": dW1, "db1": db1}


def predict_dec(parameters, X):
    """Boolean predictions (a3 > 0.5), shape (1, m). Used to draw boundaries."""
    a3, _ = forward_propagation(X, parameters)
    return a3 > 0.5


def predict(X, y, parameters, verbose=True):
    """0/1 predictions of shape (1, m); prints the accuracy against y."""
    p = predict_dec(parameters, X).astype(int)
    if verbose:
        print("Accuracy: " + str(np.mean(p[0, :] == y[0, :])))
    return p


def accuracy(X, Y, parameters):
    """Fraction of examples in X whose predicted label equals Y."""
    return float(np.mean(predict_dec(parameters, X) == Y))


# ---------------------------------------------------------------- plots

def plot_decision_boundary(model, X, y, ax=None, title=None):
    """Shade the plane by model(points) and overlay the data set.

    model takes an (n, 2) array of points and returns one label per point.
    """
    ax = ax or plt.gca()
    x_min, x_max = X[0, :].min() - 1, X[0, :].max() + 1
    y_min, y_max = X[1, :].min() - 1, X[1, :].max() + 1
    h = 0.01
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
    Z = np.asarray(model(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    ax.contourf(xx, yy, Z, cmap=plt.cm.Spectral, alpha=0.8)
    plot_dataset(X, y, ax=ax)
    if title:
        ax.set_title(title)
    return ax


def plot_costs(curves, xlabel="epoch", ylabel="cost", title=None, ax=None, logy=False):
    """Plot several cost curves on one axis. curves maps a label to a sequence."""
    return plot_lines(curves, None, xlabel, ylabel, title, ax, logy)


def plot_lines(curves, x=None, xlabel="", ylabel="", title=None, ax=None, logy=False):
    """Plot several labelled sequences against x (default 0, 1, 2, ...) on one axis."""
    ax = ax or plt.gca()
    for label, values in curves.items():
        ax.plot(np.arange(len(values)) if x is None else x, values, label=label, linewidth=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def sliders(draw, **controls):
    """Show ipywidgets `controls` (name -> slider) above an empty area; each
    time one moves, draw(**values) draws its figure there.

    Nothing is drawn until a slider moves, so a notebook run with no browser
    (nbconvert, a grader) never writes into a widget's output: that write can
    leave nbclient waiting for ever (jupyter/nbclient#312).
    """
    import ipywidgets as widgets   # here, not above: only the sliders need it
    from IPython.display import display
    area = widgets.Output()

    def redraw(change):
        with area:
            area.clear_output(wait=True)
            draw(**{name: control.value for name, control in controls.items()})
            plt.show()

    for control in controls.values():
        control.observe(redraw, "value")
    display(widgets.VBox([widgets.HBox(list(controls.values())),
                          widgets.Label("Move a slider to draw the figure for its settings."), area]))
