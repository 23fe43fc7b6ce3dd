"""Sweep throughput (points x runs per second): in this process, over local processes, through a Dask cluster.

Run: python bench/bench_sweep.py [--points N] [--runs R] [--repeat K] [--json PATH]
Prints what it measured on this machine; nothing here is asserted. The cluster is a local one the bench starts
(two worker processes of one thread each), so its figure includes Dask's scheduling and transfer costs.
"""

from __future__ import annotations

from common import ROOT, Bench, describe, print_header, seed_model, timed

import engine.workers
from engine.distributed import run_sweep_parallel
from engine.sweep import design_for, run_sweep


def main() -> None:
    Bench("bench_sweep", __doc__).run(measure)


def rate(points: int, runs: int, samples: list[float]) -> float:
    """Runs per second at the median time."""
    ordered = sorted(samples)
    return points * runs / (ordered[len(ordered) // 2] / 1000)


def measure(bench: Bench, args) -> None:
    import dask
    import numpy as np
    from distributed import LocalCluster

    model = seed_model()
    scenario = model.scenario
    text = (ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
    design = design_for(scenario, points=args.points, seed=1)
    total = args.points * args.runs
    print_header(f"numpy {np.__version__}, dask {dask.__version__}")
    print(f"sweep of {args.points:,} points x {args.runs:,} runs = {total:,} runs, all {len(scenario.drivers)} drivers")

    threads = engine.workers.MAX_WORKERS
    engine.workers.MAX_WORKERS = 1
    samples = timed(lambda: run_sweep(model, design, args.runs, 3, check_budget=False), args.repeat)
    engine.workers.MAX_WORKERS = threads
    one = rate(args.points, args.runs, samples)
    bench.figure("in_process_one_thread_runs_per_s", one, "runs/s", target="sweep_runs_per_s_per_core")
    print(f"  in this process, one thread:        {describe(samples)}  {one:10,.0f} runs/s")

    samples = timed(lambda: run_sweep_parallel(text, design, args.runs, 3, workers=2), args.repeat)
    local = rate(args.points, args.runs, samples)
    bench.figure("two_processes_runs_per_s", local, "runs/s")
    print(f"  two local processes (spawned):      {describe(samples)}  {local:10,.0f} runs/s  ({local / one:.2f}x)")

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        samples = timed(lambda: run_sweep_parallel(text, design, args.runs, 3, scheduler=address), args.repeat)
    dask_rate = rate(args.points, args.runs, samples)
    bench.figure("dask_two_workers_runs_per_s", dask_rate, "runs/s")
    print(
        f"  Dask, two local workers:            {describe(samples)}  {dask_rate:10,.0f} runs/s"
        f"  ({dask_rate / one:.2f}x)"
    )
    print("  (the first call of each is a warm-up and not timed: process start and imports are paid there)")


if __name__ == "__main__":
    main()
