"""present/charts.py: pure functions from tidy DataFrames to go.Figure, checked trace by trace."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from engine.loader import load_scenario
from present.charts import Labels, comparison_figure, event_marks, level_names, trajectory_figure, trajectory_spec
from present.style import DASHES, PALETTE

# Okabe & Ito, "Color Universal Design" (2008): the eight colours of the colour-blind-safe palette.
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}

LABELS = Labels(title="Title", week="Wk", level="Lvl", median="med", band="band")
TINY2_FILE = Path(__file__).resolve().parent / "data" / "tiny2.yaml"

# Weeks deliberately out of order, values with more than two decimals, and an indicator ("c") that no chart asks for.
BANDS = pd.DataFrame(
    {
        "week": [2, 0, 1, 1, 0, 2, 0],
        "indicator": ["a", "a", "a", "b", "b", "b", "c"],
        "mean": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        "p10": [10.111, 20.2261, 15.0, 40.0, 41.004, 42.5, 1.0],
        "p50": [30.5549, 40.0, 35.333, 60.0, 61.0, 62.126, 2.0],
        "p90": [50.0, 60.009, 55.7771, 80.0, 81.0, 82.0, 3.0],
    }
)


def _rgba(hex_colour: str, alpha: float) -> str:
    return f"rgba({int(hex_colour[1:3], 16)},{int(hex_colour[3:5], 16)},{int(hex_colour[5:7], 16)},{alpha})"


def _strings(value) -> list[str]:
    """Every string anywhere inside a figure dict."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def test_trajectory_traces_are_band_then_median_per_indicator():
    fig = trajectory_figure(BANDS, {"a": "Alpha", "b": "Beta"}, LABELS)
    data = fig.to_dict()["data"]

    assert isinstance(fig, go.Figure)
    assert data == [
        {
            "type": "scatter",
            "x": [0, 1, 2, 2, 1, 0],
            "y": [60.01, 55.78, 50.0, 10.11, 15.0, 20.23],
            "fill": "toself",
            "fillcolor": "rgba(0,114,178,0.1)",
            "line": {"width": 1, "color": "rgba(0,114,178,0.45)"},
            "hoverinfo": "skip",
            "name": "Alpha (band)",
            "legendgroup": "a",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": [0, 1, 2],
            "y": [40.0, 35.33, 30.55],
            "mode": "lines",
            "line": {"color": "#0072B2", "width": 2.5},
            "name": "Alpha",
            "legendgroup": "a",
            "showlegend": True,
            "customdata": [[20.23, 60.01], [15.0, 55.78], [10.11, 50.0]],
            "hovertemplate": (
                "<b>Alpha</b><br>Wk %{x}<br>med %{y:.1f}<br>p10-p90 %{customdata[0]:.1f}-%{customdata[1]:.1f}"
                "<extra></extra>"
            ),
        },
        {
            "type": "scatter",
            "x": [0, 1, 2, 2, 1, 0],
            "y": [81.0, 80.0, 82.0, 42.5, 40.0, 41.0],
            "fill": "toself",
            "fillcolor": "rgba(230,159,0,0.1)",
            "line": {"width": 1, "color": "rgba(230,159,0,0.45)"},
            "hoverinfo": "skip",
            "name": "Beta (band)",
            "legendgroup": "b",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": [0, 1, 2],
            "y": [61.0, 60.0, 62.13],
            "mode": "lines",
            "line": {"color": "#E69F00", "width": 2.5},
            "name": "Beta",
            "legendgroup": "b",
            "showlegend": True,
            "customdata": [[41.0, 81.0], [40.0, 80.0], [42.5, 82.0]],
            "hovertemplate": (
                "<b>Beta</b><br>Wk %{x}<br>med %{y:.1f}<br>p10-p90 %{customdata[0]:.1f}-%{customdata[1]:.1f}"
                "<extra></extra>"
            ),
        },
    ]


