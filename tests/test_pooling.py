"""engine/pooling.py: a team's judgements as equal shares of one ensemble, the exact variance split, the
disagreement swings and the Delphi spreads."""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.ensemble import MAX_RUNS, coefficients_at, question_reached, sample_coefficients, summarise, wilson_interval
from engine.loader import load_scenario
from engine.model import Model
from engine.pooling import (
    DISAGREEMENT_COLUMNS,
    MIN_MEMBER_RUNS,
    SPLIT_COLUMNS,
    SPREAD_COLUMNS,
    Judgement,
    JudgementError,
    _split,
    check_judgement,
    compare_spreads,
    disagreement,
    median_values,
    member_key,
    member_model,
    member_runs,
    pooled_ensemble,
    spread,
)
from engine.simulation import driver_array, point_run, simulate

SEED_FILE = Path(__file__).resolve().parent.parent / "scenarios" / "dprk-russia-2024.yaml"

ANN = Judgement(
    "Ann",
    {"troops_deployed": 3000.0, "combat_engagement": 20.0, "sanctions_pressure": 70.0},
    gut={"aggressive_posture": 0.3, "china_role": 0.25},
)
# Bob's own ranges for two impacts: troops -> joint combat (index 0) and alignment -> assertiveness (19).
BOB = Judgement(
    "Bob",
    {"troops_deployed": 18000.0, "combat_engagement": 90.0, "perceived_moscow_backing": 85.0},
    impacts={0: (0.2, 0.3, 0.31), 19: (0.3, 0.4, 0.43)},
    gut={"aggressive_posture": 0.7},
)
CAY = Judgement("Cay", {"troops_deployed": 9000.0, "technology_transfer": 90.0})


@pytest.fixture(scope="module")
def model() -> Model:
    return Model.of(load_scenario(SEED_FILE))


@pytest.fixture(scope="module")
def two_paths(make_scenario) -> Model:
    """No uncertainty at all: `d` raises y and lowers w, `e` raises z; every run of one setting is the same."""
    scenario = make_scenario(
        drivers=(("d", 0.0, 100.0, 50.0), ("e", 0.0, 100.0, 50.0)),
        indicators=(("y", 50.0), ("w", 50.0), ("z", 50.0)),
        impacts=(("d", "y", 0.5), ("d", "w", -0.5), ("e", "z", 0.5)),
        questions=(
            {"id": "y_high", "indicator": "y", "threshold": 60, "by_week": 5},
            {"id": "w_low", "indicator": "w", "threshold": 40, "by_week": 5, "direction": "below"},
            {"id": "z_high", "indicator": "z", "threshold": 60, "by_week": 5},
        ),
        horizon=8,
        schema=2,
    )
    return Model.of(scenario)


def _own_compiled(model: Model, judgement: Judgement):
    """The member's compiled model, built here rather than by member_model."""
    compiled = model.compiled
    low, weight, high = compiled.low.copy(), compiled.weight.copy(), compiled.high.copy()
    for index, (lo, w, hi) in judgement.impacts.items():
        low[index], weight[index], high[index] = lo, w, hi
    return replace(compiled, low=low, weight=weight, high=high)


def _member_paths(model: Model, judgement: Judgement, runs: int, seed: int) -> np.ndarray:
    """A member's own ensemble (weeks x runs x indicators, 0-1), drawn as the pool says it draws it."""
    values = check_judgement(model.scenario, judgement).values
    own = _own_compiled(model, judgement)
    rng = np.random.default_rng([seed, member_key(judgement.member)])
    coefficients = coefficients_at(own, rng.random((runs, len(own.weight))))
    return np.array(simulate(own, coefficients, driver_array(own, values), own.horizon))


# --- equal shares --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("runs", "members", "expected"),
    [
        (1000, 1, 1000),
        (1000, 4, 250),
        (1000, 3, 334),  # the share is rounded up
        (100, 5, MIN_MEMBER_RUNS),  # 20 each is below the minimum
        (1000, 30, MIN_MEMBER_RUNS),  # 34 each is below the minimum
        (1, 1, MIN_MEMBER_RUNS),
        (50_000, 1, MAX_RUNS),  # the cap
        (20_000, 3, 6666),  # 6,667 each would pass the cap
        (10_000, 500, 40),  # the cap wins over the minimum: 500 x 40 = MAX_RUNS
        (100, MAX_RUNS, 1),
    ],
)
def test_member_runs(runs, members, expected):
    assert member_runs(runs, members) == expected


