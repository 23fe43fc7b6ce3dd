"""present/rounds.py without Streamlit: the round's figures, tables, sentences and CSV downloads.

Small pools (200 runs, seed 1) on the seed scenario; a copy of it with markup in its labels, units, question
and level texts for the escaping; members named with markup and formulas.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from engine.ledger import Forecast, Resolution, reliability
from engine.loader import load_scenario, parse_scenario
from engine.model import Model
from engine.pooling import Judgement, compare_spreads, disagreement, pooled_ensemble, spread
from engine.rounds import Submission
from present import rounds as present

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "scenarios" / "dprk-russia-2024.yaml"
YAML = SEED_FILE.read_text(encoding="utf-8")
SCENARIO = load_scenario(SEED_FILE)
MODEL = Model.of(SCENARIO)
DEFAULTS = {d.id: d.default for d in SCENARIO.drivers}
FOCUS = ["motives_capability", "aggressive_posture"]
TEXT = {q.id: q.text.en for q in SCENARIO.questions}
TEXT_DE = {q.id: q.text.de for q in SCENARIO.questions}
MALLORY = "<b>Mallory</b>"
MALLORY_SHOWN = "&lt;b&gt;Mallory&lt;/b&gt;"
NBSP = "\u00a0"
# Plotly's own markup that the builders write around escaped text; nothing else may hold a "<".
OWN_MARKUP = ("<br>", "<extra></extra>")

HOSTILE_EDITS = {
    'label: {en: "North Korean troops deployed", de: "Entsandte nordkoreanische Soldaten"}': (
        'label: {en: "<b>Troops</b> & co", de: "<i>Soldaten</i> & Co"}'
    ),
    "unit: {en: soldiers, de: Soldaten}": 'unit: {en: "<s>men</s>", de: "<s>Mann</s>"}',
    'label: {en: "North Korean military capability", de:': 'label: {en: "<u>capability</u>", de:',
    "en: \"Motives: does North Korea's military capability reach 'Russian know-how visible in new weapons or "
    "launches' within half a year?\"": 'en: "<img src=x onerror=alert(1)> within half a year?"',
    '{level: 50, text: {en: "Russian know-how visible in new weapons or launches"': (
        '{level: 50, text: {en: "<script>alert(1)</script> know-how"'
    ),
}


def _hostile_yaml() -> str:
    text = YAML
    for old, new in HOSTILE_EDITS.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


HOSTILE = parse_scenario(_hostile_yaml(), "hostile.yaml")
HOSTILE_MODEL = Model.of(HOSTILE)


def _judgements() -> list[Judgement]:
    return [
        Judgement(
            "Alice",
            DEFAULTS | {"troops_deployed": 15000.0, "sanctions_pressure": 80.0},
            {},
            {"motives_capability": 0.6, "aggressive_posture": 0.2},
        ),
        Judgement(MALLORY, DEFAULTS | {"troops_deployed": 3000.0}, {}, {"motives_capability": 0.2}),
    ]


def _submission(n: int, j: Judgement, comment: str = "", impacts=None, superseded: bool = False) -> Submission:
    return Submission(
        n, "r" * 22, j.member, j.values, impacts or {}, j.gut, comment, f"2025-01-0{n}T10:2{n}:00+00:00", superseded
    )


@pytest.fixture(scope="module")
def pool():
    return pooled_ensemble(MODEL, _judgements(), runs=200, seed=1)


@pytest.fixture(scope="module")
def hostile_pool():
    return pooled_ensemble(HOSTILE_MODEL, _judgements(), runs=200, seed=1)


def _pct(share: float, lang: str) -> str:
    """A whole percentage as the page writes it, for shares well inside (1 %, 99 %)."""
    assert 0.01 <= share <= 0.99, share
    return f"{share * 100:.0f}" + (f"{NBSP}%" if lang == "de" else "%")


def _strings(value) -> list[str]:
    """Every string inside a figure's JSON (data and layout), keys left out."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _unescaped(fig) -> list[str]:
    """The strings of a figure that hold a "<" other than the builders' own <br> and <extra></extra>."""
    found = []
    for s in _strings(json.loads(fig.to_json())):
        bare = s
        for markup in OWN_MARKUP:
            bare = bare.replace(markup, "")
        if "<" in bare or ">" in bare:
            found.append(s)
    return found


