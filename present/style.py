"""The charts' shared look: palette, dashes, level lines, the Plotly template, text escaping and the subplot grid."""

from __future__ import annotations

import textwrap
from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

# Okabe-Ito, ordered so the first colours stay apart for the common kinds of colour blindness;
# yellow comes last because it is hard to read on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")
BAND_ALPHA = 0.1
# The levels of an indicator's scale: a grey quiet enough to sit behind the bands, labels dark enough to read
# (#555555 on white is 7.5:1).
LEVEL_LINE = "#9E9E9E"
LEVEL_TEXT = "#555555"
LEVEL_FONT_SIZE = 10
# Lines of a chart's title: what fits across a 400 px phone screen at Plotly's 17 px title size, so that it
# is not cut off at the edge; each further line takes TITLE_LINE_PX of the top margin.
TITLE_CHARS = 36
TITLE_LINE_PX = 24
# plotly_white's layout alone, built once: passing the name makes plotly deep-copy and validate the
# whole template (defaults for every trace type) for each figure, the largest cost of a slider move.
TEMPLATE = go.layout.Template(layout=pio.templates["plotly_white"].layout)
TEMPLATE_SPEC = TEMPLATE.to_plotly_json()


def rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def plot_text(text: str) -> str:
    """Scenario text for a Plotly title, name or hover text: Plotly renders a small HTML subset there."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shortened(text: str, limit: int | None) -> str:
    """`text` cut to `limit` characters with an ellipsis (None: no limit): for labels a chart has one line for."""
    return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"


def hung_title(text: str) -> dict:
    """A chart title hung from the figure's top edge: a title of several lines grows down into the margin
    made for it, never over the plot or the panels' titles."""
    return {"text": text, "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container", "pad": {"t": 12}}


def wrapped_text(text: str, width: int) -> str:
    """plot_text broken into lines of at most `width` characters: Plotly never wraps a title, and on a phone
    a long one ran past the chart's edge or into its neighbour."""
    return "<br>".join(plot_text(line) for line in textwrap.wrap(text, width) or [""])


@lru_cache(maxsize=32)
def grid(rows: int, columns: int, titles: tuple[str, ...], spacing: float | None = None) -> dict:
    """The layout of an empty grid of subplots (axes, domains, titles), built by plotly once per shape.

    `spacing`: the gap between rows as a share of the plot's height, at least 0.35 / rows.
    Callers get a shared dict: copy it (copy.deepcopy) before changing it.
    """
    gap = max(0.35 / rows, spacing or 0.0) if rows > 1 else 0.1
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=gap)
    return fig.layout.to_plotly_json()
