"""Bring your own scenario: upload it, or edit it in the form and matrix or as YAML; validate it with the engine,
list its reality checks, save it with where it came from."""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from engine.draft import decode_article, draft_scenario
from engine.limits import MAX_ARTICLE_CHARS, MAX_SCENARIO_BYTES
from engine.loader import ScenarioError, parse_scenario
from engine.schema import Scenario
from engine.store import LINK_PREFIX, SaveLimitReached, ScenarioStore, StoreError
from present.editor import NEW_SCENARIO
from present.i18n import t, whole_number
from present.tables import check_lines, checks_markdown
from present.text import md_escape
from ui import data, editor, history, session
from ui.page_style import EDITOR_BOX, UPLOAD

EDITOR = "custom_editor"  # the YAML text box, while it is shown
TEXT = "_custom_text"  # the text being edited: what both the form and the text box show and change
MODE = "custom_mode"  # "form" or "yaml"
TEMPLATE = "_custom_template"  # the text the editor was last filled with
PARENT = "_custom_parent"  # the digest of the scenario that text came from (None for a draft)
PENDING = "_custom_pending"  # an action that would replace unsaved edits, waiting for the reader's yes
AUTHOR, NOTE = "custom_author", "custom_note"
TODO = "_custom_todo"  # the draft's placeholders, each with its line
_SAVED_TEXT = "_custom_saved_text"  # the text last saved: no longer at risk
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


def _check_and_save(
    store: ScenarioStore | None, text: str | bytes, filename: str, lang: str, origin: dict | None = None
) -> None:
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
            text, filename, recent=st.session_state.setdefault(SAVE_TIMES, []), **(origin or {})
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
    origin = {
        "parent": st.session_state.get(PARENT),
        "author": st.session_state.get(AUTHOR, ""),
        "note": st.session_state.get(NOTE, ""),
    }
    _check_and_save(store, st.session_state.get(TEXT, ""), "<editor>", lang, origin)
    if not st.session_state.get(PROBLEMS) and st.session_state.get(CHECKED) is not None:
        # What was saved is where the next edit starts from, and that edit's parent; it is no longer at risk.
        st.session_state[PARENT] = st.session_state[CHECKED].digest
        st.session_state[_SAVED_TEXT] = st.session_state.get(TEXT)
        st.session_state[TEMPLATE] = None


def _dirty() -> bool:
    """Whether the editor holds edits not saved and not the text it was filled with."""
    text = st.session_state.get(TEXT)
    return text is not None and text != st.session_state.get(TEMPLATE) and text != st.session_state.get(_SAVED_TEXT)


def _asked(action: str) -> bool:
    """Whether `action`, which replaces the editor's text, may go ahead: at once over text with no unsaved
    edits, else only once the reader has said yes to it (the question stands meanwhile)."""
    if _dirty() and st.session_state.get(PENDING) != action:
        st.session_state[PENDING] = action
        return False
    st.session_state.pop(PENDING, None)
    return True


def _fill(text: str, parent: str | None, own: bool = False, todo: list | None = None) -> None:
    """The editor holds `text` from now on. `own`: it is the reader's work from the start (a draft, a new
    scenario), which never follows the current scenario, so is never replaced without asking."""
    st.session_state[TEXT] = text
    st.session_state[TEMPLATE] = None if own else text
    st.session_state[PARENT] = parent
    st.session_state[TODO] = todo or []
    st.session_state.pop(EDITOR, None)  # the text box shows the new text on its next draw
    editor.bump()


def _on_reset_editor(template: str, parent: str) -> None:
    if _asked("reset"):
        _fill(template, parent)


def _on_new() -> None:
    if _asked("new"):
        _fill(NEW_SCENARIO, None, own=True)


def _on_text() -> None:
    st.session_state[TEXT] = st.session_state.get(EDITOR, "")


def _on_keep() -> None:
    st.session_state.pop(PENDING, None)


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
    if not _asked("draft"):
        return
    result = draft_scenario(st.session_state.get(ARTICLE, ""), source_name="<pasted article>")
    _fill(result.yaml_text, None, own=True, todo=list(result.todo))
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
        if st.session_state.get(PENDING) == "draft":
            _confirm(_on_draft, (), lang)
        for notice in st.session_state.get(DRAFT_NOTICES, []):
            st.caption(md_escape(notice))


