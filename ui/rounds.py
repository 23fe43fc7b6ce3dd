"""Team rounds in the page: opening one, the participant's two steps, the facilitator's results and ledger.

A round's page is reached by its link alone (?round=<id>, plus &key=<secret> for the facilitator) and stands
apart from the dashboard: its sliders are the member's own, not the sidebar's. What participants type is shown
through Markdown escaping, Plotly escaping or static tables only, on every view.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from urllib.parse import parse_qs, urlencode, urlsplit

import pandas as pd
import streamlit as st

from engine.ledger import RELIABILITY_MIN, reliability, scored
from engine.limits import LANGUAGES
from engine.model import Model
from engine.pooling import Judgement, JudgementError, compare_spreads, spread
from engine.rounds import (
    ALIAS_LIMIT,
    COMMENT_LIMIT,
    AccessDenied,
    Round,
    RoundClosed,
    RoundFull,
    RoundStore,
    Submission,
)
from engine.serialize import scenario_to_yaml
from engine.store import SaveLimitReached, StoreError
from present import rounds as present
from present.i18n import LANGUAGE_NAMES, t
from present.tables import percent_span, percent_text
from present.text import label_escape, md_escape
from ui import data, session, share
from ui.panels import CHART_CONFIG, static_table

logger = logging.getLogger(__name__)

ROUND_PARAM = "round"
KEY_PARAM = "key"
LANG_KEY = "round:lang"
LANG_SHOWN = "round:lang_shown"  # the language last chosen, which a deselected control leaves as it was
OPENED_KEY = "round:opened"  # (round id, key) of the round this session just opened from the dashboard


def _key(round_id: str, part: str) -> str:
    return f"round:{round_id}:{part}"


def requested() -> bool:
    """Whether the page was opened by a round link."""
    return ROUND_PARAM in st.query_params


def _links(round_id: str, key: str | None = None) -> tuple[str, str | None]:
    """The participant link and, given the key, the facilitator link."""
    base = share.base_url()
    participant = f"{base}?{urlencode({ROUND_PARAM: round_id})}"
    facilitator = f"{base}?{urlencode({ROUND_PARAM: round_id, KEY_PARAM: key})}" if key else None
    return participant, facilitator


def _show_links(round_id: str, key: str | None, lang: str) -> None:
    participant, facilitator = _links(round_id, key)
    st.markdown(f"**{t('round_participant_link', lang)}**")
    st.code(participant, language=None, wrap_lines=True)
    if facilitator:
        st.markdown(f"**{t('round_facilitator_link', lang)}**")
        st.code(facilitator, language=None, wrap_lines=True)
        st.caption(t("round_facilitator_warning", lang))


def _store_failed(err: Exception, lang: str) -> None:
    if isinstance(err, SaveLimitReached):
        st.error(t("round_limit_reached", lang, limit=err.limit))
    else:
        st.error(t("round_store_down", lang))


# --- opening a round from the dashboard -----------------------------------------------------------------------


def open_form(view: session.View, source_text: str | None) -> None:
    """The Team tab: open a round on the scenario and settings the page shows.

    `source_text` is the scenario's own file (None: written out afresh), not the YAML with the sliders as
    defaults: the round keeps its settings apart, so its scenario hash is the dashboard's.
    """
    yaml_text = source_text if source_text is not None else scenario_to_yaml(view.scenario)
    lang, scenario = view.lang, view.scenario
    st.subheader(t("round_open_title", lang))
    st.caption(t("round_open_help", lang))
    rounds = data.round_store()
    if rounds is None:
        st.error(t("round_no_store", lang))
        return
    opened = st.session_state.get(OPENED_KEY)
    if opened:
        st.success(t("round_opened", lang))
        _show_links(*opened, lang)
    if not scenario.questions:
        return
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    with st.form("round:open_form"):
        title = st.text_input(t("round_field_title", lang), value=scenario.title.get(lang)[:120], max_chars=120)
        questions = st.multiselect(
            t("round_field_questions", lang), list(texts), default=list(texts), format_func=texts.get
        )
        closes = st.checkbox(t("round_field_closes", lang))
        left, right = st.columns(2)
        close_day = left.date_input(t("round_field_close_date", lang), value=date.today())
        close_time = right.time_input(t("round_field_close_time", lang), value=time(17, 0))
        show = st.checkbox(t("round_field_show", lang), value=True)
        most = st.number_input(
            t("round_field_max", lang), 1, rounds.max_submissions, value=rounds.max_submissions, step=1
        )
        asked = st.form_submit_button(t("round_open_button", lang), type="primary")
    if not asked:
        return
    if not title.strip():
        st.error(t("round_need_title", lang))
        return
    if not questions:
        st.error(t("round_need_question", lang))
        return
    closes_at = datetime.combine(close_day, close_time, tzinfo=UTC) if closes else None
    if closes_at is not None and closes_at <= datetime.now(UTC):
        st.error(t("round_closes_past", lang))
        return
    try:
        new = rounds.open(
            yaml_text, view.ref, title, questions, view.values, view.runs, view.seed, closes_at, int(most), show
        )
    except (StoreError, SaveLimitReached) as err:
        _store_failed(err, lang)
        return
    st.session_state[OPENED_KEY] = (new.round.id, new.key)
    st.rerun()


def freeze_cards(view: session.View, questions: pd.DataFrame) -> None:
    """The Team tab's second part: the page's question cards, as they stand, into a round's ledger."""
    lang, scenario = view.lang, view.scenario
    rounds = data.round_store()
    if rounds is None or not scenario.questions:
        return
    st.subheader(t("round_cards_title", lang))
    st.caption(t("round_cards_help", lang))
    opened = st.session_state.get(OPENED_KEY)
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    with st.form("round:freeze_cards"):
        # Shown as a password: the key is the facilitator's, and screens get shared.
        link = st.text_input(t("round_cards_link", lang), value=_links(*opened)[1] if opened else "", type="password")
        chosen = st.multiselect(
            t("round_field_questions", lang), list(texts), default=list(texts), format_func=texts.get
        )
        asked = st.form_submit_button(t("round_freeze", lang))
    if not asked:
        return
    query = parse_qs(urlsplit(link.strip()).query)
    round_id, key = (query.get(ROUND_PARAM) or [""])[0], (query.get(KEY_PARAM) or [""])[0]
    if not round_id or not key:
        st.error(t("round_cards_bad_link", lang))
        return
    try:
        found = rounds.get(round_id)
    except StoreError as err:
        _store_failed(err, lang)
        return
    if found is None or not rounds.is_facilitator(found.id, key):
        st.error(t("round_cards_wrong_key", lang))
        return
    outside = [q for q in chosen if q not in found.questions]
    if outside:
        st.info(t("round_cards_outside", lang, questions=md_escape("; ".join(texts[q] for q in outside))))
    table = questions.set_index("question")
    settings = {"values": dict(view.values), "runs": view.runs, "seed": view.seed}
    frozen = []
    for q in [q for q in chosen if q in found.questions]:
        row = table.loc[q]
        try:
            rounds.freeze(
                round_id, key, q, row["probability"], row["low"], row["high"], "model", settings=settings,
                question_text=scenario.questions[list(texts).index(q)].text.en, digest=view.digest,
            )  # fmt: skip
        except AccessDenied:
            st.error(t("round_cards_wrong_key", lang))
            return
        except (ValueError, RoundFull) as err:
            st.error(t("round_refused", lang, reason=md_escape(f"{texts[q]}: {err}")))
        except StoreError as err:
            _store_failed(err, lang)
            return
        else:
            frozen.append(texts[q])
    if frozen:
        st.success(t("round_cards_frozen", lang, questions=md_escape("; ".join(frozen))))


