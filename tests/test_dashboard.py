"""The Streamlit page, driven headless through streamlit.testing.v1.AppTest.

Most tests run the repository's dashboard.py on the real scenarios/ folder. The tests that need a scenarios
folder of their own (broken files, edge cases) point SCENARIO_FOLDER at one in tmp_path: the page reads it
at call time.

The main tabs are lazy (st.tabs(..., key="main_tab", on_change="rerun")): only the open tab's content runs,
so a test opens a tab by putting its label into session state, as a click would.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from engine.ensemble import run_ensemble
from engine.limits import SCENARIOS_DIR_ENV
from engine.loader import load_scenario
from engine.model import Model
from engine.state import DEFAULT_RUNS, DEFAULT_SEED
from engine.store import DATA_DIR_ENV, DATABASE_URL_ENV
from present.i18n import STRINGS, t, whole_number
from present.tables import number
from present.text import md_escape
from tests.apptest_helpers import shown

REPO = Path(__file__).resolve().parent.parent
DASHBOARD = REPO / "dashboard.py"
SCENARIO_DIR = REPO / "scenarios"
SEED_FILE = SCENARIO_DIR / "dprk-russia-2024.yaml"
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "data" / "apptest"
TINY_FILE = Path(__file__).resolve().parent / "data" / "tiny.yaml"
EDGE_FILE = FIXTURES / "edge-markup.yaml"
TIMEOUT = 60

SEED = load_scenario(SEED_FILE)
TROOPS = f"drv:{SEED.id}:troops_deployed"
TAB_STATE = "main_tab"
# The tabs the page must offer first, in this order; any further tab must have a name in STRINGS too.
MAIN_TABS = ("tab_projection", "tab_compare", "tab_assumptions")
TAB_KEYS = {key for key in STRINGS if key.startswith("tab_")}


@pytest.fixture(autouse=True)
def _private_store(tmp_path, monkeypatch):
    # The page opens the shared scenario store; keep it out of the working tree and away from a real database.
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "store"))


# --- helpers -------------------------------------------------------------------------------------------------


def run_app(script: Path = DASHBOARD, locale: str | None = None) -> AppTest:
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
    if locale is not None:
        at.context["locale"] = locale
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert [e.message for e in at.exception] == []
    assert [e.value for e in at.error] == []


def open_tab(at: AppTest, key: str, lang: str = "en"):
    """Select the tab named t(key, lang), as a click does, and return it."""
    label = t(key, lang)
    if TAB_STATE in at.session_state:
        at.session_state[TAB_STATE] = label
        at.run()
    tabs = [tab for tab in at.tabs if tab.label == label]
    assert len(tabs) == 1, [tab.label for tab in at.tabs]
    return tabs[0]


def tab(at: AppTest, key: str, lang: str = "en"):
    return next(tab for tab in at.tabs if tab.label == t(key, lang))


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, [b.label for b in at.button]
    return matches[0]


def compare_picker(at: AppTest, scenario_id: str):
    matches = [m for m in at.multiselect if m.key.endswith(f"compare:{scenario_id}")]
    assert len(matches) == 1, [m.key for m in at.multiselect]
    return matches[0]


def chart_caption(at: AppTest, lang: str = "en") -> str:
    """The caption under the projection charts: the last caption of the projections tab."""
    return tab(at, "tab_projection", lang).caption[-1].value


def tab_labels_ok(at: AppTest, lang: str) -> None:
    labels = [tab.label for tab in at.tabs]
    assert labels[: len(MAIN_TABS)] == [t(k, lang) for k in MAIN_TABS]
    assert set(labels) <= {t(k, lang) for k in TAB_KEYS}


def broken_notices(at: AppTest) -> list[str]:
    """Texts that announce broken scenario files: st.warning bodies or the labels of a warning expander."""
    return [w.value for w in at.warning] + [e.label.removeprefix("⚠ ") for e in at.expander if e.label.startswith("⚠")]


def problem_lines(at: AppTest) -> list[str]:
    """Lines of st.code blocks that look like 'FILE.yaml:LINE: field: message'."""
    return [line for c in at.code for line in c.value.splitlines() if ".yaml:" in line]


def slider_values(at: AppTest, scenario_id: str) -> dict[str, float]:
    prefix = f"drv:{scenario_id}:"
    return {s.key.removeprefix(prefix): float(s.value) for s in at.slider if s.key.startswith(prefix)}


def chart_specs(node) -> list[dict]:
    return [json.loads(c.proto.spec) for c in node.get("plotly_chart")]


def chart_spec(at: AppTest, n: int) -> dict:
    return chart_specs(at)[n]


def chart_ys(at: AppTest) -> list[list]:
    """The y data of every trace of every plotly chart on the page, in page order."""
    return [[trace["y"] for trace in spec["data"]] for spec in chart_specs(at)]


def expected_values(scenario, preset_id: str | None) -> dict[str, float]:
    values = scenario.defaults()
    if preset_id is not None:
        values |= dict(scenario.preset(preset_id).values)
    return {k: float(v) for k, v in values.items()}


def probabilities(scenario, values: dict[str, float], runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED):
    questions = run_ensemble(Model.of(scenario), values, runs=runs, seed=seed).questions
    return dict(zip(questions["question"], questions["probability"], strict=True))


def indicator_groups(scenario) -> list[str]:
    return list(dict.fromkeys(i.group for i in scenario.indicators))


def in_group_order(drivers):
    # The sidebar draws one expander per group, in the schema's group order.
    order = ("facts", "pros", "cons", "challenges", "questions")
    return sorted(drivers, key=lambda d: order.index(d.group))


def level_column(scenario, lang: str = "en") -> list[str]:
    """The end-of-horizon table's column naming each median's level: there when the scenario has scales."""
    return [t("compare_level", lang)] if any(i.scale for i in scenario.indicators) else []


def end_columns(scenario, lang: str = "en") -> list[str]:
    keys = ("compare_setting", "compare_median", "compare_delta")
    return [t(key, lang) for key in keys] + level_column(scenario, lang)


def static_frame(element) -> pd.DataFrame:
    """An st.table as the reader sees it: its cells are Markdown-escaped text (ui.panels.static_table)."""
    frame = element.value
    unescape = lambda text: re.sub(r"\\(.)", r"\1", str(text))  # noqa: E731
    return pd.DataFrame(
        [[unescape(cell) for cell in row] for row in frame.itertuples(index=False)],
        columns=[unescape(c) for c in frame.columns],
    )


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


# --- the page on the repository's scenarios ------------------------------------------------------------------


def test_page_loads_clean_with_a_slider_per_driver():
    at = run_app()

    assert_clean(at)
    assert at.title[0].value == SEED.title.en
    assert [s.key for s in at.slider] == [f"drv:{SEED.id}:{d.id}" for d in in_group_order(SEED.drivers)]
    assert slider_values(at, SEED.id) == expected_values(SEED, None)
    assert at.selectbox(key="scenario").value == SEED.id
    assert at.selectbox(key="preset").value == "baseline"
    assert at.radio(key="lang").value == "en"
    assert [tab.label for tab in at.tabs][:3] == ["Projections", "Compare", "Assumptions"]
    tab_labels_ok(at, "en")


def test_projection_and_compare_tabs_draw_at_least_four_charts():
    at = run_app()
    projection = chart_specs(tab(at, "tab_projection"))
    compare = chart_specs(open_tab(at, "tab_compare"))
    assert_clean(at)

    # One chart per indicator group on the first tab; on the second the comparison chart and the questions'
    # probabilities per setting.
    assert len(projection) == len(indicator_groups(SEED)) == 3
    assert len(compare) == 2
    assert compare[1]["layout"]["title"]["text"] == t("compare_questions_title", "en")
    assert len(projection) + len(compare) >= 4
    assert [s["layout"]["title"]["text"] for s in projection] == [
        "Projected indicators: security",
        "Projected indicators: alliances",
        "Projected indicators: pressure and<br>strain",  # wrapped to fit a phone's screen
    ]


def test_first_chart_is_the_median_of_the_ensemble_for_its_first_indicator():
    at = run_app()
    spec = chart_spec(at, 0)
    first = SEED.indicators[0]  # the first chart is the first indicator's group, led by that indicator
    bands = run_ensemble(Model.of(SEED), SEED.defaults(), runs=DEFAULT_RUNS, seed=DEFAULT_SEED).bands
    frame = bands[bands["indicator"] == first.id].sort_values("week")

    assert spec["data"][1]["name"] == first.label.en
    assert spec["data"][1]["y"] == frame["p50"].round(2).tolist()
    assert spec["data"][0]["y"] == frame["p90"].round(2).tolist() + frame["p10"].round(2).tolist()[::-1]


def test_moving_the_troops_slider_changes_the_chart_and_raises_the_last_median():
    at = run_app()
    before = chart_spec(at, 0)["data"][1]["y"]
    assert at.slider(key=TROOPS).value == 12000

    at.slider(key=TROOPS).set_value(20000).run()
    assert_clean(at)
    after = chart_spec(at, 0)["data"][1]["y"]

    assert at.slider(key=TROOPS).value == 20000
    assert after != before
    assert after[-1] > before[-1]


def test_a_setting_drawn_before_is_drawn_again_exactly_and_a_new_one_afresh():
    """The figures of a projection drawn before are reused (ui.panels keeps them by digest, setting, runs,
    seed and language): moving back gives the very same charts, and every other setting, seed or language
    its own."""
    clear_caches()
    at = run_app()
    first = chart_specs(at)
    at.slider(key=TROOPS).set_value(20000).run()
    moved = chart_specs(at)
    at.slider(key=TROOPS).set_value(12000).run()
    assert_clean(at)

    assert chart_specs(at) == first
    assert moved != first and moved[0]["data"][1]["y"] != first[0]["data"][1]["y"]
    at.number_input(key="seed").set_value(DEFAULT_SEED + 1).run()
    assert chart_specs(at)[0]["data"][0]["y"] != first[0]["data"][0]["y"]
    at.number_input(key="seed").set_value(DEFAULT_SEED).run()
    at.sidebar.radio[0].set_value("de").run()
    assert chart_specs(at)[0]["layout"]["title"]["text"] != first[0]["layout"]["title"]["text"]
    assert chart_specs(at)[0]["data"][1]["y"] == first[0]["data"][1]["y"]


def test_each_chart_sent_is_what_plotly_validation_makes_of_the_projection_figure():
    """The page sends its chart specs as they stand, past st.plotly_chart's re-validation (ui.panels._Spec):
    each must be exactly what plotly's own validation makes of the projection's figure, and sending must leave
    the shared, cached spec as it was built."""
    from ui.data import setting
    from ui.panels import _drawn_specs, projection_figures, projection_specs

    clear_caches()
    at = run_app()
    at.slider(key=TROOPS).set_value(20000).run()
    assert_clean(at)
    values = {**SEED.defaults(), "troops_deployed": 20000.0}
    bands = run_ensemble(Model.of(SEED), values, runs=DEFAULT_RUNS, seed=DEFAULT_SEED).bands
    figures = projection_figures(SEED, bands, "en")

    assert chart_specs(at) == [json.loads(go.Figure(fig.to_dict()).to_json()) for _, fig in figures]
    at.slider(key=TROOPS).set_value(12000).run()
    at.slider(key=TROOPS).set_value(20000).run()  # sent again from the cache
    assert chart_specs(at) == [json.loads(go.Figure(fig.to_dict()).to_json()) for _, fig in figures]
    # The same process and key as the page's: the very specs it sent twice, unchanged by sending.
    key = (Model.of(SEED).digest, setting(values), DEFAULT_RUNS, DEFAULT_SEED, "en")
    assert list(_drawn_specs(*key, SEED, bands)) == projection_specs(SEED, bands, "en")


def test_a_refused_projection_leaves_the_whole_sidebar_to_change_it(monkeypatch):
    """The sidebar is drawn after the main area (ui.sidebar.settings): when the main area stops at a refused
    projection, every slider and control is still there, and moving one draws the page again."""
    import ui.data
    from engine.budget import ServerBusy

    real = ui.data.projection
    busy = {"on": True}

    def projection(model, values, runs, seed):
        if busy["on"]:
            raise ServerBusy("test: the server is busy")
        return real(model, values, runs, seed)

    monkeypatch.setattr(ui.data, "projection", projection)
    at = run_app()
    assert [e.message for e in at.exception] == []
    assert [e.value for e in at.error] == [t("refused_busy", "en")]
    assert at.get("plotly_chart") == []
    assert sorted(slider_values(at, SEED.id)) == sorted(d.id for d in SEED.drivers)
    assert [n.key for n in at.sidebar.number_input] == ["runs", "seed"]

    busy["on"] = False
    at.slider(key=TROOPS).set_value(20000).run()
    assert_clean(at)
    assert len(chart_specs(at)) == 3


@pytest.mark.parametrize("preset_id", ["escalation", "de-escalation"])
def test_preset_sets_every_slider_to_the_preset_values(preset_id):
    at = run_app()
    at.selectbox(key="preset").set_value(preset_id).run()

    assert_clean(at)
    assert at.selectbox(key="preset").value == preset_id
    assert slider_values(at, SEED.id) == expected_values(SEED, preset_id)


def test_switching_from_one_preset_to_another_applies_the_second():
    at = run_app()
    at.selectbox(key="preset").set_value("escalation").run()
    assert slider_values(at, SEED.id) == expected_values(SEED, "escalation")

    at.selectbox(key="preset").set_value("de-escalation").run()
    assert_clean(at)
    assert slider_values(at, SEED.id) == expected_values(SEED, "de-escalation")
    assert expected_values(SEED, "escalation") != expected_values(SEED, "de-escalation")


def test_moving_a_slider_off_the_preset_says_so():
    at = run_app()
    at.selectbox(key="preset").set_value("escalation").run()
    note = t("modified_preset", "en", preset=md_escape(SEED.preset("escalation").label.en))
    assert note not in [c.value for c in at.sidebar.caption]

    at.slider(key=TROOPS).set_value(3000).run()

    assert [c.value for c in at.sidebar.caption].count(note) == 1


def test_reset_restores_defaults_preset_runs_and_seed():
    at = run_app()
    at.selectbox(key="preset").set_value("escalation").run()
    at.slider(key=f"drv:{SEED.id}:sanctions_pressure").set_value(95).run()
    at.number_input(key="runs").set_value(300).run()
    at.number_input(key="seed").set_value(7).run()
    assert slider_values(at, SEED.id) != expected_values(SEED, None)

    button(at, "Reset to defaults").click().run()

    assert_clean(at)
    assert slider_values(at, SEED.id) == expected_values(SEED, None)
    assert at.selectbox(key="preset").value == "baseline"
    assert at.number_input(key="runs").value == DEFAULT_RUNS
    assert at.number_input(key="seed").value == DEFAULT_SEED
    assert chart_caption(at) == t("chart_caption", "en", runs=whole_number(DEFAULT_RUNS, "en"), seed=DEFAULT_SEED)


def test_language_switch_gives_german_title_tabs_and_keeps_the_sliders():
    at = run_app()
    at.selectbox(key="preset").set_value("escalation").run()
    at.radio(key="lang").set_value("de").run()

    assert_clean(at)
    assert at.title[0].value == SEED.title.de
    assert [tab.label for tab in at.tabs][:3] == ["Projektionen", "Vergleich", "Annahmen"]
    tab_labels_ok(at, "de")
    assert button(at, t("reset", "de")).label == "Auf Standard zurücksetzen"
    assert chart_caption(at, "de").startswith("Linien: Median aus ")
    assert [m.label for m in at.metric] != []
    assert all(m.delta.endswith(f"Pkt. ggü. {SEED.preset('baseline').label.de}") for m in at.metric)
    # The language is presentation only: the settings survive the switch.
    assert at.selectbox(key="preset").value == "escalation"
    assert slider_values(at, SEED.id) == expected_values(SEED, "escalation")


def test_language_switch_keeps_the_open_tab():
    # The open tab survives a language switch: a tab state keyed by the translated label would match no German
    # label, and the page would jump back to the first tab, losing the reader's place.
    at = run_app()
    open_tab(at, "tab_compare")
    assert len(chart_specs(tab(at, "tab_compare"))) == 2

    at.radio(key="lang").set_value("de").run()

    assert_clean(at)
    assert len(chart_specs(tab(at, "tab_compare", "de"))) == 2
    assert chart_specs(tab(at, "tab_projection", "de")) == []


def test_german_caption_groups_thousands_the_german_way():
    # German groups thousands with a dot ("1.000"): with its decimal comma, "1,000" would read as one.
    at = run_app()
    at.radio(key="lang").set_value("de").run()
    caption = chart_caption(at, "de")

    assert "Median aus 1.000 Läufen" in caption
    assert "1,000" not in caption


def test_german_end_of_horizon_table_has_no_english_column_names():
    # The "delta <preset>" columns that engine.report.end_deltas makes are translated too: the German table
    # shows no English "delta ..." header.
    at = run_app()
    at.radio(key="lang").set_value("de").run()
    deltas = static_frame(open_tab(at, "tab_compare", "de").table[-1])
    escalation = SEED.preset("escalation").label.de

    assert list(deltas.columns) == [
        "Indikator / Einstellungen",
        "Median",
        "Δ Voreinstellung minus aktuell",
        "Stufe, die der Median erreicht",
    ]
    first = f"**{SEED.indicators[0].label.de}**"
    shown_first = deltas["Indikator / Einstellungen"].tolist()[:4]
    assert shown_first == [first, "Aktuelle Einstellungen", escalation, "Deeskalation"]
    # German decimals: a comma, and a signed difference.
    assert all(re.fullmatch(r"\d+,\d", v) for v in deltas["Median"] if v)
    assert all(re.fullmatch(r"[+−±]\d+,\d", v) for v in deltas["Δ Voreinstellung minus aktuell"] if v)


def test_question_readouts_show_a_percentage_and_a_delta_vs_the_baseline():
    at = run_app()
    at.selectbox(key="preset").set_value("escalation").run()
    assert_clean(at)

    current = probabilities(SEED, expected_values(SEED, "escalation"))
    baseline = probabilities(SEED, expected_values(SEED, "baseline"))
    name = SEED.preset("baseline").label.en
    expected = {
        md_escape(q.text.en): (
            f"{current[q.id] * 100:.0f}%",
            f"{(current[q.id] - baseline[q.id]) * 100:+.0f} pts vs. {name}",
        )
        for q in SEED.questions
    }
    shown = {m.label: (m.value, m.delta) for m in at.metric}

    assert shown == expected
    # The escalation preset must move at least one answer, or the delta assertion above proves little.
    assert any(delta != f"±0 pts vs. {name}" for _, delta in shown.values())


def test_question_readouts_at_the_baseline_show_zero_delta():
    at = run_app()
    current = probabilities(SEED, expected_values(SEED, None))
    name = SEED.preset("baseline").label.en

    assert {m.label: (m.value, m.delta) for m in at.metric} == {
        md_escape(q.text.en): (f"{current[q.id] * 100:.0f}%", f"±0 pts vs. {name}") for q in SEED.questions
    }


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_scenario_in_the_folder_renders(path):
    scenario = load_scenario(path)
    at = run_app()
    assert scenario.title.en in at.selectbox(key="scenario").options

    at.selectbox(key="scenario").set_value(scenario.id).run()

    assert_clean(at)
    assert at.selectbox(key="scenario").value == scenario.id
    assert at.title[0].value in (scenario.title.en, md_escape(scenario.title.en))
    assert sorted(s.key for s in at.slider) == sorted(f"drv:{scenario.id}:{d.id}" for d in scenario.drivers)
    assert slider_values(at, scenario.id) == expected_values(scenario, None)
    assert len(chart_specs(at)) == len(indicator_groups(scenario))
    assert len(at.metric) == len(scenario.questions)
    for key in MAIN_TABS[1:]:
        open_tab(at, key)
        assert_clean(at)
    assert len(chart_specs(tab(at, "tab_compare"))) == 0  # the compare tab is closed again


def test_compare_tab_renders_the_chosen_presets_and_the_drivers_that_differ():
    at = run_app()
    compare_tab = open_tab(at, "tab_compare")
    # At the defaults (the baseline's settings) Compare opens on the preset farthest from them and the
    # farthest on the other side.
    assert compare_picker(at, SEED.id).value == ["escalation", "de-escalation"]

    compare_picker(at, SEED.id).set_value(["baseline"]).run()
    assert tab(at, "tab_compare").caption[1].value == t("no_differences", "en")
    compare_picker(at, SEED.id).set_value(["escalation", "de-escalation"]).run()
    assert_clean(at)
    compare_tab = tab(at, "tab_compare")

    chart, questions = chart_specs(compare_tab)
    esc, de = SEED.preset("escalation").label.en, SEED.preset("de-escalation").label.en
    assert len(chart["data"]) == 4 * len(SEED.indicators)
    assert [trace["name"] for trace in chart["data"][:4]] == ["Current settings (p10-p90)", "Current settings", esc, de]

    diff, deltas = (static_frame(d) for d in compare_tab.table)
    assert compare_tab.dataframe == []  # static tables only: they wrap to the panel, never scroll sideways
    defaults = expected_values(SEED, None)
    escalation, de_escalation = expected_values(SEED, "escalation"), expected_values(SEED, "de-escalation")
    differing = [d for d in SEED.drivers if escalation[d.id] != defaults[d.id] or de_escalation[d.id] != defaults[d.id]]
    assert list(diff.columns) == ["Driver", "Current settings", esc, de]
    assert diff["Driver"].tolist() == [d.label.en for d in differing]
    assert diff["Current settings"].tolist() == [number(defaults[d.id], "en") for d in differing]
    assert diff[esc].tolist() == [number(escalation[d.id], "en") for d in differing]
    assert diff[de].tolist() == [number(de_escalation[d.id], "en") for d in differing]
    assert diff["Current settings"].tolist()[0] == "12,000"

    # Long form: per indicator the current settings, then each preset with preset minus current.
    assert list(deltas.columns) == end_columns(SEED)
    n = len(SEED.indicators)
    settings = deltas["Indicator / settings"].tolist()
    assert settings == [name for i in SEED.indicators for name in (f"**{i.label.en}**", "Current settings", esc, de)]
    delta = deltas["Δ preset minus current"].tolist()
    assert delta[0::4] == delta[1::4] == [""] * n  # a heading, then the current settings: no difference
    # Escalation ends higher on every indicator, de-escalation lower.
    assert all(v.startswith("+") for v in delta[2::4]) and all(v.startswith("−") for v in delta[3::4])
    medians = deltas["Median"].tolist()
    for k in range(n):
        now, up, down = (float(v) for v in medians[4 * k + 1 : 4 * k + 4])
        assert float(delta[4 * k + 2].replace("−", "-")) == pytest.approx(up - now, abs=0.11)
        assert float(delta[4 * k + 3].replace("−", "-")) == pytest.approx(down - now, abs=0.11)
    assert compare_tab.caption[-1].value == t("compare_delta_caption", "en")

    # The questions' probabilities: a dot and its Wilson interval per setting, the current settings first.
    assert [trace["name"] for trace in questions["data"]] == ["Current settings", esc, de]
    model = Model.of(SEED)
    for trace, values in zip(questions["data"], [defaults, escalation, de_escalation], strict=True):
        expected = run_ensemble(model, values, runs=DEFAULT_RUNS, seed=DEFAULT_SEED).questions
        assert trace["x"] == (expected["probability"] * 100).round(2).tolist()
        assert trace["error_x"]["array"] == ((expected["high"] - expected["probability"]) * 100).round(2).tolist()
        assert trace["error_x"]["arrayminus"] == ((expected["probability"] - expected["low"]) * 100).round(2).tolist()


def test_compare_follows_the_settings_until_the_reader_picks():
    at = run_app()
    at.selectbox(key="preset").set_value("escalation").run()
    open_tab(at, "tab_compare")
    # From the escalation's settings every other preset lies below: the farthest one only.
    assert compare_picker(at, SEED.id).value == ["de-escalation"]
    compare_picker(at, SEED.id).set_value(["sanctions-squeeze"]).run()
    at.selectbox(key="preset").set_value("baseline").run()
    assert compare_picker(at, SEED.id).value == ["sanctions-squeeze"]


def test_compared_presets_survive_closing_the_compare_tab():
    at = run_app()
    open_tab(at, "tab_compare")
    compare_picker(at, SEED.id).set_value(["escalation"]).run()
    open_tab(at, "tab_projection")
    open_tab(at, "tab_compare")

    assert compare_picker(at, SEED.id).value == ["escalation"]


def test_assumptions_tab_lists_drivers_indicators_impacts_and_events():
    at = run_app()
    assumptions = open_tab(at, "tab_assumptions")
    assert_clean(at)
    drivers, indicators, impacts = (d.value for d in assumptions.dataframe)

    assert drivers["Driver"].tolist() == [d.label.en for d in SEED.drivers]
    assert drivers["Current settings"].tolist() == [d.default for d in SEED.drivers]
    assert indicators["Indicator"].tolist() == [i.label.en for i in SEED.indicators]
    assert indicators["Start value"].tolist() == [i.initial for i in SEED.indicators]
    assert len(impacts) == len(SEED.impacts)
    assert impacts["Weight"].tolist() == [i.weight for i in SEED.impacts]
    events = [m.value for m in assumptions.markdown if m.value.startswith("- Week ")]
    assert events == [f"- {md_escape(f'Week {e.week}: {e.label.en}')}" for e in SEED.events]
    assert assumptions.caption[-1].value.startswith(md_escape(f"{SEED.id} · sha256 "))


def test_runs_and_seed_inputs_change_the_caption_and_the_numbers():
    at = run_app()
    assert chart_caption(at) == t("chart_caption", "en", runs=whole_number(DEFAULT_RUNS, "en"), seed=DEFAULT_SEED)

    at.number_input(key="runs").set_value(500).run()
    at.number_input(key="seed").set_value(7).run()
    assert_clean(at)

    assert chart_caption(at) == t("chart_caption", "en", runs=whole_number(500, "en"), seed=7)
    assert chart_caption(at).startswith("Lines: median of 500 runs (seed 7);")
    first = SEED.indicators[0]
    bands = run_ensemble(Model.of(SEED), SEED.defaults(), runs=500, seed=7).bands
    frame = bands[bands["indicator"] == first.id].sort_values("week")
    assert chart_spec(at, 0)["data"][1]["y"] == frame["p50"].round(2).tolist()


def test_same_seed_gives_identical_charts_in_two_fresh_sessions():
    clear_caches()
    first = run_app()
    first.number_input(key="seed").set_value(11).run()
    clear_caches()  # the second session must compute, not read the first one's cached projection
    second = run_app()
    second.number_input(key="seed").set_value(11).run()

    assert_clean(first)
    assert_clean(second)
    assert len(chart_ys(first)) == 3
    assert chart_ys(first) == chart_ys(second)
    assert [m.value for m in first.metric] == [m.value for m in second.metric]


def test_different_seed_gives_different_bands():
    at = run_app()
    band_default = chart_spec(at, 0)["data"][0]["y"]
    median_default = chart_spec(at, 0)["data"][1]["y"]
    at.number_input(key="seed").set_value(DEFAULT_SEED + 1).run()
    band_other = chart_spec(at, 0)["data"][0]["y"]

    assert band_other != band_default
    assert len(band_other) == len(band_default) == 2 * len(median_default)


@pytest.mark.parametrize(("locale", "lang"), [("de-DE", "de"), ("de_AT", "de"), ("fr-FR", "en"), (None, "en")])
def test_default_language_follows_the_browser_locale(locale, lang):
    at = run_app(locale=locale)

    assert_clean(at)
    assert at.radio(key="lang").value == lang
    assert at.title[0].value == SEED.title.get(lang)
    tab_labels_ok(at, lang)


def test_language_chosen_by_hand_wins_over_the_locale():
    at = run_app(locale="de-DE")
    at.radio(key="lang").set_value("en").run()

    assert at.radio(key="lang").value == "en"
    assert at.title[0].value == SEED.title.en


# --- the page on a scenarios folder of the test's own --------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder whose empty scenarios/ the page reads (through SCENARIO_FOLDER, read at call time)."""
    root = tmp_path / "project"
    (root / "scenarios").mkdir(parents=True)
    monkeypatch.setenv(SCENARIOS_DIR_ENV, str(root / "scenarios"))
    clear_caches()
    yield root
    clear_caches()


