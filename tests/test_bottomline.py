"""present/bottomline.py and engine.report's question summaries: the bottom line, word for word, in both languages."""

from __future__ import annotations

import pandas as pd
import pytest

from engine.ensemble import run_ensemble
from engine.model import Model
from engine.report import key_drivers, question_summaries
from engine.sensitivity import tornado_point
from engine.state import DEFAULT_RUNS, DEFAULT_SEED
from present.bottomline import bottom_line, change_sentence, listing, number
from present.tables import percent_text


@pytest.fixture(scope="module")
def seed_lines(seed_scenario):
    """The bottom line at each preset, as the page builds it, with the baseline as the reference."""
    model = Model.of(seed_scenario)
    answers = {
        p.id: run_ensemble(model, seed_scenario.preset_values(p.id), runs=DEFAULT_RUNS, seed=DEFAULT_SEED).questions
        for p in seed_scenario.presets
    }
    lines = {}
    for preset in answers:
        values = seed_scenario.preset_values(preset)
        swings = {week: tornado_point(model, values, week=week) for week in (26, 52)}
        summaries = question_summaries(seed_scenario, answers[preset], answers, swings)
        for lang in ("en", "de"):
            reference = seed_scenario.preset("baseline").label.get(lang)
            change = change_sentence(
                seed_scenario,
                values,
                seed_scenario.preset_values("baseline"),
                reference,
                answers[preset],
                answers["baseline"],
                lang,
            )
            lines[preset, lang] = bottom_line(seed_scenario, summaries, lang, change)
    return lines


def test_the_seeds_baseline_bottom_line_in_english(seed_lines):
    assert seed_lines["baseline", "en"] == [
        "North Korean military capability reaches level 50 “Russian know-how visible in new weapons or launches” "
        "by week 26 in 47% of runs (95%: 44–50%); 7–69% across the presets; it depends most on Russian technology "
        "for North Korea, Intensity of combat engagement and Extra military spending in Pyongyang and Moscow.",
        "South Korea/Japan readiness and US alignment reaches level 70 “Defence plans revised: new deployments, "
        "Seoul weighs arming Ukraine” by week 52 in 28% of runs (95%: 25–31%); 7–53% across the presets; it "
        "depends most on Defence review in Seoul and Tokyo, North Korean troops deployed and Backing Pyongyang "
        "perceives from Moscow.",
        "North Korean assertiveness reaches level 60 “ICBM launches and incursions across the sea border” by week "
        "26 in 37% of runs (95%: 34–40%); 13–77% across the presets; it depends most on Backing Pyongyang "
        "perceives from Moscow, North Korean troops deployed and Equipment supplied by Russia.",
        "China sidelined / China-Russia friction reaches level 55 “Pyongyang turns to Moscow first; trade with "
        "China falls” by week 52 in 32% of runs (95%: 29–35%); 4–79% across the presets; it depends most on "
        "Beijing feels sidelined, North Korean troops deployed and Backing Pyongyang perceives from Moscow.",
        "Economic strain on both states reaches level 70 “Rationing or cuts to civilian budgets, currency sliding” "
        "by week 52 in 16% of runs (95%: 14–19%); 7–36% across the presets; it depends most on Extra military "
        "spending in Pyongyang and Moscow and New international sanctions.",
    ]


def test_the_seeds_baseline_bottom_line_in_german(seed_lines):
    lines = seed_lines["baseline", "de"]
    assert len(lines) == 5  # at the baseline nothing changed: no sentence about changes
    assert lines[2] == (
        "Nordkoreanische Durchsetzungsfreude: Stufe 60 „Starts von Interkontinentalraketen und Vorstöße über die "
        "Seegrenze“ wird bis Woche 26 in 37\u00a0% der Läufe erreicht (95\u00a0%: 34–40\u00a0%); 13–77\u00a0% über die "
        "Voreinstellungen; die stärksten Treiber: Von Pjöngjang wahrgenommene Rückendeckung Moskaus, Entsandte "
        "nordkoreanische Soldaten und Ausrüstung durch Russland."
    )
    assert lines[4] == (
        "Wirtschaftliche Belastung beider Staaten: Stufe 70 „Rationierung oder Kürzung ziviler Haushalte, Währung "
        "im Fall“ wird bis Woche 52 in 16\u00a0% der Läufe erreicht (95\u00a0%: 14–19\u00a0%); 7–36\u00a0% über die "
        "Voreinstellungen; "
        "die stärksten Treiber: Zusätzliche Militärausgaben in Pjöngjang und Moskau und Neue internationale "
        "Sanktionen."
    )