def test_member_runs_needs_a_member():
    with pytest.raises(ValueError, match="at least one member"):
        member_runs(1000, 0)


def test_member_key_is_the_hash_of_the_case_folded_name():
    assert member_key("Ann") == int.from_bytes(hashlib.sha256(b"ann").digest()[:8], "big")
    assert member_key("ANN") == member_key("ann")
    assert member_key("Straße") == member_key("STRASSE")
    assert member_key("Ann") != member_key("Bob")


def test_a_pool_of_one_is_that_members_own_ensemble(model):
    pool = pooled_ensemble(model, [BOB], 300, 11)
    assert pool.members == ("Bob",)
    assert pool.runs_per_member == 300
    assert pool.seed == 11
    paths = _member_paths(model, BOB, 300, 11)
    medians = np.median(paths, axis=1) * 100  # weeks x indicators
    bands, questions = summarise(model.scenario, paths)
    pd.testing.assert_frame_equal(pool.bands, bands, check_exact=True)
    pd.testing.assert_frame_equal(pool.questions, questions, check_exact=True)
    assert pool.member_medians["member"].unique().tolist() == ["Bob"]
    assert pool.member_medians["week"].tolist() == np.repeat(np.arange(53), 10).tolist()
    assert pool.member_medians["indicator"].tolist() == list(model.compiled.indicator_ids) * 53
    assert pool.member_medians["p50"].tolist() == medians.reshape(-1).tolist()
    assert pool.member_questions["probability"].tolist() == questions["probability"].tolist()


@pytest.mark.parametrize(("runs", "per"), [(1000, 334), (60, MIN_MEMBER_RUNS)])
def test_the_pool_is_each_members_runs_side_by_side(model, runs, per):
    members = [ANN, BOB, CAY]
    pool = pooled_ensemble(model, members, runs, 5)
    assert pool.runs_per_member == per
    paths = [_member_paths(model, j, per, 5) for j in members]
    bands, questions = summarise(model.scenario, np.concatenate(paths, axis=1))
    pd.testing.assert_frame_equal(pool.bands, bands, check_exact=True)
    pd.testing.assert_frame_equal(pool.questions, questions, check_exact=True)
    # Each member's share of the yes runs: exactly `per` runs each, so the pooled share is their mean.
    yes = (pool.member_questions["probability"] * per).round().astype(int)
    assert np.allclose(pool.member_questions["probability"] * per, yes, rtol=0, atol=1e-9)
    pooled_yes = yes.groupby(pool.member_questions["question"], sort=False).sum()
    assert pooled_yes.tolist() == (pool.questions["probability"] * 3 * per).round().astype(int).tolist()
    for name, own in zip(pool.members, paths, strict=True):
        rows = pool.member_medians[pool.member_medians["member"] == name]
        assert rows["p50"].tolist() == (np.median(own, axis=1) * 100).reshape(-1).tolist()


def test_the_cap_holds_the_pool_within_max_runs(model):
    pool = pooled_ensemble(model, [ANN, BOB, CAY], 30_000, 3)
    assert pool.runs_per_member == 6666
    total = 3 * 6666
    for row in pool.questions.itertuples():
        yes = round(row.probability * total)
        assert (row.low, row.high) == wilson_interval(yes, total)


def test_member_questions_hold_each_members_probability_and_gut(model):
    pool = pooled_ensemble(model, [ANN, BOB], 200, 2)
    frame = pool.member_questions
    assert frame.columns.tolist() == ["member", "question", "probability", "gut"]
    questions = [q.id for q in model.scenario.questions]
    assert frame["question"].tolist() == [q for q in questions for _ in range(2)]
    assert frame["member"].tolist() == ["Ann", "Bob"] * len(questions)
    gut = dict(zip(zip(frame["member"], frame["question"], strict=True), frame["gut"], strict=True))
    assert gut[("Ann", "aggressive_posture")] == 0.3
    assert gut[("Ann", "china_role")] == 0.25
    assert gut[("Bob", "aggressive_posture")] == 0.7
    assert math.isnan(gut[("Bob", "china_role")])
    assert math.isnan(gut[("Ann", "motives_capability")])


