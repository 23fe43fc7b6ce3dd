"""Engine benchmark: ensemble time at 1, 1,000 and 10,000 runs, and the speed-up over the plain-Python reference.

Run: python bench/bench_engine.py [--repeat N] [--reference-runs N]
Prints what it measured on this machine; nothing here is asserted or part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from timing import describe, timed  # noqa: E402

from engine import workers  # noqa: E402
from engine.ensemble import run_ensemble, sample_coefficients, summarise  # noqa: E402
from engine.loader import load_scenario  # noqa: E402
from engine.reference import simulate_reference  # noqa: E402
from engine.simulation import compile_scenario, driver_array, simulate  # noqa: E402

SCENARIO = ROOT / "scenarios" / "dprk-russia-2024.yaml"
TARGETS_MS = {1000: 15.0, 10000: 120.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reference-runs", type=int, default=200, help="runs for the plain-Python comparison")
    args = parser.parse_args()

    scenario = load_scenario(SCENARIO)
    model = compile_scenario(scenario)
    values = scenario.defaults()
    drivers = driver_array(model, values)
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} (figures are only comparable on an idle machine)")
    print(
        f"scenario {scenario.id}: {len(scenario.drivers)} drivers, {len(scenario.indicators)} indicators, "
        f"{len(scenario.impacts)} impacts, {scenario.horizon_weeks} weeks"
    )
    print()
    print("full ensemble (sampling + simulation + quantiles + question probabilities):")
    for runs in (1, 1000, 10000):
        samples = timed(lambda r=runs: run_ensemble(scenario, values, runs=r, seed=1, model=model), args.repeat)
        target = TARGETS_MS.get(runs)
        verdict = ""
        if target:
            verdict = f"  target < {target:g} ms: {'met' if statistics.median(samples) < target else 'MISSED'}"
        print(f"  {runs:>6} runs: {describe(samples)}{verdict}")

    cores = min(workers.MAX_WORKERS, workers.available_cores())
    print(
        f"  (ensembles of at least {2 * workers.MIN_RUNS_PER_WORKER:,} runs are split over up to {cores} threads;"
        " the same 10,000 runs on one thread:"
    )

    def ten_thousand() -> float:
        return statistics.median(timed(lambda: run_ensemble(scenario, values, 10000, 1, model=model), args.repeat))

    real_cores = workers.available_cores
    workers.available_cores = lambda: 1
    one = ten_thousand()
    workers.available_cores = real_cores
    many = ten_thousand()
    print(f"   median {one:.2f} ms, so the threads make it {one / many:.2f}x faster)")

    print()
    print("where the time goes at 1,000 and 10,000 runs:")
    for runs in (1000, 10000):
        coefficients = sample_coefficients(model, runs, 1)
        paths = simulate(model, coefficients, drivers)
        sample_ms = timed(lambda r=runs: sample_coefficients(model, r, 1), args.repeat)
        sim_ms = timed(lambda c=coefficients: simulate(model, c, drivers), args.repeat)
        summary_ms = timed(lambda p=paths: summarise(scenario, p), args.repeat)
        print(
            f"  {runs:>6} runs: sampling {statistics.median(sample_ms):6.2f} ms, "
            f"simulation {statistics.median(sim_ms):6.2f} ms, "
            f"quantiles+questions {statistics.median(summary_ms):6.2f} ms"
        )

    print()
    runs = args.reference_runs
    coefficients = sample_coefficients(model, runs, 1)
    start = time.perf_counter()
    reference = simulate_reference(model, coefficients.tolist(), drivers.tolist())
    reference_ms = (time.perf_counter() - start) * 1000
    vector_ms = statistics.median(timed(lambda: simulate(model, coefficients, drivers), args.repeat))
    agree = np.abs(np.asarray(reference) - simulate(model, coefficients, drivers)).max()
    print(f"vectorised vs plain-Python reference, same {runs} runs x {scenario.horizon_weeks} weeks (simulation only):")
    print(f"  reference {reference_ms:9.2f} ms, vectorised {vector_ms:7.2f} ms, ratio {reference_ms / vector_ms:6.1f}x")
    print(f"  largest difference between the two: {agree:.2e} (unit scale)")


if __name__ == "__main__":
    main()
