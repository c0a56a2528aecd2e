"""Unit tests of the shared helpers that the notebooks import."""
import numpy as np
import pytest

import opt_utils
import testCases as tc


# ------------------------------------------------------------ opt_utils

def test_moons_follow_the_original_seed_and_shapes():
    X, Y = opt_utils.load_dataset()
    X2, Y2 = opt_utils.load_dataset()
    assert X.shape == (2, 300) and Y.shape == (1, 300)
    assert np.array_equal(X, X2) and set(np.unique(Y)) == {0, 1}


def test_he_initialisation_shapes_and_scale():
    p = opt_utils.initialize_parameters([2, 5, 2, 1])
    assert [p[k].shape for k in ("W1", "b1", "W2", "b2", "W3", "b3")] == [(5, 2), (5, 1), (2, 5), (2, 1), (1, 2), (1, 1)]
    np.random.seed(3)
    assert np.allclose(p["W1"], np.random.randn(5, 2) * np.sqrt(2 / 2))
    assert not any(p["b%d" % l].any() for l in (1, 2, 3))


def test_backward_propagation_matches_numerical_gradients():
    rng = np.random.RandomState(0)
    X, Y = rng.randn(2, 7), (rng.rand(1, 7) > 0.5).astype(float)
    p = opt_utils.initialize_parameters([2, 5, 2, 1])
    a3, cache = opt_utils.forward_propagation(X, p)
    grads = opt_utils.backward_propagation(X, Y, cache)
    eps = 1e-6
    for key in ("W1", "b1", "W2", "b2", "W3", "b3"):
        num = np.zeros_like(p[key])
        for idx in np.ndindex(p[key].shape):
            old = p[key][idx]
            p[key][idx] = old + eps
            plus = opt_utils.compute_cost(opt_utils.forward_propagation(X, p)[0], Y)
            p[key][idx] = old - eps
            minus = opt_utils.compute_cost(opt_utils.forward_propagation(X, p)[0], Y)
            p[key][idx] = old
            num[idx] = (plus - minus) / (2 * eps)
        assert tc.rel_error(num, grads["d" + key]) < 1e-5 or np.abs(num - grads["d" + key]).max() < 1e-9, key


def test_predict_runs_on_numpy_2_and_returns_ints(capsys):
    X, Y = opt_utils.load_dataset()
    p = opt_utils.predict(X, Y, opt_utils.initialize_parameters([2, 5, 2, 1]))
    assert p.shape == (1, 300) and p.dtype.kind == "i"
    assert "Accuracy" in capsys.readouterr().out


# ------------------------------------------------------------ test-case builders

def test_mini_batch_case_matches_the_original():
    X, Y, size = tc.random_mini_batches_test_case()
    assert X.shape == (12288, 148) and Y.shape == (1, 148) and Y.dtype == bool and size == 64


