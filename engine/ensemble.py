"""Monte Carlo ensemble over the impact ranges: seeded sampling, quantile bands and question probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from engine import kernels
from engine.budget import block_runs, ensemble_cost, heavy_slot, max_runs, require
from engine.schema import Question, Scenario
from engine.simulation import CompiledModel, driver_array, simulate
from engine.workers import run_slices, slices

if TYPE_CHECKING:  # engine.model imports this module
    from engine.model import Model

DEFAULT_QUANTILES = (0.1, 0.5, 0.9)
MAX_RUNS = 20_000
# Below this many values, ranking them on one core is quicker than handing half to another.
MIN_VALUES_PER_WORKER = 1_000_000
# The two-sided 95 % normal quantile of the questions' Wilson interval.
WILSON_Z = NormalDist().inv_cdf(0.975)
QUESTION_COLUMNS = ["question", "indicator", "threshold", "by_week", "probability", "low", "high"]


def wilson_interval(successes: int, runs: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The Wilson score interval of a share of `successes` in `runs` (95 % with the default z), within [0, 1]."""
    share = successes / runs
    spread = z * z / runs
    centre = (share + spread / 2) / (1 + spread)
    half = z / (1 + spread) * math.sqrt(share * (1 - share) / runs + spread / (4 * runs))
    # At no or every success the interval reaches 0 or 1 exactly; the formula misses it by a rounding error.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == runs else min(1.0, centre + half)
    return low, high


def question_reached(question: Question, path: np.ndarray) -> np.ndarray:
    """Per run, whether the question's answer is yes: `path` holds its indicator (0-100), weeks 0..by_week first.

    Above: the indicator reaches the threshold at some week; below: it falls to or below it at some week.
    """
    if question.direction == "below":
        return path.min(axis=0) <= question.threshold
    return path.max(axis=0) >= question.threshold


def question_row(question: Question, by_week: int, reached: np.ndarray) -> tuple:
    """One row of the questions table (QUESTION_COLUMNS) from the runs' yes/no answers."""
    runs = len(reached)
    yes = int(np.count_nonzero(reached))
    low, high = wilson_interval(yes, runs)
    return (question.id, question.indicator, question.threshold, by_week, yes / runs, low, high)


def sample_coefficients(model: CompiledModel, runs: int, seed: int) -> np.ndarray:
    """Draw every impact coefficient once per run (runs x impacts) from one generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    return coefficients_at(model, rng.random((runs, len(model.weight))))


def coefficients_at(model: CompiledModel, u: np.ndarray) -> np.ndarray:
    """Coefficients at quantile levels `u` (rows x impacts) of each impact's distribution (its inverse CDF)."""
    if model.uncertainty == "uniform":
        return model.low + u * (model.high - model.low)
    levels = np.ascontiguousarray(u, dtype=float)
    out = np.empty(levels.shape)
    if levels.size:
        flat = (-1, levels.shape[-1]) if levels.ndim else (1, 1)
        kernels.triangular(levels.reshape(flat), model.low, model.weight, model.high, out.reshape(flat))
    return out


def quantile_name(q: float) -> str:
    return f"p{round(q * 100):g}"


@dataclass(frozen=True)
class Projection:
    """What the dashboard and the CLI show: bands per week and indicator, and question probabilities."""

    bands: pd.DataFrame  # week, indicator, mean, p10, p50, p90 (0-100)
    questions: pd.DataFrame  # QUESTION_COLUMNS: probability and its 95 % Wilson interval low..high (0-1)
    runs: int
    seed: int


