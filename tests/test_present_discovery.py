"""present/discovery.py: the box in words, its table, the robustness table and the what-if map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from engine.discovery import Box
from engine.loader import load_scenario
from engine.robustness import ROBUSTNESS_COLUMNS, Robustness
from present.discovery import (
    box_sentence,
    box_table,
    condition_text,
    odds_text,
    outcome_text,
    robustness_sentence,
    robustness_table,
    setting_name,
    trajectory_figure,
    what_if_figure,
)

TINY2 = load_scenario(Path(__file__).resolve().parent / "data" / "tiny2.yaml")
BUSY, FAINT = TINY2.questions  # level reaches 50 ("Busy") by week 8; echo falls to 10 ("Faint") by week 10
FULL = {"push": (0.0, 1000.0), "calm": (0.0, 100.0)}
NBSP = "\u00a0"


def box(push=(0.0, 1000.0), calm=(0.0, 100.0), coverage=0.8, density=0.9, mass=0.2) -> Box:
    limits = {"push": push, "calm": calm}
    restricted = tuple(k for k, (lo, hi) in limits.items() if lo > FULL[k][0] or hi < FULL[k][1])
    return Box(limits, restricted, coverage, density, mass)


HAND_MADE = box(push=(400.0, 1000.0), calm=(0.0, 35.0))


def test_box_sentence_in_english():
    assert box_sentence(TINY2, BUSY, 0.5, HAND_MADE, FULL, "en") == (
        "Level reaches “Busy” within 8 weeks with better than even odds in 90% of the settings where Push is at "
        "least 400 soldiers and Calm is at most 35 %; these settings hold 80% of all such cases."
    )


def test_box_sentence_in_german():
    assert box_sentence(TINY2, BUSY, 0.5, HAND_MADE, FULL, "de") == (
        f"Stufe „Belebt“ bei Niveau binnen 8 Wochen: Das geschieht mit besseren als gleichen Chancen in 90{NBSP}% "
        "der Einstellungen, in denen Schub mindestens 400 Soldaten beträgt und Ruhe höchstens 35 % beträgt; diese "
        f"Einstellungen umfassen 80{NBSP}% aller solchen Fälle."
    )


def test_box_sentence_with_another_cut_off_and_a_question_below():
    found = box(calm=(60.0, 100.0), coverage=0.999, density=0.004)
    assert box_sentence(TINY2, FAINT, 0.7, found, FULL, "en") == (
        "Echo falls to “Faint” within 10 weeks with a probability above 70% in 0.4% of the settings where Calm "
        "is at least 60 %; these settings hold 99.9% of all such cases."
    )
    assert box_sentence(TINY2, FAINT, 0.7, found, FULL, "de") == (
        f"Rückgang auf „Schwach“ bei Echo binnen 10 Wochen: Das geschieht mit einer Wahrscheinlichkeit über "
        f"70{NBSP}% in 0,4{NBSP}% der Einstellungen, in denen Ruhe mindestens 60 % beträgt; diese Einstellungen "
        f"umfassen 99,9{NBSP}% aller solchen Fälle."
    )


def test_outcome_and_odds_texts():
    assert outcome_text(TINY2, BUSY, "en") == "Level reaches “Busy” within 8 weeks"
    # German's own template is a noun phrase: no verb may agree with a label of unknown grammatical number.
    assert outcome_text(TINY2, FAINT, "de") == "Rückgang auf „Schwach“ bei Echo binnen 10 Wochen"
    # Asked for as a noun phrase, English gives one too.
    assert outcome_text(TINY2, BUSY, "en", noun=True) == "Level reaching “Busy” within 8 weeks"
    assert outcome_text(TINY2, FAINT, "en", noun=True) == "Echo falling to “Faint” within 10 weeks"
    assert outcome_text(TINY2, BUSY, "de", noun=True) == "Stufe „Belebt“ bei Niveau binnen 8 Wochen"
    assert outcome_text(TINY2, FAINT, "de", noun=True) == "Rückgang auf „Schwach“ bei Echo binnen 10 Wochen"
    assert odds_text(0.5, "en") == "with better than even odds"
    assert odds_text(0.5, "de") == "mit besseren als gleichen Chancen"
    assert odds_text(0.25, "en") == "with a probability above 25%"
    assert odds_text(0.25, "de") == f"mit einer Wahrscheinlichkeit über 25{NBSP}%"


def test_condition_text_at_least_at_most_between_and_none():
    assert condition_text(TINY2, box(push=(400.0, 1000.0)), FULL, "en") == "Push is at least 400 soldiers"
    assert condition_text(TINY2, box(calm=(0.0, 35.0)), FULL, "en") == "Calm is at most 35 %"
    assert condition_text(TINY2, box(push=(250.0, 1000.0 - 1e-9)), FULL, "en") == (
        "Push is between 250 soldiers and 1,000 soldiers"
    )
    between = condition_text(TINY2, box(push=(250.0, 750.0)), FULL, "de")
    assert between == "Schub zwischen 250 Soldaten und 750 Soldaten liegt"
    assert condition_text(TINY2, box(), FULL, "en") == "the drivers are anywhere in the sweep"
    assert condition_text(TINY2, box(), FULL, "de") == "die Treiber irgendwo im Suchraum liegen"
    # Bounds are shown on the slider's steps (push: 50 soldiers, calm: 5 %); thousands the reader's way.
    wider = {"push": (0.0, 2000.0), "calm": FULL["calm"]}
    assert condition_text(TINY2, box(push=(1234.0, 1500.0), calm=(12.3, 47.6)), wider, "de") == (
        "Schub zwischen 1.250 Soldaten und 1.500 Soldaten liegt und Ruhe zwischen 10 % und 50 % liegt"
    )
    # The sweep's own range decides, not the slider's: a box at the edge of a narrower sweep is not restricted there.
    narrow = {"push": (200.0, 600.0), "calm": FULL["calm"]}
    cut = Box({"push": (300.0, 600.0), "calm": FULL["calm"]}, ("push",), 0.5, 0.5, 0.5)
    assert condition_text(TINY2, cut, narrow, "en") == "Push is at least 300 soldiers"


def test_box_table_lists_the_restricted_drivers_swept_and_boxed():
    table = box_table(TINY2, HAND_MADE, FULL, "en")
    assert table.columns == ("Driver", "Swept over", "Inside the box")
    assert table.rows == (("Push (soldiers)", "0–1,000", "400–1,000"), ("Calm (%)", "0–100", "0–35"))
    german = box_table(TINY2, HAND_MADE, FULL, "de")
    assert german.columns == ("Treiber", "Abgesucht über", "Innerhalb der Box")
    assert german.rows[0] == ("Schub (Soldaten)", "0–1.000", "400–1.000")
    # On the slider's steps, as the sentence.
    assert box_table(TINY2, box(calm=(12.3, 47.6)), FULL, "de").rows == (("Ruhe (%)", "0–100", "10–50"),)
    assert box_table(TINY2, box(), FULL, "en").rows == ()


def robustness_result() -> Robustness:
    table = pd.DataFrame(
        [
            ("baseline / low", "level_busy", 0.5, 0.75, 0.3, 0.125, 0.4),
            ("calm=0, push=1000", "level_busy", 0.5, 0.25, 0.7, 0.5, 1.0),
            ("baseline / low", "echo_faint", 0.2, 1.0, 0.0, 0.0, 0.0),
        ],
        columns=ROBUSTNESS_COLUMNS,
    )
    return Robustness(table, np.zeros((2, 8, 2)), ("baseline / low", "calm=0, push=1000"), 8)


def test_robustness_table_columns_and_rows_in_both_languages():
    english = robustness_table(TINY2, robustness_result(), "level_busy", "en")
    assert english.columns == (
        "Lever setting",
        "States where it stays under the cut-off",
        "Mean probability",
        "Regret, mean / largest",
    )
    assert english.numeric == frozenset({1, 2, 3})
    assert english.rows == (
        ("Baseline / Low", "75%", "30%", "12.5 / 40.0 points"),
        ("calm=0, push=1000", "25%", "70%", "50.0 / 100.0 points"),
    )
    german = robustness_table(TINY2, robustness_result(), "level_busy", "de")
    assert german.columns[0] == "Hebeleinstellung"
    assert german.rows[0] == ("Ausgangslage / Niedrig", f"75{NBSP}%", f"30{NBSP}%", "12,5 / 40,0 Punkte")
    assert robustness_table(TINY2, robustness_result(), "echo_faint", "en").rows == (
        ("Baseline / Low", "100%", "0%", "0.0 / 0.0 points"),
    )


def test_setting_names_and_the_robustness_sentence():
    assert setting_name("baseline", TINY2, "de") == "Ausgangslage"
    assert setting_name("baseline / nope", TINY2, "en") == "baseline / nope"
    assert setting_name("calm=0, push=1000", TINY2, "en") == "calm=0, push=1000"
    assert robustness_sentence(TINY2, robustness_result(), BUSY, "en") == (
        "“Baseline / Low” keeps the chance of Level reaching “Busy” within 8 weeks at or under 50% in 75% of 8 "
        "sampled states of the world, more often than any other setting compared; in its worst state it lies "
        "40.0 percentage points above the best setting there."
    )
    assert robustness_sentence(TINY2, robustness_result(), BUSY, "de") == (
        f"„Ausgangslage / Niedrig“ hält die Wahrscheinlichkeit für Stufe „Belebt“ bei Niveau binnen 8 Wochen in "
        f"75{NBSP}% von 8 gezogenen Weltzuständen bei höchstens 50{NBSP}%, öfter als jede andere verglichene "
        "Einstellung; in ihrem ungünstigsten Zustand liegt sie 40,0 Prozentpunkte über der dort besten Einstellung."
    )


def test_the_robustness_sentence_names_a_tie_and_says_when_the_levers_make_no_difference():
    rows = [
        ("baseline", "level_busy", 0.5, 0.75, 0.3, 0.1, 0.25),
        ("low", "level_busy", 0.5, 0.75, 0.35, 0.15, 0.25),
        ("calm=0, push=1000", "level_busy", 0.5, 0.5, 0.6, 0.3, 0.5),
    ]
    tie = Robustness(pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS), np.zeros((3, 16, 1)), (), 16)
    assert robustness_sentence(TINY2, tie, BUSY, "en") == (
        "“Baseline”; “Low” tie: each keeps the chance of Level reaching “Busy” within 8 weeks at or under 50% in "
        "75% of 16 sampled states of the world, more often than the others, with a largest regret of 25.0 "
        "percentage points."
    )
    same = Robustness(pd.DataFrame(rows[:2], columns=ROBUSTNESS_COLUMNS), np.zeros((2, 16, 1)), (), 16)
    assert robustness_sentence(TINY2, same, BUSY, "en") == (
        "The levers make no difference here: every setting compared keeps the chance of Level reaching “Busy” "
        "within 8 weeks at or under 50% in 75% of 16 sampled states of the world (largest regret 25.0 percentage "
        "points)."
    )


def grid() -> pd.DataFrame:
    # x (push) varies fastest, as engine.sensitivity.what_if_grid writes it.
    xs, ys = [0.0, 500.0, 1000.0], [0.0, 50.0, 100.0]
    p = [0.1, 0.5, 0.9, 0.05, 0.3, 0.7, 0.0, 0.123456, 1.0]
    return pd.DataFrame({"x": np.tile(xs, 3), "y": np.repeat(ys, 3), "probability": p})


def test_what_if_figure_is_a_heatmap_of_percent_with_the_current_point_marked():
    current = {"push": 800.0, "calm": 30.0}
    fig = what_if_figure(TINY2, grid(), "push", "calm", current, BUSY, "en")
    heatmap, contour, marker = fig.data
    assert isinstance(heatmap, go.Heatmap) and isinstance(contour, go.Contour) and isinstance(marker, go.Scatter)
    assert list(heatmap.x) == [0.0, 500.0, 1000.0] and list(heatmap.y) == [0.0, 50.0, 100.0]
    z = [list(row) for row in heatmap.z]
    assert z == [[10.0, 50.0, 90.0], [5.0, 30.0, 70.0], [0.0, 12.35, 100.0]]  # rows are y, columns x
    assert all(0 <= v <= 100 for row in z for v in row)
    assert (heatmap.zmin, heatmap.zmax) == (0, 100)
    assert (contour.contours.start, contour.contours.end) == (50, 50)
    assert [list(row) for row in contour.z] == z
    assert (list(marker.x), list(marker.y)) == ([800.0], [30.0])
    assert marker.name == "current settings"
    assert fig.layout.title.text.replace("<br>", " ").endswith("What if? Does the level get busy?")
    assert fig.layout.xaxis.title.text == "Push (soldiers)"
    assert fig.layout.yaxis.title.text == "Calm (%)"
    german = what_if_figure(TINY2, grid(), "push", "calm", current, BUSY, "de")
    assert german.data[2].name == "aktuelle Einstellungen"
    assert german.layout.xaxis.title.text == "Schub (Soldaten)"


def test_what_if_figure_reads_a_shuffled_grid_the_same():
    shuffled = grid().sample(frac=1.0, random_state=3).reset_index(drop=True)
    current = {"push": 0.0, "calm": 100.0}
    a = what_if_figure(TINY2, grid(), "push", "calm", current, BUSY, "en")
    b = what_if_figure(TINY2, shuffled, "push", "calm", current, BUSY, "en")
    assert [list(r) for r in a.data[0].z] == [list(r) for r in b.data[0].z]


def test_trajectory_figure_rings_the_chosen_box():
    trajectory = pd.DataFrame(
        {"step": [0, 1, 2], "coverage": [1.0, 0.9, 0.55555], "density": [0.2, 0.4, 0.8], "mass": [1, 0.5, 0.2],
         "restricted": [0, 1, 2]}
    )  # fmt: skip
    stated = Box({"a": (0.0, 1.0)}, ("a",), 0.61234, 0.85, 0.2)
    fig = trajectory_figure(trajectory, 2, stated, "en")
    boxes, chosen, star = fig.data
    assert list(boxes.x) == [100.0, 90.0, 55.56] and list(boxes.y) == [20.0, 40.0, 80.0]
    assert (list(chosen.x), list(chosen.y)) == ([55.56], [80.0])
    assert chosen.name == "chosen box"
    assert (list(star.x), list(star.y), star.marker.symbol) == ([61.23], [85.0], "star")
    assert star.name == "the box the sentence states"
    assert fig.layout.xaxis.title.text == "coverage (%)" and fig.layout.yaxis.title.text == "density (%)"