def test_gd_cases_cover_1_to_4_layers_and_reordered_keys():
    cases = tc.gd_update_cases(seed=1)
    layers = {len(p) // 2 for _, (p, g, lr) in cases}
    assert layers == {1, 2, 3, 4}
    assert any(list(g) != ["d" + k for k in p] for _, (p, g, lr) in cases)


# ------------------------------------------------------------ comparison

def test_first_difference_names_place_and_size_not_values():
    expected = {"W1": np.array([[0.123456, 2.0]]), "b1": np.zeros((1, 1))}
    assert tc.first_difference({k: v.copy() for k, v in expected.items()}, expected) is None
    msg = tc.first_difference({"W1": np.array([[0.5, 2.0]]), "b1": np.zeros((1, 1))}, expected)
    assert "'W1'" in msg and "1 of 2 entries" in msg and "0.123456" not in msg
    assert "missing the key 'b1'" in tc.first_difference({"W1": expected["W1"]}, expected)
    assert "shape (2,)" in tc.first_difference(np.zeros(2), np.zeros(3))
    assert "has 2 items, expected 3" in tc.first_difference([1, 2], [1, 2, 3])


def test_check_against_reference_names_a_matching_mistake():
    cases = [("x", (np.arange(3.0),))]
    mistakes = {"doubled": ("it doubles.", lambda x: 2 * x), "negated": ("it negates.", lambda x: -x)}
    with pytest.raises(AssertionError, match=r"known mistake \[negated\]"):
        tc.check_against_reference(lambda x: -x, lambda x: x + 1, cases, mistakes)
    with pytest.raises(AssertionError, match="wrong values"):
        tc.check_against_reference(lambda x: x * 7, lambda x: x + 1, cases, mistakes)
    with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
        tc.check_against_reference(lambda x: 1 // 0, lambda x: x, cases)
    tc.check_against_reference(lambda x: x + 1, lambda x: x + 1, cases, mistakes)


def test_check_against_reference_accepts_in_place_updates():
    def in_place(d):
        d["a"] += 1
        return d
    tc.check_against_reference(in_place, lambda d: {"a": d["a"] + 1}, [("d", ({"a": np.ones(2)},))])


def test_check_against_reference_hides_warnings(recwarn):
    def noisy(x):
        return np.log(x - x) * 0 + x   # -inf * 0 -> nan with a RuntimeWarning
    with pytest.raises(AssertionError):
        tc.check_against_reference(noisy, lambda x: x, [("x", (np.ones(2),))])
    assert len(recwarn) == 0


@pytest.mark.parametrize("mutate,expect", [
    (lambda b: b[:-1], "are in no mini-batch"),
    (lambda b: b + [(b[0][0][:, :0], b[0][1][:, :0])], "is empty"),
    (lambda b: [(x, y[:, ::-1]) for x, y in b], "not the labels"),
    (lambda b: b + [b[0]], "more than one mini-batch"),
])
def test_mini_batch_problems_explains_each_defect(mutate, expect):
    X, Y = tc.indexed_data(12)
    perm = np.random.RandomState(0).permutation(12)
    good = [(X[:, perm[k:k + 4]], Y[:, perm[k:k + 4]]) for k in range(0, 12, 4)]
    assert tc.mini_batch_problems(good, X, Y, 4) is None
    assert expect in tc.mini_batch_problems(mutate(good), X, Y, 4)


def test_a_mistake_that_explains_every_case_wins_over_a_coincidence():
    """On x=0 both mistakes give 0; only 'squared' matches the answer on x=3."""
    cases = [("zero", (np.zeros(1),)), ("three", (np.full(1, 3.0),))]
    mistakes = {"doubled": ("it doubles.", lambda x: 2 * x), "squared": ("it squares.", lambda x: x * x)}
    with pytest.raises(AssertionError, match=r"Case 1 of 2 .*known mistake \[squared\]"):
        tc.check_against_reference(lambda x: x * x, lambda x: x + 1, cases, mistakes)


def test_changing_an_input_is_a_named_mistake_only_when_asked():
    def overwrite(x):
        x[:] = x * 2
        return x
    cases = [("x", (np.arange(3.0),))]
    with pytest.raises(AssertionError, match=r"known mistake \[%s\]" % tc.CHANGED_INPUT):
        tc.check_against_reference(overwrite, lambda x: x * 2, cases, inputs_unchanged=True)
    tc.check_against_reference(overwrite, lambda x: x * 2, cases)       # in-place updates allowed
    tc.check_against_reference(lambda x: x * 2, lambda x: x * 2, cases, inputs_unchanged=True)


def test_also_correct_gives_carried_forward_credit_and_says_so(capsys):
    cases = [("x", (np.arange(3.0),))]
    note = ("built on your own step 1", lambda x: x + 5)
    tc.check_against_reference(lambda x: x + 5, lambda x: x + 1, cases, also_correct=note)
    assert "built on your own step 1" in capsys.readouterr().out
    tc.check_against_reference(lambda x: x + 1, lambda x: x + 1, cases, also_correct=note)
    assert "built on your own" not in capsys.readouterr().out
    with pytest.raises(AssertionError, match="wrong values"):
        tc.check_against_reference(lambda x: x + 9, lambda x: x + 1, cases, also_correct=note)


def test_ewa_cases_cover_the_edge_cases_the_chapter_promises():
    cases = tc.ewa_cases(seed=7)
    thetas = [theta for _, (theta, _) in cases]
    betas = {beta for _, (_, beta) in cases}
    assert 0.0 in betas and max(betas) >= 0.999
    assert any(len(t) == 1 for t in thetas)
    assert any(isinstance(t, list) for t in thetas) and any(isinstance(t, np.ndarray) for t in thetas)
    assert any(isinstance(t, list) and all(isinstance(x, int) for x in t) for t in thetas)
    assert all(np.array_equal(a, b) for a, (_, (b, _)) in zip(thetas, tc.ewa_cases(seed=7)))  # seeded


# ------------------------------------------------------------ data

def test_temperature_data_is_the_recorded_file_and_loads_by_year():
    import hashlib
    from conftest import REPO
    readme = (REPO / "data" / "README.md").read_text()
    digest = hashlib.sha256((REPO / "data" / "seattle-weather.csv").read_bytes()).hexdigest()
    assert digest in readme, "data/seattle-weather.csv no longer matches the hash in data/README.md"
    dates, values = opt_utils.load_temperatures(2014)
    assert len(values) == 365 and str(dates[0]) == "2014-01-01" and str(dates[-1]) == "2014-12-31"
    assert -20 < values.min() < values.max() < 45       # degrees Celsius, not Fahrenheit
    assert len(opt_utils.load_temperatures(None)[1]) == 1461
    with pytest.raises(ValueError, match="2012 to 2015"):
        opt_utils.load_temperatures(1999)


def test_a_mistake_that_crashes_the_same_way_is_named():
    """1 / (rate * epoch) fails at epoch 0 like the mistake it is; a crash
    that no mistake explains is reported as a crash."""
    cases = [("epoch 0", (0,)), ("epoch 3", (3,))]
    mistakes = {"no-one-plus": ("the 1 + is missing.", lambda e: 1 / (0.5 * e))}
    with pytest.raises(AssertionError, match=r"Case 1 of 2 .*known mistake \[no-one-plus\].*raised ZeroDivisionError"):
        tc.check_against_reference(lambda e: 1 / (0.5 * e), lambda e: 1 / (1 + 0.5 * e), cases, mistakes)
    with pytest.raises(AssertionError, match=r"Case 1 of 2 \(epoch 0\): the function raised ZeroDivisionError"):
        tc.check_against_reference(lambda e: 3 / e, lambda e: 1 / (1 + 0.5 * e), cases, mistakes)
