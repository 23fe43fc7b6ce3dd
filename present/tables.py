"""The tables the page and the briefing pack both show, built once: drivers, indicators, impacts, readouts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from engine.schema import Question, Scenario
from present.i18n import t


@dataclass(frozen=True)
class Table:
    """Column labels in the reader's language, rows of plain values, and which columns hold numbers."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numeric: frozenset[int] = frozenset()

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=list(self.columns))


def drivers_table(scenario: Scenario, values: Mapping[str, float], lang: str) -> Table:
    return Table(
        columns=tuple(t(k, lang) for k in ("driver", "group", "unit", "default", "current", "quote", "section")),
        rows=tuple(
            (
                d.label.get(lang),
                t(f"group_{d.group}", lang),
                d.unit,
                d.default,
                values[d.id],
                d.source.quote,
                d.source.section,
            )
            for d in scenario.drivers
        ),
        numeric=frozenset({3, 4}),
    )


def indicators_table(scenario: Scenario, lang: str) -> Table:
    return Table(
        columns=tuple(t(k, lang) for k in ("indicator", "initial", "quote", "section")),
        rows=tuple((i.label.get(lang), i.initial, i.source.quote, i.source.section) for i in scenario.indicators),
        numeric=frozenset({1}),
    )


def impacts_table(scenario: Scenario, lang: str) -> Table:
    label = {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}
    return Table(
        columns=tuple(t(k, lang) for k in ("from", "to", "weight", "range", "quote")),
        rows=tuple(
            (label[i.source_id], label[i.target], i.weight, f"{i.range[0]:g} … {i.range[1]:g}", i.source.quote)
            for i in scenario.impacts
        ),
        numeric=frozenset({2}),
    )


@dataclass(frozen=True)
class Readout:
    """One question's answer as both the page's cards and the pack show it."""

    question: Question
    probability: float  # 0-1
    change: int | None  # whole percentage points against the reference, None without one

    @property
    def percent(self) -> str:
        return f"{self.probability * 100:.0f}%"

    def versus(self, reference_name: str, lang: str) -> str:
        """'+3 pts vs. Reported baseline'; no change reads '±0', never '+0' or '-0'."""
        if self.change is None:
            return ""
        delta = f"{self.change:+d}" if self.change else "±0"
        return t("vs_baseline", lang, delta=delta, preset=reference_name)


def readouts(scenario: Scenario, questions: pd.DataFrame, reference: pd.DataFrame | None) -> list[Readout]:
    """Each question's probability and its change against `reference` (rounded to whole points first)."""
    now = questions.set_index("question")["probability"]
    before = reference.set_index("question")["probability"] if reference is not None else None
    out = []
    for q in scenario.questions:
        p = float(now[q.id])
        change = None if before is None else round((p - float(before[q.id])) * 100)
        out.append(Readout(q, p, change))
    return out
