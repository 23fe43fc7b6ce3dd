"""Sensitivity benchmark: tornado (point value and threshold probability) and Sobol indices on the seed scenario.

Run: python bench/bench_sensitivity.py [--repeat N] [--runs R ...] [--sobol-n N ...] [--json PATH]
Prints what it measured on this machine; nothing here is asserted or part of the test suite.
"""

from __future__ import annotations

import time

import numpy as np
from common import Bench, describe, print_header, seed_model, timed

from engine.sensitivity import (
    sobol_evaluations,
    sobol_indices,
    tornado_point,
    tornado_probability,
    uncertain_impacts,
)


def main() -> None:
    Bench("bench_sensitivity", __doc__).run(measure)


def measure(bench: Bench, args) -> None:
    model = seed_model()
    scenario = model.scenario
    values = scenario.defaults()
    d = len(scenario.drivers)
    uncertain = len(uncertain_impacts(model.compiled))
    question = next(q for q in scenario.questions if q.id == "aggressive_posture")
    print_header(f"numpy {np.__version__}")
    print(
        f"scenario {scenario.id}: {d} drivers, {len(scenario.indicators)} indicators, {len(scenario.impacts)} "
        f"impacts ({uncertain} uncertain), {scenario.horizon_weeks} weeks, {len(scenario.questions)} questions"
    )

    print("\ntornado, point value (every indicator at the horizon, one simulate call):")
    samples = timed(lambda: tornado_point(model, values), args.repeat)
    bench.timing("tornado_point", samples)
    print(f"  {2 * d + 1:>7,} runs x {scenario.horizon_weeks} weeks   {describe(samples)}")

    print(f"\ntornado, threshold probability ({question.id}, by week {question.by_week}, one simulate call):")
    for runs in args.runs:
        samples = timed(
            lambda runs=runs: tornado_probability(model, values, runs, 7, questions=[question.id]),
            args.repeat,
        )
        total = (2 * d + 1) * runs
        bench.timing(f"tornado_probability.runs_{runs}", samples)
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

            sobol_indices(model, values, n=n, seed=7, progress=progress)
            # progress reports 0.05 after sampling and 0.8 after the model runs (see engine/sensitivity.py).
            sampled = next(t for f, t in marks if f >= 0.05)
            simulated = next(t for f, t in marks if f >= 0.8)
            phases["sample"] = (sampled - start) * 1000
            phases["simulate"] = (simulated - sampled) * 1000
            phases["analyse"] = (marks[-1][1] - simulated) * 1000

        samples = timed(run, args.sobol_repeat)
        bench.timing(f"sobol.n_{n}", samples)
        for phase, ms in phases.items():
            bench.figure(f"sobol.n_{n}.last_run.{phase}", ms, "ms", n=1)
        print(
            f"  N = {n:>5,}: {sobol_evaluations(n, uncertain):>7,} model runs   {describe(samples)}   "
            f"(last run: SALib sample {phases['sample']:.0f} ms, simulate {phases['simulate']:.0f} ms, "
            f"SALib analyse {phases['analyse']:.0f} ms)"
        )


if __name__ == "__main__":
    main()
