"""Sensitivity benchmark: tornado (point value and threshold probability) and Sobol indices on the seed scenario.

Run: python bench/bench_sensitivity.py [--repeat N] [--runs R] [--sobol-n N ...]
Prints what it measured on this machine; nothing here is asserted or part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from timing import describe, timed  # noqa: E402

from engine.loader import load_scenario  # noqa: E402
from engine.sensitivity import (  # noqa: E402
    sobol_evaluations,
    sobol_indices,
    tornado_point,
    tornado_probability,
    uncertain_impacts,
)
from engine.simulation import compile_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "dprk-russia-2024.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", type=int, nargs="+", default=[500, 1000], help="runs per setting, probability")
    parser.add_argument("--sobol-n", type=int, nargs="+", default=[64, 256, 1024], help="Sobol base sample sizes")
    parser.add_argument("--sobol-repeat", type=int, default=3)
    args = parser.parse_args()

    scenario = load_scenario(SCENARIO)
    model = compile_scenario(scenario)
    values = scenario.defaults()
    d = len(scenario.drivers)
    uncertain = len(uncertain_impacts(model))
    question = next(q for q in scenario.questions if q.id == "aggressive_posture")
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} (figures are only comparable on an idle machine)")
    print(
        f"scenario {scenario.id}: {d} drivers, {len(scenario.indicators)} indicators, {len(scenario.impacts)} "
        f"impacts ({uncertain} uncertain), {scenario.horizon_weeks} weeks, {len(scenario.questions)} questions"
    )

    print("\ntornado, point value (every indicator at the horizon, one simulate call):")
    samples = timed(lambda: tornado_point(scenario, values, model=model), args.repeat)
    print(f"  {2 * d + 1:>7,} runs x {scenario.horizon_weeks} weeks   {describe(samples)}")

    print(f"\ntornado, threshold probability ({question.id}, by week {question.by_week}, one simulate call):")
    for runs in args.runs:
        samples = timed(
            lambda runs=runs: tornado_probability(scenario, values, runs, 7, questions=[question.id], model=model),
            args.repeat,
        )
        total = (2 * d + 1) * runs
        print(f"  {runs:>5,} runs/setting = {total:>7,} runs x {question.by_week} weeks   {describe(samples)}")

    print(f"\nSobol first and total indices ({uncertain} variables, {len(scenario.questions)} questions + ", end="")
    print(f"{len(scenario.indicators)} end values, 100 bootstrap resamples):")
    for n in args.sobol_n:
        phases: dict[str, float] = {}

        def run(n=n, phases=phases):
            marks = []
            start = time.perf_counter()

            def progress(fraction: float) -> None:
                marks.append((fraction, time.perf_counter()))

            sobol_indices(scenario, values, n=n, seed=7, model=model, progress=progress)
            # progress reports 0.05 after sampling and 0.8 after the model runs (see engine/sensitivity.py).
            sampled = next(t for f, t in marks if f >= 0.05)
            simulated = next(t for f, t in marks if f >= 0.8)
            phases["sample"] = (sampled - start) * 1000
            phases["simulate"] = (simulated - sampled) * 1000
            phases["analyse"] = (marks[-1][1] - simulated) * 1000

        samples = timed(run, args.sobol_repeat)
        print(
            f"  N = {n:>5,}: {sobol_evaluations(n, uncertain):>7,} model runs   {describe(samples)}   "
            f"(last run: SALib sample {phases['sample']:.0f} ms, simulate {phases['simulate']:.0f} ms, "
            f"SALib analyse {phases['analyse']:.0f} ms)"
        )


if __name__ == "__main__":
    main()
