"""The "Why" tab (ui/explain.py), driven headless through streamlit.testing.v1.AppTest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.causal import causal_graph, feedback_loops
from engine.ensemble import run_ensemble
from engine.loader import load_scenario
from engine.model import Model
from engine.sensitivity import sobol_indices, tornado_point, tornado_probability
from engine.state import DEFAULT_RUNS, DEFAULT_SEED
from engine.store import DATA_DIR_ENV, DATABASE_URL_ENV
from present.i18n import t
from present.text import md_escape
from tests.apptest_helpers import shown

REPO = Path(__file__).resolve().parent.parent
DASHBOARD = REPO / "dashboard.py"
SEED = load_scenario(REPO / "scenarios" / "dprk-russia-2024.yaml")
TIMEOUT = 120
WHY = 4  # the tab's position: after Projections, Compare, Assumptions and Your scenario


@pytest.fixture(autouse=True)
def _private_store(tmp_path, monkeypatch):
    # The page opens the shared scenario store; keep it out of the working tree and away from a real database.
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "store"))


def open_why(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT).run()
    if lang != "en":
        at.radio(key="lang").set_value(lang).run()
    at.session_state["main_tab"] = t("tab_why", lang)
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert [e.message for e in at.exception] == []
    assert [e.value for e in at.error] == []


def widget(widgets, suffix: str):
    """The one widget whose key ends with ':<suffix>' (the prefix holds the scenario's digest)."""
    found = [w for w in widgets if w.key and w.key.endswith(f":{suffix}")]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def title_text(spec: dict) -> str:
    """A chart's title as one line: the chart wraps it at spaces for narrow screens (present.style)."""
    return spec["layout"]["title"]["text"].replace("<br>", " ")


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.tabs[WHY].get("plotly_chart")]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_why_tab_renders_clean_with_its_four_sections_in_both_languages(lang):
    at = open_why(lang)
    tab = at.tabs[WHY]

    assert_clean(at)
    assert tab.label == t("tab_why", lang)
    assert [h.value for h in tab.subheader] == [
        t(key, lang) for key in ("why_tornado_title", "why_sobol_title", "why_map_title", "why_diff_title")
    ]
    titles = [title_text(spec) for spec in specs(at)]
    first = SEED.indicators[0].label.get(lang)
    focused = SEED.indicator(SEED.questions[0].indicator).label.get(lang)
    assert titles == [
        t("why_tornado_chart_value", lang, indicator=first, week=SEED.horizon_weeks),
        # The map opens on the first question's indicator; the diff on the current settings against the preset
        # that differs most from them.
        t("why_map_focus_title", lang, indicator=focused),
        t("why_diff_chart", lang, a=t("current", lang), b=SEED.preset("escalation").label.get(lang)),
    ]
    assert [b.label for b in tab.button] == [t("why_sobol_run", lang)]
    assert widget(at.selectbox, "diff-b").value == "escalation"


def test_tornado_chart_shows_the_engines_swings_for_the_chosen_indicator():
    at = open_why()
    widget(at.selectbox, "tornado-indicator").set_value("dprk_assertiveness").run()
    assert_clean(at)
    tornado = specs(at)[0]
    frame = tornado_point(Model.of(SEED), SEED.defaults())
    rows = frame[frame["output"] == "dprk_assertiveness"].sort_values("rank")
    names = {d.id: d.label.en for d in SEED.drivers}

    at_min, at_max = tornado["data"]
    assert [y.replace("<br>", " ") for y in at_min["y"]] == [names[d] for d in rows["driver"]]
    assert at_min["customdata"] == rows["at_min"].round(4).tolist()
    assert at_max["customdata"] == rows["at_max"].round(4).tolist()
    assert at_max["base"] == pytest.approx(float(rows["base"].iloc[0]))
    assert title_text(tornado) == t(
        "why_tornado_chart_value", "en", indicator=SEED.indicator("dprk_assertiveness").label.en, week=52
    )


