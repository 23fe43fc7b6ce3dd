"""The form editor: tables and the cross-impact matrix over the same YAML text the text editor holds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.draft.text import sentences
from engine.limits import DEFAULT_SEED
from engine.loader import Problem, ScenarioError, parse_document
from engine.schema import Scenario
from engine.state import plain_number
from engine.yaml_edit import Edit, TextNotEditable, edit_text, load_tree, ordered, plain
from present import editor as form
from present.i18n import t
from present.text import md_escape
from ui import data
from ui.panels import CHART_CONFIG, projection_figures

SECTIONS = ("scenario", "drivers", "indicators", "matrix", "questions", "presets", "events", "checks")
SECTION = "form_section"
VERSION = "_form_version"  # bumped after every applied edit: the tables are drawn afresh from the new text
LINK = "form_link"  # the matrix link whose range, note and source are shown for editing
PREVIEW_RUNS = 200
EXCERPT_LINES = 2  # lines shown either side of a problem's line in the YAML view


def problems_of(text: str, filename: str = "<editor>") -> tuple[Scenario | None, list[Problem]]:
    try:
        return parse_document(text, filename).scenario, []
    except ScenarioError as err:
        return None, list(err.problems)


def bump() -> None:
    """Draw the tables afresh from the text on the next run (their own edit records would apply twice)."""
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1


def _key(section: str) -> str:
    return f"form:{section}:{st.session_state.get(VERSION, 0)}"


def _apply(editor_key: str, edits: list[Edit], lang: str) -> None:
    if not edits:
        return
    try:
        st.session_state[editor_key] = edit_text(st.session_state.get(editor_key, ""), ordered(edits))
    except (TextNotEditable, KeyError, IndexError, TypeError, ValueError) as err:
        st.session_state["_form_error"] = t("form_edit_failed", lang, reason=str(err)[:200])
    bump()


def _on_table(editor_key: str, section: str, lang: str) -> None:
    change = st.session_state.get(_key(section)) or {}
    tree = plain(load_tree(st.session_state.get(editor_key, "")))
    if section == "matrix":
        edits = form.matrix_edits(tree, change)
    elif section == "levels":
        edits = form.levels_edits(tree, change)
    elif section == "presets":
        edits = form.presets_edits(tree, change)
    else:
        edits = form.table_edits(tree, form.TABLES[section], change)
    _apply(editor_key, edits, lang)


def _column_config(spec: form.TableSpec, tree: dict, lang: str) -> dict:
    indicators, sources = form.matrix_axes(tree)
    drivers = [s for s in sources if s not in indicators]
    presets = [p.get("id") for p in tree.get("presets") or []]
    choices = {"indicator": indicators, "target": drivers + indicators, "preset": presets}
    config = {}
    for column in spec.columns:
        label = t(f"form_col_{column.key.replace('.', '_')}", lang)
        if column.kind == "choice":
            options = list(column.options) or choices.get(column.key, [])
            config[column.key] = st.column_config.SelectboxColumn(label, options=options, required=column.required)
        elif column.kind in ("number", "whole"):
            config[column.key] = st.column_config.NumberColumn(
                label,
                min_value=column.low,
                max_value=column.high,
                step=1 if column.kind == "whole" else None,
                required=column.required,
            )
        else:
            config[column.key] = st.column_config.TextColumn(label, required=column.required)
    return config


def _problems_at(placed: list[form.Placed], section: str, tree: dict, lang: str) -> None:
    mine = [p for p in placed if p.section == section]
    if not mine:
        return
    items = tree.get("indicators" if section == "levels" else section) or []
    lines = []
    for p in mine:
        name = (
            items[p.row].get("id")
            if p.row is not None and p.row < len(items) and isinstance(items[p.row], dict)
            else None
        )
        where = t("form_row", lang, row=(p.row or 0) + 1, name=name or "—")
        line = t("form_line", lang, line=p.problem.line)
        lines.append(f"- **{md_escape(where)}**: {md_escape(p.problem.field)}: {md_escape(p.problem.message)} ({line})")
    st.error("\n".join(lines), icon=":material/error:")


def _table(editor_key: str, section: str, frame: pd.DataFrame, config: dict, lang: str) -> None:
    st.data_editor(
        frame,
        key=_key(section),
        num_rows="dynamic",
        hide_index=True,
        column_config=config,
        on_change=_on_table,
        args=(editor_key, section, lang),
        width="stretch",
    )


def _matrix(editor_key: str, tree: dict, placed: list[form.Placed], lang: str) -> None:
    targets, sources = form.matrix_axes(tree)
    names = {
        item.get("id"): (item.get("label") or {}).get(lang) or item.get("id")
        for item in [*tree.get("drivers", []), *tree.get("indicators", [])]
        if isinstance(item, dict)
    }
    frame = form.matrix_frame(tree)
    flagged = frozenset(p.cell for p in placed if p.cell)
    labels = form.MatrixLabels(
        t("form_matrix_title", lang), t("form_matrix_sources", lang), t("form_matrix_targets", lang)
    )
    st.caption(t("form_matrix_help", lang))
    st.plotly_chart(form.matrix_figure(frame, names, labels, flagged), key="form-matrix-chart", config=CHART_CONFIG)
    shown = frame.copy()
    shown.index = [names.get(i, i) for i in targets]
    config = {
        s: st.column_config.NumberColumn(names.get(s, s)[:24], help=names.get(s, s), format="%g") for s in sources
    }
    st.data_editor(
        shown,
        key=_key("matrix"),
        hide_index=False,
        column_config=config,
        on_change=_on_table,
        args=(editor_key, "matrix", lang),
        width="stretch",
    )
    _problems_at(placed, "impacts", tree, lang)
    _link_detail(editor_key, tree, names, lang)


def _link_detail(editor_key: str, tree: dict, names: dict, lang: str) -> None:
    impacts = [i for i in tree.get("impacts") or [] if isinstance(i, dict)]
    if not impacts:
        return
    options = list(range(len(impacts)))

    def label(n: int) -> str:
        i = impacts[n]
        return f"{names.get(i.get('to'), i.get('to'))} ← {names.get(i.get('from'), i.get('from'))} ({i.get('weight')})"

    n = st.selectbox(t("form_link", lang), options, format_func=label, key=LINK)
    if n is None or n >= len(impacts):
        return
    impact = impacts[n]
    low, high = [*(impact.get("range") or []), 0.0, 0.0][:2]
    source = impact.get("source") or {}
    prefix = f"link:{st.session_state.get(VERSION, 0)}:{n}:"
    with st.form(key=f"form-link-{st.session_state.get(VERSION, 0)}-{n}", border=True):
        left, right = st.columns(2)
        left.number_input(t("form_range_low", lang), value=float(low), format="%g", key=prefix + "low")
        right.number_input(t("form_range_high", lang), value=float(high), format="%g", key=prefix + "high")
        st.text_input(t("form_note", lang), value=str(impact.get("note") or ""), max_chars=400, key=prefix + "note")
        st.radio(
            t("form_source_kind", lang),
            ["quote", "judgement"],
            index=0 if "quote" in source else 1,
            horizontal=True,
            format_func=lambda k: t(f"kind_{k}", lang),
            key=prefix + "kind",
        )
        offered = article_sentences(tree)
        current = str(source.get("quote") or "")
        choices = list(dict.fromkeys([current, *offered])) if current else offered
        st.selectbox(
            t("form_quote", lang), choices, index=0 if choices else None, accept_new_options=True, key=prefix + "quote"
        )
        st.text_input(t("form_section_name", lang), value=str(source.get("section") or ""), key=prefix + "section")
        judgement = source.get("judgement") or {}
        st.text_area(t("form_judgement_en", lang), value=str(judgement.get("en") or ""), key=prefix + "judged_en")
        st.text_area(t("form_judgement_de", lang), value=str(judgement.get("de") or ""), key=prefix + "judged_de")
        st.form_submit_button(t("form_apply_link", lang), on_click=_on_link, args=(editor_key, n, prefix, lang))


def _on_link(editor_key: str, n: int, prefix: str, lang: str) -> None:
    """The selected link's range, note and source, as the form holds them, written into the text."""
    tree = plain(load_tree(st.session_state.get(editor_key, "")))
    impacts = tree.get("impacts") or []
    if not 0 <= n < len(impacts):
        return

    def value(name: str) -> object:
        return st.session_state.get(prefix + name)

    def text(name: str) -> str:
        return str(value(name) or "").strip()

    path = ("impacts", n)
    edits = [Edit((*path, "range"), [plain_number(value("low")), plain_number(value("high"))])]
    note = text("note")
    edits.append(Edit((*path, "note"), note) if note else Edit((*path, "note"), op="delete"))
    source = impacts[n].get("source") or {}
    if value("kind") == "quote":
        new_source = {
            "quote": str(value("quote") or "").strip(),
            "section": str(value("section") or "").strip() or "article",
        }
        if isinstance(source.get("translation"), dict):
            new_source["translation"] = source["translation"]
    else:
        new_source = {
            "judgement": {"en": str(value("judged_en") or "").strip(), "de": str(value("judged_de") or "").strip()}
        }
    edits.append(Edit((*path, "source"), new_source))
    _apply(editor_key, edits, lang)