def test_off_the_baseline_one_more_sentence_says_what_changed(seed_lines):
    assert seed_lines["escalation", "en"][-1] == (
        "Against “Reported baseline”, the current settings change North Korean troops deployed from 12,000 to "
        "20,000 soldiers, Intensity of combat engagement from 50 to 80 % of the contingent in combat, Beijing "
        "feels sidelined from 40 to 70 % sidelined and 1 more; the answers move: North Korean military capability "
        "+23 pts; South Korea/Japan readiness and US alignment +26 pts; North Korean assertiveness +40 pts; China "
        "sidelined / China-Russia friction +46 pts; Economic strain on both states +10 pts."
    )
    assert seed_lines["escalation", "de"][-1] == (
        "Gegenüber „Gemeldete Ausgangslage“ ändern die aktuellen Einstellungen Entsandte nordkoreanische Soldaten "
        "von 12.000 auf 20.000 Soldaten, Intensität des Kampfeinsatzes von 50 auf 80 % des Kontingents im Kampf, "
        "Beijing fühlt sich an den Rand gedrängt von 40 auf 70 % an den Rand gedrängt und 1 weitere; die Antworten "
        "verschieben sich: Militärische Fähigkeiten Nordkoreas +23 Punkte; Bereitschaft Südkoreas/Japans und Nähe "
        "zu den USA +26 Punkte; Nordkoreanische Durchsetzungsfreude +40 Punkte; Chinas Randstellung / Reibung "
        "China-Russland +46 Punkte; Wirtschaftliche Belastung beider Staaten +10 Punkte."
    )
    assert [len(seed_lines[p, "en"]) for p in ("baseline", "escalation", "de-escalation", "sanctions-squeeze")] == [
        5,
        6,
        6,
        6,
    ]


def test_the_same_numbers_give_the_same_words(seed_lines, seed_scenario):
    model = Model.of(seed_scenario)
    answers = {
        p.id: run_ensemble(model, seed_scenario.preset_values(p.id), runs=DEFAULT_RUNS, seed=DEFAULT_SEED).questions
        for p in seed_scenario.presets
    }
    swings = {week: tornado_point(model, seed_scenario.defaults(), week=week) for week in (26, 52)}
    again = question_summaries(seed_scenario, answers["baseline"], answers, swings)
    assert bottom_line(seed_scenario, again, "en") == seed_lines["baseline", "en"]


@pytest.mark.parametrize(
    ("share", "en", "de"),
    [
        (0.28, "28%", "28\u00a0%"),
        (0.004, "0.4%", "0,4\u00a0%"),
        (0.0, "0%", "0\u00a0%"),
        (0.9961, "99.6%", "99,6\u00a0%"),
        (1.0, "100%", "100\u00a0%"),
    ],
)
def test_percentages_are_written_the_readers_way(share, en, de):
    assert (percent_text(share, "en"), percent_text(share, "de")) == (en, de)


def test_numbers_and_lists_are_written_the_readers_way():
    assert [number(v, "en") for v in (12000.0, 2.5, 1234.5)] == ["12,000", "2.5", "1,234.5"]
    assert [number(v, "de") for v in (12000.0, 2.5, 1234.5)] == ["12.000", "2,5", "1.234,5"]
    assert [listing(items, "en") for items in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == [
        "",
        "A",
        "A and B",
        "A, B and C",
    ]
    assert listing(["A", "B", "C"], "de") == "A, B und C"


def test_key_drivers_are_the_largest_swings_that_matter():
    swings = pd.DataFrame(
        {
            "output": ["y"] * 5 + ["z"],
            "driver": ["a", "b", "c", "d", "e", "a"],
            "effect": [-20.0, 12.0, 5.1, 4.9, 0.5, 0.4],
            "rank": [0, 1, 2, 3, 4, 0],
        }
    )
    # A quarter of the largest swing (5.0) and at least one point: c makes it, d does not; three at most.
    assert key_drivers(swings, "y") == ("a", "b", "c")
    assert key_drivers(swings, "z") == ()  # under a point: nothing to name
    assert key_drivers(swings, "nowhere") == ()


def test_a_summary_names_the_presets_that_answer_lowest_and_highest(make_scenario):
    scenario = make_scenario(
        indicators=[("y", 50)],
        questions=[{"id": "q", "indicator": "y", "threshold": 50, "by_week": 5}],
        presets=[{"id": "a", "values": {}}, {"id": "b", "values": {}}, {"id": "c", "values": {}}],
    )
    table = lambda p: pd.DataFrame({"question": ["q"], "probability": [p], "low": [p], "high": [p]})  # noqa: E731
    swings = {5: pd.DataFrame(columns=["output", "driver", "effect", "rank"])}
    (summary,) = question_summaries(scenario, table(0.5), {"a": table(0.2), "b": table(0.7), "c": table(0.2)}, swings)
    # Among equal answers the first preset in the file is named.
    assert (summary.probability, summary.lowest, summary.highest, summary.drivers) == (0.5, ("a", 0.2), ("b", 0.7), ())
    (alone,) = question_summaries(scenario, table(0.5), {}, swings)
    assert (alone.lowest, alone.highest) == (None, None)
