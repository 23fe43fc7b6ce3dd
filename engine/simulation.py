"""KSIM cross-impact simulation: compile a scenario to arrays and step it week by week, vectorised over runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from engine import kernels
from engine.schema import Scenario
from engine.workers import MIN_RUNS_PER_WORKER, run_slices, slices

if TYPE_CHECKING:  # engine.model imports this module
    from engine.model import Model

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
    # A ramp's step: the driver holds start + (slider - start) * fraction (fraction 1: the slider itself).
    start: float | None = None
    fraction: float | None = None


def _ramp_steps(week: int, index: int, start: float, over: int) -> list[ScheduledEvent]:
    """A ramp as weekly steps: `start` from week 0, then equal steps to the slider value over `over` weeks."""
    steps = [ScheduledEvent(0, True, index, None, None, start, 0.0)] if week > 0 else []
    steps += [ScheduledEvent(week + k, True, index, None, None, start, k / over) for k in range(over + 1)]
    return steps


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
    # Impacts sorted by target (stable): each indicator's inflows are one block of rows. In that order:
    # each impact's source and target, the rows from drivers with each indicator's first row among them
    # (and the end), and which indicators an impact from each driver reaches (drivers x indicators).
    by_target: np.ndarray
    sorted_from: np.ndarray
    sorted_to: np.ndarray
    driver_rows: np.ndarray
    driver_starts: np.ndarray
    reaches: np.ndarray

    @property
    def n_drivers(self) -> int:
        return len(self.driver_ids)


def compile_scenario(scenario: Scenario) -> CompiledModel:
    driver_ids = tuple(d.id for d in scenario.drivers)
    indicator_ids = tuple(i.id for i in scenario.indicators)
    position = {name: n for n, name in enumerate(driver_ids + indicator_ids)}
    events = []
    for e in scenario.events:
        on_driver = e.target in driver_ids
        index = position[e.target] - (0 if on_driver else len(driver_ids))
        if e.is_ramp:
            events += _ramp_steps(e.week, index, e.start, e.over)
        else:
            events.append(ScheduledEvent(e.week, on_driver, index, e.set, e.add))
    # Stable: events of one week keep the file's order.
    events.sort(key=lambda e: e.week)
    impact_from = np.array([position[i.source_id] for i in scenario.impacts], dtype=np.intp)
    impact_to = np.array([position[i.target] - len(driver_ids) for i in scenario.impacts], dtype=np.intp)
    by_target = np.argsort(impact_to, kind="stable")
    sorted_from, sorted_to = impact_from[by_target], impact_to[by_target]
    driver_rows = np.flatnonzero(sorted_from < len(driver_ids))
    reaches = np.zeros((len(driver_ids), len(indicator_ids)), dtype=bool)
    reaches[sorted_from[driver_rows], sorted_to[driver_rows]] = True
    return CompiledModel(
        driver_ids=driver_ids,
        indicator_ids=indicator_ids,
        driver_min=np.array([d.min for d in scenario.drivers], dtype=float),
        driver_max=np.array([d.max for d in scenario.drivers], dtype=float),
        initial=np.clip(np.array([i.initial for i in scenario.indicators], dtype=float) / 100, EPS, 1 - EPS),
        impact_from=impact_from,
        impact_to=impact_to,
        weight=np.array([i.weight for i in scenario.impacts], dtype=float),
        low=np.array([i.range[0] for i in scenario.impacts], dtype=float),
        high=np.array([i.range[1] for i in scenario.impacts], dtype=float),
        events=tuple(events),
        horizon=scenario.horizon_weeks,
        uncertainty=scenario.uncertainty,
        by_target=by_target,
        sorted_from=sorted_from,
        sorted_to=sorted_to,
        driver_rows=driver_rows,
        driver_starts=_starts(sorted_to[driver_rows], len(indicator_ids)),
        reaches=reaches,
    )


def resolve_drivers(
    scenario: Scenario, preset: str | None = None, overrides: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Slider values: the defaults, then a preset's values, then explicit overrides, all range-checked."""
    values = scenario.defaults()
    if preset is not None:
        try:
            values = scenario.preset_values(preset)
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


def _starts(targets: np.ndarray, n_ind: int) -> np.ndarray:
    """Where each indicator's block begins in impact rows sorted by target, and where the last one ends."""
    return np.searchsorted(targets, np.arange(n_ind + 1), side="left").astype(np.intp)


