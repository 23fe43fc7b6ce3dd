"""engine/distributed.py: the same sweep in this process, in local worker processes and on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from engine.distributed import SCHEDULER_ENV, configured_scheduler, run_sweep_parallel
from engine.loader import parse_scenario
from engine.model import Model
from engine.sweep import design_for, run_sweep

SEED_TEXT = (Path(__file__).resolve().parent.parent / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
SEED = parse_scenario(SEED_TEXT, "dprk-russia-2024.yaml")
POINTS, RUNS, RUN_SEED = 96, 50, 17
DESIGN = design_for(SEED, points=POINTS, seed=5)


@pytest.fixture(autouse=True)
def _engine_threads(monkeypatch):
    # A chunk evaluated in this process (workers=1) sets the engine to one thread for the process's life
    # (engine.distributed._one_thread): put it back after each test so that other tests keep their threads.
    import engine.workers

    monkeypatch.setattr(engine.workers, "MAX_WORKERS", engine.workers.MAX_WORKERS)


@pytest.fixture(scope="module")
def local():
    """The sweep in this process: the reference every other way must equal, digit for digit."""
    return run_sweep(Model.of(SEED), DESIGN, runs=RUNS, seed=RUN_SEED)


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as found:
        yield found


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.equals(b)


def test_one_local_worker_gives_the_same_table(local):
    seen: list[float] = []
    table = run_sweep_parallel(SEED_TEXT, DESIGN, RUNS, RUN_SEED, workers=1, progress=seen.append)
    same(table, local)
    assert seen == [k / 6 for k in range(1, 7)]  # the default chunks here: 16 points each
    same(run_sweep_parallel(SEED_TEXT, DESIGN, RUNS, RUN_SEED, workers=1, chunk_points=50), local)


def test_two_spawned_worker_processes_give_the_same_table(local):
    # Chunks of 13 points (not a divisor of 96) over two processes: still the same digits.
    seen: list[float] = []
    table = run_sweep_parallel(SEED_TEXT, DESIGN, RUNS, RUN_SEED, workers=2, chunk_points=13, progress=seen.append)
    same(table, local)
    assert len(seen) == 8 and seen[-1] == 1.0  # ceil(96 / 13) chunks, one report each


def test_a_dask_cluster_gives_the_same_table(local, cluster):
    same(run_sweep_parallel(SEED_TEXT, DESIGN, RUNS, RUN_SEED, scheduler=cluster.scheduler_address), local)
    seen: list[float] = []
    table = run_sweep_parallel(
        SEED_TEXT, DESIGN, RUNS, RUN_SEED, scheduler=cluster.scheduler_address, chunk_points=10, progress=seen.append
    )
    same(table, local)
    assert len(seen) == 10 and seen[-1] == 1.0


def test_another_seed_is_another_table_everywhere(local):
    other = run_sweep_parallel(SEED_TEXT, DESIGN, RUNS, RUN_SEED + 1, workers=1)
    assert other[["point", *DESIGN.drivers]].equals(local[["point", *DESIGN.drivers]])
    assert not other.equals(local)
    same(other, run_sweep(Model.of(SEED), DESIGN, runs=RUNS, seed=RUN_SEED + 1))


def test_the_yaml_text_not_its_formatting_decides(local):
    # The workers compile the text they are sent; a reformatted file of the same scenario gives the same table.
    from engine.serialize import scenario_to_yaml

    text = scenario_to_yaml(SEED)
    assert text != SEED_TEXT
    assert parse_scenario(text, "<again>").digest == SEED.digest
    same(run_sweep_parallel(text, DESIGN, RUNS, RUN_SEED, workers=1), local)


def test_a_worker_parses_and_compiles_a_text_once_for_all_its_chunks(monkeypatch):
    import engine.distributed

    parsed: list[str] = []

    def counting(text: str, name: str):
        parsed.append(name)
        return parse_scenario(text, name)

    monkeypatch.setattr(engine.distributed, "_models", {})
    monkeypatch.setattr(engine.distributed, "parse_scenario", counting)
    text = SEED_TEXT + "\n# another text of the same scenario\n"
    first = engine.distributed._model(text)
    assert engine.distributed._model(text) is first
    assert first.digest == SEED.digest
    table = run_sweep_parallel(text, DESIGN, 5, RUN_SEED, workers=1, chunk_points=16)
    assert len(table) == POINTS
    assert parsed == ["<sweep>"]  # once, not once per chunk (six here)
    assert engine.distributed._model(SEED_TEXT) is not first  # another text is compiled on its own
    assert parsed == ["<sweep>", "<sweep>"]


def test_configured_scheduler_reads_the_environment(monkeypatch):
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert configured_scheduler() is None
    monkeypatch.setenv(SCHEDULER_ENV, "   ")
    assert configured_scheduler() is None
    monkeypatch.setenv(SCHEDULER_ENV, " tcp://10.0.0.5:8786 ")
    assert configured_scheduler() == "tcp://10.0.0.5:8786"