# --- the pooled figure ----------------------------------------------------------------------------------------


def test_the_pooled_figure_has_each_member_each_gut_their_median_and_the_pooled_diamond(pool):
    fig = present.pooled_figure(SCENARIO, pool, FOCUS, "en", names=True)
    members, guts, median, pooled = fig.data
    assert [t.name for t in fig.data] == [
        "a member's settings",
        "a member's gut estimate",
        "median gut estimate",
        "pooled model",
    ]
    own = pool.member_questions.set_index(["question", "member"])["probability"]
    order = [(q, m) for q in FOCUS for m in ("Alice", MALLORY)]
    assert list(members.x) == [round(own[key] * 100, 2) for key in order]
    assert list(members.text) == ["Alice", MALLORY_SHOWN, "Alice", MALLORY_SHOWN]
    # Mallory gave no gut estimate for the second question: three open circles.
    assert list(guts.x) == [60.0, 20.0, 20.0]
    assert list(guts.text) == ["Alice", MALLORY_SHOWN, "Alice"]
    assert list(median.x) == [20.0, 40.0]  # aggressive_posture (20 only), motives_capability (60 and 20)
    table = pool.questions.set_index("question")
    p = [table.loc[q, "probability"] * 100 for q in FOCUS]
    assert list(pooled.x) == [round(v, 2) for v in p]
    assert pooled.marker.symbol == "diamond"
    assert list(pooled.error_x.array) == [
        round(table.loc[q, "high"] * 100 - v, 2) for q, v in zip(FOCUS, p, strict=True)
    ]
    assert list(pooled.error_x.arrayminus) == [
        round(v - table.loc[q, "low"] * 100, 2) for q, v in zip(FOCUS, p, strict=True)
    ]
    # One row per question: the diamond on it, the members' dots above, the gut estimates below.
    rows = list(pooled.y)
    assert rows[0] < rows[1]
    assert list(members.y) == [rows[0] - 0.45, rows[0] - 0.45, rows[1] - 0.45, rows[1] - 0.45]
    assert [a.text for a in fig.layout.annotations] == [present._wrapped(TEXT[q]) for q in FOCUS]


@pytest.mark.parametrize(("lang", "member"), [("en", "member"), ("de", "Mitglied")])
def test_the_pooled_figure_hides_the_names_for_participants(pool, lang, member):
    fig = present.pooled_figure(SCENARIO, pool, FOCUS, lang, names=False)
    assert list(fig.data[0].text) == [member] * 4
    assert list(fig.data[1].text) == [member] * 3
    assert "Mallory" not in fig.to_json() and "Alice" not in fig.to_json()


# --- the split, the spread, the band, the disagreement ------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_split_bars_add_up_to_100_and_say_the_pool_disagreement(pool, lang):
    fig = present.split_figure(SCENARIO, pool, FOCUS, lang)
    within, between = fig.data
    assert [t.name for t in fig.data] == (
        ["model uncertainty", "disagreement"] if lang == "en" else ["Modellunsicherheit", "Uneinigkeit"]
    )
    assert fig.layout.barmode == "stack"
    assert [round(a + b, 6) for a, b in zip(within.x, between.x, strict=True)] == [100.0, 100.0]
    share = pool.split[pool.split["measure"] == "value"].set_index("question").loc[FOCUS, "disagreement"]
    assert list(between.x) == [round(v * 100, 2) for v in share]
    assert list(between.text) == [_pct(v, lang) for v in share]
    assert list(within.text) == [_pct(1 - v, lang) for v in share]
    assert list(within.y) == list(between.y)