def test_a_members_runs_do_not_change_when_another_joins(model):
    alone = pooled_ensemble(model, [ANN], 200, 9)
    joined = pooled_ensemble(model, [BOB, ANN, CAY], 600, 9)
    assert alone.runs_per_member == joined.runs_per_member == 200

    def ann(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["member"] == "Ann"].reset_index(drop=True)

    assert len(ann(alone.member_medians)) == 53 * 10
    pd.testing.assert_frame_equal(ann(joined.member_medians), ann(alone.member_medians), check_exact=True)
    pd.testing.assert_frame_equal(ann(joined.member_questions), ann(alone.member_questions), check_exact=True)
    # Another seed draws other runs: the comparison above can tell.
    other = pooled_ensemble(model, [ANN], 200, 10)
    assert ann(other.member_medians)["p50"].tolist() != ann(alone.member_medians)["p50"].tolist()


def test_a_members_runs_depend_on_their_case_folded_name_only(model):
    first = pooled_ensemble(model, [replace(ANN, member="ann")], 200, 9)
    second = pooled_ensemble(model, [ANN], 200, 9)
    pd.testing.assert_frame_equal(first.bands, second.bands, check_exact=True)
    renamed = pooled_ensemble(model, [replace(ANN, member="Anna")], 200, 9)
    assert renamed.bands["p50"].tolist() != second.bands["p50"].tolist()


def test_duplicate_members_are_refused(model):
    for names in (("Ann", "ANN"), ("Straße", "STRASSE"), ("bob", "Bob")):
        with pytest.raises(ValueError, match="each member may appear once in a pool"):
            pooled_ensemble(model, [replace(ANN, member=names[0]), replace(BOB, member=names[1])], 200, 1)


# --- the variance split ----------------------------------------------------------------------------------


def test_split_by_hand():
    # Members' means 1 and 5: between = 4; each member's variance 1: within = 1; all four values: total 5.
    assert _split(np.array([[0.0, 2.0], [4.0, 6.0]])) == (5.0, 1.0, 4.0)
    # One member: nothing between.
    assert _split(np.array([[1.0, 3.0, 5.0, 7.0]])) == (5.0, 5.0, 0.0)
    # Members who each always say the same, but differ: everything between.
    assert _split(np.array([[2.0, 2.0], [6.0, 6.0]])) == (4.0, 0.0, 4.0)


def test_split_adds_up_on_random_values():
    values = np.random.default_rng(4).normal(size=(7, 50)) * np.arange(1, 8)[:, None] + np.arange(7)[:, None]
    total, within, between = _split(values)
    assert total == pytest.approx(within + between, rel=1e-12)
    assert within == pytest.approx(np.mean([row.var() for row in values]), rel=1e-12)
    assert between == pytest.approx(np.var([row.mean() for row in values]), rel=1e-12)