# --- the round's own page --------------------------------------------------------------------------------------


def _language() -> str:
    """The round page's language: its own control, first set from ?lang= or the browser."""
    asked = st.query_params.get("lang")
    if LANG_SHOWN not in st.session_state:
        st.session_state[LANG_SHOWN] = asked if asked in LANGUAGES else session.language(st.context.locale)
        st.session_state[LANG_KEY] = st.session_state[LANG_SHOWN]
    chosen = st.segmented_control(
        "Language / Sprache", LANGUAGES, key=LANG_KEY, format_func=LANGUAGE_NAMES.get, label_visibility="collapsed"
    )
    # Clicking the language already chosen deselects it (None): that keeps the language, it does not reset it.
    if chosen:
        st.session_state[LANG_SHOWN] = chosen
    return st.session_state[LANG_SHOWN]


def page(folder) -> None:
    """The page a round link opens: for participants, or with the right key for the facilitator."""
    lang = _language()
    rounds = data.round_store()
    if rounds is None:
        st.error(t("round_no_store", lang))
        return
    round_id = st.query_params.get(ROUND_PARAM, "")
    key = st.query_params.get(KEY_PARAM)
    try:
        found = rounds.get(round_id)
        facilitator = key is not None and found is not None and rounds.is_facilitator(found.id, key)
    except StoreError as err:
        _store_failed(err, lang)
        return
    if found is None:
        st.error(t("round_not_found", lang))
        st.link_button(t("round_back", lang), share.base_url() or "/")
        return
    if key is not None and not facilitator:
        st.error(t("round_wrong_key", lang))
    scenario = data.scenario_by_digest(found.digest, folder)
    if scenario is None:
        st.error(t("round_scenario_gone", lang))
        return
    model = data.model_of(scenario)
    st.title(md_escape(found.title))
    about = t(
        "round_about",
        lang,
        title=md_escape(found.title),
        scenario=md_escape(scenario.title.get(lang)),
        opened=found.created_at.replace("T", " ")[:16],
    )
    if found.closes_at:
        about += " " + t("round_closes_at", lang, when=found.closes_at.replace("T", " ")[:16])
    st.caption(about)
    if found.parent_id:
        _previous_round(rounds, found, model, lang)
    if facilitator:
        _facilitator(rounds, found, model, key, lang)
    else:
        _participant(rounds, found, model, lang)


