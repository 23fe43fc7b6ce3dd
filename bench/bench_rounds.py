"""Team-round benchmark: the pooled ensemble and the disagreement swings on the seed scenario, and a simulated team.

Run: python bench/bench_rounds.py [--repeat N] [--members 5 30 200] [--runs R] [--team N] [--team-seed S] [--json PATH]
Prints what it measured on this machine and a simulated team's figures; nothing here is asserted.
"""

from __future__ import annotations

import numpy as np
from common import Bench, describe, print_header, seed_model, timed

from engine.pooling import DISAGREEMENT_RUNS, Judgement, disagreement, member_runs, pooled_ensemble, spread


def simulated_team(scenario, members: int, seed: int) -> list[Judgement]:
    """Members who each move every driver from its default by a normal step (a fifth of its range, seeded),
    rounded to the slider's step, and give gut estimates around 40 %."""
    rng = np.random.default_rng(seed)
    team = []
    for n in range(members):
        values = {}
        for d in scenario.drivers:
            value = d.default + rng.normal(0, 0.2) * (d.max - d.min)
            values[d.id] = float(np.clip(round(value / d.step) * d.step, d.min, d.max))
        gut = {q.id: float(np.clip(rng.normal(0.4, 0.15), 0.02, 0.98)) for q in scenario.questions}
        team.append(Judgement(f"member {n + 1}", values, gut=gut))
    return team


def main() -> None:
    Bench("bench_rounds", __doc__).run(measure)


def measure(bench: Bench, args) -> None:
    model = seed_model()
    scenario = model.scenario
    print_header(f"numpy {np.__version__}")
    print(f"pooled ensemble of about {args.runs:,} runs, shared equally (engine.pooling.member_runs):")
    for members in args.members:
        team = simulated_team(scenario, members, args.team_seed)
        per = member_runs(args.runs, members)
        samples = timed(lambda team=team: pooled_ensemble(model, team, args.runs, 2024), args.repeat)
        bench.timing(f"pool_{members}_members_ms", samples)
        print(f"  {members:4d} members x {per:4d} runs = {members * per:6,} runs: {describe(samples)}")
    team = simulated_team(scenario, args.team, args.team_seed)
    swings = 2 * len(scenario.drivers) + 1
    samples = timed(lambda: disagreement(model, team, DISAGREEMENT_RUNS, 2024), args.repeat)
    bench.timing("disagreement_ms", samples)
    print(f"disagreement swings ({swings} settings x {DISAGREEMENT_RUNS} runs, every question): {describe(samples)}")

    pool = pooled_ensemble(model, team, args.runs, 2024)
    shown = spread(scenario, team)
    print(f"\nsimulated team of {args.team} members (seed {args.team_seed}), {pool.runs_per_member} runs each:")
    split = pool.split[pool.split["measure"] == "value"].set_index("question")
    outcome = pool.split[pool.split["measure"] == "outcome"].set_index("question")
    swing = disagreement(model, team, DISAGREEMENT_RUNS, 2024)
    for q in scenario.questions:
        row = pool.questions.set_index("question").loc[q.id]
        own = pool.member_questions[pool.member_questions["question"] == q.id]["probability"]
        gut = shown[(shown["kind"] == "gut") & (shown["id"] == q.id)].iloc[0]
        top = swing[(swing["question"] == q.id)].sort_values("rank").iloc[0]
        print(
            f"  {q.id}: pooled {row['probability']:.1%} ({row['low']:.1%}-{row['high']:.1%}); members "
            f"{own.min():.1%}-{own.max():.1%} (median {own.median():.1%}); "
            f"gut {gut['low']:.0%}-{gut['high']:.0%} (median {gut['median']:.0%}); disagreement share "
            f"{split.loc[q.id, 'disagreement']:.0%} of the deciding value's variance, "
            f"{outcome.loc[q.id, 'disagreement']:.0%} of the outcome's; most disputed driver {top['driver']} "
            f"({top['low']:g}-{top['high']:g}: {top['at_low']:.0%} -> {top['at_high']:.0%})"
        )
    drivers = shown[shown["kind"] == "driver"]
    print("  driver spread (median; middle half; range):")
    for row in drivers.itertuples():
        print(f"    {row.id}: {row.median:g}; {row.q1:g}-{row.q3:g}; {row.low:g}-{row.high:g}")


if __name__ == "__main__":
    main()