def _meta(editor_key: str, tree: dict, lang: str) -> None:
    """The scenario's id, titles, summaries, horizon and source, in one form: applied together."""
    now = form.meta_values(tree)
    prefix = f"meta:{st.session_state.get(VERSION, 0)}:"
    with st.form(key=f"form-meta-{st.session_state.get(VERSION, 0)}", border=False):
        st.text_input(t("form_col_id", lang), value=str(now["id"] or ""), max_chars=64, key=prefix + "id")
        for name in ("title", "summary"):
            left, right = st.columns(2)
            for column, code in ((left, "en"), (right, "de")):
                key = f"{name}.{code}"
                column.text_input(t(f"form_meta_{name}_{code}", lang), value=str(now[key] or ""), key=prefix + key)
        left, right = st.columns(2)
        weeks = now["horizon_weeks"] if isinstance(now["horizon_weeks"], int) else 52
        left.number_input(t("form_meta_horizon", lang), 1, 520, int(weeks), step=1, key=prefix + "horizon_weeks")
        languages = ["en", "de"]
        language = now["source.language"] if now["source.language"] in languages else "en"
        right.selectbox(
            t("form_meta_language", lang), languages, languages.index(language), key=prefix + "source.language"
        )
        st.text_input(t("form_meta_source", lang), value=str(now["source.title"] or ""), key=prefix + "source.title")
        # A callback, not code after the button: Streamlit runs it before the script, so a click that comes
        # while the page is still redrawing is never lost.
        st.form_submit_button(t("form_meta_apply", lang), on_click=_on_meta, args=(editor_key, prefix, lang))