def _add(project: Path, source: Path, name: str | None = None) -> Path:
    target = project / "scenarios" / (name or source.name)
    shutil.copyfile(source, target)
    return target


def test_the_page_reads_the_scenarios_folder_the_environment_names(project):
    _add(project, TINY_FILE)
    at = run_app()

    assert_clean(at)
    assert at.selectbox(key="scenario").options == ["Tiny scenario"]


def test_broken_files_are_listed_with_file_and_line_and_the_valid_scenario_still_renders(project):
    _add(project, SEED_FILE)
    syntax = _add(project, FIXTURES / "broken-syntax.yaml")
    schema = _add(project, FIXTURES / "broken-schema.yaml")

    at = run_app()

    assert_clean(at)
    assert broken_notices(at) == [t("broken_scenarios", "en", count=2)]
    # One line per problem, "FILE:LINE: field: message"; FILE may be the full path or the name.
    lines = problem_lines(at)
    assert len(lines) == 2
    assert lines[0].endswith(f"{schema.name}:29: impacts[0].weight: weight 0.9 is outside its range [0.25, 0.75]")
    # Reported at the line where the unclosed brace opens, where PyYAML itself only says where it stopped.
    assert lines[1].endswith(
        f"{syntax.name}:5: (document): not valid YAML: the '{{' opened at line 5, column 10 is still open at the end "
        "of this line (a ',' or its closing bracket is missing?); PyYAML stops at line 6: expected ',' or '}', "
        "but got '<scalar>'"
    )
    assert lines[0].startswith((str(schema), schema.name))
    # Only the valid scenario is offered, and it renders in full.
    assert at.selectbox(key="scenario").options == [SEED.title.en]
    assert at.title[0].value == SEED.title.en
    assert len(at.slider) == len(SEED.drivers)
    assert len(chart_specs(at)) == len(indicator_groups(SEED))
    assert len(at.metric) == len(SEED.questions)