def test_the_spread_frame_and_figure_have_one_dot_per_member_and_driver(pool):
    subs = [_submission(n, j) for n, j in enumerate(_judgements(), start=1)]
    frame = present.driver_spread_frame(SCENARIO, subs, "en", names=True)
    assert len(frame) == 2 * len(SCENARIO.drivers)
    assert list(frame.columns) == ["driver", "member", "value", "position", "shown"]
    first = frame.iloc[0]
    assert (first["driver"], first["member"], first["value"], first["position"], first["shown"]) == (
        "North Korean troops deployed",
        "Alice",
        15000.0,
        75.0,
        "15,000 soldiers",
    )
    baseline = SCENARIO.preset_values("baseline")
    fig = present.driver_spread_figure(SCENARIO, frame, baseline, DEFAULTS, "en")
    dots, start, reported = fig.data
    assert [t.name for t in fig.data] == ["member", "round's starting setting", "reported baseline"]
    assert list(dots.x) == [round(v, 2) for v in frame["position"]]
    assert len(dots.x) == 28 and len(start.x) == len(SCENARIO.drivers) == len(reported.x)
    assert dots.text[0] == "Alice: 15,000 soldiers"
    assert dots.text[len(SCENARIO.drivers)] == f"{MALLORY_SHOWN}: 3,000 soldiers"
    assert list(start.x) == [round(100 * d.to_unit(d.default), 2) for d in SCENARIO.drivers]
    assert list(reported.x) == [round(100 * d.to_unit(baseline[d.id]), 2) for d in SCENARIO.drivers]
    # Each member's dot sits on its driver's row.
    assert list(dots.y) == list(start.y) * 2
    assert len(present.driver_spread_figure(SCENARIO, frame, None, DEFAULTS, "en").data) == 2

    hidden = present.driver_spread_frame(SCENARIO, subs, "de", names=False)
    assert set(hidden["member"]) == {"Mitglied"}
    assert hidden.iloc[0]["shown"] == "15.000 Soldaten"


def test_the_band_figure_has_the_pooled_band_one_line_per_member_and_the_levels(pool):
    fig = present.band_figure(SCENARIO, pool, "dprk_capability", "en")
    band, *lines, median = fig.data
    weeks = SCENARIO.horizon_weeks + 1
    assert len(band.x) == 2 * weeks and band.fill == "toself"
    assert len(lines) == 2
    assert [t.showlegend for t in lines] == [True, False]
    assert median.name == "pooled model"
    bands = pool.bands[pool.bands["indicator"] == "dprk_capability"]
    assert list(median.y) == bands["p50"].round(2).tolist()
    assert [s.y0 for s in fig.layout.shapes] == [level.level for level in SCENARIO.indicator("dprk_capability").scale]


def test_the_disagreement_figure_and_sentences_follow_the_swings():
    judgements = _judgements()
    frame = disagreement(MODEL, judgements, 100, 1, FOCUS)
    fig = present.disagreement_figure(SCENARIO, frame, "motives_capability", "en")
    assert [t.name for t in fig.data] == [
        "the members' highest value gives the higher probability",
        "the members' highest value gives the lower probability",
    ]
    # Drivers every member set alike move nothing and get no row.
    top = frame[(frame["question"] == "motives_capability") & (frame["effect"] != 0)].sort_values("rank").head(8)
    assert sum(len(t.x) for t in fig.data) == len(top) == 1
    low, high = top["at_low"].to_numpy() * 100, top["at_high"].to_numpy() * 100
    raises = high >= low
    assert list(fig.data[0].x) == np.abs(high - low)[raises].round(2).tolist()
    assert list(fig.data[0].base) == np.minimum(low, high)[raises].round(2).tolist()

    moving = top[top["effect"] != 0]
    assert set(moving["driver"]) <= {"troops_deployed", "sanctions_pressure"}
    expected = []
    for row in moving.head(3).itertuples():
        d = SCENARIO.driver(row.driver)
        low_text = f"{row.low:,.0f} {d.unit_in('en')}"
        high_text = f"{row.high:,.0f} {d.unit_in('en')}"
        expected.append(
            f"{d.label.en}: members set it between {low_text} and {high_text}; across that range the probability "
            f"moves from {_pct(row.at_low, 'en')} to {_pct(row.at_high, 'en')}."
        )
    assert present.disagreement_sentences(SCENARIO, frame, "motives_capability", "en") == expected
    assert expected[0].startswith("North Korean troops deployed: members set it between 3,000 soldiers and 15,000 ")


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "The members set every driver alike: no disagreement about the drivers."),
        ("de", "Die Mitglieder setzen alle Treiber gleich: keine Uneinigkeit über die Treiber."),
    ],
)
def test_members_who_set_every_driver_alike_agree(lang, sentence):
    alike = [Judgement("A", DEFAULTS), Judgement("B", DEFAULTS, {}, {"motives_capability": 0.9})]
    frame = disagreement(MODEL, alike, 100, 1, FOCUS)
    assert set(frame["effect"]) == {0.0}
    assert present.disagreement_sentences(SCENARIO, frame, "motives_capability", lang) == [sentence]


