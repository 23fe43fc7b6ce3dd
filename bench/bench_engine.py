"""Engine benchmark: ensemble time at 1, 1,000 and 10,000 runs, on one thread, and over the plain-Python reference.

Run: python bench/bench_engine.py [--repeat N] [--reference-runs N] [--json PATH]
Prints what it measured on this machine; nothing here is asserted or part of the test suite.
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

import numpy as np
from common import Bench, describe, print_header, seed_model, timed

from engine import workers
from engine.ensemble import run_ensemble, sample_coefficients, summarise
from engine.reference import simulate_reference
from engine.simulation import driver_array, simulate


@contextmanager
def one_thread():
    """Every engine split on one thread: the setting of the engine target."""
    real = workers.available_cores
    workers.available_cores = lambda: 1
    try:
        yield
    finally:
        workers.available_cores = real


def main() -> None:
    Bench("bench_engine", __doc__).run(measure)


def measure(bench: Bench, args) -> None:
    model = seed_model()
    scenario, compiled = model.scenario, model.compiled
    values = scenario.defaults()
    drivers = driver_array(compiled, values)
    print_header(f"numpy {np.__version__}")
    print(
        f"scenario {scenario.id}: {len(scenario.drivers)} drivers, {len(scenario.indicators)} indicators, "
        f"{len(scenario.impacts)} impacts, {scenario.horizon_weeks} weeks"
    )

    def ensemble_ms(runs: int) -> list[float]:
        return timed(lambda: run_ensemble(model, values, runs=runs, seed=1), args.repeat)

    print()
    print("full ensemble (sampling + simulation + quantiles + question probabilities):")
    for runs in args.ensemble_runs:
        samples = ensemble_ms(runs)
        bench.timing(f"ensemble.runs_{runs}", samples)
        print(f"  {runs:>6} runs: {describe(samples)}")

    cores = min(workers.MAX_WORKERS, workers.available_cores())
    print(
        f"  (ensembles of at least {2 * workers.MIN_RUNS_PER_WORKER:,} runs are split over up to {cores} threads, "
        "and so are the quantiles of large ones)"
    )
    print()
    print("the same on one thread, each next to the threaded run again:")
    for runs in args.one_thread_runs:
        with one_thread():
            single = statistics.median(ensemble_ms(runs))
        threaded = statistics.median(ensemble_ms(runs))
        rate = runs / (single / 1000)
        bench.figure(f"one_thread.ensemble.runs_{runs}", single, "ms", n=args.repeat)
        verdict = bench.figure(
            f"one_thread.runs_per_s.runs_{runs}", rate, "runs/s", n=args.repeat, target="engine_one_thread_runs_per_s"
        )
        bench.figure(f"threads_speedup.runs_{runs}", single / threaded, "x", n=args.repeat)
        print(
            f"  {runs:>6} runs: one thread median {single:8.2f} ms = {rate:>9,.0f} runs/s  {verdict};"
            f" threaded {threaded:8.2f} ms, so the threads make it {single / threaded:.2f}x faster"
        )

    print()
    print("where the time goes:")
    for runs in args.breakdown_runs:
        coefficients = sample_coefficients(compiled, runs, 1)
        paths = simulate(compiled, coefficients, drivers)
        phases = {
            "sampling": timed(lambda r=runs: sample_coefficients(compiled, r, 1), args.repeat),
            "simulation": timed(lambda c=coefficients: simulate(compiled, c, drivers), args.repeat),
            "quantiles+questions": timed(lambda p=paths: summarise(scenario, p), args.repeat),
        }
        for phase, samples in phases.items():
            bench.timing(f"breakdown.{phase}.runs_{runs}", samples)
        print(f"  {runs:>6} runs: " + ", ".join(f"{k} {statistics.median(v):6.2f} ms" for k, v in phases.items()))

    print()
    runs = args.reference_runs
    coefficients = sample_coefficients(compiled, runs, 1)
    start = time.perf_counter()
    reference = simulate_reference(compiled, coefficients.tolist(), drivers.tolist())
    reference_ms = (time.perf_counter() - start) * 1000
    vector_ms = statistics.median(timed(lambda: simulate(compiled, coefficients, drivers), args.repeat))
    agree = np.abs(np.asarray(reference) - simulate(compiled, coefficients, drivers)).max()
    ratio = reference_ms / vector_ms
    bench.figure("reference.plain_python", reference_ms, "ms", n=1)
    bench.figure("reference.vectorised", vector_ms, "ms", n=args.repeat)
    verdict = bench.figure("reference.speedup", ratio, "x", n=args.repeat, target="engine_vs_reference")
    bench.figure("reference.largest_difference", agree, "unit scale", n=runs)
    print(f"vectorised vs plain-Python reference, same {runs} runs x {scenario.horizon_weeks} weeks (simulation only):")
    print(f"  reference {reference_ms:9.2f} ms, vectorised {vector_ms:7.2f} ms, ratio {ratio:6.1f}x  {verdict}")
    print(f"  largest difference between the two: {agree:.2e} (unit scale)")


if __name__ == "__main__":
    main()