def test_a_second_file_with_the_same_id_is_listed_as_broken(project):
    _add(project, SEED_FILE)
    _add(project, SEED_FILE, "zz-copy.yaml")

    at = run_app()

    assert_clean(at)
    assert broken_notices(at) == [t("broken_scenarios", "en", count=1)]
    lines = problem_lines(at)
    assert len(lines) == 1
    id_line = SEED_FILE.read_text(encoding="utf-8").splitlines().index(f"id: {SEED.id}") + 1
    assert lines[0] == f"zz-copy.yaml:{id_line}: id: id '{SEED.id}' is already used by {SEED_FILE.name}"
    assert at.selectbox(key="scenario").options == [SEED.title.en]


def test_a_folder_with_only_broken_files_shows_an_error_not_a_traceback(project):
    _add(project, FIXTURES / "broken-syntax.yaml")

    at = run_app()

    assert [e.message for e in at.exception] == []
    assert [e.value for e in at.error] == [t("no_scenarios", "en")]
    assert len(at.slider) == 0
    assert len(chart_specs(at)) == 0


def test_a_folder_with_only_broken_files_still_says_what_is_wrong_with_them(project):
    # When no scenario loads, the page still lists the broken files' file:line messages next to its error:
    # exactly then they are what says why.
    syntax = _add(project, FIXTURES / "broken-syntax.yaml")

    at = run_app()

    assert [e.value for e in at.error] == [t("no_scenarios", "en")]
    shown = problem_lines(at) + [w.value for w in at.warning]
    assert any(f"{syntax.name}:5: (document): not valid YAML" in line for line in shown)


