"""engine/budget.py: every computation's cost is known before it starts, refused past the budget, flat in memory."""

from __future__ import annotations

import threading
import tracemalloc

import numpy as np
import pytest

from engine import budget
from engine.budget import BudgetExceeded, ServerBusy, ensemble_cost, heavy_slot, max_runs, max_swing_runs
from engine.ensemble import ensemble_paths, run_ensemble, sample_coefficients
from engine.loader import parse_scenario
from engine.model import Model
from engine.sensitivity import largest_sobol_n, sobol_indices, swing_settings, tornado_point, tornado_probability
from engine.simulation import compile_scenario, driver_array, simulate
from engine.state import RUNS_RANGE
from tests.heavy import heavy_yaml


@pytest.fixture(scope="module")
def heavy():
    return parse_scenario(heavy_yaml(), "heavy.yaml")


def test_the_heavy_scenario_is_as_large_as_the_loader_allows(heavy):
    assert (len(heavy.drivers), len(heavy.indicators), len(heavy.impacts), heavy.horizon_weeks) == (200, 200, 2255, 520)
    with pytest.raises(Exception, match="the limit is 262,144"):
        parse_scenario(heavy_yaml(limit=budget.MAX_MEMORY), "heavier.yaml")


def test_every_scenario_the_schema_allows_gets_at_least_the_fewest_runs_a_link_may_ask(heavy):
    # The schema's maxima: 200 indicators, 5,000 impacts, 520 weeks (more impacts than fit in 256 KiB).
    largest = heavy.model_copy(update={"impacts": (heavy.impacts * 3)[:5000]})
    assert max_runs(largest) >= RUNS_RANGE[0]


def test_the_runs_allowed_fit_and_one_more_does_not(heavy):
    allowed = max_runs(heavy)
    assert allowed == 234
    assert ensemble_cost(heavy, allowed).fits()
    assert not ensemble_cost(heavy, allowed + 1).fits()


def test_an_ensemble_past_the_budget_is_refused_before_it_starts_naming_the_largest_allowed(heavy):
    with pytest.raises(BudgetExceeded) as refused:
        run_ensemble(Model.of(heavy), runs=10_000, seed=1)
    assert refused.value.largest == 234
    assert str(refused.value).startswith("an ensemble of 10,000 runs would take 12,766,000,000 steps")


def test_the_heaviest_allowed_ensemble_stays_within_its_memory_estimate_and_the_budget(heavy):
    runs = max_runs(heavy)
    model = Model.of(heavy)
    tracemalloc.start()
    try:
        result = run_ensemble(model, runs=runs, seed=3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.bands) == 521 * 200
    assert peak <= ensemble_cost(heavy, runs).memory * 1.1
    assert peak <= budget.MAX_MEMORY


def test_blocks_of_runs_give_the_same_digits_as_one_block(seed_scenario):
    model = compile_scenario(seed_scenario)
    drivers = driver_array(model, seed_scenario.defaults())
    whole = simulate(model, sample_coefficients(model, 1000, 11), drivers)
    for block in (1, 7, 333, 999, 1000):
        assert np.array_equal(ensemble_paths(model, 1000, 11, drivers, seed_scenario.horizon_weeks, block), whole)


def test_blocks_keep_memory_flat_in_the_number_of_runs(seed_scenario, monkeypatch):
    monkeypatch.setattr(budget, "BLOCK_MEMORY", 1024 * 1024)
    model = Model.of(seed_scenario)
    peaks = []
    for runs in (2000, 8000):
        tracemalloc.start()
        try:
            run_ensemble(model, runs=runs, seed=1)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    kept = 8 * (seed_scenario.horizon_weeks + 1) * len(seed_scenario.indicators)
    # Four times the runs add only their stored paths (and the summaries), not four times the working arrays.
    assert peaks[1] - peaks[0] <= 6000 * kept * 1.25


def test_the_probability_tornado_is_limited_by_the_swings_it_runs(heavy, seed_scenario):
    settings = 2 * len(heavy.drivers) + 1
    assert max_swing_runs(heavy, settings) == 0
    with pytest.raises(BudgetExceeded, match=r"^the probability tornado with 50 runs per setting would take"):
        tornado_probability(Model.of(heavy), heavy.defaults(), runs=50, seed=1, questions=["q0"])
    seed_settings = 2 * len(seed_scenario.drivers) + 1
    assert max_swing_runs(seed_scenario, seed_settings) >= 500


def test_the_value_tornado_of_the_heavy_scenario_is_refused(heavy):
    with pytest.raises(BudgetExceeded, match=r"^the value tornado would take 511,916,600 steps"):
        tornado_point(Model.of(heavy), heavy.defaults())


def test_blocked_swings_equal_one_simulate_call_of_every_setting(seed_scenario, monkeypatch):
    monkeypatch.setattr(budget, "BLOCK_MEMORY", 64 * 1024)  # a few settings per block
    model = compile_scenario(seed_scenario)
    got = tornado_probability(Model.of(seed_scenario), seed_scenario.defaults(), runs=200, seed=5)
    settings = swing_settings(model, seed_scenario.defaults())
    draws = sample_coefficients(model, 200, 5)
    paths = simulate(model, np.tile(draws, (len(settings), 1)), np.repeat(settings, 200, axis=0))
    position = {name: n for n, name in enumerate(model.indicator_ids)}
    for q in seed_scenario.questions:
        peak = (paths[: q.by_week + 1, :, position[q.indicator]] * 100).max(axis=0)
        expected = (peak >= q.threshold).reshape(len(settings), 200).mean(axis=1)
        rows = got[got["output"] == q.id]
        assert rows["base"].iloc[0] == expected[0]
        at_min = dict(zip(rows["driver"], rows["at_min"], strict=True))
        assert [at_min[d] for d in model.driver_ids] == list(expected[1::2])


def test_sobol_offers_no_size_for_the_heavy_scenario_and_refuses_one(heavy, seed_scenario):
    assert largest_sobol_n(Model.of(heavy)) is None
    with pytest.raises(BudgetExceeded, match=r"^Sobol indices at N = 8 would take"):
        sobol_indices(Model.of(heavy), heavy.defaults(), n=8, seed=1)
    assert largest_sobol_n(Model.of(seed_scenario)) >= 1024


def test_one_heavy_computation_at_a_time_and_a_busy_server_says_so():
    heavy_cost = budget.Cost(work=budget.MAX_WORK, memory=0)
    light_cost = budget.Cost(work=1, memory=1)
    inside, release = threading.Event(), threading.Event()

    def hold():
        with heavy_slot(heavy_cost):
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(10)
        with heavy_slot(light_cost):
            pass  # light work never waits
        with pytest.raises(ServerBusy), heavy_slot(heavy_cost, wait=0.05):
            pass
    finally:
        release.set()
        holder.join(10)
    with heavy_slot(heavy_cost, wait=0.05):
        pass  # free again once the first is done


def test_a_refusal_is_logged_for_the_operator(heavy, caplog):
    with caplog.at_level("INFO", logger="engine.budget"), pytest.raises(BudgetExceeded):
        run_ensemble(Model.of(heavy), runs=1000, seed=1)
    assert [r.getMessage() for r in caplog.records] == [
        "refused: an ensemble of 1,000 runs would take 1,276,600,000 steps and 827 MiB; the limits are "
        "300,000,000 steps and 384 MiB (largest allowed: 234)"
    ]
