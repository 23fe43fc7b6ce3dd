"""The form editor in the running app (AppTest): the default way to edit, the same text as the YAML box,
problems at their row, the overwrite guard, and the parent a save records."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.loader import parse_scenario
from engine.store import ScenarioStore
from present import editor as form
from present.i18n import t
from present.text import md_escape
from tests.apptest_helpers import open_app

ROOT = Path(__file__).resolve().parent.parent
SEED = parse_scenario((ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8"))
TEXT = "_custom_text"


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    monkeypatch.delenv("SCENARIO_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIO_DATA_DIR", str(tmp_path / "data"))


def _tab(lang: str = "en") -> AppTest:
    at = open_app()
    if lang != "en":
        at.radio(key="lang").set_value(lang).run()
    at.session_state["main_tab"] = t("tab_custom", lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_form_is_the_default_and_edits_the_same_text_the_yaml_box_shows():
    at = _tab()
    assert at.session_state["custom_mode"] == "form"
    assert at.session_state["form_section"] == "scenario"
    title = next(w for w in at.text_input if w.label == t("form_meta_title_en", "en"))
    assert title.value == SEED.title.en
    title.set_value("My variant")
    _button(at, t("form_meta_apply", "en")).click().run()
    assert not at.exception
    assert parse_scenario(at.session_state[TEXT]).title.en == "My variant"
    # The YAML box shows the edited text; edits there show in the form.
    at.session_state["custom_mode"] = "yaml"
    at.run()
    box = at.text_area(key="custom_editor")
    assert parse_scenario(box.value).title.en == "My variant"
    box.set_value(box.value.replace("My variant", "Second variant", 1)).run()
    at.session_state["custom_mode"] = "form"
    at.run()
    assert next(w for w in at.text_input if w.label == t("form_meta_title_en", "en")).value == "Second variant"
    # Comments of the file it came from: kept through the form's edits (the export's own header at least).
    assert at.session_state[TEXT].startswith("# ")


def test_a_links_range_and_source_are_edited_below_the_matrix():
    at = _tab()
    at.session_state["form_section"] = "matrix"
    at.run()
    assert not at.exception
    high = next(w for w in at.number_input if w.label == t("form_range_high", "en"))
    first = SEED.impacts[0]
    assert high.value == first.range[1]
    high.set_value(first.range[1] + 0.25)
    next(w for w in at.radio if w.label == t("form_source_kind", "en")).set_value("judgement")
    next(w for w in at.text_area if w.label == t("form_judgement_en", "en")).set_value("Because the report says so.")
    next(w for w in at.text_area if w.label == t("form_judgement_de", "en")).set_value("Weil der Bericht es sagt.")
    _button(at, t("form_apply_link", "en")).click().run()
    assert not at.exception
    edited = parse_scenario(at.session_state[TEXT]).impacts[0]
    assert edited.range == (first.range[0], first.range[1] + 0.25)
    assert edited.source.is_judgement and edited.source.judgement.en == "Because the report says so."


def test_problems_show_at_their_row_and_the_preview_waits_for_a_valid_scenario():
    at = _tab()
    at.session_state["custom_mode"] = "yaml"
    at.run()
    box = at.text_area(key="custom_editor")
    broken = box.value.replace(f"de: {SEED.drivers[1].label.de}", "de: ''", 1)
    broken = broken.replace(f'de: "{SEED.drivers[1].label.de}"', "de: ''", 1)
    assert broken != box.value
    box.set_value(broken).run()
    at.session_state["custom_mode"] = "form"
    at.session_state["form_section"] = "drivers"
    at.run()
    errors = [e.value for e in at.error]
    row = md_escape(t("form_row", "en", row=2, name=SEED.drivers[1].id))
    assert any(row in e and md_escape("drivers[1].label.de") in e for e in errors), errors
    assert t("form_preview_invalid", "en") in [c.value for c in at.caption]


def test_starting_anew_asks_first_when_there_are_unsaved_changes_and_keeps_them_on_no():
    at = _tab()
    at.session_state["custom_mode"] = "yaml"
    at.run()
    mine = at.text_area(key="custom_editor").value.replace(SEED.title.en, "Unsaved work", 1)
    at.text_area(key="custom_editor").set_value(mine).run()
    _button(at, t("editor_new", "en")).click().run()
    assert t("editor_replace_question", "en") in [w.value for w in at.warning]
    assert at.session_state[TEXT] == mine
    _button(at, t("editor_keep", "en")).click().run()
    assert at.session_state[TEXT] == mine and t("editor_replace_question", "en") not in [w.value for w in at.warning]
    # The language switch and reruns keep it too.
    at.radio(key="lang").set_value("de").run()
    assert at.session_state[TEXT] == mine
    _button(at, t("editor_new", "de")).click().run()
    _button(at, t("editor_replace", "de")).click().run()
    assert at.session_state[TEXT] == form.NEW_SCENARIO


def test_a_save_records_the_scenario_it_came_from_and_its_author():
    at = _tab()
    at.session_state["custom_mode"] = "yaml"
    at.run()
    edited = at.text_area(key="custom_editor").value.replace("id: dprk-russia-2024", "id: my-fork", 1)
    at.text_area(key="custom_editor").set_value(edited).run()
    at.text_input(key="custom_author").set_value("A. Student").run()
    at.text_input(key="custom_note").set_value("Fewer troops").run()
    _button(at, t("save", "en")).click().run()
    assert not at.exception
    saved_ref = at.session_state["scenario"]
    assert saved_ref.startswith("sha-")
    store = ScenarioStore()
    try:
        saved, scenario = store.load(saved_ref)
        assert (saved.parent, saved.author, saved.note) == (SEED.digest, "A. Student", "Fewer troops")
        assert store.lineage(saved_ref) == [scenario.digest, SEED.digest]
    finally:
        store.dispose()


def test_a_fork_shows_its_history_and_diff_and_joins_the_gallery_only_when_published():
    at = _tab()
    at.session_state["custom_mode"] = "yaml"
    at.run()
    text = at.text_area(key="custom_editor").value
    edited = text.replace("id: dprk-russia-2024", "id: my-fork", 1).replace(SEED.title.en, "My fork", 1)
    at.text_area(key="custom_editor").set_value(edited).run()
    _button(at, t("save", "en")).click().run()
    ref = at.session_state["scenario"]
    assert t("history_title", "en") in [h.value for h in at.subheader]
    lineage = next(m.value for m in at.markdown if m.value.startswith("1. "))
    assert lineage.splitlines()[1].startswith("2. " + md_escape(SEED.title.en))
    changes = next(m.value for m in at.markdown if m.value.startswith("- ") and "My fork" in m.value)
    assert md_escape("My fork") in changes
    # Against its parent by default; the folder's scenarios are offered too (here the parent is the only one).
    picker = at.selectbox(key="history_compare")
    assert picker.options == [f"{SEED.title.en} (sha-{SEED.digest[:16]})"]
    # Saved, not published: another visitor's gallery does not list it.
    other = _tab()
    assert t("gallery_empty", "en") in [c.value for c in other.caption]

    next(w for w in at.text_input if w.label == t("publish_name", "en")).set_value("A fork for the seminar")
    _button(at, t("publish_button", "en")).click().run()
    assert not at.exception
    other = _tab()
    assert any("A fork for the seminar" in m.value for m in other.markdown)
    next(b for b in other.button if b.key and b.key.startswith("gallery-open-")).click().run()
    assert other.session_state["scenario"] == ref
