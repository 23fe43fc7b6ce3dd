"""Streamlit entry point: page setup, session state and calls into components."""

from __future__ import annotations

import streamlit as st

from components import data, panels
from components.i18n import t
from components.sidebar import render_sidebar
from components.text import md_escape

st.set_page_config(page_title="Scenario dashboard", page_icon=":material/query_stats:", layout="wide")

catalog = data.catalog()
if catalog.broken:
    with st.sidebar.expander(f"⚠ {len(catalog.broken)}", expanded=False):
        st.warning(t("broken_scenarios", st.session_state.get("lang", "en"), count=len(catalog.broken)))
        for entry in catalog.broken:
            for problem in entry.problems:
                st.code(str(problem), language=None)
if not catalog.scenarios:
    st.error(t("no_scenarios", st.session_state.get("lang", "en")))
    st.stop()

settings = render_sidebar(catalog)
scenario, lang = settings.scenario, settings.lang

bands, questions = data.projection(
    settings.digest, scenario, data.setting(settings.values), settings.runs, settings.seed
)
references = {}
compare_options = [p.id for p in scenario.presets]
preset_names = {p.id: p.label.get(lang) for p in scenario.presets}

panels.header(scenario, lang)
baseline_id = "baseline" if "baseline" in compare_options else (compare_options[0] if compare_options else None)

tab_projection, tab_compare, tab_assumptions = st.tabs(
    [t("tab_projection", lang), t("tab_compare", lang), t("tab_assumptions", lang)]
)


def preset_projection(preset_id: str):
    values = scenario.defaults() | dict(scenario.preset(preset_id).values)
    ref_bands, ref_questions = data.projection(
        settings.digest, scenario, data.setting(values), settings.runs, settings.seed
    )
    return values, ref_bands, ref_questions


with tab_projection:
    baseline_questions = preset_projection(baseline_id)[2] if baseline_id else None
    panels.question_cards(scenario, questions, baseline_questions, preset_names.get(baseline_id, ""), lang)
    panels.projection_charts(scenario, bands, lang, settings.runs, settings.seed)

with tab_compare:
    if compare_options:
        chosen = st.multiselect(
            t("compare_with", lang),
            compare_options,
            default=[baseline_id],
            format_func=preset_names.get,
            key=f"compare:{scenario.id}",
        )
        for preset_id in chosen:
            values, ref_bands, _ = preset_projection(preset_id)
            references[preset_names[preset_id]] = (values, ref_bands)
    panels.comparison(scenario, settings.values, bands, references, lang)

with tab_assumptions:
    panels.assumptions(scenario, settings.values, lang)
    st.caption(md_escape(f"{scenario.id} · sha256 {settings.digest[:12]}"))
