"""Main-view panels: question readouts, projection charts, comparison and the assumptions behind them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

from engine.catalog import Catalog
from engine.report import driver_differences, end_deltas, question_summaries
from engine.schema import Scenario
from present.bottomline import bottom_line as bottom_line_sentences
from present.bottomline import change_sentence
from present.charts import Labels, Scale, as_figure, comparison_figure, event_marks, trajectory_spec
from present.i18n import LANGUAGE_NAMES, t, whole_number
from present.tables import (
    Readout,
    Table,
    check_lines,
    checks_markdown,
    cited,
    differences_table,
    drivers_table,
    end_comparison_table,
    impacts_table,
    indicators_table,
    readouts,
    scale_of,
    scale_text,
    with_level,
)
from present.text import csv_text, md_escape
from ui import data
from ui.session import View

CHART_CONFIG = {"displaylogo": False, "responsive": True}


def broken_files(folder: Catalog, lang: str) -> None:
    """Scenario files that failed to load, each with its file:line: field: message problems."""
    if not folder.broken:
        return
    with st.sidebar.expander(f"⚠ {t('broken_scenarios', lang, count=len(folder.broken))}"):
        for entry in folder.broken:
            st.code("\n".join(str(problem) for problem in entry.problems), language=None)


def _table_height(rows: int) -> int:
    # Tall enough for every row: a briefing reader should not have to scroll inside a table.
    return 38 + 35 * max(rows, 1)


def header(scenario: Scenario, lang: str) -> None:
    st.title(md_escape(scenario.title.get(lang)))
    st.markdown(md_escape(scenario.summary.get(lang)))


def bottom_line_text(
    view: View,
    questions: pd.DataFrame,
    preset_questions: dict[str, pd.DataFrame],
    reference: tuple[str, dict[str, float], pd.DataFrame] | None,
) -> list[str]:
    """The bottom line as sentences, for the page and the briefing pack alike.

    `preset_questions` holds each preset's question table at the page's runs and seed; `reference` is the
    baseline as (name, values, questions), against which a changed setting is described.
    """
    scenario, lang = view.scenario, view.lang
    if not scenario.questions:
        return []
    values = data.setting(view.values)
    weeks = tuple(sorted({min(q.by_week, scenario.horizon_weeks) for q in scenario.questions}))
    try:
        swings_by_week = data.swings(view.model, values, weeks)
    except data.REFUSALS:
        # Too large to swing every driver: the sentences go without their "depends most on".
        swings_by_week = {week: pd.DataFrame(columns=["output", "driver", "effect", "rank"]) for week in weeks}
    summaries = question_summaries(scenario, questions, preset_questions, swings_by_week)
    change = None
    if reference is not None:
        name, reference_values, reference_questions = reference
        change = change_sentence(scenario, view.values, reference_values, name, questions, reference_questions, lang)
    return bottom_line_sentences(scenario, summaries, lang, change)


def bottom_line(sentences: list[str], lang: str) -> None:
    if sentences:
        st.subheader(t("bottom_title", lang))
        st.markdown("\n".join(f"- {md_escape(sentence)}" for sentence in sentences))


def question_cards(view: View, questions: pd.DataFrame, reference: pd.DataFrame | None, reference_name: str) -> None:
    scenario, lang = view.scenario, view.lang
    if not scenario.questions:
        return
    st.subheader(t("questions_title", lang))
    answers = readouts(scenario, questions, reference)
    per_row = min(3, len(answers))
    for first in range(0, len(answers), per_row):
        # One st.columns per row, so narrow screens stack the cards in reading order.
        row = answers[first : first + per_row]
        for column, readout in zip(st.columns(per_row), row, strict=False):
            with column, st.container(border=True, height="stretch"):
                _question_card(scenario, readout, reference_name, view.runs, lang)


def _question_card(scenario: Scenario, readout: Readout, reference_name: str, runs: int, lang: str) -> None:
    q = readout.question
    delta, arrow = None, "auto"
    if readout.change is not None:
        # st.metric renders its delta as Markdown: the preset's label is escaped for it.
        delta = readout.versus(md_escape(reference_name), lang)
        arrow = "auto" if readout.change else "off"
    text = md_escape(q.text.get(lang))
    # The metric's own label is cut to one line; the full question stands above it, and under it, in small
    # grey print, what the question asks of the model: which level, which way, by when. One element for both,
    # and one for the interval and any warning under the figure: every element is a message and a redraw on
    # each slider move.
    st.markdown(f"**{text}**  \n:small[:gray[{md_escape(readout.condition(scenario, lang))}]]")
    st.metric(
        text,
        readout.percent(lang),
        delta=delta,
        delta_color="off",
        delta_arrow=arrow,
        label_visibility="collapsed",
        help=md_escape(readout.explanation(scenario, runs, lang)),
    )
    # The share comes from a finite number of runs: its own uncertainty goes with it.
    under = [md_escape(readout.interval(runs, lang))]
    if readout.saturated:
        under.append(f":material/warning: {t(f'saturated_{readout.saturated}', lang)}")
    st.caption("  \n".join(under))


def _events(scenario: Scenario, lang: str) -> list[tuple[int, str]]:
    return [(e.week, e.label.get(lang)) for e in scenario.events]


def _groups(scenario: Scenario) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for i in scenario.indicators:
        groups.setdefault(i.group, []).append(i.id)
    return groups


def _group_title(group: str, lang: str) -> str:
    key = f"group_{group}"
    try:
        return t(key, lang)
    except KeyError:
        return group.replace("_", " ")


def scales(scenario: Scenario, lang: str) -> dict[str, Scale]:
    """Each scaled indicator's levels in `lang`, as the charts take them (none in schema 1)."""
    return {i.id: scale_of(i, lang) for i in scenario.indicators if i.scale}


