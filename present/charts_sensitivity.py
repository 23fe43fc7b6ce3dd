"""Figures for "why the numbers move": tornado, Sobol indices, causal map and the per-week scenario diff.

Plain functions from DataFrames (and the causal graph) to go.Figure, no Streamlit. Every text that comes
from a scenario is escaped before it reaches Plotly.
"""

from __future__ import annotations

import copy
import math
import textwrap
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from engine.causal import CausalGraph, Edge
from present.charts import PANEL_TITLE_CHARS, ROW_GAP_PX
from present.i18n import t
from present.style import PALETTE, TEMPLATE, TITLE_CHARS, TITLE_LINE_PX, grid, hung_title, plot_text, rgba, wrapped_text
from present.tables import cited

POSITIVE = PALETTE[0]  # blue
NEGATIVE = PALETTE[3]  # vermillion
AT_MIN = PALETTE[1]  # orange
AT_MAX = PALETTE[0]  # blue
DRIVER_COLOUR = PALETTE[6]  # grey
INDICATOR_COLOUR = PALETTE[2]  # bluish green
FIRST_ORDER = PALETTE[5]  # sky blue
TOTAL = PALETTE[0]  # blue
DRIVER_CHARS = 28


def _layout(fig: go.Figure, title: str, height: int, **extra) -> go.Figure:
    """The title wrapped to what a phone's width holds, the top margin and the height grown with its lines."""
    text = wrapped_text(title, TITLE_CHARS)
    more = TITLE_LINE_PX * text.count("<br>")
    fig.update_layout(
        # Hung from the figure's top edge, as the projection charts' titles are: a title of several lines
        # grows down into the margin made for it, clear of the note above the plot.
        title=hung_title(text),
        height=height + more,
        margin={"l": 20, "r": 20, "t": 60 + more, "b": 90},
        # Below the plot, measured from the figure's edge: clear of titles and subplot titles at any height.
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        template=TEMPLATE,
        **extra,
    )
    return fig


# --- tornado -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TornadoLabels:
    title: str
    axis: str
    at_min: str
    at_max: str
    base: str


def tornado_figure(
    frame: pd.DataFrame, names: Mapping[str, str], labels: TornadoLabels, percent: bool = False, wrap: int = 0
) -> go.Figure:
    """Horizontal bars from the current value to each driver's value at its min and at its max.

    `frame` holds one output's rows of engine.sensitivity's tornado (driver, base, at_min, at_max, rank);
    the largest effect is drawn at the top. With `percent`, values in [0, 1] are shown as percentages.
    Driver names wrap at `wrap` characters (DRIVER_CHARS when 0, what a phone's width holds).
    """
    rows = frame.sort_values("rank")
    scale = 100.0 if percent else 1.0
    suffix = "%" if percent else ""
    # Driver names in lines of at most DRIVER_CHARS: on a phone one long name took half the chart's width.
    drivers = [wrapped_text(names.get(d, d), wrap or DRIVER_CHARS) for d in rows["driver"]]
    base = float(rows["base"].iloc[0]) * scale if len(rows) else 0.0
    fig = go.Figure()
    for column, name, colour in (("at_min", labels.at_min, AT_MIN), ("at_max", labels.at_max, AT_MAX)):
        value = (rows[column] * scale).round(4).tolist()
        fig.add_trace(
            go.Bar(
                y=drivers,
                x=[v - base for v in value],
                base=base,
                orientation="h",
                name=name,
                marker={"color": colour},
                customdata=value,
                hovertemplate=f"<b>%{{y}}</b><br>{plot_text(name)}: %{{customdata:.1f}}{suffix}<extra></extra>",
            )
        )
    fig.update_layout(
        shapes=[
            {
                "type": "line",
                "x0": base,
                "x1": base,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": "#444444", "width": 1.5, "dash": "dot"},
            }
        ],
        annotations=[
            {
                "x": base,
                "y": 1.0,
                "xref": "x",
                "yref": "paper",
                "text": plot_text(f"{labels.base}: {base:.1f}{suffix}"),
                "showarrow": False,
                "yanchor": "bottom",
                # Towards the middle of the axis, so that the note is never cut at the chart's edge.
                "xanchor": "right" if base > 50 else "left",
                "font": {"size": 11, "color": "#444444"},
            }
        ],
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=plot_text(labels.axis), range=[0, 100], ticksuffix=suffix)
    lines = sum(name.count("<br>") + 1 for name in drivers)
    height = max(300, 20 * lines + 10 * len(rows) + 140)
    return _layout(fig, labels.title, height=height, barmode="overlay", bargap=0.3)


