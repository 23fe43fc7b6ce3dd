"""Budget benchmark: engine throughput per unit of work, the heaviest allowed request's peak, and others' latency.

Run: python bench/bench_budget.py [--repeat N]
Prints what it measured on this machine; nothing here is asserted or part of the test suite.

1. Throughput in impact-steps per second (the unit of engine/budget.py's MAX_WORK) for the seed scenario and
   for the heaviest scenario the loader accepts, so the budget's "a few seconds" can be checked.
2. Peak traced memory (tracemalloc) and time of the heaviest allowed ensemble, against the budget's estimate.
3. The latency a second visitor sees for the seed scenario's 1,000-run ensemble while the heaviest allowed
   request runs in another thread, as a ratio to the same latency on an otherwise idle process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import describe, timed  # noqa: E402

from engine import budget  # noqa: E402
from engine.ensemble import run_ensemble  # noqa: E402
from engine.loader import load_scenario, parse_scenario  # noqa: E402
from engine.simulation import compile_scenario  # noqa: E402
from tests.heavy import heavy_yaml  # noqa: E402

SEED = ROOT / "scenarios" / "dprk-russia-2024.yaml"


def _work(scenario, runs: int) -> int:
    return budget.ensemble_cost(scenario, runs).work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    seed = load_scenario(SEED)
    heavy = parse_scenario(heavy_yaml(), "heavy.yaml")
    seed_model, heavy_model = compile_scenario(seed), compile_scenario(heavy)
    allowed = budget.max_runs(heavy)
    print(
        f"heavy scenario: {len(heavy.drivers)} drivers, {len(heavy.indicators)} indicators, "
        f"{len(heavy.impacts)} impacts, {heavy.horizon_weeks} weeks; largest allowed ensemble {allowed} runs"
    )
    print(f"budget: {budget.MAX_WORK:,} steps, {budget.MAX_MEMORY // 2**20} MiB per request")
    print()

    print("1. throughput (impact-steps per second):")
    for name, scenario, model, runs, repeat in (
        ("seed", seed, seed_model, 1000, args.repeat),
        ("seed", seed, seed_model, 10000, max(3, args.repeat // 3)),
        ("heavy", heavy, heavy_model, allowed, 3),
    ):
        samples = timed(lambda s=scenario, m=model, r=runs: run_ensemble(s, runs=r, seed=1, model=m), repeat)
        rate = _work(scenario, runs) / (statistics.median(samples) / 1000)
        print(f"  {name:>5} {runs:>6} runs: {describe(samples)}  {rate / 1e6:7.1f} M steps/s")
    print()

    print("2. the heaviest allowed ensemble's memory:")
    tracemalloc.start()
    start = time.perf_counter()
    run_ensemble(heavy, runs=allowed, seed=2, model=heavy_model)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    estimate = budget.ensemble_cost(heavy, allowed).memory
    print(
        f"  {allowed} runs: {seconds:.2f} s (traced), peak {peak / 2**20:.0f} MiB, "
        f"estimate {estimate / 2**20:.0f} MiB, budget {budget.MAX_MEMORY // 2**20} MiB"
    )
    print()

    print("3. a second visitor's seed ensemble (1,000 runs) while the heaviest allowed request runs:")
    idle = timed(lambda: run_ensemble(seed, runs=1000, seed=3, model=seed_model), args.repeat)
    busy: list[float] = []
    done = threading.Event()

    def heavy_requests() -> None:
        while not done.is_set():
            run_ensemble(heavy, runs=allowed, seed=4, model=heavy_model)

    worker = threading.Thread(target=heavy_requests)
    worker.start()
    try:
        time.sleep(0.2)
        busy = timed(lambda: run_ensemble(seed, runs=1000, seed=3, model=seed_model), args.repeat)
    finally:
        done.set()
        worker.join()
    ratio = statistics.median(busy) / statistics.median(idle)
    print(f"  idle: {describe(idle)}")
    print(f"  busy: {describe(busy)}")
    print(f"  busy / idle (medians): {ratio:.2f}x")


if __name__ == "__main__":
    main()
