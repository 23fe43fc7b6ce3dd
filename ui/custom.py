"""Bring your own scenario: upload or edit YAML, validate it with the engine, list its reality checks, save it."""

from __future__ import annotations

import math

import streamlit as st

from engine.draft import decode_article, draft_scenario
from engine.limits import MAX_ARTICLE_CHARS, MAX_SCENARIO_BYTES
from engine.loader import ScenarioError, parse_scenario
from engine.schema import Scenario
from engine.store import SaveLimitReached, ScenarioStore, StoreError
from present.i18n import t, whole_number
from present.tables import check_lines, checks_markdown
from present.text import md_escape
from ui import data, session
from ui.page_style import UPLOAD

EDITOR = "custom_editor"
TEMPLATE = "_custom_template"  # the text the editor was last filled with
SOURCE = "_custom_source"  # where the last check came from: "upload" or "editor"
PROBLEMS = "_custom_problems"
MESSAGE = "_custom_message"
NOT_SAVED = "_custom_not_saved"  # why a valid scenario was not saved: a limit or the store, never internals
CHECKED = "_custom_checked"  # the last valid scenario checked, saved or not: its reality checks are shown
SAVE_TIMES = "_custom_save_times"  # this session's new saves, which the store counts against its session limit


def _open(ref: str) -> None:
    session.open_saved(ref)


def _limit_message(limit: SaveLimitReached, lang: str) -> str:
    if limit.kind == "size":
        return t("limit_size", lang)
    count, minutes = whole_number(limit.limit, lang), max(1, math.ceil(limit.retry_in / 60))
    if limit.kind == "session":
        return t("limit_session", lang, limit=count, minutes=minutes)
    return t("limit_server", lang, limit=count, minutes=minutes)


def _check_and_save(store: ScenarioStore | None, text: str | bytes, filename: str, lang: str) -> None:
    """Check with the loader (size, UTF-8, YAML, schema) and save; every outcome lands in session state."""
    st.session_state[PROBLEMS] = []
    st.session_state[MESSAGE] = ""
    st.session_state[NOT_SAVED] = ""
    st.session_state[CHECKED] = None
    try:
        if store is None:
            st.session_state[CHECKED] = parse_scenario(text, filename)
            st.session_state[NOT_SAVED] = t("store_save_failed", lang)
            return
        saved, st.session_state[CHECKED] = store.save(
            text, filename, recent=st.session_state.setdefault(SAVE_TIMES, [])
        )
    except ScenarioError as err:
        st.session_state[PROBLEMS] = [str(p) for p in err.problems]
        return
    except SaveLimitReached as limit:
        # Refused only after the text was found valid: its checks are worth seeing all the same.
        st.session_state[CHECKED] = parse_scenario(text, filename)
        st.session_state[NOT_SAVED] = _limit_message(limit, lang)
        return
    except StoreError:
        st.session_state[CHECKED] = parse_scenario(text, filename)
        st.session_state[NOT_SAVED] = t("store_save_failed", lang)  # the store has logged the cause
        return
    _open(saved.ref)
    st.session_state[MESSAGE] = t("saved", lang, ref=saved.ref)


def _on_upload(store: ScenarioStore | None, lang: str) -> None:
    st.session_state[SOURCE] = "upload"
    upload = st.session_state.get(UPLOAD)
    if upload is None:
        return
    # The bytes as uploaded: the loader alone checks their size and encoding (Streamlit caps uploads at 1 MB).
    _check_and_save(store, upload.getvalue(), upload.name, lang)


def _on_save(store: ScenarioStore | None, lang: str) -> None:
    st.session_state[SOURCE] = "editor"
    _check_and_save(store, st.session_state.get(EDITOR, ""), "<editor>", lang)


def _on_reset_editor(template: str) -> None:
    st.session_state[EDITOR] = template
    st.session_state[TEMPLATE] = template


ARTICLE = "custom_article"


def _on_article_upload() -> None:
    upload = st.session_state.get("custom_article_upload")
    if upload is None:
        return
    text, notices = decode_article(upload.getvalue()[: MAX_ARTICLE_CHARS * 4])
    st.session_state[ARTICLE] = text[:MAX_ARTICLE_CHARS]
    st.session_state[DRAFT_NOTICES] = notices


DRAFT_NOTICES = "_draft_notices"