# --- Sobol ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SobolLabels:
    title: str
    axis: str
    first: str
    total: str


def sobol_figure(frame: pd.DataFrame, names: Mapping[int, str], labels: SobolLabels, top: int = 12) -> go.Figure:
    """First-order and total indices of one output's `top` coefficients (by total index), with 95 % bars.

    `frame` holds one output's rows of engine.sensitivity.SobolResult.indices; `names` maps an impact index
    to its label.
    """
    rows = frame.sort_values(["ST", "impact"], ascending=[False, True], kind="stable").head(top)
    ys = [wrapped_text(names.get(int(k), str(k)), DRIVER_CHARS) for k in rows["impact"]]
    fig = go.Figure()
    for column, name, colour in (("ST", labels.total, TOTAL), ("S1", labels.first, FIRST_ORDER)):
        fig.add_trace(
            go.Bar(
                y=ys,
                x=rows[column].round(4).tolist(),
                error_x={"type": "data", "array": rows[f"{column}_conf"].round(4).tolist(), "thickness": 1},
                orientation="h",
                name=name,
                marker={"color": colour},
                hovertemplate=f"<b>%{{y}}</b><br>{plot_text(name)}: %{{x:.3f}}<extra></extra>",
            )
        )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=plot_text(labels.axis), rangemode="tozero")
    lines = sum(max(2, y.count("<br>") + 1) for y in ys)  # two bars a row need two lines' room
    return _layout(fig, labels.title, height=max(300, 20 * lines + 140), barmode="group")


# --- causal map ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CausalLabels:
    title: str
    positive: str
    negative: str
    driver: str
    indicator: str
    weight: str
    range: str
    self_impact: str


LAYERED_WRAP = 14  # characters per label line on the layered map: three columns of labels fit 400 px
LAYERED_ROW = 120  # pixels per row on the layered map: half a row holds a label of three lines


def node_key(node_id: str) -> str:
    return f"node:{node_id}"


def edge_key(index: int) -> str:
    return f"edge:{index}"


def _wrap_label(text: str, width: int = 22) -> str:
    return "<br>".join(plot_text(line) for line in textwrap.wrap(text, width) or [""])


def _text_position(x: float, y: float) -> str:
    if abs(x) < 0.25:
        return "top center" if y > 0 else "bottom center"
    return "middle right" if x > 0 else "middle left"


def _edge_hover(edge: Edge, names: Mapping[str, str], labels: CausalLabels, lang: str) -> str:
    # A judgement is named as one: the map must not make the analyst's reasoning look like the article's words.
    basis = cited(edge.basis, lang)
    words = textwrap.shorten(basis.words, 90, placeholder=" …")
    shown = words if basis.judgement else t("quoted", lang, text=words)
    return (
        f"<b>{plot_text(names.get(edge.source, edge.source))} → "
        f"{plot_text(names.get(edge.target, edge.target))}</b><br>"
        f"{plot_text(labels.weight)} {edge.weight:+g} · {plot_text(labels.range)} {edge.low:g} … {edge.high:g}<br>"
        f"<i>{plot_text(basis.kind)}:</i> {plot_text(shown)}"
    )