def test_split_when_only_the_members_differ(two_paths):
    # No impact has a range: every run of a member is the same, so all the spread is disagreement.
    low, high = Judgement("Low", {"d": 0.0}), Judgement("High", {"d": 100.0})
    pool = pooled_ensemble(two_paths, [low, high], 100, 1)
    assert pool.split.columns.tolist() == SPLIT_COLUMNS
    assert pool.split[["question", "indicator", "measure"]].values.tolist() == [
        ["y_high", "y", "value"],
        ["y_high", "y", "outcome"],
        ["w_low", "w", "value"],
        ["w_low", "w", "outcome"],
        ["z_high", "z", "value"],
        ["z_high", "z", "outcome"],
    ]
    rows = {(r.question, r.measure): r for r in pool.split.itertuples()}
    weeks = {}
    for name, d in (("Low", 0.0), ("High", 100.0)):
        path = point_run(two_paths, {"d": d, "e": 50.0})
        weeks[name] = {i: path[(path["indicator"] == i) & (path["week"] <= 5)]["value"] for i in ("y", "w")}
    # The deciding values: y's peak (an 'above' question), w's trough (a 'below' question), to week 5.
    for question, pick in (("y_high", lambda n: weeks[n]["y"].max()), ("w_low", lambda n: weeks[n]["w"].min())):
        a, b = pick("Low"), pick("High")
        value = rows[(question, "value")]
        assert value.between == pytest.approx(((b - a) / 2) ** 2, rel=1e-12)
        assert value.total == pytest.approx(value.between, rel=1e-12)
        assert value.within == pytest.approx(0.0, abs=1e-20)
        assert value.disagreement == pytest.approx(1.0, rel=1e-12)
        # One member always yes, the other always no: p = 1/2, all of p (1 - p) between the members.
        outcome = rows[(question, "outcome")]
        assert (outcome.total, outcome.within, outcome.between, outcome.disagreement) == (0.25, 0.0, 0.25, 1.0)
    assert weeks["Low"]["y"].max() < 60 <= weeks["High"]["y"].max()
    assert weeks["High"]["w"].min() <= 40 < weeks["Low"]["w"].min()
    # z follows e, which both left at 50: no spread at all, and a disagreement share of 0, not NaN.
    z = rows[("z_high", "outcome")]
    assert (z.total, z.within, z.between, z.disagreement) == (0.0, 0.0, 0.0, 0.0)
    z = rows[("z_high", "value")]
    assert (z.total, z.between, z.disagreement) == (0.0, 0.0, 0.0)
    assert z.within == pytest.approx(0.0, abs=1e-20)
    frame = pool.member_questions
    assert frame[["member", "question", "probability"]].values.tolist() == [
        ["Low", "y_high", 0.0],
        ["High", "y_high", 1.0],
        ["Low", "w_low", 0.0],
        ["High", "w_low", 1.0],
        ["Low", "z_high", 1.0],
        ["High", "z_high", 1.0],
    ]
    assert pool.questions["probability"].tolist() == [0.5, 0.5, 1.0]


def test_split_on_the_seed_scenario_adds_up(model):
    pool = pooled_ensemble(model, [ANN, BOB, CAY], 900, 21)
    split = pool.split
    assert len(split) == 2 * len(model.scenario.questions)
    assert (split["total"] > 0).all()
    for row in split.itertuples():
        assert abs(row.total - (row.within + row.between)) <= 1e-9
        assert row.disagreement == row.between / row.total
    outcome = split[split["measure"] == "outcome"].set_index("question")
    pooled = pool.questions.set_index("question")["probability"]
    members = pool.member_questions.groupby("question", sort=False)["probability"]
    for question, row in outcome.iterrows():
        p = pooled[question]
        shares = members.get_group(question).to_numpy()
        assert row["total"] == pytest.approx(p * (1 - p), rel=1e-12, abs=1e-15)
        assert row["between"] == pytest.approx(shares.var(), rel=1e-12, abs=1e-15)
        assert row["within"] == pytest.approx((shares * (1 - shares)).mean(), rel=1e-12, abs=1e-15)


# --- judgements ----------------------------------------------------------------------------------------------


def test_missing_drivers_default(model):
    checked = check_judgement(model.scenario, Judgement("Ann", {"troops_deployed": 100}))
    expected = {d.id: float(d.default) for d in model.scenario.drivers} | {"troops_deployed": 100.0}
    assert checked.values == expected
    assert list(checked.values) == [d.id for d in model.scenario.drivers]
    assert all(type(v) is float for v in checked.values.values())
    assert (checked.member, checked.impacts, checked.gut) == ("Ann", {}, {})


def test_a_valid_judgement_keeps_its_impacts_and_gut(model):
    checked = check_judgement(model.scenario, BOB)
    assert checked.impacts == {0: (0.2, 0.3, 0.31), 19: (0.3, 0.4, 0.43)}
    assert checked.gut == {"aggressive_posture": 0.7}
    # The ends of the scenario's ranges are allowed.
    edges = Judgement(
        "E", {"troops_deployed": 0, "combat_engagement": 100}, {0: (0.105, 0.105, 0.315)}, {"china_role": 1}
    )
    checked = check_judgement(model.scenario, edges)
    assert (checked.values["troops_deployed"], checked.values["combat_engagement"]) == (0.0, 100.0)
    assert (checked.impacts[0], checked.gut) == ((0.105, 0.105, 0.315), {"china_role": 1.0})


