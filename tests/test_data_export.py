"""The data download: three CSV files in a zip, with readable names, the questions and the settings."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from engine import MODEL_VERSION
from engine.ensemble import run_ensemble
from engine.loader import load_scenario
from engine.model import Model
from present.data_export import projection_data

from .test_hostile import ATTACK, hostile_yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = load_scenario(ROOT / "scenarios" / "dprk-russia-2024.yaml")
LINK = "https://briefing.example/?scenario=dprk-russia-2024&d.troops_deployed=20000"


def _zip(scenario, values, lang="en", runs=200, seed=3):
    model = Model.of(scenario)
    projection = run_ensemble(model, values, runs=runs, seed=seed)
    data = projection_data(
        scenario, projection.bands, projection.questions, values, runs, seed, model.digest, LINK, lang
    )
    return data, projection


def _read(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }


def test_the_zip_holds_bands_questions_and_settings_with_readable_names():
    values = SEED.defaults() | {"troops_deployed": 20000.0}
    data, projection = _zip(SEED, values)
    files = _read(data)
    assert list(files) == ["projections.csv", "questions.csv", "settings.csv"]

    bands = files["projections.csv"]
    assert list(bands[0]) == ["week", "indicator", "indicator_name", "mean", "p10", "p50", "p90", "p50_level"]
    assert len(bands) == len(projection.bands)
    first = bands[0]
    assert (first["week"], first["indicator"]) == ("0", SEED.indicators[0].id)
    assert first["indicator_name"] == SEED.indicators[0].label.en
    level = SEED.indicators[0].level_of(float(first["p50"]))
    assert first["p50_level"] == (level.text.en if level else "")

    questions = files["questions.csv"]
    assert [q["question"] for q in questions] == [q.id for q in SEED.questions]
    lead, answer = questions[0], projection.questions.iloc[0]
    assert lead["question_text"] == SEED.questions[0].text.en
    assert lead["level"] == SEED.indicator(SEED.questions[0].indicator).level_at(SEED.questions[0].threshold).text.en
    assert float(lead["probability"]) == answer["probability"]
    assert float(lead["low"]) == float(f"{answer['low']:.6g}")
    assert (lead["runs"], lead["direction"]) == ("200", SEED.questions[0].direction)

    settings = {row["setting"]: row for row in files["settings.csv"]}
    assert settings["scenario"]["value"] == SEED.id
    assert settings["preset"]["value"] == ""  # 20,000 troops alone is no preset
    assert settings["runs"]["value"] == "200" and settings["seed"]["value"] == "3"
    assert settings["model_version"]["value"] == MODEL_VERSION
    assert settings["scenario_sha256"]["value"] == Model.of(SEED).digest
    assert settings["link"]["value"] == LINK
    troops = settings["driver.troops_deployed"]
    assert (troops["value"], troops["default"]) == ("20000", "12000")
    assert troops["name"] == SEED.driver("troops_deployed").label.en
    assert len(settings) == 7 + len(SEED.drivers)


def test_the_preset_row_names_the_preset_the_settings_equal_and_none_when_changed():
    files = _read(_zip(SEED, SEED.preset_values("escalation"))[0])
    assert {r["setting"]: r["value"] for r in files["settings.csv"]}["preset"] == "escalation"
    files = _read(_zip(SEED, SEED.defaults() | {"troops_deployed": 4500.0})[0])
    assert {r["setting"]: r["value"] for r in files["settings.csv"]}["preset"] == ""


def test_names_are_in_the_readers_language_and_the_same_settings_give_the_same_bytes():
    data, _ = _zip(SEED, SEED.defaults(), lang="de")
    assert data == _zip(SEED, SEED.defaults(), lang="de")[0]
    files = _read(data)
    assert files["projections.csv"][0]["indicator_name"] == SEED.indicators[0].label.de
    assert files["questions.csv"][0]["question_text"] == SEED.questions[0].text.de
    assert {r["setting"]: r["name"] for r in files["settings.csv"]}["scenario"] == SEED.title.de


def test_hostile_names_cannot_run_as_spreadsheet_formulas():
    from engine.loader import parse_scenario

    scenario = parse_scenario(hostile_yaml(), "hostile.yaml")
    files = _read(_zip(scenario, scenario.defaults(), runs=100)[0])
    cells = [value for rows in files.values() for row in rows for value in row.values()]
    assert any(ATTACK in cell for cell in cells)

    formula = '=HYPERLINK("http://x.example","open")'
    label = SEED.indicators[0].label.en
    text = (ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
    assert text.count(f'{{en: "{label}"') == 1
    scenario = parse_scenario(text.replace(f'{{en: "{label}"', f"{{en: '{formula}'"), "formula.yaml")
    files = _read(_zip(scenario, scenario.defaults(), runs=100)[0])
    assert files["projections.csv"][0]["indicator_name"] == "'" + formula
    cells = [value for rows in files.values() for row in rows for value in row.values()]
    assert [c for c in cells if c.startswith(("=", "+", "@"))] == []
    # Negative numbers stay numbers; only text is neutralised.
    assert [c for c in cells if c.startswith("-") and not _is_number(c)] == []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