def _previous_round(rounds: RoundStore, found: Round, model: Model, lang: str) -> None:
    """In a follow-up round, the first round's anonymised medians and ranges."""
    family = rounds.family(found.id)
    index = next((n for n, r in enumerate(family) if r.id == found.id), None)
    if not index:
        return
    # The round before this one in the series, as the Delphi comparison takes it: rounds opened in the same
    # second are ordered by the series, not by their time stamps.
    previous = family[index - 1]
    number = index + 1
    members = rounds.current(previous.id)
    if not members:
        return
    with st.container(border=True):
        st.markdown(f"**{t('round_previous_title', lang, n=number - 1)}**")
        st.caption(t("round_previous_help", lang))
        shown = spread(model.scenario, [s.judgement for s in members])
        shown = shown[(shown["kind"] == "driver") | shown["id"].isin(found.questions)]
        static_table(present.group_table(model.scenario, shown, lang))


def _participant(rounds: RoundStore, found: Round, model: Model, lang: str) -> None:
    scenario = model.scenario
    done: Submission | None = st.session_state.get(_key(found.id, "done"))
    if done is not None:
        st.success(t("round_submitted", lang, when=done.created_at.replace("T", " ")[:16]))
        _own_figures(found, model, done, lang)
        st.caption(t("round_resubmit", lang))
        if st.button(t("round_change_gut", lang), key=_key(found.id, "again")):
            st.session_state.pop(_key(found.id, "done"), None)
            st.session_state.pop(_key(found.id, "gut"), None)
            st.rerun()
        if found.show_results:
            _results(rounds, found, model, lang, names=False)
        else:
            st.info(t("round_results_hidden", lang))
        return
    if found.closed:
        st.warning(t("round_is_closed", lang))
        return
    if found.full:
        st.warning(t("round_is_full", lang, limit=found.max_submissions))
        return
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    given = st.session_state.get(_key(found.id, "gut"))
    if given is None:
        _gut_step(found, texts, lang)
        return
    alias, gut = given
    # One line per question: five questions run together in one sentence were hard to check at a glance.
    listed = "\n".join(f"- {md_escape(texts[q])} **{percent_text(p, lang)}**" for q, p in gut.items())
    st.success(f"**{md_escape(alias)}** · {t('round_gut_given', lang)}\n\n{listed}")
    if st.button(t("round_change_gut", lang), key=_key(found.id, "restart")):
        st.session_state.pop(_key(found.id, "gut"), None)
        st.rerun()
    _drivers_step(rounds, found, model, alias, gut, lang)


