"""A team's judgements pooled: each member's settings as an equal share of one ensemble, and where they disagree.

A member's judgement is their driver values, optionally their own weight and range for some impacts (within the
scenario's range), and their gut probability for the questions in focus. The pooled ensemble gives every member
the same number of runs, each member's runs drawn from a generator seeded by the round's seed and the member's
name, so a member's runs do not change when someone else joins.

Because the shares are equal, the law of total variance splits every pooled spread exactly:
    Var(Y) = mean over members of Var(Y | member)   "model uncertainty": the runs within one member's settings
           + Var over members of E(Y | member)      "disagreement": the members' settings differ
(population variances). Y is a question's deciding value (its indicator's peak up to `by_week`, or its trough
for `direction: below`) or its yes/no outcome, whose variance is p (1 - p).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from engine.budget import block_runs, ensemble_cost, heavy_slot, max_runs, require, swing_cost
from engine.ensemble import MAX_RUNS, coefficients_at, question_reached, summarise
from engine.model import Model
from engine.schema import Question, Scenario
from engine.sensitivity import setting_probabilities
from engine.simulation import CompiledModel, driver_array, simulate

DISAGREEMENT_RUNS = 200  # per swung setting of `disagreement`: 2 x drivers + 1 settings share the same draws
MIN_MEMBER_RUNS = 50  # fewer runs per member would make each member's own probability mostly noise
SPLIT_COLUMNS = ["question", "indicator", "measure", "total", "within", "between", "disagreement"]
SPREAD_COLUMNS = ["kind", "id", "members", "median", "q1", "q3", "low", "high"]
DISAGREEMENT_COLUMNS = ["question", "driver", "low", "high", "median", "at_low", "at_high", "effect", "rank"]


class JudgementError(ValueError):
    """A judgement the scenario cannot take: `field` names what is wrong (e.g. 'values.troops_deployed')."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Judgement:
    """One member's view: every driver's value, their own impact ranges, their gut probability per question."""

    member: str
    values: Mapping[str, float]
    # Impact index (into scenario.impacts) -> (low, weight, high), each inside the scenario's own range.
    impacts: Mapping[int, tuple[float, float, float]] = field(default_factory=dict)
    gut: Mapping[str, float] = field(default_factory=dict)  # question id -> probability, 0-1


def _number(where: str, value: object) -> float:
    """`value` as a float; JudgementError naming `where` when it is not a number at all."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise JudgementError(where, f"{value!r} is not a number") from None


def check_judgement(scenario: Scenario, judgement: Judgement) -> Judgement:
    """The judgement with every driver present (missing ones at their default); JudgementError if it does not fit."""
    known = {d.id: d for d in scenario.drivers}
    for key in judgement.values:
        if key not in known:
            raise JudgementError(f"values.{key}", "not a driver of this scenario")
    values = {}
    for d in scenario.drivers:
        value = _number(f"values.{d.id}", judgement.values.get(d.id, d.default))
        if not math.isfinite(value) or not d.min <= value <= d.max:
            raise JudgementError(f"values.{d.id}", f"{value:g} is outside [{d.min:g}, {d.max:g}]")
        values[d.id] = value
    impacts = {}
    for index, triple in judgement.impacts.items():
        if not isinstance(index, int) or not 0 <= index < len(scenario.impacts):
            raise JudgementError(f"impacts.{index}", "no such impact")
        impact = scenario.impacts[index]
        low, high = impact.range
        where = f"impacts.{impact.source_id}>{impact.target}"
        try:
            own = tuple(float(v) for v in triple)
        except (TypeError, ValueError):
            own = ()
        if len(own) != 3 or not all(math.isfinite(v) for v in own):
            raise JudgementError(where, "needs low, weight and high as numbers")
        if not low <= own[0] <= own[1] <= own[2] <= high:
            raise JudgementError(where, f"needs {low:g} <= low <= weight <= high <= {high:g}, got {own}")
        impacts[index] = own
    asked = {q.id for q in scenario.questions}
    gut = {}
    for key, p in judgement.gut.items():
        if key not in asked:
            raise JudgementError(f"gut.{key}", "not a question of this scenario")
        p = _number(f"gut.{key}", p)
        if not math.isfinite(p) or not 0 <= p <= 1:
            raise JudgementError(f"gut.{key}", f"{p:g} is not a probability between 0 and 1")
        gut[key] = p
    return Judgement(judgement.member, values, impacts, gut)


def member_key(member: str) -> int:
    """A member's stable part of their seed: 64 bits of the hash of their case-folded name."""
    return int.from_bytes(hashlib.sha256(member.casefold().encode("utf-8")).digest()[:8], "big")


