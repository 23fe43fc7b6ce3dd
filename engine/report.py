"""Report data: what differs between settings and what that does to the indicators, as tidy tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.schema import Question, Scenario


def driver_differences(
    scenario: Scenario, current: Mapping[str, float], references: Mapping[str, Mapping[str, float]]
) -> pd.DataFrame:
    """One row per driver whose current value differs from any reference: driver, current, one column per reference."""
    rows = []
    for d in scenario.drivers:
        now = current[d.id]
        others = {name: values[d.id] for name, values in references.items()}
        if any(value != now for value in others.values()):
            rows.append({"driver": d.id, "current": now, **others})
    return pd.DataFrame(rows, columns=["driver", "current", *references])


def end_deltas(
    current: pd.DataFrame, references: Mapping[str, pd.DataFrame], column: str = "p50", week: int | None = None
) -> pd.DataFrame:
    """Per indicator at `week` (default: the last): the current value, each reference's, and the reference
    minus the current value ("delta <name>": preset minus current, what choosing the preset would change)."""
    week = int(current["week"].max()) if week is None else week
    now = current[current["week"] == week].set_index("indicator")[column]
    table = pd.DataFrame({"indicator": now.index, "current": now.to_numpy()})
    for name, frame in references.items():
        ref = frame[frame["week"] == week].set_index("indicator")[column].reindex(now.index)
        table[name] = ref.to_numpy()
        table[f"delta {name}"] = ref.to_numpy() - now.to_numpy()
    return table


def weekly_deltas(
    current: pd.DataFrame,
    reference: pd.DataFrame,
    column: str = "p50",
    band: tuple[str, str] = ("p10", "p90"),
) -> pd.DataFrame:
    """Per week and indicator: current minus reference at `column`, with the current band around the reference.

    Columns: week, indicator, current, reference, delta (= current - reference at `column`), and delta_low /
    delta_high (the current band's edges minus the reference's `column`): the shaded range is where the
    current setting's runs lie, read relative to the reference median. Rows follow `current`'s order; weeks
    or indicators missing from `reference` give NaN.
    """
    keys = ["week", "indicator"]
    ref = reference[[*keys, column]].rename(columns={column: "reference"})
    table = current[[*keys, column, *band]].merge(ref, on=keys, how="left", sort=False)
    return pd.DataFrame(
        {
            "week": table["week"].to_numpy(),
            "indicator": table["indicator"].to_numpy(),
            "current": table[column].to_numpy(),
            "reference": table["reference"].to_numpy(),
            "delta": (table[column] - table["reference"]).to_numpy(),
            "delta_low": (table[band[0]] - table["reference"]).to_numpy(),
            "delta_high": (table[band[1]] - table["reference"]).to_numpy(),
        }
    )


# --- the bottom line: each question's answer, its spread across the presets and what drives it -------------

# A driver counts among a question's key drivers when its swing moves the indicator by at least this many
# points, and by at least this share of the largest swing: "depends most on" names what matters, not a list.
KEY_DRIVER_POINTS = 1.0
KEY_DRIVER_SHARE = 0.25
KEY_DRIVERS = 3


@dataclass(frozen=True)
class QuestionSummary:
    """One question at the current settings, set against the presets: the numbers the bottom line states."""

    question: Question
    probability: float
    low: float  # the 95 % Wilson interval of `probability`
    high: float
    lowest: tuple[str, float] | None  # (preset id, probability) of the preset that answers lowest
    highest: tuple[str, float] | None
    drivers: tuple[str, ...]  # the key drivers, strongest first


def key_drivers(swings: pd.DataFrame, indicator: str) -> tuple[str, ...]:
    """The drivers whose swing (engine.sensitivity.tornado_point, min to max) moves `indicator` most."""
    # Plain arrays: this runs for every question on every slider move, and a frame filter costs milliseconds.
    mine = swings["output"].to_numpy() == indicator
    order = np.argsort(swings["rank"].to_numpy()[mine], kind="stable")
    drivers = swings["driver"].to_numpy()[mine][order]
    effects = np.abs(swings["effect"].to_numpy(dtype=float)[mine][order])
    if not len(effects):
        return ()
    floor = max(KEY_DRIVER_POINTS, KEY_DRIVER_SHARE * float(effects.max()))
    return tuple(str(d) for d, e in zip(drivers, effects, strict=True) if e >= floor)[:KEY_DRIVERS]


def _by_question(table: pd.DataFrame, column: str) -> dict[str, float]:
    return dict(zip(table["question"], table[column].astype(float), strict=True))


def question_summaries(
    scenario: Scenario,
    questions: pd.DataFrame,
    preset_questions: Mapping[str, pd.DataFrame],
    swings_by_week: Mapping[int, pd.DataFrame],
) -> list[QuestionSummary]:
    """Each question's probability and interval (`questions`, the ensemble's table), the presets answering it
    lowest and highest (`preset_questions`: preset id -> its table, the same runs and seed), and its key
    drivers from the point tornado at its deadline (`swings_by_week`: by_week -> tornado_point's frame)."""
    probability, low, high = (_by_question(questions, column) for column in ("probability", "low", "high"))
    presets = {preset: _by_question(table, "probability") for preset, table in preset_questions.items()}
    out = []
    for q in scenario.questions:
        by_preset = [(preset, answers[q.id]) for preset, answers in presets.items()]
        # min and max name the first preset in the file among equal answers.
        lowest = min(by_preset, key=lambda item: item[1]) if by_preset else None
        highest = max(by_preset, key=lambda item: item[1]) if by_preset else None
        by_week = min(q.by_week, scenario.horizon_weeks)
        out.append(
            QuestionSummary(
                question=q,
                probability=probability[q.id],
                low=low[q.id],
                high=high[q.id],
                lowest=lowest,
                highest=highest,
                drivers=key_drivers(swings_by_week[by_week], q.indicator),
            )
        )
    return out


# --- which presets to compare with ---------------------------------------------------------------------------


def setting_offset(scenario: Scenario, current: Mapping[str, float], other: Mapping[str, float]) -> tuple[float, float]:
    """How far `other` lies from `current`: (mean |difference|, mean signed difference) of every driver's
    value on its unit interval ((value - min) / (max - min), so a driver counts the same whatever its units),
    `other` minus `current`; a driver missing from either takes its default. (0.0, 0.0) without drivers."""
    if not scenario.drivers:
        return 0.0, 0.0
    steps = []
    for d in scenario.drivers:
        span = (d.max - d.min) or 1.0
        steps.append((other.get(d.id, d.default) - current.get(d.id, d.default)) / span)
    return sum(abs(s) for s in steps) / len(steps), sum(steps) / len(steps)


def contrast_presets(scenario: Scenario, current: Mapping[str, float]) -> list[str]:
    """The presets that differ most from `current`, the settings a comparison should open on.

    "Differs most" is the largest mean absolute difference of the drivers on their unit intervals
    (setting_offset). First the preset farthest from `current`; then, when that one lies above `current` on
    average (mean signed difference > 0), the farthest preset that lies below it, and when it lies below, the
    farthest one above: one preset on each side, escalation-like and de-escalation-like in the sense of "more
    of the drivers" and "less of them" (the direction is the drivers' own, not a judgement of what escalates).
    A preset equal to `current` (at the defaults, the baseline) is never chosen; ties go to the earlier
    preset. Empty when no preset differs from `current`.
    """
    offsets = {p.id: setting_offset(scenario, current, scenario.preset_values(p.id)) for p in scenario.presets}
    differing = [p for p, (distance, _) in offsets.items() if distance > 0]
    if not differing:
        return []

    def farthest(ids: list[str]) -> str:
        return max(ids, key=lambda p: offsets[p][0])  # max keeps the first of equal distances

    first = farthest(differing)
    direction = offsets[first][1]
    other_side = [p for p in differing if offsets[p][1] * direction < 0]
    return [first, farthest(other_side)] if other_side else [first]