def test_tornado_probability_is_the_cards_own_ensemble():
    """Its centre is the card's probability: the page's runs and seed, the same draws for every swing."""
    at = open_why()
    widget(at.radio, "metric").set_value("probability").run()
    widget(at.selectbox, "tornado-question").set_value("aggressive_posture").run()
    assert_clean(at)
    tornado = specs(at)[0]
    runs = DEFAULT_RUNS
    frame = tornado_probability(Model.of(SEED), SEED.defaults(), runs, DEFAULT_SEED, questions=["aggressive_posture"])
    card = run_ensemble(Model.of(SEED), SEED.defaults(), runs=runs, seed=DEFAULT_SEED).questions
    assert float(frame["base"].iloc[0]) == float(card.set_index("question").loc["aggressive_posture", "probability"])

    assert tornado["data"][1]["customdata"] == (frame["at_max"] * 100).round(4).tolist()
    assert tornado["data"][1]["base"] == pytest.approx(float(frame["base"].iloc[0]) * 100)
    assert tornado["layout"]["xaxis"]["ticksuffix"] == "%"
    caption = t("why_tornado_caption_probability", "en", runs=f"{runs:,}", seed=DEFAULT_SEED)
    assert caption in [c.value for c in at.tabs[WHY].caption]


def test_sobol_runs_on_demand_shows_its_tables_and_keeps_them_until_the_settings_change():
    at = open_why()
    assert [d for d in at.tabs[WHY].dataframe if "± ST" in d.value.columns] == []  # nothing before the click
    widget(at.selectbox, "sobol-n").set_value(32).run()
    widget(at.button, "sobol-run").click().run()
    assert_clean(at)

    expected = sobol_indices(Model.of(SEED), SEED.defaults(), n=32, seed=DEFAULT_SEED)
    summary = widget_frame(at, t("why_question", "en"))
    assert len(summary) == 3 * len(SEED.questions)
    table = widget_frame(at, "± ST")
    first = expected.indices[expected.indices["output"] == SEED.questions[0].id]
    assert len(table) == len(expected.uncertain) == len(first)
    assert table["ST"].tolist() == first.sort_values(["ST", "impact"], ascending=[False, True])["ST"].round(3).tolist()
    assert sobol_titles(at) == [t("why_sobol_chart", "en", output=SEED.questions[0].text.en)]

    # S1 and ST come first, in view on a narrow screen; at N = 32 some S1 exceed their ST: sampling noise.
    assert list(table.columns)[:2] == list(summary.columns)[:2] == ["S1", "ST"]
    assert (expected.indices["S1"] > expected.indices["ST"]).any()
    assert f":material/info: {t('why_sobol_noise', 'en', n=32)}" in [c.value for c in at.tabs[WHY].caption]

    # A rerun without a click shows the cached result again (its progress bar replayed and removed).
    widget(at.selectbox, "sobol-output").set_value(f"end:{SEED.indicators[0].id}").run()
    assert_clean(at)
    assert len(widget_frame(at, "± ST")) == len(expected.uncertain)

    # New settings make the result stale: it is not shown for settings it was not computed for.
    at.slider(key=f"drv:{SEED.id}:troops_deployed").set_value(2000).run()
    assert_clean(at)
    assert t("why_sobol_stale", "en") in [i.value for i in at.tabs[WHY].info]
    assert sobol_titles(at) == []


def test_the_sobol_output_picker_follows_the_tornados_question():
    at = open_why()
    widget(at.selectbox, "sobol-n").set_value(32).run()
    widget(at.button, "sobol-run").click().run()
    second = SEED.questions[1]
    widget(at.radio, "metric").set_value("probability").run()
    widget(at.selectbox, "tornado-question").set_value(second.id).run()
    assert_clean(at)
    assert widget(at.selectbox, "sobol-output").value == f"question:{second.id}"
    assert sobol_titles(at) == [t("why_sobol_chart", "en", output=second.text.en)]
    # The reader may still pick another output; it stays until the tornado's question changes again.
    widget(at.selectbox, "sobol-output").set_value(f"end:{SEED.indicators[0].id}").run()
    assert widget(at.selectbox, "sobol-output").value == f"end:{SEED.indicators[0].id}"
    widget(at.selectbox, "tornado-question").set_value(SEED.questions[0].id).run()
    assert widget(at.selectbox, "sobol-output").value == f"question:{SEED.questions[0].id}"


