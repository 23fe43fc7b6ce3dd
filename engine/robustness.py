"""Robustness of the team's own choices: lever settings judged over the drivers it does not control.

A scenario marks its levers (`lever: true`: what the user's side controls, such as sanctions); every other
driver is an uncertainty. One seeded Latin hypercube samples the uncertainties over their slider ranges: each
point is a state of the world. Every lever setting is run in every state with the same draws (point i's runs
are seeded by (seed, i) whatever the setting), so two settings differ only by the levers.

Each question is read as a risk to keep under a cut-off. Per setting and question:
- `share_under`: the share of states in which its probability stays at or under the cut-off;
- `regret` in a state: its probability there minus the lowest any setting reaches in that state, so the best
  setting for that state has regret 0; reported as the mean and the largest over the states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.budget import heavy_slot, require
from engine.model import Model
from engine.schema import Scenario
from engine.sweep import Design, design_values, evaluate, output_names, sweep_cost

ROBUSTNESS_COLUMNS = ["setting", "question", "cutoff", "share_under", "mean_probability", "mean_regret", "max_regret"]


def levers(scenario: Scenario) -> list[str]:
    """The drivers the user's side controls."""
    return [d.id for d in scenario.drivers if d.lever]


def uncertainties(scenario: Scenario) -> list[str]:
    """The drivers it does not."""
    return [d.id for d in scenario.drivers if not d.lever]


def lever_grid(scenario: Scenario, first: str, second: str, steps: int = 3) -> dict[str, dict[str, float]]:
    """Settings on a steps x steps grid over two levers' slider ranges, named 'first=a, second=b'."""
    ids = levers(scenario)
    for key in (first, second):
        if key not in ids:
            raise ValueError(f"{key} is not a lever of this scenario")
    if first == second:
        raise ValueError("choose two different levers")
    if not 2 <= steps <= 11:
        raise ValueError("steps must be between 2 and 11")
    a, b = scenario.driver(first), scenario.driver(second)
    grid = {}
    for u in np.linspace(a.min, a.max, steps):
        for v in np.linspace(b.min, b.max, steps):
            grid[f"{first}={u:g}, {second}={v:g}"] = {first: float(u), second: float(v)}
    return grid


def preset_levers(scenario: Scenario) -> dict[str, dict[str, float]]:
    """The presets' distinct lever settings, each named by the preset ids that share it ('a / b')."""
    ids = levers(scenario)
    shared: dict[tuple, list[str]] = {}
    for p in scenario.presets:
        values = scenario.preset_values(p.id)
        shared.setdefault(tuple(values[k] for k in ids), []).append(p.id)
    return {" / ".join(names): dict(zip(ids, key, strict=True)) for key, names in shared.items()}


@dataclass(frozen=True)
class Robustness:
    table: pd.DataFrame  # ROBUSTNESS_COLUMNS, one row per setting and question
    probabilities: np.ndarray  # settings x states x questions
    settings: tuple[str, ...]
    states: int


def robustness(
    model: Model,
    settings: Mapping[str, Mapping[str, float]],
    cutoffs: Mapping[str, float],
    points: int = 64,
    runs: int = 100,
    seed: int = 0,
    base: Mapping[str, float] | None = None,
) -> Robustness:
    """Every lever setting in every sampled state of the world (see the module's text).

    `settings` maps a name to lever values (levers not named stay at `base`); `cutoffs` maps question ids
    to the probability each should stay under. Raises BudgetExceeded before any work when settings x points x
    runs would pass the work budget.
    """
    scenario = model.scenario
    if not settings:
        raise ValueError("robustness needs at least one lever setting")
    lever_ids = set(levers(scenario))
    for name, values in settings.items():
        strays = sorted(set(values) - lever_ids)
        if strays:
            raise ValueError(f"setting {name!r} sets drivers that are not levers: {', '.join(strays)}")
    unknown = sorted(set(cutoffs) - {q.id for q in scenario.questions})
    if unknown:
        raise ValueError(f"unknown question(s): {', '.join(unknown)}")
    questions = [q for q in scenario.questions if q.id in cutoffs]
    if not questions:
        raise ValueError("robustness needs a cut-off for at least one question")
    others = uncertainties(scenario)
    if not others:
        raise ValueError("every driver is a lever: there is no uncertainty to be robust to")
    start = scenario.defaults() | dict(base or {})
    ranges = {k: (scenario.driver(k).min, scenario.driver(k).max) for k in others}
    design = Design(ranges, points, "lhs", seed, start)
    states = design_values(scenario, design)
    cost = sweep_cost(scenario, points * len(settings), runs)
    require(f"robustness over {len(settings)} settings x {points} states x {runs} runs", cost)
    order = [d.id for d in scenario.drivers]
    names = output_names(scenario)
    columns = [names.index(f"p:{q.id}") for q in questions]
    probabilities = np.empty((len(settings), points, len(questions)))
    with heavy_slot(cost):
        for s, values in enumerate(settings.values()):
            rows = states.copy()
            for key, value in values.items():
                rows[:, order.index(key)] = value
            # first_index 0 for every setting: state i gets the same draws under each of them.
            probabilities[s] = evaluate(model, rows, 0, runs, seed)[:, columns]
    best = probabilities.min(axis=0)
    regret = probabilities - best[None]
    records = []
    for s, name in enumerate(settings):
        for k, q in enumerate(questions):
            cutoff = float(cutoffs[q.id])
            p = probabilities[s, :, k]
            records.append(
                (name, q.id, cutoff, float((p <= cutoff).mean()), float(p.mean()), float(regret[s, :, k].mean()),
                 float(regret[s, :, k].max()))
            )  # fmt: skip
    return Robustness(pd.DataFrame(records, columns=ROBUSTNESS_COLUMNS), probabilities, tuple(settings), points)


def most_robust(result: Robustness, question: str) -> pd.Series:
    """The row of the setting that keeps `question` under its cut-off in the most states (ties: least max regret)."""
    part = result.table[result.table["question"] == question]
    return part.sort_values(["share_under", "max_regret"], ascending=[False, True], kind="stable").iloc[0]