def test_trajectory_median_and_band_follow_the_frame_columns():
    fig = trajectory_figure(BANDS, {"b": "Beta", "a": "Alpha"}, LABELS)
    for n, indicator in enumerate(["b", "a"]):
        frame = BANDS[BANDS["indicator"] == indicator].sort_values("week")
        band, median = fig.data[2 * n], fig.data[2 * n + 1]
        assert list(median.y) == frame["p50"].round(2).tolist()
        assert list(band.y) == frame["p90"].round(2).tolist() + frame["p10"].round(2).tolist()[::-1]
        assert list(band.x) == frame["week"].tolist() + frame["week"].tolist()[::-1]
        assert median.line.color == PALETTE[n]


def test_trajectory_layout_axes_and_title():
    fig = trajectory_figure(BANDS, {"a": "Alpha"}, LABELS)
    layout = fig.layout

    assert list(layout.yaxis.range) == [0, 100]
    assert layout.yaxis.title.text == "Lvl"
    assert layout.xaxis.title.text == "Wk"
    assert layout.title.text == "Title"
    assert layout.height == 420
    assert layout.hovermode == "x unified"
    assert len(fig.data) == 2


def test_trajectory_events_are_dotted_vlines_with_annotations():
    fig = trajectory_figure(BANDS, {"a": "Alpha"}, LABELS, events=[(1, "First"), (2, "Second")])
    shapes = fig.to_dict()["layout"]["shapes"]
    annotations = fig.to_dict()["layout"]["annotations"]

    assert shapes == [
        {
            "type": "line",
            "x0": week,
            "x1": week,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
            "line": {"color": "#666666", "dash": "dot", "width": 1},
        }
        for week in (1, 2)
    ]
    # Marks, not labels: labels a week apart overlapped. The mark's hover holds the label, and a mark close
    # to the one before it steps down a row.
    assert [(a["x"], a["yref"], a["text"], a["hovertext"], a["yshift"]) for a in annotations] == [
        (1, "y domain", "①", "First", 0),
        (2, "y domain", "②", "Second", -15),
    ]
    far = trajectory_figure(BANDS, {"a": "Alpha"}, LABELS, events=[(1, "First"), (9, "Later")])
    assert [a["yshift"] for a in far.to_dict()["layout"]["annotations"]] == [0, 0]
    assert event_marks(3) == ["①", "②", "③"]
    assert event_marks(22)[20:] == ["(21)", "(22)"]


def test_trajectory_without_events_has_no_shapes_or_annotations():
    layout = trajectory_figure(BANDS, {"a": "Alpha"}, LABELS).to_dict()["layout"]

    assert layout.get("shapes", []) == []
    assert layout.get("annotations", []) == []


def test_trajectory_colours_cycle_through_the_palette():
    weeks = list(range(2))
    many = {f"i{n}": f"I{n}" for n in range(len(PALETTE) + 2)}
    bands = pd.DataFrame(
        {
            "week": weeks * len(many),
            "indicator": [i for i in many for _ in weeks],
            "mean": 1.0,
            "p10": 1.0,
            "p50": 2.0,
            "p90": 3.0,
        }
    )
    fig = trajectory_figure(bands, many, LABELS)
    medians = fig.data[1::2]
    bands_ = fig.data[0::2]

    assert [m.line.color for m in medians] == [PALETTE[n % len(PALETTE)] for n in range(len(many))]
    assert [b.fillcolor for b in bands_] == [_rgba(PALETTE[n % len(PALETTE)], 0.1) for n in range(len(many))]


def test_palette_is_okabe_ito():
    # The module promises Okabe-Ito. Fails today: "#444444" (grey) stands in for Okabe-Ito black "#000000",
    # and is also the colour of the event annotations.
    assert len(PALETTE) == len(set(PALETTE)) == 8
    assert [c for c in PALETTE if c.upper() not in OKABE_ITO] == []
    assert PALETTE[0] == "#0072B2"
    assert PALETTE[-1] == "#F0E442"  # yellow last, it is the hardest to read on white


def test_trajectory_title_annotations_and_hover_text_are_escaped():
    labels = Labels(title="<script>alert(1)</script> & co", week="Wk", level="Lvl")
    fig = trajectory_figure(BANDS, {"a": "<b>x</b>"}, labels, events=[(1, "<img src=x onerror=alert(1)>")])

    assert fig.layout.title.text == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    assert fig.layout.annotations[0].hovertext == "&lt;img src=x onerror=alert(1)&gt;"
    assert fig.data[1].hovertemplate.startswith("<b>&lt;b&gt;x&lt;/b&gt;</b><br>")