def test_no_scenarios_error_is_german_for_a_german_browser(project):
    # The "no scenarios" error, shown before the sidebar sets the language, still follows the browser's locale.
    _add(project, FIXTURES / "broken-syntax.yaml")

    at = run_app(locale="de-DE")

    assert [e.value for e in at.error] == [t("no_scenarios", "de")]


def test_broken_file_notice_is_german_for_a_german_browser(project):
    _add(project, SEED_FILE)
    _add(project, FIXTURES / "broken-syntax.yaml")

    at = run_app(locale="de-DE")

    assert at.title[0].value == SEED.title.de
    assert broken_notices(at) == [t("broken_scenarios", "de", count=1)]


def test_switching_scenarios_swaps_the_sliders_and_resets_the_preset(project):
    _add(project, SEED_FILE)
    _add(project, TINY_FILE)
    tiny = load_scenario(TINY_FILE)

    at = run_app()
    at.selectbox(key="preset").set_value("escalation").run()
    at.selectbox(key="scenario").set_value(tiny.id).run()

    assert_clean(at)
    assert at.title[0].value == tiny.title.en
    assert [s.key for s in at.slider] == ["drv:tiny:push"]
    assert at.selectbox(key="preset").options == ["Low", "High"]
    assert len(at.metric) == 1
    # The first preset is the reference when a scenario has no "baseline".
    assert at.metric[0].delta.endswith("pts vs. Low")

    at.selectbox(key="scenario").set_value(SEED.id).run()
    assert_clean(at)
    assert at.selectbox(key="preset").value == "baseline"
    assert slider_values(at, SEED.id) == expected_values(SEED, None)


