"""engine/sweep.py: seeded space-filling designs of the drivers and an ensemble at every point."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.budget import BudgetExceeded, max_swing_runs
from engine.ensemble import coefficients_at, question_reached
from engine.loader import load_scenario
from engine.model import Model
from engine.simulation import simulate
from engine.sweep import (
    CHUNK_POINTS,
    MAX_POINTS,
    Design,
    design_for,
    design_values,
    evaluate,
    output_names,
    run_sweep,
    unit_points,
)

DATA = Path(__file__).resolve().parent / "data"
TINY2 = load_scenario(DATA / "tiny2.yaml")
SEED = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "dprk-russia-2024.yaml")


# --- designs ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["lhs", "sobol"])
def test_design_shapes_and_every_point_inside_its_range(kind):
    ranges = {"troops_deployed": (2000.0, 15000.0), "sanctions_pressure": (10.0, 60.0)}
    design = design_for(SEED, list(ranges), points=64, kind=kind, seed=5, ranges=ranges)
    assert design.drivers == ("troops_deployed", "sanctions_pressure")
    assert design.ranges == ranges
    assert (design.points, design.kind, design.seed) == (64, kind, 5)
    assert dict(design.base) == SEED.defaults()

    unit = unit_points(design)
    assert unit.shape == (64, 2)
    assert ((unit >= 0) & (unit < 1)).all()
    rows = design_values(SEED, design)
    order = [d.id for d in SEED.drivers]
    assert rows.shape == (64, len(SEED.drivers))
    for n, key in enumerate(order):
        if key in ranges:
            low, high = ranges[key]
            assert rows[:, n].min() >= low and rows[:, n].max() <= high
            # The unit points scaled onto the range, nothing else.
            column = design.drivers.index(key)
            assert np.array_equal(rows[:, n], low + unit[:, column] * (high - low))
        else:
            assert (rows[:, n] == SEED.driver(key).default).all()


@pytest.mark.parametrize("kind", ["lhs", "sobol"])
def test_both_designs_put_one_point_in_each_of_n_equal_strata_of_every_driver(kind):
    # A Latin hypercube does by construction; a scrambled Sobol' sequence of 2**k points does too.
    design = design_for(SEED, ["troops_deployed", "combat_engagement", "global_volatility"], points=64, kind=kind)
    strata = np.floor(unit_points(design) * 64).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(64))


def test_default_design_sweeps_every_driver_over_its_slider_range_and_base_takes_the_given_values():
    design = design_for(TINY2, points=8, base={"calm": 70.0})
    assert design.ranges == {"push": (0.0, 1000.0), "calm": (0.0, 100.0)}
    assert dict(design.base) == {"push": 800.0, "calm": 70.0}
    only_push = design_for(TINY2, ["push"], points=8, base={"calm": 70.0})
    rows = design_values(TINY2, only_push)
    assert (rows[:, 1] == 70.0).all()


def test_the_same_seed_gives_the_same_points_another_seed_other_points():
    def rows(kind: str, seed: int) -> np.ndarray:
        return design_values(SEED, design_for(SEED, points=32, kind=kind, seed=seed))

    for kind in ("lhs", "sobol"):
        assert np.array_equal(rows(kind, 11), rows(kind, 11))
        assert not np.isin(rows(kind, 11)[:, 0], rows(kind, 12)[:, 0]).any()
    # Latin hypercube and Sobol' points differ for one seed.
    assert not np.isin(rows("lhs", 11)[:, 0], rows("sobol", 11)[:, 0]).any()


def test_design_key_is_hashable_and_tells_designs_apart():
    a = design_for(TINY2, points=16, seed=1)
    assert hash(a.key()) == hash(design_for(TINY2, points=16, seed=1).key())
    assert a.key() == (
        (("push", 0.0, 1000.0), ("calm", 0.0, 100.0)),
        16,
        "lhs",
        1,
        (("calm", 30.0), ("push", 800.0)),
    )
    assert a.key() != design_for(TINY2, points=16, seed=2).key()
    assert a.key() != design_for(TINY2, points=16, seed=1, kind="sobol").key()
    assert a.key() != design_for(TINY2, points=16, seed=1, base={"calm": 31.0}).key()


def test_design_validation_errors():
    with pytest.raises(ValueError, match=r"^unknown driver\(s\): nope, other$"):
        design_for(TINY2, ["push", "nope", "other"])
    with pytest.raises(ValueError, match=r"^a sweep needs at least one driver$"):
        design_for(TINY2, [])
    with pytest.raises(ValueError, match=r"^push: range \[-10, 500\] is not within \[0, 1000\]$"):
        design_for(TINY2, ["push"], ranges={"push": (-10, 500)})
    with pytest.raises(ValueError, match=r"^calm: range \[20, 101\] is not within \[0, 100\]$"):
        design_for(TINY2, ranges={"calm": (20, 101)})
    with pytest.raises(ValueError, match=r"^calm: range \[60, 40\] is not within \[0, 100\]$"):
        design_for(TINY2, ranges={"calm": (60, 40)})
    with pytest.raises(ValueError, match=r"^points must be between 1 and 1,000,000, got 0$"):
        design_for(TINY2, points=0)
    with pytest.raises(ValueError, match=r"^points must be between 1 and 1,000,000, got 1000001$"):
        design_for(TINY2, points=MAX_POINTS + 1)
    with pytest.raises(ValueError, match=r"^design must be one of lhs, sobol, got 'grid'$"):
        design_for(TINY2, kind="grid")
    # The bounds themselves are allowed.
    assert design_for(TINY2, points=1).points == 1
    assert design_for(TINY2, ["calm"], ranges={"calm": (0, 100)}).ranges == {"calm": (0.0, 100.0)}


# --- outcomes ----------------------------------------------------------------------------------------------------


def test_output_names_of_tiny2_and_a_week_column_once_per_question_week_and_indicator(make_scenario):
    assert output_names(TINY2) == [
        "p:level_busy",
        "p:echo_faint",
        "end:level",
        "end:echo",
        "peak:level",
        "peak:echo",
        "week8:level",
        "week10:echo",
    ]
    two_on_one = make_scenario(
        indicators=(("y", 50.0), ("z", 20.0)),
        impacts=(("d", "y", 0.5),),
        questions=(
            {"id": "q1", "indicator": "y", "threshold": 60, "by_week": 5},
            {"id": "q2", "indicator": "y", "threshold": 70, "by_week": 5},
            {"id": "q3", "indicator": "y", "threshold": 70, "by_week": 8},
        ),
    )
    assert output_names(two_on_one) == [
        "p:q1",
        "p:q2",
        "p:q3",
        "end:y",
        "end:z",
        "peak:y",
        "peak:z",
        "week5:y",
        "week8:y",
    ]


def _by_hand(scenario, row: np.ndarray, index: int, runs: int, seed: int) -> dict[str, float]:
    """Point `index`'s outcomes straight from the engine: its own generator, its own runs."""
    compiled = Model.of(scenario).compiled
    weeks = compiled.horizon
    position = {name: n for n, name in enumerate(compiled.indicator_ids)}
    rng = np.random.default_rng([seed, index])
    coefficients = coefficients_at(compiled, rng.random((runs, len(compiled.weight))))
    paths = simulate(compiled, coefficients, row, weeks) * 100  # weeks x runs x indicators
    out = {}
    for q in scenario.questions:
        out[f"p:{q.id}"] = question_reached(q, paths[: q.by_week + 1, :, position[q.indicator]]).mean()
    for i in scenario.indicators:
        out[f"end:{i.id}"] = np.median(paths[weeks, :, position[i.id]])
    for i in scenario.indicators:
        out[f"peak:{i.id}"] = np.median(paths[:, :, position[i.id]].max(axis=0))
    for q in scenario.questions:
        out[f"week{q.by_week}:{q.indicator}"] = np.median(paths[q.by_week, :, position[q.indicator]])
    return out


