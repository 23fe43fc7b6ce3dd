"""Sweeps of the driver space: a seeded space-filling design, an ensemble at every point, its outcomes as a table.

A design samples some drivers (the others stay at the base setting) within their slider ranges or narrower
ones, as a scrambled Latin hypercube or Sobol' sequence (scipy.stats.qmc) seeded by the design's seed. Point
i's runs draw their coefficients from a generator seeded by (seed, i), and every run is stepped on its own,
so a point's outcomes do not depend on how the points are split into chunks, processes or cluster workers.

What a point records (SweepOutputs): each question's probability (share of runs that reach it by its week),
and, per indicator, the median over runs at the horizon (`end:<id>`) and of each run's peak (`peak:<id>`),
and, for each question, its indicator's median at its week (`week<w>:<id>`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import qmc

from engine.budget import Cost, block_runs, heavy_slot, max_swing_runs, require, swing_cost
from engine.ensemble import coefficients_at, question_reached
from engine.model import Model
from engine.schema import Scenario
from engine.simulation import simulate

DESIGNS = ("lhs", "sobol")
MAX_POINTS = 1_000_000  # the command line's bound; the page offers far fewer
CHUNK_POINTS = 64  # points stepped together: big enough to vectorise, small enough to report progress
Progress = Callable[[float], None]


@dataclass(frozen=True)
class Design:
    """Which drivers a sweep varies and over which ranges, how many points, which sequence and seed.

    `ranges` maps each swept driver to (low, high) in its slider units; drivers not named stay at `base`.
    """

    ranges: Mapping[str, tuple[float, float]]
    points: int
    kind: str = "lhs"
    seed: int = 0
    base: Mapping[str, float] = field(default_factory=dict)

    @property
    def drivers(self) -> tuple[str, ...]:
        return tuple(self.ranges)

    def key(self) -> tuple:
        """A hashable summary: what a cache of sweeps keys on, with the scenario's digest."""
        return (
            tuple((k, float(lo), float(hi)) for k, (lo, hi) in self.ranges.items()),
            self.points,
            self.kind,
            self.seed,
            tuple(sorted((k, float(v)) for k, v in self.base.items())),
        )


def design_for(
    scenario: Scenario,
    drivers: Sequence[str] | None = None,
    points: int = 256,
    kind: str = "lhs",
    seed: int = 0,
    base: Mapping[str, float] | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> Design:
    """A checked Design: `drivers` (default all) over their slider ranges or the given narrower `ranges`."""
    if kind not in DESIGNS:
        raise ValueError(f"design must be one of {', '.join(DESIGNS)}, got {kind!r}")
    if not 1 <= points <= MAX_POINTS:
        raise ValueError(f"points must be between 1 and {MAX_POINTS:,}, got {points}")
    known = {d.id: d for d in scenario.drivers}
    chosen = list(drivers) if drivers is not None else list(known)
    unknown = [d for d in chosen if d not in known]
    if unknown:
        raise ValueError(f"unknown driver(s): {', '.join(unknown)}")
    if not chosen:
        raise ValueError("a sweep needs at least one driver")
    ranges = dict(ranges or {})
    out = {}
    for key in chosen:
        d = known[key]
        low, high = ranges.get(key, (d.min, d.max))
        low, high = float(low), float(high)
        if not d.min <= low <= high <= d.max:
            raise ValueError(f"{key}: range [{low:g}, {high:g}] is not within [{d.min:g}, {d.max:g}]")
        out[key] = (low, high)
    values = scenario.defaults() | dict(base or {})
    return Design(out, int(points), kind, int(seed), values)


def unit_points(design: Design) -> np.ndarray:
    """The design's points in the unit cube (points x swept drivers), scrambled and seeded."""
    d = len(design.ranges)
    if design.kind == "sobol":
        sampler = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(design.seed))
        # Sobol' points balance best in powers of two; any count is allowed, its first points are used.
        return sampler.random(design.points)
    return qmc.LatinHypercube(d, rng=np.random.default_rng(design.seed)).random(design.points)


def design_values(scenario: Scenario, design: Design) -> np.ndarray:
    """Slider rows (points x all drivers, the scenario's order): swept drivers scaled from the unit cube."""
    unit = unit_points(design)
    order = [d.id for d in scenario.drivers]
    rows = np.tile(np.array([design.base[k] for k in order], dtype=float), (design.points, 1))
    for column, (key, (low, high)) in enumerate(design.ranges.items()):
        rows[:, order.index(key)] = low + unit[:, column] * (high - low)
    return rows


