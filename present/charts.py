"""Plotly figure builders: plain functions from tidy DataFrames to go.Figure (or its plain spec), no Streamlit."""

from __future__ import annotations

import copy
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from present.style import (
    BAND_ALPHA,
    DASHES,
    LEVEL_FONT_SIZE,
    LEVEL_LINE,
    LEVEL_TEXT,
    PALETTE,
    TEMPLATE_SPEC,
    TITLE_CHARS,
    TITLE_LINE_PX,
    grid,
    hung_title,
    plot_text,
    rgba,
    shortened,
    wrapped_text,
)

# An indicator's scale as plain data: (level, what one observes there) in ascending order, in the reader's
# language (present.tables.scale_of builds it). Empty for a schema-1 indicator.
Scale = Sequence[tuple[float, str]]
# A small multiple is about half the page wide: a longer level label would run into the next panel.
PANEL_LABEL_CHARS = 40
# A panel's title: what fits across a 400 px phone screen at Plotly's 16 px, so that it does not run into
# the next panel (a chart's own title: present.style.TITLE_CHARS).
PANEL_TITLE_CHARS = 32
# From the plot's lower edge to the legend's top: room for the week ticks and the axis title.
LEGEND_GAP_PX = 60
# Under a panel, above the next one's title: its week ticks.
ROW_GAP_PX = 30


@dataclass(frozen=True)
class Labels:
    """The words a chart needs, already in the reader's language."""

    title: str
    week: str
    level: str
    median: str = "median"
    band: str = "p10-p90"
    below_level: str = "below {level}"  # what a value under a scale's first level is called


def level_names(values: Sequence[float], scale: Scale, below_level: str) -> list[str]:
    """The name of the level each value falls in, at the one decimal the hover shows.

    The rule of engine.schema.Indicator.level_of: the highest level the value reaches; a value under the
    first level is `below_level` with that level's name. Named after rounding, so that a hover reading
    "50.0" never names the level below 50.
    """
    marks = [level for level, _ in scale]
    names = []
    for value in values:
        k = bisect_right(marks, round(value, 1)) - 1
        names.append(scale[k][1] if k >= 0 else below_level.format(level=scale[0][1]))
    return names


def _level_specs(scale: Scale, axes: str = "", label_chars: int | None = None) -> list[dict]:
    """One dashed horizontal line per level across the plot (axes "" or "2", "3", ...), labelled at its right end."""
    return [
        {
            "type": "line",
            "xref": f"x{axes} domain",
            "x0": 0,
            "x1": 1,
            "yref": f"y{axes}",
            "y0": level,
            "y1": level,
            "layer": "below",
            "line": {"color": LEVEL_LINE, "width": 1, "dash": "dash"},
            "label": {
                "text": plot_text(shortened(text, label_chars)),
                "textposition": "end",
                "yanchor": "bottom",
                "font": {"size": LEVEL_FONT_SIZE, "color": LEVEL_TEXT},
            },
        }
        for level, text in scale
    ]


def _band_specs(
    columns: Mapping[str, np.ndarray],
    name: str,
    colour: str,
    labels: Labels,
    group: str,
    legend: bool,
    scale: Scale = (),
):
    """The band polygon and the median line of one indicator (its `columns` from by_indicator), as plain plotly
    trace dicts; with a scale, the median's hover names the level it has reached."""
    weeks = columns["week"].tolist()
    upper = columns["p90"].round(2).tolist()
    lower = columns["p10"].round(2).tolist()
    middle = columns["p50"].round(2).tolist()
    band = {
        "type": "scatter",
        "x": weeks + weeks[::-1],
        "y": upper + lower[::-1],
        "fill": "toself",
        # Light fill with a faint edge: overlapping bands stay apart and each edge keeps its colour.
        "fillcolor": rgba(colour, BAND_ALPHA),
        "line": {"width": 1, "color": rgba(colour, 0.45)},
        "hoverinfo": "skip",
        "name": plot_text(f"{name} ({labels.band})"),
        "legendgroup": group,
        "showlegend": False,
    }
    customdata = [[a, b] for a, b in zip(lower, upper, strict=True)]
    level = ""
    if scale:
        names = level_names(middle, scale, labels.below_level)
        customdata = [[a, b, plot_text(n)] for (a, b), n in zip(customdata, names, strict=True)]
        level = " — %{customdata[2]}"
    median = {
        "type": "scatter",
        "x": weeks,
        "y": middle,
        "mode": "lines",
        "line": {"color": colour, "width": 2.5},
        "name": plot_text(name),
        "legendgroup": group,
        "showlegend": legend,
        "customdata": customdata,
        "hovertemplate": (
            f"<b>{plot_text(name)}</b><br>{plot_text(labels.week)} %{{x}}<br>"
            f"{plot_text(labels.median)} %{{y:.1f}}{level}<br>"
            "p10-p90 %{customdata[0]:.1f}-%{customdata[1]:.1f}<extra></extra>"
        ),
    }
    return band, median