def _on_draft() -> None:
    result = draft_scenario(st.session_state.get(ARTICLE, ""), source_name="<pasted article>")
    st.session_state[EDITOR] = result.yaml_text
    st.session_state[DRAFT_NOTICES] = list(result.notices)
    st.session_state[PROBLEMS] = []
    st.session_state[MESSAGE] = ""
    st.session_state[NOT_SAVED] = ""
    st.session_state[CHECKED] = None


def _article_drafter(lang: str) -> None:
    with st.expander(t("draft_title", lang), icon=":material/article:"):
        st.caption(t("draft_help", lang))
        st.file_uploader(
            t("draft_upload", lang),
            type=["txt", "md"],
            key="custom_article_upload",
            on_change=_on_article_upload,
            max_upload_size=1,
        )
        st.text_area(t("draft_paste", lang), key=ARTICLE, height=200, max_chars=MAX_ARTICLE_CHARS)
        st.button(t("draft_button", lang), on_click=_on_draft)
        for notice in st.session_state.get(DRAFT_NOTICES, []):
            st.caption(md_escape(notice))


def _result(lang: str) -> None:
    if st.session_state.get(MESSAGE):
        st.success(md_escape(st.session_state[MESSAGE]))
    if st.session_state.get(NOT_SAVED):
        st.warning(st.session_state[NOT_SAVED], icon=":material/cloud_off:")
    if st.session_state.get(PROBLEMS):
        st.error(t("invalid", lang))
        st.code("\n".join(st.session_state[PROBLEMS]), language=None)
    checked = st.session_state.get(CHECKED)
    if checked is not None and checked.checks:
        _checks(checked, lang)


def _checks(scenario: Scenario, lang: str) -> None:
    """The reality checks of a valid scenario, ✓ or ✗ with the numbers: what to fix before trusting it."""
    try:
        results = data.reality_checks(data.model_of(scenario))
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("what_checks", lang), lang))
        return
    st.markdown(f"**{t('editor_checks', lang, holding=sum(r.holds for r in results), total=len(results))}**")
    st.markdown(checks_markdown(check_lines(scenario, results, lang), lang))


def _saved_list(store: ScenarioStore, lang: str) -> None:
    try:
        saved = store.list(limit=50)
    except StoreError:
        st.info(t("store_list_failed", lang), icon=":material/cloud_off:")  # the store has logged the cause
        return
    if saved:
        st.subheader(t("saved_list", lang))
        labels = {s.ref: f"{s.title_en} · {s.ref} · {s.created_at.replace('T', ' ')[:16]} UTC" for s in saved}
        chosen = st.selectbox(t("saved_list", lang), list(labels), format_func=labels.get, label_visibility="collapsed")
        st.button(t("open", lang), on_click=_open, args=(chosen,))


def render(store: ScenarioStore | None, template: str, lang: str) -> None:
    """`template` is the current scenario as YAML, the starting point of the editor. Without a store the
    visitor learns only that saving is unavailable, never why (the log says)."""
    if store is None:
        st.warning(t("store_down", lang), icon=":material/cloud_off:")
    # Streamlit states the size it lets through in whole MB ("1MB per file", hidden by ui.page_style); the
    # loader refuses anything over MAX_SCENARIO_BYTES: the label states that limit.
    st.file_uploader(
        t("upload_limited", lang, size=f"{MAX_SCENARIO_BYTES // 1024} KiB"),
        type=["yaml", "yml"],
        key=UPLOAD,
        help=t("upload_help", lang),
        on_change=_on_upload,
        args=(store, lang),
        max_upload_size=1,
    )
    # The result of an upload shows under the uploader, that of a save under the editor: where the eye is.
    if st.session_state.get(SOURCE) == "upload":
        _result(lang)
    _article_drafter(lang)
    if EDITOR not in st.session_state or st.session_state[EDITOR] == st.session_state.get(TEMPLATE):
        # Untouched by the user: follow the current scenario (and its settings) as they change.
        st.session_state[EDITOR] = template
        st.session_state[TEMPLATE] = template
    st.text_area(t("editor", lang), key=EDITOR, height=420, help=t("editor_help", lang), max_chars=MAX_SCENARIO_BYTES)
    left, right = st.columns(2)
    left.button(t("save", lang), on_click=_on_save, args=(store, lang), type="primary")
    right.button(t("editor_reset", lang), on_click=_on_reset_editor, args=(template,))
    if st.session_state.get(SOURCE) != "upload":
        _result(lang)

    if store is not None:
        _saved_list(store, lang)