TROOPS = "impacts.troops_deployed>joint_combat_effectiveness"


@pytest.mark.parametrize(
    ("judgement", "field", "message"),
    [
        (Judgement("A", {"troops_deployed": 25000}), "values.troops_deployed", "25000 is outside [0, 20000]"),
        (Judgement("A", {"combat_engagement": -1}), "values.combat_engagement", "-1 is outside [0, 100]"),
        (Judgement("A", {"combat_engagement": math.nan}), "values.combat_engagement", "nan is outside [0, 100]"),
        (Judgement("A", {"combat_engagement": math.inf}), "values.combat_engagement", "inf is outside [0, 100]"),
        (Judgement("A", {"combat_engagement": "lots"}), "values.combat_engagement", "'lots' is not a number"),
        (Judgement("A", {"combat_engagement": None}), "values.combat_engagement", "None is not a number"),
        (Judgement("A", {"troop_deployed": 100}), "values.troop_deployed", "not a driver of this scenario"),
        (Judgement("A", {}, {52: (0.1, 0.2, 0.3)}), "impacts.52", "no such impact"),
        (Judgement("A", {}, {-1: (0.1, 0.2, 0.3)}), "impacts.-1", "no such impact"),
        (Judgement("A", {}, {"0": (0.1, 0.2, 0.3)}), "impacts.0", "no such impact"),
        (
            Judgement("A", {}, {0: (0.1, 0.2, 0.3)}),
            TROOPS,
            "needs 0.105 <= low <= weight <= high <= 0.315, got (0.1, 0.2, 0.3)",
        ),
        (
            Judgement("A", {}, {0: (0.2, 0.2, 0.4)}),
            TROOPS,
            "needs 0.105 <= low <= weight <= high <= 0.315, got (0.2, 0.2, 0.4)",
        ),
        (
            Judgement("A", {}, {0: (0.2, 0.15, 0.3)}),
            TROOPS,
            "needs 0.105 <= low <= weight <= high <= 0.315, got (0.2, 0.15, 0.3)",
        ),
        (Judgement("A", {}, {0: (0.2, 0.3)}), TROOPS, "needs low, weight and high as numbers"),
        (Judgement("A", {}, {0: (0.2, math.nan, 0.3)}), TROOPS, "needs low, weight and high as numbers"),
        (Judgement("A", {}, {0: ("low", 0.2, 0.3)}), TROOPS, "needs low, weight and high as numbers"),
        (Judgement("A", {}, {0: 0.2}), TROOPS, "needs low, weight and high as numbers"),
        (Judgement("A", {}, gut={"china_role": 1.5}), "gut.china_role", "1.5 is not a probability between 0 and 1"),
        (Judgement("A", {}, gut={"china_role": -0.1}), "gut.china_role", "-0.1 is not a probability between 0 and 1"),
        (
            Judgement("A", {}, gut={"china_role": math.nan}),
            "gut.china_role",
            "nan is not a probability between 0 and 1",
        ),
        (Judgement("A", {}, gut={"china_role": "likely"}), "gut.china_role", "'likely' is not a number"),
        (Judgement("A", {}, gut={"china": 0.5}), "gut.china", "not a question of this scenario"),
    ],
)
def test_check_judgement_names_the_field(model, judgement, field, message):
    with pytest.raises(JudgementError) as caught:
        check_judgement(model.scenario, judgement)
    assert caught.value.field == field
    assert str(caught.value) == f"{field}: {message}"


def test_a_pool_checks_every_judgement(model):
    with pytest.raises(JudgementError) as caught:
        pooled_ensemble(model, [ANN, Judgement("Dee", {"troops_deployed": -5})], 200, 1)
    assert caught.value.field == "values.troops_deployed"


