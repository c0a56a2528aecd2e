"""Unit tests of the helpers: opt_utils, the answer format and visible tests
of testCases.py, and the judge of course/checks/ on small made-up exercises."""
import json

import numpy as np
import pytest

import opt_utils
from course.checks import call, Exercise, judge, mistake, public as tc


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


# ------------------------------------------------------------ the visible cases

def test_the_original_cases_keep_their_seeds_and_shapes():
    X, Y, size = tc.random_mini_batches_test_case()
    assert X.shape == (12288, 148) and Y.shape == (1, 148) and Y.dtype == bool and size == 64
    parameters, grads, learning_rate = tc.update_parameters_with_gd_test_case()
    assert list(parameters) == ["W1", "b1", "W2", "b2"] and learning_rate == 0.01
    assert parameters["W1"][0, 0] == pytest.approx(1.62434536)   # np.random.seed(1), first draw


def test_the_reordered_case_pairs_wrongly_by_position():
    parameters, grads, _ = tc.reordered_gradients_test_case()
    assert [k[1:] for k in grads] != list(parameters) and sorted(grads) == sorted("d" + k for k in parameters)


# ------------------------------------------------------------ the answer format

VALUES = [None, True, 3, -2.5, float("nan"), float("inf"), "text", [1, [2.0]], (1, (2, 3)),
          {"W1": np.arange(6.0).reshape(2, 3), 2: np.array([True, False]), (1, 2): np.int64(4)},
          np.zeros((0, 3)), np.arange(4, dtype=np.int32), np.float32(1.5)]


@pytest.mark.parametrize("value", VALUES, ids=[type(v).__name__ for v in VALUES])
def test_encode_and_decode_give_back_the_value(value):
    back = tc.decode(json.loads(json.dumps(tc.encode(value))))
    assert tc.first_difference(back, value) is None
    assert type(back) is (float if isinstance(value, np.floating) else int if isinstance(value, np.integer)
                          else type(value))


def test_an_object_with_no_plain_form_is_unsupported_and_matches_nothing():
    class Liar:
        def __eq__(self, other):
            return True

        def __array__(self, *args, **kwargs):
            return np.zeros(3)
    back = tc.decode(tc.encode({"W1": Liar()}))
    assert isinstance(back["W1"], tc.Unsupported) and "Liar" in repr(back["W1"])
    assert "not a number" in tc.first_difference(back, {"W1": np.zeros(3)})


def test_an_ndarray_subclass_is_sent_as_its_plain_values():
    class Always(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(self), dtype=bool)
    liar = np.arange(3.0).view(Always)
    back = tc.decode(tc.encode(liar))
    assert type(back) is np.ndarray and back.tolist() == [0.0, 1.0, 2.0]


def test_a_numpy_string_is_the_string_it_holds():
    assert tc.first_difference(np.str_("saddle"), "saddle") is None
    assert tc.digest({"result": np.str_("saddle")}) == tc.digest({"result": "saddle"})
    assert tc.first_difference(np.str_("minimum"), "saddle") and tc.first_difference(None, "saddle")
    assert tc.first_difference("None", None)


def test_a_public_function_travels_by_its_name_and_no_other_function_does():
    sent = json.loads(json.dumps(tc.encode([tc.cubic_slope, {"f": tc.beale}])))
    assert sent[0] == {"function": "cubic_slope"}
    back = tc.decode(sent)
    assert back[0] is tc.cubic_slope and back[1]["f"] is tc.beale

    def cubic_slope(x):   # the same name, but not the registered function
        return 0.0
    assert isinstance(tc.decode(tc.encode(cubic_slope)), tc.Unsupported)
    assert isinstance(tc.decode(tc.encode(lambda x: x)), tc.Unsupported)
    with pytest.raises(tc.Malformed, match="unknown tag"):
        tc.decode({"function": "os.system"})
    assert tc.digest({"result": tc.cubic}) != tc.digest({"result": tc.square})