def test_trajectory_trace_names_are_escaped():
    # Plotly renders its HTML subset in legend entries, so the band and median trace names carry the scenario
    # label escaped, as the hover text does.
    fig = trajectory_figure(BANDS, {"a": "<script>x</script>"}, LABELS)

    assert [trace.name for trace in fig.data] == [
        "&lt;script&gt;x&lt;/script&gt; (band)",
        "&lt;script&gt;x&lt;/script&gt;",
    ]
    assert [s for s in _strings(fig.to_dict()) if "<script" in s] == []


def _two_references():
    low = BANDS.assign(p50=BANDS["p50"] - 10.0)
    high = BANDS.assign(p50=BANDS["p50"] + 10.004)
    return {"Low": low, "High": high}


def test_comparison_traces_and_axes_per_indicator():
    refs = _two_references()
    indicators = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    fig = comparison_figure(BANDS, refs, indicators, LABELS, current_name="Now", columns=2)
    data = fig.to_dict()["data"]

    assert len(data) == len(indicators) * (2 + len(refs))
    assert [t["name"] for t in data] == ["Now (band)", "Now", "Low", "High"] * 3
    axes = ["x", "x2", "x3"]
    assert [t["xaxis"] for t in data] == [a for a in axes for _ in range(4)]
    assert [t["yaxis"] for t in data] == [a.replace("x", "y") for a in axes for _ in range(4)]
    # One legend entry per series: only the first subplot's median and references show in the legend.
    assert [t["showlegend"] for t in data] == [False, True, True, True] + [False] * 8
    for n, indicator in enumerate(indicators):
        frame = BANDS[BANDS["indicator"] == indicator].sort_values("week")
        band, median, low, high = data[4 * n : 4 * n + 4]
        assert median["y"] == frame["p50"].round(2).tolist()
        assert band["y"] == frame["p90"].round(2).tolist() + frame["p10"].round(2).tolist()[::-1]
        assert median["line"]["color"] == PALETTE[0]
        for k, (trace, name) in enumerate(((low, "Low"), (high, "High"))):
            ref = refs[name][refs[name]["indicator"] == indicator].sort_values("week")
            assert trace["x"] == ref["week"].tolist()
            assert trace["y"] == ref["p50"].round(2).tolist()
            assert trace["line"] == {"color": PALETTE[k + 1], "width": 2, "dash": DASHES[k]}
            assert trace["hovertemplate"] == f"{name}: %{{y:.1f}}<extra></extra>"


def test_comparison_layout():
    indicators = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    fig = comparison_figure(BANDS, _two_references(), indicators, LABELS, "Now", columns=2)
    layout = fig.to_dict()["layout"]

    assert [layout[f"yaxis{s}"]["range"] for s in ("", "2", "3", "4")] == [[0, 100]] * 4
    assert [a["text"] for a in layout["annotations"]] == ["Alpha", "Beta", "Gamma"]
    assert layout["title"]["text"] == "Title"
    assert layout["height"] == 460
    assert layout["xaxis3"]["title"]["text"] == "Wk"


def test_comparison_height_has_a_floor_and_grows_with_rows():
    one = comparison_figure(BANDS, {}, {"a": "Alpha"}, LABELS, "Now")
    ten = comparison_figure(BANDS, {}, {f"i{n}": str(n) for n in range(10)}, LABELS, "Now")

    assert one.layout.height == 320
    assert ten.layout.height == 230 * 10  # one column by default
    assert len(one.data) == 2


def test_comparison_with_an_odd_count_keeps_week_labels_under_every_column():
    # With an odd number of indicators the last cell of the right column is empty; the chart above it ("Beta"
    # here) still shows its week labels, which shared x axes would hide on every row but the last.
    fig = comparison_figure(BANDS, {}, {"a": "Alpha", "b": "Beta", "c": "Gamma"}, LABELS, "Now", columns=2)
    layout = fig.to_dict()["layout"]
    beta_axis = "xaxis" + fig.data[2].xaxis.removeprefix("x")  # "x2" -> "xaxis2"

    assert layout[beta_axis].get("showticklabels", True) is True