def test_the_preset_shown_is_the_one_the_sliders_are_set_to(project):
    # On a scenario whose first preset is not its defaults (tests/data/tiny.yaml: preset "low" sets push to 10,
    # the default is 50), the preset box names what the sliders hold, on the first page and after "Reset to
    # defaults", so the sidebar never says the sliders moved away from a preset when nobody moved one.
    _add(project, TINY_FILE)
    tiny = load_scenario(TINY_FILE)

    at = run_app()
    shown = at.selectbox(key="preset").value
    if shown is not None:
        assert slider_values(at, tiny.id) == expected_values(tiny, shown)

    at.selectbox(key="preset").set_value("high").run()
    button(at, "Reset to defaults").click().run()
    shown = at.selectbox(key="preset").value
    if shown is not None:
        assert slider_values(at, tiny.id) == expected_values(tiny, shown)


def test_edge_scenario_without_presets_questions_or_events_renders(project):
    _add(project, EDGE_FILE)
    edge = load_scenario(EDGE_FILE)

    at = run_app()

    assert_clean(at)
    assert "preset" not in [s.key for s in at.selectbox]  # no preset box without presets
    assert len(at.metric) == 0
    assert slider_values(at, edge.id) == {"effort": 30.0, "cost": 0.5}
    assert [s["layout"]["title"]["text"] for s in chart_specs(at)] == [
        "Projected indicators: indicators",
        "Projected indicators: odd group",
    ]
    assert md_escape(edge.summary.en) in [m.value for m in at.markdown]

    compare_tab = open_tab(at, "tab_compare")
    assert_clean(at)
    assert [m.key for m in at.multiselect if m.key.endswith(f"compare:{edge.id}")] == []
    assert [s["layout"]["title"]["text"] for s in chart_specs(compare_tab)] == [
        "Current settings against presets<br>(medians)"
    ]
    assert compare_tab.caption[0].value == t("no_differences", "en")
    open_tab(at, "tab_assumptions")
    assert_clean(at)

    at.slider(key="drv:edge-markup:cost").set_value(0.95).run()
    assert_clean(at)
    assert slider_values(at, edge.id) == {"effort": 30.0, "cost": 0.95}
    at.radio(key="lang").set_value("de").run()
    assert_clean(at)