@pytest.mark.parametrize(("scenario", "index"), [(TINY2, 0), (TINY2, 13), (SEED, 5)])
def test_run_sweep_equals_a_hand_computation_of_one_point(scenario, index):
    runs, seed = 40, 9
    design = design_for(scenario, points=20, seed=3)
    frame = run_sweep(Model.of(scenario), design, runs=runs, seed=seed)
    rows = design_values(scenario, design)

    assert list(frame.columns) == ["point", *design.drivers, *output_names(scenario)]
    assert frame["point"].tolist() == list(range(20))
    expected = _by_hand(scenario, rows[index], index, runs, seed)
    assert frame.iloc[index][list(expected)].to_dict() == expected
    for key in design.drivers:
        assert frame.loc[index, key] == rows[index, [d.id for d in scenario.drivers].index(key)]


def test_tiny2_outcomes_are_probabilities_and_levels_and_not_all_alike():
    frame = run_sweep(Model.of(TINY2), design_for(TINY2, points=40, seed=1), runs=50, seed=2)
    assert frame["p:level_busy"].between(0, 1).all()
    assert frame["p:level_busy"].nunique() > 1
    # The echo starts at 20 and only ever follows the level up: it never fades to 10.
    assert (frame["p:echo_faint"] == 0).all()
    assert (frame["peak:level"] >= frame["end:level"]).all()
    assert (frame["peak:level"] >= frame["week8:level"]).all()
    # More push, more often busy: the sweep sees the model's main effect.
    low, high = frame[frame["push"] < 300], frame[frame["push"] > 700]
    assert low["p:level_busy"].mean() < high["p:level_busy"].mean()