def test_comparison_names_titles_and_hover_are_escaped():
    labels = Labels(title="<i>t</i>", week="Wk", level="Lvl")
    refs = {"<b>ref</b>": BANDS}
    fig = comparison_figure(BANDS, refs, {"a": "<script>a</script>"}, labels, current_name="Now")

    assert fig.layout.title.text == "&lt;i&gt;t&lt;/i&gt;"
    assert fig.layout.annotations[0].text == "&lt;script&gt;a&lt;/script&gt;"
    assert fig.data[2].hovertemplate == "&lt;b&gt;ref&lt;/b&gt;: %{y:.1f}<extra></extra>"


def test_comparison_reference_names_are_escaped():
    # Preset labels are scenario text and the legend renders markup, so the reference trace's name is escaped.
    refs = {"<script>ref</script>": BANDS}
    fig = comparison_figure(BANDS, refs, {"a": "Alpha"}, LABELS, current_name="Now")

    assert fig.data[2].name == "&lt;script&gt;ref&lt;/script&gt;"
    assert [s for s in _strings(fig.to_dict()) if "<script" in s] == []


def test_the_unvalidated_trajectory_figure_is_exactly_what_plotly_validation_gives():
    # trajectory_figure skips plotly's per-property validation for speed; validating its spec must
    # neither raise nor change a single value, for hostile labels and events included.
    labels = Labels(title="<b>T</b> & co", week="Wk", level="Lvl", median="med", band="band")
    fig = trajectory_figure(BANDS, {"a": "Alpha <i>", "b": "Beta"}, labels, [(1, "<script>x</script>"), (2, "two")])
    spec = fig.to_dict()
    validated = go.Figure(spec).to_dict()
    assert validated == spec
    assert (
        go.Figure(trajectory_figure(BANDS, {"a": "Alpha"}, labels).to_dict()).to_dict()
        == trajectory_figure(BANDS, {"a": "Alpha"}, labels).to_dict()
    )


def test_the_spec_the_page_sends_is_exactly_what_plotly_validation_makes_of_it():
    # The page sends trajectory_spec's dict as it stands (no to_dict, no validation on the way): it must hold only
    # plain JSON values, equal to the figure's to_dict() and unchanged by plotly's validation, panels included.
    labels = Labels(title="<b>T</b> & co", week="Wk", level="Lvl", median="med", band="band")
    events = [(1, "<script>x</script>"), (2, "two")]
    shared = trajectory_spec(BANDS, {"a": "Alpha <i>", "b": "Beta"}, labels, events)
    panels = trajectory_spec(BANDS, {"a": "Alpha", "i1": "One"}, SCALED, events, scales={"a": SCALE_A, "i1": SCALE_B})
    for spec in (shared, panels):
        assert json.loads(json.dumps(spec)) == spec
        assert go.Figure(spec).to_dict() == spec
    assert trajectory_figure(BANDS, {"a": "Alpha <i>", "b": "Beta"}, labels, events).to_dict() == shared
    assert "xaxis2" in panels["layout"] and "xaxis2" not in shared["layout"]  # one panel per scale, one plot


def test_the_unvalidated_comparison_figure_is_exactly_what_plotly_validation_gives():
    labels = Labels(title="<b>T</b> & co", week="Wk", level="Lvl", median="med", band="band")
    for count in (1, 2, 3, 10):
        indicators = {f"i{n}": f"<i>{n}</i>" for n in range(count)}
        references = {} if count == 2 else _two_references()
        spec = comparison_figure(BANDS.assign(indicator="i0"), references, indicators, labels, "Now").to_dict()
        assert go.Figure(spec).to_dict() == spec


# --- anchored scales ----------------------------------------------------------------------------------------

SCALE_A = ((20.0, "Quiet"), (50.0, "Busy"), (80.0, "Crowded"))
SCALE_B = ((10.0, "Faint"), (30.0, "Audible"), (60.0, "Loud"))
SCALED = Labels(title="Title", week="Wk", level="Lvl", median="med", band="band", below_level="below “{level}”")