def causal_figure(
    graph: CausalGraph,
    positions: Mapping[str, tuple[float, float]],
    names: Mapping[str, str],
    labels: CausalLabels,
    lang: str = "en",
    highlight: Collection[int] = (),
    layered: bool = False,
) -> go.Figure:
    """Drivers (squares) and indicators (circles) at `positions`, impacts as arrows.

    Colour gives an impact's sign, width its |weight|. Each arrow has a small marker at its middle that
    carries the hover text and can be selected; node and edge markers carry customdata "node:<id>" and
    "edge:<impact index>". Self-impacts are not drawn; they are named in the indicator's hover text.
    The impacts in `highlight` (indices: a feedback loop's) are drawn strong and the others faint.
    `layered`: positions from engine.causal.layered_layout (columns left to right, rows downwards); every
    label sits centred under its node, wrapped narrow, and the figure grows with the rows.
    """
    between = [e for e in graph.edges if not e.is_self]
    pairs = {(e.source, e.target) for e in between}
    strongest = max((abs(e.weight) for e in between), default=1.0) or 1.0
    annotations = []
    middles: dict[int, tuple[list[float], list[float], list[str], list[str]]] = {
        1: ([], [], [], []),
        -1: ([], [], [], []),
    }
    for e in between:
        (x0, y0), (x1, y1) = positions[e.source], positions[e.target]
        if (e.target, e.source) in pairs:
            # Two arrows between the same pair: move each a little to its own left so both stay visible.
            length = math.hypot(x1 - x0, y1 - y0) or 1.0
            apart = 0.15 if layered else 0.035
            dx, dy = -(y1 - y0) / length * apart, (x1 - x0) / length * apart
            x0, y0, x1, y1 = x0 + dx, y0 + dy, x1 + dx, y1 + dy
        colour = POSITIVE if e.sign >= 0 else NEGATIVE
        width = 0.8 + 4.2 * abs(e.weight) / strongest
        alpha = 0.75
        if highlight:
            strong = e.index in highlight
            width, alpha = (width + 1.5, 0.95) if strong else (width, 0.15)
        annotations.append(
            {
                "x": x1,
                "y": y1,
                "ax": x0,
                "ay": y0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1,
                "arrowwidth": round(width, 2),
                "arrowcolor": rgba(colour, alpha),
                "standoff": 9,
                "startstandoff": 9,
                "text": "",
            }
        )
        xs, ys, keys, hovers = middles[1 if e.sign >= 0 else -1]
        xs.append(round(x0 + (x1 - x0) * 0.55, 4))
        ys.append(round(y0 + (y1 - y0) * 0.55, 4))
        keys.append(edge_key(e.index))
        hovers.append(_edge_hover(e, names, labels, lang))

    fig = go.Figure()
    for sign, name, colour in ((1, labels.positive, POSITIVE), (-1, labels.negative, NEGATIVE)):
        xs, ys, keys, hovers = middles[sign]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                marker={"size": 9, "color": colour, "symbol": "diamond", "line": {"width": 1, "color": "white"}},
                name=name,
                unselected={"marker": {"opacity": 0.5}},
                customdata=keys,
                hovertext=hovers,
                hoverinfo="text",
            )
        )

    damping = {e.target: e for e in graph.edges if e.is_self}
    for kind, name, colour, symbol in (
        ("driver", labels.driver, DRIVER_COLOUR, "square"),
        ("indicator", labels.indicator, INDICATOR_COLOUR, "circle"),
    ):
        ids = [n.id for n in graph.nodes if n.kind == kind]
        hovers = []
        for node in ids:
            text = f"<b>{plot_text(names.get(node, node))}</b><br>{plot_text(name)}"
            if node in damping:
                text += f"<br>{plot_text(labels.self_impact)} {damping[node].weight:+g}"
            hovers.append(text)
        # Driver labels sit outside the ring as plain text; indicator labels, among the arrows, get a
        # light background (annotations) so that they stay legible. On the layered map every label is one.
        as_text = kind == "driver" and not layered
        fig.add_trace(
            go.Scatter(
                x=[round(positions[n][0], 4) for n in ids],
                y=[round(positions[n][1], 4) for n in ids],
                mode="markers+text" if as_text else "markers",
                marker={"size": 18 if kind == "indicator" else 14, "color": colour, "symbol": symbol},
                text=[_wrap_label(names.get(n, n)) for n in ids] if as_text else None,
                textposition=[_text_position(*positions[n]) for n in ids] if as_text else None,
                textfont={"size": 11},
                name=name,
                # A click selects a node; the others stay legible rather than fading to Plotly's default.
                unselected={"marker": {"opacity": 0.5}, "textfont": {"color": "#555555"}},
                customdata=[node_key(n) for n in ids],
                hovertext=hovers,
                hoverinfo="text",
            )
        )
        if layered:
            for n in ids:
                x, y = positions[n]
                annotations.append(
                    {
                        "x": x,
                        "y": y,
                        "xref": "x",
                        "yref": "y",
                        "text": _wrap_label(names.get(n, n), LAYERED_WRAP),
                        "showarrow": False,
                        "yshift": -12,
                        "yanchor": "top",
                        "xanchor": "center",
                        "font": {"size": 11, "color": "#1f3d36" if kind == "indicator" else "#333333"},
                        "bgcolor": "rgba(255,255,255,0.85)",
                        "borderpad": 1,
                    }
                )
        elif kind == "indicator":
            for n in ids:
                x, y = positions[n]
                annotations.append(
                    {
                        "x": x,
                        "y": y,
                        "xref": "x",
                        "yref": "y",
                        "text": _wrap_label(names.get(n, n)),
                        "showarrow": False,
                        "xshift": 14 if x > 0.25 else -14 if x < -0.25 else 0,
                        "yshift": 0 if abs(x) > 0.25 else (22 if y > 0 else -22),
                        "xanchor": "left" if x > 0.25 else "right" if x < -0.25 else "center",
                        "font": {"size": 11, "color": "#1f3d36"},
                        "bgcolor": "rgba(255,255,255,0.82)",
                        "borderpad": 1,
                    }
                )
    if layered:
        xs = [x for x, _ in positions.values()] or [0.0]
        ys = [y for _, y in positions.values()] or [0.0]
        fig.update_xaxes(visible=False, range=[min(xs) - 0.55, max(xs) + 0.55])
        # A row of LAYERED_ROW pixels leaves half a row under each node for its label (the next column's
        # nodes sit half a row lower).
        span = max(ys) - min(ys) + 1.0
        fig.update_yaxes(visible=False, range=[min(ys) - 0.75, max(ys) + 0.25])
        return _layout(
            fig,
            labels.title,
            height=int(150 + LAYERED_ROW * span),
            annotations=annotations,
            hovermode="closest",
            clickmode="event+select",
        )
    extent = max((max(abs(x), abs(y)) for x, y in positions.values()), default=1.0)
    # Equal scales on both axes; the plot area shrinks to keep them, so labels never fall off the ranges.
    fig.update_xaxes(visible=False, range=[-extent * 1.6, extent * 1.6], constrain="domain")
    fig.update_yaxes(
        visible=False, range=[-extent * 1.18, extent * 1.18], scaleanchor="x", scaleratio=1, constrain="domain"
    )
    return _layout(
        fig, labels.title, height=760, annotations=annotations, hovermode="closest", clickmode="event+select"
    )


