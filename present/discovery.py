"""'Under which assumptions?' in words and charts: the what-if map, discovered boxes, robustness; no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from engine.discovery import Box
from engine.robustness import Robustness
from engine.schema import Question, Scenario
from present.i18n import t
from present.style import PALETTE, TEMPLATE_SPEC, hung_title, plot_text, wrapped_text
from present.tables import Table, decimal, number, percent_text


def _driver_value(scenario: Scenario, driver: str, value: float, lang: str) -> str:
    d = scenario.driver(driver)
    shown = round(value / d.step) * d.step if d.step else value
    return f"{number(round(shown, 6), lang)} {d.unit_in(lang)}"


def outcome_text(scenario: Scenario, question: Question, lang: str, noun: bool = False) -> str:
    """What a 'yes' means, in the scale's words: "North Korean assertiveness reaches 'ICBM launches ...'" (each
    language's template says it as a clause or as a noun phrase); with `noun`, always as a noun phrase
    ("... reaching ..."), for the sentences that need one."""
    indicator = scenario.indicator(question.indicator)
    level = indicator.level_at(question.threshold)
    name = level.text.get(lang) if level is not None else number(question.threshold, lang)
    key = "discovery_falls_to" if question.direction == "below" else "discovery_reaches"
    return t(
        key + ("_noun" if noun else ""), lang, indicator=indicator.label.get(lang), level=name, weeks=question.by_week
    )


def odds_text(cutoff: float, lang: str) -> str:
    """'with better than even odds' for 0.5, else 'with a probability above 70%'."""
    if abs(cutoff - 0.5) < 1e-9:
        return t("discovery_even_odds", lang)
    return t("discovery_above", lang, p=percent_text(cutoff, lang))


def condition_text(scenario: Scenario, box: Box, full: Mapping[str, tuple[float, float]], lang: str) -> str:
    """The box's restricted drivers as one clause: 'X is at least a and Y at most b'."""
    parts = []
    for driver in box.restricted:
        low, high = box.limits[driver]
        lo_full, hi_full = full[driver]
        label = scenario.driver(driver).label.get(lang)
        if low > lo_full and high < hi_full:
            key, values = "discovery_between", {"low": low, "high": high}
        elif low > lo_full:
            key, values = "discovery_at_least", {"low": low}
        else:
            key, values = "discovery_at_most", {"high": high}
        shown = {k: _driver_value(scenario, driver, v, lang) for k, v in values.items()}
        parts.append(t(key, lang, driver=label, **shown))
    if not parts:
        return t("discovery_everywhere", lang)
    return t("discovery_and", lang).join(parts)


def box_sentence(
    scenario: Scenario, question: Question, cutoff: float, box: Box, full: Mapping[str, tuple[float, float]], lang: str
) -> str:
    """The box in one sentence: where the outcome holds, how often there, and what share of all cases that is."""
    return t(
        "discovery_sentence",
        lang,
        outcome=outcome_text(scenario, question, lang),
        odds=odds_text(cutoff, lang),
        density=percent_text(box.density, lang),
        conditions=condition_text(scenario, box, full, lang),
        coverage=percent_text(box.coverage, lang),
    )


def box_table(scenario: Scenario, box: Box, full: Mapping[str, tuple[float, float]], lang: str) -> Table:
    """Each restricted driver: the range the sweep covered and the box's range."""

    def span(driver: str, low: float, high: float) -> str:
        step = scenario.driver(driver).step
        low, high = (round(v / step) * step if step else v for v in (low, high))
        return f"{number(round(low, 6), lang)}–{number(round(high, 6), lang)}"

    rows = tuple(
        (
            f"{scenario.driver(d).label.get(lang)} ({scenario.driver(d).unit_in(lang)})",
            span(d, *full[d]),
            span(d, *box.limits[d]),
        )
        for d in box.restricted
    )
    columns = (t("discovery_driver", lang), t("discovery_swept", lang), t("discovery_box", lang))
    return Table(columns=columns, rows=rows)


