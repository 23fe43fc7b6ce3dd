"""Monte Carlo ensemble over the impact ranges: seeded sampling, quantile bands and question probabilities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.schema import Scenario
from engine.simulation import CompiledModel, compile_scenario, driver_array, simulate

DEFAULT_QUANTILES = (0.1, 0.5, 0.9)
MAX_RUNS = 20_000


def sample_coefficients(model: CompiledModel, runs: int, seed: int) -> np.ndarray:
    """Draw every impact coefficient once per run (runs x impacts) from one generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    u = rng.random((runs, len(model.weight)))
    low, mode, high = model.low, model.weight, model.high
    width = high - low
    if model.uncertainty == "uniform":
        return low + u * width
    # Inverse CDF of the triangular distribution; written out so a zero-width range is just its weight.
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.0)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(u < cut, left, right)


def quantile_name(q: float) -> str:
    return f"p{round(q * 100):g}"


@dataclass(frozen=True)
class Projection:
    """What the dashboard and the CLI show: bands per week and indicator, and question probabilities."""

    bands: pd.DataFrame  # week, indicator, mean, p10, p50, p90 (0-100)
    questions: pd.DataFrame  # question, indicator, threshold, by_week, probability (0-1)
    runs: int
    seed: int


def summarise(
    scenario: Scenario,
    paths: np.ndarray,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bands and question probabilities from paths (weeks x runs x indicators, unit interval)."""
    n_weeks, _, n_ind = paths.shape
    scaled = paths * 100
    qs = np.quantile(scaled, quantiles, axis=1)  # quantiles x weeks x indicators
    columns = {
        "week": np.repeat(np.arange(n_weeks), n_ind),
        "indicator": np.tile(np.array([i.id for i in scenario.indicators], dtype=object), n_weeks),
        "mean": scaled.mean(axis=1).reshape(-1),
    }
    for q, values in zip(quantiles, qs, strict=True):
        columns[quantile_name(q)] = values.reshape(-1)
    bands = pd.DataFrame(columns)

    position = {i.id: n for n, i in enumerate(scenario.indicators)}
    rows = []
    for q in scenario.questions:
        by_week = min(q.by_week, n_weeks - 1)
        peak = scaled[: by_week + 1, :, position[q.indicator]].max(axis=0)
        rows.append((q.id, q.indicator, q.threshold, by_week, float(np.mean(peak >= q.threshold))))
    questions = pd.DataFrame(rows, columns=["question", "indicator", "threshold", "by_week", "probability"])
    return bands, questions


def run_ensemble(
    scenario: Scenario,
    values: Mapping[str, float] | None = None,
    runs: int = 1000,
    seed: int = 0,
    weeks: int | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    model: CompiledModel | None = None,
) -> Projection:
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be between 1 and {MAX_RUNS:,}, got {runs}")
    model = model or compile_scenario(scenario)
    values = values if values is not None else scenario.defaults()
    coefficients = sample_coefficients(model, runs, seed)
    paths = simulate(model, coefficients, driver_array(model, values), weeks)
    bands, questions = summarise(scenario, paths, quantiles)
    return Projection(bands=bands, questions=questions, runs=runs, seed=seed)
