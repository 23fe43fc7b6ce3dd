"""present/tables.py: one builder for the tables and readouts the page and the briefing pack both show."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from engine.checks import run_checks
from engine.ensemble import wilson_interval
from engine.loader import load_scenario
from engine.model import Model
from engine.schema import Source
from present.briefing import briefing_html
from present.tables import (
    Readout,
    check_lines,
    checks_markdown,
    cited,
    drivers_table,
    impacts_table,
    indicators_table,
    level_name,
    readouts,
    scale_of,
    scale_text,
    with_level,
)

DATA = Path(__file__).resolve().parent / "data"
TINY2 = load_scenario(DATA / "tiny2.yaml")
FAILING = load_scenario(DATA / "tiny2-failing-check.yaml")


def _questions(scenario, probabilities, runs=1000):
    """A questions frame as the engine gives it: each probability with its 95 % Wilson interval."""
    intervals = [wilson_interval(round(p * runs), runs) for p in probabilities]
    return pd.DataFrame(
        {
            "question": [q.id for q in scenario.questions],
            "probability": probabilities,
            "low": [low for low, _ in intervals],
            "high": [high for _, high in intervals],
        }
    )


def test_a_change_reads_plus_minus_zero_never_plus_or_minus_zero(seed_scenario):
    n = len(seed_scenario.questions)
    now = _questions(seed_scenario, [0.5] * n)
    before = _questions(seed_scenario, [0.496, 0.504, 0.47] + [0.5] * (n - 3))
    answers = readouts(seed_scenario, now, before)
    assert [a.change for a in answers[:3]] == [0, 0, 3]
    assert [a.versus("Baseline", "en") for a in answers[:3]] == [
        "±0 pts vs. Baseline",
        "±0 pts vs. Baseline",
        "+3 pts vs. Baseline",
    ]
    assert answers[2].versus("Ausgangslage", "de") == "+3 Pkt. ggü. Ausgangslage"
    assert [a.versus("x", "en") for a in readouts(seed_scenario, now, None)] == [""] * n


def test_the_pack_shows_the_same_tables_as_the_page(seed_scenario):
    values = seed_scenario.defaults()
    tables = [drivers_table(seed_scenario, values, "de"), indicators_table(seed_scenario, "de")]
    tables.append(impacts_table(seed_scenario, "de"))
    questions = _questions(seed_scenario, [0.25] * len(seed_scenario.questions))
    presets = {"Ausgangslage": questions, "Eskalation": questions}
    page = briefing_html(Model.of(seed_scenario), values, questions, presets, "Ausgangslage", [], 100, 1, "de")
    for table in tables:
        assert len(table.frame()) == len(table.rows)
        header = "".join(f"<th>{c}</th>" for c in table.columns)
        assert header in page
    # The question x preset table: the current settings with their interval, then each preset's answer.
    header = "".join(f"<th>{c}</th>" for c in ("Frage", "Bedingung", "Aktuelle Einstellungen", *presets))
    assert header in page
    assert page.count("<td>25\u00a0%</td>") == 2 * len(seed_scenario.questions)


# --- units, sources and scales in the tables ----------------------------------------------------------------


def test_the_drivers_table_gives_units_and_sources_in_the_readers_language():
    en = drivers_table(TINY2, TINY2.defaults() | {"push": 450.0}, "en")
    assert en.columns == (
        "Driver",
        "Group",
        "Unit",
        "Default",
        "Current settings",
        "Source",
        "Quote or judgement",
        "Section",
    )
    assert en.rows == (
        (
            "Push",
            "Reported facts",
            "soldiers",
            800.0,
            450.0,
            "Quote from the article",
            "up to 800 soldiers push",
            "test",
        ),
        ("Calm", "Pros", "%", 30.0, 30.0, "Analyst's judgement", "Calm is what the user's side can offer.", ""),
    )
    assert en.long == frozenset({6})
    # The quote has a German translation: the German table has a column for it, the English one none.
    de = drivers_table(TINY2, TINY2.defaults(), "de")
    assert de.columns[5:] == ("Quelle", "Zitat oder Einschätzung", "Übersetzung", "Abschnitt")
    assert [row[2] for row in de.rows] == ["Soldaten", "%"]
    assert [row[5:] for row in de.rows] == [
        ("Zitat aus dem Artikel", "up to 800 soldiers push", "bis zu 800 Soldaten drücken", "test"),
        ("Einschätzung der Analyse", "Ruhe kann die eigene Seite anbieten.", "", ""),
    ]
    assert de.long == frozenset({6, 7})
    assert list(de.short_frame().columns) == [
        "Treiber",
        "Gruppe",
        "Einheit",
        "Standard",
        "Aktuelle Einstellungen",
        "Quelle",
        "Abschnitt",
    ]


def test_the_indicators_table_names_the_start_level_the_scale_and_what_the_start_rests_on():
    table = indicators_table(TINY2, "en")
    assert table.columns == (
        "Indicator",
        "Start value",
        "Start level",
        "Scale",
        "Source",
        "Quote or judgement",
        "Section",
        "Start value rests on",
        "Start value: quote or judgement",
    )
    assert table.rows == (
        (
            "Level",
            40.0,
            "Quiet",
            "20 Quiet · 50 Busy · 80 Crowded",
            "Quote from the article",
            "level",
            "test",
            "Analyst's judgement",
            "Middling before the push.",
        ),
        (
            "Echo",
            20.0,
            "Faint",
            "10 Faint · 30 Audible · 60 Loud",
            "Quote from the article",
            "echo",
            "test",
            "Quote from the article",
            "“echo at 20” (test)",
        ),
    )
    assert table.long == frozenset({3, 5, 8})
    assert indicators_table(TINY2, "de").rows[1][2:4] == ("Schwach", "10 Schwach · 30 Hörbar · 60 Laut")
    assert indicators_table(TINY2, "de").rows[1][-1] == "„echo at 20“ (test)"


def test_the_impacts_table_shows_every_note_and_which_weights_rest_on_a_judgement():
    table = impacts_table(TINY2, "en")
    assert table.columns == ("From", "To", "Weight", "Range", "Source", "Quote or judgement", "Section", "Note")
    assert table.rows == (
        ("Push", "Level", 0.5, "0.25 … 0.75", "Quote from the article", "a", "test", ""),
        ("Calm", "Level", -0.3, "-0.4 … -0.2", "Quote from the article", "calm", "test", ""),
        ("Level", "Level", -0.5, "-0.75 … -0.25", "Analyst's judgement", "Damping.", "", ""),
        ("Level", "Echo", 0.4, "0.2 … 0.6", "Quote from the article", "c", "test", "echoes follow"),
    )
    assert table.long == frozenset({5, 7})


def test_schema_1_tables_have_no_level_translation_or_start_source_columns(make_scenario):
    scenario = make_scenario(indicators=[("y", 50.0)], impacts=[("d", "y", 0.5)])
    assert indicators_table(scenario, "en").columns == (
        "Indicator",
        "Start value",
        "Source",
        "Quote or judgement",
        "Section",
    )
    assert indicators_table(scenario, "en").rows == (("y", 50.0, "Quote from the article", "test", "test"),)
    assert drivers_table(scenario, scenario.defaults(), "de").rows == (
        ("d", "Gemeldete Fakten", "u", 50.0, 50.0, "Zitat aus dem Artikel", "test", "test"),
    )
    assert impacts_table(scenario, "en").rows == (
        ("d", "y", 0.5, "0.5 … 0.5", "Quote from the article", "test", "test", ""),
    )


def test_levels_are_named_as_the_value_is_shown_to_one_decimal():
    level = TINY2.indicator("level")
    assert scale_of(level, "de") == ((20.0, "Ruhig"), (50.0, "Belebt"), (80.0, "Überfüllt"))
    assert scale_text(level, "en") == "20 Quiet · 50 Busy · 80 Crowded"
    # 19.96 shows as "20.0": it is named "Quiet", not "below Quiet", as a reader of "20.0" would expect.
    assert [level_name(level, v, "en") for v in (0.0, 19.94, 19.96, 49.9, 50.0, 79.99, 100.0)] == [
        "below “Quiet”",
        "below “Quiet”",
        "Quiet",
        "Quiet",
        "Busy",
        "Crowded",
        "Crowded",
    ]
    assert level_name(level, 10.0, "de") == "unter „Ruhig“"
    assert with_level(level, 62.04, "en") == "62.0 (Busy)"
    assert with_level(level, 62.04, "de") == "62.0 (Belebt)"


def test_a_schema_1_indicator_has_no_level_names(make_scenario):
    indicator = make_scenario().indicators[0]
    assert scale_of(indicator, "en") == ()
    assert scale_text(indicator, "en") == ""
    assert level_name(indicator, 62.0, "en") is None
    assert with_level(indicator, 62.04, "en") == "62.0"


def test_a_source_is_a_quote_with_its_translation_in_the_readers_language_or_a_judgement():
    quote = Source(quote="bis zu 12.000 Truppen", section="report", translation={"en": "up to 12,000 troops"})
    assert cited(quote, "en").markdown("en") == (
        "*Quote from the article* (report): “bis zu 12\\.000 Truppen” — *Translation:* “up to 12,000 troops”"
    )
    assert cited(quote, "en").plain("en") == "“bis zu 12.000 Truppen” (report) — Translation: “up to 12,000 troops”"
    # No German translation of a German quote: the German reader gets the quote alone.
    assert cited(quote, "de").markdown("de") == "*Zitat aus dem Artikel* (report): „bis zu 12\\.000 Truppen“"
    judged = Source(judgement={"en": "A *guess*,\nmade [here](x).", "de": "Eine Schätzung."})
    assert cited(judged, "en").markdown("en") == "*Analyst's judgement:* A \\*guess\\*, made \\[here\\]\\(x\\)\\."
    assert cited(judged, "de").markdown("de") == "*Einschätzung der Analyse:* Eine Schätzung\\."
    assert cited(judged, "de").plain("de") == "Eine Schätzung."


# --- question readouts -------------------------------------------------------------------------------------


def test_a_readout_carries_its_interval_and_names_the_level_and_the_direction():
    busy, faint = readouts(TINY2, _questions(TINY2, [0.28, 0.0]), None)
    assert (busy.low, busy.high) == wilson_interval(280, 1000)
    assert busy.interval(1000, "en") == "95% interval 25–31%, 1,000 runs"
    assert busy.interval(1000, "de") == "95-%-Intervall 25–31\u00a0%, 1.000 Läufe"
    assert busy.condition(TINY2, "en") == "Level reaches level 50 “Busy” by week 8"
    assert busy.condition(TINY2, "de") == "Niveau erreicht Stufe 50 „Belebt“, spätestens in Woche 8"
    assert faint.condition(TINY2, "en") == "Echo falls to or below level 10 “Faint” by week 10"
    assert faint.condition(TINY2, "de") == "Echo fällt auf Stufe 10 „Schwach“ oder darunter, spätestens in Woche 10"
    assert busy.explanation(TINY2, 1000, "en") == (
        "In 28% of the 1,000 Monte Carlo runs, Level reaches or passes level 50 “Busy” in at least one week "
        "up to week 8."
    )
    assert busy.explanation(TINY2, 1000, "de") == (
        "In 28\u00a0% der 1.000 Monte-Carlo-Läufe erreicht oder überschreitet Niveau Stufe 50 „Belebt“ in mindestens "
        "einer Woche bis Woche 8."
    )
    assert faint.explanation(TINY2, 1000, "de") == (
        "In 0\u00a0% der 1.000 Monte-Carlo-Läufe fällt Echo in mindestens einer Woche bis Woche 10 auf Stufe 10 "
        "„Schwach“ oder darunter."
    )
    # Within a point of 0\u00a0% but not on it, the bound keeps a decimal: "0–0%" would say no run could say yes.
    assert faint.interval(1000, "en") == "95% interval 0–0.4%, 1,000 runs"


def test_a_schema_1_readout_names_the_threshold_alone():
    tiny = load_scenario(DATA / "tiny.yaml")
    (readout,) = readouts(tiny, _questions(tiny, [0.4]), None)
    assert tiny.schema_version == 1
    assert readout.target(tiny, "en") == "30"
    assert readout.condition(tiny, "en") == "Level reaches 30 by week 5"
    assert readout.condition(tiny, "de") == "Niveau erreicht 30, spätestens in Woche 5"
    assert readout.explanation(tiny, 500, "en") == (
        "In 40% of the 500 Monte Carlo runs, Level reaches or passes 30 in at least one week up to week 5."
    )


def test_a_result_near_0_or_100_percent_is_saturated():
    def readout(p, low, high):
        return Readout(TINY2.questions[0], p, None, low, high)

    assert [readout(p, *wilson_interval(round(p * 1000), 1000)).saturated for p in (0.0, 0.029, 0.03, 0.5)] == [
        "no",
        "no",
        None,
        None,
    ]
    assert [readout(p, *wilson_interval(round(p * 1000), 1000)).saturated for p in (0.97, 0.971, 1.0)] == [
        None,
        "yes",
        "yes",
    ]
    # An interval that reaches 0 or 1 is saturated whatever the share: few runs cannot rule the bound out.
    assert readout(0.2, 0.0, 0.6).saturated == "no"
    assert readout(0.8, 0.4, 1.0).saturated == "yes"


# --- reality checks ----------------------------------------------------------------------------------------


def test_check_lines_give_the_verdict_and_the_numbers_behind_it_with_their_levels():
    lines = check_lines(FAILING, run_checks(Model.of(FAILING)), "en")
    assert [(line.mark, line.text, line.detail) for line in lines] == [
        (
            "✓",
            "Without a push the level stays below busy",
            "expected Level below 50 in every week; closest call: 34.1 (Quiet) in week 1",
        ),
        (
            "✗",
            "Planted to fail: even full calm keeps the level busy",
            "expected Level above 50 in week 10; found 10.9 (below “Quiet”) in week 10",
        ),
        (
            "✓",
            "More push never lowers the level",
            "expected Level never below the reference in every week; closest call: 34.1 (Quiet) against 34.1 "
            "(Quiet) for the reference (the same run without the check's settings) in week 1",
        ),
        (
            "✓",
            "The low preset keeps the echo at or below the baseline",
            "expected Echo never above the reference in every week; closest call: 25.0 (Faint) against 25.0 "
            "(Faint) for the reference (the preset “Baseline”) in week 1",
        ),
    ]
    assert [line.source for line in lines[:3]] == [None, None, None]
    assert lines[3].source == cited(FAILING.checks[3].source, "en")


def test_check_lines_in_german_as_markdown():
    lines = check_lines(FAILING, run_checks(Model.of(FAILING)), "de")
    assert checks_markdown(lines[1:2] + lines[3:], "de").splitlines() == [
        "- ✗ **Scheitert absichtlich\\: Selbst volle Ruhe hält das Niveau belebt** — erwartet\\: Niveau über 50 in "
        "Woche 10; gefunden\\: 10\\.9 \\(unter „Ruhig“\\) in Woche 10",
        "- ✓ **Niedrig hält das Echo höchstens auf der Ausgangslage** — erwartet\\: Echo nie über der Referenz in "
        "jeder Woche; am knappsten\\: 25\\.0 \\(Schwach\\) gegenüber 25\\.0 \\(Schwach\\) bei der Referenz \\(die "
        "Voreinstellung „Ausgangslage“\\) in Woche 1",
        "  - *Einschätzung der Analyse:* Das bedeutet niedrig\\.",
    ]


def test_check_lines_word_every_condition_and_a_failing_check_over_every_week(make_scenario):
    scenario = make_scenario(
        schema=2,
        impacts=[("d", "y", 0.5, (0.4, 0.6))],
        checks=[
            {"id": "lower", "set": {"d": 0.0}, "indicator": "y", "week": 3, "below_reference": 5.0},
            {"id": "higher", "set": {"d": 100.0}, "indicator": "y", "week": "all", "above_reference": 2.0},
            {"id": "never", "indicator": "y", "week": "all", "above": 60.0},
        ],
    )
    results = run_checks(Model.of(scenario))
    assert [line.detail for line in check_lines(scenario, results, "en")] == [
        "expected y at least 5 points below the reference in week 3; found 50.0 (level 50) against 70.1 (level 50) "
        "for the reference (the same run without the check's settings) in week 3",
        "expected y at least 2 points above the reference in every week; closest call: 63.0 (level 50) against 57.4 "
        "(level 50) for the reference (the same run without the check's settings) in week 1",
        "expected y above 60 in every week; worst: 57.4 (level 50) in week 1",
    ]
    assert [line.mark for line in check_lines(scenario, results, "en")] == ["✓", "✓", "✗"]
    assert [line.detail for line in check_lines(scenario, results, "de")][::2] == [
        "erwartet: y mindestens 5 Punkte unter der Referenz in Woche 3; gefunden: 50.0 (level 50) gegenüber 70.1 "
        "(level 50) bei der Referenz (derselbe Lauf ohne die Einstellungen der Prüfung) in Woche 3",
        "erwartet: y über 60 in jeder Woche; am schlechtesten: 57.4 (level 50) in Woche 1",
    ]


def test_decimals_and_differences_are_written_the_readers_way():
    from present.tables import decimal

    assert [decimal(v, "en") for v in (63.14, 0.0, 100.0)] == ["63.1", "0.0", "100.0"]
    assert [decimal(v, "de", signed=True) for v in (16.04, -19.0, 0.04, -0.04)] == ["+16,0", "−19,0", "±0,0", "±0,0"]


def test_the_end_comparison_is_long_form_with_a_heading_per_indicator():
    from engine.report import end_deltas
    from present.tables import end_comparison_table

    def bands(values):
        return pd.DataFrame(
            {
                "week": [5, 5],
                "indicator": ["level", "echo"],
                "p50": values,
                "mean": values,
                "p10": values,
                "p90": values,
            }
        )

    deltas = end_deltas(bands([43.94, 61.3]), {"ref0": bands([12.0, 61.3])})
    table = end_comparison_table(TINY2, deltas, {"ref0": "Low"}, "en")
    assert table.columns == ("Indicator / settings", "Median", "Δ preset minus current", "Level the median reaches")
    assert table.rows == (
        ("Level", "", "", ""),
        ("Current settings", "43.9", "", "Quiet"),
        ("Low", "12.0", "−31.9", "below “Quiet”"),
        ("Echo", "", "", ""),
        ("Current settings", "61.3", "", "Loud"),
        ("Low", "61.3", "±0.0", "Loud"),
    )
    assert table.headings == frozenset({0, 3})