def _gut_step(found: Round, texts: dict[str, str], lang: str) -> None:
    with st.form(_key(found.id, "gut_form")):
        st.subheader(t("round_step_gut", lang))
        st.caption(t("round_step_gut_help", lang))
        alias = st.text_input(t("round_alias", lang), max_chars=ALIAS_LIMIT, help=t("round_alias_help", lang))
        answers = {}
        for q in found.questions:
            answers[q] = st.number_input(
                f"{label_escape(texts[q])} — {t('round_gut', lang)}",
                min_value=0,
                max_value=100,
                value=None,
                step=1,
                key=_key(found.id, f"gut:{q}"),
            )
        asked = st.form_submit_button(t("round_next", lang), type="primary")
    if not asked:
        return
    if not alias.strip():
        st.error(t("round_need_alias", lang))
        return
    missing = [q for q, v in answers.items() if v is None]
    if missing:
        st.error(t("round_gut", lang) + ": " + "; ".join(md_escape(texts[q]) for q in missing))
        return
    st.session_state[_key(found.id, "gut")] = (alias.strip(), {q: v / 100 for q, v in answers.items()})
    st.rerun()


def _impact_frame(model: Model, lang: str) -> pd.DataFrame:
    scenario = model.scenario
    names = {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}
    rows = []
    for impact in scenario.impacts:
        low, high = impact.range
        rows.append(
            (f"{names[impact.source_id]} → {names[impact.target]}", f"{low:g} … {high:g}", low, impact.weight, high)
        )
    columns = [t(f"round_{c}", lang) for c in ("impact", "allowed", "your_low", "your_weight", "your_high")]
    return pd.DataFrame(rows, columns=columns)


def _impact_overrides(model: Model, edited: pd.DataFrame) -> dict[int, tuple[float, float, float]]:
    """The rows the member changed, as impact index -> (low, weight, high); an emptied cell keeps the scenario's."""
    overrides = {}
    for index, impact in enumerate(model.scenario.impacts):
        own = []
        for column, default in zip(edited.columns[2:], (impact.range[0], impact.weight, impact.range[1]), strict=True):
            value = edited.iloc[index][column]
            own.append(default if pd.isna(value) else float(value))
        if tuple(own) != (impact.range[0], impact.weight, impact.range[1]):
            overrides[index] = tuple(own)
    return overrides


def _drivers_step(rounds: RoundStore, found: Round, model: Model, alias: str, gut: dict, lang: str) -> None:
    scenario = model.scenario
    with st.form(_key(found.id, "drivers_form")):
        st.subheader(t("round_step_drivers", lang))
        st.caption(t("round_step_drivers_help", lang))
        values = {}
        for d in scenario.drivers:
            values[d.id] = st.slider(
                f"{label_escape(d.label.get(lang))} ({label_escape(d.unit_in(lang))})",
                min_value=session.slider_value(d, d.min),
                max_value=session.slider_value(d, d.max),
                value=session.slider_value(d, found.values.get(d.id, d.default)),
                step=session.slider_value(d, d.step),
                key=_key(found.id, f"drv:{d.id}"),
            )
        with st.expander(t("round_impacts", lang)):
            st.caption(t("round_impacts_help", lang))
            frame = _impact_frame(model, lang)
            edited = st.data_editor(
                frame,
                disabled=list(frame.columns[:2]),
                hide_index=True,
                key=_key(found.id, "impacts"),
                width="stretch",
            )
        comment = st.text_area(t("round_comment", lang), max_chars=COMMENT_LIMIT, key=_key(found.id, "comment"))
        asked = st.form_submit_button(t("round_submit", lang), type="primary")
    if not asked:
        return
    judgement = Judgement(alias, {k: float(v) for k, v in values.items()}, _impact_overrides(model, edited), gut)
    try:
        submitted = rounds.submit(found.id, model, judgement, comment)
    except JudgementError as err:
        st.error(t("round_refused", lang, reason=md_escape(str(err))))
        return
    except RoundClosed:
        st.warning(t("round_is_closed", lang))
        return
    except RoundFull:
        st.warning(t("round_is_full", lang, limit=found.max_submissions))
        return
    except ValueError as err:
        st.error(md_escape(str(err)))
        return
    except StoreError as err:
        _store_failed(err, lang)
        return
    st.session_state[_key(found.id, "done")] = submitted
    st.rerun()


