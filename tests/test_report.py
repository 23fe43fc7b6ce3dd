"""engine/report.py: the tables behind the Compare tab, on hand-made inputs with exact expected frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from engine.report import driver_differences, end_deltas


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
            "delta low": [20.5, 20.25],
            "high": [70.5, 30.25],
            "delta high": [-10.0, 0.0],
        }
    )
    pd.testing.assert_frame_equal(result, expected)


def test_end_deltas_at_a_given_week_and_column():
    ref = pd.DataFrame({"week": [1, 1], "indicator": ["x", "y"], "mean": [1.5, 5.0], "p50": [0.0, 0.0]})

    result = end_deltas(CURRENT, {"r": ref}, column="mean", week=1)

    expected = pd.DataFrame({"indicator": ["x", "y"], "current": [3.0, 4.0], "r": [1.5, 5.0], "delta r": [1.5, -1.0]})
    pd.testing.assert_frame_equal(result, expected)


def test_end_deltas_indicator_missing_from_a_reference_is_nan():
    ref = _bands({(2, "x"): 50.5})

    result = end_deltas(CURRENT, {"r": ref})

    assert result["indicator"].tolist() == ["x", "y"]
    assert result["r"].iloc[0] == 50.5
    assert result["delta r"].iloc[0] == 10.0
    assert math.isnan(result["r"].iloc[1])
    assert math.isnan(result["delta r"].iloc[1])


def test_end_deltas_without_references():
    expected = pd.DataFrame({"indicator": ["x", "y"], "current": [60.5, 30.25]})
    pd.testing.assert_frame_equal(end_deltas(CURRENT, {}), expected)