def _forecast(n: int, question: str, p: float, source: str = "model", label: str = "", text: str = "") -> Forecast:
    return Forecast(
        n, question, p, p, p, source, label, "d" * 64, '{"runs":200}', f"2025-02-0{n % 9 + 1}T08:00:00+00:00", text
    )


def test_the_reliability_figure_has_the_diagonal_and_a_dot_per_bin():
    forecasts = [
        _forecast(n, "motives_capability", p)
        for n, p in enumerate([0.05, 0.1, 0.3, 0.3, 0.5, 0.7, 0.9, 0.9, 0.95, 1.0], 1)
    ]
    bins = reliability(forecasts, [Resolution(1, "motives_capability", True, "2025-03-01", "", "x")])
    for lang, perfect in (("en", "perfectly reliable"), ("de", "vollkommen verlässlich")):
        fig = present.reliability_figure(bins, lang)
        diagonal, dots = fig.data
        assert (list(diagonal.x), list(diagonal.y), diagonal.line.dash, diagonal.name) == (
            [0, 100],
            [0, 100],
            "dash",
            perfect,
        )
        assert list(dots.x) == [7.5, 30.0, 50.0, 70.0, 93.75]
        assert list(dots.y) == [100.0] * 5
        assert list(dots.text) == ["2", "2", "1", "1", "4"]
        assert list(dots.marker.size) == [12, 12, 10, 10, 16]


# --- escaping ------------------------------------------------------------------------------------------------


def test_every_text_of_every_figure_is_escaped_for_plotly(hostile_pool):
    subs = [_submission(n, j) for n, j in enumerate(_judgements(), start=1)]
    frame = disagreement(HOSTILE_MODEL, _judgements(), 100, 1, FOCUS)
    forecasts = [_forecast(n, "motives_capability", n / 10) for n in range(10)]
    for lang in ("en", "de"):
        spread_frame = present.driver_spread_frame(HOSTILE, subs, lang, names=True)
        figures = {
            "pooled": present.pooled_figure(HOSTILE, hostile_pool, FOCUS, lang, names=True),
            "hidden": present.pooled_figure(HOSTILE, hostile_pool, FOCUS, lang, names=False),
            "split": present.split_figure(HOSTILE, hostile_pool, FOCUS, lang),
            "spread": present.driver_spread_figure(
                HOSTILE, spread_frame, HOSTILE.preset_values("baseline"), DEFAULTS, lang
            ),
            "band": present.band_figure(HOSTILE, hostile_pool, "dprk_capability", lang),
            "disagreement": present.disagreement_figure(HOSTILE, frame, "motives_capability", lang),
            "reliability": present.reliability_figure(
                reliability(forecasts, [Resolution(1, "motives_capability", False, "2025-03-01", "", "x")]), lang
            ),
        }
        for name, fig in figures.items():
            assert _unescaped(fig) == [], (name, lang)
        texts = {name: " ".join(_strings(json.loads(fig.to_json()))) for name, fig in figures.items()}
        assert MALLORY_SHOWN in texts["pooled"] and MALLORY_SHOWN in texts["spread"]
        assert "Mallory" not in texts["hidden"]
        troops = "&lt;b&gt;Troops&lt;/b&gt; &amp; co" if lang == "en" else "&lt;i&gt;Soldaten&lt;/i&gt; &amp; Co"
        assert troops in texts["disagreement"] and troops in texts["spread"]  # the driver's row labels
        shown = "3,000 &lt;s&gt;men&lt;/s&gt;" if lang == "en" else "3.000 &lt;s&gt;Mann&lt;/s&gt;"
        assert f"{MALLORY_SHOWN}: {shown}" in texts["spread"]  # the hover texts
        if lang == "en":  # the question, level and indicator were made hostile in English only
            assert "&lt;img src=x onerror=alert(1)&gt;" in texts["pooled"]
            assert "&lt;img src=x onerror=alert(1)&gt;" in texts["split"]
            assert "&lt;script&gt;alert(1)&lt;/script&gt; know-how" in texts["band"]  # the level's note
            assert "&lt;u&gt;capability&lt;/u&gt;" in texts["band"]  # the indicator, in the title