def test_member_model_replaces_only_the_named_impacts(model):
    compiled = model.compiled
    before = (compiled.low.copy(), compiled.weight.copy(), compiled.high.copy())
    own = member_model(compiled, check_judgement(model.scenario, BOB))
    for name, original in zip(("low", "weight", "high"), before, strict=True):
        mine, theirs = getattr(own, name), getattr(compiled, name)
        changed = np.flatnonzero(mine != original).tolist()
        assert changed == [0, 19]
        assert (theirs == original).all()  # the shared compiled model is not touched
    assert (own.low[0], own.weight[0], own.high[0]) == (0.2, 0.3, 0.31)
    assert (own.low[19], own.weight[19], own.high[19]) == (0.3, 0.4, 0.43)
    for name in (
        "impact_from",
        "impact_to",
        "by_target",
        "sorted_from",
        "driver_starts",
        "reaches",
        "initial",
        "driver_min",
        "driver_max",
    ):
        assert getattr(own, name) is getattr(compiled, name)
    assert member_model(compiled, check_judgement(model.scenario, ANN)) is compiled


def test_a_members_own_ranges_change_the_pool(model):
    plain = pooled_ensemble(model, [replace(BOB, impacts={})], 200, 4)
    own = pooled_ensemble(model, [BOB], 200, 4)
    joint = own.bands[own.bands["indicator"] == "joint_combat_effectiveness"]["p50"].to_numpy()
    before = plain.bands[plain.bands["indicator"] == "joint_combat_effectiveness"]["p50"].to_numpy()
    assert joint[0] == before[0]
    assert (joint[1:] > before[1:]).all()  # Bob's troops -> joint combat weight 0.3 beats the scenario's 0.21


# --- disagreement ------------------------------------------------------------------------------------------


def test_disagreement_on_the_hand_made_case(two_paths):
    # d moves y and w from never to always reaching their thresholds; e, which both leave at 50, moves z only.
    low, high = Judgement("Low", {"d": 0.0}), Judgement("High", {"d": 100.0})
    frame = disagreement(two_paths, [low, high], 100, 3)
    assert frame.columns.tolist() == DISAGREEMENT_COLUMNS
    assert frame.values.tolist() == [
        ["y_high", "d", 0.0, 100.0, 50.0, 0.0, 1.0, 1.0, 0],
        ["y_high", "e", 50.0, 50.0, 50.0, 1.0, 1.0, 0.0, 1],
        ["w_low", "d", 0.0, 100.0, 50.0, 0.0, 1.0, 1.0, 0],
        ["w_low", "e", 50.0, 50.0, 50.0, 1.0, 1.0, 0.0, 1],
        # z at e = 50 reaches 60 whatever d says: both effects 0, ranked in the drivers' order.
        ["z_high", "d", 0.0, 100.0, 50.0, 1.0, 1.0, 0.0, 0],
        ["z_high", "e", 50.0, 50.0, 50.0, 1.0, 1.0, 0.0, 1],
    ]
    # Now e is what they disagree on, and it ranks first for z and last for y.
    frame = disagreement(two_paths, [Judgement("A", {"e": 0.0}), Judgement("B", {"e": 100.0})], 100, 3)
    assert frame[frame["question"] == "z_high"][["driver", "at_low", "at_high", "effect", "rank"]].values.tolist() == [
        ["e", 0.0, 1.0, 1.0, 0],
        ["d", 1.0, 1.0, 0.0, 1],
    ]
    assert frame[frame["question"] == "y_high"]["driver"].tolist() == ["d", "e"]


@pytest.fixture(scope="module")
def signed(make_scenario) -> Model:
    """`up` raises y, `down` lowers it, `idle` does nothing; every impact but idle's has a range."""
    scenario = make_scenario(
        drivers=(("up", 0.0, 100.0, 50.0), ("down", 0.0, 10.0, 5.0), ("idle", 0.0, 1.0, 0.5)),
        indicators=(("y", 50.0),),
        impacts=(
            ("up", "y", 0.5, (0.3, 0.7)),
            ("down", "y", -0.4, (-0.6, -0.2)),
            ("y", "y", -0.3, (-0.4, -0.2)),
            ("idle", "y", 0.0),
        ),
        questions=({"id": "y_high", "indicator": "y", "threshold": 52, "by_week": 8},),
        horizon=12,
    )
    return Model.of(scenario)


