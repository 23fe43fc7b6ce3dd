"""engine/ledger.py: which forecasts are resolved, Brier scores per source, reliability bins, the ledger table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine.ledger import (
    BRIER_COLUMNS,
    LEDGER_COLUMNS,
    RELIABILITY_BINS,
    RELIABILITY_COLUMNS,
    RELIABILITY_MIN,
    Forecast,
    Resolution,
    brier_scores,
    latest,
    ledger_frame,
    reliability,
    scored,
    source_name,
)

DIGEST = "ab" * 32
SETTINGS = '{"runs":1000,"seed":7,"values":{}}'


def forecast(n: int, question: str, p: float, source: str = "model", label: str = "") -> Forecast:
    return Forecast(
        id=n,
        question=question,
        probability=p,
        low=max(0.0, p - 0.125),
        high=min(1.0, p + 0.125),
        source=source,
        label=label,
        digest=DIGEST,
        settings=SETTINGS,
        frozen_at=f"2024-05-{n:02d}T10:00:00+00:00",
        question_text=f"Will {question} happen?",
    )


def resolution(n: int, question: str, happened: bool, on: str = "2024-09-01", note: str = "") -> Resolution:
    return Resolution(n, question, happened, on, note, f"2024-09-{n:02d}T12:00:00+00:00")


# Binary fractions throughout: every squared error and mean below is exact in floating point.
FOUR = [
    forecast(1, "q1", 0.75),  # yes: (0.25)^2 = 0.0625
    forecast(2, "q2", 0.25),  # no: 0.0625
    forecast(3, "q1", 0.5, "pooled"),  # yes: 0.25
    forecast(4, "q2", 0.875, "pooled"),  # no: 0.765625
]
RESOLVED = [resolution(1, "q1", True), resolution(2, "q2", False)]


def _rows(frame: pd.DataFrame) -> list[list]:
    return frame.values.tolist()


def test_brier_scores_by_hand():
    frame = brier_scores(FOUR, RESOLVED)
    assert frame.columns.tolist() == BRIER_COLUMNS
    assert _rows(frame) == [
        ["model", "", 2, 2, 0.0625],
        ["pooled", "", 2, 2, (0.25 + 0.765625) / 2],
    ]
    assert frame["brier"].tolist() == [0.0625, 0.5078125]


def test_the_latest_resolution_wins():
    # q2 first resolved 'yes', then corrected to 'no': the correction (the higher id) is in force, in any order.
    resolutions = [resolution(3, "q2", False, note="corrected"), resolution(1, "q1", True), resolution(2, "q2", True)]
    assert {q: r.id for q, r in latest(resolutions).items()} == {"q1": 1, "q2": 3}
    assert latest(resolutions)["q2"].note == "corrected"
    assert brier_scores(FOUR, resolutions)["brier"].tolist() == [0.0625, 0.5078125]
    # Without the correction, q2 happened: the model's 0.25 costs (0.75)^2, the pool's 0.875 (0.125)^2.
    wrong = brier_scores(FOUR, resolutions[1:])
    assert wrong["brier"].tolist() == [(0.0625 + 0.5625) / 2, (0.25 + 0.015625) / 2]
    assert latest([]) == {}


def test_unresolved_forecasts_are_counted_but_not_scored():
    forecasts = [*FOUR, forecast(5, "q3", 0.125), forecast(6, "q3", 0.0, "pooled")]
    frame = brier_scores(forecasts, RESOLVED)
    assert _rows(frame) == [
        ["model", "", 3, 2, 0.0625],
        ["pooled", "", 3, 2, 0.5078125],
    ]
    # A source with nothing resolved yet has no score.
    only_q3 = brier_scores([forecast(5, "q3", 0.125)], RESOLVED)
    assert _rows(only_q3)[0][:4] == ["model", "", 1, 0]
    assert math.isnan(only_q3["brier"].iloc[0])
    assert brier_scores([], RESOLVED).columns.tolist() == BRIER_COLUMNS
    assert len(brier_scores([], RESOLVED)) == 0


def test_scored_marks_outcomes_and_squared_errors():
    frame = scored([*FOUR, forecast(5, "q3", 0.125)], RESOLVED)
    assert frame.columns.tolist() == ["id", "question", "source", "label", "probability", "outcome", "squared_error"]
    assert frame["id"].tolist() == [1, 2, 3, 4, 5]
    assert frame["outcome"].tolist()[:4] == [1.0, 0.0, 1.0, 0.0]
    assert frame["squared_error"].tolist()[:4] == [0.0625, 0.0625, 0.25, 0.765625]
    assert math.isnan(frame["outcome"].iloc[4])
    assert math.isnan(frame["squared_error"].iloc[4])


def test_each_members_gut_and_the_gut_as_a_whole():
    forecasts = [
        *FOUR,
        forecast(5, "q1", 0.75, "gut", "Ann"),  # yes: 0.0625
        forecast(6, "q2", 0.5, "gut", "Ann"),  # no: 0.25
        forecast(7, "q1", 0.25, "gut", "Bob"),  # yes: 0.5625
        forecast(8, "q3", 0.5, "gut", "Bob"),  # unresolved
        forecast(9, "q2", 0.0, "gut", "Abe"),  # no: 0
    ]
    frame = brier_scores(forecasts, RESOLVED)
    assert _rows(frame) == [
        ["model", "", 2, 2, 0.0625],
        ["pooled", "", 2, 2, 0.5078125],
        ["gut", "", 5, 4, (0.0625 + 0.25 + 0.5625 + 0.0) / 4],
        ["gut", "Abe", 1, 1, 0.0],
        ["gut", "Ann", 2, 2, (0.0625 + 0.25) / 2],
        ["gut", "Bob", 2, 1, 0.5625],
    ]
    assert frame["brier"].tolist()[2] == 0.21875


def test_one_members_gut_has_no_combined_row():
    forecasts = [forecast(5, "q1", 0.75, "gut", "Ann"), forecast(6, "q2", 0.5, "gut", "Ann"), forecast(7, "q1", 0.5)]
    assert _rows(brier_scores(forecasts, RESOLVED)) == [
        ["model", "", 1, 1, 0.25],
        ["gut", "Ann", 2, 2, (0.0625 + 0.25) / 2],
    ]


def test_source_name():
    assert source_name("model", "") == "model"
    assert source_name("pooled", "") == "pooled"
    assert source_name("gut", "Ann") == "gut: Ann"


# --- reliability -----------------------------------------------------------------------------------------------

# Ten resolved forecasts, one per question, and what happened: bins of width 0.2, none in 0.4-0.6.
TEN = [
    (0.0, False),  # bin 0
    (0.0625, False),  # bin 0
    (0.125, True),  # bin 0
    (0.25, False),  # bin 1
    (0.3125, True),  # bin 1
    (0.375, False),  # bin 1
    (0.625, True),  # bin 3
    (0.75, True),  # bin 3
    (0.875, False),  # bin 4
    (1.0, True),  # bin 4: a probability of exactly 1 is in the last bin
]


def _reliability_case(n: int, unresolved: int = 0):
    forecasts = [forecast(k + 1, f"r{k}", p) for k, (p, _) in enumerate(TEN[:n])]
    resolutions = [resolution(k + 1, f"r{k}", happened) for k, (_, happened) in enumerate(TEN[:n])]
    forecasts += [forecast(n + k + 1, f"open{k}", 0.5) for k in range(unresolved)]
    return forecasts, resolutions


def test_reliability_is_empty_below_its_minimum():
    assert RELIABILITY_MIN == 10
    # Nine resolved and five unresolved: fourteen forecasts, but only nine count.
    forecasts, resolutions = _reliability_case(9, unresolved=5)
    frame = reliability(forecasts, resolutions)
    assert frame.columns.tolist() == RELIABILITY_COLUMNS
    assert len(frame) == 0
    assert len(reliability([], [])) == 0


def test_reliability_bins_by_hand():
    forecasts, resolutions = _reliability_case(10, unresolved=3)
    frame = reliability(forecasts, resolutions)
    assert frame.columns.tolist() == RELIABILITY_COLUMNS
    edges = np.linspace(0.0, 1.0, RELIABILITY_BINS + 1).tolist()
    assert _rows(frame) == [
        [edges[0], edges[1], 3, (0.0 + 0.0625 + 0.125) / 3, 1 / 3],
        [edges[1], edges[2], 3, (0.25 + 0.3125 + 0.375) / 3, 1 / 3],
        [edges[3], edges[4], 2, (0.625 + 0.75) / 2, 1.0],
        [edges[4], edges[5], 2, (0.875 + 1.0) / 2, 0.5],
    ]
    assert frame["mean_probability"].tolist() == [0.0625, 0.3125, 0.6875, 0.9375]
    assert frame["bin_high"].iloc[-1] == 1.0
    assert frame["forecasts"].sum() == 10  # the unresolved three are not in any bin


def test_reliability_uses_the_latest_resolution_and_other_bin_counts():
    forecasts, resolutions = _reliability_case(10)
    # r9 (forecast 1.0) first said not to have happened, then corrected to 'yes'.
    resolutions = [resolution(0, "r9", False), *resolutions]
    frame = reliability(forecasts, resolutions)
    assert frame["observed"].iloc[-1] == 0.5
    # Two bins: 0-0.5 and 0.5-1; 1.0 goes in the upper one, 0.375 in the lower.
    halves = reliability(forecasts, resolutions[1:], bins=2)
    assert _rows(halves) == [
        [0.0, 0.5, 6, (0.0 + 0.0625 + 0.125 + 0.25 + 0.3125 + 0.375) / 6, 2 / 6],
        [0.5, 1.0, 4, (0.625 + 0.75 + 0.875 + 1.0) / 4, 0.75],
    ]


# --- the ledger table ------------------------------------------------------------------------------------------


def test_ledger_frame():
    forecasts = [forecast(3, "q3", 0.5, "gut", "Ann"), forecast(1, "q1", 0.75), forecast(2, "q2", 0.25, "pooled")]
    resolutions = [
        resolution(1, "q2", True, "2024-08-01", "first word"),
        resolution(2, "q1", True, "2024-08-15", "it happened"),
        resolution(3, "q2", False, "2024-08-20", "a correction"),
    ]
    frame = ledger_frame(forecasts, resolutions)
    assert frame.columns.tolist() == LEDGER_COLUMNS
    assert _rows(frame) == [
        [
            "q1",
            "Will q1 happen?",
            "model",
            "",
            0.75,
            0.625,
            0.875,
            "2024-05-01T10:00:00+00:00",
            DIGEST,
            SETTINGS,
            "yes",
            "2024-08-15",
            "it happened",
        ],
        [
            "q2",
            "Will q2 happen?",
            "pooled",
            "",
            0.25,
            0.125,
            0.375,
            "2024-05-02T10:00:00+00:00",
            DIGEST,
            SETTINGS,
            "no",
            "2024-08-20",
            "a correction",
        ],
        [
            "q3",
            "Will q3 happen?",
            "gut",
            "Ann",
            0.5,
            0.375,
            0.625,
            "2024-05-03T10:00:00+00:00",
            DIGEST,
            SETTINGS,
            "",
            "",
            "",
        ],
    ]
    empty = ledger_frame([], resolutions)
    assert empty.columns.tolist() == LEDGER_COLUMNS
    assert len(empty) == 0
