"""engine/robustness.py: lever settings judged over the uncertainties, on a case whose answer is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.budget import BudgetExceeded
from engine.loader import load_scenario, parse_scenario
from engine.model import Model
from engine.robustness import (
    ROBUSTNESS_COLUMNS,
    lever_grid,
    levers,
    most_robust,
    preset_levers,
    robustness,
    uncertainties,
)
from engine.sweep import Design, run_sweep

SEED = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "dprk-russia-2024.yaml")

# Two levers and one uncertainty. Calm strongly lowers the level, talk barely, push raises it. With calm at
# its maximum the level never gets busy and always falls to quiet; with calm at zero it gets busy whenever the
# push is strong enough, and hardly ever falls to quiet.
TWO_LEVERS = """\
schema: 2
id: two-levers
title: {en: "Two levers", de: "Zwei Hebel"}
summary: {en: "Calm lowers the level, push raises it.", de: "Ruhe senkt das Niveau, Schub hebt es."}
source: {title: "Hand-made test data", language: en}
horizon_weeks: 12
uncertainty: triangular
drivers:
  - id: calm
    label: {en: "Calm", de: "Ruhe"}
    group: pros
    unit: {en: "%", de: "%"}
    min: 0
    max: 100
    step: 5
    default: 50
    lever: true
    source: {judgement: {en: "Ours to offer.", de: "Unsere Sache."}}
  - id: talk
    label: {en: "Talk", de: "Gespräch"}
    group: pros
    unit: {en: "%", de: "%"}
    min: 0
    max: 100
    step: 5
    default: 50
    lever: true
    source: {judgement: {en: "Ours to offer.", de: "Unsere Sache."}}
  - id: push
    label: {en: "Push", de: "Schub"}
    group: facts
    unit: {en: "soldiers", de: "Soldaten"}
    min: 0
    max: 1000
    step: 50
    default: 500
    lever: PUSH_IS_LEVER
    source: {quote: "push", section: test}
indicators:
  - id: level
    label: {en: "Level", de: "Niveau"}
    initial: 40
    initial_source: {judgement: {en: "Middling.", de: "Mittel."}}
    scale:
      - {level: 20, text: {en: "Quiet", de: "Ruhig"}}
      - {level: 50, text: {en: "Busy", de: "Belebt"}}
      - {level: 80, text: {en: "Crowded", de: "Überfüllt"}}
    source: {quote: "level", section: test}
impacts:
  - {from: push, to: level, weight: 0.8, range: [0.5, 1.1], source: {quote: "push", section: test}}
  - {from: calm, to: level, weight: -2.0, range: [-2.2, -1.8], source: {quote: "calm", section: test}}
  - {from: talk, to: level, weight: -0.1, range: [-0.2, 0.0], source: {quote: "talk", section: test}}
  - {from: level, to: level, weight: -0.3, range: [-0.4, -0.2], source: {judgement: {en: "Damping.", de: "Dämpfung."}}}
questions:
  - id: level_busy
    text: {en: "Does the level get busy?", de: "Wird das Niveau belebt?"}
    indicator: level
    threshold: 50
    by_week: 8
  - id: level_quiet
    text: {en: "Does the level fall to quiet?", de: "Wird das Niveau ruhig?"}
    indicator: level
    threshold: 20
    by_week: 12
    direction: below
