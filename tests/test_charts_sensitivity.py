"""present/charts_sensitivity.py: tornado, Sobol, causal map and diff figures, built without Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from engine.causal import causal_graph, layout
from engine.ensemble import run_ensemble
from engine.model import Model
from engine.report import weekly_deltas
from engine.sensitivity import tornado_point
from present.charts_sensitivity import (
    AT_MAX,
    AT_MIN,
    NEGATIVE,
    POSITIVE,
    CausalLabels,
    DeltaLabels,
    SobolLabels,
    TornadoLabels,
    causal_figure,
    delta_figure,
    edge_key,
    node_key,
    sobol_figure,
    tornado_figure,
)
from present.style import PALETTE

TORNADO = TornadoLabels(title="T <b>", axis="Level", at_min="at min", at_max="at max", base="now")
SOBOL = SobolLabels(title="Sobol", axis="index", first="S1", total="ST")
CAUSAL = CausalLabels(
    title="Map",
    positive="raises",
    negative="lowers",
    driver="driver",
    indicator="indicator",
    weight="Weight",
    range="Range",
    self_impact="self",
)
DELTA = DeltaLabels(title="A minus B", week="Week", axis="Δ", delta="Δ median", band="band")


def test_palette_colours_are_okabe_ito():
    assert {POSITIVE, NEGATIVE, AT_MIN, AT_MAX} <= set(PALETTE)
    assert POSITIVE != NEGATIVE and AT_MIN != AT_MAX


def test_tornado_bars_run_from_the_base_to_each_bound_largest_first():
    frame = pd.DataFrame(
        {
            "output": ["y"] * 3,
            "driver": ["b", "a", "c"],
            "base": [50.0] * 3,
            "at_min": [30.0, 60.0, 50.0],
            "at_max": [70.0, 45.0, 50.0],
            "effect": [40.0, -15.0, 0.0],
            "rank": [0, 1, 2],
        }
    )
    fig = tornado_figure(frame.iloc[::-1], {"a": "A <i>", "b": "B", "c": "C"}, TORNADO)
    at_min, at_max = fig.data

    assert (at_min.name, at_max.name) == ("at min", "at max")
    assert (at_min.marker.color, at_max.marker.color) == (AT_MIN, AT_MAX)
    assert list(at_min.y) == ["B", "A &lt;i&gt;", "C"]  # by rank, whatever the row order; labels escaped
    assert list(at_min.x) == [-20.0, 10.0, 0.0] and at_min.base == 50.0
    assert list(at_max.x) == [20.0, -5.0, 0.0] and at_max.base == 50.0
    assert list(at_max.customdata) == [70.0, 45.0, 50.0]
    assert fig.layout.title.text == "T &lt;b&gt;"
    assert fig.layout.yaxis.autorange == "reversed"  # rank 0 on top
    assert fig.layout.shapes[0].x0 == 50.0


def test_tornado_in_percent_scales_probabilities():
    frame = pd.DataFrame(
        {"driver": ["a"], "base": [0.25], "at_min": [0.1], "at_max": [0.5], "effect": [0.4], "rank": [0]}
    )
    fig = tornado_figure(frame, {"a": "A"}, TORNADO, percent=True)

    assert list(fig.data[0].x) == pytest.approx([-15.0]) and fig.data[0].base == 25.0
    assert list(fig.data[1].customdata) == [50.0]
    assert fig.layout.xaxis.ticksuffix == "%"
    assert fig.layout.annotations[0].text == "now: 25.0%"


def test_tornado_of_the_seed_scenario_has_one_row_per_driver(seed_scenario):
    frame = tornado_point(Model.of(seed_scenario), seed_scenario.defaults())
    names = {d.id: d.label.en for d in seed_scenario.drivers}
    fig = tornado_figure(frame[frame["output"] == "dprk_assertiveness"], names, TORNADO)

    assert len(fig.data[0].y) == len(seed_scenario.drivers)
    # Long names wrap at a space to lines of at most 28 characters, for a phone's width.
    assert fig.data[0].y[0] == "Backing Pyongyang perceives<br>from Moscow"
    assert names["perceived_moscow_backing"] == "Backing Pyongyang perceives from Moscow"
    assert all(len(line) <= 28 for y in fig.data[0].y for line in y.split("<br>"))


def test_sobol_figure_shows_the_top_coefficients_by_total_index_with_intervals():
    frame = pd.DataFrame(
        {
            "impact": [0, 1, 2, 3],
            "S1": [0.1, 0.5, 0.05, 0.3],
            "S1_conf": [0.01, 0.02, 0.03, 0.04],
            "ST": [0.2, 0.6, 0.1, 0.35],
            "ST_conf": [0.05, 0.06, 0.07, 0.08],
        }
    )
    fig = sobol_figure(frame, {0: "a → y", 1: "b → y", 2: "c → y", 3: "<d> → y"}, SOBOL, top=3)
    total, first = fig.data

    assert (total.name, first.name) == ("ST", "S1")
    assert list(total.y) == ["b → y", "&lt;d&gt; → y", "a → y"]
    assert list(total.x) == [0.6, 0.35, 0.2] and list(first.x) == [0.5, 0.3, 0.1]
    assert list(total.error_x.array) == [0.06, 0.08, 0.05]
    assert fig.layout.barmode == "group"


@pytest.fixture(scope="module")
def small(make_scenario):
    return make_scenario(
        drivers=(("d", 0.0, 1.0, 0.5),),
        indicators=(("x", 50.0), ("y", 50.0)),
        impacts=(("d", "x", 0.4), ("x", "y", 0.2), ("y", "x", -0.6), ("x", "x", -0.3)),
    )


def test_causal_figure_draws_an_arrow_per_impact_coloured_by_sign_and_sized_by_weight(small):
    graph = causal_graph(Model.of(small))
    fig = causal_figure(graph, layout(graph), {"d": "D <x>", "x": "X", "y": "Y"}, CAUSAL)
    arrows = [a for a in fig.layout.annotations if a.showarrow]

    # Three impacts between variables; the self-impact x -> x is no arrow.
    assert len(arrows) == 3
    assert [a.arrowcolor for a in arrows] == [
        "rgba(0,114,178,0.75)",  # d -> x, positive
        "rgba(0,114,178,0.75)",  # x -> y, positive
        "rgba(213,94,0,0.75)",  # y -> x, negative
    ]
    assert [a.arrowwidth for a in arrows] == [round(0.8 + 4.2 * w / 0.6, 2) for w in (0.4, 0.2, 0.6)]


def test_causal_figure_markers_carry_selection_keys_and_escaped_hover(small):
    graph = causal_graph(Model.of(small))
    fig = causal_figure(graph, layout(graph), {"d": "D <x>", "x": "X", "y": "Y"}, CAUSAL)
    by_name = {trace.name: trace for trace in fig.data}

    assert list(by_name["raises"].customdata) == [edge_key(0), edge_key(1)]
    assert list(by_name["lowers"].customdata) == [edge_key(2)]
    assert list(by_name["driver"].customdata) == [node_key("d")]
    assert list(by_name["indicator"].customdata) == [node_key("x"), node_key("y")]
    assert by_name["driver"].text == ("D &lt;x&gt;",)
    assert "<b>D &lt;x&gt; → X</b>" in by_name["raises"].hovertext[0]
    assert "Weight +0.4" in by_name["raises"].hovertext[0]
    assert "self -0.3" in by_name["indicator"].hovertext[0]
    assert fig.layout.clickmode == "event+select"
    assert fig.layout.yaxis.scaleanchor == "x"


def test_delta_figure_has_a_band_and_a_line_per_indicator(seed_scenario):
    current = run_ensemble(
        Model.of(seed_scenario), seed_scenario.defaults() | {"troops_deployed": 20000.0}, runs=50, seed=1
    )
    reference = run_ensemble(Model.of(seed_scenario), runs=50, seed=1)
    deltas = weekly_deltas(current.bands, reference.bands)
    names = {i.id: i.label.en for i in seed_scenario.indicators}
    fig = delta_figure(deltas, names, DELTA)

    assert len(fig.data) == 2 * len(names)
    first = deltas[deltas["indicator"] == seed_scenario.indicators[0].id].sort_values("week")
    assert list(fig.data[1].y) == first["delta"].round(2).tolist()
    assert list(fig.data[0].y) == first["delta_high"].round(2).tolist() + first["delta_low"].round(2).tolist()[::-1]
    # One panel per row; long names wrap at a space to lines of at most 32 characters, for a phone.
    titles = [a.text for a in fig.layout.annotations][: len(names)]
    assert [title.replace("<br>", " ") for title in titles] == list(names.values())
    assert "South Korea/Japan readiness and<br>US alignment" in titles
    assert all(len(line) <= 32 for title in titles for line in title.split("<br>"))
    assert {a.x for a in fig.layout.annotations[: len(names)]} == {0.5}
    assert [trace.showlegend for trace in fig.data[:2]] == [True, True]
    assert fig.data[3].showlegend is False


def test_the_layered_focus_map_puts_every_label_under_its_node(small):
    from engine.causal import focus, layered_layout

    view = focus(causal_graph(Model.of(small)), "x", steps=1)
    positions = layered_layout(view)
    fig = causal_figure(view.graph, positions, {"d": "D <x>", "x": "X", "y": "Y"}, CAUSAL, layered=True)
    labels = [a for a in fig.layout.annotations if not a.showarrow]

    assert [(a.text, a.x, a.y, a.xanchor, a.yanchor) for a in labels] == [
        ("D &lt;x&gt;", 0.0, 0.0, "center", "top"),
        ("X", 2.0, 0.0, "center", "top"),
        ("Y", 1.0, -0.5, "center", "top"),
    ]
    by_name = {trace.name: trace for trace in fig.data}
    assert by_name["driver"].mode == "markers"  # no second label beside the node
    assert fig.layout.yaxis.scaleanchor is None
    assert fig.layout.height == 150 + 120 * 1.5


def test_a_highlighted_loop_is_drawn_strong_and_the_rest_faint(small):
    graph = causal_graph(Model.of(small))
    fig = causal_figure(graph, layout(graph), {"d": "D", "x": "X", "y": "Y"}, CAUSAL, highlight=(1, 2))
    arrows = [a for a in fig.layout.annotations if a.showarrow]

    assert [a.arrowcolor for a in arrows] == ["rgba(0,114,178,0.15)", "rgba(0,114,178,0.95)", "rgba(213,94,0,0.95)"]
    assert [a.arrowwidth for a in arrows] == [round(0.8 + 4.2 * 0.4 / 0.6, 2)] + [
        round(0.8 + 4.2 * w / 0.6 + 1.5, 2) for w in (0.2, 0.6)
    ]


def test_question_figure_draws_a_dot_and_its_interval_per_setting():
    from present.charts_compare import QuestionLabels, question_figure

    frame = pd.DataFrame(
        {
            "question": ["Q <1>?", "Q2?", "Q <1>?", "Q2?"],
            "setting": ["Now", "Now", "Preset & co", "Preset & co"],
            "probability": [0.5, 0.1, 0.75, 0.0],
            "low": [0.4, 0.05, 0.7, 0.0],
            "high": [0.6, 0.2, 0.8, 0.01],
        }
    )
    fig = question_figure(frame, QuestionLabels(title="P", axis="Probability", interval="95 %"))

    now, preset = fig.data
    assert (now.name, preset.name) == ("Now", "Preset &amp; co")
    assert list(now.x) == [50.0, 10.0] and list(preset.x) == [75.0, 0.0]
    assert list(now.error_x.array) == [10.0, 10.0] and list(now.error_x.arrayminus) == [10.0, 5.0]
    assert list(preset.error_x.array) == [5.0, 1.0] and list(preset.error_x.arrayminus) == [5.0, 0.0]
    # Each question's dots sit one row apart under its text; the texts are escaped.
    assert list(now.y) == [1.6, 5.2] and list(preset.y) == [2.6, 6.2]
    assert [a.text for a in fig.layout.annotations] == ["Q &lt;1&gt;?", "Q2?"]
    assert (now.marker.color, preset.marker.color) == (PALETTE[0], PALETTE[1])
    assert tuple(fig.layout.xaxis.range) == (0, 100)


def test_a_long_title_wraps_for_a_phone_and_the_chart_grows_by_a_line_each(seed_scenario):
    from dataclasses import replace

    frame = tornado_point(Model.of(seed_scenario), seed_scenario.defaults())
    rows = frame[frame["output"] == "dprk_assertiveness"]
    names = {d.id: d.label.en for d in seed_scenario.drivers}
    short = tornado_figure(rows, names, TORNADO)
    long = "Tension on the Korean peninsula: level in week 52, each driver at its minimum and its maximum"
    wrapped = tornado_figure(rows, names, replace(TORNADO, title=long))
    assert short.layout.title.text == "T &lt;b&gt;"
    assert wrapped.layout.title.text == (
        "Tension on the Korean peninsula:<br>level in week 52, each driver at its<br>minimum and its maximum"
    )
    assert wrapped.layout.height - short.layout.height == 2 * 24
    assert wrapped.layout.margin.t - short.layout.margin.t == 2 * 24


def test_the_current_value_note_leans_towards_the_middle_so_the_edge_never_cuts_it():
    def note(base: float) -> str:
        frame = pd.DataFrame({"driver": ["a"], "base": [base], "at_min": [base - 5], "at_max": [base + 5], "rank": [1]})
        return tornado_figure(frame, {"a": "A"}, TORNADO).layout.annotations[0].xanchor

    assert (note(20.0), note(50.0), note(61.7)) == ("left", "left", "right")