@pytest.mark.parametrize("data,why", [
    ({"array": ["|O", [1], ""]}, "dtype"),
    ({"array": ["<f8", [3], "AAAA"]}, "bytes"),
    ({"array": ["<f8", [-1], ""]}, "malformed"),
    ({"array": ["<f8", [1], "not base64!"]}, "base64"),
    ({"tuple": [1], "list": [2]}, "unexpected"),
    ({"pickle": "gASVAAAA"}, "unknown tag"),
    ({"dict": [[{"list": []}, 1]]}, "unknown tag"),
    ({"dict": [[[1, 2], 1]]}, "key"),
    ({"float": "1e999"}, "unknown tag"),
])
def test_decode_refuses_what_encode_cannot_write(data, why):
    with pytest.raises(tc.Malformed, match=why):
        tc.decode(data)


def test_decode_refuses_deep_nesting_and_too_many_values():
    deep = 1
    for _ in range(100):
        deep = [deep]
    with pytest.raises(tc.Malformed, match="nested deeper"):
        tc.decode(deep)
    with pytest.raises(tc.Malformed, match="more than"):
        tc.decode(tc.encode(np.zeros(1000)), max_items=100)


def test_a_digest_ignores_float_noise_and_order_but_not_values():
    a = {"W1": np.array([0.1 + 0.2, 1.0]), "b1": np.zeros((2, 1))}
    b = {"b1": np.zeros((2, 1)), "W1": np.array([0.3, 1.0])}
    assert tc.digest({"result": a}) == tc.digest({"result": b})
    assert tc.digest({"result": [1.0, 2.0]}) == tc.digest({"result": np.array([1.0, 2.0])})
    assert tc.digest({"result": a}) != tc.digest({"result": dict(b, W1=np.array([0.3001, 1.0]))})
    assert tc.digest({"error": ["KeyError", "x"]}) == tc.digest({"error": ["KeyError", "y"]})


def test_run_cases_calls_by_name_and_packs_outcomes():
    namespace = {"double": lambda x: 2 * x, "broken": lambda x: 1 / 0, "stub": None}
    request = json.dumps(tc.encode({"calls": [
        {"function": "double", "driver": "call", "input": [[np.arange(3.0)], {}], "keep_args": True},
        {"function": "broken", "driver": "call", "input": [[1], {}]},
        {"function": "stub", "driver": "call", "input": [[1], {}]},
        {"function": "missing", "driver": "call", "input": [[1], {}]}]}))
    out = tc.decode(json.loads(tc.run_cases(request, namespace)))
    assert out[0]["result"].tolist() == [0.0, 2.0, 4.0] and out[0]["args"][0][0].tolist() == [0.0, 1.0, 2.0]
    assert out[1]["error"][0] == "ZeroDivisionError"
    assert out[2]["error"][0] == out[3]["error"][0] == "NameError"


def test_shared_parts_finds_dicts_and_arrays_that_are_one_object():
    z = np.zeros(2)
    assert tc.shared_parts(({"a": z}, {"a": z.copy()})) == []
    assert tc.shared_parts(({"a": z}, {"a": z})) == [["result[0]['a']", "result[1]['a']"]]
    same = {"a": np.zeros(2)}
    assert ["result[0]", "result[1]"] in tc.shared_parts((same, same))


# ------------------------------------------------------------ the judge, on a made-up exercise

def scaled(x, factor=2.0, *, offset=0.0, power=1, crash_at_zero=False):
    """The reference: factor * x, with knobs for its mistakes."""
    if crash_at_zero and not np.any(x):
        raise ZeroDivisionError("x is zero")
    return factor * np.asarray(x, dtype=float) ** power + offset


TOY = Exercise(
    "scaled", scaled,
    visible=[call("x = [1, 2]", np.array([1.0, 2.0]))],
    hidden=[call("x = [0, 0]", np.zeros(2)), call("x = [3, -1]", np.array([3.0, -1.0])),
            call("x = [2], factor 3", np.array([2.0]), 3.0)],
    mistakes=[mistake("plus-one", "one is added.", offset=1.0), mistake("squared", "x is squared.", power=2),
              mistake("crashes", "it divides by x.", crash_at_zero=True)])


def judged(fn, exercise=TOY, cases=None, own=None, carry=True):
    cases = cases or exercise.hidden
    answers, mine = judge.read_answers(exercise, cases, tc.run_cases(judge.request(exercise, cases),
                                                                     dict(own or {}, **{exercise.function: fn})))
    return judge.judge(exercise, cases, answers, mine, carry)