def _own_figures(found: Round, model: Model, done: Submission, lang: str) -> None:
    """What the member's own settings give, once their gut estimate is recorded."""
    try:
        own = data.pool(model, (done,), found.runs, found.seed)
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("round_your_model", lang), lang))
        return
    texts = {q.id: q.text.get(lang) for q in model.scenario.questions}
    lines = []
    for row in own.questions.itertuples():
        if row.question in found.questions:
            p, span = percent_text(row.probability, lang), percent_span(row.low, row.high, lang)
            lines.append(f"- {md_escape(texts[row.question])} **{p}** ({span})")
    st.markdown(t("round_your_model", lang) + "\n\n" + "\n".join(lines))


# --- the results -------------------------------------------------------------------------------------------------


def _results(rounds: RoundStore, found: Round, model: Model, lang: str, names: bool) -> None:
    """The pooled result; `names` (the facilitator) adds who said what, the comments and the download."""
    scenario = model.scenario
    st.header(t("round_results_title", lang))
    every = rounds.submissions(found.id)
    current = tuple(rounds.current(found.id))
    if not current:
        st.info(t("round_none_yet", lang))
        return
    superseded = sum(s.superseded for s in every)
    st.markdown(t("round_count", lang, members=len(current), rows=len(every), superseded=superseded))
    try:
        pool = data.pool(model, current, found.runs, found.seed)
    except data.REFUSALS as refused:
        st.error(data.refusal_text(refused, t("round_pooled", lang), lang))
        return
    questions = list(found.questions)
    st.subheader(t("round_pooled_title", lang))
    st.caption(t("round_pooled_help", lang, per=pool.runs_per_member))
    st.plotly_chart(
        present.pooled_figure(scenario, pool, questions, lang, names), key=_key(found.id, "pooled"), config=CHART_CONFIG
    )
    st.markdown("\n".join(f"- {md_escape(s)}" for s in present.pooled_sentences(scenario, pool, questions, lang)))

    st.subheader(t("round_split_title", lang))
    st.caption(t("round_split_help", lang))
    st.plotly_chart(
        present.split_figure(scenario, pool, questions, lang), key=_key(found.id, "split"), config=CHART_CONFIG
    )
    st.markdown("\n".join(f"- {md_escape(s)}" for s in present.split_sentences(scenario, pool, questions, lang)))

    st.subheader(t("round_spread_title", lang))
    st.caption(t("round_spread_help", lang))
    baseline_id = scenario.baseline_preset()
    baseline = scenario.preset_values(baseline_id) if baseline_id else None
    spread_frame = present.driver_spread_frame(scenario, current, lang, names)
    st.plotly_chart(
        present.driver_spread_figure(scenario, spread_frame, baseline, found.values, lang),
        key=_key(found.id, "spread"),
        config=CHART_CONFIG,
    )

    st.subheader(t("round_disagree_title", lang))
    st.caption(t("round_disagree_help", lang))
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    chosen = st.selectbox(t("round_question", lang), questions, format_func=texts.get, key=_key(found.id, "q"))
    try:
        swings = data.disagreement_of(model, current, tuple(questions), found.seed)
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("round_disagree_title", lang), lang))
    else:
        st.markdown(
            "\n".join(f"- {md_escape(s)}" for s in present.disagreement_sentences(scenario, swings, chosen, lang))
        )
        st.plotly_chart(
            present.disagreement_figure(scenario, swings, chosen, lang), key=_key(found.id, "dis"), config=CHART_CONFIG
        )
    indicator = next(q.indicator for q in scenario.questions if q.id == chosen)
    st.plotly_chart(
        present.band_figure(scenario, pool, indicator, lang), key=_key(found.id, "band"), config=CHART_CONFIG
    )
    _delphi(rounds, found, model, current, lang)
    if names:
        comments = [s for s in current if s.comment]
        if comments:
            st.subheader(t("round_comments", lang))
            for s in comments:
                st.markdown(f"**{md_escape(s.member)}:** {md_escape(s.comment)}")
        with st.expander(t("round_submissions", lang)):
            st.caption(
                md_escape(t("round_question_key", lang, questions=present.question_key(scenario, questions, lang)))
            )
            static_table(present.submissions_table(scenario, every, questions, lang))
        st.download_button(
            t("round_download", lang),
            present.results_csv(scenario, every, pool).encode("utf-8-sig"),
            file_name=f"round-{found.id}.csv",
            mime="text/csv",
            key=_key(found.id, "csv"),
        )