def test_a_slice_evaluated_with_its_first_index_equals_the_same_rows_of_the_whole():
    model = Model.of(SEED)
    design = design_for(SEED, points=40, seed=4)
    rows = design_values(SEED, design)
    whole = evaluate(model, rows, 0, 30, 8)
    for start, stop in ((0, 1), (7, 19), (19, 40), (39, 40)):
        assert np.array_equal(evaluate(model, rows[start:stop], start, 30, 8), whole[start:stop])
    # The first index is what seeds the runs: the same rows under another index give other outcomes.
    assert not np.array_equal(evaluate(model, rows[7:19], 8, 30, 8), whole[7:19])
    # And run_sweep's table holds exactly these outcomes.
    table = run_sweep(model, design, runs=30, seed=8)
    assert np.array_equal(table[output_names(SEED)].to_numpy(), whole)


def test_the_runs_seed_changes_the_outcomes_not_the_points():
    model = Model.of(TINY2)
    design = design_for(TINY2, points=30, seed=1)
    a = run_sweep(model, design, runs=30, seed=1)
    b = run_sweep(model, design, runs=30, seed=2)
    assert a[["point", "push", "calm"]].equals(b[["point", "push", "calm"]])
    assert not a["end:level"].equals(b["end:level"])
    assert a.equals(run_sweep(model, design, runs=30, seed=1))


def test_progress_reports_each_chunk_and_ends_at_one():
    seen: list[float] = []
    points = 2 * CHUNK_POINTS + 2
    run_sweep(Model.of(TINY2), design_for(TINY2, points=points), runs=5, progress=seen.append)
    assert seen == [CHUNK_POINTS / points, 2 * CHUNK_POINTS / points, 1.0]


def test_evaluate_reports_its_own_progress_up_to_one():
    seen: list[float] = []
    rows = design_values(TINY2, design_for(TINY2, points=10))
    evaluate(Model.of(TINY2), rows, 0, 5, 0, progress=seen.append)
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_too_many_points_times_runs_is_refused_before_any_work():
    model = Model.of(SEED)
    design = design_for(SEED, points=50_000)
    with pytest.raises(BudgetExceeded) as refused:
        run_sweep(model, design, runs=1_000, progress=lambda _: pytest.fail("the sweep started"))
    assert refused.value.largest == max_swing_runs(SEED, 50_000)
    assert refused.value.what == "a sweep of 50,000 points x 1,000 runs"
    # What fits runs: the largest allowed count for a small design.
    assert max_swing_runs(SEED, 8) >= 200
    assert len(run_sweep(model, design_for(SEED, points=8), runs=200)) == 8


def test_runs_out_of_range_are_refused():
    design = design_for(TINY2, points=4)
    for runs in (0, 10_001):
        with pytest.raises(ValueError, match=rf"^runs must be between 1 and 10,000, got {runs}$"):
            run_sweep(Model.of(TINY2), design, runs=runs)


def test_a_design_made_by_hand_with_a_single_driver_and_sobol():
    design = Design({"calm": (10.0, 20.0)}, 16, "sobol", 3, TINY2.defaults())
    frame = run_sweep(Model.of(TINY2), design, runs=10, seed=0)
    assert list(frame.columns[:2]) == ["point", "calm"]
    assert frame["calm"].between(10, 20).all()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 16
