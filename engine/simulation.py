"""KSIM cross-impact simulation: compile a scenario to arrays and step it week by week, vectorised over runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.schema import Scenario

EPS = 1e-6
LOG_LOW = float(np.log(EPS))
LOG_HIGH = float(np.log1p(-EPS))


@dataclass(frozen=True)
class ScheduledEvent:
    week: int
    on_driver: bool
    index: int  # into the drivers or the indicators, as on_driver says
    set: float | None
    add: float | None


@dataclass(frozen=True, eq=False)
class CompiledModel:
    """A scenario as index arrays: variables are the drivers first, then the indicators."""

    driver_ids: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    driver_min: np.ndarray
    driver_max: np.ndarray
    initial: np.ndarray  # indicators on the unit interval, clipped
    impact_from: np.ndarray  # index into drivers + indicators
    impact_to: np.ndarray  # index into indicators
    weight: np.ndarray
    low: np.ndarray
    high: np.ndarray
    events: tuple[ScheduledEvent, ...]
    horizon: int
    uncertainty: str

    @property
    def n_drivers(self) -> int:
        return len(self.driver_ids)


def compile_scenario(scenario: Scenario) -> CompiledModel:
    driver_ids = tuple(d.id for d in scenario.drivers)
    indicator_ids = tuple(i.id for i in scenario.indicators)
    position = {name: n for n, name in enumerate(driver_ids + indicator_ids)}
    events = []
    for e in sorted(scenario.events, key=lambda e: e.week):
        on_driver = e.target in driver_ids
        index = position[e.target] - (0 if on_driver else len(driver_ids))
        events.append(ScheduledEvent(e.week, on_driver, index, e.set, e.add))
    return CompiledModel(
        driver_ids=driver_ids,
        indicator_ids=indicator_ids,
        driver_min=np.array([d.min for d in scenario.drivers], dtype=float),
        driver_max=np.array([d.max for d in scenario.drivers], dtype=float),
        initial=np.clip(np.array([i.initial for i in scenario.indicators], dtype=float) / 100, EPS, 1 - EPS),
        impact_from=np.array([position[i.source_id] for i in scenario.impacts], dtype=np.intp),
        impact_to=np.array([position[i.target] - len(driver_ids) for i in scenario.impacts], dtype=np.intp),
        weight=np.array([i.weight for i in scenario.impacts], dtype=float),
        low=np.array([i.range[0] for i in scenario.impacts], dtype=float),
        high=np.array([i.range[1] for i in scenario.impacts], dtype=float),
        events=tuple(events),
        horizon=scenario.horizon_weeks,
        uncertainty=scenario.uncertainty,
    )


def resolve_drivers(
    scenario: Scenario, preset: str | None = None, overrides: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Slider values: the defaults, then a preset's values, then explicit overrides, all range-checked."""
    values = scenario.defaults()
    if preset is not None:
        try:
            values.update(scenario.preset(preset).values)
        except KeyError:
            known = ", ".join(p.id for p in scenario.presets) or "none"
            raise ValueError(f"unknown preset '{preset}' (known: {known})") from None
    for key, value in (overrides or {}).items():
        if key not in values:
            raise ValueError(f"unknown driver '{key}'")
        d = scenario.driver(key)
        if not (d.min <= value <= d.max):
            raise ValueError(f"{key}={value:g} is outside [{d.min:g}, {d.max:g}]")
        values[key] = float(value)
    return values


def driver_array(model: CompiledModel, values: Mapping[str, float]) -> np.ndarray:
    return np.array([values[d] for d in model.driver_ids], dtype=float)


def _to_unit(model: CompiledModel, slider: np.ndarray) -> np.ndarray:
    return np.clip((slider - model.driver_min) / (model.driver_max - model.driver_min), EPS, 1 - EPS)