"""
SCENARIO = parse_scenario(TWO_LEVERS.replace("PUSH_IS_LEVER", "false"), "two-levers.yaml")
MODEL = Model.of(SCENARIO)
SETTINGS = {
    "calm high": {"calm": 100.0, "talk": 0.0},
    "calm low": {"calm": 0.0, "talk": 0.0},
    "calm high, again": {"calm": 100.0, "talk": 0.0},
}
CUTOFFS = {"level_quiet": 0.5, "level_busy": 0.5}
POINTS, RUNS, RUN_SEED = 32, 50, 1


@pytest.fixture(scope="module")
def result():
    return robustness(MODEL, SETTINGS, CUTOFFS, points=POINTS, runs=RUNS, seed=RUN_SEED)


def test_levers_and_uncertainties():
    assert levers(SCENARIO) == ["calm", "talk"]
    assert uncertainties(SCENARIO) == ["push"]
    assert levers(SEED) == ["sanctions_pressure", "human_rights_scrutiny", "defence_review"]
    assert len(uncertainties(SEED)) == len(SEED.drivers) - 3


def test_the_result_has_a_row_per_setting_and_question_and_the_probabilities_behind_them(result):
    assert result.settings == ("calm high", "calm low", "calm high, again")
    assert result.states == POINTS
    assert result.probabilities.shape == (3, POINTS, 2)
    assert list(result.table.columns) == ROBUSTNESS_COLUMNS
    # The scenario's question order, whatever the order of the cut-offs.
    assert list(zip(result.table["setting"], result.table["question"], strict=True)) == [
        (s, q) for s in SETTINGS for q in ("level_busy", "level_quiet")
    ]
    assert result.table["cutoff"].tolist() == [0.5] * 6


def test_shares_and_regret_are_what_the_probabilities_say(result):
    p = result.probabilities
    for k, question in enumerate(("level_busy", "level_quiet")):
        best = p[:, :, k].min(axis=0)
        for s, name in enumerate(SETTINGS):
            row = result.table[(result.table["setting"] == name) & (result.table["question"] == question)]
            assert len(row) == 1
            row = row.iloc[0]
            assert row["share_under"] == float((p[s, :, k] <= 0.5).mean())
            assert row["mean_probability"] == float(p[s, :, k].mean())
            assert row["mean_regret"] == float((p[s, :, k] - best).mean())
            assert row["max_regret"] == float((p[s, :, k] - best).max())


def test_the_calm_setting_is_under_the_cut_off_everywhere_and_never_regretted_for_busy(result):
    p = result.probabilities
    table = result.table.set_index(["setting", "question"])
    # Calm at its maximum: never busy in any state, so it is the best setting in every state.
    assert (p[0, :, 0] == 0).all()
    assert table.loc[("calm high", "level_busy"), ["share_under", "mean_regret", "max_regret"]].tolist() == [1, 0, 0]
    # Calm at zero: busy with a strong push, so above the cut-off in some states and regretted there.
    low = table.loc[("calm low", "level_busy")]
    assert 0 < low["share_under"] < 1
    assert low["mean_regret"] > 0.5
    assert low["max_regret"] == 1.0
    # For falling to quiet it is the other way round.
    assert (p[0, :, 1] == 1).all()
    assert table.loc[("calm high", "level_quiet"), "share_under"] == 0.0
    assert table.loc[("calm low", "level_quiet"), ["mean_regret", "max_regret"]].tolist() == [0, 0]
    assert table.loc[("calm low", "level_quiet"), "share_under"] > 0.9
    assert most_robust(result, "level_busy")["setting"] == "calm high"
    assert most_robust(result, "level_quiet")["setting"] == "calm low"


def test_a_probability_on_the_cut_off_counts_as_under_it():
    # Calm at its maximum never gets busy: probability 0 in every state, which is "at or under" a cut-off of 0.
    zero = robustness(MODEL, {"calm high": SETTINGS["calm high"]}, {"level_busy": 0.0}, points=8, runs=20, seed=0)
    assert (zero.probabilities == 0).all()
    assert zero.table["share_under"].tolist() == [1.0]


def test_common_draws_the_same_state_gives_equal_settings_the_same_probability(result):
    assert np.array_equal(result.probabilities[0], result.probabilities[2])
    table = result.table.set_index(["setting", "question"])
    for question in ("level_busy", "level_quiet"):
        assert table.loc[("calm high", question)].equals(table.loc[("calm high, again", question)])


def test_each_setting_is_the_sweep_of_the_uncertainties_with_its_levers_set(result):
    # The states are one seeded Latin hypercube over the uncertainties; state i's runs are seeded by (seed, i).
    for s, values in enumerate(SETTINGS.values()):
        design = Design({"push": (0.0, 1000.0)}, POINTS, "lhs", RUN_SEED, SCENARIO.defaults() | values)
        frame = run_sweep(MODEL, design, runs=RUNS, seed=RUN_SEED)
        assert np.array_equal(result.probabilities[s, :, 0], frame["p:level_busy"].to_numpy())
        assert np.array_equal(result.probabilities[s, :, 1], frame["p:level_quiet"].to_numpy())


def test_levers_not_named_stay_at_the_base_and_only_cut_off_questions_are_reported():
    only_calm = robustness(MODEL, {"calm": {"calm": 100.0}}, {"level_busy": 0.2}, points=8, runs=20, seed=0,
                           base={"talk": 0.0})  # fmt: skip
    explicit = robustness(MODEL, {"calm": {"calm": 100.0, "talk": 0.0}}, {"level_busy": 0.2}, points=8, runs=20,
                          seed=0)  # fmt: skip
    assert np.array_equal(only_calm.probabilities, explicit.probabilities)
    assert only_calm.table["question"].tolist() == ["level_busy"]
    assert only_calm.probabilities.shape == (1, 8, 1)
    # One setting is its own best everywhere.
    assert only_calm.table[["mean_regret", "max_regret"]].to_numpy().tolist() == [[0.0, 0.0]]


def test_lever_grid_names_and_values():
    grid = lever_grid(SCENARIO, "calm", "talk", 3)
    assert list(grid) == [
        "calm=0, talk=0",
        "calm=0, talk=50",
        "calm=0, talk=100",
        "calm=50, talk=0",
        "calm=50, talk=50",
        "calm=50, talk=100",
        "calm=100, talk=0",
        "calm=100, talk=50",
        "calm=100, talk=100",
    ]
    assert grid["calm=50, talk=100"] == {"calm": 50.0, "talk": 100.0}
    assert all(set(v) == {"calm", "talk"} for v in grid.values())
    assert list(lever_grid(SCENARIO, "talk", "calm", 2)) == [
        "talk=0, calm=0",
        "talk=0, calm=100",
        "talk=100, calm=0",
        "talk=100, calm=100",
    ]
    assert list(lever_grid(SEED, "sanctions_pressure", "defence_review", 2))[1] == (
        "sanctions_pressure=0, defence_review=100"
    )


def test_lever_grid_errors():
    with pytest.raises(ValueError, match=r"^push is not a lever of this scenario$"):
        lever_grid(SCENARIO, "calm", "push")
    with pytest.raises(ValueError, match=r"^choose two different levers$"):
        lever_grid(SCENARIO, "calm", "calm")
    for steps in (1, 12):
        with pytest.raises(ValueError, match=r"^steps must be between 2 and 11$"):
            lever_grid(SCENARIO, "calm", "talk", steps)
    assert len(lever_grid(SCENARIO, "calm", "talk", 11)) == 121


def test_preset_levers_merges_presets_with_equal_lever_values():
    # Baseline, escalation and de-escalation leave every lever at its default; the squeeze moves two of them.
    assert preset_levers(SEED) == {
        "baseline / escalation / de-escalation": {
            "sanctions_pressure": 40.0,
            "human_rights_scrutiny": 40.0,
            "defence_review": 50.0,
        },
        "sanctions-squeeze": {"sanctions_pressure": 90.0, "human_rights_scrutiny": 85.0, "defence_review": 50.0},
    }
    for p in ("baseline", "escalation", "de-escalation"):
        assert {k: SEED.preset_values(p)[k] for k in levers(SEED)} == {k: SEED.driver(k).default for k in levers(SEED)}
    assert preset_levers(SCENARIO) == {}  # no presets


def test_errors():
    with pytest.raises(ValueError, match=r"^setting 'bad' sets drivers that are not levers: push$"):
        robustness(MODEL, {"good": {"calm": 1.0}, "bad": {"push": 10.0, "calm": 1.0}}, CUTOFFS, points=4, runs=5)
    with pytest.raises(ValueError, match=r"^robustness needs a cut-off for at least one question$"):
        robustness(MODEL, SETTINGS, {}, points=4, runs=5)
    with pytest.raises(ValueError, match=r"^unknown question\(s\): nope$"):
        robustness(MODEL, SETTINGS, {"level_busy": 0.5, "nope": 0.5}, points=4, runs=5)
    with pytest.raises(ValueError, match=r"^robustness needs at least one lever setting$"):
        robustness(MODEL, {}, CUTOFFS, points=4, runs=5)
    all_levers = Model.of(parse_scenario(TWO_LEVERS.replace("PUSH_IS_LEVER", "true"), "all-levers.yaml"))
    with pytest.raises(ValueError, match=r"^every driver is a lever: there is no uncertainty to be robust to$"):
        robustness(all_levers, {"calm": {"calm": 100.0}}, CUTOFFS, points=4, runs=5)


def test_too_much_work_is_refused_before_it_starts():
    settings = lever_grid(SEED, "sanctions_pressure", "defence_review", 11)
    with pytest.raises(BudgetExceeded, match=r"^robustness over 121 settings x 1000 states x 1000 runs would take "):
        robustness(Model.of(SEED), settings, {"aggressive_posture": 0.5}, points=1000, runs=1000)