def simulate(
    model: CompiledModel,
    coefficients: np.ndarray,
    drivers: np.ndarray,
    weeks: int | None = None,
    dt: float = 1.0,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Run KSIM for every row of `coefficients` (runs x impacts).

    `drivers` holds slider values, one row per run or one row for all. Returns the indicators on
    the unit interval as an array of weeks x runs x indicators, week 0 being the initial state.
    `out`, if given, is where they are written: an array (or a view) of weeks x indicators x runs.
    """
    weeks = model.horizon if weeks is None else weeks
    coefficients = np.atleast_2d(np.asarray(coefficients, dtype=float))
    runs = coefficients.shape[0]
    slider = np.array(np.broadcast_to(drivers, (runs, model.n_drivers)), dtype=float)
    if out is None:
        out = np.empty((weeks + 1, len(model.indicator_ids), runs))
    elif out.shape != (weeks + 1, len(model.indicator_ids), runs):
        raise ValueError(f"out has shape {out.shape}, expected {(weeks + 1, len(model.indicator_ids), runs)}")
    # Runs never interact, so slices of runs are stepped separately (on several cores when the
    # ensemble is large) and every run gets the same digits however the runs are split.
    run_slices(
        lambda part: _step(model, coefficients[part], slider[part], out[:, :, part], dt),
        slices(runs, MIN_RUNS_PER_WORKER),
    )
    # Callers see weeks x runs x indicators; the transposed view keeps the fast layout underneath.
    return out.transpose(0, 2, 1)


def _step(model: CompiledModel, coefficients: np.ndarray, slider: np.ndarray, out: np.ndarray, dt: float) -> None:
    """Step the runs of `coefficients` through all weeks of `out` (weeks x indicators x runs)."""
    weeks = out.shape[0] - 1
    n_ind, runs = out.shape[1], out.shape[2]
    # Drivers x runs: an event or a ramp step changes one contiguous row. `level` is the slider as set,
    # which ramps move towards; `slider` is where each driver stands this week.
    level = np.ascontiguousarray(slider.T)
    slider = level.copy()

    # Work in a variables x runs layout: each source is a contiguous row, and each indicator's inflows
    # are a sum over a contiguous block of impact rows (impacts sorted by target). The sums are the
    # compiled kernels' own loops rather than a BLAS matmul: the order of additions does not depend on
    # BLAS threading or kernels (a shared link must give the same digits), and no BLAS thread pool
    # fights other sessions for the two cores.
    order = model.by_target
    n_impacts = len(order)
    raising, lowering = np.empty((n_impacts, runs)), np.empty((n_impacts, runs))
    any_raising, any_lowering = np.empty(n_impacts, dtype=bool), np.empty(n_impacts, dtype=bool)
    kernels.signed_parts(coefficients, order, dt / 2, raising, lowering, any_raising, any_lowering)
    impact_from, impact_to = model.sorted_from, model.sorted_to
    from_driver = impact_from < model.n_drivers
    rows_d, starts_d, reaches = model.driver_rows, model.driver_starts, model.reaches
    src_d = impact_from[rows_d]
    # An impact drawn with one sign in every run adds only zeros to the other sum; leaving those
    # rows out halves the weekly work and, since adding 0.0 changes no digit, not the result.
    rows_up = np.flatnonzero(~from_driver & any_raising)
    rows_down = np.flatnonzero(~from_driver & any_lowering)
    src_up, src_down = impact_from[rows_up] - model.n_drivers, impact_from[rows_down] - model.n_drivers
    starts_up, starts_down = _starts(impact_to[rows_up], n_ind), _starts(impact_to[rows_down], n_ind)

    out[0] = model.initial[:, None]
    x = out[0]
    # The state is kept as log x: x ** phi is then a multiplication, and one exp per step remains.
    log_x = np.log(x)
    driver_span = model.driver_max - model.driver_min
    up, down = np.empty((n_ind, runs)), np.empty((n_ind, runs))
    units = np.empty_like(slider)
    base_up, base_down = np.empty((n_ind, runs)), np.empty((n_ind, runs))
    events = [e for e in model.events if e.week <= weeks]
    pending = 0
    stale = np.ones(n_ind, dtype=bool)
    for week in range(weeks + 1):
        while pending < len(events) and events[pending].week == week:
            e = events[pending]
            pending += 1
            if e.fraction is not None:
                if e.fraction == 1.0:
                    slider[e.index] = level[e.index]
                else:
                    slider[e.index] = e.start + (level[e.index] - e.start) * e.fraction
                stale |= reaches[e.index]
            elif e.on_driver:
                lo, hi = model.driver_min[e.index], model.driver_max[e.index]
                new = e.set if e.set is not None else slider[e.index] + e.add
                slider[e.index] = np.clip(new, lo, hi)
                stale |= reaches[e.index]
            else:
                new = e.set if e.set is not None else x[e.index] * 100 + e.add
                x[e.index] = np.clip(np.asarray(new, dtype=float) / 100, EPS, 1 - EPS)
                log_x[e.index] = np.log(x[e.index])
        if week == weeks:
            break
        if stale.any():
            # Drivers change only at events, so their share of the sums (with KSIM's "1 +") is computed
            # once per change, not once per week, and only for the indicators a moved driver reaches.
            kernels.driver_bases(
                slider,
                model.driver_min,
                driver_span,
                EPS,
                raising,
                lowering,
                rows_d,
                src_d,
                starts_d,
                stale,
                units,
                base_up,
                base_down,
            )
            stale[:] = False
        kernels.indicator_step(
            x,
            log_x,
            raising,
            rows_up,
            src_up,
            starts_up,
            lowering,
            rows_down,
            src_down,
            starts_down,
            base_up,
            base_down,
            up,
            down,
            LOG_LOW,
            LOG_HIGH,
        )
        x = out[week + 1]
        np.exp(log_x, out=x)


def point_run(model: Model, values: Mapping[str, float] | None = None, weeks: int | None = None) -> pd.DataFrame:
    """Every coefficient at its weight: columns week, indicator, value (0-100)."""
    compiled = model.compiled
    values = values if values is not None else model.scenario.defaults()
    path = simulate(compiled, compiled.weight[None, :], driver_array(compiled, values), weeks)[:, 0, :] * 100
    n_weeks, n_ind = path.shape
    return pd.DataFrame(
        {
            "week": np.repeat(np.arange(n_weeks), n_ind),
            "indicator": np.tile(np.array(compiled.indicator_ids, dtype=object), n_weeks),
            "value": path.reshape(-1),
        }
    )
