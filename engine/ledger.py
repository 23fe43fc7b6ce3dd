"""The forecast ledger's arithmetic: which forecasts are resolved, each source's Brier score, reliability bins.

A forecast is a probability frozen at a date from one source: the model at the round's settings ('model'), the
team's pooled model ('pooled') or one member's gut estimate ('gut', labelled with the member's name). A question
is resolved by its latest resolution (a later one corrects an earlier one; none is ever removed).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

SOURCES = ("model", "pooled", "gut")
RELIABILITY_MIN = 10  # resolved forecasts before a reliability chart says anything
RELIABILITY_BINS = 5
BRIER_COLUMNS = ["source", "label", "forecasts", "resolved", "brier"]
RELIABILITY_COLUMNS = ["bin_low", "bin_high", "forecasts", "mean_probability", "observed"]


@dataclass(frozen=True)
class Forecast:
    """One frozen question card."""

    id: int
    question: str
    probability: float
    low: float
    high: float
    source: str  # one of SOURCES
    label: str  # the member's name for 'gut'; empty otherwise
    digest: str  # the scenario's sha256
    settings: str  # the settings as canonical JSON: driver values, runs, seed
    frozen_at: str  # UTC, ISO 8601
    question_text: str = ""


@dataclass(frozen=True)
class Resolution:
    """What happened: `happened` for a question, as of `resolved_on` (a date), with a note."""

    id: int
    question: str
    happened: bool
    resolved_on: str
    note: str
    created_at: str


def latest(resolutions: Iterable[Resolution]) -> dict[str, Resolution]:
    """Each question's resolution in force: the one recorded last (highest id)."""
    found: dict[str, Resolution] = {}
    for r in sorted(resolutions, key=lambda r: r.id):
        found[r.question] = r
    return found


def scored(forecasts: Sequence[Forecast], resolutions: Iterable[Resolution]) -> pd.DataFrame:
    """Every forecast with its outcome (1.0, 0.0, or NaN while unresolved) and its squared error."""
    outcome = {q: float(r.happened) for q, r in latest(resolutions).items()}
    rows = [(f.id, f.question, f.source, f.label, f.probability, outcome.get(f.question, math.nan)) for f in forecasts]
    frame = pd.DataFrame(rows, columns=["id", "question", "source", "label", "probability", "outcome"])
    frame["squared_error"] = (frame["probability"] - frame["outcome"]) ** 2
    return frame


def source_name(source: str, label: str) -> str:
    """A source as one text: 'model', 'pooled', or 'gut: <member>'."""
    return f"{source}: {label}" if label else source


def brier_scores(forecasts: Sequence[Forecast], resolutions: Iterable[Resolution]) -> pd.DataFrame:
    """Each source's mean squared error over its resolved forecasts (BRIER_COLUMNS); NaN when none is resolved.

    One row per source and label (each member's gut is its own source), then one per gut as a whole when more
    than one member's gut was frozen; ordered by source, then label.
    """
    frame = scored(forecasts, resolutions)
    rows = []
    groups = list(frame.groupby(["source", "label"], sort=True))
    for (source, label), part in groups:
        rows.append(_brier_row(source, label, part))
    if len(frame[frame["source"] == "gut"]["label"].unique()) > 1:
        rows.append(_brier_row("gut", "", frame[frame["source"] == "gut"]))
    order = {s: n for n, s in enumerate(SOURCES)}
    rows.sort(key=lambda r: (order.get(r[0], len(SOURCES)), r[1] != "", r[1]))
    return pd.DataFrame(rows, columns=BRIER_COLUMNS)


def _brier_row(source: str, label: str, part: pd.DataFrame) -> tuple:
    resolved = part["squared_error"].dropna()
    brier = float(resolved.mean()) if len(resolved) else math.nan
    return (source, label, len(part), len(resolved), brier)


def reliability(
    forecasts: Sequence[Forecast], resolutions: Iterable[Resolution], bins: int = RELIABILITY_BINS
) -> pd.DataFrame:
    """Resolved forecasts in equal-width probability bins: how often what was forecast at p happened.

    Empty (no rows) with fewer than RELIABILITY_MIN resolved forecasts; bins without forecasts are left out.
    A probability of exactly 1 falls in the last bin.
    """
    frame = scored(forecasts, resolutions).dropna(subset=["outcome"])
    if len(frame) < RELIABILITY_MIN:
        return pd.DataFrame(columns=RELIABILITY_COLUMNS)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.minimum((frame["probability"].to_numpy() * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        part = frame[index == b]
        if len(part):
            rows.append(
                (
                    float(edges[b]),
                    float(edges[b + 1]),
                    len(part),
                    float(part["probability"].mean()),
                    float(part["outcome"].mean()),
                )
            )
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)


LEDGER_COLUMNS = [
    "question",
    "question_text",
    "source",
    "label",
    "probability",
    "low",
    "high",
    "frozen_at",
    "digest",
    "settings",
    "happened",
    "resolved_on",
    "resolution_note",
]


def ledger_frame(forecasts: Sequence[Forecast], resolutions: Iterable[Resolution]) -> pd.DataFrame:
    """The ledger as one table (LEDGER_COLUMNS), oldest forecast first: what the CSV download holds."""
    resolved = latest(resolutions)
    rows = []
    for f in sorted(forecasts, key=lambda f: f.id):
        r = resolved.get(f.question)
        rows.append(
            (
                f.question,
                f.question_text,
                f.source,
                f.label,
                f.probability,
                f.low,
                f.high,
                f.frozen_at,
                f.digest,
                f.settings,
                "" if r is None else ("yes" if r.happened else "no"),
                "" if r is None else r.resolved_on,
                "" if r is None else r.note,
            )
        )
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS)