def _layout_spec(labels: Labels, height: int, panel_title_lines: int = 0) -> dict:
    """`panel_title_lines`: the most lines a title of the top row of panels has, which stand in the top margin
    under the chart's title."""
    title = wrapped_text(labels.title, TITLE_CHARS)
    lines = title.count("<br>") + 1
    top, bottom = 32 + TITLE_LINE_PX * (lines + panel_title_lines), 50
    return {
        "title": hung_title(title),
        "height": height,
        "margin": {"l": 50, "r": 20, "t": top, "b": bottom},
        # Legend a fixed distance below the week axis title, never on it: a share of the plot's height put it
        # hundreds of pixels under a tall grid of panels.
        "legend": {"orientation": "h", "yanchor": "top", "y": -LEGEND_GAP_PX / (height - top - bottom), "x": 0},
        "hovermode": "x unified",
        "template": TEMPLATE_SPEC,
    }


def event_marks(count: int) -> list[str]:
    """The marks that stand for events on a chart, ①, ②, ...: full labels side by side would overlap."""
    return [chr(0x2460 + n) if n < 20 else f"({n + 1})" for n in range(count)]


def _event_specs(events: Sequence[tuple[int, str]], axes: str = "", notes: bool = True) -> tuple[list, list]:
    """A dotted line per event, and (with `notes`) its mark above the plot, the full label in its hover."""
    shapes = [
        {
            "type": "line",
            "x0": week,
            "x1": week,
            "xref": f"x{axes}",
            "y0": 0,
            "y1": 1,
            "yref": f"y{axes} domain",
            "line": {"dash": "dot", "color": "#666666", "width": 1},
        }
        for week, _ in events
    ]
    if not notes:
        return shapes, []
    # Events a week or two apart would put their marks on top of each other: each mark that comes close to
    # the one before it steps down a row.
    rows: list[int] = []
    for n, (week, _) in enumerate(events):
        close = n > 0 and week - events[n - 1][0] < 3
        rows.append(rows[-1] + 1 if close else 0)
    annotations = [
        {
            "x": week,
            "y": 1.0,
            "yref": f"y{axes} domain",
            "xref": f"x{axes}",
            "text": mark,
            "hovertext": plot_text(label),
            "showarrow": False,
            # Inside the plot's top edge, where a panel's title and the legend never are.
            "xanchor": "left",
            "yanchor": "top",
            "xshift": 2,
            "yshift": -15 * row,
            "font": {"size": 12, "color": "#444444"},
        }
        for (week, label), mark, row in zip(events, event_marks(len(events)), rows, strict=True)
    ]
    return shapes, annotations


BAND_COLUMNS = ("week", "p10", "p50", "p90")


def by_indicator(bands: pd.DataFrame, indicators: Iterable[str]) -> dict[str, dict[str, np.ndarray]]:
    """Each of `indicators`' week, p10, p50 and p90 as arrays, by week (stable): what the traces are made of.
    An indicator the frame does not hold has empty arrays, as a filter of the frame would give."""
    # Arrays taken once per chart rather than a filtered frame per indicator: this runs for every indicator
    # of every chart on every slider move, and each frame operation costs a tenth of a millisecond or more.
    ids = bands["indicator"].to_numpy()
    columns = {name: bands[name].to_numpy() for name in BAND_COLUMNS}
    out = {}
    for indicator in indicators:
        rows = np.flatnonzero(ids == indicator)
        rows = rows[np.argsort(columns["week"][rows], kind="stable")]
        out[indicator] = {name: values[rows] for name, values in columns.items()}
    return out


