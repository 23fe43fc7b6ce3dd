"""A team round in words, tables and charts: the pooled result, the members' spread, the ledger; no Streamlit."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from engine.ledger import Forecast, Resolution, brier_scores, ledger_frame, source_name
from engine.pooling import Pool
from engine.rounds import Submission
from engine.schema import Scenario
from present.i18n import t
from present.style import (
    LEVEL_LINE,
    LEVEL_TEXT,
    PALETTE,
    TEMPLATE_SPEC,
    hung_title,
    plot_text,
    rgba,
    shortened,
    wrapped_text,
)
from present.tables import Table, number, percent_span, percent_text
from present.text import csv_text

ROW_PX = 26  # one row of dots or one bar
LABEL_CHARS = 48  # a row's label, set above its row: what fits across a phone
LABEL_LINE = 0.72  # rows of room per line of a label (12 px text, a 17 px line, 26 px rows)
MEMBER_COLOUR = "#7F7F7F"
GUT_COLOUR = PALETTE[1]
POOLED_COLOUR = PALETTE[0]
LEGEND_PX = 90  # under the plot: the axis title and a legend of up to two lines


def _wrapped(text: str, width: int = LABEL_CHARS) -> str:
    return "<br>".join(plot_text(line) for line in textwrap.wrap(text, width) or [""])


def _rows(labels: Sequence[str], span: float = 1.0) -> tuple[list[float], list[dict], float]:
    """Each row's y (rows downwards), its label set above it, across the plot's whole width, and the rows in all.

    Labels above their dots rather than beside them leave a phone's narrow plot its whole width.
    """
    y, notes, rows = [], [], 0.0
    for label in labels:
        lines = textwrap.wrap(label, LABEL_CHARS) or [""]
        rows += 0.5 + LABEL_LINE * len(lines)
        notes.append(
            {"x": 0, "xref": "paper", "xanchor": "left", "y": rows - 0.1, "yref": "y", "yanchor": "bottom",
             "align": "left", "text": _wrapped(label), "showarrow": False, "font": {"size": 12, "color": "#222222"}}
        )  # fmt: skip
        rows += span / 2
        y.append(rows)
        rows += span / 2
    return y, notes, rows + 0.3


def _row_layout(notes: list[dict], rows: float, x_title: str, title: str | None = None) -> dict:
    """A dot plot's layout: no y axis (the labels are annotations), x from 0 to 100, legend under the axis."""
    top = 20 if title is None else 50 + 24 * (len(textwrap.wrap(title, 40)) - 1)
    layout = {
        "template": TEMPLATE_SPEC,
        "height": int(top + ROW_PX * rows + LEGEND_PX),
        "margin": {"l": 12, "r": 12, "t": top, "b": LEGEND_PX},
        "xaxis": {"title": {"text": plot_text(x_title)}, "range": [-3, 103], "zeroline": False, "fixedrange": True},
        "yaxis": {"visible": False, "range": [rows, 0], "fixedrange": True},
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        "annotations": notes,
        "hovermode": "closest",
        "bargap": 0.35,
    }
    if title is not None:
        layout["title"] = hung_title(wrapped_text(title, 40))
    return layout


def _base_layout(title: str, height: int, x_title: str) -> dict:
    return {
        "template": TEMPLATE_SPEC,
        "title": hung_title(wrapped_text(title, 40)),
        "height": height,
        "margin": {"l": 40, "r": 12, "t": 60 + 24 * (len(textwrap.wrap(title, 40)) - 1), "b": LEGEND_PX},
        "xaxis": {"title": {"text": plot_text(x_title)}, "range": [-3, 103], "zeroline": False},
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        "hovermode": "closest",
    }


# --- the members' spread ------------------------------------------------------------------------------------


def driver_spread_frame(scenario: Scenario, submissions: Sequence[Submission], lang: str, names: bool) -> pd.DataFrame:
    """One row per member and driver: the value, its place in the slider's range (0-100), the hover text.

    With `names` False the hover says "member" instead of the name (what participants see).
    """
    rows = []
    for s in submissions:
        for d in scenario.drivers:
            value = s.values[d.id]
            who = s.member if names else t("round_member", lang)
            rows.append(
                (d.label.get(lang), who, value, 100 * d.to_unit(value), f"{number(value, lang)} {d.unit_in(lang)}")
            )
    return pd.DataFrame(rows, columns=["driver", "member", "value", "position", "shown"])