def order_statistics(rows: np.ndarray, quantiles: Sequence[float]) -> np.ndarray:
    """Quantiles along the last axis with numpy's default (linear) rule: quantiles x rows.

    Exact, like np.quantile, from the order statistics that the quantiles need (kernels.select_ranks),
    without sorting whole rows: numpy's sort is slow on some processors (on AMD Zen 4, the AVX-512
    compress-store it uses is microcoded). Large batches of rows are shared out between cores.
    """
    n = rows.shape[-1]
    position = np.asarray(quantiles, dtype=float) * (n - 1)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    weight = position - below
    flat = np.ascontiguousarray(rows, dtype=float).reshape(-1, n)
    needed = np.unique(np.concatenate([below, above]))
    picked = np.empty((len(flat), len(needed)))
    run_slices(
        lambda part: kernels.select_ranks(flat[part], needed, picked[part]),
        slices(len(flat), -(-MIN_VALUES_PER_WORKER // n)),
    )
    low, high = picked[:, np.searchsorted(needed, below)], picked[:, np.searchsorted(needed, above)]
    return (low + (high - low) * weight).T.reshape(len(quantiles), *rows.shape[:-1])


def summarise(
    scenario: Scenario,
    paths: np.ndarray,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    overwrite: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bands and question probabilities from paths (weeks x runs x indicators, unit interval).

    With `overwrite`, `paths` is scaled in place rather than copied: a fresh
    array of this size costs a page fault per 4 KiB, which at 1,000 runs is a sixth of the ensemble.
    """
    n_weeks, _, n_ind = paths.shape
    # weeks x indicators x runs, contiguous for simulate's output (its transposed view): each
    # indicator's runs in a week are one contiguous row for the quantiles below.
    by_run = np.ascontiguousarray(paths.transpose(0, 2, 1))
    if np.shares_memory(by_run, paths) and not overwrite:
        by_run = by_run * 100
    else:
        np.multiply(by_run, 100, out=by_run)

    position = {i.id: n for n, i in enumerate(scenario.indicators)}
    rows = []
    for q in scenario.questions:
        by_week = min(q.by_week, n_weeks - 1)
        rows.append(question_row(q, by_week, question_reached(q, by_run[: by_week + 1, position[q.indicator]])))
    # Column by column: a frame built from rows infers each column's type row by row, ten times slower.
    questions = pd.DataFrame(
        dict(zip(QUESTION_COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}, columns=QUESTION_COLUMNS
    )

    columns = {
        "week": np.repeat(np.arange(n_weeks), n_ind),
        "indicator": np.tile(np.array([i.id for i in scenario.indicators], dtype=object), n_weeks),
        "mean": by_run.mean(axis=-1).reshape(-1),
    }
    for q, values in zip(quantiles, order_statistics(by_run, quantiles), strict=True):
        columns[quantile_name(q)] = values.reshape(-1)
    return pd.DataFrame(columns), questions


def run_ensemble(
    model: Model,
    values: Mapping[str, float] | None = None,
    runs: int = 1000,
    seed: int = 0,
    weeks: int | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
) -> Projection:
    """A seeded ensemble; refused before it starts (BudgetExceeded) when it would outgrow the work budget.

    Runs are drawn and stepped in blocks, so the working arrays stay the same size however many runs
    are asked for; the numbers do not depend on the blocks (one generator, drawn in order, and every
    run stepped on its own).
    """
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be between 1 and {MAX_RUNS:,}, got {runs}")
    scenario, compiled = model.scenario, model.compiled
    weeks = compiled.horizon if weeks is None else weeks
    cost = ensemble_cost(scenario, runs, weeks)
    require(f"an ensemble of {runs:,} runs", cost, largest=max_runs(scenario, weeks, cap=MAX_RUNS))
    values = values if values is not None else scenario.defaults()
    with heavy_slot(cost):
        paths = ensemble_paths(compiled, runs, seed, driver_array(compiled, values), weeks, block_runs(scenario))
        bands, questions = summarise(scenario, paths, quantiles, overwrite=True)
    # A NaN or infinity anywhere in a week's runs makes that week's mean non-finite, and the quantiles
    # are order statistics of the same values: the mean column alone tells.
    if not np.isfinite(bands["mean"].to_numpy()).all():
        raise NonFiniteResult("the projection holds values that are not finite numbers")
    return Projection(bands=bands, questions=questions, runs=runs, seed=seed)


class NonFiniteResult(ArithmeticError):
    """A projection whose numbers are not all finite: refused rather than drawn."""


def ensemble_paths(
    model: CompiledModel, runs: int, seed: int, drivers: np.ndarray, weeks: int, block: int
) -> np.ndarray:
    """Paths of `runs` seeded runs (weeks x runs x indicators), drawn and stepped `block` runs at a time."""
    if runs <= block:
        return simulate(model, sample_coefficients(model, runs, seed), drivers, weeks)
    out = np.empty((weeks + 1, len(model.indicator_ids), runs))
    rng = np.random.default_rng(seed)
    for start in range(0, runs, block):
        stop = min(runs, start + block)
        # Drawing rows in order from one generator gives the same numbers as drawing them all at once.
        coefficients = coefficients_at(model, rng.random((stop - start, len(model.weight))))
        simulate(model, coefficients, drivers, weeks, out=out[:, :, start:stop])
    return out.transpose(0, 2, 1)
