"""Plotly figure builders: plain functions from tidy DataFrames to go.Figure, no Streamlit."""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from present.style import BAND_ALPHA, DASHES, PALETTE, TEMPLATE_SPEC, grid, plot_text, rgba


@dataclass(frozen=True)
class Labels:
    """The words a chart needs, already in the reader's language."""

    title: str
    week: str
    level: str
    median: str = "median"
    band: str = "p10-p90"


def _band_specs(frame: pd.DataFrame, name: str, colour: str, labels: Labels, group: str, legend: bool):
    """The band polygon and the median line of one indicator, as plain plotly trace dicts."""
    weeks = frame["week"].tolist()
    upper = frame["p90"].round(2).tolist()
    lower = frame["p10"].round(2).tolist()
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
    median = {
        "type": "scatter",
        "x": weeks,
        "y": frame["p50"].round(2).tolist(),
        "mode": "lines",
        "line": {"color": colour, "width": 2.5},
        "name": plot_text(name),
        "legendgroup": group,
        "showlegend": legend,
        "customdata": [[a, b] for a, b in zip(lower, upper, strict=True)],
        "hovertemplate": (
            f"<b>{plot_text(name)}</b><br>{plot_text(labels.week)} %{{x}}<br>"
            f"{plot_text(labels.median)} %{{y:.1f}}<br>"
            "p10-p90 %{customdata[0]:.1f}-%{customdata[1]:.1f}<extra></extra>"
        ),
    }
    return band, median


def _layout_spec(labels: Labels, height: int) -> dict:
    return {
        "title": {"text": plot_text(labels.title), "x": 0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 80, "b": 50},
        # Legend below the week axis title, never on it.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        "hovermode": "x unified",
        "template": TEMPLATE_SPEC,
    }


def _event_specs(events: Sequence[tuple[int, str]]) -> tuple[list[dict], list[dict]]:
    shapes = [
        {
            "type": "line",
            "x0": week,
            "x1": week,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
            "line": {"dash": "dot", "color": "#666666", "width": 1},
        }
        for week, _ in events
    ]
    notes = [
        {
            "x": week,
            "y": 1.0,
            "yref": "paper",
            "text": plot_text(label),
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "bottom",
            "font": {"size": 11, "color": "#444444"},
        }
        for week, label in events
    ]
    return shapes, notes


def trajectory_figure(
    bands: pd.DataFrame,
    indicators: Mapping[str, str],
    labels: Labels,
    events: Sequence[tuple[int, str]] = (),
) -> go.Figure:
    """Median and p10-p90 band over the weeks for each indicator in `indicators` (id -> label)."""
    data = []
    for n, (indicator, name) in enumerate(indicators.items()):
        frame = bands[bands["indicator"] == indicator].sort_values("week")
        data.extend(_band_specs(frame, name, PALETTE[n % len(PALETTE)], labels, indicator, legend=True))
    shapes, notes = _event_specs(events)
    layout = {
        "xaxis": {"title": {"text": labels.week}},
        "yaxis": {"title": {"text": labels.level}, "range": [0, 100]},
        **_layout_spec(labels, height=420),
    }
    if shapes:
        layout["shapes"] = shapes
        layout["annotations"] = notes
    # This runs on every slider move: the spec above is built from known-good parts and checked by
    # tests against plotly's own validation, so plotly's per-property validation (most of the cost of
    # a rerun) is skipped here.
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def comparison_figure(
    current: pd.DataFrame,
    references: Mapping[str, pd.DataFrame],
    indicators: Mapping[str, str],
    labels: Labels,
    current_name: str,
    columns: int = 2,
) -> go.Figure:
    """Small multiples, one per indicator: the current band and median against each reference's median."""
    rows = math.ceil(len(indicators) / columns)
    layout = copy.deepcopy(grid(rows, columns, tuple(plot_text(name) for name in indicators.values())))
    data = []
    for n, indicator in enumerate(indicators):
        axes = {"xaxis": f"x{n + 1 if n else ''}", "yaxis": f"y{n + 1 if n else ''}"}
        frame = current[current["indicator"] == indicator].sort_values("week")
        for spec in _band_specs(frame, current_name, PALETTE[0], labels, "current", legend=n == 0):
            data.append(spec | axes)
        for k, (name, reference) in enumerate(references.items()):
            ref = reference[reference["indicator"] == indicator].sort_values("week")
            data.append(
                {
                    "type": "scatter",
                    "x": ref["week"].tolist(),
                    "y": ref["p50"].round(2).tolist(),
                    "mode": "lines",
                    "line": {"color": PALETTE[(k + 1) % len(PALETTE)], "width": 2, "dash": DASHES[k % len(DASHES)]},
                    "name": plot_text(name),
                    "legendgroup": f"ref-{k}",
                    "showlegend": n == 0,
                    "hovertemplate": f"{plot_text(name)}: %{{y:.1f}}<extra></extra>",
                }
                | axes
            )
    for n in range(rows * columns):
        x, y = layout[f"xaxis{n + 1 if n else ''}"], layout[f"yaxis{n + 1 if n else ''}"]
        y["range"] = [0, 100]
        # Every panel keeps its own week ticks (with an odd count the last row is not full), zooming together.
        x["matches"] = "x"
        if n >= len(indicators):
            x["visible"] = y["visible"] = False
        elif n + columns >= len(indicators):  # the lowest filled panel of its column
            x["title"] = {"text": labels.week}
    layout.update(_layout_spec(labels, height=max(320, 230 * rows)))
    # Off the slider's hot path only while the Compare tab is closed: built as a plain spec (checked by
    # tests against plotly's validation) for the same reason as the trajectory charts.
    return go.Figure({"data": data, "layout": layout}, _validate=False)
