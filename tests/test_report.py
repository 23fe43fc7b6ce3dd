"""engine/report.py: the tables behind the Compare tab, on hand-made inputs with exact expected frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from engine.report import contrast_presets, driver_differences, end_deltas, setting_offset


@pytest.fixture
def scenario(make_scenario):
    return make_scenario(
        drivers=(("a", 0.0, 100.0, 50.0), ("b", 0.0, 10.0, 5.0), ("c", 0.0, 1.0, 0.5)),
        indicators=(("x", 50.0), ("y", 20.0)),
    )


def test_driver_differences_lists_drivers_that_differ_from_any_reference(scenario):
    current = {"c": 0.5, "b": 7.0, "a": 50.0}  # dict order must not matter: rows follow the scenario
    references = {"low": {"a": 50.0, "b": 5.0, "c": 0.5}, "high": {"a": 80.0, "b": 7.0, "c": 0.5}}

    result = driver_differences(scenario, current, references)

    expected = pd.DataFrame(
        {"driver": ["a", "b"], "current": [50.0, 7.0], "low": [50.0, 5.0], "high": [80.0, 7.0]},
    )
    pd.testing.assert_frame_equal(result, expected)


def test_driver_differences_one_reference(scenario):
    result = driver_differences(scenario, {"a": 0.0, "b": 5.0, "c": 1.0}, {"base": {"a": 50.0, "b": 5.0, "c": 0.5}})

    expected = pd.DataFrame({"driver": ["a", "c"], "current": [0.0, 1.0], "base": [50.0, 0.5]})
    pd.testing.assert_frame_equal(result, expected)


def test_driver_differences_empty_when_everything_equals(scenario):
    values = {"a": 50.0, "b": 5.0, "c": 0.5}
    result = driver_differences(scenario, values, {"same": dict(values)})

    assert result.empty
    assert list(result.columns) == ["driver", "current", "same"]


def test_driver_differences_empty_without_references(scenario):
    result = driver_differences(scenario, {"a": 1.0, "b": 2.0, "c": 0.3}, {})

    assert result.empty
    assert list(result.columns) == ["driver", "current"]


def _bands(values: dict[tuple[int, str], float], column: str = "p50") -> pd.DataFrame:
    rows = [{"week": w, "indicator": i, column: v} for (w, i), v in values.items()]
    return pd.DataFrame(rows)


CURRENT = pd.DataFrame(
    {
        "week": [0, 0, 1, 1, 2, 2],
        "indicator": ["x", "y", "x", "y", "x", "y"],
        "mean": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "p50": [50.0, 20.0, 55.0, 25.0, 60.5, 30.25],
    }
)


def test_end_deltas_at_the_last_week_with_two_references():
    # References in reverse row order: rows are matched by indicator, not by position.
    low = _bands({(2, "y"): 10.0, (2, "x"): 40.0, (1, "x"): 0.0, (1, "y"): 0.0})
    high = _bands({(2, "x"): 70.5, (2, "y"): 30.25})

    result = end_deltas(CURRENT, {"low": low, "high": high})

    expected = pd.DataFrame(
        {
            "indicator": ["x", "y"],
            "current": [60.5, 30.25],
            "low": [40.0, 10.0],
            "delta low": [-20.5, -20.25],
            "high": [70.5, 30.25],
            "delta high": [10.0, 0.0],
        }
    )
    pd.testing.assert_frame_equal(result, expected)


def test_end_deltas_at_a_given_week_and_column():
    ref = pd.DataFrame({"week": [1, 1], "indicator": ["x", "y"], "mean": [1.5, 5.0], "p50": [0.0, 0.0]})

    result = end_deltas(CURRENT, {"r": ref}, column="mean", week=1)

    expected = pd.DataFrame({"indicator": ["x", "y"], "current": [3.0, 4.0], "r": [1.5, 5.0], "delta r": [-1.5, 1.0]})
    pd.testing.assert_frame_equal(result, expected)


def test_end_deltas_indicator_missing_from_a_reference_is_nan():
    ref = _bands({(2, "x"): 50.5})

    result = end_deltas(CURRENT, {"r": ref})

    assert result["indicator"].tolist() == ["x", "y"]
    assert result["r"].iloc[0] == 50.5
    assert result["delta r"].iloc[0] == -10.0  # preset minus current
    assert math.isnan(result["r"].iloc[1])
    assert math.isnan(result["delta r"].iloc[1])


def test_end_deltas_without_references():
    expected = pd.DataFrame({"indicator": ["x", "y"], "current": [60.5, 30.25]})
    pd.testing.assert_frame_equal(end_deltas(CURRENT, {}), expected)


# --- which presets a comparison opens on -----------------------------------------------------------------


PRESETS = (
    {"id": "baseline", "values": {}},
    {"id": "up", "values": {"a": 90.0}},  # +0.4 on a: mean over two drivers 0.2
    {"id": "far-down", "values": {"a": 30.0, "b": 2.0}},  # -0.2 on a, -0.3 on b
    {"id": "down", "values": {"b": 3.0}},  # -0.2 on b
    {"id": "up-too", "values": {"a": 90.0}},  # ties "up"
)


@pytest.fixture
def preset_scenario(make_scenario):
    return make_scenario(
        drivers=(("a", 0.0, 100.0, 50.0), ("b", 0.0, 10.0, 5.0)), indicators=(("x", 50.0),), presets=PRESETS
    )


def test_setting_offset_is_the_mean_unit_difference_other_minus_current(preset_scenario):
    distance, signed = setting_offset(preset_scenario, {"a": 50.0, "b": 5.0}, {"a": 30.0, "b": 2.0})
    # a: -20/100 = -0.2, b: -3/10 = -0.3
    assert (round(distance, 12), round(signed, 12)) == (0.25, -0.25)
    assert setting_offset(preset_scenario, {"a": 50.0, "b": 5.0}, {"a": 90.0, "b": 2.0}) == pytest.approx((0.35, 0.05))


def test_contrast_presets_open_on_the_farthest_preset_and_the_farthest_on_the_other_side(preset_scenario):
    # At the defaults the baseline equals the current settings and is never a contrast. Distances: up 0.2 (+),
    # far-down 0.25 (-), down 0.1 (-), up-too 0.2 (+, tied with up: the earlier preset wins).
    assert contrast_presets(preset_scenario, {"a": 50.0, "b": 5.0}) == ["far-down", "up"]
    # From "up": baseline 0.2 (-), far-down 0.45 (-), down 0.3 (-), up-too equal: nothing lies above.
    assert contrast_presets(preset_scenario, {"a": 90.0, "b": 5.0}) == ["far-down"]


def test_contrast_presets_of_the_seed_scenario_are_escalation_and_de_escalation(seed_scenario):
    assert contrast_presets(seed_scenario, seed_scenario.defaults()) == ["escalation", "de-escalation"]


def test_no_contrast_without_a_differing_preset(make_scenario):
    alone = make_scenario(
        drivers=(("a", 0.0, 100.0, 50.0), ("b", 0.0, 10.0, 5.0)), indicators=(("x", 50.0),), presets=PRESETS[:1]
    )
    assert contrast_presets(alone, {"a": 50.0, "b": 5.0}) == []
    assert contrast_presets(alone, {"a": 51.0, "b": 5.0}) == ["baseline"]