def test_the_focus_map_shows_one_indicators_neighbourhood_and_the_full_map_is_one_click_away():
    from engine.causal import focus

    at = open_why()
    graph = causal_graph(Model.of(SEED))
    indicator = SEED.questions[0].indicator
    assert widget(at.radio, "map-view").value == "focus"
    assert widget(at.selectbox, "focus-indicator").value == indicator

    def drawn_nodes(spec: dict) -> set[str]:
        keys = [k for trace in spec["data"] for k in trace.get("customdata", [])]
        return {k.split(":", 1)[1] for k in keys if isinstance(k, str) and k.startswith("node:")}

    title = t("why_map_focus_title", "en", indicator=SEED.indicator(indicator).label.en)
    (shown_map,) = [s for s in specs(at) if title_text(s) == title]
    assert drawn_nodes(shown_map) == {n.id for n in focus(graph, indicator, 1).graph.nodes}
    widget(at.radio, "focus-steps").set_value(2).run()
    (shown_map,) = [s for s in specs(at) if title_text(s) == title]
    assert drawn_nodes(shown_map) == {n.id for n in focus(graph, indicator, 2).graph.nodes}

    widget(at.radio, "map-view").set_value("full").run()
    assert_clean(at)
    (full,) = [s for s in specs(at) if title_text(s) == t("why_map_title", "en")]
    assert drawn_nodes(full) == {n.id for n in graph.nodes}


def test_a_highlighted_loop_draws_its_impacts_strong_and_the_others_faint():
    at = open_why()
    widget(at.radio, "map-view").set_value("full").run()
    loops, _ = feedback_loops(causal_graph(Model.of(SEED)))
    widget(at.selectbox, "loop-highlight").set_value(0).run()
    assert_clean(at)
    (full,) = [s for s in specs(at) if title_text(s) == t("why_map_title", "en")]
    arrows = [a for a in full["layout"]["annotations"] if a.get("showarrow")]
    strong = [a for a in arrows if not a["arrowcolor"].endswith(",0.15)")]
    between = [e for e in causal_graph(Model.of(SEED)).edges if not e.is_self]
    assert len(arrows) == len(between)
    assert len(strong) == len(loops[0].edges)


def test_a_selected_node_lists_its_incoming_and_outgoing_impacts_with_weights_and_sources():
    at = open_why()
    indicator = "peninsula_tension"
    widget(at.selectbox, "inspect").set_value(f"node:{indicator}").run()
    assert_clean(at)
    names = {d.id: d.label.en for d in SEED.drivers} | {i.id: i.label.en for i in SEED.indicators}
    incoming = [i for i in SEED.impacts if i.target == indicator and not i.is_self]
    outgoing = [i for i in SEED.impacts if i.source_id == indicator and not i.is_self]
    frame_in = widget_frame(at, t("why_link_from", "en"))
    frame_out = widget_frame(at, t("why_link_to", "en"))
    assert frame_in[t("why_link_from", "en")].tolist() == [names[i.source_id] for i in incoming]
    assert frame_in[t("weight", "en")].tolist() == [f"{i.weight:+g}" for i in incoming]
    assert frame_out[t("why_link_to", "en")].tolist() == [names[i.target] for i in outgoing]
    kinds = {t("kind_quote", "en"), t("kind_judgement", "en")}
    assert set(frame_in[t("source_label", "en")]) <= kinds
    judged = [i for i in incoming if i.source.is_judgement]
    assert frame_in[t("source_label", "en")].tolist().count(t("kind_judgement", "en")) == len(judged)


def widget_frame(at: AppTest, column: str):
    found = [frame for d in at.tabs[WHY].dataframe if column in (frame := shown(d)).columns]
    assert len(found) == 1
    return found[0]


def sobol_titles(at: AppTest) -> list[str]:
    prefix = t("why_sobol_chart", "en", output="")
    return [title for spec in specs(at) if (title := title_text(spec)).startswith(prefix)]


def test_causal_map_inspector_shows_the_source_of_an_impact_and_lists_the_loops():
    at = open_why()
    quoted = next(n for n, i in enumerate(SEED.impacts) if not i.source.is_judgement)
    impact = SEED.impacts[quoted]
    widget(at.selectbox, "inspect").set_value(f"edge:{quoted}").run()
    assert_clean(at)
    text = "\n".join(m.value for m in at.tabs[WHY].markdown)

    assert md_escape(impact.source.quote) in text
    assert md_escape(impact.source.translation.en) in text
    assert t("kind_quote", "en") in text and t("kind_judgement", "en") not in text
    assert f"{impact.weight:+g}" in text and f"{impact.range[0]:g} … {impact.range[1]:g}" in text
    loops_table = widget_frame(at, t("why_loop", "en"))
    loops, _ = feedback_loops(causal_graph(Model.of(SEED)))
    assert len(loops_table) == len(loops) == 9
    assert loops_table[t("why_polarity", "en")].tolist() == [t(f"why_{loop.polarity}", "en") for loop in loops]
    selfs = widget_frame(at, t("why_kind", "en"))
    assert selfs[t("why_kind", "en")].tolist() == [t("why_damping", "en")] * len(SEED.indicators)