def _on_meta(editor_key: str, prefix: str, lang: str) -> None:
    tree = plain(load_tree(st.session_state.get(editor_key, "")))
    values = {key: st.session_state.get(prefix + key) for key, _ in form.META}
    _apply(editor_key, form.meta_edits(tree, values), lang)


def article_sentences(tree: dict) -> list[str]:
    """What a quote may be picked from: the sentences of the article being drafted from (this session's),
    else the scenario's own quotes, so that a student re-uses the article's exact words."""
    article = st.session_state.get("custom_article") or ""
    picked = [s for s in sentences(article) if 8 <= len(s) <= 300] if article.strip() else []
    quotes = []
    for section in ("drivers", "indicators", "impacts"):
        for item in tree.get(section) or []:
            source = item.get("source") if isinstance(item, dict) else None
            if isinstance(source, dict) and source.get("quote"):
                quotes.append(str(source["quote"]))
    return list(dict.fromkeys([*picked, *quotes]))[:500]


def _preview(scenario: Scenario | None, lang: str) -> None:
    """The edited scenario's first projection chart, from a small ensemble (cached by the model's digest)."""
    if scenario is None:
        st.caption(t("form_preview_invalid", lang))
        return
    try:
        bands, _ = data.projection(
            data.model_of(scenario), data.setting(scenario.defaults()), PREVIEW_RUNS, DEFAULT_SEED
        )
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("what_ensemble", lang, runs=PREVIEW_RUNS), lang))
        return
    figures = projection_figures(scenario, bands, lang)
    if figures:
        st.caption(t("form_preview", lang, runs=PREVIEW_RUNS))
        st.plotly_chart(figures[0][1], key="form-preview", config=CHART_CONFIG)


