"""A sweep shared out: over the machine's cores (processes) or an existing Dask cluster, bit-identical either way.

The work is cut into chunks of consecutive points; each chunk is evaluated by engine.sweep.evaluate with its
first point's index, so point i's runs are seeded by (seed, i) wherever it runs, and the gathered table equals
engine.sweep.run_sweep's exactly. Workers get the scenario as its YAML text and compile it once each.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

import numpy as np
import pandas as pd

from engine.loader import parse_scenario
from engine.model import Model
from engine.sweep import Design, chunks, design_values, evaluate, frame_of, output_names
from engine.workers import available_cores

SCHEDULER_ENV = "SCENARIO_DASK_SCHEDULER"
DISTRIBUTED_CHUNK_POINTS = 256  # a task: a few seconds of a core, so the scheduler's overhead stays small
_models: dict[str, Model] = {}


def _model(yaml_text: str) -> Model:
    """The worker's compiled model of this text, kept for its next chunk.

    Keyed by the text itself: parsing and validating it is what costs (about a second for the seed scenario),
    so a key that needs the parsed scenario (its digest) would parse it again for every chunk.
    """
    key = hashlib.sha256(yaml_text.encode("utf-8")).hexdigest()
    found = _models.get(key)
    if found is None:
        found = _models[key] = Model.of(parse_scenario(yaml_text, "<sweep>"))
    return found


def _one_thread() -> None:
    # A worker process is one core's share: the engine's own threads would only fight the other workers.
    import engine.workers

    engine.workers.MAX_WORKERS = 1


def evaluate_chunk(yaml_text: str, rows: np.ndarray, first: int, runs: int, seed: int) -> tuple[int, np.ndarray]:
    """One chunk of a sweep, run wherever it was sent: (first index, outcomes)."""
    _one_thread()
    return first, evaluate(_model(yaml_text), rows, first, runs, seed)


def run_sweep_parallel(
    yaml_text: str,
    design: Design,
    runs: int = 200,
    seed: int = 0,
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_points: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> pd.DataFrame:
    """engine.sweep.run_sweep's table, computed by `workers` local processes (default: one per core) or, with
    `scheduler` (a Dask scheduler's address, e.g. tcp://10.0.0.5:8786), by that cluster's workers.

    No work budget: this is for the command line and for a deployment that brought its own cluster.
    """
    model = _model(yaml_text)
    scenario = model.scenario
    rows = design_values(scenario, design)
    size = chunk_points or (DISTRIBUTED_CHUNK_POINTS if scheduler else max(16, min(256, design.points // 16 or 1)))
    parts = list(chunks(design.points, size))
    outcomes = np.empty((design.points, len(output_names(scenario))))

    def take(first: int, values: np.ndarray, done: int) -> None:
        outcomes[first : first + len(values)] = values
        if progress is not None:
            progress(done / len(parts))

    if scheduler:
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler, timeout="30s") as client:
            text = client.scatter(yaml_text, broadcast=True)
            futures = [client.submit(evaluate_chunk, text, rows[a:b], a, runs, seed, pure=False) for a, b in parts]
            for done, future in enumerate(dask_completed(futures), start=1):
                take(*future.result(), done)
    else:
        count = max(1, min(workers or available_cores(), len(parts)))
        if count == 1:
            # In this process: its engine keeps its own threads (evaluate_chunk would pin them to one for good).
            for done, (a, b) in enumerate(parts, start=1):
                take(a, evaluate(model, rows[a:b], a, runs, seed), done)
        else:
            # spawn, not fork: the parent may hold the engine's thread pool, which a fork would copy half-made.
            with ProcessPoolExecutor(count, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(evaluate_chunk, yaml_text, rows[a:b], a, runs, seed) for a, b in parts]
                for done, future in enumerate(as_completed(futures), start=1):
                    take(*future.result(), done)
    return frame_of(scenario, design, rows, outcomes)


def configured_scheduler() -> str | None:
    """The Dask scheduler the dashboard sends sweeps to (SCENARIO_DASK_SCHEDULER), or None: this process."""
    return os.environ.get(SCHEDULER_ENV, "").strip() or None