# --- scenario diff -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeltaLabels:
    title: str
    week: str
    axis: str
    delta: str
    band: str


def delta_figure(
    deltas: pd.DataFrame, indicators: Mapping[str, str], labels: DeltaLabels, columns: int = 1
) -> go.Figure:
    """Small multiples, one per indicator: the per-week delta of the medians and the shifted band around it.

    `deltas` is engine.report.weekly_deltas' frame; `indicators` maps id to label (and sets the order). One
    column by default: side by side, two panels' titles ran into each other on a phone.
    """
    # The figure is built in one go on the shared grid's layout: adding traces and shapes subplot by subplot
    # costs Plotly a validation pass each, ten times what the data costs.
    count = len(indicators)
    rows = max(1, math.ceil(count / columns))
    titles = tuple(wrapped_text(name, PANEL_TITLE_CHARS) for name in indicators.values())
    height = max(320, 230 * rows)
    lines = max((title.count("<br>") + 1 for title in titles), default=1)
    spacing = (ROW_GAP_PX + TITLE_LINE_PX * lines) / (height - 60 - 90)  # the plot area: less _layout's margins
    layout = copy.deepcopy(grid(rows, columns, titles, spacing))
    traces = []
    for n, indicator in enumerate(indicators):
        col = n % columns
        suffix = "" if n == 0 else str(n + 1)
        bottom_of_column = n + columns >= count
        layout[f"xaxis{suffix}"].update(
            showticklabels=bottom_of_column,
            title={"text": plot_text(labels.week) if bottom_of_column else ""},
            **({"matches": "x"} if n else {}),
        )
        layout[f"yaxis{suffix}"].update(
            zeroline=True,
            zerolinecolor="#444444",
            zerolinewidth=1,
            title={"text": plot_text(labels.axis) if col == 0 else ""},
        )
        frame = deltas[deltas["indicator"] == indicator].sort_values("week")
        weeks = frame["week"].tolist()
        upper, lower = frame["delta_high"].round(2).tolist(), frame["delta_low"].round(2).tolist()
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        traces.append(
            go.Scatter(
                x=weeks + weeks[::-1],
                y=upper + lower[::-1],
                fill="toself",
                fillcolor=rgba(PALETTE[0], 0.18),
                line={"width": 0},
                hoverinfo="skip",
                name=labels.band,
                legendgroup="band",
                showlegend=n == 0,
                **axes,
            )
        )
        traces.append(
            go.Scatter(
                x=weeks,
                y=frame["delta"].round(2).tolist(),
                mode="lines",
                line={"color": PALETTE[0], "width": 2.5},
                name=labels.delta,
                legendgroup="delta",
                showlegend=n == 0,
                customdata=list(zip(lower, upper, strict=True)),
                hovertemplate=(
                    f"{plot_text(labels.week)} %{{x}}: %{{y:+.1f}} "
                    "(%{customdata[0]:+.1f} … %{customdata[1]:+.1f})<extra></extra>"
                ),
                **axes,
            )
        )
    for n in range(count, rows * columns):  # an odd count leaves the last row's other panel empty
        suffix = str(n + 1)
        layout[f"xaxis{suffix}"]["visible"] = layout[f"yaxis{suffix}"]["visible"] = False
    fig = go.Figure(data=traces, layout=layout)
    return _layout(fig, labels.title, height=height, hovermode="x unified")