def render_form(editor_key: str, lang: str) -> None:
    """The form over the text in st.session_state[editor_key]: every edit rewrites that text in place."""
    text = st.session_state.get(editor_key, "")
    if st.session_state.get("_form_error"):
        st.warning(st.session_state.pop("_form_error"))
    try:
        tree = plain(load_tree(text))
    except TextNotEditable as err:
        st.error(t("form_needs_yaml", lang, reason=md_escape(str(err))))
        return
    scenario, problems = problems_of(text)
    placed = form.place(problems, tree)
    if problems:
        st.error(t("form_problems", lang, count=len(problems)), icon=":material/error:")
    else:
        st.caption(f":material/check_circle: {t('form_valid', lang)}")
    section = (
        st.segmented_control(
            t("form_sections", lang),
            SECTIONS,
            default="scenario",
            key=SECTION,
            format_func=lambda s: t(f"form_{s}", lang),
        )
        or "scenario"
    )
    if section == "scenario":
        _meta(editor_key, tree, lang)
        _problems_at(placed, "document", tree, lang)
    elif section == "matrix":
        _matrix(editor_key, tree, placed, lang)
    elif section == "presets":
        _table(editor_key, "presets", form.presets_frame(tree), {}, lang)
        _problems_at(placed, "presets", tree, lang)
    elif section == "indicators":
        spec = form.TABLES["indicators"]
        _table(editor_key, "indicators", form.table_frame(tree, spec), _column_config(spec, tree, lang), lang)
        _problems_at(placed, "indicators", tree, lang)
        st.markdown(f"**{t('form_levels', lang)}**")
        indicators, _ = form.matrix_axes(tree)
        config = {
            "indicator": st.column_config.SelectboxColumn(
                t("form_col_indicator", lang), options=indicators, required=True
            ),
            "level": st.column_config.NumberColumn(
                t("form_col_level", lang), min_value=0, max_value=100, required=True
            ),
            "text.en": st.column_config.TextColumn(t("form_col_text_en", lang), required=True),
            "text.de": st.column_config.TextColumn(t("form_col_text_de", lang), required=True),
        }
        _table(editor_key, "levels", form.levels_frame(tree), config, lang)
        _problems_at(placed, "levels", tree, lang)
    else:
        spec = form.TABLES[section]
        _table(editor_key, section, form.table_frame(tree, spec), _column_config(spec, tree, lang), lang)
        _problems_at(placed, section, tree, lang)
    # Problems of the sections not shown stay in view too: every problem at once, wherever it is.
    here = (
        {section} | ({"impacts"} if section == "matrix" else set()) | ({"levels"} if section == "indicators" else set())
    )
    others = [p for p in placed if p.section not in here]
    if others:
        with st.expander(t("form_other_problems", lang, count=len(others)), icon=":material/error:"):
            st.markdown("\n".join(f"- {md_escape(str(p.problem))}" for p in others))
    _preview(scenario, lang)


def excerpt(text: str, problem: Problem) -> str:
    """The lines around a problem's line, numbered, the line itself marked: a text box shows no numbers."""
    lines = text.splitlines()
    first = max(1, problem.line - EXCERPT_LINES)
    last = min(len(lines), problem.line + EXCERPT_LINES)
    width = len(str(last))
    return "\n".join(
        f"{'▶' if n == problem.line else ' '} {n:>{width}} │ {lines[n - 1]}" for n in range(first, last + 1)
    )


def yaml_problems(text: str, problems: list[Problem], lang: str, shown: int = 8) -> None:
    """Every problem with its line; the first `shown` also with the lines around them."""
    st.caption(f":material/error: {t('invalid_count', lang, count=len(problems))}")
    st.code("\n".join(str(p) for p in problems), language=None)
    for problem in problems[:shown]:
        st.caption(md_escape(f"{problem.field}: {problem.message}"))
        st.code(excerpt(text, problem), language=None)