def _result(lang: str) -> None:
    if st.session_state.get(MESSAGE):
        st.success(md_escape(st.session_state[MESSAGE]))
    if st.session_state.get(NOT_SAVED):
        st.warning(st.session_state[NOT_SAVED], icon=":material/cloud_off:")
    if st.session_state.get(PROBLEMS):
        st.error(t("invalid", lang))
        # The editor's own problems stand beside the text (YAML) or at their rows (form); an upload's here.
        if st.session_state.get(SOURCE) == "upload":
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


def _confirm(action, args: tuple, lang: str) -> None:
    """The question before unsaved edits are replaced: replace them, or keep them."""
    st.warning(t("editor_replace_question", lang), icon=":material/warning:")
    left, right = st.columns(2)
    left.button(t("editor_replace", lang), on_click=action, args=args, key="custom-replace")
    right.button(t("editor_keep", lang), on_click=_on_keep, key="custom-keep", type="primary")


def _todo(lang: str) -> None:
    items = st.session_state.get(TODO) or []
    if items:
        with st.expander(t("draft_todo", lang, count=len(items)), icon=":material/checklist:", expanded=True):

            def said(item) -> str:
                german = getattr(item, "text_de", "")
                return german if lang == "de" and german else item.text

            lines = [
                f"- {t('form_line', lang, line=item.line)} · `{md_escape(item.field)}`: {md_escape(said(item))}"
                for item in items
            ]
            st.markdown("\n".join(lines))


def render(
    store: ScenarioStore | None,
    template: str,
    current: tuple[str, Scenario],
    by_digest: Callable[[str], Scenario | None],
    lang: str,
    comparable: Callable[[], dict[str, Scenario]] = dict,
) -> None:
    """`template` is the current scenario as YAML, the starting point of the editor; `current` its (ref,
    scenario). Without a store the visitor learns only that saving is unavailable, never why (the log says)."""
    ref, scenario = current
    parent = scenario.digest
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
    untouched = TEXT not in st.session_state or st.session_state[TEXT] == st.session_state.get(TEMPLATE)
    if untouched and st.session_state.get(TEXT) != template:
        # Untouched by the reader: follow the current scenario (and its settings) as they change.
        _fill(template, parent)
    st.subheader(t("editor", lang))
    st.caption(t("editor_help", lang))
    _todo(lang)
    mode = st.segmented_control(
        t("form_mode", lang),
        ["form", "yaml"],
        default="form",
        key=MODE,
        format_func=lambda m: t(f"form_mode_{m}", lang),
    )
    if mode == "yaml":
        if EDITOR not in st.session_state:
            st.session_state[EDITOR] = st.session_state[TEXT]
        with st.container(key=EDITOR_BOX):
            st.text_area(
                t("form_mode_yaml", lang),
                key=EDITOR,
                height=480,
                max_chars=MAX_SCENARIO_BYTES,
                on_change=_on_text,
            )
        # Every problem at once, each with its numbered lines, as the text stands: no save needed to see them.
        _, problems = editor.problems_of(st.session_state[TEXT])
        if problems:
            editor.yaml_problems(st.session_state[TEXT], problems, lang)
        else:
            st.caption(f":material/check_circle: {t('form_valid', lang)}")
    else:
        st.session_state.pop(EDITOR, None)
        editor.render_form(TEXT, lang)
    author, note = st.columns([1, 2])
    author.text_input(t("save_author", lang), key=AUTHOR, max_chars=120)
    note.text_input(t("save_note", lang), key=NOTE, max_chars=500)
    left, middle, right = st.columns(3)
    left.button(t("save", lang), on_click=_on_save, args=(store, lang), type="primary")
    middle.button(t("editor_reset", lang), on_click=_on_reset_editor, args=(template, parent))
    right.button(t("editor_new", lang), on_click=_on_new)
    if st.session_state.get(PENDING) == "reset":
        _confirm(_on_reset_editor, (template, parent), lang)
    if st.session_state.get(PENDING) == "new":
        _confirm(_on_new, (), lang)
    if st.session_state.get(SOURCE) != "upload":
        _result(lang)

    if store is not None:
        if ref.startswith(LINK_PREFIX):
            history.history(store, ref, scenario, by_digest, lang, comparable)
            history.publish_box(store, ref, scenario, lang)
        history.gallery(store, lang)