def trajectory_figure(trajectory: pd.DataFrame, chosen: int, stated: Box, lang: str) -> go.Figure:
    """PRIM's peeling trajectory, coverage against density, one dot per box: the chosen one ringed, and the box
    the sentence states (the chosen one pasted and freed of restrictions that barely matter) as a star."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=(trajectory["coverage"] * 100).round(2).tolist(),
            y=(trajectory["density"] * 100).round(2).tolist(),
            mode="markers+lines",
            line={"color": PALETTE[5], "width": 1},
            marker={"size": 7, "color": PALETTE[0]},
            customdata=trajectory[["step", "restricted"]].to_numpy().tolist(),
            hovertemplate=plot_text(t("discovery_hover", lang)) + "<extra></extra>",
            name=plot_text(t("discovery_boxes", lang)),
        )
    )
    row = trajectory.iloc[chosen]
    fig.add_trace(
        go.Scatter(
            x=[round(row["coverage"] * 100, 2)],
            y=[round(row["density"] * 100, 2)],
            mode="markers",
            marker={"size": 18, "symbol": "circle-open", "color": PALETTE[3], "line": {"width": 3}},
            name=plot_text(t("discovery_chosen", lang)),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[round(stated.coverage * 100, 2)],
            y=[round(stated.density * 100, 2)],
            mode="markers",
            marker={"size": 16, "symbol": "star", "color": PALETTE[1], "line": {"width": 1, "color": "#222222"}},
            name=plot_text(t("discovery_stated", lang)),
            hovertemplate="%{x:.0f} % · %{y:.0f} %<extra></extra>",
        )
    )
    fig.update_layout(
        template=TEMPLATE_SPEC,
        title=hung_title(wrapped_text(t("discovery_trajectory_title", lang), 40)),
        height=440,
        margin={"l": 50, "r": 10, "t": 70, "b": 110},
        xaxis={"title": {"text": plot_text(t("discovery_coverage_axis", lang))}, "range": [-3, 103]},
        yaxis={"title": {"text": plot_text(t("discovery_density_axis", lang))}, "range": [-3, 103]},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
    )
    return fig


def what_if_figure(
    scenario: Scenario,
    grid: pd.DataFrame,
    x_driver: str,
    y_driver: str,
    current: Mapping[str, float],
    question: Question,
    lang: str,
) -> go.Figure:
    """A question's probability over two drivers as a heatmap, the 50 % contour drawn, the current setting marked."""
    xs = np.sort(grid["x"].unique())
    ys = np.sort(grid["y"].unique())
    z = grid.pivot(index="y", columns="x", values="probability").loc[ys, xs].to_numpy() * 100
    x_label = f"{scenario.driver(x_driver).label.get(lang)} ({scenario.driver(x_driver).unit_in(lang)})"
    y_label = f"{scenario.driver(y_driver).label.get(lang)} ({scenario.driver(y_driver).unit_in(lang)})"
    fig = go.Figure(
        go.Heatmap(
            x=xs.tolist(),
            y=ys.tolist(),
            z=z.round(2).tolist(),
            zmin=0,
            zmax=100,
            colorscale="YlOrRd",
            # Under the plot, not beside it: on a phone a side bar takes a third of the plot's width.
            colorbar={
                "title": {"text": plot_text(t("round_probability_axis", lang)), "side": "top"},
                "orientation": "h",
                "thickness": 10,
                "y": -0.32,
                "yanchor": "top",
                "len": 1,
            },
            hovertemplate="%{x:g} · %{y:g}: %{z:.0f} %<extra></extra>",
        )
    )
    fig.add_trace(
        go.Contour(
            x=xs.tolist(),
            y=ys.tolist(),
            z=z.round(2).tolist(),
            contours={"start": 50, "end": 50, "size": 1, "coloring": "none", "showlabels": True},
            line={"color": "#222222", "width": 2, "dash": "dash"},
            showscale=False,
            hoverinfo="skip",
            name="50 %",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[current[x_driver]],
            y=[current[y_driver]],
            mode="markers",
            marker={"symbol": "x", "size": 14, "color": "#000000", "line": {"width": 2, "color": "white"}},
            name=plot_text(t("discovery_current", lang)),
            hovertemplate=plot_text(t("discovery_current", lang)) + "<extra></extra>",
        )
    )
    title = t("discovery_map_title", lang, question=question.text.get(lang))
    lines = len(wrapped_text(title, 40).split("<br>"))
    fig.update_layout(
        template=TEMPLATE_SPEC,
        title=hung_title(wrapped_text(title, 40)),
        height=560 + 24 * lines,
        margin={"l": 60, "r": 10, "t": 40 + 24 * lines, "b": 190},
        xaxis={"title": {"text": wrapped_text(x_label, 40)}},
        yaxis={"title": {"text": wrapped_text(y_label, 30)}},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
    )
    return fig


def setting_name(name: str, scenario: Scenario, lang: str) -> str:
    """A robustness setting's name: preset labels for 'a / b', the grid's 'x=1, y=2' as written."""
    labels = {p.id: p.label.get(lang) for p in scenario.presets}
    parts = name.split(" / ")
    if all(p in labels for p in parts):
        return " / ".join(labels[p] for p in parts)
    return name


def _points(share: float, lang: str) -> str:
    """A share as percentage points, one decimal the reader's way."""
    return decimal(share * 100, lang)


def robustness_table(scenario: Scenario, result: Robustness, question: str, lang: str) -> Table:
    """Per lever setting: the share of states in which the question stays under its cut-off, its mean
    probability, and its regret (mean / largest, in percentage points)."""
    part = result.table[result.table["question"] == question]
    rows = tuple(
        (
            setting_name(row.setting, scenario, lang),
            percent_text(row.share_under, lang),
            percent_text(row.mean_probability, lang),
            t("discovery_points", lang, mean=_points(row.mean_regret, lang), most=_points(row.max_regret, lang)),
        )
        for row in part.itertuples()
    )
    columns = (
        t("discovery_setting", lang),
        t("discovery_share_under", lang),
        t("discovery_mean_p", lang),
        t("discovery_regret", lang),
    )
    return Table(columns=columns, rows=rows, numeric=frozenset({1, 2, 3}))


def robustness_sentence(scenario: Scenario, result: Robustness, question: Question, lang: str) -> str:
    """The setting that keeps the question under its cut-off in the most states, or the tie, in words."""
    part = result.table[result.table["question"] == question.id]
    ranked = part.sort_values(["share_under", "max_regret"], ascending=[False, True], kind="stable")
    best = ranked.iloc[0]
    tied = ranked[(ranked["share_under"] == best["share_under"]) & (ranked["max_regret"] == best["max_regret"])]
    values = {
        "share": percent_text(best["share_under"], lang),
        "states": result.states,
        "outcome": outcome_text(scenario, question, lang, noun=True),
        "cutoff": percent_text(best["cutoff"], lang),
        "regret": _points(best["max_regret"], lang),
    }
    if len(tied) > 1 and len(tied) == len(ranked):
        return t("discovery_robust_all_tie", lang, **values)
    if len(tied) > 1:
        names = "; ".join(f"“{setting_name(s, scenario, lang)}”" for s in tied["setting"])
        return t("discovery_robust_tie", lang, settings=names, **values)
    return t("discovery_robust_sentence", lang, setting=setting_name(best["setting"], scenario, lang), **values)