# --- CSV downloads -------------------------------------------------------------------------------------------


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_results_csv_neutralises_formula_cells_and_keeps_numbers_numeric(pool):
    hostile = [
        Judgement('=HYPERLINK("http://x")', DEFAULTS | {"troops_deployed": 3000.0}, {}, {"motives_capability": 0.3}),
        Judgement("-Bob", DEFAULTS, {}, {"aggressive_posture": 0.25}),
        Judgement("@Eve", DEFAULTS),
        Judgement("+Dan", DEFAULTS),
    ]
    # Impact 5 is a self-impact with a negative weight: its numbers stay numbers, minus sign and all.
    subs = [
        _submission(1, hostile[0], comment="+SUM(A1:A9)", impacts={5: (-0.5, -0.4, -0.3)}),
        _submission(2, hostile[1], comment="-2+3", superseded=True),
        _submission(3, hostile[2], comment="@cmd"),
        _submission(4, hostile[3], comment="\tTAB"),
    ]
    rows = _csv(present.results_csv(SCENARIO, subs, pool))
    assert list(rows[0]) == ["submission", "member", "submitted_at", "status", "kind", "item", "value", "comment"]
    n = len(SCENARIO.drivers)
    assert len(rows) == 4 * n + 2 + 3 + len(SCENARIO.questions) + 2 * len(SCENARIO.questions)
    assert {r["member"] for r in rows[: 4 * n + 5]} == {'\'=HYPERLINK("http://x")', "'-Bob", "'@Eve", "'+Dan"}
    assert {r["comment"] for r in rows[: 4 * n + 5]} == {"'+SUM(A1:A9)", "'-2+3", "'@cmd", "'\tTAB"}
    first = rows[0]
    assert (first["submission"], first["status"], first["kind"], first["item"], first["value"]) == (
        "1",
        "counts",
        "driver",
        "troops_deployed",
        "3000",
    )
    impacts = [r for r in rows if r["kind"].startswith("impact_")]
    name = f"{SCENARIO.impacts[5].source_id}>{SCENARIO.impacts[5].target}"
    assert [(r["kind"], r["item"], r["value"]) for r in impacts] == [
        ("impact_low", name, "-0.5"),
        ("impact_weight", name, "-0.4"),
        ("impact_high", name, "-0.3"),
    ]
    guts = [(r["member"], r["item"], r["value"], r["status"]) for r in rows if r["kind"] == "gut"]
    assert guts == [
        ('\'=HYPERLINK("http://x")', "motives_capability", "0.3", "counts"),
        ("'-Bob", "aggressive_posture", "0.25", "superseded"),
    ]
    pooled = [r for r in rows if r["kind"] == "pooled"]
    table = pool.questions.set_index("question")
    assert [(r["item"], float(r["value"])) for r in pooled] == [
        (q.id, float(f"{table.loc[q.id, 'probability']:.10g}")) for q in SCENARIO.questions
    ]
    members = [r["member"] for r in rows if r["kind"] == "member_model"]
    assert members == ["Alice", MALLORY] * len(SCENARIO.questions)  # a "<" is no formula: kept as written
    for r in rows:
        float(r["value"])  # every value is a plain number
    assert present.results_csv(SCENARIO, [], None) == "submission,member,submitted_at,status,kind,item,value,comment\n"