def test_causal_map_inspector_names_a_judgement_as_one():
    at = open_why("de")
    judged = next(n for n, i in enumerate(SEED.impacts) if i.source.is_judgement and not i.is_self)
    widget(at.selectbox, "inspect").set_value(f"edge:{judged}").run()
    assert_clean(at)
    text = "\n".join(m.value for m in at.tabs[WHY].markdown)

    assert f"*{t('kind_judgement', 'de')}:* {md_escape(SEED.impacts[judged].source.judgement.de)}" in text


def test_causal_map_inspector_shows_a_driver_with_its_range_and_quote():
    at = open_why("de")
    driver = SEED.driver("troops_deployed")
    widget(at.selectbox, "inspect").set_value("node:troops_deployed").run()
    assert_clean(at)
    text = "\n".join(m.value for m in at.tabs[WHY].markdown)

    assert md_escape(driver.label.de) in text
    assert md_escape(driver.source.quote) in text
    assert f"{driver.min:g} … {driver.max:g}" in text


def test_diff_against_a_preset_lists_the_differing_drivers_and_draws_the_weekly_deltas():
    at = open_why()
    widget(at.selectbox, "diff-b").set_value("escalation").run()
    assert_clean(at)
    escalation = SEED.preset("escalation")
    label = escalation.label.en

    drivers = widget_frame(at, label)
    assert sorted(drivers[t("driver", "en")]) == sorted(
        SEED.driver(d).label.en for d, v in escalation.values.items() if v != SEED.driver(d).default
    )
    diff = specs(at)[-1]
    assert title_text(diff) == t("why_diff_chart", "en", a=t("current", "en"), b=label)
    assert len(diff["data"]) == 2 * len(SEED.indicators)
    # Escalation raises every indicator, so the current settings sit below it at the horizon.
    assert all(trace["y"][-1] < 0 for trace in diff["data"][1::2])


def test_a_click_on_the_map_is_read_from_the_selection_event():
    from ui.explain import _selected

    assert _selected({"selection": {"points": [{"customdata": ["edge:3"]}]}}) == "edge:3"
    assert _selected({"selection": {"points": [{"customdata": "node:troops_deployed"}]}}) == "node:troops_deployed"
    # Points without our keys (none today, but any other trace) and empty selections pick nothing.
    assert _selected({"selection": {"points": [{"customdata": [1.5]}, {"x": 0}]}}) is None
    assert _selected({"selection": {"points": []}}) is None
    assert _selected(None) is None


def _render_why(path: str, lang: str) -> None:
    # Runs as the AppTest script: only the Why tab's content, for any scenario file.
    from engine.loader import load_scenario
    from engine.model import Model
    from engine.state import ViewState
    from ui import explain
    from ui.session import View

    scenario = load_scenario(path)
    explain.render(View(ViewState(scenario.id, runs=200, seed=3, lang=lang), Model.of(scenario)))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_why_tab_of_a_scenario_without_presets_or_questions_and_full_of_markup(lang):
    path = str(REPO / "tests" / "data" / "apptest" / "edge-markup.yaml")
    word = {"en": "Level", "de": "Niveau"}[lang]  # the indicator label, HTML and all
    at = AppTest.from_function(_render_why, args=(path, lang), default_timeout=TIMEOUT).run()

    assert [e.message for e in at.exception] == []
    # No questions: only the end-of-horizon measure; no presets: the diff says so.
    assert widget(at.radio, "metric").options == [t("why_metric_value", lang)]
    assert t("why_diff_no_presets", lang) in [i.value for i in at.info]
    titles = [title_text(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]
    assert titles[0] == t(
        "why_tornado_chart_value",
        lang,
        indicator=f"&lt;b&gt;{word}&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;",
        week=12,
    )
    widget(at.selectbox, "inspect").set_value("node:level").run()
    assert [e.message for e in at.exception] == []
    assert md_escape(f"<b>{word}</b>") in "\n".join(m.value for m in at.markdown)
    widget(at.button, "sobol-run").click().run()
    assert [e.message for e in at.exception] == []
    assert [d.value.shape[0] for d in at.dataframe if "± ST" in d.value.columns] == [4]  # four uncertain impacts