def _level_line(level, text, axes=""):
    return {
        "type": "line",
        "xref": f"x{axes} domain",
        "x0": 0,
        "x1": 1,
        "yref": f"y{axes}",
        "y0": level,
        "y1": level,
        "layer": "below",
        "line": {"color": "#9E9E9E", "width": 1, "dash": "dash"},
        "label": {
            "text": text,
            "textposition": "end",
            "yanchor": "bottom",
            "font": {"size": 10, "color": "#555555"},
        },
    }


def test_one_indicator_draws_its_levels_as_labelled_lines_and_names_them_in_the_hover():
    fig = trajectory_figure(BANDS, {"a": "Alpha"}, SCALED, events=[(1, "First")], scales={"a": SCALE_A, "b": SCALE_B})
    spec = fig.to_dict()

    # Level lines first, under the event lines; the events keep their own annotations.
    assert spec["layout"]["shapes"][:3] == [
        _level_line(20.0, "Quiet"),
        _level_line(50.0, "Busy"),
        _level_line(80.0, "Crowded"),
    ]
    assert [s["x0"] for s in spec["layout"]["shapes"][3:]] == [1]
    assert [a["hovertext"] for a in spec["layout"]["annotations"]] == ["First"]
    median = spec["data"][1]
    # Medians 40.0, 35.33, 30.55 (weeks 0-2) all lie in "Quiet" (20 to 50).
    assert median["customdata"] == [[20.23, 60.01, "Quiet"], [15.0, 55.78, "Quiet"], [10.11, 50.0, "Quiet"]]
    assert median["hovertemplate"] == (
        "<b>Alpha</b><br>Wk %{x}<br>med %{y:.1f} — %{customdata[2]}<br>"
        "p10-p90 %{customdata[0]:.1f}-%{customdata[1]:.1f}<extra></extra>"
    )


def test_indicators_with_different_scales_get_a_panel_each_with_its_own_levels():
    fig = trajectory_figure(
        BANDS, {"a": "Alpha", "b": "Beta"}, SCALED, events=[(1, "First")], scales={"a": SCALE_A, "b": SCALE_B}
    )
    spec = fig.to_dict()

    # One column of panels, each with its own levels and the event's dotted line; one mark for the event.
    assert [(spec["layout"][f"xaxis{n}"]["domain"], spec["layout"][f"yaxis{n}"]["range"]) for n in ("", "2")] == [
        ([0.0, 1.0], [0, 100]),
        ([0.0, 1.0], [0, 100]),
    ]
    level_lines = [s for s in spec["layout"]["shapes"] if s["line"]["dash"] == "dash"]
    assert level_lines == [_level_line(level, text) for level, text in SCALE_A] + [
        _level_line(level, text, "2") for level, text in SCALE_B
    ]
    assert [(s["xref"], s["x0"]) for s in spec["layout"]["shapes"] if s["line"]["dash"] == "dot"] == [
        ("x", 1),
        ("x2", 1),
    ]
    titles = [a["text"] for a in spec["layout"]["annotations"] if "hovertext" not in a]
    assert titles == ["Alpha", "Beta"]
    assert [a["text"] for a in spec["layout"]["annotations"] if "hovertext" in a] == ["①"]
    assert spec["layout"]["showlegend"] is False  # the panel titles name the indicators
    assert [(t.get("xaxis"), t["name"]) for t in spec["data"]] == [
        ("x", "Alpha (band)"),
        ("x", "Alpha"),
        ("x2", "Beta (band)"),
        ("x2", "Beta"),
    ]
    assert [row[2] for row in spec["data"][1]["customdata"]] == ["Quiet", "Quiet", "Quiet"]
    # Beta's medians 61.0, 60.0, 62.13: "Loud" from 60 up.
    assert [row[2] for row in spec["data"][3]["customdata"]] == ["Loud", "Loud", "Loud"]
    go.Figure(spec)  # plotly's own validation accepts the spec built without it


def test_indicators_sharing_one_scale_share_its_lines():
    fig = trajectory_figure(BANDS, {"a": "Alpha", "b": "Beta"}, SCALED, scales={"a": SCALE_A, "b": SCALE_A})
    assert fig.to_dict()["layout"]["shapes"] == [_level_line(level, text) for level, text in SCALE_A]
    assert [row[2] for row in fig.to_dict()["data"][3]["customdata"]] == ["Busy", "Busy", "Busy"]