def _unescaped(text: str, specials: str = "$:[]*_<>") -> list[str]:
    """Markdown specials in `text` that are not preceded by a backslash."""
    out, escaped = [], False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in specials:
            out.append(ch)
    return out


def test_scenario_text_in_the_title_and_slider_labels_is_shown_as_written(project):
    # The title and the slider labels ("label (unit)") render Markdown, so scenario text reaches them escaped:
    # "$1 to $2" stays text rather than LaTeX, ":red[rise]" rather than coloured text.
    _add(project, EDGE_FILE)

    at = run_app()

    assert_clean(at)
    assert _unescaped(at.title[0].value) == []
    assert _unescaped(at.slider(key="drv:edge-markup:cost").label) == []


# --- schema 2: units in both languages, scales, the questions' uncertainty, sources, reality checks -------------

TINY2_FILE = Path(__file__).resolve().parent / "data" / "tiny2.yaml"
FAILING_FILE = Path(__file__).resolve().parent / "data" / "tiny2-failing-check.yaml"


def page_strings(at: AppTest) -> list[str]:
    """Every text the page sends (bodies, labels, help, options, table cells, chart specs), as protobuf text."""
    out = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            out.append(str(node.proto))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return out


def test_the_german_seed_page_has_no_english_unit_left():
    at = run_app(locale="de-DE")
    assert_clean(at)
    units = {d.unit.de for d in SEED.drivers}
    assert "Soldaten" in units
    assert [s.label for s in at.slider] == [f"{d.label.de} ({d.unit.de})" for d in SEED.drivers]
    english = {d.unit.en for d in SEED.drivers} - units  # "%" reads the same in both
    texts = page_strings(at)
    open_tab(at, "tab_assumptions", "de")
    texts += page_strings(at)
    assert [(unit, text) for unit in english for text in texts if f"({unit})" in text] == []
    assert shown(tab(at, "tab_assumptions", "de").dataframe[0])["Einheit"].tolist() == [d.unit.de for d in SEED.drivers]


def test_a_schema_2_page_shows_units_in_the_readers_language(project):
    _add(project, TINY2_FILE)
    at = run_app(locale="de-DE")
    assert_clean(at)
    assert [s.label for s in at.slider] == ["Schub (Soldaten)", "Ruhe (%)"]
    texts = page_strings(at)
    for key in ("tab_compare", "tab_assumptions"):
        open_tab(at, key, "de")
        assert_clean(at)
        texts += page_strings(at)
    assert [text for text in texts if "(soldiers)" in text] == []
    assert shown(tab(at, "tab_assumptions", "de").dataframe[0])["Einheit"].tolist() == ["Soldaten", "%"]

    at.radio(key="lang").set_value("en").run()
    assert [s.label for s in at.slider] == ["Push (soldiers)", "Calm (%)"]


def test_a_question_card_names_its_level_and_direction_and_the_uncertainty_of_its_figure(project):
    _add(project, TINY2_FILE)
    at = run_app()
    assert_clean(at)
    # The engine's answers these captions report: 84 of 1,000 runs get busy, none fades to faint.
    assert probabilities(load_scenario(TINY2_FILE), expected_values(load_scenario(TINY2_FILE), None)) == {
        "level_busy": 0.084,
        "echo_faint": 0.0,
    }

    assert [m.value for m in at.metric] == ["8%", "0%"]
    # Over each figure the question and, in small grey print, what it asks of the model.
    assert [m.value for m in tab(at, "tab_projection").markdown if m.value.startswith("**")] == [
        f"**{md_escape(q.text.en)}**  \n:small[:gray[{md_escape(condition)}]]"
        for q, condition in zip(
            load_scenario(TINY2_FILE).questions,
            ["Level reaches level 50 “Busy” by week 8", "Echo falls to or below level 10 “Faint” by week 10"],
            strict=True,
        )
    ]
    assert [c.value for c in tab(at, "tab_projection").caption] == [
        md_escape("95% interval 7–10%, 1,000 runs"),
        md_escape("95% interval 0–0.4%, 1,000 runs")
        + "  \n:material/warning: Saturated: under these settings the model says almost certainly no. Read it as "
        "a bound, not a forecast.",
        t("events_caption", "en", events="① week 2: The push builds up"),
        t("scale_caption", "en"),
        t("chart_caption", "en", runs=whole_number(DEFAULT_RUNS, "en"), seed=DEFAULT_SEED),
    ]
    assert [m.proto.help for m in at.metric] == [
        md_escape(
            "In 8% of the 1,000 Monte Carlo runs, Level reaches or passes level 50 “Busy” in at least one week "
            "up to week 8."
        ),
        md_escape(
            "In 0% of the 1,000 Monte Carlo runs, Echo falls to or below level 10 “Faint” in at least one week "
            "up to week 10."
        ),
    ]

    at.radio(key="lang").set_value("de").run()
    assert_clean(at)
    conditions = [m.value.split(":gray[")[1] for m in tab(at, "tab_projection", "de").markdown if ":gray[" in m.value]
    assert conditions == [
        md_escape("Niveau erreicht Stufe 50 „Belebt“, spätestens in Woche 8") + "]]",
        md_escape("Echo fällt auf Stufe 10 „Schwach“ oder darunter, spätestens in Woche 10") + "]]",
    ]
    assert [c.value.split("  \n")[0] for c in tab(at, "tab_projection", "de").caption][:2] == [
        md_escape("95-%-Intervall 7–10\u00a0%, 1.000 Läufe"),
        md_escape("95-%-Intervall 0–0,4\u00a0%, 1.000 Läufe"),
    ]


