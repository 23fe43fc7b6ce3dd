"""The vectorised engine against the plain-Python oracle in engine.reference."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.ensemble import sample_coefficients
from engine.reference import simulate_reference
from engine.schema import Scenario
from engine.simulation import compile_scenario, driver_array, resolve_drivers, simulate

RTOL = 1e-10


def _compare(model, coefficients, drivers, weeks=None, dt=1.0):
    fast = simulate(model, coefficients, drivers, weeks, dt)
    slow = np.array(simulate_reference(model, np.atleast_2d(coefficients).tolist(), list(drivers), weeks, dt))
    assert fast.shape == slow.shape
    np.testing.assert_allclose(fast, slow, rtol=RTOL, atol=0)
    return fast


@pytest.mark.parametrize("uncertainty", ["triangular", "uniform"])
@pytest.mark.parametrize("preset", ["baseline", "escalation", "de-escalation", "sanctions-squeeze"])
def test_seed_scenario_50_sampled_runs(seed_path, uncertainty, preset):
    data = yaml.safe_load(seed_path.read_text(encoding="utf-8"))
    data["uncertainty"] = uncertainty
    scenario = Scenario.model_validate(data)
    model = compile_scenario(scenario)
    coefficients = sample_coefficients(model, 50, seed=17)
    drivers = driver_array(model, resolve_drivers(scenario, preset))
    fast = _compare(model, coefficients, drivers)
    assert fast.shape == (53, 50, 10)
    # The runs really differ, so the comparison covers more than one trajectory.
    assert np.ptp(fast[-1], axis=0).min() > 0.01


def test_point_coefficients_and_a_short_run(seed_scenario):
    model = compile_scenario(seed_scenario)
    _compare(model, model.weight, driver_array(model, seed_scenario.defaults()), weeks=5)


def test_indicator_events_clipping_and_half_steps(make_scenario):
    s = make_scenario(
        drivers=[("d", -10, 10, 0), ("e", 0, 1, 1)],
        indicators=[("a", 0), ("b", 100), ("c", 50)],
        impacts=[
            ("d", "a", 1.5, (0.0, 3.0)),
            ("e", "b", -2.0, (-3.0, -1.0)),
            ("a", "c", 0.7, (0.1, 1.0)),
            ("b", "c", -0.9, (-1.5, -0.2)),
            ("c", "c", -0.4, (-0.8, 0.3)),
            ("c", "a", 2.5, (2.0, 3.0)),
        ],
        events=[
            {"week": 0, "target": "c", "add": 30},
            {"week": 2, "target": "d", "set": 10},
            {"week": 2, "target": "a", "add": -60},
            {"week": 5, "target": "e", "add": -5},
            {"week": 7, "target": "b", "set": 0},
            {"week": 7, "target": "b", "add": 15},
        ],
        horizon=12,
    )
    model = compile_scenario(s)
    for dt in (1.0, 0.5, 3.0):
        _compare(model, sample_coefficients(model, 30, seed=1), driver_array(model, s.defaults()), dt=dt)


@st.composite
def random_cases(draw):
    n_drv = draw(st.integers(1, 3))
    n_ind = draw(st.integers(1, 4))
    drivers = [(f"d{k}", 0, 10, draw(st.floats(0, 10))) for k in range(n_drv)]
    indicators = [(f"y{k}", draw(st.floats(0, 100))) for k in range(n_ind)]
    impacts = []
    for source in [d[0] for d in drivers] + [i[0] for i in indicators]:
        for target, _ in indicators:
            if draw(st.booleans()):
                w = draw(st.floats(-3, 3))
                spread = draw(st.floats(0, 1))
                impacts.append((source, target, w, (w - spread, w + spread)))
    events = []
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from([d[0] for d in drivers] + [i[0] for i in indicators]))
        on_driver = target.startswith("d")
        event = {"week": draw(st.integers(0, 15)), "target": target}
        if draw(st.booleans()):
            event["set"] = draw(st.floats(0, 10 if on_driver else 100))
        else:
            event["add"] = draw(st.floats(-150, 150))
        events.append(event)
    uncertainty = draw(st.sampled_from(["triangular", "uniform"]))
    return drivers, indicators, impacts, events, uncertainty


@settings(max_examples=100, derandomize=True, deadline=None)
@given(case=random_cases(), seed=st.integers(0, 2**32 - 1))
def test_random_models_agree_with_the_oracle(make_scenario, case, seed):
    drivers, indicators, impacts, events, uncertainty = case
    s = make_scenario(
        drivers=drivers, indicators=indicators, impacts=impacts, events=events, uncertainty=uncertainty, horizon=15
    )
    model = compile_scenario(s)
    _compare(model, sample_coefficients(model, 4, seed), driver_array(model, s.defaults()))