def simulate(
    model: CompiledModel,
    coefficients: np.ndarray,
    drivers: np.ndarray,
    weeks: int | None = None,
    dt: float = 1.0,
) -> np.ndarray:
    """Run KSIM for every row of `coefficients` (runs x impacts).

    `drivers` holds slider values, one row per run or one row for all. Returns the indicators on
    the unit interval as an array of weeks x runs x indicators, week 0 being the initial state.
    """
    weeks = model.horizon if weeks is None else weeks
    coefficients = np.atleast_2d(np.asarray(coefficients, dtype=float))
    runs = coefficients.shape[0]
    n_ind = len(model.indicator_ids)
    slider = np.array(np.broadcast_to(drivers, (runs, model.n_drivers)), dtype=float)

    from_driver = model.impact_from < model.n_drivers
    # One-hot maps from impacts to their target indicator: a matmul sums each indicator's inflows.
    to_onehot = np.zeros((len(model.impact_to), n_ind))
    to_onehot[np.arange(len(model.impact_to)), model.impact_to] = 1.0
    magnitude = np.abs(coefficients)
    half = dt / 2
    raise_d = half * (magnitude + coefficients)[:, from_driver]
    lower_d = half * (magnitude - coefficients)[:, from_driver]
    raise_i = half * (magnitude + coefficients)[:, ~from_driver]
    lower_i = half * (magnitude - coefficients)[:, ~from_driver]
    map_d, map_i = to_onehot[from_driver], to_onehot[~from_driver]
    src_d = model.impact_from[from_driver]
    src_i = model.impact_from[~from_driver] - model.n_drivers

    # The state is kept as log x: x ** phi is then a multiplication, and one exp per step remains.
    log_x = np.broadcast_to(np.log(model.initial), (runs, n_ind)).copy()
    x = np.exp(log_x)
    out = np.empty((weeks + 1, runs, n_ind))
    events = [e for e in model.events if e.week <= weeks]
    pending = 0
    driver_dirty = True
    for week in range(weeks + 1):
        while pending < len(events) and events[pending].week == week:
            e = events[pending]
            pending += 1
            if e.on_driver:
                lo, hi = model.driver_min[e.index], model.driver_max[e.index]
                new = e.set if e.set is not None else slider[:, e.index] + e.add
                slider[:, e.index] = np.clip(new, lo, hi)
                driver_dirty = True
            else:
                new = e.set if e.set is not None else x[:, e.index] * 100 + e.add
                x[:, e.index] = np.clip(np.asarray(new, dtype=float) / 100, EPS, 1 - EPS)
                log_x[:, e.index] = np.log(x[:, e.index])
        out[week] = x
        if week == weeks:
            break
        if driver_dirty:
            # Drivers change only at events, so their share of the sums is computed once per change.
            unit = _to_unit(model, slider)[:, src_d]
            push_up = (raise_d * unit) @ map_d
            push_down = (lower_d * unit) @ map_d
            driver_dirty = False
        xs = x[:, src_i]
        up = push_up + (raise_i * xs) @ map_i
        down = push_down + (lower_i * xs) @ map_i
        np.multiply(log_x, (1 + down) / (1 + up), out=log_x)
        np.clip(log_x, LOG_LOW, LOG_HIGH, out=log_x)
        x = np.exp(log_x)
    return out


def point_run(scenario: Scenario, values: Mapping[str, float] | None = None, weeks: int | None = None) -> pd.DataFrame:
    """Every coefficient at its weight: columns week, indicator, value (0-100)."""
    model = compile_scenario(scenario)
    values = values if values is not None else scenario.defaults()
    path = simulate(model, model.weight[None, :], driver_array(model, values), weeks)[:, 0, :] * 100
    n_weeks, n_ind = path.shape
    return pd.DataFrame(
        {
            "week": np.repeat(np.arange(n_weeks), n_ind),
            "indicator": np.tile(np.array(model.indicator_ids, dtype=object), n_weeks),
            "value": path.reshape(-1),
        }
    )