@pytest.mark.parametrize(
    ("a", "b", "order"),
    [
        ({"up": 40, "down": 2}, {"up": 60, "down": 8}, ["down", "up", "idle"]),  # the lowering swing is larger
        ({"up": 30, "down": 3}, {"up": 70, "down": 7}, ["up", "down", "idle"]),  # the raising swing is larger
    ],
)
def test_disagreement_ranks_by_the_size_of_the_effect_whatever_its_sign(signed, a, b, order):
    frame = disagreement(signed, [Judgement("A", a), Judgement("B", b)], 400, 5)
    assert frame["driver"].tolist() == order
    assert frame["rank"].tolist() == [0, 1, 2]
    effect = frame.set_index("driver")["effect"]
    assert effect["down"] < 0 < effect["up"]
    assert effect["idle"] == 0.0
    assert abs(effect[order[0]]) > abs(effect[order[1]]) > 0
    assert (frame["effect"] == frame["at_high"] - frame["at_low"]).all()


def test_disagreement_swings_each_driver_from_the_lowest_to_the_highest_member(model):
    members = [ANN, BOB, CAY]
    frame = disagreement(model, members, 200, 8, questions=["aggressive_posture"])
    drivers = list(model.compiled.driver_ids)
    assert frame["question"].unique().tolist() == ["aggressive_posture"]
    assert sorted(frame["driver"]) == sorted(drivers)
    assert frame["rank"].tolist() == list(range(len(drivers)))
    magnitude = frame["effect"].abs().to_numpy()
    assert (magnitude[:-1] >= magnitude[1:]).all()
    # Ties (here: the drivers all three left at the default, effect 0) keep the drivers' order.
    tied = frame[frame["effect"] == 0]["driver"].tolist()
    assert tied == [d for d in drivers if d in tied]
    checked = [check_judgement(model.scenario, j) for j in members]
    middle = median_values(model.scenario, checked)
    assert middle["troops_deployed"] == 9000.0  # 3000, 9000, 18000
    assert middle["combat_engagement"] == 50.0  # 20, 50 (Cay's default), 90
    rows = frame.set_index("driver")
    assert rows.loc["troops_deployed", ["low", "high", "median"]].tolist() == [3000.0, 18000.0, 9000.0]
    assert rows.loc["combat_engagement", ["low", "high", "median"]].tolist() == [20.0, 90.0, 50.0]
    assert rows.loc["sanctions_pressure", ["low", "high", "median"]].tolist() == [40.0, 70.0, 40.0]
    for alike in ("russian_equipment", "global_volatility", "defence_review"):
        assert rows.loc[alike, "effect"] == 0.0
        assert rows.loc[alike, "at_low"] == rows.loc[alike, "at_high"]
    # at_low and at_high, worked out here: the scenario's own draws, every other driver at the median.
    question = model.scenario.questions[2]
    draws = sample_coefficients(model.compiled, 200, 8)
    for driver in ("troops_deployed", "perceived_moscow_backing"):
        for end in ("low", "high"):
            values = dict(middle) | {driver: rows.loc[driver, end]}
            paths = simulate(model.compiled, draws, driver_array(model.compiled, values), 26)
            path = paths[: question.by_week + 1, :, model.compiled.indicator_ids.index(question.indicator)] * 100
            assert rows.loc[driver, f"at_{end}"] == question_reached(question, path).mean()
        assert rows.loc[driver, "effect"] == rows.loc[driver, "at_high"] - rows.loc[driver, "at_low"]
    assert rows.loc["troops_deployed", "effect"] > 0


def test_disagreement_with_two_members_takes_the_mean_as_median(model):
    frame = disagreement(model, [ANN, BOB], 100, 8, questions=["china_role", "nothing"])
    assert frame["question"].unique().tolist() == ["china_role"]
    rows = frame.set_index("driver")
    assert rows.loc["troops_deployed", ["low", "high", "median"]].tolist() == [3000.0, 18000.0, 10500.0]


