"""Streamlit entry point: page setup, then the view built once and handed to the UI modules."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from present.i18n import TAB_KEYS, t
from present.text import md_escape
from ui import auth, custom, data, discovery, explain, export, panels, rounds, session, share, sidebar

# Before the sidebar has run, the language comes from the session or the browser.
early_lang = session.language(st.context.locale)
# A file in the repo, not a :material/...: icon, which the browser would fetch from fonts.gstatic.com.
st.set_page_config(
    page_title=t("page_title", early_lang),
    page_icon=Path(__file__).resolve().parent / "ui" / "page_icon.png",
    layout="wide",
)
auth.require_login(early_lang)
folder = data.catalog()
if not folder.scenarios:
    st.error(t("no_scenarios", early_lang))
    panels.broken_files(folder, early_lang)
    st.stop()
store = data.store()
if rounds.requested():
    # A round's link opens the round's own page: its sliders are the member's, not the dashboard's.
    rounds.page(folder)
    st.stop()
session.restore_from_link(lambda ref: data.resolve_scenario(ref, folder), default_ref=next(iter(folder.scenarios)))

choices = data.choices(folder, session.saved_refs())
# The widgets' values first, the widgets last (ui.sidebar.settings says why).
ref, model, slider_values = sidebar.settings(choices)
scenario = model.scenario
baseline_id = scenario.baseline_preset()
compare = session.compared_presets(ref, scenario) if scenario.presets else None
view = session.current(model, ref, slider_values, compare)
lang = view.lang
sidebar.phone_hint(lang)


def main_area() -> None:
    """The header, the open tab and the share box, from the view."""
    try:
        bands, questions = data.projection(view.model, data.setting(view.values), view.runs, view.seed)
    except data.REFUSALS as refused:
        # Returned from, not st.stop(): after a stop Streamlit draws nothing more, and the sidebar, drawn next,
        # must stay so that the reader can change what was asked for.
        st.error(data.refusal_text(refused, t("what_ensemble", lang, runs=view.runs), lang))
        return
    preset_names = {p.id: p.label.get(lang) for p in scenario.presets}

    def preset_projection(preset_id: str):
        """A preset's values and projection; its projection is None (and says why) when it was refused."""
        values = scenario.preset_values(preset_id)
        try:
            ref_bands, ref_questions = data.projection(view.model, data.setting(values), view.runs, view.seed)
        except data.REFUSALS as refused:
            st.warning(data.refusal_text(refused, t("what_ensemble", lang, runs=view.runs), lang))
            return values, None, None
        return values, ref_bands, ref_questions

    baseline_questions = preset_projection(baseline_id)[2] if baseline_id else None

    def preset_questions() -> dict:
        """Every preset's question table (cached, the same runs and seed), by preset id; a refused one is left out."""
        tables = {preset_id: preset_projection(preset_id)[2] for preset_id in preset_names}
        return {preset_id: table for preset_id, table in tables.items() if table is not None}

    def bottom_line() -> list[str]:
        """The bottom line's sentences: every preset's answers and the baseline."""
        known = preset_questions()
        reference = None
        if baseline_id and baseline_questions is not None:
            reference = (preset_names[baseline_id], scenario.preset_values(baseline_id), baseline_questions)
        return panels.bottom_line_text(view, questions, known, reference)

    def scenario_text() -> str:
        """The scenario as YAML with the current settings as defaults, its file's comments kept."""
        return export.scenario_yaml(view, data.source_text(view.ref, folder))

    panels.header(scenario, lang)
    share.show_notices(lang)
    # Lazy too: the link's code block pulls a 1.5 MB highlighter into the page, wanted only once opened.
    share_box = st.expander(t("share_title", lang), icon=":material/share:", key=session.SHARE_BOX, on_change="rerun")

    # Lazy tabs: only the open tab's content runs, so a slider move redraws one view, not four.
    tab_projection, tab_compare, tab_assumptions, tab_custom, tab_why, tab_whatif, tab_team = st.tabs(
        [t(key, lang) for key in TAB_KEYS], key=session.TAB, on_change="rerun"
    )
    if tab_projection.open:
        with tab_projection:
            # The charts go out first (the browser's slowest part to draw, and on a first page the cue to fetch
            # plotly), into their place below the bottom line and the cards, which follow into theirs.
            summary = st.container()
            panels.projection_charts(view, bands)
            with summary:
                panels.bottom_line(bottom_line(), lang)
                panels.question_cards(view, questions, baseline_questions, preset_names.get(baseline_id, ""))

    if tab_compare.open:
        with tab_compare:
            references = {}
            if preset_names:
                compare = share.compare_picker(view.ref, list(preset_names), preset_names.get, t("compare_with", lang))
                for preset_id in compare:
                    values, ref_bands, _ = preset_projection(preset_id)
                    if ref_bands is not None:
                        references[preset_names[preset_id]] = (values, ref_bands)
            panels.comparison(view, bands, references)

    if tab_assumptions.open:
        with tab_assumptions:
            panels.assumptions(view)
            st.caption(md_escape(f"{view.ref} · sha256 {view.digest}"))

    if tab_custom.open:
        with tab_custom:
            custom.render(
                store,
                scenario_text(),
                (view.ref, scenario),
                lambda digest: data.scenario_by_digest(digest, folder),
                lang,
                lambda: data.comparable(folder, session.saved_refs()),
            )

    if tab_why.open:
        with tab_why:
            explain.render(view)

    if tab_whatif.open:
        with tab_whatif:
            discovery.render(view, data.source_text(view.ref, folder))

    if tab_team.open:
        with tab_team:
            rounds.open_form(view, data.source_text(view.ref, folder))
            rounds.freeze_cards(view, questions)

    link = share.sync_link(view)
    if share_box.open:
        with share_box:
            export.share_and_export(
                view,
                link,
                bands,
                questions,
                preset_questions=lambda: {preset_names[p]: table for p, table in preset_questions().items()},
                bottom_line=bottom_line,
                scenario_text=scenario_text,
            )


try:
    main_area()
finally:
    # Also when the main area ended early (a refused projection, or an error, which then shows under it).
    drawn_ref, _, drawn_values = sidebar.render_sidebar(choices)
    auth.logout_button(lang)
    panels.broken_files(folder, lang)
    # A mismatch is a bug, never a state to live with: the main area would show other numbers than the sliders
    # say. Not checked in bare mode (no Streamlit runtime), where widgets return their defaults: there this file
    # only runs as a process's __main__ again, when a worker is spawned from a process that ran it in AppTest.
    if st.runtime.exists() and (drawn_ref, drawn_values) != (ref, slider_values):
        raise RuntimeError(
            f"the sidebar holds {drawn_ref} {drawn_values}, the page was drawn for {ref} {slider_values}"
        )