def projection_specs(scenario: Scenario, bands: pd.DataFrame, lang: str, columns: int = 1) -> list[tuple[str, dict]]:
    """One trajectory chart per indicator group, as (group, plain figure spec): what the page sends."""
    events = _events(scenario, lang)
    levels = scales(scenario, lang)
    specs = []
    for group, ids in _groups(scenario).items():
        labels = Labels(
            title=t("chart_group_title", lang, group=_group_title(group, lang)),
            week=t("week", lang),
            level=t("level", lang),
            median=t("median", lang),
            band=t("band", lang),
            below_level=t("below_level", lang),
        )
        names = {i: scenario.indicator(i).label.get(lang) for i in ids}
        specs.append((group, trajectory_spec(bands, names, labels, events, scales=levels, columns=columns)))
    return specs


def projection_figures(
    scenario: Scenario, bands: pd.DataFrame, lang: str, columns: int = 1
) -> list[tuple[str, go.Figure]]:
    """The page's charts as figures, for the briefing pack (whose slides take `columns=2`: a slide is wide, not
    tall) and the editor's preview."""
    return [(group, as_figure(spec)) for group, spec in projection_specs(scenario, bands, lang, columns)]


class _Spec(BaseFigure):
    """A known-good figure spec, handed to st.plotly_chart as it stands.

    Given a dict, st.plotly_chart re-validates it property by property; given a figure, it takes the figure's
    to_dict(), a deep copy. Either is most of the cost of a rerun. A figure counts as validated, so this one
    (never a complete go.Figure: it is built with no state of its own) hands over the spec itself, which the
    tests check against plotly's validation. st.plotly_chart only serialises it, so a shared spec stays intact.
    """

    def __init__(self, spec: dict) -> None:  # no super().__init__: plotly's state is what this avoids
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def __repr__(self) -> str:
        return f"_Spec({len(self._spec.get('data', ()))} traces)"


# A projection drawn before (a slider moved back, a team opening one link) reuses its specs, shared between
# sessions and never mutated (st.plotly_chart only serialises them). A set of three holds about 225 KiB in the
# seed scenario, hence the bound. The digest, setting, runs and seed fix the bands, so the bands and the
# scenario themselves (underscored: not hashed) need not be part of the key.
@st.cache_resource(max_entries=64, show_spinner=False)
def _drawn_specs(
    digest: str, setting: data.Setting, runs: int, seed: int, lang: str, _scenario: Scenario, _bands: pd.DataFrame
) -> tuple[tuple[str, dict], ...]:
    return tuple(projection_specs(_scenario, _bands, lang))


def projection_charts(view: View, bands: pd.DataFrame) -> None:
    """The projection's charts; `bands` must be the projection of the view's setting, runs and seed."""
    lang = view.lang
    specs = _drawn_specs(view.digest, data.setting(view.values), view.runs, view.seed, lang, view.scenario, bands)
    for group, spec in specs:
        st.plotly_chart(_Spec(spec), key=f"chart-{group}", config=CHART_CONFIG)
    events = _events(view.scenario, lang)
    if events:
        listed = [
            t("event_listed", lang, mark=mark, week=week, label=md_escape(label))
            for mark, (week, label) in zip(event_marks(len(events)), events, strict=True)
        ]
        st.caption(t("events_caption", lang, events="; ".join(listed)))
    if any(i.scale for i in view.scenario.indicators):
        st.caption(t("scale_caption", lang))
    st.caption(t("chart_caption", lang, runs=whole_number(view.runs, lang), seed=view.seed))