def driver_spread_figure(
    scenario: Scenario,
    frame: pd.DataFrame,
    baseline: Mapping[str, float] | None,
    start: Mapping[str, float],
    lang: str,
) -> go.Figure:
    """A dot per member on each driver's row (position within the slider's range), the reported baseline as a
    diamond and the round's starting setting as a bar."""
    labels = [d.label.get(lang) for d in scenario.drivers]
    rows, notes, height = _rows(labels)
    y = dict(zip(labels, rows, strict=True))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=frame["position"].round(2).tolist(),
            y=[y[label] for label in frame["driver"]],
            mode="markers",
            name=plot_text(t("round_member", lang)),
            marker={"size": 9, "color": rgba(POOLED_COLOUR, 0.55), "line": {"width": 1, "color": POOLED_COLOUR}},
            text=[plot_text(f"{m}: {v}") for m, v in zip(frame["member"], frame["shown"], strict=True)],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    marks = [(start, "round_start", {"symbol": "line-ns", "size": 16, "line": {"width": 2, "color": LEVEL_TEXT}})]
    if baseline is not None:
        marks.append(
            (
                baseline,
                "round_baseline",
                {"symbol": "diamond-open", "size": 12, "color": GUT_COLOUR, "line": {"width": 2}},
            )
        )
    for values, name, marker in marks:
        fig.add_trace(
            go.Scatter(
                x=[round(100 * d.to_unit(values[d.id]), 2) for d in scenario.drivers],
                y=rows,
                mode="markers",
                name=plot_text(t(name, lang)),
                marker=marker,
                text=[plot_text(f"{number(values[d.id], lang)} {d.unit_in(lang)}") for d in scenario.drivers],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.update_layout(_row_layout(notes, height, t("round_range_axis", lang)))
    return fig


# --- the pooled probabilities --------------------------------------------------------------------------------


def _span(values: Sequence[float], lang: str) -> tuple[str, str]:
    """(range, median) of shares as text; ('none given', '') when there are none."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return t("round_no_gut", lang), "–"
    return percent_span(min(values), max(values), lang), percent_text(float(np.median(values)), lang)


def pooled_sentences(scenario: Scenario, pool: Pool, questions: Sequence[str], lang: str) -> list[str]:
    """Per question in focus: the pooled model's probability and interval, the members' and the gut estimates'
    range and median."""
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    pooled = pool.questions.set_index("question")
    out = []
    for qid in questions:
        part = pool.member_questions[pool.member_questions["question"] == qid]
        members_span, members_median = _span(part["probability"].tolist(), lang)
        gut_span, gut_median = _span(part["gut"].tolist(), lang)
        row = pooled.loc[qid]
        out.append(
            t(
                "round_pooled_sentence",
                lang,
                question=texts[qid],
                p=percent_text(float(row["probability"]), lang),
                span=percent_span(float(row["low"]), float(row["high"]), lang),
                members_span=members_span,
                members_median=members_median,
                gut_span=gut_span,
                gut_median=gut_median,
            )
        )
    return out


def pooled_figure(scenario: Scenario, pool: Pool, questions: Sequence[str], lang: str, names: bool) -> go.Figure:
    """Per question: each member's own-settings probability (grey), each gut estimate (open orange), their
    median gut (orange bar) and the pooled model with its 95 % interval (blue diamond)."""
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    rows, notes, height = _rows([texts[q] for q in questions], span=1.6)
    y = dict(zip(questions, rows, strict=True))
    members = pool.member_questions[pool.member_questions["question"].isin(questions)]
    who = members["member"] if names else [t("round_member", lang)] * len(members)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=(members["probability"] * 100).round(2).tolist(),
            y=[y[q] - 0.45 for q in members["question"]],
            mode="markers",
            name=plot_text(t("round_member_model", lang)),
            marker={"size": 8, "color": rgba(MEMBER_COLOUR, 0.6)},
            text=[plot_text(str(m)) for m in who],
            hovertemplate="%{text}: %{x:.0f} %<extra></extra>",
        )
    )
    guts = members.dropna(subset=["gut"])
    gut_who = guts["member"] if names else [t("round_member", lang)] * len(guts)
    fig.add_trace(
        go.Scatter(
            x=(guts["gut"] * 100).round(2).tolist(),
            y=[y[q] + 0.45 for q in guts["question"]],
            mode="markers",
            name=plot_text(t("round_member_gut", lang)),
            marker={"size": 9, "symbol": "circle-open", "color": GUT_COLOUR, "line": {"width": 2}},
            text=[plot_text(str(m)) for m in gut_who],
            hovertemplate="%{text}: %{x:.0f} %<extra></extra>",
        )
    )
    medians = guts.groupby("question")["gut"].median()
    fig.add_trace(
        go.Scatter(
            x=(medians * 100).round(2).tolist(),
            y=[y[q] + 0.45 for q in medians.index],
            mode="markers",
            name=plot_text(t("round_gut_median", lang)),
            marker={"size": 18, "symbol": "line-ns", "line": {"width": 3, "color": GUT_COLOUR}},
            hovertemplate="%{x:.0f} %<extra></extra>",
        )
    )
    pooled = pool.questions.set_index("question").loc[list(questions)]
    p = pooled["probability"].to_numpy() * 100
    fig.add_trace(
        go.Scatter(
            x=p.round(2).tolist(),
            y=[y[q] for q in questions],
            mode="markers",
            name=plot_text(t("round_pooled", lang)),
            marker={"size": 13, "symbol": "diamond", "color": POOLED_COLOUR, "line": {"width": 1, "color": "white"}},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (pooled["high"].to_numpy() * 100 - p).round(2).tolist(),
                "arrayminus": (p - pooled["low"].to_numpy() * 100).round(2).tolist(),
                "color": POOLED_COLOUR,
            },
            hovertemplate="%{x:.1f} %<extra></extra>",
        )
    )
    fig.update_layout(_row_layout(notes, height, t("round_probability_axis", lang)))
    return fig


def split_figure(scenario: Scenario, pool: Pool, questions: Sequence[str], lang: str) -> go.Figure:
    """Per question, the spread of its deciding value split into model uncertainty and disagreement (100 %)."""
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    part = pool.split[(pool.split["measure"] == "value")].set_index("question").loc[list(questions)]
    between = part["disagreement"].to_numpy()
    rows, notes, height = _rows([texts[q] for q in questions])
    fig = go.Figure()
    for name, share, colour in (
        (t("round_within", lang), 1 - between, PALETTE[5]),
        (t("round_between", lang), between, PALETTE[3]),
    ):
        fig.add_trace(
            go.Bar(
                x=(share * 100).round(2).tolist(),
                y=rows,
                width=0.8,
                orientation="h",
                name=plot_text(name),
                marker={"color": colour},
                # The words the sentences use, so the chart and the text never round apart.
                text=[percent_text(float(v), lang) for v in share],
                textposition="inside",
                textangle=0,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    layout = _row_layout(notes, height, t("round_share_axis", lang))
    layout["barmode"] = "stack"
    # A share too thin for its label shows none (its hover still does), rather than one turned on its side.
    layout["uniformtext"] = {"minsize": 11, "mode": "hide"}
    fig.update_layout(layout)
    return fig


def split_sentences(scenario: Scenario, pool: Pool, questions: Sequence[str], lang: str) -> list[str]:
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    part = pool.split[(pool.split["measure"] == "value")].set_index("question")
    out = []
    for qid in questions:
        share = float(part.loc[qid, "disagreement"])
        out.append(
            t(
                "round_split_sentence",
                lang,
                question=texts[qid],
                between=percent_text(share, lang),
                within=percent_text(1 - share, lang),
            )
        )
    return out


def band_figure(scenario: Scenario, pool: Pool, indicator: str, lang: str) -> go.Figure:
    """The pooled p10-p90 band and median of one indicator, with every member's own median as a thin line."""
    ind = scenario.indicator(indicator)
    bands = pool.bands[pool.bands["indicator"] == indicator]
    medians = pool.member_medians[pool.member_medians["indicator"] == indicator]
    fig = go.Figure()
    weeks = bands["week"].tolist()
    fig.add_trace(
        go.Scatter(
            x=weeks + weeks[::-1],
            y=bands["p90"].round(2).tolist() + bands["p10"].round(2).tolist()[::-1],
            fill="toself",
            fillcolor=rgba(POOLED_COLOUR, 0.15),
            line={"width": 0},
            name="p10–p90",
            hoverinfo="skip",
        )
    )
    for n, (_, part) in enumerate(medians.groupby("member", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=part["week"].tolist(),
                y=part["p50"].round(2).tolist(),
                mode="lines",
                line={"width": 1, "color": rgba(MEMBER_COLOUR, 0.7)},
                name=plot_text(t("round_member_model", lang)),
                legendgroup="members",
                showlegend=n == 0,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=bands["p50"].round(2).tolist(),
            mode="lines",
            line={"width": 3, "color": POOLED_COLOUR},
            name=plot_text(t("round_pooled", lang)),
            hovertemplate="%{y:.1f}<extra></extra>",
        )
    )
    shapes, notes = [], []
    for level in ind.scale:
        shapes.append(
            {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": level.level, "y1": level.level,
             "line": {"color": LEVEL_LINE, "width": 1, "dash": "dash"}}
        )  # fmt: skip
        notes.append(
            {"xref": "x domain", "x": 1, "xanchor": "right", "yref": "y", "y": level.level, "yanchor": "bottom",
             "text": plot_text(shortened(level.text.get(lang), 40)), "showarrow": False,
             "font": {"size": 10, "color": LEVEL_TEXT}}
        )  # fmt: skip
    title = t("round_band_title", lang, indicator=ind.label.get(lang))
    layout = _base_layout(title, 380, t("round_week", lang))
    layout["xaxis"] = {"title": {"text": plot_text(t("round_week", lang))}}
    layout["yaxis"] = {"range": [0, 100]}
    layout["shapes"], layout["annotations"] = shapes, notes
    layout["legend"]["y"] = -0.2
    fig.update_layout(layout)
    return fig


# --- where we disagree ----------------------------------------------------------------------------------------


def disagreement_sentences(
    scenario: Scenario, frame: pd.DataFrame, question: str, lang: str, top: int = 3
) -> list[str]:
    """The drivers whose spread between members moves the question's probability most, in words."""
    part = frame[(frame["question"] == question) & (frame["effect"].abs() > 0)].sort_values("rank").head(top)
    if part.empty:
        return [t("round_agree", lang)]
    out = []
    for row in part.itertuples():
        d = scenario.driver(row.driver)
        out.append(
            t(
                "round_disagree_sentence",
                lang,
                driver=d.label.get(lang),
                low=f"{number(row.low, lang)} {d.unit_in(lang)}",
                high=f"{number(row.high, lang)} {d.unit_in(lang)}",
                at_low=percent_text(row.at_low, lang),
                at_high=percent_text(row.at_high, lang),
            )
        )
    return out


def disagreement_figure(scenario: Scenario, frame: pd.DataFrame, question: str, lang: str, top: int = 8) -> go.Figure:
    """Per driver, a bar from the probability at the members' lowest value to that at their highest."""
    # Drivers all members set alike move nothing: an empty row for each would only push the others apart.
    part = frame[(frame["question"] == question) & (frame["effect"] != 0)].sort_values("rank").head(top)
    labels = [scenario.driver(d).label.get(lang) for d in part["driver"]]
    rows, notes, height = _rows(labels)
    low, high = part["at_low"].to_numpy() * 100, part["at_high"].to_numpy() * 100
    raises = high >= low
    fig = go.Figure()
    for keep, name, colour in ((raises, "round_raises", PALETTE[3]), (~raises, "round_lowers", PALETTE[0])):
        fig.add_trace(
            go.Bar(
                x=np.abs(high - low)[keep].round(2).tolist(),
                base=np.minimum(low, high)[keep].round(2).tolist(),
                y=np.asarray(rows)[keep].tolist(),
                width=0.7,
                orientation="h",
                name=plot_text(t(name, lang)),
                marker={"color": colour},
                customdata=np.column_stack([low[keep], high[keep]]).round(1).tolist(),
                hovertemplate="%{customdata[0]:.0f} → %{customdata[1]:.0f} %<extra></extra>",
            )
        )
    fig.update_layout(_row_layout(notes, height, t("round_probability_axis", lang)))
    return fig


# --- Delphi -------------------------------------------------------------------------------------------------------


def _item_name(scenario: Scenario, kind: str, item: str, lang: str) -> str:
    """A row's name, with the unit its numbers are in: the cells stay short enough for a phone."""
    if kind == "driver":
        d = scenario.driver(item)
        return f"{d.label.get(lang)} ({d.unit_in(lang)})"
    text = next(q.text.get(lang) for q in scenario.questions if q.id == item)
    return t("round_gut_item", lang, question=text)


def _shown(kind: str, value: float, lang: str) -> str:
    """A number of a row: a share as a percentage for a gut estimate, else in the driver's unit (named once)."""
    return percent_text(value, lang) if kind == "gut" else number(round(value, 2), lang)


def _between(kind: str, low: float, high: float, lang: str) -> str:
    return (
        percent_span(low, high, lang)
        if kind == "gut"
        else f"{number(round(low, 2), lang)}–{number(round(high, 2), lang)}"
    )


def group_table(scenario: Scenario, spread: pd.DataFrame, lang: str) -> Table:
    """The group's anonymised medians and ranges of a round: what a follow-up round shows its participants."""
    rows = tuple(
        (
            _item_name(scenario, row.kind, row.id, lang),
            _shown(row.kind, row.median, lang),
            _between(row.kind, row.q1, row.q3, lang),
            _between(row.kind, row.low, row.high, lang),
        )
        for row in spread.itertuples()
    )
    columns = (t("round_item", lang), t("round_median", lang), t("round_middle_half", lang), t("round_range", lang))
    return Table(columns=columns, rows=rows)


def delphi_table(scenario: Scenario, compared: pd.DataFrame, first: int, second: int, lang: str) -> Table:
    """Two rounds' medians and middle halves per item, and whether the middle half narrowed."""
    rows = tuple(
        (
            _item_name(scenario, row.kind, row.id, lang),
            _shown(row.kind, row.median_1, lang),
            _shown(row.kind, row.median_2, lang),
            _shown(row.kind, row.iqr_1, lang),
            _shown(row.kind, row.iqr_2, lang),
            t("round_yes" if row.narrowed else "round_no", lang),
        )
        for row in compared.itertuples()
    )
    columns = (
        t("round_item", lang),
        t("round_median_n", lang, n=first),
        t("round_median_n", lang, n=second),
        t("round_iqr_n", lang, n=first),
        t("round_iqr_n", lang, n=second),
        t("round_narrowed", lang),
    )
    return Table(columns=columns, rows=rows)


def delphi_sentence(compared: pd.DataFrame, lang: str) -> str:
    return t("round_delphi_sentence", lang, narrowed=int(compared["narrowed"].sum()), items=len(compared))


# --- submissions, ledger, downloads --------------------------------------------------------------------------------


def submissions_table(
    scenario: Scenario, submissions: Sequence[Submission], questions: Sequence[str], lang: str
) -> Table:
    """Every submission, the replaced ones marked: who, when, their gut estimates by question number, the comment.

    The questions are numbered as in `question_key`: their texts in every row made the table a wall of words.
    """
    rows = []
    for s in submissions:
        guts = ", ".join(f"{n}: {percent_text(s.gut[q], lang)}" for n, q in enumerate(questions, 1) if q in s.gut)
        status = t("round_replaced" if s.superseded else "round_counts", lang)
        rows.append((s.member, s.created_at.replace("T", " ")[:16], status, guts, s.comment))
    columns = (
        t("round_member_column", lang),
        t("round_when", lang),
        t("round_status", lang),
        t("round_gut_column", lang),
        t("round_comment_column", lang),
    )
    return Table(columns=columns, rows=tuple(rows))


def question_key(scenario: Scenario, questions: Sequence[str], lang: str) -> str:
    """'1: <question>; 2: <question>': what the submissions table's numbers stand for."""
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    return "; ".join(f"{n}: {texts[q]}" for n, q in enumerate(questions, 1))


def results_csv(scenario: Scenario, submissions: Sequence[Submission], pool: Pool | None) -> str:
    """Every submission (one row per member and driver or question), then the pooled probabilities: a sheet a
    spreadsheet opens safely (every text cell neutralised against formulas)."""
    rows = []
    for s in submissions:
        status = "superseded" if s.superseded else "counts"
        for d in scenario.drivers:
            rows.append((s.id, s.member, s.created_at, status, "driver", d.id, s.values[d.id], s.comment))
        for q, p in s.gut.items():
            rows.append((s.id, s.member, s.created_at, status, "gut", q, p, s.comment))
        for index, (lo, w, hi) in s.impacts.items():
            impact = scenario.impacts[index]
            name = f"{impact.source_id}>{impact.target}"
            rows.extend((s.id, s.member, s.created_at, status, f"impact_{part}", name, v, s.comment)
                        for part, v in (("low", lo), ("weight", w), ("high", hi)))  # fmt: skip
    if pool is not None:
        for row in pool.questions.itertuples():
            rows.append(("", "pooled model", "", "", "pooled", row.question, row.probability, ""))
        for row in pool.member_questions.itertuples():
            rows.append(("", row.member, "", "", "member_model", row.question, row.probability, ""))
    frame = pd.DataFrame(
        rows, columns=["submission", "member", "submitted_at", "status", "kind", "item", "value", "comment"]
    )
    return csv_text(frame, float_format="%.10g")


def source_label(source: str, label: str, lang: str) -> str:
    if source == "gut":
        return t("round_source_gut", lang, member=label) if label else t("round_all_guts", lang)
    return t(f"round_source_{source}", lang)


def brier_table(forecasts: Sequence[Forecast], resolutions: Sequence[Resolution], lang: str) -> Table:
    frame = brier_scores(forecasts, resolutions)
    rows = []
    for row in frame.itertuples():
        brier = "–" if math.isnan(row.brier) else f"{row.brier:.3f}".replace(".", "," if lang == "de" else ".")
        rows.append((source_label(row.source, row.label, lang), row.forecasts, row.resolved, brier))
    columns = (
        t("round_source", lang),
        t("round_forecasts", lang),
        t("round_resolved_count", lang),
        t("round_brier", lang),
    )
    return Table(columns=columns, rows=tuple(rows), numeric=frozenset({1, 2, 3}))


def ledger_table(
    scenario: Scenario, forecasts: Sequence[Forecast], resolutions: Sequence[Resolution], lang: str
) -> Table:
    """The ledger as the page lists it, newest first: question, source, probability and interval, when, outcome."""
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    frame = ledger_frame(forecasts, resolutions).iloc[::-1]
    outcome = {"yes": t("round_outcome_yes", lang), "no": t("round_outcome_no", lang), "": "–"}
    rows = tuple(
        (
            texts.get(row.question, row.question_text or row.question),
            source_label(row.source, row.label, lang),
            percent_text(row.probability, lang),
            percent_span(row.low, row.high, lang) if row.low != row.high else "–",
            row.frozen_at.replace("T", " ")[:16],
            outcome[row.happened] + (f" ({row.resolved_on})" if row.resolved_on else ""),
        )
        for row in frame.itertuples()
    )
    columns = (
        t("round_question", lang),
        t("round_source", lang),
        t("round_probability_axis", lang),
        t("round_interval", lang),
        t("round_when", lang),
        t("round_outcome", lang),
    )
    return Table(columns=columns, rows=rows)


def reliability_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Observed frequency against mean forecast per bin, the diagonal of perfect reliability, dot size by count."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 100], y=[0, 100], mode="lines", line={"dash": "dash", "color": LEVEL_LINE},
                   name=plot_text(t("round_perfect", lang)), hoverinfo="skip")
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=(frame["mean_probability"] * 100).round(2).tolist(),
            y=(frame["observed"] * 100).round(2).tolist(),
            mode="markers+lines",
            marker={"size": [8 + 2 * min(int(n), 10) for n in frame["forecasts"]], "color": POOLED_COLOUR},
            text=[str(int(n)) for n in frame["forecasts"]],
            hovertemplate="%{x:.0f} % → %{y:.0f} % (n = %{text})<extra></extra>",
            name=plot_text(t("round_forecasts", lang)),
        )
    )
    layout = _base_layout(t("round_reliability_title", lang), 420, t("round_forecast_axis", lang))
    layout["yaxis"] = {"title": {"text": plot_text(t("round_observed_axis", lang))}, "range": [-3, 103]}
    fig.update_layout(layout)
    return fig


def ledger_csv(forecasts: Sequence[Forecast], resolutions: Sequence[Resolution]) -> str:
    frame = ledger_frame(forecasts, resolutions)
    frame.insert(
        3, "source_name", [source_name(s, label) for s, label in zip(frame["source"], frame["label"], strict=True)]
    )
    return csv_text(frame, float_format="%.10g")