def test_ledger_csv_neutralises_formula_cells_and_keeps_numbers_numeric():
    forecasts = [
        _forecast(1, "motives_capability", 0.1 + 0.2, text="-1 question"),
        _forecast(2, "motives_capability", 0.25, "gut", "=1+1", "=text"),
        _forecast(3, "aggressive_posture", 0.75, "pooled", text="@q"),
    ]
    resolutions = [
        Resolution(1, "motives_capability", True, "2025-03-01", "+note", "2025-03-01T00:00:00+00:00"),
        Resolution(2, "motives_capability", False, "2025-03-02", "-corrected", "2025-03-02T00:00:00+00:00"),
    ]
    text = present.ledger_csv(forecasts, resolutions)
    rows = _csv(text)
    assert list(rows[0]) == [
        "question",
        "question_text",
        "source",
        "source_name",
        "label",
        "probability",
        "low",
        "high",
        "frozen_at",
        "digest",
        "settings",
        "happened",
        "resolved_on",
        "resolution_note",
    ]
    assert [(r["question_text"], r["source_name"], r["label"]) for r in rows] == [
        ("'-1 question", "model", ""),
        ("'=text", "gut: =1+1", "'=1+1"),
        ("'@q", "pooled", ""),
    ]
    assert [(r["probability"], r["low"], r["high"]) for r in rows] == [
        ("0.3", "0.3", "0.3"),
        ("0.25", "0.25", "0.25"),
        ("0.75", "0.75", "0.75"),
    ]
    # The later resolution is the one in force, for every forecast of its question.
    assert [(r["happened"], r["resolved_on"], r["resolution_note"]) for r in rows] == [
        ("no", "2025-03-02", "'-corrected"),
        ("no", "2025-03-02", "'-corrected"),
        ("", "", ""),
    ]
    assert rows[0]["settings"] == '{"runs":200}'
    assert present.ledger_csv([], []) == text.splitlines()[0] + "\n"


# --- tables ----------------------------------------------------------------------------------------------------


def _two_rounds():
    first = [
        Judgement("A", DEFAULTS | {"troops_deployed": 3000.0}, {}, {"motives_capability": 0.2}),
        Judgement("B", DEFAULTS | {"troops_deployed": 15000.0}, {}, {"motives_capability": 0.6}),
        Judgement("C", DEFAULTS | {"troops_deployed": 9000.0}, {}, {"motives_capability": 0.4}),
    ]
    second = [
        Judgement("A", DEFAULTS | {"troops_deployed": 8000.0}, {}, {"motives_capability": 0.35}),
        Judgement("B", DEFAULTS | {"troops_deployed": 10000.0}, {}, {"motives_capability": 0.45}),
        Judgement("C", DEFAULTS | {"troops_deployed": 9000.0}, {}, {"motives_capability": 0.4}),
    ]
    return spread(SCENARIO, first), spread(SCENARIO, second)


def test_the_group_table_in_both_languages():
    first, _ = _two_rounds()
    en = present.group_table(SCENARIO, first, "en")
    de = present.group_table(SCENARIO, first, "de")
    assert en.columns == ("Item", "Median", "Middle half", "Lowest – highest")
    assert de.columns == ("Größe", "Median", "Mittlere Hälfte", "Niedrigster – höchster Wert")
    assert len(en.rows) == len(SCENARIO.drivers) + 1
    assert en.rows[0] == ("North Korean troops deployed (soldiers)", "9,000", "6,000–12,000", "3,000–15,000")
    assert de.rows[0] == ("Entsandte nordkoreanische Soldaten (Soldaten)", "9.000", "6.000–12.000", "3.000–15.000")
    assert en.rows[-1] == (f"gut: {TEXT['motives_capability']}", "40%", "30–50%", "20–60%")
    assert de.rows[-1] == (
        f"Bauchgefühl: {TEXT_DE['motives_capability']}",
        f"40{NBSP}%",
        f"30–50{NBSP}%",
        f"20–60{NBSP}%",
    )


def test_the_delphi_table_and_sentence_in_both_languages():
    first, second = _two_rounds()
    compared = compare_spreads(first, second)
    en = present.delphi_table(SCENARIO, compared, 1, 2, "en")
    de = present.delphi_table(SCENARIO, compared, 1, 2, "de")
    assert en.columns == (
        "Item",
        "median, round 1",
        "median, round 2",
        "width of the middle half, round 1",
        "width of the middle half, round 2",
        "narrowed",
    )
    assert de.columns == (
        "Größe",
        "Median, Runde 1",
        "Median, Runde 2",
        "Breite der mittleren Hälfte, Runde 1",
        "Breite der mittleren Hälfte, Runde 2",
        "enger",
    )
    assert en.rows[0] == ("North Korean troops deployed (soldiers)", "9,000", "9,000", "6,000", "1,000", "yes")
    assert de.rows[0] == ("Entsandte nordkoreanische Soldaten (Soldaten)", "9.000", "9.000", "6.000", "1.000", "ja")
    assert [row[-1] for row in en.rows[1:-1]] == ["no"] * (len(SCENARIO.drivers) - 1)  # nobody moved the others
    assert en.rows[-1] == (f"gut: {TEXT['motives_capability']}", "40%", "40%", "20%", "5%", "yes")
    assert de.rows[-1][1:] == (f"40{NBSP}%", f"40{NBSP}%", f"20{NBSP}%", f"5{NBSP}%", "ja")
    items = len(SCENARIO.drivers) + 1
    assert present.delphi_sentence(compared, "en") == (
        f"The spread between members (interquartile range) narrowed on 2 of {items} items."
    )
    assert present.delphi_sentence(compared, "de") == (
        f"Die Streuung zwischen den Mitgliedern (Interquartilsabstand) wurde bei 2 von {items} Größen kleiner."
    )


