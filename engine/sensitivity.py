"""Why the numbers move: one-at-a-time driver swings (tornado) and global Sobol indices over the coefficients.

Both are vectorised over runs the way the ensemble is: every setting, swing or Sobol sample is one row of
`engine.simulation.simulate`.

- Tornado, point value: the 2*D swings (each driver at its min, then at its max, every other driver at the
  current setting) plus the current setting itself are D*2+1 rows of ONE `simulate` call, every coefficient
  at its weight. The result is each indicator's value at the chosen week (default: the end of the horizon).
- Tornado, threshold probability: the same 2*D+1 settings, each with the same `runs` coefficient draws
  (common random numbers: `sample_coefficients(model, runs, seed)` tiled across the settings), again in ONE
  `simulate` call. A question's probability is computed exactly as the ensemble computes it (the share of
  runs whose indicator reaches the threshold at any week from 0 to `by_week`), so the current-setting row
  equals `run_ensemble(...).questions` for the same runs and seed.
- Sobol: SALib's Saltelli/Sobol' design over the uncertain impacts only (low < high). Each SALib variable
  is the quantile level u in [0, 1] of one coefficient, mapped through the same inverse CDF the ensemble
  samples with (triangular around the weight, or uniform), so the indices are those of the ensemble's own
  input distribution; impacts with a zero-width range stay at their weight. The design's rows are
  coefficient rows for `simulate`, evaluated in chunks (to bound memory and report progress).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.budget import Cost, block_runs, heavy_slot, max_swing_runs, require, sobol_cost, swing_cost
from engine.ensemble import MAX_RUNS, coefficients_at, question_reached, sample_coefficients
from engine.model import Model
from engine.schema import Question, Scenario
from engine.simulation import CompiledModel, driver_array, simulate

SOBOL_MIN_N = 8
SOBOL_MAX_N = 8192
SOBOL_RESAMPLES = 100
CHUNK_ROWS = 4096

Progress = Callable[[float], None]

TORNADO_COLUMNS = ["output", "driver", "base", "at_min", "at_max", "effect", "rank"]
INDEX_COLUMNS = ["kind", "output", "indicator", "week", "impact", "source", "target", "S1", "S1_conf", "ST", "ST_conf"]
OUTPUT_COLUMNS = ["kind", "output", "indicator", "week", "mean", "std"]


# --- tornado -------------------------------------------------------------------------------------------------


def swing_settings(model: CompiledModel, values: Mapping[str, float]) -> np.ndarray:
    """Slider rows: the current setting first, then for each driver k its min (row 1+2k) and its max (row 2+2k)."""
    base = driver_array(model, values)
    d = model.n_drivers
    rows = np.tile(base, (2 * d + 1, 1))
    k = np.arange(d)
    rows[1 + 2 * k, k] = model.driver_min
    rows[2 + 2 * k, k] = model.driver_max
    return rows


def _tornado_frame(model: CompiledModel, outputs: Sequence[str], results: np.ndarray) -> pd.DataFrame:
    """`results` is settings x outputs (settings in the order of `swing_settings`): one row per output and driver.

    Within each output, drivers are sorted by |effect| (at max minus at min), largest first; ties keep the
    scenario's driver order. `rank` counts from 0 within each output.
    """
    d, n = model.n_drivers, len(outputs)
    if not n:
        return pd.DataFrame(columns=TORNADO_COLUMNS)
    at_min, at_max = results[1::2, :n], results[2::2, :n]  # drivers x outputs
    effect = at_max - at_min
    # One frame from whole columns (output by output, drivers by |effect| within each): a frame per
    # output and a concat cost milliseconds on every slider move.
    order = np.argsort(-np.abs(effect), axis=0, kind="stable").T  # outputs x drivers
    columns = np.arange(n)[:, None]
    return pd.DataFrame(
        {
            "output": np.repeat(np.array(outputs, dtype=object), d),
            "driver": np.array(model.driver_ids, dtype=object)[order].reshape(-1),
            "base": np.repeat(results[0, :n], d),
            "at_min": at_min[order, columns].reshape(-1),
            "at_max": at_max[order, columns].reshape(-1),
            "effect": effect[order, columns].reshape(-1),
            "rank": np.tile(np.arange(d), n),
        }
    )


def tornado_point(model: Model, values: Mapping[str, float], week: int | None = None) -> pd.DataFrame:
    """Each driver swung min to max, the others at `values`, every coefficient at its weight.

    One row per indicator (`output`) and driver: `base` (the current setting), `at_min`, `at_max` and
    `effect` = at_max - at_min, all on the 0-100 scale at `week` (default: the end of the horizon).
    """
    week = model.compiled.horizon if week is None else week
    return tornado_points(model, values, [week])[week]


def tornado_points(model: Model, values: Mapping[str, float], weeks: Sequence[int]) -> dict[int, pd.DataFrame]:
    """tornado_point at each of `weeks`, by week, from one simulate call to the latest of them: a path's
    earlier weeks do not depend on how far it is stepped, so every frame equals its own tornado_point."""
    scenario, compiled = model.scenario, model.compiled
    wanted = sorted(set(weeks))
    if not wanted:
        raise ValueError("no week asked for")
    for week in wanted:
        if not 0 <= week <= compiled.horizon:
            raise ValueError(f"week must be between 0 and {compiled.horizon}, got {week}")
    last = wanted[-1]
    settings = swing_settings(compiled, values)
    cost = swing_cost(scenario, 1, len(settings), last)
    require("the value tornado", cost)
    results = np.empty((len(wanted), len(settings), len(compiled.indicator_ids)))
    block = block_runs(scenario)
    with heavy_slot(cost):
        for start in range(0, len(settings), block):
            rows = settings[start : start + block]
            coefficients = np.broadcast_to(compiled.weight, (len(rows), len(compiled.weight)))
            results[:, start : start + len(rows)] = simulate(compiled, coefficients, rows, weeks=last)[wanted] * 100
    return {week: _tornado_frame(compiled, compiled.indicator_ids, results[k]) for k, week in enumerate(wanted)}


def _swing_shape(scenario: Scenario, questions: Sequence[Question]) -> tuple[int, int]:
    """(settings, weeks) of a probability tornado: every driver at its min and max plus the current setting,
    stepped to the last week any of the questions asks about."""
    return 2 * len(scenario.drivers) + 1, min(max(q.by_week for q in questions), scenario.horizon_weeks)


def probability_tornado_cost(model: Model, runs: int, questions: Sequence[Question]) -> Cost:
    """What a probability tornado of `runs` runs per setting over `questions` costs."""
    settings, weeks = _swing_shape(model.scenario, questions)
    return swing_cost(model.scenario, runs, settings, weeks)


def probability_tornado_max_runs(model: Model, questions: Sequence[Question], cap: int = MAX_RUNS) -> int:
    """The most runs per setting a probability tornado over `questions` may take (0: not even one)."""
    settings, weeks = _swing_shape(model.scenario, questions)
    return max_swing_runs(model.scenario, settings, weeks, cap=cap)


def tornado_probability(
    model: Model,
    values: Mapping[str, float],
    runs: int,
    seed: int,
    questions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each driver swung min to max, the others at `values`; the output is each question's probability (0-1).

    Every setting gets the same `runs` coefficient draws (common random numbers), so a difference between two
    settings is the drivers' doing, not sampling noise. One row per question (`output`) and driver.
    """
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be between 1 and {MAX_RUNS:,}, got {runs}")
    scenario, compiled = model.scenario, model.compiled
    chosen = [q for q in scenario.questions if questions is None or q.id in questions]
    if questions is not None:
        unknown = sorted(set(questions) - {q.id for q in chosen})
        if unknown:
            raise ValueError(f"unknown question(s): {', '.join(unknown)}")
    if not chosen:
        return pd.DataFrame(columns=TORNADO_COLUMNS)
    settings = swing_settings(compiled, values)
    cost = probability_tornado_cost(model, runs, chosen)
    require(
        f"the probability tornado with {runs:,} runs per setting",
        cost,
        largest=probability_tornado_max_runs(model, chosen),
    )
    results = setting_probabilities(model, settings, runs, seed, chosen, cost)
    return _tornado_frame(compiled, [q.id for q in chosen], results)