def test_an_indicator_without_a_scale_keeps_the_schema_1_chart_exactly():
    plain = trajectory_figure(BANDS, {"a": "Alpha", "b": "Beta"}, LABELS).to_dict()
    mixed = trajectory_figure(BANDS, {"a": "Alpha", "b": "Beta"}, LABELS, scales={"a": SCALE_A}).to_dict()

    # One scale of two is not a shared one: Alpha gets its panel with its levels, Beta a plain panel.
    assert [s["yref"] for s in mixed["layout"]["shapes"]] == ["y", "y", "y"]
    assert mixed["data"][3]["hovertemplate"] == (
        "<b>Beta</b><br>Wk %{x}<br>med %{y:.1f}<br>p10-p90 %{customdata[0]:.1f}-%{customdata[1]:.1f}<extra></extra>"
    )
    assert "shapes" not in plain["layout"]
    assert trajectory_figure(BANDS, {"a": "Alpha"}, LABELS, scales={}).to_dict() == (
        trajectory_figure(BANDS, {"a": "Alpha"}, LABELS).to_dict()
    )


def test_level_names_follow_the_engines_rule_at_the_precision_shown():
    level = load_scenario(TINY2_FILE).indicator("level")
    scale = [(lv.level, lv.text.en) for lv in level.scale]
    values = [n / 100 for n in range(0, 10001, 7)]
    expected = []
    for value in values:
        reached = level.level_of(round(value, 1))
        expected.append(reached.text.en if reached else "below “Quiet”")
    assert level_names(values, scale, "below “{level}”") == expected
    assert level_names([19.94, 19.96, 50.0], scale, "below “{level}”") == ["below “Quiet”", "Quiet", "Busy"]


def test_comparison_panels_each_draw_their_own_scale_with_short_labels():
    long = "A very long description of what one would observe at this level"
    scales = {"a": SCALE_A, "b": ((25.0, long), (50.0, "Mid"), (75.0, "High"))}
    refs = {"Low": BANDS.assign(p50=BANDS["p50"] - 10.0)}
    fig = comparison_figure(BANDS, refs, {"a": "Alpha", "b": "Beta", "c": "Gamma"}, SCALED, "Now", scales=scales)
    spec = fig.to_dict()

    short = "A very long description of what one wou…"
    assert len(short) == 40
    assert spec["layout"]["shapes"] == [_level_line(level, text) for level, text in SCALE_A] + [
        _level_line(25.0, short, "2"),
        _level_line(50.0, "Mid", "2"),
        _level_line(75.0, "High", "2"),
    ]
    median_b, reference_b, reference_c = spec["data"][4], spec["data"][5], spec["data"][8]
    # Beta's medians 61.0, 60.0, 62.13 lie in "Mid" (50 to 75), and so do the reference's, 10 lower.
    assert [row[2] for row in median_b["customdata"]] == ["Mid", "Mid", "Mid"]
    assert reference_b["y"] == [51.0, 50.0, 52.13]
    assert reference_b["customdata"] == ["Mid", "Mid", "Mid"]
    assert reference_b["hovertemplate"] == "Low: %{y:.1f} — %{customdata}<extra></extra>"
    # Gamma has no scale: neither lines nor level names.
    assert "customdata" not in reference_c
    assert reference_c["hovertemplate"] == "Low: %{y:.1f}<extra></extra>"


def test_level_texts_are_escaped_in_lines_and_hovers():
    scale = ((20.0, "<b>Quiet</b>"), (50.0, "Busy & loud"), (80.0, "<script>x</script>"))
    fig = trajectory_figure(BANDS, {"a": "Alpha"}, SCALED, scales={"a": scale})
    spec = fig.to_dict()

    assert [s["label"]["text"] for s in spec["layout"]["shapes"]] == [
        "&lt;b&gt;Quiet&lt;/b&gt;",
        "Busy &amp; loud",
        "&lt;script&gt;x&lt;/script&gt;",
    ]
    assert [row[2] for row in spec["data"][1]["customdata"]] == ["&lt;b&gt;Quiet&lt;/b&gt;"] * 3
    assert [s for s in _strings(spec) if "<script" in s or "<b>Q" in s] == []
    below = trajectory_figure(
        BANDS, {"a": "Alpha"}, SCALED, scales={"a": ((70.0, "<i>Hi</i>"), (80.0, "b"), (90.0, "c"))}
    )
    assert [row[2] for row in below.to_dict()["data"][1]["customdata"]] == ["below “&lt;i&gt;Hi&lt;/i&gt;”"] * 3