def test_disagreement_without_questions_or_members(model):
    empty = disagreement(model, [ANN], 100, 1, questions=["nothing"])
    assert empty.columns.tolist() == DISAGREEMENT_COLUMNS
    assert len(empty) == 0
    with pytest.raises(ValueError, match="at least one member"):
        disagreement(model, [], 100, 1)


# --- spreads ---------------------------------------------------------------------------------------------


def _round(model: Model, troops, combat, gut) -> list[Judgement]:
    names = [f"m{k}" for k in range(len(troops))]
    judgements = []
    for name, t, c, g in zip(names, troops, combat, gut, strict=True):
        guts = {} if g is None else {"aggressive_posture": g}
        judgements.append(
            check_judgement(model.scenario, Judgement(name, {"troops_deployed": t, "combat_engagement": c}, gut=guts))
        )
    return judgements


def test_spread_and_compare_spreads(model):
    first = _round(
        model,
        troops=[1000, 5000, 9000, 13000, 17000],
        combat=[40, 45, 50, 55, 60],
        gut=[0.25, 0.75, None, None, None],
    )
    second = _round(
        model,
        troops=[7000, 8000, 9000, 10000, 11000],
        combat=[30, 45, 50, 55, 70],
        gut=[0.25, 0.5, 0.75, None, None],
    )
    second[0] = replace(second[0], gut={"aggressive_posture": 0.25, "china_role": 0.5})
    one, two = spread(model.scenario, first), spread(model.scenario, second)
    assert one.columns.tolist() == SPREAD_COLUMNS
    drivers = [d.id for d in model.scenario.drivers]
    assert one[["kind", "id"]].values.tolist() == [["driver", d] for d in drivers] + [["gut", "aggressive_posture"]]
    assert two[["kind", "id"]].values.tolist()[-2:] == [["gut", "aggressive_posture"], ["gut", "china_role"]]
    rows = one.set_index("id")
    assert rows.loc["troops_deployed"].tolist() == ["driver", 5, 9000.0, 5000.0, 13000.0, 1000.0, 17000.0]
    assert rows.loc["combat_engagement"].tolist() == ["driver", 5, 50.0, 45.0, 55.0, 40.0, 60.0]
    assert rows.loc["russian_equipment"].tolist() == ["driver", 5, 60.0, 60.0, 60.0, 60.0, 60.0]
    assert rows.loc["aggressive_posture"].tolist() == ["gut", 2, 0.5, 0.375, 0.625, 0.25, 0.75]
    assert two.set_index("id").loc["china_role"].tolist() == ["gut", 1, 0.5, 0.5, 0.5, 0.5, 0.5]

    compared = compare_spreads(one, two)
    assert compared.columns.tolist() == [
        "kind",
        "id",
        "median_1",
        "median_2",
        "iqr_1",
        "iqr_2",
        "range_1",
        "range_2",
        "narrowed",
    ]
    assert "china_role" not in compared["id"].tolist()  # only the second round has it
    assert len(compared) == len(drivers) + 1
    table = compared.set_index("id")
    # Troops: the interquartile range narrows from 8,000 to 2,000.
    assert table.loc["troops_deployed"].tolist() == ["driver", 9000.0, 9000.0, 8000.0, 2000.0, 16000.0, 4000.0, True]
    # Combat: the same interquartile range (the range even grew): not narrowed.
    assert table.loc["combat_engagement"].tolist() == ["driver", 50.0, 50.0, 10.0, 10.0, 20.0, 40.0, False]
    # Nobody moved: nothing narrowed.
    assert table.loc["russian_equipment"].tolist() == ["driver", 60.0, 60.0, 0.0, 0.0, 0.0, 0.0, False]
    # The gut: 0.375..0.625 over two members, 0.375..0.625 over three: not narrowed.
    assert table.loc["aggressive_posture"].tolist() == ["gut", 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, False]
    assert compared["narrowed"].tolist().count(True) == 1


def test_spread_leaves_out_questions_without_a_gut(model):
    frame = spread(model.scenario, [check_judgement(model.scenario, Judgement("A", {}))])
    assert frame["kind"].unique().tolist() == ["driver"]
    assert len(frame) == len(model.scenario.drivers)
    assert (frame["members"] == 1).all()
