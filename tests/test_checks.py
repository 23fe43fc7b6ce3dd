"""Reality checks: each verdict against the point run computed directly, strictness, the worst week, one pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import engine.checks
from engine.checks import check_settings, run_checks
from engine.loader import load_scenario
from engine.model import Model
from engine.simulation import point_run

DATA = Path(__file__).parent / "data"


def _series(model: Model, values: dict[str, float], indicator: str) -> np.ndarray:
    frame = point_run(model, values)
    return frame[frame["indicator"] == indicator]["value"].to_numpy()


def test_each_verdict_is_the_point_run_read_at_its_week():
    scenario = load_scenario(DATA / "tiny2-failing-check.yaml")
    model = Model.of(scenario)
    results = run_checks(model)
    assert [(r.index, r.check.id, r.holds) for r in results] == [
        (0, "no_push_stays_quiet", True),
        (1, "calm_never_quiets_it", False),
        (2, "more_push_never_lowers", True),
        (3, "low_below_baseline", True),
    ]
    for r in results:
        run, reference = check_settings(scenario, r.check)
        series = _series(model, run, r.check.indicator)
        assert r.observed == series[r.week]
        if reference is None:
            assert r.reference is None
        else:
            assert r.reference == _series(model, reference, r.check.indicator)[r.week]

    quiet = _series(model, scenario.defaults() | {"push": 0}, "level")
    assert (results[0].week, results[0].observed) == (int(np.argmax(quiet[1:])) + 1, quiet[1:].max())
    assert results[1].week == 10
    assert results[1].margin == results[1].observed - 50


def test_a_comparison_reads_the_week_where_it_comes_closest_to_failing():
    scenario = load_scenario(DATA / "tiny2.yaml")
    model = Model.of(scenario)
    lowered = run_checks(model)[2]
    low = _series(model, scenario.preset_values("low"), "echo")
    baseline = _series(model, scenario.preset_values("baseline"), "echo")
    gap = baseline[1:] - low[1:]
    assert lowered.week == int(np.argmin(gap)) + 1
    assert (lowered.observed, lowered.reference) == (low[lowered.week], baseline[lowered.week])
    assert lowered.margin == gap.min()


@pytest.mark.parametrize(
    ("condition", "bound", "holds"),
    [
        ("below", 40.0, False),  # strictly below: 40 is not below 40
        ("below", 40.001, True),
        ("above", 40.0, False),
        ("above", 39.999, True),
        ("below_reference", 0.0, True),  # equal to the reference: never higher holds
        ("above_reference", 0.0, True),
        ("below_reference", 0.5, False),
    ],
)
def test_bounds_are_strict_and_comparisons_allow_equality(make_scenario, condition, bound, holds):
    # 'flat' has no links: 40 in every week, with or without the driver set.
    check = {"id": "c", "indicator": "flat", "week": "all", condition: bound}
    if condition.endswith("_reference"):
        check["set"] = {"d": 90}
    scenario = make_scenario(indicators=[("flat", 40)], checks=[check], schema=2)
    (result,) = run_checks(Model.of(scenario))
    assert (result.holds, result.observed) == (holds, 40.0)


def test_every_week_means_weeks_1_to_the_horizon(make_scenario):
    # 90 at week 0 only: an event sets 10 at week 1.
    scenario = make_scenario(
        indicators=[("y", 90)],
        events=[{"week": 1, "target": "y", "set": 10}],
        checks=[
            {"id": "later", "indicator": "y", "week": "all", "below": 50},
            {"id": "at_start", "indicator": "y", "week": 0, "below": 50},
        ],
        schema=2,
    )
    later, at_start = run_checks(Model.of(scenario))
    assert (later.holds, later.week, later.observed) == (True, 1, pytest.approx(10.0))
    assert (at_start.holds, at_start.week, at_start.observed) == (False, 0, pytest.approx(90.0))


def test_all_checks_are_stepped_in_one_simulate_call(monkeypatch):
    calls = []
    real = engine.checks.simulate

    def counting(compiled, coefficients, drivers, *args, **kwargs):
        calls.append(len(drivers))
        return real(compiled, coefficients, drivers, *args, **kwargs)

    monkeypatch.setattr(engine.checks, "simulate", counting)
    run_checks(Model.of(load_scenario(DATA / "tiny2-failing-check.yaml")))
    # Five distinct settings: push 0, calm 100, push 1000, the defaults (reference of the third) and 'low';
    # the fourth check's reference, the baseline preset, is the defaults again.
    assert calls == [5]


def test_a_scenario_without_checks_has_no_verdicts(make_scenario):
    assert run_checks(Model.of(make_scenario(schema=2))) == []


def test_the_command_line_words(make_scenario):
    scenario = make_scenario(
        indicators=[("flat", 40)],
        checks=[
            {"id": "a", "indicator": "flat", "week": 3, "above": 50},
            {"id": "b", "indicator": "flat", "week": "all", "set": {"d": 0}, "below_reference": 2},
            {"id": "c", "indicator": "flat", "week": "all", "set": {"d": 0}, "above_reference": 0},
        ],
        schema=2,
    )
    a, b, c = run_checks(Model.of(scenario))
    assert (a.expected(), a.got()) == ("flat above 50 at week 3", "40.00 at week 3")
    assert b.expected() == "flat at least 2 points below the reference run in every week"
    assert b.got() == "40.00 against 40.00 at week 1"
    assert c.expected() == "flat not below the reference run in every week"