def test_the_unvalidated_scaled_figures_are_exactly_what_plotly_validation_gives():
    scales = {"a": ((20.0, "<b>Q</b>"), (50.0, "Busy")), "i1": SCALE_B}
    trajectory = trajectory_figure(BANDS, {"a": "Alpha"}, SCALED, [(1, "e")], scales=scales).to_dict()
    assert go.Figure(trajectory).to_dict() == trajectory
    for count in (1, 2, 3):
        indicators = {f"i{n}": f"<i>{n}</i>" for n in range(count)}
        spec = comparison_figure(
            BANDS.assign(indicator="i1"), _two_references(), indicators, SCALED, "Now", scales=scales
        ).to_dict()
        assert go.Figure(spec).to_dict() == spec


def test_long_titles_wrap_and_the_top_margin_makes_room_for_them():
    # What a 400 px phone screen fits: the chart's title in lines of 36 characters, a panel's in lines of 32.
    labels = Labels(title="Current settings compared with the presets <and> their medians", week="Wk", level="Lvl")
    indicators = {"a": "South Korea/Japan readiness & US alignment", "b": "Beta"}
    layout = comparison_figure(BANDS, {}, indicators, labels, "Now").to_dict()["layout"]

    assert layout["title"]["text"] == "Current settings compared with the<br>presets &lt;and&gt; their medians"
    assert [a["text"] for a in layout["annotations"]] == ["South Korea/Japan readiness &amp; US<br>alignment", "Beta"]
    assert [layout["xaxis"]["domain"], layout["xaxis2"]["domain"]] == [[0.0, 1.0], [0.0, 1.0]]
    # 12 px over the title, 24 px a line for its two lines and the first panel's two, 20 px under them.
    assert layout["margin"]["t"] == 32 + 24 * 4
    assert (layout["title"]["y"], layout["title"]["yanchor"], layout["title"]["yref"]) == (1, "top", "container")


def test_a_short_title_keeps_one_line():
    layout = trajectory_figure(BANDS, {"a": "Alpha"}, LABELS).to_dict()["layout"]

    assert layout["title"]["text"] == "Title"
    assert layout["margin"]["t"] == 32 + 24


def test_the_legend_sits_a_fixed_distance_under_the_plot():
    # 60 px under the plot (its ticks and the week title between), however tall the grid of panels.
    short = trajectory_figure(BANDS, {"a": "Alpha"}, LABELS).to_dict()["layout"]
    tall = comparison_figure(BANDS, {}, {f"i{n}": str(n) for n in range(10)}, LABELS, "Now").to_dict()["layout"]

    assert short["legend"]["y"] == -60 / (420 - 56 - 50)
    assert tall["legend"]["y"] == -60 / (2300 - 80 - 50)  # a line more on top: the panels' titles
    assert (short["legend"]["yanchor"], tall["legend"]["orientation"]) == ("top", "h")


def test_rows_of_panels_leave_room_for_the_ticks_and_a_two_line_title():
    # 30 px for the upper panel's week ticks, 24 px a line for the lower panel's title; the plot is 460 px less
    # the margins (80 on top: the chart's title and the first panel's, one line each; 50 below).
    indicators = {"a": "Alpha", "b": "South Korea/Japan readiness and US alignment"}
    layout = comparison_figure(BANDS, {}, indicators, LABELS, "Now").to_dict()["layout"]

    assert layout["annotations"][1]["text"] == "South Korea/Japan readiness and<br>US alignment"
    assert (layout["height"], layout["margin"]["t"], layout["margin"]["b"]) == (460, 80, 50)
    gap = layout["yaxis"]["domain"][0] - layout["yaxis2"]["domain"][1]
    assert round(gap * (460 - 80 - 50), 6) == 30 + 24 * 2