def shared_scale(indicators: Sequence[str], scales: Mapping[str, Scale]) -> Scale:
    """The one scale every indicator of a chart has, or () when they have none or differ.

    Level lines belong to one scale: drawn for two indicators whose scales differ, a line at 50 would
    mean two things at once, so such a chart names each median's level in its hover only.
    """
    found = {tuple(tuple(level) for level in scales.get(i, ())) for i in indicators}
    return next(iter(found)) if len(found) == 1 else ()


def as_figure(spec: dict) -> go.Figure:
    """A spec built here as a go.Figure, without plotly's per-property validation: every spec is built from
    known-good parts and checked by tests against that validation, which would cost most of a rerun."""
    return go.Figure(spec, _validate=False)


def trajectory_figure(
    bands: pd.DataFrame,
    indicators: Mapping[str, str],
    labels: Labels,
    events: Sequence[tuple[int, str]] = (),
    scales: Mapping[str, Scale] | None = None,
    columns: int = 1,
) -> go.Figure:
    """trajectory_spec as a figure: what the briefing pack exports and a reader of plotly's objects expects."""
    return as_figure(trajectory_spec(bands, indicators, labels, events, scales, columns))


def trajectory_spec(
    bands: pd.DataFrame,
    indicators: Mapping[str, str],
    labels: Labels,
    events: Sequence[tuple[int, str]] = (),
    scales: Mapping[str, Scale] | None = None,
    columns: int = 1,
) -> dict:
    """Median and p10-p90 band over the weeks for each indicator in `indicators` (id -> label), as a plain
    figure spec: JSON-ready dicts and lists, which the page sends as they are (ui.panels).

    `scales` (indicator id -> its levels) names in each median's hover the level it has reached. When every
    indicator of the chart shares one scale (or none has one) they share one plot, with the levels as
    labelled dashed lines; when their scales differ, each gets its own panel with its own levels, since a
    line at 50 cannot mean two things at once. The panels stand in one column by default: a figure cannot
    reflow, and two columns left a phone's screen with panels too narrow for their level labels. Events are
    dotted lines marked ①, ②, ... (event_marks).
    """
    scales = scales or {}
    ids = list(indicators)
    if any(scales.get(i) for i in ids) and not shared_scale(ids, scales):
        return _panels(bands, {}, indicators, labels, None, columns, scales, events, legend=False)
    data = []
    rows = by_indicator(bands, ids)
    for n, (indicator, name) in enumerate(indicators.items()):
        frame = rows[indicator]
        scale = scales.get(indicator, ())
        data.extend(_band_specs(frame, name, PALETTE[n % len(PALETTE)], labels, indicator, legend=True, scale=scale))
    event_lines, notes = _event_specs(events)
    shapes = _level_specs(shared_scale(ids, scales)) + event_lines
    layout = {
        "xaxis": {"title": {"text": labels.week}},
        "yaxis": {"title": {"text": labels.level}, "range": [0, 100]},
        **_layout_spec(labels, height=420),
    }
    if shapes:
        layout["shapes"] = shapes
    if notes:
        layout["annotations"] = notes
    # This runs on every slider move: the spec is built from known-good parts and checked by tests against
    # plotly's own validation, which (with go.Figure's copies) would be most of the cost of a rerun.
    return {"data": data, "layout": layout}


def comparison_figure(
    current: pd.DataFrame,
    references: Mapping[str, pd.DataFrame],
    indicators: Mapping[str, str],
    labels: Labels,
    current_name: str,
    columns: int = 1,
    scales: Mapping[str, Scale] | None = None,
) -> go.Figure:
    """Small multiples, one per indicator: the current band and median against each reference's median.

    One column by default, as trajectory_figure: on a phone, two columns put each panel's title over its
    neighbour's.

    Each panel shows one indicator, so each draws its own scale (from `scales`) as labelled dashed lines,
    and every hover names the level its value has reached.
    """
    return as_figure(
        _panels(current, references, indicators, labels, current_name, columns, scales or {}, (), legend=True)
    )