def output_names(scenario: Scenario) -> list[str]:
    """The outcome columns of a sweep, in order."""
    names = [f"p:{q.id}" for q in scenario.questions]
    names += [f"end:{i.id}" for i in scenario.indicators]
    names += [f"peak:{i.id}" for i in scenario.indicators]
    names += list(dict.fromkeys(f"week{q.by_week}:{q.indicator}" for q in scenario.questions))
    return names


def sweep_cost(scenario: Scenario, points: int, runs: int) -> Cost:
    """What `points` points of `runs` runs cost: stepped a chunk at a time, only the outcomes kept."""
    return swing_cost(scenario, runs, points)


def point_seed(seed: int, index: int) -> np.random.Generator:
    """Point `index`'s generator: the same draws however the points are split."""
    return np.random.default_rng([seed, index])


def evaluate(
    model: Model, rows: np.ndarray, first_index: int, runs: int, seed: int, progress: Progress | None = None
) -> np.ndarray:
    """The outcomes (rows x output_names) of slider `rows`, which are points first_index, first_index + 1, ...

    No budget check: callers price the whole sweep first (sweep_cost) and split it as they like.
    """
    scenario, compiled = model.scenario, model.compiled
    weeks = compiled.horizon
    position = {name: n for n, name in enumerate(compiled.indicator_ids)}
    n_ind = len(compiled.indicator_ids)
    week_outputs = list(dict.fromkeys((q.by_week, q.indicator) for q in scenario.questions))
    out = np.empty((len(rows), len(output_names(scenario))))
    chunk = max(1, block_runs(scenario) // runs)
    for start in range(0, len(rows), chunk):
        stop = min(len(rows), start + chunk)
        count = stop - start
        coefficients = np.empty((count * runs, len(compiled.weight)))
        for k in range(count):
            rng = point_seed(seed, first_index + start + k)
            coefficients[k * runs : (k + 1) * runs] = coefficients_at(
                compiled, rng.random((runs, len(compiled.weight)))
            )
        drivers = np.repeat(rows[start:stop], runs, axis=0)
        paths = simulate(compiled, coefficients, drivers, weeks) * 100  # weeks x (points*runs) x indicators
        by_point = paths.reshape(weeks + 1, count, runs, n_ind)
        columns = []
        for q in scenario.questions:
            by_week = min(q.by_week, weeks)
            reached = question_reached(q, paths[: by_week + 1, :, position[q.indicator]])
            columns.append(reached.reshape(count, runs).mean(axis=1))
        end = np.median(by_point[weeks], axis=1)  # count x indicators
        peak = np.median(by_point.max(axis=0), axis=1)
        columns.extend(end.T)
        columns.extend(peak.T)
        for week, indicator in week_outputs:
            columns.append(np.median(by_point[min(week, weeks), :, :, position[indicator]], axis=1))
        out[start:stop] = np.column_stack(columns)
        if progress is not None:
            progress(stop / len(rows))
    return out


def frame_of(scenario: Scenario, design: Design, rows: np.ndarray, outcomes: np.ndarray) -> pd.DataFrame:
    """A sweep as one table: point index, the swept drivers' values, then the outcomes."""
    order = [d.id for d in scenario.drivers]
    frame = pd.DataFrame({"point": np.arange(len(rows))})
    for key in design.drivers:
        frame[key] = rows[:, order.index(key)]
    for n, name in enumerate(output_names(scenario)):
        frame[name] = outcomes[:, n]
    return frame


def chunks(points: int, size: int = CHUNK_POINTS) -> Iterator[tuple[int, int]]:
    for start in range(0, points, size):
        yield start, min(points, start + size)


def run_sweep(
    model: Model,
    design: Design,
    runs: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
    check_budget: bool = True,
) -> pd.DataFrame:
    """The whole sweep in this process; refused before it starts (BudgetExceeded) when it would outgrow the
    work budget (a visitor's request), unless `check_budget` is off (the command line's own machine)."""
    scenario = model.scenario
    if not 1 <= runs <= 10_000:
        raise ValueError(f"runs must be between 1 and 10,000, got {runs}")
    cost = sweep_cost(scenario, design.points, runs)
    if check_budget:
        largest = max_swing_runs(scenario, design.points)
        require(f"a sweep of {design.points:,} points x {runs:,} runs", cost, largest=largest)
    rows = design_values(scenario, design)
    outcomes = np.empty((design.points, len(output_names(scenario))))
    with heavy_slot(cost) if check_budget else nullcontext():
        done = 0
        for start, stop in chunks(design.points):
            outcomes[start:stop] = evaluate(model, rows[start:stop], start, runs, seed)
            done = stop
            if progress is not None:
                progress(done / design.points)
    return frame_of(scenario, design, rows, outcomes)


def throughput(points: int, runs: int, seconds: float) -> float:
    """Runs per second of a sweep."""
    return points * runs / seconds if seconds > 0 else math.inf