def _delphi(rounds: RoundStore, found: Round, model: Model, current: tuple, lang: str) -> None:
    """A follow-up round against the round before it: medians and middle halves, and whether they narrowed."""
    if not found.parent_id:
        return
    family = rounds.family(found.id)
    index = next((n for n, r in enumerate(family) if r.id == found.id), None)
    if not index:
        return
    previous = family[index - 1]
    before = rounds.current(previous.id)
    if not before:
        return
    first = spread(model.scenario, [s.judgement for s in before])
    second = spread(model.scenario, [s.judgement for s in current])
    keep = lambda f: f[(f["kind"] == "driver") | f["id"].isin(found.questions)]  # noqa: E731
    compared = compare_spreads(keep(first), keep(second))
    st.subheader(t("round_delphi_title", lang, a=index, b=index + 1))
    st.markdown(present.delphi_sentence(compared, lang))
    static_table(present.delphi_table(model.scenario, compared, index, index + 1, lang))


# --- the facilitator -------------------------------------------------------------------------------------------------


def _facilitator(rounds: RoundStore, found: Round, model: Model, key: str, lang: str) -> None:
    # Closed at first: this is the page a facilitator puts on the screen for the team, and it holds the key.
    with st.expander(t("round_links", lang)):
        _show_links(found.id, key, lang)
    with st.container(border=True):
        st.markdown(f"**{t('round_manage', lang)}**")
        st.markdown(
            t("round_state_closed" if found.closed else "round_state_open", lang)
            + " "
            + t("round_state_results" if found.show_results else "round_state_no_results", lang)
        )
        left, right = st.columns(2)
        action = "reopen" if found.closed else "close"
        if left.button(t(f"round_{action}", lang), key=_key(found.id, action)):
            _act(rounds, found, key, action, lang)
        shown = "results_off" if found.show_results else "results_on"
        if right.button(t(f"round_{shown}", lang), key=_key(found.id, shown)):
            _act(rounds, found, key, shown, lang)
        _follow_up(rounds, found, key, lang)
    _results(rounds, found, model, lang, names=True)
    _ledger(rounds, found, model, key, lang)


def _act(rounds: RoundStore, found: Round, key: str, action: str, lang: str) -> None:
    try:
        rounds.act(found.id, key, action)
    except AccessDenied:
        st.error(t("round_wrong_key", lang))
        return
    except StoreError as err:
        _store_failed(err, lang)
        return
    st.rerun()


def _follow_up(rounds: RoundStore, found: Round, key: str, lang: str) -> None:
    family = rounds.family(found.id)
    with st.expander(t("round_follow_up", lang)):
        st.caption(t("round_follow_up_help", lang))
        first = family[0].title if family else found.title
        with st.form(_key(found.id, "follow_form")):
            title = st.text_input(
                t("round_field_title", lang), value=t("round_follow_up_title", lang, title=first, n=len(family) + 1)
            )
            asked = st.form_submit_button(t("round_follow_up", lang))
        if asked:
            try:
                new = rounds.follow_up(found.id, key, title)
            except (AccessDenied, ValueError, LookupError) as err:
                st.error(md_escape(str(err)))
            except StoreError as err:
                _store_failed(err, lang)
            else:
                st.success(t("round_opened", lang))
                _show_links(new.id, key, lang)
        if len(family) > 1:
            st.markdown(f"**{t('round_family', lang)}**")
            for n, r in enumerate(family, start=1):
                _, link = _links(r.id, key)
                st.markdown(f"{n}. [{md_escape(r.title)}]({link})")


# --- the ledger ---------------------------------------------------------------------------------------------------


