"""The projections as data: three CSV files in one zip (bands, questions, the settings they were made with)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import pandas as pd

from engine import MODEL_VERSION
from engine.schema import Scenario
from engine.state import plain_number
from present.text import csv_text

# A fixed time stamp for every member, so that the same settings give the same bytes.
_STAMP = (1980, 1, 1, 0, 0, 0)
BANDS_FILE, QUESTIONS_FILE, SETTINGS_FILE = "projections.csv", "questions.csv", "settings.csv"


def bands_frame(scenario: Scenario, bands: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ensemble's bands with the indicator's readable name and the scale level its median reaches."""
    indicators = {i.id: i for i in scenario.indicators}
    frame = bands.copy()
    frame.insert(2, "indicator_name", [indicators[i].label.get(lang) for i in frame["indicator"]])
    if any(i.scale for i in scenario.indicators):
        levels = []
        for ind, median in zip(frame["indicator"], frame["p50"], strict=True):
            level = indicators[ind].level_of(float(median))
            levels.append(level.text.get(lang) if level else "")
        frame["p50_level"] = levels
    return frame


def questions_frame(scenario: Scenario, questions: pd.DataFrame, runs: int, lang: str) -> pd.DataFrame:
    """Each question's answer with its words: the question, the indicator and the level it asks about."""
    rows = []
    answers = questions.set_index("question")
    for q in scenario.questions:
        indicator = scenario.indicator(q.indicator)
        level = indicator.level_at(q.threshold)
        answer = answers.loc[q.id]
        rows.append(
            {
                "question": q.id,
                "question_text": q.text.get(lang),
                "indicator": q.indicator,
                "indicator_name": indicator.label.get(lang),
                "direction": q.direction,
                "threshold": q.threshold,
                "level": level.text.get(lang) if level else "",
                "by_week": q.by_week,
                "probability": float(answer["probability"]),
                "low": float(answer["low"]),
                "high": float(answer["high"]),
                "runs": runs,
            }
        )
    return pd.DataFrame(rows)


def settings_frame(
    scenario: Scenario,
    values: Mapping[str, float],
    runs: int,
    seed: int,
    digest: str,
    link: str,
    lang: str,
) -> pd.DataFrame:
    """What the numbers were made with: the run itself, then every driver with its value and default. The
    preset row names the preset the values equal, and is empty when they equal none."""
    preset = scenario.matching_preset(dict(values))
    run = [
        ("scenario", scenario.title.get(lang), scenario.id, ""),
        ("preset", scenario.preset(preset).label.get(lang) if preset else "", preset or "", ""),
        ("runs", "", runs, ""),
        ("seed", "", seed, ""),
        ("model_version", "", MODEL_VERSION, ""),
        ("scenario_sha256", "", digest, ""),
        ("link", "", link, ""),
    ]
    # Numbers stay numbers (a negative value must not read as a formula to be neutralised), whole ones
    # without a trailing '.0'.
    drivers = [
        (f"driver.{d.id}", d.label.get(lang), plain_number(values[d.id]), plain_number(d.default), d.unit_in(lang))
        for d in scenario.drivers
    ]
    rows = [(key, name, value, default, "") for key, name, value, default in run] + drivers
    return pd.DataFrame(rows, columns=["setting", "name", "value", "default", "unit"])


def data_zip(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """The frames as CSV files (text cells a spreadsheet would run as formulas neutralised), zipped with a
    fixed time stamp."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in frames.items():
            info = zipfile.ZipInfo(name, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, csv_text(frame, float_format="%.6g").encode("utf-8-sig"))
    return buffer.getvalue()


def projection_data(
    scenario: Scenario,
    bands: pd.DataFrame,
    questions: pd.DataFrame,
    values: Mapping[str, float],
    runs: int,
    seed: int,
    digest: str,
    link: str,
    lang: str,
) -> bytes:
    """The zip the page offers: projections.csv, questions.csv and settings.csv, names in `lang`."""
    return data_zip(
        {
            BANDS_FILE: bands_frame(scenario, bands, lang),
            QUESTIONS_FILE: questions_frame(scenario, questions, runs, lang),
            SETTINGS_FILE: settings_frame(scenario, values, runs, seed, digest, link, lang),
        }
    )