def member_runs(runs: int, members: int) -> int:
    """Runs per member: an equal share of `runs`, at least MIN_MEMBER_RUNS, all members within MAX_RUNS."""
    if members < 1:
        raise ValueError("a pooled ensemble needs at least one member")
    return max(1, min(max(MIN_MEMBER_RUNS, -(-runs // members)), MAX_RUNS // members))


def member_model(compiled: CompiledModel, judgement: Judgement) -> CompiledModel:
    """The compiled model with the member's own impact ranges and weights in place of the scenario's."""
    if not judgement.impacts:
        return compiled
    low, weight, high = compiled.low.copy(), compiled.weight.copy(), compiled.high.copy()
    for index, (lo, w, hi) in judgement.impacts.items():
        low[index], weight[index], high[index] = lo, w, hi
    return replace(compiled, low=low, weight=weight, high=high)


def _deciding(question: Question, path: np.ndarray) -> np.ndarray:
    """Per run, the value that decides the question: its indicator's peak (above) or trough (below) to by_week."""
    return path.min(axis=0) if question.direction == "below" else path.max(axis=0)


def _split(per_member: np.ndarray) -> tuple[float, float, float]:
    """(total, within, between) population variances of members x runs values with equal shares."""
    within = float(per_member.var(axis=1).mean())
    between = float(per_member.mean(axis=1).var())
    return float(per_member.var()), within, between


@dataclass(frozen=True)
class Pool:
    """A pooled ensemble and what it says about the members."""

    members: tuple[str, ...]
    runs_per_member: int
    seed: int
    bands: pd.DataFrame  # pooled: week, indicator, mean, p10, p50, p90
    questions: pd.DataFrame  # pooled: engine.ensemble.QUESTION_COLUMNS over all runs
    member_questions: pd.DataFrame  # member, question, probability (model, own settings), gut (NaN: not given)
    member_medians: pd.DataFrame  # member, week, indicator, p50: each member's median path
    split: pd.DataFrame  # SPLIT_COLUMNS: each question's spread, model uncertainty against disagreement


def pool_cost(scenario: Scenario, runs_per_member: int, members: int):
    """What a pooled ensemble costs: one ensemble of all members' runs."""
    return ensemble_cost(scenario, runs_per_member * members)


def pooled_ensemble(model: Model, judgements: Sequence[Judgement], runs: int, seed: int) -> Pool:
    """Every member's settings as an equal share of about `runs` runs (member_runs), in one ensemble.

    Raises BudgetExceeded before any work when the runs would pass the work budget.
    """
    scenario, compiled = model.scenario, model.compiled
    judgements = [check_judgement(scenario, j) for j in judgements]
    names = [j.member for j in judgements]
    if len({n.casefold() for n in names}) != len(names):
        raise ValueError("each member may appear once in a pool")
    per = member_runs(runs, len(judgements))
    total = per * len(judgements)
    weeks = compiled.horizon
    cost = pool_cost(scenario, per, len(judgements))
    require(f"a pooled ensemble of {total:,} runs", cost, largest=max_runs(scenario, weeks, cap=MAX_RUNS))
    n_ind = len(compiled.indicator_ids)
    out = np.empty((weeks + 1, n_ind, total))
    with heavy_slot(cost):
        coefficients = np.empty((total, len(compiled.weight)))
        drivers = np.empty((total, compiled.n_drivers))
        for m, j in enumerate(judgements):
            own = member_model(compiled, j)
            rng = np.random.default_rng([seed, member_key(j.member)])
            coefficients[m * per : (m + 1) * per] = coefficients_at(own, rng.random((per, len(own.weight))))
            drivers[m * per : (m + 1) * per] = driver_array(own, j.values)
        # Every run is stepped on its own, so one call per block of runs gives each member's runs the digits
        # a call per member would, at a fraction of the calls for a large team.
        block = block_runs(scenario)
        for start in range(0, total, block):
            stop = min(total, start + block)
            simulate(compiled, coefficients[start:stop], drivers[start:stop], weeks, out=out[:, :, start:stop])
        paths = out.transpose(0, 2, 1)  # weeks x runs x indicators, as summarise takes them
        # Each member's median path and deciding values, before summarise reorders the array in place.
        medians = np.median(out.reshape(weeks + 1, n_ind, len(judgements), per), axis=-1) * 100
        position = {i.id: n for n, i in enumerate(scenario.indicators)}
        deciding, outcome = {}, {}
        for q in scenario.questions:
            by_week = min(q.by_week, weeks)
            path = paths[: by_week + 1, :, position[q.indicator]] * 100
            deciding[q.id] = _deciding(q, path).reshape(len(judgements), per)
            outcome[q.id] = question_reached(q, path).reshape(len(judgements), per)
        bands, questions = summarise(scenario, paths, overwrite=True)

    member_rows, split_rows = [], []
    for q in scenario.questions:
        shares = outcome[q.id].mean(axis=1)
        for name, j, share in zip(names, judgements, shares, strict=True):
            member_rows.append((name, q.id, float(share), j.gut.get(q.id, math.nan)))
        for measure, values in (("value", deciding[q.id]), ("outcome", outcome[q.id].astype(float))):
            total_var, within, between = _split(values)
            share = between / total_var if total_var > 0 else 0.0
            split_rows.append((q.id, q.indicator, measure, total_var, within, between, share))
    member_medians = pd.DataFrame(
        {
            "member": np.tile(np.repeat(np.array(names, dtype=object), n_ind), weeks + 1),
            "week": np.repeat(np.arange(weeks + 1), n_ind * len(names)),
            "indicator": np.tile(np.array(compiled.indicator_ids, dtype=object), (weeks + 1) * len(names)),
            "p50": medians.transpose(0, 2, 1).reshape(-1),
        }
    )
    return Pool(
        members=tuple(names),
        runs_per_member=per,
        seed=seed,
        bands=bands,
        questions=questions,
        member_questions=pd.DataFrame(member_rows, columns=["member", "question", "probability", "gut"]),
        member_medians=member_medians,
        split=pd.DataFrame(split_rows, columns=SPLIT_COLUMNS),
    )


def median_values(scenario: Scenario, judgements: Sequence[Judgement]) -> dict[str, float]:
    """Each driver's median over the members' values."""
    return {d.id: float(np.median([j.values[d.id] for j in judgements])) for d in scenario.drivers}


def disagreement(
    model: Model, judgements: Sequence[Judgement], runs: int, seed: int, questions: Sequence[str] | None = None
) -> pd.DataFrame:
    """Where the members' disagreement matters: each driver from the members' lowest to their highest value,
    every other driver at the members' median, and how far that moves each question's probability.

    Every setting gets the same draws of the scenario's own impact ranges (common random numbers), so the
    effect is the drivers' doing. One row per question and driver (DISAGREEMENT_COLUMNS), ranked by |effect|
    within each question; a driver all members set alike has effect 0.
    """
    scenario, compiled = model.scenario, model.compiled
    judgements = [check_judgement(scenario, j) for j in judgements]
    if not judgements:
        raise ValueError("disagreement needs at least one member")
    chosen = [q for q in scenario.questions if questions is None or q.id in questions]
    if not chosen:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    middle = median_values(scenario, judgements)
    base = driver_array(compiled, middle)
    d = compiled.n_drivers
    lows = np.array([min(j.values[k] for j in judgements) for k in compiled.driver_ids])
    highs = np.array([max(j.values[k] for j in judgements) for k in compiled.driver_ids])
    settings = np.tile(base, (2 * d + 1, 1))
    k = np.arange(d)
    settings[1 + 2 * k, k] = lows
    settings[2 + 2 * k, k] = highs
    weeks = min(max(q.by_week for q in chosen), scenario.horizon_weeks)
    cost = swing_cost(scenario, runs, len(settings), weeks)
    require(f"the disagreement swings with {runs:,} runs per setting", cost)
    results = setting_probabilities(model, settings, runs, seed, chosen, cost)
    rows = []
    for col, q in enumerate(chosen):
        at_low, at_high = results[1::2, col], results[2::2, col]
        effect = at_high - at_low
        order = np.argsort(-np.abs(effect), kind="stable")
        for rank, n in enumerate(order):
            rows.append(
                (
                    q.id,
                    compiled.driver_ids[n],
                    float(lows[n]),
                    float(highs[n]),
                    float(base[n]),
                    float(at_low[n]),
                    float(at_high[n]),
                    float(effect[n]),
                    rank,
                )
            )
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def _quartiles(values: Sequence[float]) -> tuple[float, float, float, float, float]:
    array = np.asarray(values, dtype=float)
    q1, median, q3 = np.percentile(array, [25, 50, 75])
    return float(median), float(q1), float(q3), float(array.min()), float(array.max())


def spread(scenario: Scenario, judgements: Sequence[Judgement]) -> pd.DataFrame:
    """The members' spread, anonymised: per driver and per question's gut probability, median, quartiles, range.

    A question nobody gave a gut probability for has no row.
    """
    rows = []
    for d in scenario.drivers:
        values = [j.values[d.id] for j in judgements if d.id in j.values]
        if values:
            rows.append(("driver", d.id, len(values), *_quartiles(values)))
    for q in scenario.questions:
        values = [j.gut[q.id] for j in judgements if q.id in j.gut]
        if values:
            rows.append(("gut", q.id, len(values), *_quartiles(values)))
    return pd.DataFrame(rows, columns=SPREAD_COLUMNS)


def compare_spreads(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Two rounds' spreads side by side: each item's interquartile range and range, and whether it narrowed.

    `narrowed` is True when the interquartile range shrank, False when it grew or stayed; items only one round
    has are left out.
    """
    both = first.merge(second, on=["kind", "id"], suffixes=("_1", "_2"))
    out = pd.DataFrame(
        {
            "kind": both["kind"],
            "id": both["id"],
            "median_1": both["median_1"],
            "median_2": both["median_2"],
            "iqr_1": both["q3_1"] - both["q1_1"],
            "iqr_2": both["q3_2"] - both["q1_2"],
            "range_1": both["high_1"] - both["low_1"],
            "range_2": both["high_2"] - both["low_2"],
        }
    )
    out["narrowed"] = out["iqr_2"] < out["iqr_1"]
    return out.reset_index(drop=True)
