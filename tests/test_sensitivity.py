"""engine/sensitivity.py (tornado swings, Sobol indices) and engine.report.weekly_deltas (the scenario diff)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import engine.sensitivity as sensitivity
from engine.ensemble import coefficients_at, run_ensemble, sample_coefficients
from engine.model import Model
from engine.report import weekly_deltas
from engine.sensitivity import (
    sobol_evaluations,
    sobol_indices,
    swing_settings,
    top_coefficients,
    tornado_point,
    tornado_points,
    tornado_probability,
    uncertain_impacts,
)
from engine.simulation import compile_scenario, point_run


@pytest.fixture(scope="module")
def signed(make_scenario):
    """`up` raises y, `down` lowers it, `idle` reaches nothing; z follows y; w is on its own."""
    return make_scenario(
        drivers=(("up", 0.0, 100.0, 50.0), ("down", 0.0, 10.0, 5.0), ("idle", 0.0, 1.0, 0.5)),
        indicators=(("y", 50.0), ("z", 30.0), ("w", 40.0)),
        impacts=(
            ("up", "y", 0.5, (0.3, 0.7)),
            ("down", "y", -0.4, (-0.6, -0.2)),
            ("y", "y", -0.3, (-0.4, -0.2)),
            ("y", "z", 0.6, (0.4, 0.8)),
            ("z", "z", -0.5, (-0.6, -0.4)),
            ("w", "w", -0.2, (-0.3, -0.1)),
        ),
        questions=({"id": "y_high", "indicator": "y", "threshold": 52, "by_week": 8},),
        horizon=12,
    )


def _effects(frame: pd.DataFrame, output: str) -> dict[str, float]:
    rows = frame[frame["output"] == output]
    return dict(zip(rows["driver"], rows["effect"], strict=True))


def _counting_simulate(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = sensitivity.simulate

    def counted(model, coefficients, drivers, weeks=None, dt=1.0):
        calls.append(np.atleast_2d(coefficients).shape[0])
        return real(model, coefficients, drivers, weeks, dt)

    monkeypatch.setattr(sensitivity, "simulate", counted)
    return calls


# --- tornado -------------------------------------------------------------------------------------------------


def test_swing_settings_put_one_driver_at_a_bound_per_row(signed):
    model = compile_scenario(signed)
    rows = swing_settings(model, {"up": 50.0, "down": 5.0, "idle": 0.5})

    assert rows.tolist() == [
        [50.0, 5.0, 0.5],
        [0.0, 5.0, 0.5],
        [100.0, 5.0, 0.5],
        [50.0, 0.0, 0.5],
        [50.0, 10.0, 0.5],
        [50.0, 5.0, 0.0],
        [50.0, 5.0, 1.0],
    ]


def test_point_tornado_signs_agree_with_the_impact_signs(signed):
    frame = tornado_point(Model.of(signed), signed.defaults())
    y, z, w = _effects(frame, "y"), _effects(frame, "z"), _effects(frame, "w")

    assert y["up"] > 0 and y["down"] < 0
    # z hears of the drivers only through y -> z (+0.6): the signs carry through unchanged.
    assert z["up"] > 0 and z["down"] < 0
    # No path, no effect: exactly zero, not merely small.
    assert y["idle"] == 0.0 and z["idle"] == 0.0
    assert w == {"up": 0.0, "down": 0.0, "idle": 0.0}


def test_point_tornado_values_are_point_runs_at_the_swung_settings(signed):
    values = signed.defaults()
    frame = tornado_point(Model.of(signed), values)
    horizon = signed.horizon_weeks

    def at_horizon(setting: dict[str, float], indicator: str) -> float:
        run = point_run(Model.of(signed), setting)
        return float(run[(run["week"] == horizon) & (run["indicator"] == indicator)]["value"].iloc[0])

    row = frame[(frame["output"] == "y") & (frame["driver"] == "up")].iloc[0]
    assert row["base"] == pytest.approx(at_horizon(values, "y"), abs=1e-9)
    assert row["at_min"] == pytest.approx(at_horizon(values | {"up": 0.0}, "y"), abs=1e-9)
    assert row["at_max"] == pytest.approx(at_horizon(values | {"up": 100.0}, "y"), abs=1e-9)
    assert row["effect"] == row["at_max"] - row["at_min"]


def test_point_tornado_is_sorted_by_the_size_of_the_effect_and_ranked(signed):
    frame = tornado_point(Model.of(signed), signed.defaults())
    y = frame[frame["output"] == "y"]

    assert list(frame.columns) == ["output", "driver", "base", "at_min", "at_max", "effect", "rank"]
    assert list(frame["output"].unique()) == ["y", "z", "w"]
    assert y["rank"].tolist() == [0, 1, 2]
    assert list(y["effect"].abs()) == sorted(y["effect"].abs(), reverse=True)
    assert y["driver"].iloc[-1] == "idle"
    # Ties (all zero for w) keep the scenario's driver order.
    assert frame[frame["output"] == "w"]["driver"].tolist() == ["up", "down", "idle"]


def test_point_tornado_at_an_earlier_week(signed):
    week0 = tornado_point(Model.of(signed), signed.defaults(), week=0)

    assert set(week0["effect"]) == {0.0}  # week 0 is the initial state, before any driver acts
    assert week0[week0["output"] == "y"]["base"].iloc[0] == pytest.approx(50.0)
    with pytest.raises(ValueError, match="week must be between 0 and 12"):
        tornado_point(Model.of(signed), signed.defaults(), week=13)


def test_point_tornadoes_at_several_weeks_are_each_weeks_own_from_one_simulate_call(signed, seed_scenario, monkeypatch):
    for scenario, weeks in ((signed, [12, 3, 0]), (seed_scenario, [26, 52])):
        model = Model.of(scenario)
        alone = {week: tornado_point(model, scenario.defaults(), week=week) for week in weeks}
        calls = _counting_simulate(monkeypatch)
        together = tornado_points(model, scenario.defaults(), weeks)
        assert calls == [2 * len(scenario.drivers) + 1]
        assert list(together) == sorted(weeks)
        for week in weeks:
            pd.testing.assert_frame_equal(together[week], alone[week], check_exact=True)
        monkeypatch.undo()
    with pytest.raises(ValueError, match="week must be between 0 and 12, got 13"):
        tornado_points(Model.of(signed), signed.defaults(), [3, 13])
    with pytest.raises(ValueError, match="no week asked for"):
        tornado_points(Model.of(signed), signed.defaults(), [])


def test_point_tornado_is_one_simulate_call_of_all_swings(signed, monkeypatch):
    calls = _counting_simulate(monkeypatch)
    tornado_point(Model.of(signed), signed.defaults())

    assert calls == [2 * 3 + 1]


def test_probability_tornado_is_one_simulate_call_with_common_draws(signed, monkeypatch):
    calls = _counting_simulate(monkeypatch)
    tornado_probability(Model.of(signed), signed.defaults(), runs=40, seed=3)

    assert calls == [(2 * 3 + 1) * 40]


def test_probability_tornado_base_is_the_ensembles_probability_and_signs_agree(signed):
    values = signed.defaults()
    frame = tornado_probability(Model.of(signed), values, runs=400, seed=11)
    ensemble = run_ensemble(Model.of(signed), values, runs=400, seed=11).questions
    effects = _effects(frame, "y_high")

    base = float(ensemble.set_index("question").loc["y_high", "probability"])
    assert 0 < base < 1  # the question is open at the current setting, so the swings can move it both ways
    assert set(frame["base"]) == {base}
    assert effects["up"] > 0 and effects["down"] < 0
    # Common random numbers: the same draws at every setting, so a driver that reaches nothing moves the
    # probability by exactly zero (independent draws would show sampling noise here).
    assert effects["idle"] == 0.0


def test_probability_tornado_limits_and_unknown_questions(signed):
    with pytest.raises(ValueError, match="unknown question"):
        tornado_probability(Model.of(signed), signed.defaults(), runs=10, seed=0, questions=["nope"])
    with pytest.raises(ValueError, match="runs must be between"):
        tornado_probability(Model.of(signed), signed.defaults(), runs=0, seed=0)


def test_probability_tornado_without_questions_is_empty(make_scenario):
    frame = tornado_probability(Model.of(make_scenario()), {"d": 50.0}, runs=10, seed=0)

    assert frame.empty
    assert list(frame.columns) == ["output", "driver", "base", "at_min", "at_max", "effect", "rank"]


# --- Sobol ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("uncertainty", ["triangular", "uniform"])
def test_coefficients_at_is_the_ensembles_inverse_cdf(signed, uncertainty):
    scenario = signed.model_copy(update={"uncertainty": uncertainty})
    model = compile_scenario(scenario)
    u = np.random.default_rng(5).random((64, len(model.weight)))

    assert np.array_equal(coefficients_at(model, u), sample_coefficients(model, 64, 5))


@pytest.fixture(scope="module")
def one_uncertain(make_scenario):
    """Only push -> y is uncertain; z follows y; w depends on nothing uncertain."""
    return make_scenario(
        drivers=(("push", 0.0, 100.0, 60.0), ("idle", 0.0, 1.0, 0.5)),
        indicators=(("y", 40.0), ("z", 30.0), ("w", 50.0)),
        impacts=(
            ("push", "y", 0.5, (0.2, 0.8)),
            ("y", "y", -0.4),
            ("y", "z", 0.6),
            ("z", "z", -0.5),
            ("idle", "w", 0.3),
            ("w", "w", -0.3),
        ),
        questions=({"id": "z_high", "indicator": "z", "threshold": 40, "by_week": 8},),
        horizon=12,
    )


def test_sobol_puts_all_the_variance_on_the_only_uncertain_coefficient(one_uncertain):
    result = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=256, seed=4)
    indices = result.indices.set_index("output")

    assert result.uncertain == (0,)
    assert result.evaluations == 256 * (1 + 2)
    # Every other coefficient is absent: one row per output, all for impact 0.
    assert indices["impact"].tolist() == [0, 0, 0, 0]
    assert list(indices.index) == ["z_high", "y", "z", "w"]
    # With a single variable the Saltelli estimators estimate Var/Var = 1 from N = 256 points; their error is
    # sampling error only. Over seeds 0-2 the largest deviation seen is 0.009, while SALib's own bootstrap
    # 95 % half-width is about 0.15; 0.05 is five times the largest deviation and far from any wrong split.
    for output in ("z_high", "y", "z"):
        assert indices.loc[output, "S1"] == pytest.approx(1.0, abs=0.05)
        assert indices.loc[output, "ST"] == pytest.approx(1.0, abs=0.05)
        assert abs(indices.loc[output, "S1"] - 1.0) <= indices.loc[output, "S1_conf"]
    # w does not depend on the uncertain coefficient: exactly no variance and no index.
    assert indices.loc["w", ["S1", "ST", "S1_conf", "ST_conf"]].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_sobol_keeps_the_certain_coefficients_at_their_weights(one_uncertain):
    values = one_uncertain.defaults()
    outputs = sobol_indices(Model.of(one_uncertain), values, n=16, seed=1).outputs.set_index("output")
    run = point_run(Model.of(one_uncertain), values)
    w_end = float(run[(run["week"] == 12) & (run["indicator"] == "w")]["value"].iloc[0])

    assert outputs.loc["w", "std"] == 0.0
    assert outputs.loc["w", "mean"] == pytest.approx(w_end, abs=1e-9)
    assert outputs.loc["z_high", "week"] == 8
    assert outputs.loc["y", "std"] > 0


def test_sobol_gives_exactly_zero_to_a_coefficient_an_output_cannot_see(make_scenario):
    scenario = make_scenario(
        drivers=(("a", 0.0, 1.0, 0.6), ("b", 0.0, 1.0, 0.6)),
        indicators=(("y", 40.0), ("z", 40.0)),
        impacts=(
            ("a", "y", 0.5, (0.2, 0.8)),
            ("y", "y", -0.5),
            ("b", "z", 0.5, (0.2, 0.8)),
            ("z", "z", -0.5),
        ),
        horizon=10,
    )
    indices = sobol_indices(Model.of(scenario), scenario.defaults(), n=64, seed=2).indices
    y = indices[indices["output"] == "y"].set_index("impact")

    assert y.loc[2, ["S1", "ST"]].tolist() == [0.0, 0.0]  # b -> z never reaches y
    assert y.loc[0, "ST"] == pytest.approx(1.0, abs=0.05)


def test_sobol_is_reproducible_for_a_seed_and_reports_progress(one_uncertain):
    seen: list[float] = []
    first = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=32, seed=7, progress=seen.append)
    again = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=32, seed=7)
    other = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=32, seed=8)

    pd.testing.assert_frame_equal(first.indices, again.indices)
    assert not first.indices["S1"].equals(other.indices["S1"])
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 3


def test_sobol_with_seed_zero_is_reproducible(one_uncertain):
    # SALib's analyze ignores a seed of 0 (falsy); the engine must not pass it on as such.
    a = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=32, seed=0).indices
    b = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=32, seed=0).indices

    pd.testing.assert_frame_equal(a, b)


def test_sobol_chunks_give_the_same_indices(one_uncertain):
    whole = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=32, seed=3).indices
    chunked = sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=32, seed=3, chunk_rows=7).indices

    pd.testing.assert_frame_equal(whole, chunked)


def test_sobol_without_uncertain_coefficients_is_empty(make_scenario):
    scenario = make_scenario(impacts=(("d", "y", 0.5),))
    result = sobol_indices(Model.of(scenario), scenario.defaults(), n=16, seed=0)

    assert result.indices.empty and result.evaluations == 0 and result.uncertain == ()
    assert uncertain_impacts(compile_scenario(scenario)).tolist() == []


@pytest.mark.parametrize("n", [0, 4, 48, 16384])
def test_sobol_refuses_a_base_sample_that_is_no_power_of_two_in_range(one_uncertain, n):
    with pytest.raises(ValueError, match="power of two"):
        sobol_indices(Model.of(one_uncertain), one_uncertain.defaults(), n=n, seed=0)


def test_sobol_evaluations_and_uncertain_impacts_of_the_seed_scenario(seed_scenario):
    model = compile_scenario(seed_scenario)
    uncertain = uncertain_impacts(model)

    assert len(uncertain) == sum(1 for i in seed_scenario.impacts if i.range[0] < i.range[1])
    assert sobol_evaluations(256, len(uncertain)) == 256 * (len(uncertain) + 2)
    assert sobol_evaluations(256, 0) == 0


def test_top_coefficients_ranks_by_total_index_within_each_output_in_output_order():
    indices = pd.DataFrame(
        {
            "kind": ["question"] * 3 + ["end"] * 3,
            "output": ["q"] * 3 + ["y"] * 3,
            "impact": [0, 1, 2, 0, 1, 2],
            "ST": [0.1, 0.7, 0.7, 0.5, 0.2, 0.9],
        }
    )
    top = top_coefficients(indices, count=2)

    assert list(zip(top["output"], top["impact"], strict=True)) == [("q", 1), ("q", 2), ("y", 2), ("y", 0)]


# --- scenario diff: engine.report.weekly_deltas --------------------------------------------------------------


def test_weekly_deltas_subtract_the_reference_median_from_the_current_median_and_band():
    current = pd.DataFrame(
        {
            "week": [0, 0, 1, 1],
            "indicator": ["a", "b", "a", "b"],
            "mean": [0.0] * 4,
            "p10": [40.0, 10.0, 42.0, 12.0],
            "p50": [50.0, 20.0, 55.0, 25.0],
            "p90": [60.0, 30.0, 70.0, 40.0],
        }
    )
    reference = current.assign(p50=[50.0, 15.0, 45.0, 30.0]).iloc[::-1]  # order must not matter
    deltas = weekly_deltas(current, reference)

    assert list(deltas.columns) == ["week", "indicator", "current", "reference", "delta", "delta_low", "delta_high"]
    assert deltas["delta"].tolist() == [0.0, 5.0, 10.0, -5.0]
    assert deltas["delta_low"].tolist() == [-10.0, -5.0, -3.0, -18.0]
    assert deltas["delta_high"].tolist() == [10.0, 15.0, 25.0, 10.0]
    assert deltas["reference"].tolist() == [50.0, 15.0, 45.0, 30.0]


def test_weekly_deltas_of_two_projections_are_zero_for_equal_settings(seed_scenario):
    bands = run_ensemble(Model.of(seed_scenario), runs=50, seed=1).bands
    deltas = weekly_deltas(bands, bands.copy())

    assert len(deltas) == len(bands)
    assert set(deltas["delta"]) == {0.0}
    assert (deltas["delta_low"] <= 0).all() and (deltas["delta_high"] >= 0).all()