def test_the_reference_passes_and_other_styles_too():
    assert judged(scaled).passed
    assert judged(lambda x, factor=2.0: [factor * float(v) for v in x]).passed   # a list instead of an array


def test_a_known_mistake_is_named_on_the_first_failing_case():
    v = judged(lambda x, factor=2.0: factor * np.asarray(x) + 1)
    assert not v.passed and v.mistakes == ("plus-one",)
    assert v.message.startswith("Case 1 of 3 (x = [0, 0]): known mistake [plus-one]: one is added.")


def test_two_mistakes_made_together_are_both_named():
    v = judged(lambda x, factor=2.0: factor * np.asarray(x) ** 2 + 1)
    assert v.mistakes == ("plus-one", "squared")
    assert "known mistake [plus-one]" in v.message and "known mistake [squared]" in v.message


def test_a_mistake_that_crashes_the_same_way_is_named():
    v = judged(lambda x, factor=2.0: 1 / 0 if not np.any(x) else factor * np.asarray(x))
    assert v.mistakes == ("crashes",)


def test_an_unknown_wrong_answer_is_described_without_naming_a_mistake():
    v = judged(lambda x, factor=2.0: factor * np.asarray(x) - 7)
    assert not v.passed and v.mistakes == () and "known mistake" not in v.message
    assert "wrong values" in v.message and "Case 1 of 3" in v.message


def test_a_mistake_is_named_only_if_it_matches_every_case():
    # "plus-one" on the first case, right on the others: not that mistake
    v = judged(lambda x, factor=2.0: factor * np.asarray(x, dtype=float) + (0 if np.any(x) else 1))
    assert v.mistakes == () and "known mistake" not in v.message


def test_not_written_yet_gets_one_sentence():
    def stub(x, factor=2.0):
        raise NotImplementedError()
    v = judged(stub)
    assert v.message == tc.explain_not_written("scaled")


def test_a_crash_no_mistake_explains_is_reported_as_a_crash():
    v = judged(lambda x, factor=2.0: {}["missing"])
    assert "raised KeyError" in v.message and v.mistakes == ()


def test_changing_an_input_is_a_named_mistake_only_when_asked():
    def overwrite(x, factor=2.0):
        x *= factor
        return x
    guarded = Exercise(**dict(TOY.__dict__, inputs_unchanged=True))
    assert judged(overwrite).passed
    v = judged(overwrite, guarded)
    assert v.mistakes == (tc.CHANGED_INPUT,)


def test_error_carried_forward_gives_credit_and_says_so():
    def build_on(x, factor=2.0, *, base=None):
        return (np.asarray(x, dtype=float) if base is None else np.asarray(base)) + factor
    first = Exercise("build_on", build_on, visible=[], hidden=TOY.hidden, mistakes=[],
                     uses={"base": "scaled"}, carried_note="Built on your own scaled.")
    wrong_scaled = {"scaled": lambda x, factor=2.0: 5 * np.asarray(x)}
    right_on_top = lambda x, factor=2.0: 5 * np.asarray(x) + factor
    v = judged(right_on_top, first, own=wrong_scaled)
    assert v.passed and v.message.endswith("Built on your own scaled.")
    v = judged(right_on_top, first, own=wrong_scaled, carry=False)
    assert not v.passed and "builds on scaled, which is wrong" in v.message
    assert not judged(lambda x, factor=2.0: np.asarray(x) + 9, first, own=wrong_scaled).passed


def test_answers_that_are_not_of_the_form_run_cases_writes_are_refused():
    cases = TOY.hidden
    good = tc.run_cases(judge.request(TOY, cases), {"scaled": scaled})
    judge.read_answers(TOY, cases, good)
    for bad in ["[]", json.dumps(tc.encode([{"result": 1}] * 2)), json.dumps(tc.encode([{"verdict": "pass"}] * 3)),
                json.dumps(tc.encode([{"result": 1, "error": ["E", ""]}] * 3)), "{" * 100000, "x" * 10,
                json.dumps(tc.encode([{"error": "passed"}] * 3))]:
        with pytest.raises(tc.Malformed):
            judge.read_answers(TOY, cases, bad)


# ------------------------------------------------------------ the visible test, kernel side

