"""A saved scenario's history (its parents, and what changed against one of them), publishing it to the
gallery, and the gallery itself: newest first, a page at a time, searched by title."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from engine.diff import impact_matrix_diff, scenario_diff
from engine.limits import BYLINE_LIMIT
from engine.schema import Scenario
from engine.store import SaveLimitReached, ScenarioStore, StoreError, link_ref
from present.diff import diff_lines, diff_matrix_figure, matrix_labels
from present.i18n import t, whole_number
from present.text import md_escape
from ui import session
from ui.panels import CHART_CONFIG

PER_PAGE = 10
SEARCH, PAGE = "gallery_search", "gallery_page"
PUBLISH_TITLE, PUBLISH_AUTHOR = "publish_title", "publish_author"
COMPARE_WITH = "history_compare"
PUBLISHED = "_published_message"

Resolve = Callable[[str], Scenario | None]  # a full digest -> the scenario (saved or in the folder), or None


def history(
    store: ScenarioStore,
    ref: str,
    scenario: Scenario,
    by_digest: Resolve,
    lang: str,
    more: Callable[[], dict[str, Scenario]] = dict,
) -> None:
    """The lineage of the saved scenario `ref` and its diff against its parent, or against another ancestor,
    a folder scenario or a saved one this session opened (`more`: digest -> scenario)."""
    try:
        chain = store.lineage(ref)
        saved = store.load(ref)
    except StoreError:
        return  # the gallery below says the store cannot be read: once is enough
    if not chain or saved is None:
        return
    record, _ = saved
    st.subheader(t("history_title", lang))
    if record.author or record.note:
        st.caption(md_escape(" · ".join(part for part in (record.author, record.note) if part)))
    # Each ancestor looked up once: the store or the folder, or neither (then it can be named, not compared).
    found = {digest: by_digest(digest) for digest in chain}
    names = {
        digest: f"{scenario_.title.get(lang) if scenario_ else t('history_unknown', lang)} ({link_ref(digest)})"
        for digest, scenario_ in found.items()
    }
    st.markdown("\n".join(f"{n}. {md_escape(names[digest])}" for n, digest in enumerate(chain, start=1)))
    if len(chain) < 2:
        st.caption(t("history_no_parent", lang))
    known = {digest: found[digest] for digest in chain[1:] if found[digest] is not None}
    for digest, other in more().items():
        if digest != chain[0]:
            known.setdefault(digest, other)
    others = {
        digest: names.get(digest) or f"{other.title.get(lang)} ({link_ref(digest)})" for digest, other in known.items()
    }
    if not others:
        return
    # Its parent first; without a parent nothing is picked until the reader asks (a draft is unrelated to
    # whatever folder scenario would come first).
    picked = st.selectbox(
        t("history_compare", lang),
        list(others),
        format_func=others.get,
        key=COMPARE_WITH,
        index=0 if len(chain) > 1 else None,
    )
    old = known.get(picked) if picked else None
    if old is None:
        return
    diff = scenario_diff(old, scenario)
    if diff.empty:
        st.caption(t("history_same", lang))
        return
    st.markdown("\n".join(f"- {md_escape(line)}" for line in diff_lines(diff, old, scenario, lang)))
    frame = impact_matrix_diff(old, scenario)
    if frame["status"].ne("same").any():
        labels = {i.id: i.label.get(lang) for s in (old, scenario) for i in (*s.drivers, *s.indicators)}
        fig = diff_matrix_figure(frame, labels, matrix_labels(lang), lang)
        st.plotly_chart(fig, key="history-matrix", config=CHART_CONFIG)


def publish_box(store: ScenarioStore, ref: str, scenario: Scenario, lang: str) -> None:
    """Publish the saved scenario `ref` to the gallery with a title: until then only its link reaches it."""
    with st.expander(t("publish_title", lang), icon=":material/public:"):
        st.caption(t("publish_help", lang))
        with st.form(key=f"publish-{ref}", border=False):
            title = st.text_input(t("publish_name", lang), value=scenario.title.get(lang), max_chars=BYLINE_LIMIT)
            author = st.text_input(t("save_author", lang), max_chars=BYLINE_LIMIT)
            if st.form_submit_button(t("publish_button", lang)):
                try:
                    entry = store.publish(ref, title, author)
                except ValueError:
                    st.error(t("publish_needs_title", lang))
                except SaveLimitReached:
                    st.warning(t("publish_limit", lang), icon=":material/hourglass:")
                except (LookupError, StoreError):
                    st.warning(t("store_save_failed", lang), icon=":material/cloud_off:")
                else:
                    st.success(md_escape(t("published", lang, title=entry.title)))


def gallery(store: ScenarioStore, lang: str) -> None:
    """The published scenarios, newest first, a page at a time; hidden ones never show."""
    st.subheader(t("gallery_title", lang))
    search = st.text_input(t("gallery_search", lang), key=SEARCH, max_chars=100, on_change=_turn, args=(None,))
    page = int(st.session_state.get(PAGE, 0))
    try:
        entries, total = store.gallery(search=search, page=page, per_page=PER_PAGE)
    except StoreError:
        st.info(t("store_list_failed", lang), icon=":material/cloud_off:")
        return
    if not entries:
        st.caption(t("gallery_empty", lang))
        return
    pages = max(1, -(-total // PER_PAGE))
    st.caption(t("gallery_count", lang, total=whole_number(total, lang), page=page + 1, pages=pages))
    for entry in entries:
        left, right = st.columns([4, 1], vertical_alignment="center")
        by = f" · {entry.author}" if entry.author else ""
        left.markdown(md_escape(f"{entry.title}{by} · {entry.created_at.replace('T', ' ')[:16]} UTC"))
        right.button(t("open", lang), key=f"gallery-open-{entry.id}", on_click=session.open_saved, args=(entry.ref,))
    back, forward = st.columns(2)
    back.button(t("gallery_newer", lang), disabled=page == 0, on_click=_turn, args=(-1,), key="gallery-newer")
    forward.button(t("gallery_older", lang), disabled=page + 1 >= pages, on_click=_turn, args=(1,), key="gallery-older")


def _turn(step: int | None) -> None:
    """A page on (1) or back (-1); None, for a new search, back to the first page."""
    st.session_state[PAGE] = 0 if step is None else max(0, int(st.session_state.get(PAGE, 0)) + step)
