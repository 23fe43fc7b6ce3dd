"""Seeded sampling of the impact ranges, quantile bands, and question probabilities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from engine.ensemble import (
    MAX_RUNS,
    MIN_VALUES_PER_WORKER,
    order_statistics,
    run_ensemble,
    sample_coefficients,
    summarise,
    wilson_interval,
)
from engine.model import Model
from engine.schema import Scenario
from engine.simulation import compile_scenario, driver_array, point_run, simulate

BANDS = ["week", "indicator", "mean", "p10", "p50", "p90"]


def _seed_data(seed_path) -> dict:
    return yaml.safe_load(seed_path.read_text(encoding="utf-8"))


def _zero_width(seed_path) -> Scenario:
    """The seed scenario with every impact range collapsed onto its weight."""
    data = _seed_data(seed_path)
    for imp in data["impacts"]:
        imp["range"] = [imp["weight"], imp["weight"]]
    return Scenario.model_validate(data)


# --- sampling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("uncertainty", ["triangular", "uniform"])
def test_samples_lie_within_each_range(seed_path, uncertainty):
    data = _seed_data(seed_path)
    data["uncertainty"] = uncertainty
    model = compile_scenario(Scenario.model_validate(data))
    samples = sample_coefficients(model, 5000, seed=3)
    assert samples.shape == (5000, len(data["impacts"]))
    assert (samples >= model.low).all()
    assert (samples <= model.high).all()
    # Every impact of the seed scenario has a real range, so every column is spread out.
    assert (samples.std(axis=0) > 0.1 * (model.high - model.low)).all()


# (low, mode, high): asymmetric modes, a mode on the lower edge and a zero-width range.
SHAPES = [(0.0, 0.9, 1.0), (-2.0, -1.5, 1.0), (0.2, 0.2, 0.4), (-0.3, -0.3, -0.3)]


@pytest.fixture
def shaped(make_scenario):
    def build(uncertainty):
        names = [f"y{k}" for k in range(len(SHAPES))]
        impacts = [("d", n, mode, (low, high)) for n, (low, mode, high) in zip(names, SHAPES, strict=True)]
        s = make_scenario(indicators=[(n, 50) for n in names], impacts=impacts, uncertainty=uncertainty)
        return compile_scenario(s)

    return build


def test_triangular_moments(shaped):
    runs = 20_000
    samples = sample_coefficients(shaped("triangular"), runs, seed=11)
    for k, (a, c, b) in enumerate(SHAPES):
        column = samples[:, k]
        if a == b:
            assert (column == c).all()
            continue
        mean = (a + c + b) / 3
        sd = math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
        assert abs(column.mean() - mean) < 5 * sd / math.sqrt(runs)
        # Triangular, not uniform: the share below the mode is (c - a) / (b - a).
        p = (c - a) / (b - a)
        assert abs(np.mean(column < c) - p) < 5 * math.sqrt(max(p * (1 - p), 1e-4) / runs)
        assert abs(column.std() - sd) < 0.03 * sd


def test_uniform_moments(shaped):
    runs = 20_000
    samples = sample_coefficients(shaped("uniform"), runs, seed=11)
    for k, (a, c, b) in enumerate(SHAPES):
        column = samples[:, k]
        if a == b:
            assert (column == c).all()
            continue
        sd = (b - a) / math.sqrt(12)
        assert abs(column.mean() - (a + b) / 2) < 5 * sd / math.sqrt(runs)
        assert abs(column.std() - sd) < 0.03 * sd


@pytest.mark.parametrize("uncertainty", ["triangular", "uniform"])
def test_zero_width_ranges_give_exactly_the_weight(seed_path, uncertainty):
    data = _seed_data(seed_path)
    data["uncertainty"] = uncertainty
    for imp in data["impacts"]:
        imp["range"] = [imp["weight"], imp["weight"]]
    model = compile_scenario(Scenario.model_validate(data))
    samples = sample_coefficients(model, 1000, seed=5)
    np.testing.assert_array_equal(samples, np.tile(model.weight, (1000, 1)))


def test_sampling_is_seeded(seed_scenario):
    model = compile_scenario(seed_scenario)
    first = sample_coefficients(model, 100, seed=42)
    np.testing.assert_array_equal(first, sample_coefficients(model, 100, seed=42))
    assert (first != sample_coefficients(model, 100, seed=43)).all()


# --- determinism and agreement with the point run -----------------------------------------------


def test_same_seed_same_projection(seed_scenario):
    a = run_ensemble(Model.of(seed_scenario), runs=300, seed=7)
    b = run_ensemble(Model.of(seed_scenario), runs=300, seed=7)
    pd.testing.assert_frame_equal(a.bands, b.bands, check_exact=True)
    pd.testing.assert_frame_equal(a.questions, b.questions, check_exact=True)
    assert (a.runs, a.seed) == (300, 7)


def test_different_seed_different_bands(seed_scenario):
    a = run_ensemble(Model.of(seed_scenario), runs=1000, seed=7).bands
    b = run_ensemble(Model.of(seed_scenario), runs=1000, seed=8).bands
    pd.testing.assert_frame_equal(a[["week", "indicator"]], b[["week", "indicator"]])
    later = a["week"] > 0  # week 0 is the initial state in every run
    for column in ("mean", "p10", "p50", "p90"):
        assert (a.loc[later, column] != b.loc[later, column]).all()
    # ...and both are still the same model: the medians agree to within their Monte Carlo error. A median of
    # n runs is off by about 1.2533 sd / sqrt(n) (sd read off the 10-90 band, 2.563 sd wide for a normal);
    # two of them differ by sqrt(2) times that, and 5 of those bound all 530 cells.
    spread = (a["p90"] - a["p10"]) / 2.563
    allowed = 5 * np.sqrt(2) * 1.2533 * spread / np.sqrt(1000)
    assert (np.abs(a["p50"] - b["p50"]) <= allowed + 1e-9).all()


def test_bands_layout_and_order(seed_scenario):
    bands = run_ensemble(Model.of(seed_scenario), runs=50, seed=1).bands
    n_ind = len(seed_scenario.indicators)
    assert list(bands.columns) == BANDS
    assert len(bands) == (seed_scenario.horizon_weeks + 1) * n_ind
    assert bands["week"].tolist() == np.repeat(np.arange(53), n_ind).tolist()
    assert bands["indicator"].tolist() == [i.id for i in seed_scenario.indicators] * 53
    assert (bands["p10"] <= bands["p50"]).all() and (bands["p50"] <= bands["p90"]).all()


@pytest.mark.parametrize("runs", [1, 50])
def test_zero_width_ensemble_equals_the_point_run(seed_path, runs):
    scenario = _zero_width(seed_path)
    bands = run_ensemble(Model.of(scenario), runs=runs, seed=123).bands
    point = point_run(Model.of(scenario))
    pd.testing.assert_frame_equal(bands[["week", "indicator"]], point[["week", "indicator"]])
    for column in ("mean", "p10", "p50", "p90"):
        np.testing.assert_allclose(bands[column], point["value"], rtol=1e-12)


def test_single_run_bands_are_that_run(seed_scenario):
    bands = run_ensemble(Model.of(seed_scenario), runs=1, seed=9).bands
    model = compile_scenario(seed_scenario)
    path = simulate(model, sample_coefficients(model, 1, 9), driver_array(model, seed_scenario.defaults()))
    for column in ("mean", "p10", "p50", "p90"):
        np.testing.assert_allclose(bands[column], path[:, 0, :].reshape(-1) * 100, rtol=1e-12)


def test_bands_are_the_quantiles_of_the_sampled_paths(seed_scenario):
    values = {**seed_scenario.defaults(), "troops_deployed": 4000}
    projection = run_ensemble(Model.of(seed_scenario), values, runs=400, seed=21, weeks=20)
    model = compile_scenario(seed_scenario)
    paths = simulate(model, sample_coefficients(model, 400, 21), driver_array(model, values), weeks=20) * 100
    n_ind = len(model.indicator_ids)
    bands = projection.bands
    assert bands["week"].max() == 20
    np.testing.assert_allclose(bands["mean"], paths.mean(axis=1).reshape(-1), rtol=1e-12)
    for q, column in ((0.1, "p10"), (0.5, "p50"), (0.9, "p90")):
        np.testing.assert_allclose(bands[column], np.quantile(paths, q, axis=1).reshape(-1), rtol=1e-12)
    assert len(bands) == 21 * n_ind


@pytest.mark.parametrize("n", [1, 2, 3, 10, 4096, 4097, 6000])
def test_order_statistics_equal_numpy_quantiles(n):
    rng = np.random.default_rng(n)
    rows = rng.normal(size=(3, 4, n))
    rows[0, 0] = 0.5  # ties
    quantiles = (0.0, 0.1, 0.25, 0.5, 0.9, 0.999, 1.0)
    before = rows.copy()
    got = order_statistics(rows, quantiles)
    np.testing.assert_array_equal(rows, before)  # not overwritten unless asked
    np.testing.assert_allclose(got, np.quantile(rows, quantiles, axis=-1), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n", [1000, 6000])
def test_order_statistics_shared_between_cores_equal_numpy_quantiles(monkeypatch, n):
    """Rows split over worker threads (sorted or partially sorted) give the digits of one thread."""
    from engine import workers

    rows = np.random.default_rng(n).normal(size=(7, 3 * (MIN_VALUES_PER_WORKER // n + 1), n))
    quantiles = (0.1, 0.5, 0.9)
    monkeypatch.setattr(workers, "available_cores", lambda: 1)
    alone = order_statistics(rows, quantiles)
    monkeypatch.setattr(workers, "available_cores", lambda: 2)
    assert len(workers.slices(rows.size // n, -(-MIN_VALUES_PER_WORKER // n))) == 2
    np.testing.assert_array_equal(order_statistics(rows, quantiles), alone)
    np.testing.assert_allclose(alone, np.quantile(rows, quantiles, axis=-1), rtol=1e-12, atol=1e-15)


def test_summarise_in_place_equals_summarise_on_a_copy(seed_scenario):
    model = compile_scenario(seed_scenario)
    paths = simulate(model, sample_coefficients(model, 300, 4), driver_array(model, seed_scenario.defaults()))
    kept = paths.copy()
    copied = summarise(seed_scenario, paths)
    np.testing.assert_array_equal(paths, kept)  # not touched without overwrite
    in_place = summarise(seed_scenario, paths, overwrite=True)
    pd.testing.assert_frame_equal(in_place[0], copied[0])
    pd.testing.assert_frame_equal(in_place[1], copied[1])


def test_bands_of_a_large_ensemble_are_exact_quantiles(seed_scenario):
    """Above 4096 runs the quantiles come from a partial sort; they must still equal np.quantile."""
    runs = 5000
    bands = run_ensemble(Model.of(seed_scenario), runs=runs, seed=31, weeks=6).bands
    model = compile_scenario(seed_scenario)
    paths = simulate(model, sample_coefficients(model, runs, 31), driver_array(model, seed_scenario.defaults()), 6)
    paths = paths * 100
    np.testing.assert_allclose(bands["mean"], paths.mean(axis=1).reshape(-1), rtol=1e-12)
    for q, column in ((0.1, "p10"), (0.5, "p50"), (0.9, "p90")):
        np.testing.assert_allclose(bands[column], np.quantile(paths, q, axis=1).reshape(-1), rtol=1e-12)


def test_custom_quantiles_name_their_columns(seed_scenario):
    bands = run_ensemble(Model.of(seed_scenario), runs=20, seed=0, quantiles=(0.05, 0.25, 0.95)).bands
    assert list(bands.columns) == ["week", "indicator", "mean", "p5", "p25", "p95"]


@pytest.mark.parametrize("runs", [0, -1, MAX_RUNS + 1])
def test_run_count_is_bounded(seed_scenario, runs):
    with pytest.raises(ValueError, match=f"runs must be between 1 and 20,000, got {runs}"):
        run_ensemble(Model.of(seed_scenario), runs=runs)


# --- question probabilities --------------------------------------------------------------------


@pytest.fixture
def flags(make_scenario):
    """'noise' has uncertain impacts, so runs differ; the flags have no links and move only by events."""
    return make_scenario(
        drivers=[("d", 0, 100, 60)],
        indicators=[("noise", 50), ("up", 10), ("edge", 10), ("down", 90)],
        impacts=[("d", "noise", 0.5, (0.0, 2.0)), ("noise", "noise", -0.5, (-1.0, 0.0))],
        events=[
            {"week": 4, "target": "up", "set": 90},
            {"week": 2, "target": "edge", "set": 50},
            {"week": 1, "target": "down", "set": 10},
        ],
        questions=[
            {"id": "on_time", "indicator": "up", "threshold": 50, "by_week": 4},
            {"id": "too_late", "indicator": "up", "threshold": 50, "by_week": 3},
            {"id": "reaches_exactly", "indicator": "edge", "threshold": 50, "by_week": 2},
            {"id": "just_short", "indicator": "edge", "threshold": 50.001, "by_week": 10},
            {"id": "at_week_0", "indicator": "down", "threshold": 80, "by_week": 0},
            {"id": "any_week", "indicator": "down", "threshold": 80, "by_week": 10},
            {"id": "never", "indicator": "down", "threshold": 95, "by_week": 10},
        ],
        horizon=10,
    )


def test_question_probabilities_known_answers(flags):
    questions = run_ensemble(Model.of(flags), runs=500, seed=4).questions
    assert list(questions.columns) == ["question", "indicator", "threshold", "by_week", "probability", "low", "high"]
    got = dict(zip(questions["question"], questions["probability"], strict=True))
    assert got == {
        "on_time": 1.0,
        "too_late": 0.0,
        "reaches_exactly": 1.0,
        "just_short": 0.0,
        "at_week_0": 1.0,
        "any_week": 1.0,
        "never": 0.0,
    }
    assert questions["by_week"].tolist() == [4, 3, 2, 10, 0, 10, 10]


def test_a_question_below_a_level_asks_whether_it_falls_to_or_below_it(make_scenario):
    # 'down' is set from 90 to 10 at week 1; 'edge' is set to exactly 50 at week 2.
    scenario = make_scenario(
        drivers=[("d", 0, 100, 60)],
        indicators=[("down", 90), ("edge", 80)],
        events=[{"week": 1, "target": "down", "set": 10}, {"week": 2, "target": "edge", "set": 50}],
        questions=[
            {"id": "falls", "indicator": "down", "threshold": 25, "by_week": 1, "direction": "below"},
            {"id": "not_yet", "indicator": "down", "threshold": 25, "by_week": 0, "direction": "below"},
            {"id": "to_exactly", "indicator": "edge", "threshold": 50, "by_week": 2, "direction": "below"},
            {"id": "short_of", "indicator": "edge", "threshold": 50, "by_week": 1, "direction": "below"},
            {"id": "rises", "indicator": "down", "threshold": 75, "by_week": 10},
        ],
        schema=2,
    )
    questions = run_ensemble(Model.of(scenario), runs=50, seed=1).questions
    got = dict(zip(questions["question"], questions["probability"], strict=True))
    assert got == {"falls": 1.0, "not_yet": 0.0, "to_exactly": 1.0, "short_of": 0.0, "rises": 1.0}


def test_each_probability_carries_its_wilson_interval(flags):
    questions = run_ensemble(Model.of(flags), runs=500, seed=4).questions
    for row in questions.itertuples():
        assert (row.low, row.high) == wilson_interval(round(row.probability * 500), 500)
    never = questions.set_index("question").loc["never"]
    assert (never["low"], never["high"]) == (0.0, wilson_interval(0, 500)[1])


def test_question_by_week_is_cut_to_a_shorter_run(flags):
    questions = run_ensemble(Model.of(flags), runs=10, seed=4, weeks=3).questions
    got = dict(zip(questions["question"], questions["by_week"], strict=True))
    assert got["on_time"] == 3 and got["any_week"] == 3 and got["at_week_0"] == 0
    probability = dict(zip(questions["question"], questions["probability"], strict=True))
    assert probability["on_time"] == 0.0  # the event at week 4 is beyond the run


@pytest.mark.parametrize(("uncertainty", "expected"), [("uniform", 1 / 2), ("triangular", 1 / 3)])
def test_question_probability_matches_the_sampling_distribution(make_scenario, uncertainty, expected):
    """y rises only through d -> y with a in [0, 2]: y(1) = y0 ** (1 / (1 + a x_d)) passes the threshold iff a >= 1.

    P(a >= 1) is 1/2 for uniform and (2 - 1)**2 / ((2 - 0) * (2 - 0.5)) = 1/3 for triangular with mode 0.5.
    """
    y0, xd = 0.3, 0.6
    threshold = 100 * y0 ** (1 / (1 + 1.0 * xd))
    s = make_scenario(
        drivers=[("d", 0, 1, xd)],
        indicators=[("y", y0 * 100)],
        impacts=[("d", "y", 0.5, (0.0, 2.0))],
        questions=[{"id": "q", "indicator": "y", "threshold": threshold, "by_week": 1}],
        uncertainty=uncertainty,
        horizon=5,
    )
    runs = 20_000
    probability = run_ensemble(Model.of(s), runs=runs, seed=2024).questions["probability"].item()
    assert abs(probability - expected) < 5 * math.sqrt(expected * (1 - expected) / runs)


def test_question_probability_is_the_share_of_runs(seed_scenario):
    projection = run_ensemble(Model.of(seed_scenario), runs=700, seed=5)
    model = compile_scenario(seed_scenario)
    paths = simulate(model, sample_coefficients(model, 700, 5), driver_array(model, seed_scenario.defaults())) * 100
    for row in projection.questions.itertuples():
        k = model.indicator_ids.index(row.indicator)
        share = np.mean(paths[: row.by_week + 1, :, k].max(axis=0) >= row.threshold)
        assert row.probability == share
    # The seed scenario's questions are genuinely uncertain at its defaults, not all 0 or 1.
    assert ((projection.questions["probability"] > 0) & (projection.questions["probability"] < 1)).any()


@pytest.mark.parametrize(
    ("successes", "runs", "low", "high"),
    [
        # Reference values: scipy.stats.binomtest(k, n).proportion_ci(0.95, method="wilson").
        (0, 10, 0.0, 0.27753279986288926),
        (10, 10, 0.7224672001371109, 1.0),
        (5, 10, 0.236593090512564, 0.7634069094874361),
        (81, 263, 0.2552885198782742, 0.36620957698280004),
        (283, 1000, 0.25595244098823255, 0.3117083721944983),
        (1, 1000, 0.00017654637062607809, 0.0056425585979579355),
        (999, 1000, 0.9943574414020421, 0.9998234536293739),
    ],
)
def test_wilson_interval(successes, runs, low, high):
    assert wilson_interval(successes, runs) == pytest.approx((low, high), abs=1e-12)


def test_wilson_interval_is_symmetric():
    low, high = wilson_interval(30, 100)
    low2, high2 = wilson_interval(70, 100)
    assert math.isclose(low, 1 - high2) and math.isclose(high, 1 - low2)