@pytest.fixture
def toy_checks(tmp_path, monkeypatch):
    """visible_checks.json for TOY, as `course build` writes it."""
    from course.checks import visible
    monkeypatch.setattr(visible, "exercises", lambda assignment: {"scaled": TOY})
    path = tmp_path / "visible_checks.json"
    path.write_text(json.dumps(visible.visible_checks("toy")))
    return str(path)


def test_the_visible_test_passes_the_right_answer_and_returns_it(toy_checks, capsys):
    assert tc.visible_test(scaled, np.array([1.0, 2.0]), checks=toy_checks).tolist() == [2.0, 4.0]
    out = capsys.readouterr().out
    assert "Visible case 1 of 1 for scaled: x = [1, 2]" in out and "All values match." in out


def test_the_visible_test_names_a_known_mistake(toy_checks):
    def scaled(x, factor=2.0):   # the student's, with x squared
        return factor * np.asarray(x) ** 2
    with pytest.raises(AssertionError, match=r"^known mistake \[squared\]: x is squared\.$"):
        tc.visible_test(scaled, np.array([1.0, 2.0]), checks=toy_checks)


def test_the_visible_test_explains_what_it_cannot_name(toy_checks):
    def scaled(x, factor=2.0):   # the release's stub
        raise NotImplementedError()
    with pytest.raises(AssertionError, match="scaled is not written yet"):
        tc.visible_test(scaled, np.array([1.0, 2.0]), checks=toy_checks)

    def scaled(x, factor=2.0):   # the student's, wrong
        return x * 9
    with pytest.raises(AssertionError, match="wrong values: 2 of 2 entries differ"):
        tc.visible_test(scaled, np.array([1.0, 2.0]), checks=toy_checks)
    with pytest.raises(AssertionError, match="no right answer on file"):
        tc.visible_test(scaled, np.array([5.0]), checks=toy_checks)


def test_the_visible_file_holds_digests_of_mistakes_not_their_values(toy_checks):
    data = json.loads(open(toy_checks).read())
    [entry] = data["cases"].values()
    assert all(isinstance(d, str) and len(d) == 16 for _, d in entry["mistakes"])
    assert [ids for ids, _ in entry["mistakes"]][:2] == [["plus-one"], ["squared"]]


# ------------------------------------------------------------ hostile answers

def random_value(rng, depth=0):
    """Any value the answer format can carry, drawn at random."""
    kind = rng.randint(9 if depth < 3 else 5)
    if kind == 0:
        return float(rng.choice([0.0, -1.5, np.nan, np.inf, 1e300]))
    if kind == 1:
        return int(rng.randint(-5, 5))
    if kind == 2:
        dtype = rng.choice(["f8", "f4", "i8", "u1", "?"])
        return (np.asarray(rng.randn(*rng.randint(0, 4, size=rng.randint(0, 3)))) * 3).astype(dtype)
    if kind == 3:
        return rng.choice([None, "text", True])
    if kind == 4:
        return tc.Unsupported("Thing")
    items = [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == 5:
        return items
    if kind == 6:
        return tuple(items)
    keys = ["W1", "b1", "dW1", "db2", "after step t=1", "parameters", "v", 3]
    return {keys[rng.randint(len(keys))]: item for item in items}


def test_the_judge_gives_a_verdict_on_any_answer():
    """Whatever a kernel hands back, in the form run_cases writes, every
    exercise's judge says it is wrong, in a sentence, and never raises."""
    from course.checks import exercises
    from conftest import REPO
    from course import layout
    rng = np.random.RandomState(0)
    for assignment in layout.assignments(REPO):
        for exercise in exercises(assignment).values():
            for _ in range(15):
                answers = [{"result": random_value(rng)} if rng.rand() < 0.8 else {"error": ["KeyError", "x" * 5000]}
                           for _ in exercise.hidden]
                for answer in answers:
                    answer.update(args=random_value(rng), shared=[["result", "result[0]"]])
                text = json.dumps(tc.encode(answers + answers * len(exercise.uses)))
                verdict = judge.judge(exercise, exercise.hidden, *judge.read_answers(exercise, exercise.hidden, text))
                assert not verdict.passed and 10 < len(verdict.message) < 2000, verdict.message