def test_the_submissions_table_in_both_languages():
    subs = [
        _submission(1, _judgements()[0], comment="first"),
        _submission(2, _judgements()[1], comment="=x", superseded=True),
    ]
    en = present.submissions_table(SCENARIO, subs, FOCUS, "en")
    de = present.submissions_table(SCENARIO, subs, FOCUS, "de")
    assert en.columns == ("Member", "When (UTC)", "Status", "Gut estimates", "Comment")
    assert de.columns == ("Mitglied", "Wann (UTC)", "Status", "Bauchgefühl", "Kommentar")
    # Gut estimates by the questions' numbers, which present.question_key spells out.
    assert en.rows == (
        ("Alice", "2025-01-01 10:21", "counts", "1: 60%, 2: 20%", "first"),
        (MALLORY, "2025-01-02 10:22", "replaced", "1: 20%", "=x"),
    )
    assert [row[2] for row in de.rows] == ["zählt", "ersetzt"]
    assert de.rows[1][3] == f"1: 20{NBSP}%"
    assert present.question_key(SCENARIO, FOCUS, "en") == (
        f"1: {TEXT['motives_capability']}; 2: {TEXT['aggressive_posture']}"
    )


def _ledger():
    forecasts = [
        _forecast(1, "motives_capability", 0.7),
        _forecast(2, "motives_capability", 0.4, "pooled"),
        _forecast(3, "motives_capability", 0.6, "gut", "Alice"),
        _forecast(4, "aggressive_posture", 0.2, "gut", MALLORY),
    ]
    resolutions = [Resolution(1, "motives_capability", True, "2025-03-01", "", "2025-03-01T00:00:00+00:00")]
    return forecasts, resolutions


def test_the_brier_table_in_both_languages():
    forecasts, resolutions = _ledger()
    en = present.brier_table(forecasts, resolutions, "en")
    de = present.brier_table(forecasts, resolutions, "de")
    assert en.columns == ("Source", "Forecasts", "Resolved", "Brier score")
    assert de.columns == ("Quelle", "Prognosen", "Aufgelöst", "Brier-Score")
    assert en.numeric == frozenset({1, 2, 3})
    assert en.rows == (
        ("model at the round's settings", 1, 1, "0.090"),
        ("pooled model", 1, 1, "0.360"),
        ("gut estimates, all members", 2, 1, "0.160"),
        (f"gut estimate of {MALLORY}", 1, 0, "–"),
        ("gut estimate of Alice", 1, 1, "0.160"),
    )
    assert de.rows == (
        ("Modell bei den Einstellungen der Runde", 1, 1, "0,090"),
        ("gepooltes Modell", 1, 1, "0,360"),
        ("Bauchgefühl, alle Mitglieder", 2, 1, "0,160"),
        (f"Bauchgefühl von {MALLORY}", 1, 0, "–"),
        ("Bauchgefühl von Alice", 1, 1, "0,160"),
    )


