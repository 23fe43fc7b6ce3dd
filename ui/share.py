"""Shareable links: the notices of a repaired link, the comparison picker, and the URL kept in step."""

from __future__ import annotations

import os
from urllib.parse import urlencode, urlsplit

import streamlit as st

from engine.state import encode
from present.i18n import repair_text, t
from present.text import md_escape
from ui import session


def show_notices(lang: str) -> None:
    # Shown on the page the link opened; the next interaction is the reader's own, so they go.
    notices = session.pop_notices()
    if notices:
        lines = "\n".join(f"- {md_escape(repair_text(n, lang))}" for n in notices)
        st.warning(f"{t('link_notice', lang)}\n\n{lines}", icon=":material/link_off:")


def compare_picker(ref: str, options: list[str], format_func, label: str) -> list[str]:
    key = session.compare_start(ref, options)
    return st.multiselect(label, options, format_func=format_func, key=key, on_change=session.on_compare, args=(ref,))


def sync_link(view: session.View) -> str:
    """Write the view's state into the URL (only when it changed) and return the full link to share."""
    params = encode(view.state, view.scenario)
    shown = {key: st.query_params.get_all(key) for key in st.query_params}
    if shown != {key: [value] for key, value in params.items()}:
        st.query_params.from_dict(params)
    return f"{base_url()}?{urlencode(params)}"


def base_url() -> str:
    """The page's address without its query: a configured public address, else the address the reader's
    browser opened, as it saw it (never the server's own bind address)."""
    base = os.environ.get("SCENARIO_PUBLIC_URL", "").strip() or st.context.url or ""
    if base and not urlsplit(base).path:
        base += "/"
    return base
