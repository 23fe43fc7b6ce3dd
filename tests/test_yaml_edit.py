"""Editing a scenario's YAML text in place: the current settings as defaults with every comment kept."""

from __future__ import annotations

from pathlib import Path

import yaml

from engine.loader import parse_scenario
from engine.serialize import with_defaults
from engine.yaml_edit import Edit, edit_text, ordered, with_defaults_text

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = (ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
TINY2_TEXT = (ROOT / "tests" / "data" / "tiny2.yaml").read_text(encoding="utf-8")


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_the_settings_become_the_defaults_and_every_comment_stays():
    scenario = parse_scenario(SEED_TEXT)
    values = scenario.defaults() | {"troops_deployed": 4500.0, "combat_engagement": 62.5}
    text = with_defaults_text(SEED_TEXT, values, "Exported with the settings as defaults.\nSecond line.")
    assert text.startswith("# Exported with the settings as defaults.\n# Second line.\n")
    assert _comments(text)[2:] == _comments(SEED_TEXT)
    assert len(_comments(SEED_TEXT)) >= 30
    assert parse_scenario(text).digest == with_defaults(scenario, values).digest
    assert "default: 4500\n" in text and "default: 62.5\n" in text  # whole numbers stay whole


def test_defaults_already_set_leave_the_text_exactly_as_it_was():
    scenario = parse_scenario(TINY2_TEXT)
    assert with_defaults_text(TINY2_TEXT, scenario.defaults()) == TINY2_TEXT
    assert with_defaults_text(TINY2_TEXT, scenario.defaults(), "Header") == "# Header\n" + TINY2_TEXT


def test_edits_are_ordered_so_that_no_position_moves_under_another():
    edits = [
        Edit(("impacts", 0), op="delete"),
        Edit(("impacts",), {"x": 1}, op="append"),
        Edit(("impacts", 2), op="delete"),
    ]
    edits.insert(0, Edit(("title", "en"), "T"))
    assert [(e.op, e.path) for e in ordered(edits)] == [
        ("set", ("title", "en")),
        ("append", ("impacts",)),
        ("delete", ("impacts", 2)),
        ("delete", ("impacts", 0)),
    ]
    text = edit_text("title: {en: a, de: b}\nimpacts: [1, 2, 3]\n", ordered(edits))
    assert yaml.safe_load(text) == {"title": {"en": "T", "de": "b"}, "impacts": [2, {"x": 1}]}
