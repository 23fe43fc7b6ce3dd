"""Sidebar: scenario picker, language, presets, reset, the driver sliders and the ensemble controls."""

from __future__ import annotations

import streamlit as st

from engine.model import Model
from engine.schema import DRIVER_GROUPS, Driver, Scenario
from engine.state import RUNS_RANGE, SEED_RANGE
from present.i18n import LANGUAGE_NAMES, LANGUAGES, t, whole_number
from present.tables import cited
from present.text import label_escape, md_escape
from ui import page_style, session
from ui.data import Choice


def driver_help(d: Driver, lang: str) -> str:
    """The slider's tooltip: the driver's description, and what its value rests on, a quote or a judgement."""
    parts = []
    if d.description:
        parts.append(md_escape(d.description.get(lang)))
    parts.append(cited(d.source, lang).markdown(lang))
    return "\n\n".join(parts)


def _language() -> str:
    session.language(st.context.locale)
    lang = st.sidebar.radio(
        "Language / Sprache",
        LANGUAGES,
        key=session.LANG,
        format_func=LANGUAGE_NAMES.get,
        horizontal=True,
        on_change=session.on_language,
    )
    session.shown_language(lang)
    return lang


def _scenario_picker(choices: dict[str, Choice], lang: str) -> str:
    session.scenario_ref(list(choices))
    titles = {
        ref: c.model.scenario.title.get(lang) + (f" ({t('saved_suffix', lang)} {ref})" if c.saved else "")
        for ref, c in choices.items()
    }
    return st.sidebar.selectbox(t("scenario", lang), list(choices), key=session.SCENARIO, format_func=titles.get)


def _presets(ref: str, scenario: Scenario, lang: str) -> str | None:
    if not scenario.presets:
        return None
    session.preset_for(ref, scenario)
    ids = [p.id for p in scenario.presets]
    labels = {p.id: p.label.get(lang) for p in scenario.presets}
    chosen = st.sidebar.selectbox(
        t("preset", lang),
        ids,
        index=None,
        placeholder=t("custom", lang),
        key=session.PRESET,
        format_func=labels.get,
        help=t("preset_help", lang),
        on_change=session.on_preset,
        args=(ref, scenario),
    )
    return chosen


def _sliders(ref: str, scenario: Scenario, lang: str) -> dict[str, float]:
    values = {}
    st.sidebar.subheader(t("drivers", lang))
    for group in DRIVER_GROUPS:
        drivers = [d for d in scenario.drivers if d.group == group]
        if not drivers:
            continue
        with st.sidebar.expander(t(f"group_{group}", lang), expanded=group == "facts"):
            for d in drivers:
                value = st.slider(
                    label_escape(f"{d.label.get(lang)} ({d.unit_in(lang)})"),
                    min_value=session.slider_value(d, d.min),
                    max_value=session.slider_value(d, d.max),
                    step=session.slider_value(d, d.step),
                    key=session.driver_start(ref, d),
                    help=driver_help(d, lang),
                )
                values[d.id] = float(value)
    return values


def _ensemble_controls(scenario: Scenario, lang: str) -> None:
    # A large scenario allows fewer runs than the range (its work budget): the control offers no more.
    allowed, limited = session.ensemble_start(scenario)
    with st.sidebar.expander(t("advanced", lang), expanded=limited):
        st.number_input(t("runs", lang), RUNS_RANGE[0], allowed, step=100, key=session.RUNS, help=t("runs_help", lang))
        if allowed < RUNS_RANGE[1]:
            st.caption(t("runs_limited", lang, allowed=whole_number(allowed, lang)))
        st.number_input(t("seed", lang), *SEED_RANGE, step=1, key=session.SEED, help=t("seed_help", lang))


def phone_hint(lang: str) -> None:
    """At the top of the main area, where a phone's reader starts: where the sliders are."""
    # Inside the hint's box, which wide screens hide: a hidden <style> still applies, and takes no room there.
    with st.container(key=page_style.PHONE_HINT, gap=None):
        st.html(page_style.CSS)  # once per run: the rules for the hint, the tabs and the uploader
        st.caption(t("phone_sidebar_hint", lang))


def settings(choices: dict[str, Choice]) -> tuple[str, Model, dict[str, float]]:
    """What the sidebar's widgets hold on this run, read from the session before they are drawn: the scenario
    ref, its model and the sliders' values (session.current reads the rest of the state).

    The page draws its main area first and the sidebar last, so that a slider move's charts are the first
    messages the browser gets rather than the thirtieth (every widget is sent again on every run). A widget's
    value is in the session under its key before the widget runs, and the same starting rules (session.*)
    put it there, so render_sidebar returns these same values.
    """
    session.language(st.context.locale)
    session.scenario_ref(list(choices))
    ref = st.session_state[session.SCENARIO]
    model = choices[ref].model
    scenario = model.scenario
    if scenario.presets:
        session.preset_for(ref, scenario)
    values = {d.id: float(st.session_state[session.driver_start(ref, d)]) for d in scenario.drivers}
    session.ensemble_start(scenario)
    return ref, model, values


def render_sidebar(choices: dict[str, Choice]) -> tuple[str, Model, dict[str, float]]:
    """Draw the sidebar; returns the scenario ref, its model and the sliders' values, which `settings` read
    before."""
    lang = _language()
    ref = _scenario_picker(choices, lang)
    choice = choices[ref]
    scenario = choice.model.scenario
    preset = _presets(ref, scenario, lang)
    modified = st.sidebar.empty()  # filled once the sliders are read, but shown under the preset box
    st.sidebar.button(t("reset", lang), on_click=session.on_reset, args=(ref, scenario), width="stretch")
    values = _sliders(ref, scenario, lang)
    if preset and values != scenario.preset_values(preset):
        modified.caption(t("modified_preset", lang, preset=md_escape(scenario.preset(preset).label.get(lang))))
    _ensemble_controls(scenario, lang)
    return ref, choice.model, values
