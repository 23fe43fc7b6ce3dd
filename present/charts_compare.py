"""The Compare tab's question chart: each question's probability per setting, as a dot with its interval.

A plain function from a DataFrame to a go.Figure, no Streamlit; every scenario text is escaped for Plotly.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from present.style import PALETTE, TEMPLATE, plot_text

ROW = 22  # pixels per dot row
GAP = 1.6  # rows of room above each question's dots, for its text


@dataclass(frozen=True)
class QuestionLabels:
    title: str
    axis: str
    interval: str


def question_figure(frame: pd.DataFrame, labels: QuestionLabels, width: int = 48) -> go.Figure:
    """One block per question: its text above, one dot per setting at its probability, with the 95 % Wilson
    interval as error bars.

    `frame` has columns question (its text), setting (the setting's name), probability, low and high (0-1);
    questions and settings are drawn in the order they first appear, one trace (and legend entry) per
    setting, the first setting in PALETTE[0] as the comparison chart draws the current settings. Question
    texts are wrapped to `width` characters (a phone's width) and sit above their dots, so a narrow
    screen keeps the plot wide.
    """
    questions = list(dict.fromkeys(frame["question"]))
    settings = list(dict.fromkeys(frame["setting"]))
    wrapped = {q: textwrap.wrap(q, width) or [""] for q in questions}
    # y grows downwards (the axis is reversed): each question's text, then its settings' dots.
    top, rows = {}, 0.0
    for q in questions:
        rows += GAP + 0.55 * (len(wrapped[q]) - 1)
        top[q] = rows
        rows += len(settings)
    fig = go.Figure()
    for k, name in enumerate(settings):
        part = frame[frame["setting"] == name].set_index("question").reindex(questions).dropna(subset=["probability"])
        p, low, high = (part[c].to_numpy(dtype=float) * 100 for c in ("probability", "low", "high"))
        fig.add_trace(
            go.Scatter(
                x=p.round(2).tolist(),
                y=[top[q] + k for q in part.index],
                mode="markers",
                name=plot_text(name),
                marker={"size": 10, "color": PALETTE[k % len(PALETTE)], "line": {"width": 1, "color": "white"}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (high - p).round(2).tolist(),
                    "arrayminus": (p - low).round(2).tolist(),
                    "thickness": 1.5,
                    "width": 4,
                    "color": PALETTE[k % len(PALETTE)],
                },
                customdata=[
                    [plot_text(q), lo, hi] for q, lo, hi in zip(part.index, low.round(1), high.round(1), strict=True)
                ],
                hovertemplate=(
                    f"<b>{plot_text(name)}</b>: %{{x:.1f}}%<br>{plot_text(labels.interval)} "
                    "%{customdata[1]:.1f} … %{customdata[2]:.1f}%<br>%{customdata[0]}<extra></extra>"
                ),
            )
        )
    annotations = [
        {
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": top[q] - 0.65,
            "yref": "y",
            "yanchor": "bottom",
            "align": "left",
            "text": "<br>".join(plot_text(line) for line in wrapped[q]),
            "showarrow": False,
            "font": {"size": 12, "color": "#222222"},
        }
        for q in questions
    ]
    fig.update_xaxes(title_text=plot_text(labels.axis), range=[0, 100], ticksuffix="%", zeroline=False)
    fig.update_yaxes(visible=False, range=[rows + 0.6, 0], fixedrange=True)
    fig.update_layout(
        title={"text": plot_text(labels.title), "x": 0, "xanchor": "left"},
        height=int(120 + ROW * (rows + 1) + 40),
        margin={"l": 20, "r": 20, "t": 60, "b": 90},
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        template=TEMPLATE,
        annotations=annotations,
        hovermode="closest",
    )
    return fig
