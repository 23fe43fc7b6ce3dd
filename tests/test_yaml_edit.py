"""Editing a scenario's YAML text in place by path: comments kept, positions never moved under another edit."""

from __future__ import annotations

from pathlib import Path

import yaml

from engine.loader import parse_scenario
from engine.yaml_edit import Edit, edit_text, ordered

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = (ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
TINY2_TEXT = (ROOT / "tests" / "data" / "tiny2.yaml").read_text(encoding="utf-8")


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_edits_keep_every_comment_and_change_only_what_they_name():
    edits = [Edit(("drivers", 0, "default"), 4500), Edit(("title", "en"), "Edited")]
    text = edit_text(SEED_TEXT, edits)
    assert _comments(text) == _comments(SEED_TEXT)
    old, new = parse_scenario(SEED_TEXT), parse_scenario(text)
    assert (new.drivers[0].default, new.title.en) == (4500, "Edited")
    assert new.drivers[1:] == old.drivers[1:] and new.impacts == old.impacts and new.title.de == old.title.de
    assert (
        "default: 4500\n" in text
        and parse_scenario(edit_text(TINY2_TEXT, [])).digest == parse_scenario(TINY2_TEXT).digest
    )


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
