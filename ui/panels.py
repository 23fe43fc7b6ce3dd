"""Main-view panels: question readouts, projection charts, comparison and the assumptions behind them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from engine.catalog import Catalog
from engine.report import driver_differences, end_deltas
from engine.schema import Scenario
from present.charts import Labels, comparison_figure, trajectory_figure
from present.i18n import LANGUAGE_NAMES, t, whole_number
from present.tables import Readout, drivers_table, impacts_table, indicators_table, readouts
from present.text import csv_text, md_escape
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


def _percent(p: float) -> str:
    return f"{p * 100:.0f}%"


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
                _question_card(scenario, readout, reference_name, lang)


def _question_card(scenario: Scenario, readout: Readout, reference_name: str, lang: str) -> None:
    q, p = readout.question, readout.probability
    delta, arrow = None, "auto"
    if readout.change is not None:
        # st.metric renders its delta as Markdown: the preset's label is escaped for it.
        delta = readout.versus(md_escape(reference_name), lang)
        arrow = "auto" if readout.change else "off"
    indicator = scenario.indicator(q.indicator).label.get(lang)
    text = md_escape(q.text.get(lang))
    # The metric's own label is cut to one line; the full question stands above it.
    st.markdown(f"**{text}**")
    st.metric(
        text,
        _percent(p),
        delta=delta,
        delta_color="off",
        delta_arrow=arrow,
        label_visibility="collapsed",
        help=md_escape(
            t(
                "question_value",
                lang,
                probability=_percent(p),
                indicator=indicator,
                threshold=q.threshold,
                week=q.by_week,
            )
        ),
    )


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


def projection_figures(scenario: Scenario, bands: pd.DataFrame, lang: str) -> list[tuple[str, go.Figure]]:
    """One trajectory chart per indicator group, as (group, figure); shared by the page and the briefing pack."""
    events = _events(scenario, lang)
    figures = []
    for group, ids in _groups(scenario).items():
        labels = Labels(
            title=t("chart_group_title", lang, group=_group_title(group, lang)),
            week=t("week", lang),
            level=t("level", lang),
            median=t("median", lang),
            band=t("band", lang),
        )
        names = {i: scenario.indicator(i).label.get(lang) for i in ids}
        figures.append((group, trajectory_figure(bands, names, labels, events)))
    return figures


def projection_charts(view: View, bands: pd.DataFrame) -> None:
    lang = view.lang
    for group, fig in projection_figures(view.scenario, bands, lang):
        st.plotly_chart(fig, key=f"chart-{group}", config=CHART_CONFIG)
    st.caption(t("chart_caption", lang, runs=whole_number(view.runs, lang), seed=view.seed))


def comparison(view: View, bands: pd.DataFrame, references: dict[str, tuple[dict[str, float], pd.DataFrame]]) -> None:
    """`references` maps a display name to (driver values, bands) of each compared preset."""
    scenario, values, lang = view.scenario, view.values, view.lang
    names = {i.id: i.label.get(lang) for i in scenario.indicators}
    labels = Labels(title=t("compare_title", lang), week=t("week", lang), level=t("level", lang))
    fig = comparison_figure(
        bands, {k: v[1] for k, v in references.items()}, names, labels, current_name=t("current", lang)
    )
    st.plotly_chart(fig, key="chart-compare", config=CHART_CONFIG)

    # Tables are keyed by position ("ref0", "ref1", ...), never by a label: a preset may be labelled
    # "Driver" or "Current settings", and a column name seen twice crashes the table. The labels are
    # only what the reader sees, through the column config.
    keys = {f"ref{k}": name for k, name in enumerate(references)}
    by_key = {key: references[name] for key, name in keys.items()}
    # Stacked, full width: side by side, the delta table's columns were cut off.
    left = right = st.container()
    with left:
        st.markdown(f"**{t('differences', lang)}**")
        diff = driver_differences(scenario, values, {key: v[0] for key, v in by_key.items()})
        if diff.empty:
            st.caption(t("no_differences", lang))
        else:
            diff["driver"] = [scenario.driver(d).label.get(lang) for d in diff["driver"]]
            shown = {"driver": t("driver", lang), "current": t("current", lang)} | keys
            st.dataframe(diff, hide_index=True, height=_table_height(len(diff)), column_config=column_labels(shown))
    with right:
        horizon = int(bands["week"].max())
        st.markdown(f"**{t('end_deltas', lang, week=horizon)}**")
        deltas = end_deltas(bands, {key: v[1] for key, v in by_key.items()})
        deltas["indicator"] = [names[i] for i in deltas["indicator"]]
        shown = {"indicator": t("indicator", lang), "current": t("current", lang)} | keys
        shown |= {f"delta {key}": f"{t('delta', lang)} {name}" for key, name in keys.items()}
        st.dataframe(
            deltas.round(1), hide_index=True, height=_table_height(len(deltas)), column_config=column_labels(shown)
        )


def _table(frame: pd.DataFrame, file_name: str, lang: str) -> None:
    """A table and its CSV. The table's own export is switched off (client.disableDataExport) because it
    would write scenario text such as "=HYPERLINK(...)" as a spreadsheet formula; this CSV neutralises it."""
    st.dataframe(frame, hide_index=True, height=_table_height(len(frame)))
    st.download_button(
        t("download_table", lang),
        data=lambda: csv_text(frame),
        file_name=file_name,
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        key=f"csv:{file_name}",
    )


def column_labels(shown: dict[str, str]) -> dict:
    """Column config that shows each column under its label, whatever the column's own key."""
    return {column: st.column_config.Column(label=label) for column, label in shown.items()}


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

    # The same tables as the briefing pack's (present.tables), shown as data frames with their CSV.
    st.subheader(t("drivers", lang))
    _table(drivers_table(scenario, values, lang).frame(), f"{scenario.id}-drivers.csv", lang)
    st.subheader(t("indicators", lang))
    _table(indicators_table(scenario, lang).frame(), f"{scenario.id}-indicators.csv", lang)
    st.subheader(t("impacts", lang))
    _table(impacts_table(scenario, lang).frame(), f"{scenario.id}-impacts.csv", lang)
    if scenario.events:
        st.subheader(t("events", lang))
        for e in scenario.events:
            st.markdown(f"- {md_escape(t('event_marker', lang, week=e.week, label=e.label.get(lang)))}")