def _ledger(rounds: RoundStore, found: Round, model: Model, key: str, lang: str) -> None:
    scenario = model.scenario
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    st.header(t("round_ledger_title", lang))
    st.caption(t("round_ledger_help", lang))
    texts_en = {q.id: q.text.en for q in scenario.questions}
    figures = _freezable(rounds, found, model, lang)
    with st.form(_key(found.id, "freeze_form")):
        options = list(figures)
        chosen = st.selectbox(t("round_freeze_what", lang), options, format_func=lambda k: figures[k][0])
        asked = st.form_submit_button(t("round_freeze", lang))
    if asked and chosen is not None:
        name, question, source, label, (p, low, high) = figures[chosen]
        try:
            rounds.freeze(found.id, key, question, p, low, high, source, label, question_text=texts_en[question])
        except (AccessDenied, ValueError, RoundFull) as err:
            st.error(t("round_refused", lang, reason=md_escape(str(err))))
        except StoreError as err:
            _store_failed(err, lang)
        else:
            st.success(t("round_frozen", lang, figure=md_escape(name)))

    with st.form(_key(found.id, "resolve_form")):
        st.markdown(f"**{t('round_resolve', lang)}**")
        question = st.selectbox(t("round_question", lang), list(found.questions), format_func=texts.get)
        # No default: an outcome is recorded only when someone chose one.
        happened = st.radio(
            t("round_happened", lang),
            [True, False],
            index=None,
            format_func=lambda v: t("round_outcome_yes" if v else "round_outcome_no", lang),
            horizontal=True,
        )
        day = st.date_input(t("round_resolved_on", lang), value=date.today())
        note = st.text_input(t("round_note", lang), max_chars=500)
        resolve = st.form_submit_button(t("round_resolve_button", lang))
    if resolve and happened is None:
        st.error(t("round_choose_outcome", lang))
    elif resolve:
        try:
            rounds.resolve(found.id, key, question, happened, day, note)
        except (AccessDenied, ValueError, RoundFull) as err:
            st.error(t("round_refused", lang, reason=md_escape(str(err))))
        except StoreError as err:
            _store_failed(err, lang)
        else:
            outcome = t("round_outcome_yes" if happened else "round_outcome_no", lang)
            st.success(t("round_resolved", lang, question=md_escape(texts[question]), outcome=outcome, day=day))

    forecasts, resolutions = rounds.forecasts(found.id), rounds.resolutions(found.id)
    if not forecasts:
        st.caption(t("round_ledger_empty", lang))
        return
    static_table(present.brier_table(forecasts, resolutions, lang))
    with st.expander(t("round_ledger_title", lang)):
        static_table(present.ledger_table(scenario, forecasts, resolutions, lang))
    resolved = int(scored(forecasts, resolutions)["outcome"].notna().sum())
    bins = reliability(forecasts, resolutions)
    if bins.empty:
        st.caption(t("round_reliability_wait", lang, n=RELIABILITY_MIN, have=resolved))
    else:
        st.plotly_chart(present.reliability_figure(bins, lang), key=_key(found.id, "rel"), config=CHART_CONFIG)
    st.download_button(
        t("round_ledger_download", lang),
        present.ledger_csv(forecasts, resolutions).encode("utf-8-sig"),
        file_name=f"ledger-{found.parent_id or found.id}.csv",
        mime="text/csv",
        key=_key(found.id, "ledger_csv"),
    )


def _freezable(rounds: RoundStore, found: Round, model: Model, lang: str) -> dict[str, tuple]:
    """Every figure the facilitator may freeze: (shown name, question, source, label, (p, low, high))."""
    scenario = model.scenario
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    figures: dict[str, tuple] = {}
    try:
        _, own = data.projection(model, data.setting(dict(found.values)), found.runs, found.seed)
    except data.REFUSALS:
        own = None
    current = tuple(rounds.current(found.id))
    pooled = None
    if current:
        try:
            pooled = data.pool(model, current, found.runs, found.seed).questions
        except data.REFUSALS:
            pooled = None
    for q in found.questions:
        for source, table in (("model", own), ("pooled", pooled)):
            if table is None:
                continue
            row = table.set_index("question").loc[q]
            name = f"{present.source_label(source, '', lang)}: {texts[q]} ({percent_text(row['probability'], lang)})"
            figures[f"{source}:{q}"] = (name, q, source, "", (row["probability"], row["low"], row["high"]))
        for s in current:
            if q in s.gut:
                p = s.gut[q]
                name = f"{present.source_label('gut', s.member, lang)}: {texts[q]} ({percent_text(p, lang)})"
                figures[f"gut:{s.member}:{q}"] = (name, q, "gut", s.member, (p, p, p))
    return figures
