"""Shareable links: restore the page from the query string once per session, keep the URL in step after."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from engine.schema import Scenario
from engine.state import ViewState, decode, encode, parse_query
from engine.store import LINK_PREFIX
from present.i18n import repair_text, t
from present.text import md_escape
from ui.data import Choice
from ui.sidebar import PRESET_OWNER, Settings, apply_values

logger = logging.getLogger(__name__)

RESTORED = "_link_restored"
NOTICES = "_link_notices"
SAVED_REFS = "saved_refs"
SHARE_BOX = "share_box"  # the "Share and export" expander: open or closed


def compare_key(ref: str) -> str:
    return f"compare:{ref}"


def default_compare(baseline_id: str | None) -> list[str]:
    return [baseline_id] if baseline_id else []


def compared_presets(ref: str, baseline_id: str | None) -> list[str]:
    """The presets to compare with; kept outside the widget so it survives while the tab is closed."""
    return st.session_state.setdefault(compare_key(ref), default_compare(baseline_id))


def _on_compare(ref: str) -> None:
    st.session_state[compare_key(ref)] = list(st.session_state[f"widget:{compare_key(ref)}"])


def compare_picker(ref: str, options: list[str], format_func, label: str) -> list[str]:
    widget = f"widget:{compare_key(ref)}"
    st.session_state[widget] = [p for p in st.session_state[compare_key(ref)] if p in options]
    return st.multiselect(label, options, format_func=format_func, key=widget, on_change=_on_compare, args=(ref,))


def restore_from_link(resolve: Callable[[str], Choice | None], default_ref: str) -> None:
    """On a session's first run, put what the URL says into session state; remember what had to be fixed."""
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

    def scenario_of(ref: str) -> Scenario | None:
        choice = resolve(ref)
        return choice.scenario if choice else None

    state, scenario, notices = decode(params, scenario_of, default_ref, total=total)
    if state.scenario.startswith(LINK_PREFIX):
        st.session_state.setdefault(SAVED_REFS, [])
        if state.scenario not in st.session_state[SAVED_REFS]:
            st.session_state[SAVED_REFS].append(state.scenario)
    st.session_state["scenario"] = state.scenario
    if state.lang:
        st.session_state["lang"] = state.lang
    values = scenario.defaults() | dict(state.values)
    if state.preset is None:
        # A link to plain settings: name the preset they equal, as a fresh visit would.
        st.session_state["preset"] = scenario.matching_preset(values)
    else:
        st.session_state["preset"] = state.preset
    st.session_state[PRESET_OWNER] = state.scenario
    st.session_state["runs"] = state.runs
    st.session_state["seed"] = state.seed
    if state.compare is not None:
        st.session_state[compare_key(state.scenario)] = list(state.compare)
    apply_values(state.scenario, scenario, values)
    if notices:
        logger.info("link repaired: %s", ", ".join(n.code for n in notices))
    st.session_state[NOTICES] = notices


def _raw_query() -> str:
    ctx = get_script_run_ctx()
    return getattr(ctx, "query_string", "") or ""


def show_notices(lang: str) -> None:
    # Shown on the page the link opened; the next interaction is the reader's own, so it goes.
    notices = st.session_state.pop(NOTICES, None)
    if notices:
        lines = "\n".join(f"- {md_escape(repair_text(n, lang))}" for n in notices)
        st.warning(f"{t('link_notice', lang)}\n\n{lines}", icon=":material/link_off:")


def current_state(settings: Settings, compare: list[str] | None, default_compare: list[str]) -> ViewState:
    scenario = settings.scenario
    off_default = {d.id: settings.values[d.id] for d in scenario.drivers if settings.values[d.id] != d.default}
    return ViewState(
        scenario=settings.ref,
        values=off_default,
        preset=settings.preset,
        lang=settings.lang,
        runs=settings.runs,
        seed=settings.seed,
        compare=None if compare is None or compare == default_compare else tuple(compare),
    )


def sync_link(settings: Settings, compare: list[str] | None, default_compare: list[str]) -> str:
    """Write the state into the URL (only when it changed) and return the full link to share."""
    params = encode(current_state(settings, compare, default_compare), settings.scenario)
    shown = {key: st.query_params.get_all(key) for key in st.query_params}
    if shown != {key: [value] for key, value in params.items()}:
        st.query_params.from_dict(params)
    base = st.context.url or ""
    if base and not urlsplit(base).path:
        base += "/"
    return f"{base}?{urlencode(params)}"