def comparison(view: View, bands: pd.DataFrame, references: dict[str, tuple[dict[str, float], pd.DataFrame]]) -> None:
    """`references` maps a display name to (driver values, bands) of each compared preset."""
    scenario, values, lang = view.scenario, view.values, view.lang
    names = {i.id: i.label.get(lang) for i in scenario.indicators}
    labels = Labels(
        title=t("compare_title", lang),
        week=t("week", lang),
        level=t("level", lang),
        below_level=t("below_level", lang),
    )
    fig = comparison_figure(
        bands,
        {k: v[1] for k, v in references.items()},
        names,
        labels,
        current_name=t("current", lang),
        scales=scales(scenario, lang),
    )
    st.plotly_chart(fig, key="chart-compare", config=CHART_CONFIG)
    _question_comparison(view, references)

    # The presets by position ("ref0", ...), never by label: a preset may be labelled "Driver" or "Current
    # settings", and the frames' columns must stay distinct (present.tables makes the labels distinct).
    keys = {f"ref{k}": name for k, name in enumerate(references)}
    by_key = {key: references[name] for key, name in keys.items()}
    # Static tables whose cells wrap: they fit the panel at 1400 px and on a 400 px phone, never scrolling
    # sideways; the end-of-horizon table is in long form (a row per indicator and setting) for that reason.
    st.markdown(f"**{t('differences', lang)}**")
    diff = driver_differences(scenario, values, {key: v[0] for key, v in by_key.items()})
    if diff.empty:
        st.caption(t("no_differences", lang))
    else:
        static_table(differences_table(scenario, diff, keys, lang))
    horizon = int(bands["week"].max())
    st.markdown(f"**{t('end_deltas', lang, week=horizon)}**")
    deltas = end_deltas(bands, {key: v[1] for key, v in by_key.items()})
    static_table(end_comparison_table(scenario, deltas, keys, lang))
    if keys:
        st.caption(t("compare_delta_caption", lang))


def static_table(table: Table) -> None:
    """A small table as st.table draws it: cells wrap to the panel's width. Its cells take Markdown, so every
    text (scenario text included) is escaped to show as written; a heading row's name is set in bold."""
    rows = []
    for n, row in enumerate(table.rows):
        cells = [md_escape(str(cell)) for cell in row]
        if n in table.headings and cells[0]:
            cells[0] = f"**{cells[0]}**"
        rows.append(cells)
    frame = pd.DataFrame(rows, columns=[md_escape(c) for c in table.columns])
    st.table(frame, hide_index=True, border="horizontal")


def _question_comparison(view: View, references: dict[str, tuple[dict[str, float], pd.DataFrame]]) -> None:
    """Each question's probability under the current settings and under every compared preset, with intervals.

    The projections are the page's own (ui.data caches them by setting, runs and seed): no new ensemble."""
    scenario, lang = view.scenario, view.lang
    if not scenario.questions:
        return
    settings = {t("current", lang): view.values} | {name: v[0] for name, v in references.items()}
    text = {q.id: q.text.get(lang) for q in scenario.questions}
    rows = []
    for name, values in settings.items():
        try:
            _, questions = data.projection(view.model, data.setting(values), view.runs, view.seed)
        except data.REFUSALS:
            continue  # the page has said so where the projection was asked for
        for q in questions.itertuples():
            rows.append(
                {
                    "question": text[q.question],
                    "setting": name,
                    "probability": q.probability,
                    "low": q.low,
                    "high": q.high,
                }
            )
    if not rows:
        return
    # Imported here: this file's imports are shared with work going on elsewhere in it.
    from present.charts_compare import QuestionLabels, question_figure

    labels = QuestionLabels(
        title=t("compare_questions_title", lang),
        axis=t("compare_questions_axis", lang),
        interval=t("compare_interval", lang),
    )
    st.plotly_chart(question_figure(pd.DataFrame(rows), labels), key="chart-compare-questions", config=CHART_CONFIG)
    st.caption(t("compare_questions_caption", lang, runs=whole_number(view.runs, lang), seed=view.seed))