def test_the_ledger_table_lists_the_newest_first_in_both_languages():
    forecasts, resolutions = _ledger()
    forecasts[1] = Forecast(
        2, "motives_capability", 0.4, 0.35, 0.45, "pooled", "", "d" * 64, "{}", "2025-02-03T08:00:00+00:00"
    )
    en = present.ledger_table(SCENARIO, forecasts, resolutions, "en")
    de = present.ledger_table(SCENARIO, forecasts, resolutions, "de")
    assert en.columns == ("Question", "Source", "probability (%)", "95\u00a0% interval", "When (UTC)", "Outcome")
    assert de.columns == (
        "Frage",
        "Quelle",
        "Wahrscheinlichkeit (%)",
        "95-%-Intervall",
        "Wann (UTC)",
        "Ausgang",
    )
    assert en.rows == (
        (TEXT["aggressive_posture"], f"gut estimate of {MALLORY}", "20%", "–", "2025-02-05 08:00", "–"),
        (TEXT["motives_capability"], "gut estimate of Alice", "60%", "–", "2025-02-04 08:00", "happened (2025-03-01)"),
        (TEXT["motives_capability"], "pooled model", "40%", "35–45%", "2025-02-03 08:00", "happened (2025-03-01)"),
        (
            TEXT["motives_capability"],
            "model at the round's settings",
            "70%",
            "–",
            "2025-02-02 08:00",
            "happened (2025-03-01)",
        ),
    )
    assert de.rows[2] == (
        TEXT_DE["motives_capability"],
        "gepooltes Modell",
        f"40{NBSP}%",
        f"35–45{NBSP}%",
        "2025-02-03 08:00",
        "ist eingetreten (2025-03-01)",
    )


@pytest.mark.parametrize(
    ("source", "label", "en", "de"),
    [
        ("model", "", "model at the round's settings", "Modell bei den Einstellungen der Runde"),
        ("pooled", "", "pooled model", "gepooltes Modell"),
        ("gut", "Alice", "gut estimate of Alice", "Bauchgefühl von Alice"),
        ("gut", "", "gut estimates, all members", "Bauchgefühl, alle Mitglieder"),
    ],
)
def test_source_labels_in_both_languages(source, label, en, de):
    assert (present.source_label(source, label, "en"), present.source_label(source, label, "de")) == (en, de)


# --- sentences ---------------------------------------------------------------------------------------------------


def test_the_pooled_sentences_in_both_languages(pool):
    questions = [*FOCUS, "east_asia_balance"]
    table = pool.questions.set_index("question")
    own = pool.member_questions.set_index(["question", "member"])["probability"]
    guts = {"motives_capability": ("20–60", "40"), "aggressive_posture": ("20–20", "20")}
    for lang in ("en", "de"):
        unit = f"{NBSP}%" if lang == "de" else "%"
        expected = []
        for q in questions:
            p, low, high = (table.loc[q, c] for c in ("probability", "low", "high"))
            mine = sorted(own[(q, m)] for m in ("Alice", MALLORY))
            members = f"{_pct(mine[0], lang).removesuffix(unit)}–{_pct(mine[1], lang)}"
            median = _pct(float(np.median(mine)), lang)
            span = f"{_pct(low, lang).removesuffix(unit)}–{_pct(high, lang)}"
            if lang == "en":
                gut = f"{guts[q][0]}% (median {guts[q][1]}%)" if q in guts else "none given (median –)"
                expected.append(
                    f"{TEXT[q]} Pooled model {_pct(p, lang)} (95\u00a0% interval {span}); members' own settings "
                    f"{members} (median {median}); gut estimates {gut}."
                )
            else:
                gut = f"{guts[q][0]}{unit} (Median {guts[q][1]}{unit})" if q in guts else "keine genannt (Median –)"
                expected.append(
                    f"{TEXT_DE[q]} Gepooltes Modell {_pct(p, lang)} (95-%-Intervall {span}); eigene Einstellungen der "
                    f"Mitglieder {members} (Median {median}); Bauchgefühl {gut}."
                )
        assert present.pooled_sentences(SCENARIO, pool, questions, lang) == expected


def test_the_split_sentences_in_both_languages(pool):
    share = pool.split[pool.split["measure"] == "value"].set_index("question")["disagreement"]
    en = present.split_sentences(SCENARIO, pool, FOCUS, "en")
    de = present.split_sentences(SCENARIO, pool, FOCUS, "de")
    assert en == [
        f"{TEXT[q]} {_pct(share[q], 'en')} of the spread comes from disagreement between members, "
        f"{_pct(1 - share[q], 'en')} from model uncertainty."
        for q in FOCUS
    ]
    assert de == [
        f"{TEXT_DE[q]} {_pct(share[q], 'de')} der Streuung stammen aus der Uneinigkeit der Mitglieder, "
        f"{_pct(1 - share[q], 'de')} aus der Modellunsicherheit."
        for q in FOCUS
    ]
    assert all(not math.isnan(share[q]) for q in FOCUS)
