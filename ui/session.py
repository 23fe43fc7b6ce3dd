"""The page's view state: the one module that knows its session-state keys, loads a state and reads it back.

A state is loaded from a link (once per session), a preset, a reset or a language switch, and read back
after the sidebar's widgets have run as one `View`: the engine's ViewState (what a link pins down) with the
model it is about. Panels receive the View, never loose values or keys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from engine.limits import DEFAULT_RUNS, DEFAULT_SEED, clean_byline
from engine.model import Model
from engine.report import contrast_presets
from engine.schema import Driver, Scenario
from engine.state import ViewState, allowed_runs, decode, parse_query
from engine.store import LINK_PREFIX
from present.i18n import TAB_KEYS, language_from_locale, t

logger = logging.getLogger(__name__)

# The widgets' keys: each widget holds its part of the state under one of these.
LANG = "lang"
SCENARIO = "scenario"
PRESET = "preset"
RUNS = "runs"
SEED = "seed"
TAB = "main_tab"  # the open tab, by its translated label
SHARE_BOX = "share_box"  # the "Share and export" expander: open or closed
# The brief's byline inputs (ui/export.py draws them), by ViewState field.
BYLINE_KEYS = {"author": "export:author", "unit": "export:unit", "marking": "export:marking"}
# Bookkeeping of this module's own.
PRESET_OWNER = "_preset_for"  # the scenario whose presets the preset box shows
SHOWN_LANGUAGE = "_lang_shown"
RESTORED = "_link_restored"
NOTICES = "_link_notices"
SAVED_REFS = "saved_refs"  # the saved scenarios this session has opened, for the picker
OPEN_FAILED = "_store_open_failed"  # a saved scenario could not be looked up on this run: say so once


def driver_key(ref: str, driver_id: str) -> str:
    return f"drv:{ref}:{driver_id}"


def compare_key(ref: str) -> str:
    return f"compare:{ref}"


def compare_widget_key(ref: str) -> str:
    return f"widget:{compare_key(ref)}"


@dataclass(frozen=True)
class View:
    """What the page shows: the state (every driver's value, preset, language, runs, seed, comparison)
    and the model it is about."""

    state: ViewState
    model: Model

    @property
    def ref(self) -> str:
        return self.state.scenario

    @property
    def scenario(self) -> Scenario:
        return self.model.scenario

    @property
    def digest(self) -> str:
        return self.model.digest

    @property
    def values(self) -> dict[str, float]:
        return self.scenario.defaults() | dict(self.state.values)

    @property
    def lang(self) -> str:
        return self.state.lang or "en"

    @property
    def preset(self) -> str | None:
        return self.state.preset

    @property
    def runs(self) -> int:
        return self.state.runs

    @property
    def seed(self) -> int:
        return self.state.seed

    @property
    def byline(self) -> tuple[str, str, str]:
        """Author, unit and handling marking, as the link keeps them."""
        return self.state.author, self.state.unit, self.state.marking


# --- loading a state -----------------------------------------------------------------------------------------


def slider_value(d: Driver, value: float) -> float | int:
    """A driver's value as its slider holds it: whole numbers for a driver whose range and step are whole."""
    integral = all(float(v).is_integer() for v in (d.min, d.max, d.step, d.default))
    return round(value) if integral else float(value)


def load_values(ref: str, scenario: Scenario, values: dict[str, float]) -> None:
    """Put driver values into the sliders' state (before the sliders are drawn)."""
    for d in scenario.drivers:
        st.session_state[driver_key(ref, d.id)] = slider_value(d, values.get(d.id, d.default))


def on_preset(ref: str, scenario: Scenario) -> None:
    chosen = st.session_state.get(PRESET)
    if chosen:
        load_values(ref, scenario, scenario.preset_values(chosen))


def on_reset(ref: str, scenario: Scenario) -> None:
    load_values(ref, scenario, scenario.defaults())
    st.session_state[PRESET] = scenario.matching_preset(scenario.defaults())
    st.session_state[RUNS] = DEFAULT_RUNS
    st.session_state[SEED] = DEFAULT_SEED


def on_language() -> None:
    # A selectbox or multiselect reports its choice by the option's label, and the browser keeps the
    # label it last showed: on the next rerun after a switch it would send the old language's label,
    # which matches no option (a preset named "Reported baseline" on the German page). Writing every
    # such value back makes Streamlit send each widget its value again, labelled in the new language.
    for key in list(st.session_state):
        value = st.session_state[key]
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            st.session_state[key] = value
    # Tab state holds the tab's translated label: carry the open tab over to the new language.
    before, after = st.session_state.get(SHOWN_LANGUAGE), st.session_state[LANG]
    open_tab = st.session_state.get(TAB)
    for key in TAB_KEYS:
        if before and open_tab == t(key, before):
            st.session_state[TAB] = t(key, after)
            break


def language(locale: str | None) -> str:
    """The page's language: the session's, else the browser's (before the sidebar's radio has run)."""
    if LANG not in st.session_state:
        st.session_state[LANG] = language_from_locale(locale)
    return st.session_state[LANG]


def shown_language(lang: str) -> None:
    st.session_state[SHOWN_LANGUAGE] = lang


def scenario_ref(refs: list[str]) -> None:
    """Keep the picker on a scenario it offers."""
    if st.session_state.get(SCENARIO) not in refs:
        st.session_state[SCENARIO] = refs[0]


def preset_for(ref: str, scenario: Scenario) -> None:
    """When the scenario changes (or its preset is gone), start from the preset matching its defaults."""
    ids = [p.id for p in scenario.presets]
    if st.session_state.get(PRESET_OWNER) != ref or st.session_state.get(PRESET) not in [*ids, None]:
        st.session_state[PRESET] = scenario.matching_preset(scenario.defaults())
        st.session_state[PRESET_OWNER] = ref


def driver_start(ref: str, d: Driver) -> str:
    """The slider's key, holding the driver's default if it holds nothing yet."""
    key = driver_key(ref, d.id)
    if key not in st.session_state:
        st.session_state[key] = slider_value(d, d.default)
    return key


def ensemble_start(scenario: Scenario) -> tuple[int, bool]:
    """The most runs the scenario allows, and whether the state had asked for more (and was cut)."""
    st.session_state.setdefault(RUNS, DEFAULT_RUNS)
    st.session_state.setdefault(SEED, DEFAULT_SEED)
    allowed = allowed_runs(scenario)
    limited = st.session_state[RUNS] > allowed
    if limited:
        st.session_state[RUNS] = allowed
    return allowed, limited


def restore_from_link(resolve: Callable[[str], Scenario | None], default_ref: str) -> None:
    """On a session's first run, load what the URL says; remember what had to be fixed.

    `resolve` maps a scenario reference to its scenario, or None (engine.state.decode's contract)."""
    if st.session_state.get(RESTORED):
        return
    st.session_state[RESTORED] = True
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    total = None
    if not params:
        # Streamlit drops a query of more than 1,000 fields whole; read its first ones ourselves, so that
        # the link still opens what it can and says what was left out.
        params, total = parse_query(_raw_query())
        if not params:
            return

    state, scenario, notices = decode(params, resolve, default_ref, total=total)
    if state.scenario.startswith(LINK_PREFIX):
        remember_saved(state.scenario)
    st.session_state[SCENARIO] = state.scenario
    if state.lang:
        st.session_state[LANG] = state.lang
    values = scenario.defaults() | dict(state.values)
    # A link to plain settings names the preset they equal, as a fresh visit would.
    st.session_state[PRESET] = scenario.matching_preset(values) if state.preset is None else state.preset
    st.session_state[PRESET_OWNER] = state.scenario
    st.session_state[RUNS] = state.runs
    st.session_state[SEED] = state.seed
    if state.compare is not None:
        st.session_state[compare_key(state.scenario)] = list(state.compare)
    for name, key in BYLINE_KEYS.items():
        if getattr(state, name):
            st.session_state[key] = getattr(state, name)
    load_values(state.scenario, scenario, values)
    if notices:
        logger.info("link repaired: %s", ", ".join(n.code for n in notices))
    st.session_state[NOTICES] = notices


def _raw_query() -> str:
    ctx = get_script_run_ctx()
    return getattr(ctx, "query_string", "") or ""


def pop_notices() -> list:
    """The link's repairs, once: the next interaction is the reader's own."""
    return st.session_state.pop(NOTICES, None) or []


def remember_saved(ref: str) -> None:
    refs = st.session_state.setdefault(SAVED_REFS, [])
    if ref not in refs:
        refs.append(ref)


def open_saved(ref: str) -> None:
    """Offer a saved scenario in the picker and switch to it."""
    remember_saved(ref)
    st.session_state[SCENARIO] = ref


def saved_refs() -> list[str]:
    return st.session_state.get(SAVED_REFS, [])


def note_open_failed() -> None:
    st.session_state[OPEN_FAILED] = True


def pop_open_failed() -> bool:
    return bool(st.session_state.pop(OPEN_FAILED, False))


# --- the comparison ------------------------------------------------------------------------------------------


def default_compare(scenario: Scenario, values: dict[str, float]) -> list[str]:
    """What the page compares with until the reader picks otherwise: the presets that differ most from the
    current settings `values` (engine.report.contrast_presets: the farthest, and the farthest on the other side)."""
    return contrast_presets(scenario, values)


def _slider_values(ref: str, scenario: Scenario) -> dict[str, float]:
    """The drivers' values as the sidebar's sliders hold them (their defaults before a slider has run)."""
    return {d.id: float(st.session_state.get(driver_key(ref, d.id), d.default)) for d in scenario.drivers}


def compared_presets(ref: str, scenario: Scenario) -> list[str]:
    """The presets to compare with: the reader's pick, kept outside the widget so it survives while the tab
    is closed; until the reader picks, the default for the current settings, following them as they move."""
    if compare_key(ref) in st.session_state:
        return st.session_state[compare_key(ref)]
    default = default_compare(scenario, _slider_values(ref, scenario))
    st.session_state[compare_default_key(ref)] = default
    return default


def compare_default_key(ref: str) -> str:
    return f"_compare_default:{ref}"


def on_compare(ref: str) -> None:
    st.session_state[compare_key(ref)] = list(st.session_state[compare_widget_key(ref)])


def compare_start(ref: str, options: list[str]) -> str:
    """The comparison widget's key, holding the kept comparison (cut to the options there are)."""
    kept = st.session_state.get(compare_key(ref), st.session_state.get(compare_default_key(ref), []))
    st.session_state[compare_widget_key(ref)] = [p for p in kept if p in options]
    return compare_widget_key(ref)


# --- reading the state back ----------------------------------------------------------------------------------


def current(model: Model, ref: str, values: dict[str, float], compare: list[str] | None) -> View:
    """The view after the sidebar's widgets have run: their values, and the comparison (None: the default)."""
    scenario = model.scenario
    state = ViewState(
        scenario=ref,
        values={d.id: values[d.id] for d in scenario.drivers if values[d.id] != d.default},
        preset=st.session_state.get(PRESET) if scenario.presets else None,
        lang=st.session_state.get(LANG),
        runs=int(st.session_state[RUNS]),
        seed=int(st.session_state[SEED]),
        compare=None if compare is None or compare == default_compare(scenario, values) else tuple(compare),
        **{name: clean_byline(st.session_state.get(key, "")) for name, key in BYLINE_KEYS.items()},
    )
    return View(state, model)