def _table(table: Table, file_name: str, lang: str) -> None:
    """A table without its long texts (a cell would cut them: they follow in full below it) and its CSV, with
    them. The table's own export is switched off (client.disableDataExport) because it would write scenario
    text such as "=HYPERLINK(...)" as a spreadsheet formula; this CSV neutralises it."""
    frame = table.short_frame()
    st.dataframe(frame, hide_index=True, height=_table_height(len(frame)))
    st.download_button(
        t("download_table", lang),
        data=lambda: csv_text(table.frame()),
        file_name=file_name,
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        key=f"csv:{file_name}",
    )


def column_labels(shown: dict[str, str]) -> dict:
    """Column config that shows each column under its label, whatever the column's own key."""
    return {column: st.column_config.Column(label=label) for column, label in shown.items()}


def _sources_in_full(items: list[str], lang: str) -> None:
    """Markdown list items (already escaped), whole and wrapped, in an expander under their table."""
    with st.expander(t("sources_full", lang, count=len(items)), icon=":material/format_quote:"):
        st.markdown("\n".join(items))


def _driver_sources(scenario: Scenario, lang: str) -> list[str]:
    return [f"- **{md_escape(d.label.get(lang))}:** {cited(d.source, lang).markdown(lang)}" for d in scenario.drivers]


def _indicator_sources(scenario: Scenario, lang: str) -> list[str]:
    items = []
    for i in scenario.indicators:
        lines = [f"- **{md_escape(i.label.get(lang))}:** {cited(i.source, lang).markdown(lang)}"]
        if i.initial_source is not None:
            start = md_escape(t("initial_source", lang, value=with_level(i, i.initial, lang)))
            lines.append(f"  - {start}: {cited(i.initial_source, lang).markdown(lang)}")
        if i.scale:
            lines.append(f"  - {t('scale', lang)}: {md_escape(scale_text(i, lang))}")
        items.append("\n".join(lines))
    return items


def _impact_sources(scenario: Scenario, lang: str) -> list[str]:
    label = {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}
    items = []
    for imp in scenario.impacts:
        head = md_escape(
            f"{label[imp.source_id]} → {label[imp.target]} ({imp.weight:+g}, {imp.range[0]:g} … {imp.range[1]:g})"
        )
        lines = [f"- **{head}:** {cited(imp.source, lang).markdown(lang)}"]
        if imp.note:
            lines.append(f"  - {t('note', lang)}: {md_escape(imp.note)}")
        items.append("\n".join(lines))
    return items


def reality_checks(view: View) -> None:
    """Every check of the scenario with its verdict and the number behind it; nothing without checks."""
    scenario, lang = view.scenario, view.lang
    if not scenario.checks:
        return
    st.subheader(t("checks_title", lang))
    try:
        results = data.reality_checks(view.model)
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("what_checks", lang), lang))
        return
    holding = sum(r.holds for r in results)
    st.caption(t("checks_intro", lang, holding=holding, total=len(results)))
    st.markdown(checks_markdown(check_lines(scenario, results, lang), lang))


def assumptions(view: View) -> None:
    scenario, values, lang = view.scenario, view.values, view.lang
    src = scenario.source
    st.subheader(t("source_meta", lang))
    st.markdown(
        f"- **{t('source_title', lang)}:** {md_escape(src.title)}\n"
        f"- **{t('source_language', lang)}:** {md_escape(LANGUAGE_NAMES.get(src.language, src.language))}\n"
        f"- **{t('source_outlets', lang)}:** {md_escape(', '.join(src.cited_outlets) or '-')}"
    )
    st.subheader(t("model_title", lang))
    st.markdown(t("model_text", lang))
    st.info(t("caveat", lang))
    reality_checks(view)

    # The same tables as the briefing pack's (present.tables), shown as data frames with their CSV; the
    # quotes, judgements and notes, which a cell would cut off, follow each table in full.
    st.subheader(t("drivers", lang))
    _table(drivers_table(scenario, values, lang), f"{scenario.id}-drivers.csv", lang)
    _sources_in_full(_driver_sources(scenario, lang), lang)
    st.subheader(t("indicators", lang))
    _table(indicators_table(scenario, lang), f"{scenario.id}-indicators.csv", lang)
    _sources_in_full(_indicator_sources(scenario, lang), lang)
    st.subheader(t("impacts", lang))
    _table(impacts_table(scenario, lang), f"{scenario.id}-impacts.csv", lang)
    if scenario.impacts:
        _sources_in_full(_impact_sources(scenario, lang), lang)
    if scenario.events:
        st.subheader(t("events", lang))
        for e in scenario.events:
            st.markdown(f"- {md_escape(t('event_marker', lang, week=e.week, label=e.label.get(lang)))}")
