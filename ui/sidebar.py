"""Sidebar: scenario picker, language, presets, reset, the driver sliders and the ensemble controls."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from engine.model import Model
from engine.schema import DRIVER_GROUPS, Driver, Scenario
from engine.state import DEFAULT_RUNS, DEFAULT_SEED, RUNS_RANGE, SEED_RANGE, allowed_runs
from present.i18n import LANGUAGE_NAMES, LANGUAGES, TAB_KEYS, language_from_locale, t, whole_number
from present.text import label_escape, md_escape
from ui.data import Choice


@dataclass(frozen=True)
class Settings:
    """Everything the main view needs from the sidebar, as plain values."""

    ref: str
    model: Model
    lang: str
    values: dict[str, float]
    preset: str | None
    runs: int
    seed: int

    @property
    def scenario(self) -> Scenario:
        return self.model.scenario

    @property
    def digest(self) -> str:
        return self.model.digest


def driver_key(scenario_ref: str, driver_id: str) -> str:
    return f"drv:{scenario_ref}:{driver_id}"


def _is_integral(d: Driver) -> bool:
    return all(float(v).is_integer() for v in (d.min, d.max, d.step, d.default))


def _slider_value(d: Driver, value: float) -> float | int:
    return round(value) if _is_integral(d) else float(value)


def apply_values(ref: str, scenario: Scenario, values: dict[str, float]) -> None:
    """Put driver values into the sliders' session state (before the sliders are drawn)."""
    for d in scenario.drivers:
        st.session_state[driver_key(ref, d.id)] = _slider_value(d, values.get(d.id, d.default))


def _on_preset(ref: str, scenario: Scenario) -> None:
    chosen = st.session_state.get("preset")
    if chosen:
        apply_values(ref, scenario, scenario.preset_values(chosen))


def _on_reset(ref: str, scenario: Scenario) -> None:
    apply_values(ref, scenario, scenario.defaults())
    st.session_state["preset"] = defaults_preset(scenario)
    st.session_state["runs"] = DEFAULT_RUNS
    st.session_state["seed"] = DEFAULT_SEED


PRESET_OWNER = "_preset_for"


def defaults_preset(scenario: Scenario) -> str | None:
    """The preset that leaves every driver at its default, or None: the box then shows no preset rather
    than one the sliders do not match."""
    return scenario.matching_preset(scenario.defaults())


def driver_help(d: Driver, lang: str) -> str:
    parts = []
    if d.description:
        parts.append(md_escape(d.description.get(lang)))
    parts.append(f"{t('source_label', lang)} ({md_escape(d.source.section)}): „{md_escape(d.source.quote)}“")
    return "\n\n".join(parts)


TAB_STATE = "main_tab"
SHOWN_LANGUAGE = "_lang_shown"


def _on_language() -> None:
    # A selectbox or multiselect reports its choice by the option's label, and the browser keeps the
    # label it last showed: on the next rerun after a switch it would send the old language's label,
    # which matches no option (a preset named "Reported baseline" on the German page). Writing every
    # such value back makes Streamlit send each widget its value again, labelled in the new language.
    for key in list(st.session_state):
        value = st.session_state[key]
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            st.session_state[key] = value
    # Tab state holds the tab's translated label: carry the open tab over to the new language.
    before, after = st.session_state.get(SHOWN_LANGUAGE), st.session_state["lang"]
    open_tab = st.session_state.get(TAB_STATE)
    for key in TAB_KEYS:
        if before and open_tab == t(key, before):
            st.session_state[TAB_STATE] = t(key, after)
            break


def _language() -> str:
    if "lang" not in st.session_state:
        st.session_state["lang"] = language_from_locale(st.context.locale)
    lang = st.sidebar.radio(
        "Language / Sprache",
        LANGUAGES,
        key="lang",
        format_func=LANGUAGE_NAMES.get,
        horizontal=True,
        on_change=_on_language,
    )
    st.session_state[SHOWN_LANGUAGE] = lang
    return lang


def _scenario_picker(choices: dict[str, Choice], lang: str) -> str:
    refs = list(choices)
    if st.session_state.get("scenario") not in refs:
        st.session_state["scenario"] = refs[0]
    titles = {
        ref: c.scenario.title.get(lang) + (f" ({t('saved_suffix', lang)} {ref})" if c.saved else "")
        for ref, c in choices.items()
    }
    return st.sidebar.selectbox(t("scenario", lang), refs, key="scenario", format_func=titles.get)


def _presets(ref: str, scenario: Scenario, lang: str) -> str | None:
    if not scenario.presets:
        return None
    ids = [p.id for p in scenario.presets]
    if st.session_state.get(PRESET_OWNER) != ref or st.session_state.get("preset") not in [*ids, None]:
        st.session_state["preset"] = defaults_preset(scenario)
        st.session_state[PRESET_OWNER] = ref
    labels = {p.id: p.label.get(lang) for p in scenario.presets}
    chosen = st.sidebar.selectbox(
        t("preset", lang),
        ids,
        index=None,
        placeholder=t("custom", lang),
        key="preset",
        format_func=labels.get,
        help=t("preset_help", lang),
        on_change=_on_preset,
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
                key = driver_key(ref, d.id)
                if key not in st.session_state:
                    st.session_state[key] = _slider_value(d, d.default)
                value = st.slider(
                    label_escape(f"{d.label.get(lang)} ({d.unit})"),
                    min_value=_slider_value(d, d.min),
                    max_value=_slider_value(d, d.max),
                    step=_slider_value(d, d.step),
                    key=key,
                    help=driver_help(d, lang),
                )
                values[d.id] = float(value)
    return values


def _ensemble_controls(scenario: Scenario, lang: str) -> tuple[int, int]:
    st.session_state.setdefault("runs", DEFAULT_RUNS)
    st.session_state.setdefault("seed", DEFAULT_SEED)
    # A large scenario allows fewer runs than the range (its work budget): the control offers no more.
    allowed = allowed_runs(scenario)
    limited = st.session_state["runs"] > allowed
    if limited:
        st.session_state["runs"] = allowed
    with st.sidebar.expander(t("advanced", lang), expanded=limited):
        runs = st.number_input(t("runs", lang), RUNS_RANGE[0], allowed, step=100, key="runs", help=t("runs_help", lang))
        if allowed < RUNS_RANGE[1]:
            st.caption(t("runs_limited", lang, allowed=whole_number(allowed, lang)))
        seed = st.number_input(t("seed", lang), *SEED_RANGE, step=1, key="seed", help=t("seed_help", lang))
    return int(runs), int(seed)


def render_sidebar(choices: dict[str, Choice]) -> Settings:
    lang = _language()
    ref = _scenario_picker(choices, lang)
    choice = choices[ref]
    scenario = choice.scenario
    preset = _presets(ref, scenario, lang)
    modified = st.sidebar.empty()  # filled once the sliders are read, but shown under the preset box
    st.sidebar.button(t("reset", lang), on_click=_on_reset, args=(ref, scenario), width="stretch")
    values = _sliders(ref, scenario, lang)
    if preset and values != scenario.preset_values(preset):
        modified.caption(t("modified_preset", lang, preset=md_escape(scenario.preset(preset).label.get(lang))))
    runs, seed = _ensemble_controls(scenario, lang)
    return Settings(ref, choice.model, lang, values, preset, runs, seed)