def test_the_schema_2_charts_and_the_end_of_horizon_table_name_the_levels(project):
    _add(project, TINY2_FILE)
    at = run_app()
    (projection,) = chart_specs(tab(at, "tab_projection"))
    # Both indicators' scales differ: a panel each, with its own levels and the ramp's dotted line.
    assert [(s["yref"], s["y0"], s.get("label", {}).get("text")) for s in projection["layout"]["shapes"]] == [
        ("y", 20.0, "Quiet"),
        ("y", 50.0, "Busy"),
        ("y", 80.0, "Crowded"),
        ("y domain", 0, None),
        ("y2", 10.0, "Faint"),
        ("y2", 30.0, "Audible"),
        ("y2", 60.0, "Loud"),
        ("y2 domain", 0, None),
    ]
    assert [row[2] for row in projection["data"][1]["customdata"]] == ["Quiet"] * 11
    assert [row[2] for row in projection["data"][3]["customdata"]] == ["Faint"] * 3 + ["Audible"] * 7 + ["Loud"]

    compare = open_tab(at, "tab_compare")
    assert_clean(at)
    chart, _questions = chart_specs(compare)
    # The small multiples show one indicator each: each panel draws its own scale.
    assert [(s["yref"], s["y0"], s["label"]["text"]) for s in chart["layout"]["shapes"]] == [
        ("y", 20.0, "Quiet"),
        ("y", 50.0, "Busy"),
        ("y", 80.0, "Crowded"),
        ("y2", 10.0, "Faint"),
        ("y2", 30.0, "Audible"),
        ("y2", 60.0, "Loud"),
    ]
    deltas = static_frame(compare.table[-1])
    assert list(deltas.columns) == end_columns(load_scenario(TINY2_FILE))
    shown_settings = deltas["Indicator / settings"].tolist()
    assert shown_settings == ["**Level**", "Current settings", "Low", "**Echo**", "Current settings", "Low"]
    assert deltas["Median"].tolist()[1::3] == ["43.9", "61.3"]
    assert deltas["Level the median reaches"].tolist()[1::3] == ["Quiet", "Loud"]


def test_the_assumptions_tab_lists_every_check_and_every_source_in_full(project):
    _add(project, FAILING_FILE)
    at = run_app()
    assumptions = open_tab(at, "tab_assumptions")
    assert_clean(at)

    assert t("checks_title", "en") in [h.value for h in assumptions.subheader]
    assert t("checks_intro", "en", holding=3, total=4) in [c.value for c in assumptions.caption]
    checks = next(m.value for m in assumptions.markdown if m.value.startswith("- ✓ "))
    assert checks.splitlines()[:2] == [
        "- ✓ **Without a push the level stays below busy** — expected Level below 50 in every week; closest "
        "call\\: 34\\.1 \\(Quiet\\) in week 1",
        "- ✗ **Planted to fail\\: even full calm keeps the level busy** — expected Level above 50 in week 10; "
        "found 10\\.9 \\(below “Quiet”\\) in week 10",
    ]
    assert len(checks.splitlines()) == 5  # four checks, and the last one's judgement

    assert [e.label for e in assumptions.expander] == [
        "Sources in full (2)",
        "Sources in full (2)",
        "Sources in full (4)",
    ]
    drivers, indicators, impacts = (e.markdown[0].value for e in assumptions.expander)
    assert drivers == (
        "- **Push:** *Quote from the article* (test): “up to 800 soldiers push”\n"
        "- **Calm:** *Analyst's judgement:* Calm is what the user's side can offer\\."
    )
    assert indicators.splitlines()[:3] == [
        "- **Level:** *Quote from the article* (test): “level”",
        "  - Start value 40\\.0 \\(Quiet\\): *Analyst's judgement:* Middling before the push\\.",
        "  - Scale: 20 Quiet · 50 Busy · 80 Crowded",
    ]
    assert impacts.splitlines()[-2:] == [
        "- **Level → Echo \\(\\+0\\.4, 0\\.2 … 0\\.6\\):** *Quote from the article* (test): “c”",
        "  - Note: echoes follow",
    ]
    # The tables keep the short columns; the long texts are in the lists above and in the tables' CSV.
    assert list(shown(assumptions.dataframe[1]).columns) == [
        "Indicator",
        "Start value",
        "Start level",
        "Source",
        "Section",
        "Start value rests on",
    ]

    at.radio(key="lang").set_value("de").run()
    assert_clean(at)
    drivers = tab(at, "tab_assumptions", "de").expander[0].markdown[0].value
    assert drivers == (
        "- **Schub:** *Zitat aus dem Artikel* (test): „up to 800 soldiers push“ — *Übersetzung:* „bis zu 800 "
        "Soldaten drücken“\n"
        "- **Ruhe:** *Einschätzung der Analyse:* Ruhe kann die eigene Seite anbieten\\."
    )


def test_a_driver_tooltip_says_whether_it_rests_on_a_quote_or_a_judgement(project):
    _add(project, TINY2_FILE)
    at = run_app(locale="de-DE")
    assert [s.help for s in at.slider] == [
        "*Zitat aus dem Artikel* (test): „up to 800 soldiers push“ — *Übersetzung:* „bis zu 800 Soldaten drücken“",
        "*Einschätzung der Analyse:* Ruhe kann die eigene Seite anbieten\\.",
    ]


def test_a_schema_1_scenario_shows_no_levels_and_no_checks(project):
    _add(project, TINY_FILE)
    at = run_app()
    assert_clean(at)
    assert [m.value.split("  \n")[1] for m in tab(at, "tab_projection").markdown if m.value.startswith("**")] == [
        f":small[:gray[{md_escape('Level reaches 30 by week 5')}]]"
    ]
    assert [c.value for c in tab(at, "tab_projection").caption] == [
        md_escape("95% interval 99.6–100%, 1,000 runs")
        + "  \n:material/warning: Saturated: under these settings the model says almost certainly yes. Read it as "
        "a bound, not a forecast.",
        t("events_caption", "en", events="① week 2: More push"),
        t("chart_caption", "en", runs=whole_number(DEFAULT_RUNS, "en"), seed=DEFAULT_SEED),
    ]
    (spec,) = chart_specs(at)
    assert [len(row) for row in spec["data"][1]["customdata"]] == [2] * 11
    assert [s["yref"] for s in spec["layout"]["shapes"]] == ["y domain"]  # the event's line only

    assumptions = open_tab(at, "tab_assumptions")
    assert_clean(at)
    assert t("checks_title", "en") not in [h.value for h in assumptions.subheader]
    assert list(shown(assumptions.dataframe[1]).columns) == ["Indicator", "Start value", "Source", "Section"]
    compare = open_tab(at, "tab_compare")
    deltas = static_frame(compare.table[-1])
    assert list(deltas.columns) == ["Indicator / settings", "Median", "Δ preset minus current"]
    assert deltas["Indicator / settings"].tolist()[1:4] == ["Current settings", "Low", "High"]