def setting_probabilities(
    model: Model, settings: np.ndarray, runs: int, seed: int, chosen: Sequence[Question], cost: Cost
) -> np.ndarray:
    """Each question's probability (settings x questions, 0-1) at each row of slider `settings`.

    Every setting gets the same `runs` coefficient draws (common random numbers). The caller has checked
    `cost` against the budget; the work waits for a heavy slot of that size.
    """
    scenario, compiled = model.scenario, model.compiled
    _, weeks = _swing_shape(scenario, chosen)
    n_settings = len(settings)
    position = {name: n for n, name in enumerate(compiled.indicator_ids)}
    reached = np.empty((n_settings * runs, len(chosen)), dtype=bool)
    # Row s * runs + r is setting s with draw r: every setting sees the same draws. The rows are stepped
    # in blocks, so memory stays flat however many drivers are swung.
    block = max(runs, block_runs(scenario) // runs * runs)
    with heavy_slot(cost):
        draws = sample_coefficients(compiled, runs, seed)
        for start in range(0, n_settings * runs, block):
            first, stop = start // runs, min(n_settings, (start + block) // runs)
            coefficients = np.tile(draws, (stop - first, 1))
            drivers = np.repeat(settings[first:stop], runs, axis=0)
            paths = simulate(compiled, coefficients, drivers, weeks=weeks)
            for j, q in enumerate(chosen):
                by_week = min(q.by_week, weeks)
                # The same arithmetic as engine.ensemble.summarise: values * 100, then weeks 0..by_week.
                path = paths[: by_week + 1, :, position[q.indicator]] * 100
                reached[first * runs : stop * runs, j] = question_reached(q, path)
    return reached.reshape(n_settings, runs, len(chosen)).mean(axis=1)


# --- Sobol ---------------------------------------------------------------------------------------------------


def uncertain_impacts(model: CompiledModel) -> np.ndarray:
    """Indices of the impacts whose range has width (low < high): the Sobol variables."""
    return np.flatnonzero(model.low < model.high)


def sobol_outputs(scenario: Scenario) -> list[tuple[str, str, str, int]]:
    """(kind, output id, indicator, week): each question's indicator at its by_week, then each indicator at the end."""
    out = [("question", q.id, q.indicator, min(q.by_week, scenario.horizon_weeks)) for q in scenario.questions]
    out += [("end", i.id, i.id, scenario.horizon_weeks) for i in scenario.indicators]
    return out


def sobol_evaluations(n: int, uncertain: int) -> int:
    """Model runs of a first- and total-order Saltelli design: N * (D + 2)."""
    return n * (uncertain + 2) if uncertain else 0


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices of every output over the uncertain coefficients, and what they were computed from."""

    indices: pd.DataFrame  # INDEX_COLUMNS: one row per output and uncertain impact
    outputs: pd.DataFrame  # OUTPUT_COLUMNS: each output's mean and standard deviation over the design
    n: int
    evaluations: int
    seed: int
    uncertain: tuple[int, ...]  # impact indices, in SALib's variable order


def _analysis_seed(seed: int) -> int:
    # SALib's analyze treats a falsy seed as "no seed" (the global numpy generator), so seed 0 would make the
    # bootstrap confidence intervals irreproducible; derive a positive seed of our own from the user's.
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0]) + 1


def sobol_indices(
    model: Model,
    values: Mapping[str, float],
    n: int = 256,
    seed: int = 0,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    num_resamples: int = SOBOL_RESAMPLES,
) -> SobolResult:
    """First-order (S1) and total (ST) Sobol indices, with bootstrap 95 % confidence half-widths.

    `n` is the base sample size (a power of two); the design costs N * (D + 2) model runs for D uncertain
    coefficients. `seed` drives both the scrambled Sobol' sequence and the bootstrap. An output that does not
    vary over the design (no uncertain coefficient reaches it) gets S1 = ST = 0 for every coefficient.
    `progress` is called with a fraction in [0, 1] as the work advances.
    """
    if not (SOBOL_MIN_N <= n <= SOBOL_MAX_N and n & (n - 1) == 0):
        raise ValueError(f"n must be a power of two between {SOBOL_MIN_N} and {SOBOL_MAX_N}, got {n}")
    scenario, compiled = model.scenario, model.compiled
    report = progress or (lambda _fraction: None)
    outputs = sobol_outputs(scenario)
    uncertain = uncertain_impacts(compiled)
    d = len(uncertain)
    if d == 0:
        report(1.0)
        return SobolResult(
            indices=pd.DataFrame(columns=INDEX_COLUMNS),
            outputs=_outputs_frame(outputs, np.zeros((0, len(outputs)))),
            n=n,
            evaluations=0,
            seed=seed,
            uncertain=(),
        )

    cost = sobol_design_cost(model, n, chunk_rows)
    require(f"Sobol indices at N = {n:,}", cost, largest=largest_sobol_n(model, chunk_rows))
    with heavy_slot(cost):
        return _sobol(scenario, compiled, values, n, seed, report, outputs, uncertain, chunk_rows, num_resamples)


def sobol_design_cost(model: Model, n: int, chunk_rows: int = CHUNK_ROWS) -> Cost:
    """What Sobol indices at base size `n` cost: the Saltelli design over the uncertain coefficients."""
    d = len(uncertain_impacts(model.compiled))
    outputs = len(sobol_outputs(model.scenario))
    return sobol_cost(model.scenario, sobol_evaluations(n, d), d, outputs, chunk_rows)


def sobol_fits(model: Model, n: int, chunk_rows: int = CHUNK_ROWS) -> bool:
    """Whether Sobol indices at base size `n` fit the work budget."""
    return sobol_design_cost(model, n, chunk_rows).fits()


def largest_sobol_n(model: Model, chunk_rows: int = CHUNK_ROWS) -> int | None:
    """The largest power-of-two base size the budget allows, or None when not even the smallest fits."""
    sizes = [2**k for k in range(SOBOL_MIN_N.bit_length() - 1, SOBOL_MAX_N.bit_length())]
    fitting = [n for n in sizes if sobol_fits(model, n, chunk_rows)]
    return fitting[-1] if fitting else None


def _sobol(
    scenario: Scenario,
    model: CompiledModel,
    values: Mapping[str, float],
    n: int,
    seed: int,
    report: Progress,
    outputs: list[tuple[str, str, str, int]],
    uncertain: np.ndarray,
    chunk_rows: int,
    num_resamples: int,
) -> SobolResult:
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    position = {name: k for k, name in enumerate(model.indicator_ids)}
    d = len(uncertain)
    impacts = scenario.impacts

    problem = {"num_vars": d, "names": [f"impact_{k}" for k in uncertain], "bounds": [[0.0, 1.0]] * d}
    design = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    report(0.05)

    # Every row of the design is a coefficient row: the uncertain columns at their sampled quantile, the
    # others at their weight.
    drivers = driver_array(model, values)
    weeks = max(week for *_, week in outputs)
    columns_at = [(week, position[indicator]) for _, _, indicator, week in outputs]
    results = np.empty((len(design), len(outputs)))
    starts = range(0, len(design), chunk_rows)
    for count, start in enumerate(starts, 1):
        rows = design[start : start + chunk_rows]
        coefficients = np.tile(model.weight, (len(rows), 1))
        full_u = np.zeros_like(coefficients)
        full_u[:, uncertain] = rows
        coefficients[:, uncertain] = coefficients_at(model, full_u)[:, uncertain]
        paths = simulate(model, coefficients, drivers, weeks=weeks)
        for j, (week, indicator) in enumerate(columns_at):
            results[start : start + len(rows), j] = paths[week, :, indicator] * 100
        report(0.05 + 0.75 * count / len(starts))

    frames = []
    # A question asked at the horizon is the same output as its indicator's end value: analyse it once.
    analysed: dict[tuple[str, int], tuple[np.ndarray, ...]] = {}
    for j, (kind, output, indicator, week) in enumerate(outputs):
        y = results[:, j]
        if (indicator, week) in analysed:
            s1, s1_conf, st, st_conf = analysed[indicator, week]
        elif np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())):
            s1 = st = s1_conf = st_conf = np.zeros(d)
        else:
            found = sobol_analyze.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=num_resamples,
                seed=_analysis_seed(seed),
            )
            s1, st = np.asarray(found["S1"]), np.asarray(found["ST"])
            s1_conf, st_conf = np.asarray(found["S1_conf"]), np.asarray(found["ST_conf"])
        analysed[indicator, week] = (s1, s1_conf, st, st_conf)
        frames.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "output": output,
                    "indicator": indicator,
                    "week": week,
                    "impact": uncertain,
                    "source": [impacts[k].source_id for k in uncertain],
                    "target": [impacts[k].target for k in uncertain],
                    "S1": s1,
                    "S1_conf": s1_conf,
                    "ST": st,
                    "ST_conf": st_conf,
                }
            )
        )
        report(0.8 + 0.2 * (j + 1) / len(outputs))
    return SobolResult(
        indices=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=INDEX_COLUMNS),
        outputs=_outputs_frame(outputs, results),
        n=n,
        evaluations=len(design),
        seed=seed,
        uncertain=tuple(int(k) for k in uncertain),
    )


def _outputs_frame(outputs: list[tuple[str, str, str, int]], results: np.ndarray) -> pd.DataFrame:
    has_rows = len(results) > 0
    return pd.DataFrame(
        {
            "kind": [o[0] for o in outputs],
            "output": [o[1] for o in outputs],
            "indicator": [o[2] for o in outputs],
            "week": [o[3] for o in outputs],
            "mean": results.mean(axis=0) if has_rows else np.full(len(outputs), np.nan),
            "std": results.std(axis=0) if has_rows else np.zeros(len(outputs)),
        },
        columns=OUTPUT_COLUMNS,
    )


def top_coefficients(indices: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """Per output, in the outputs' order, the `count` impacts with the largest total index (ties: impact order)."""
    if indices.empty:
        return indices.copy()
    keys = list(zip(indices["kind"], indices["output"], strict=True))
    first_seen = {key: n for n, key in enumerate(dict.fromkeys(keys))}
    ranked = indices.assign(_order=[first_seen[key] for key in keys]).sort_values(
        ["_order", "ST", "impact"], ascending=[True, False, True], kind="stable"
    )
    return ranked.groupby("_order", sort=False).head(count).drop(columns="_order").reset_index(drop=True)


# --- the two-driver what-if map -------------------------------------------------------------------------------

WHAT_IF_COLUMNS = ["x", "y", "probability"]


def what_if_grid(
    model: Model,
    values: Mapping[str, float],
    x_driver: str,
    y_driver: str,
    question: str,
    steps: int = 11,
    runs: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """A question's probability over a steps x steps grid of two drivers' slider ranges, every other driver
    at `values`; every grid point gets the same draws (common random numbers), so the map's contours are the
    drivers' doing. Columns WHAT_IF_COLUMNS, x varying fastest."""
    scenario, compiled = model.scenario, model.compiled
    if x_driver == y_driver:
        raise ValueError("choose two different drivers")
    chosen = [q for q in scenario.questions if q.id == question]
    if not chosen:
        raise ValueError(f"unknown question {question!r}")
    if not 2 <= steps <= 41:
        raise ValueError("steps must be between 2 and 41")
    order = list(compiled.driver_ids)
    a, b = scenario.driver(x_driver), scenario.driver(y_driver)
    xs, ys = np.linspace(a.min, a.max, steps), np.linspace(b.min, b.max, steps)
    settings = np.tile(driver_array(compiled, values), (steps * steps, 1))
    settings[:, order.index(x_driver)] = np.tile(xs, steps)
    settings[:, order.index(y_driver)] = np.repeat(ys, steps)
    _, weeks = _swing_shape(scenario, chosen)
    cost = swing_cost(scenario, runs, len(settings), weeks)
    require(f"the what-if map of {steps} x {steps} settings with {runs:,} runs each", cost)
    p = setting_probabilities(model, settings, runs, seed, chosen, cost)[:, 0]
    return pd.DataFrame(
        {"x": settings[:, order.index(x_driver)], "y": settings[:, order.index(y_driver)], "probability": p}
    )