def _panels(
    current: pd.DataFrame,
    references: Mapping[str, pd.DataFrame],
    indicators: Mapping[str, str],
    labels: Labels,
    current_name: str | None,
    columns: int,
    scales: Mapping[str, Scale],
    events: Sequence[tuple[int, str]],
    legend: bool,
) -> dict:
    """The spec of one panel per indicator (its band, median, levels and the events' lines) and each reference's median.

    The band and median are named `current_name`, or (None) after the panel's indicator.
    """
    columns = max(1, min(columns, len(indicators)))
    rows = math.ceil(len(indicators) / columns)
    titles = tuple(wrapped_text(name, PANEL_TITLE_CHARS) for name in indicators.values())
    top_row = max(title.count("<br>") + 1 for title in titles[:columns])
    frame_layout = _layout_spec(labels, height=max(320, 230 * rows), panel_title_lines=top_row)
    # Between two rows stand the upper panel's week ticks and the lower one's title, of up to two lines.
    most_lines = max(title.count("<br>") + 1 for title in titles)
    plot_height = frame_layout["height"] - frame_layout["margin"]["t"] - frame_layout["margin"]["b"]
    layout = copy.deepcopy(grid(rows, columns, titles, (ROW_GAP_PX + TITLE_LINE_PX * most_lines) / plot_height))
    data, shapes = [], []
    current_rows = by_indicator(current, indicators)
    reference_rows = {name: by_indicator(reference, indicators) for name, reference in references.items()}
    for n, indicator in enumerate(indicators):
        suffix = str(n + 1) if n else ""
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        scale = scales.get(indicator, ())
        shapes += _level_specs(scale, suffix, label_chars=PANEL_LABEL_CHARS)
        shapes += _event_specs(events, suffix, notes=False)[0]
        frame = current_rows[indicator]
        show = legend and n == 0
        name = indicators[indicator] if current_name is None else current_name
        for spec in _band_specs(frame, name, PALETTE[0], labels, "current", legend=show, scale=scale):
            data.append(spec | axes)
        for k, (name, by_reference) in enumerate(reference_rows.items()):
            ref = by_reference[indicator]
            median = ref["p50"].round(2).tolist()
            trace = {
                "type": "scatter",
                "x": ref["week"].tolist(),
                "y": median,
                "mode": "lines",
                "line": {"color": PALETTE[(k + 1) % len(PALETTE)], "width": 2, "dash": DASHES[k % len(DASHES)]},
                "name": plot_text(name),
                "legendgroup": f"ref-{k}",
                "showlegend": legend and n == 0,
                "hovertemplate": f"{plot_text(name)}: %{{y:.1f}}<extra></extra>",
            }
            if scale:
                trace["customdata"] = [plot_text(level) for level in level_names(median, scale, labels.below_level)]
                trace["hovertemplate"] = f"{plot_text(name)}: %{{y:.1f}} — %{{customdata}}<extra></extra>"
            data.append(trace | axes)
    if shapes:
        layout["shapes"] = shapes
    if events:
        # The events' marks once, above the first panel: every panel shares the week axis.
        layout["annotations"] = list(layout.get("annotations", ())) + _event_specs(events)[1]
    for n in range(rows * columns):
        x, y = layout[f"xaxis{n + 1 if n else ''}"], layout[f"yaxis{n + 1 if n else ''}"]
        y["range"] = [0, 100]
        # Every panel keeps its own week ticks (with an odd count the last row is not full), zooming together.
        x["matches"] = "x"
        if n >= len(indicators):
            x["visible"] = y["visible"] = False
        elif n + columns >= len(indicators):  # the lowest filled panel of its column
            x["title"] = {"text": labels.week}
    layout.update(frame_layout)
    if not legend:
        layout["showlegend"] = False
    # Off the slider's hot path only while the Compare tab is closed: built as a plain spec (checked by
    # tests against plotly's validation) for the same reason as the trajectory charts.
    return {"data": data, "layout": layout}
