"""The form editor's model: tables and the matrix read from the YAML tree, cell edits written back into the
text with every comment kept, and each loader problem placed at its row or cell."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from engine.loader import ScenarioError, parse_document, parse_scenario
from engine.yaml_edit import Edit, TextNotEditable, edit_text, load_tree, ordered, plain
from present import editor as form

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = (ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
TINY2_TEXT = (ROOT / "tests" / "data" / "tiny2.yaml").read_text(encoding="utf-8")


def _tree(text: str) -> dict:
    return plain(load_tree(text))


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def _problems(text: str):
    try:
        parse_document(text, "<editor>")
    except ScenarioError as err:
        return list(err.problems)
    return []


# --- editing the text in place ------------------------------------------------------------------------------


def test_an_untouched_round_trip_keeps_the_scenario_and_every_comment():
    for text in (SEED_TEXT, TINY2_TEXT):
        again = edit_text(text, [])
        assert parse_scenario(again).digest == parse_scenario(text).digest
        assert _comments(again) == _comments(text)


def test_form_to_yaml_to_form_keeps_every_field_and_comment():
    tree = _tree(SEED_TEXT)
    before = form.table_frame(tree, form.DRIVERS)
    change = {"edited_rows": {0: {"label.de": "Nordkoreanische Soldaten", "max": 25000}}}
    text = edit_text(SEED_TEXT, form.table_edits(tree, form.DRIVERS, change))
    after = form.table_frame(_tree(text), form.DRIVERS)
    assert after.loc[0, "label.de"] == "Nordkoreanische Soldaten" and after.loc[0, "max"] == 25000
    # Everything else is as it was, in the form and in the scenario.
    assert after.drop(index=0).equals(before.drop(index=0))
    assert after.loc[0, ["id", "label.en", "group", "min", "step", "default"]].equals(
        before.loc[0, ["id", "label.en", "group", "min", "step", "default"]]
    )
    assert _comments(text) == _comments(SEED_TEXT)
    old, new = parse_scenario(SEED_TEXT), parse_scenario(text)
    assert new.drivers[0].label.de == "Nordkoreanische Soldaten" and new.drivers[0].max == 25000
    assert new.drivers[1:] == old.drivers[1:] and new.impacts == old.impacts and new.indicators == old.indicators
    assert "max: 25000\n" in text  # a whole number stays whole


def test_a_unit_written_once_becomes_a_pair_when_one_language_changes():
    text = "schema: 1\ndrivers:\n  - id: a\n    unit: '%'\n"
    tree = _tree(text)
    assert form.table_frame(tree, form.DRIVERS).loc[0, ["unit.en", "unit.de"]].tolist() == ["%", "%"]
    edits = form.table_edits(tree, form.DRIVERS, {"edited_rows": {0: {"unit.de": "Prozent"}}})
    assert edits == [Edit(("drivers", 0, "unit"), {"en": "%", "de": "Prozent"})]
    assert _tree(edit_text(text, edits))["drivers"][0]["unit"] == {"en": "%", "de": "Prozent"}


def test_a_new_row_is_a_new_item_with_a_labelled_placeholder_source_and_a_cleared_cell_deletes_the_field():
    tree = _tree(TINY2_TEXT)
    row = {"id": "drift", "label.en": "Drift", "label.de": "Drift", "group": "cons", "min": 0, "max": 10}
    row |= {"step": 1, "default": 2.5, "unit.en": "points", "unit.de": "Punkte"}
    (append,) = form.table_edits(tree, form.DRIVERS, {"added_rows": [row]})
    assert append.op == "append" and append.path == ("drivers",)
    assert append.value == {
        "id": "drift",
        "label": {"en": "Drift", "de": "Drift"},
        "group": "cons",
        "unit": {"en": "points", "de": "Punkte"},
        "min": 0,
        "max": 10,
        "step": 1,
        "default": 2.5,
        "source": {"judgement": form.TODO_JUDGEMENT},
    }
    scenario = parse_scenario(edit_text(TINY2_TEXT, [append]))
    assert scenario.drivers[-1].id == "drift" and scenario.drivers[-1].source.is_judgement

    (delete,) = form.table_edits(tree, form.QUESTIONS, {"edited_rows": {0: {"direction": None}}})
    assert delete == Edit(("questions", 0, "direction"), op="delete")


def test_deleting_rows_removes_them_from_the_highest_position_down():
    tree = _tree(SEED_TEXT)
    edits = ordered(form.table_edits(tree, form.QUESTIONS, {"deleted_rows": [0, 2]}))
    assert [e.path for e in edits] == [("questions", 2), ("questions", 0)]
    left = [q["id"] for q in _tree(edit_text(SEED_TEXT, edits))["questions"]]
    assert left == [q["id"] for n, q in enumerate(tree["questions"]) if n not in (0, 2)]


def test_text_that_is_not_a_mapping_cannot_be_edited_in_the_form():
    for text in ("- a\n- b\n", "id: [unclosed\n"):
        with pytest.raises(TextNotEditable):
            load_tree(text)


# --- the matrix ---------------------------------------------------------------------------------------------


def test_the_matrix_has_indicators_as_rows_and_drivers_then_indicators_as_columns():
    tree = _tree(TINY2_TEXT)
    frame = form.matrix_frame(tree)
    assert list(frame.index) == ["level", "echo"]
    assert list(frame.columns) == ["push", "calm", "level", "echo"]
    weights = {(i["to"], i["from"]): i["weight"] for i in tree["impacts"]}
    for (target, source), weight in weights.items():
        assert frame.loc[target, source] == weight
    assert int(frame.notna().sum().sum()) == len(weights)


def test_typing_into_an_empty_cell_adds_the_link_and_clearing_a_cell_removes_it():
    tree = _tree(TINY2_TEXT)
    frame = form.matrix_frame(tree)
    empty = [(r, c) for r, target in enumerate(frame.index) for c in frame.columns if math.isnan(frame.loc[target, c])]
    row, source = empty[0]
    target = frame.index[row]
    edits = form.matrix_edits(tree, {"edited_rows": {row: {source: 0.4}}})
    assert edits == [Edit(("impacts",), form.new_impact(source, target, 0.4), op="append")]
    assert form.new_impact(source, target, 0.4)["range"] == [0.2, 0.6]
    added = parse_scenario(edit_text(TINY2_TEXT, edits))
    link = next(i for i in added.impacts if (i.source_id, i.target) == (source, target))
    assert (link.weight, link.range, link.source.is_judgement) == (0.4, (0.2, 0.6), True)

    first = tree["impacts"][0]
    row = list(frame.index).index(first["to"])
    edits = form.matrix_edits(tree, {"edited_rows": {row: {first["from"]: None}}})
    assert edits == [Edit(("impacts", 0), op="delete")]
    assert len(parse_scenario(edit_text(TINY2_TEXT, edits)).impacts) == len(tree["impacts"]) - 1


def test_a_new_weight_outside_its_range_widens_the_range_to_hold_it():
    tree = _tree(TINY2_TEXT)
    first = tree["impacts"][0]
    row = list(form.matrix_frame(tree).index).index(first["to"])
    low, high = first["range"]
    edits = form.matrix_edits(tree, {"edited_rows": {row: {first["from"]: high + 1}}})
    assert edits == [
        Edit(("impacts", 0, "weight"), high + 1),
        Edit(("impacts", 0, "range"), [low, high + 1]),
    ]
    changed = parse_scenario(edit_text(TINY2_TEXT, edits)).impacts[0]
    assert (changed.weight, changed.range) == (high + 1, (low, high + 1))


def test_the_matrix_figure_escapes_names_and_outlines_flagged_cells():
    tree = _tree(TINY2_TEXT)
    frame = form.matrix_frame(tree)
    names = {"level": "<b>Level</b>", "push": "Push"}
    labels = form.MatrixLabels("Impacts", "source", "target")
    fig = form.matrix_figure(frame, names, labels, frozenset({("level", "push"), ("gone", "push")}))
    assert "&lt;b&gt;Level&lt;/b&gt;" in fig.data[0].y and "<b>Level</b>" not in fig.data[0].y
    (outline,) = fig.layout.shapes
    assert (outline.x0, outline.y0) == (-0.5, -0.5)  # row "level", column "push": the first cell


# --- problems at their place --------------------------------------------------------------------------------


def test_each_problem_is_placed_at_its_row_or_matrix_cell():
    tree = _tree(TINY2_TEXT)
    impact = tree["impacts"][1]
    broken = edit_text(
        TINY2_TEXT,
        [Edit(("drivers", 1, "label", "de"), ""), Edit(("impacts", 1, "weight"), 99)],
    )
    problems = _problems(broken)
    placed = form.place(problems, _tree(broken))
    by_section = {(p.section, p.row, p.cell) for p in placed}
    assert ("drivers", 1, None) in by_section
    assert ("impacts", 1, (impact["to"], impact["from"])) in by_section
    assert all(p.problem.line > 0 for p in placed)


def test_levels_edits_add_change_and_remove_scale_levels():
    tree = _tree(TINY2_TEXT)
    frame = form.levels_frame(tree)
    assert frame.iloc[0].tolist() == ["level", 20, "Quiet", "Ruhig"]
    edits = form.levels_edits(tree, {"edited_rows": {0: {"text.en": "Calm"}}})
    text = edit_text(TINY2_TEXT, edits)
    assert parse_scenario(text).indicators[0].scale[0].text.en == "Calm"
    count = len(frame)
    assert (
        len(form.levels_frame(_tree(edit_text(TINY2_TEXT, form.levels_edits(tree, {"deleted_rows": [count - 1]})))))
        == count - 1
    )


def test_a_new_scenario_starts_valid_with_every_number_a_labelled_placeholder():
    scenario = parse_scenario(form.NEW_SCENARIO)
    assert (len(scenario.drivers), len(scenario.indicators), len(scenario.impacts)) == (1, 1, 2)
    assert all(item.source.is_judgement for item in (*scenario.drivers, *scenario.indicators, *scenario.impacts))
    assert form.NEW_SCENARIO.count("[TODO]") == 2 * 7  # seven placeholders, each in both languages


def test_the_scenarios_own_fields_are_edited_together_both_languages_kept():
    tree = _tree(form.NEW_SCENARIO)
    values = form.meta_values(tree) | {
        "title.en": "Strait alert",
        "title.de": "Alarm in der Meerenge",
        "horizon_weeks": 26,
    }
    edits = form.meta_edits(tree, values)
    assert edits == [
        Edit(("title",), {"en": "Strait alert", "de": "Alarm in der Meerenge"}),
        Edit(("horizon_weeks",), 26),
    ]
    scenario = parse_scenario(edit_text(form.NEW_SCENARIO, edits))
    assert (scenario.title.en, scenario.title.de, scenario.horizon_weeks) == (
        "Strait alert",
        "Alarm in der Meerenge",
        26,
    )
    assert form.meta_edits(tree, form.meta_values(tree)) == []
