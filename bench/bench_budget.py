"""Budget benchmark: engine throughput per unit of work, the heaviest allowed request's peak, and others' latency.

Run: python bench/bench_budget.py [--repeat N] [--json PATH]
Prints what it measured on this machine; nothing here is asserted or part of the test suite.

1. Throughput in impact-steps per second (the unit of engine/budget.py's MAX_WORK) for the seed scenario and
   for the heaviest scenario the loader accepts, so the budget's "a few seconds" can be checked.
2. Peak traced memory (tracemalloc) and time of the heaviest allowed ensemble, against the budget's estimate.
3. The latency a second visitor sees for the seed scenario's 1,000-run ensemble while the heaviest allowed
   request runs in another thread, as a ratio to the same latency on an otherwise idle process.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import tracemalloc

from common import Bench, describe, seed_model, timed

from engine import budget
from engine.ensemble import run_ensemble
from engine.loader import parse_scenario
from engine.model import Model
from tests.heavy import heavy_yaml


def _work(scenario, runs: int) -> int:
    return budget.ensemble_cost(scenario, runs).work


def main() -> None:
    Bench("bench_budget", __doc__).run(measure)


def measure(bench: Bench, args) -> None:
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    seed_handle = seed_model()
    heavy_handle = Model.of(parse_scenario(heavy_yaml(), "heavy.yaml"))
    heavy = heavy_handle.scenario
    allowed = budget.max_runs(heavy)
    print(
        f"heavy scenario: {len(heavy.drivers)} drivers, {len(heavy.indicators)} indicators, "
        f"{len(heavy.impacts)} impacts, {heavy.horizon_weeks} weeks; largest allowed ensemble {allowed} runs"
    )
    print(f"budget: {budget.MAX_WORK:,} steps, {budget.MAX_MEMORY // 2**20} MiB per request")
    print()

    print("1. throughput (impact-steps per second):")
    for name, model, runs, repeat in (
        ("seed", seed_handle, 1000, args.repeat),
        ("seed", seed_handle, 10000, max(3, args.repeat // 3)),
        ("heavy", heavy_handle, allowed, args.heavy_repeat),
    ):
        samples = timed(lambda m=model, r=runs: run_ensemble(m, runs=r, seed=1), repeat)
        rate = _work(model.scenario, runs) / (statistics.median(samples) / 1000)
        bench.timing(f"ensemble.{name}.runs_{runs}", samples)
        bench.figure(f"throughput.{name}.runs_{runs}", rate / 1e6, "M steps/s", n=repeat)
        print(f"  {name:>5} {runs:>6} runs: {describe(samples)}  {rate / 1e6:7.1f} M steps/s")
    print()

    print("2. the heaviest allowed ensemble's memory:")
    tracemalloc.start()
    start = time.perf_counter()
    run_ensemble(heavy_handle, runs=allowed, seed=2)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    estimate = budget.ensemble_cost(heavy, allowed).memory
    bench.figure("heaviest.traced_time", seconds, "s", n=1)
    bench.figure("heaviest.peak", peak / 2**20, "MiB", n=1)
    bench.figure("heaviest.peak_over_estimate", peak / estimate, "x", n=1)
    print(
        f"  {allowed} runs: {seconds:.2f} s (traced), peak {peak / 2**20:.0f} MiB, "
        f"estimate {estimate / 2**20:.0f} MiB, budget {budget.MAX_MEMORY // 2**20} MiB"
    )
    print()

    print(f"3. a second visitor's seed ensemble ({args.visitor_runs:,} runs) while the heaviest allowed request runs:")
    visitor = args.visitor_runs
    idle = timed(lambda: run_ensemble(seed_handle, runs=visitor, seed=3), args.repeat)
    busy: list[float] = []
    done = threading.Event()

    def heavy_requests() -> None:
        while not done.is_set():
            run_ensemble(heavy_handle, runs=allowed, seed=4)

    worker = threading.Thread(target=heavy_requests)
    worker.start()
    try:
        time.sleep(0.2)
        busy = timed(lambda: run_ensemble(seed_handle, runs=visitor, seed=3), args.repeat)
    finally:
        done.set()
        worker.join()
    ratio = statistics.median(busy) / statistics.median(idle)
    bench.timing("visitor.idle", idle)
    bench.timing("visitor.busy", busy)
    bench.figure("visitor.busy_over_idle", ratio, "x", n=len(busy))
    print(f"  idle: {describe(idle)}")
    print(f"  busy: {describe(busy)}")
    print(f"  busy / idle (medians): {ratio:.2f}x")


if __name__ == "__main__":
    main()