def _hostile_tiny2() -> str:
    """tests/data/tiny2-failing-check.yaml with every text schema 2 added (units, levels, judgements,
    translations, notes, checks) replaced by markup and script, each behind a marker."""
    import yaml

    from tests.test_hostile import ATTACK

    data = yaml.safe_load(FAILING_FILE.read_text(encoding="utf-8"))

    def both(marker: str) -> dict:
        return {"en": f"{marker}en {ATTACK}", "de": f"{marker}de {ATTACK}"}

    data["drivers"][0]["unit"] = both("Zunit")
    data["drivers"][0]["source"] = {
        "quote": f"Zquote {ATTACK}",
        "section": f"Zsection {ATTACK}",
        "translation": both("Ztrans"),
    }
    data["drivers"][1]["source"] = {"judgement": both("Zjudge")}
    data["indicators"][0]["initial_source"] = {"judgement": both("Zstart")}
    for n, level in enumerate(data["indicators"][0]["scale"]):
        level["text"] = both(f"Zlevel{n}")
    data["impacts"][3]["note"] = f"Znote {ATTACK}"
    for check in data["checks"]:
        check["text"] = both("Zcheck")
    data["checks"][0]["source"] = {"judgement": both("Zwhy")}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_schema_2_texts_reach_the_page_escaped(project, lang):
    from tests.test_hostile import PageText

    (project / "scenarios" / "hostile2.yaml").write_text(_hostile_tiny2(), encoding="utf-8")
    at = run_app(locale=lang)
    page = PageText()
    page.read(at)
    for key in ("tab_compare", "tab_assumptions", "tab_projection"):
        at.session_state["main_tab"] = t(key, lang)
        at.run()
        page.read(at)
    at.session_state["main_tab"] = t("tab_custom", lang)
    at.session_state["custom_mode"] = "yaml"
    at.run()
    at.text_area(key="custom_editor").set_value(_hostile_tiny2())
    button(at, t("save", lang)).click().run()
    page.read(at)

    everything = [text for _, _, text in page.markdown] + page.plain + page.charts
    markers = ["Zunit", "Zquote", "Zsection", "Ztrans", "Zjudge", "Zstart", "Zlevel0", "Znote", "Zcheck", "Zwhy"]
    # Each marker shows somewhere (the translation and the level names in the reader's language only).
    assert [m for m in markers if not any(m in text for text in everything)] == []
    assert page.raw_html == []
    assert page.raw_in_charts() == []
    unescaped = page.unescaped_markdown()
    assert unescaped == [], "\n".join(map(repr, unescaped))


# --- the work budget: a heavy scenario opened with the largest settings a link allows -----------------------


def _heavy_link(tmp_path) -> tuple[str, int]:
    from engine.budget import max_runs
    from engine.loader import parse_scenario
    from engine.store import ScenarioStore
    from tests.heavy import heavy_yaml

    text = heavy_yaml()
    store = ScenarioStore()
    saved, scenario = store.save(text, "heavy.yaml")
    store.dispose()
    assert parse_scenario(text).id == "heavy"
    return saved.ref, max_runs(scenario)


def test_a_link_to_the_heaviest_scenario_with_the_most_runs_is_cut_to_its_budget_and_says_so(tmp_path):
    import resource

    ref, allowed = _heavy_link(tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params.update({"scenario": ref, "runs": "10000", "seed": "7"})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    at.run()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB: the peak's growth, if any

    assert_clean(at)
    assert at.session_state["runs"] == allowed == 234
    notice = t("repair_runs_over_budget", "en", runs="10000", allowed="234")
    assert any(md_escape(notice) in w.value for w in at.warning)
    assert t("runs_limited", "en", allowed="234") in [c.value for c in at.sidebar.caption]
    assert at.number_input(key="runs").max == 234
    # The ensemble's arrays are budgeted at 384 MiB; the process may not grow by much more than that.
    assert grown * 1024 < 512 * 2**20


def test_the_why_tab_of_the_heaviest_scenario_refuses_the_tornado_and_sobol_with_a_message(tmp_path):
    ref, _ = _heavy_link(tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params.update({"scenario": ref})
    at.run()
    why = open_tab(at, "tab_why")
    assert_clean(at)
    warnings = [w.value for w in why.warning]
    assert any(w.startswith("Not computed: the value tornado would need 511,916,600 model steps") for w in warnings)
    assert any(w.startswith("Sobol indices are not offered for this scenario") for w in warnings)
    metric = next(r for r in why.radio if r.key.endswith(":metric"))
    metric.set_value("probability").run()
    assert_clean(at)
    warnings = [w.value for w in open_tab(at, "tab_why").warning]
    assert any(w.startswith("Not computed: the probability tornado would need") for w in warnings)


def test_presets_labelled_like_table_columns_keep_compare_and_the_diff_working(tmp_path):
    import yaml

    from engine.store import ScenarioStore

    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    data["presets"][1]["label"] = {"en": "Driver", "de": "Treiber"}
    data["presets"][2]["label"] = {"en": "Current settings", "de": "Aktuelle Einstellungen"}
    store = ScenarioStore()
    saved, _ = store.save(yaml.safe_dump(data, allow_unicode=True), "labels.yaml")
    store.dispose()
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    at.query_params.update({"scenario": saved.ref})
    at.run()
    first, second = data["presets"][1]["id"], data["presets"][2]["id"]
    open_tab(at, "tab_compare")
    compare_picker(at, saved.ref).set_value([first, second]).run()
    assert_clean(at)
    diff, deltas = (static_frame(d) for d in tab(at, "tab_compare").table)
    assert list(diff.columns) == ["Driver", "Current settings", "Driver (2)", "Current settings (2)"]
    assert deltas["Indicator / settings"].tolist()[1:4] == ["Current settings", "Driver", "Current settings"]
    open_tab(at, "tab_why")
    next(s for s in at.selectbox if s.key.endswith(":diff-b")).set_value(second).run()
    assert_clean(at)


def test_the_projections_open_on_the_bottom_line_and_say_what_a_change_did():
    at = run_app()
    assert_clean(at)
    projection = tab(at, "tab_projection")
    assert [h.value for h in projection.subheader][:2] == [t("bottom_title", "en"), t("questions_title", "en")]
    lines = projection.markdown[0].value.split("\n")
    assert len(lines) == len(SEED.questions)  # at the baseline: one sentence per question, no change to report
    assert lines[2] == "- " + md_escape(
        "North Korean assertiveness reaches level 60 “ICBM launches and incursions across the sea border” by week "
        "26 in 37% of runs (95%: 34–40%); 13–77% across the presets; it depends most on Backing Pyongyang "
        "perceives from Moscow, North Korean troops deployed and Equipment supplied by Russia."
    )

    at.slider(key="drv:dprk-russia-2024:troops_deployed").set_value(20000).run()
    assert_clean(at)
    lines = tab(at, "tab_projection").markdown[0].value.split("\n")
    assert len(lines) == len(SEED.questions) + 1
    assert lines[-1].startswith(
        "- " + md_escape("Against “Reported baseline”, the current settings change North Korean troops deployed from")
    )
