"""Sharing in the running app (AppTest): links reproduce figures exactly, tampering is survived, saves persist."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.loader import load_scenario
from present.text import md_escape
from tests.apptest_helpers import open_app
from ui.session import SHARE_BOX

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
SCENARIO = load_scenario(ROOT / "scenarios" / "dprk-russia-2024.yaml")
KEY = "drv:dprk-russia-2024:{}"


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    # Each test gets its own SQLite store so saved scenarios never leak between tests.
    monkeypatch.delenv("SCENARIO_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIO_DATA_DIR", str(tmp_path / "data"))


def _app(params=None) -> AppTest:
    return open_app(params)


def _chart_data(at: AppTest) -> list:
    return [json.loads(chart.proto.spec)["data"] for chart in at.get("plotly_chart")]


def _link_params(at: AppTest) -> dict[str, str]:
    return {
        key: at.query_params[key][-1] if isinstance(at.query_params[key], list) else at.query_params[key]
        for key in at.query_params
    }


def test_a_link_reproduces_the_figures_exactly():
    author = _app()
    author.slider(key=KEY.format("troops_deployed")).set_value(4500)
    author.slider(key=KEY.format("perceived_moscow_backing")).set_value(85)
    author.number_input(key="seed").set_value(99)
    author.radio(key="lang").set_value("de")
    author.run()
    params = _link_params(author)
    assert params == {
        "scenario": "dprk-russia-2024",
        "preset": "baseline",
        "lang": "de",
        "seed": "99",
        "d.troops_deployed": "4500",
        "d.perceived_moscow_backing": "85",
    }
    # The link shown for copying carries the same query string; the box builds it only once opened.
    assert not [c for c in author.code if c.value.startswith(("http", "?"))]
    author.session_state[SHARE_BOX] = True
    author.run()
    shown = [c.value for c in author.code if c.value.startswith(("http", "?"))]
    assert len(shown) == 1 and shown[0].endswith(
        "?scenario=dprk-russia-2024&preset=baseline&lang=de&seed=99&d.troops_deployed=4500&d.perceived_moscow_backing=85"
    )

    reader = _app(params)
    assert reader.slider(key=KEY.format("troops_deployed")).value == 4500
    assert reader.slider(key=KEY.format("perceived_moscow_backing")).value == 85
    assert reader.title[0].value == SCENARIO.title.de
    assert _chart_data(reader) == _chart_data(author)
    assert [m.value for m in reader.metric] == [m.value for m in author.metric]
    assert not reader.warning


def test_a_link_to_a_preset_and_comparison_round_trips():
    author = _app()
    author.selectbox(key="preset").set_value("escalation")
    author.run()
    author.session_state["main_tab"] = "Compare"
    author.run()
    author.multiselect(key="widget:compare:dprk-russia-2024").set_value(["baseline", "de-escalation"])
    author.run()
    params = _link_params(author)
    assert params["preset"] == "escalation"
    assert params["compare"] == "baseline,de-escalation"
    assert params["d.troops_deployed"] == "20000"

    reader = _app(params)
    reader.session_state["main_tab"] = "Compare"
    reader.run()
    assert reader.multiselect(key="widget:compare:dprk-russia-2024").value == ["baseline", "de-escalation"]
    assert reader.selectbox(key="preset").value == "escalation"
    assert _chart_data(reader) == _chart_data(author)


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"scenario": "gone-missing"}, "unknown scenario 'gone-missing'"),
        ({"d.troops_deployed": "1e12"}, "'troops_deployed' = 1e+12 is outside [0, 20000] and was set to 20000"),
        ({"d.troops_deployed": "<b>x</b>"}, "'troops_deployed' is not a number and was ignored"),
        ({"runs": "-3"}, "'runs' = -3 is outside [100, 10000] and was set to 100"),
        ({"compare": "baseline,<script>"}, "unknown preset '<script>' in compare was ignored"),
        ({"lang": "xx", "seed": "1.5"}, "'seed' must be a whole number; using 2024"),
        ({"scenario": "sha-0123456789abcdef"}, "unknown scenario 'sha-0123456789abcdef'"),
    ],
)
def test_tampered_links_leave_the_app_running_with_a_notice(params, notice):
    at = _app(params)
    assert len(at.get("plotly_chart")) >= 3
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    # The notice is Markdown-escaped on the page, so link text can never turn into markup.
    assert md_escape(notice) in warnings[0]


def test_a_german_page_repairs_the_link_in_german():
    at = _app({"lang": "de", "d.troops_deployed": "1e12", "compare": "baseline,zz"})
    warnings = [w.value for w in at.warning]
    assert warnings == [
        "Der Link enthielt Einstellungen, die nicht unverändert übernommen werden konnten:\n\n"
        + "\n".join(
            f"- {md_escape(line)}"
            for line in (
                "unbekannte Voreinstellung „zz“ im Vergleich wurde ignoriert",
                "„troops_deployed“ = 1e+12 liegt außerhalb von [0, 20000] und wurde auf 20000 gesetzt",
            )
        )
    ]


def test_an_edited_scenario_is_saved_and_opened_by_link(tmp_path):
    at = _app()
    at.session_state["main_tab"] = "Your scenario"
    at.session_state["custom_mode"] = "yaml"
    at.run()
    editor = at.text_area(key="custom_editor")
    assert editor.value.startswith("# Exported from the scenario dashboard")
    edited = editor.value.replace("id: dprk-russia-2024", "id: my-variant", 1).replace(
        "North Korean troops alongside Russia in Ukraine", "My variant", 1
    )
    editor.set_value(edited)
    at.button[[b.label for b in at.button].index("Check and save")].click()
    at.run()
    assert not at.exception
    success = [s.value for s in at.success]
    assert len(success) == 1 and success[0].startswith(md_escape("Saved as sha-"))
    ref = at.session_state["scenario"]
    assert ref.startswith("sha-") and len(ref) == 20
    assert at.query_params["scenario"] in (ref, [ref])

    reader = _app({"scenario": ref})
    assert reader.title[0].value == "My variant"
    assert not reader.warning


def test_a_broken_edit_is_refused_with_line_numbers_and_nothing_is_lost():
    at = _app()
    at.session_state["main_tab"] = "Your scenario"
    at.session_state["custom_mode"] = "yaml"
    at.run()
    text = at.text_area(key="custom_editor").value
    broken = text.replace("horizon_weeks: 52", "horizon_weeks: 52\ncolour: red", 1)
    at.text_area(key="custom_editor").set_value(broken)
    at.button[[b.label for b in at.button].index("Check and save")].click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The scenario was not saved. Problems found:"]
    line = broken.splitlines().index("colour: red") + 1
    assert [c.value for c in at.code if "<editor>" in c.value] == [f"<editor>:{line}: colour: unknown key"]
    # The user's text is still in the editor, and the page still shows the original scenario.
    assert at.text_area(key="custom_editor").value == broken
    assert at.session_state["scenario"] == "dprk-russia-2024"


def test_an_article_is_drafted_into_the_editor_and_the_draft_saves():
    at = _app()
    at.session_state["main_tab"] = "Your scenario"
    at.session_state["custom_mode"] = "yaml"
    at.run()
    article = (ROOT / "tests" / "data" / "articles" / "harbour-talks.en.txt").read_text(encoding="utf-8")
    at.text_area(key="custom_article").set_value(article)
    at.button[[b.label for b in at.button].index("Draft into the editor")].click()
    at.run()
    assert not at.exception
    draft = at.text_area(key="custom_editor").value
    assert draft.startswith("# DRAFT scenario generated by `python -m engine draft`")
    at.button[[b.label for b in at.button].index("Check and save")].click()
    at.run()
    assert not at.error
    assert at.session_state["scenario"].startswith("sha-")
    assert len(at.get("plotly_chart")) == 0  # the draft opened on this tab; its charts are one click away
    at.session_state["main_tab"] = "Projections"
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 1


def test_a_link_of_more_than_a_thousand_parameters_opens_its_first_ones_and_says_so():
    # Streamlit drops such a query whole; the page reads its first parameters from the raw query itself.
    params = {"lang": "de", "d.troops_deployed": "3000"} | {f"x{i}": "1" for i in range(1200)}
    at = _app(params)
    assert not at.exception
    assert at.session_state["lang"] == "de"
    assert at.session_state[KEY.format("troops_deployed")] == 3000
    [warning] = at.warning
    assert "- Der Link hat 1202 Parameter; nur die ersten 400 wurden gelesen\n" in warning.value


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("published: 2001-13-45", "<editor>:1: schema: required field is missing"),
        ("a: !!int x", "<editor>:1: a: unsupported value: not a valid int (ValueError: invalid literal for int()"),
        ("n: " + "9" * 5000, "<editor>:1: n: unsupported value: not a valid int (ValueError: Exceeds the limit"),
    ],
    ids=["impossible-date", "int-tag", "long-integer"],
)
def test_a_one_line_file_the_yaml_constructor_cannot_build_is_refused_in_the_page(text, problem):
    at = _app()
    at.session_state["main_tab"] = "Your scenario"
    at.session_state["custom_mode"] = "yaml"
    at.run()
    at.text_area(key="custom_editor").set_value(text)
    at.button[[b.label for b in at.button].index("Check and save")].click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The scenario was not saved. Problems found:"]
    [code] = [c.value for c in at.code if "<editor>" in c.value]
    assert code.splitlines()[0].startswith(problem)


def test_the_byline_is_kept_in_the_link_both_ways():
    reader = _app({"scenario": "dprk-russia-2024", "author": "A. Weber", "marking": "VS-NfD <b>x</b>"})
    reader.session_state[SHARE_BOX] = True
    reader.run()
    assert reader.text_input(key="export:author").value == "A. Weber"
    assert reader.text_input(key="export:unit").value == ""
    assert reader.text_input(key="export:marking").value == "VS-NfD <b>x</b>"
    assert not reader.warning

    reader.text_input(key="export:unit").set_value("Lage & Analyse").run()
    assert _link_params(reader) == {
        "scenario": "dprk-russia-2024",
        "preset": "baseline",
        "lang": "en",  # the page's language, once a widget has run
        "author": "A. Weber",
        "unit": "Lage & Analyse",
        "marking": "VS-NfD <b>x</b>",
    }
    shown = [c.value for c in reader.code if c.value.startswith(("http", "?"))]
    assert len(shown) == 1 and shown[0].endswith(
        "?scenario=dprk-russia-2024&preset=baseline&lang=en&author=A.+Weber&unit=Lage+%26+Analyse&marking=VS-NfD+%3Cb%3Ex%3C%2Fb%3E"
    )
