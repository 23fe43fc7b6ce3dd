"""Scenario discovery on the seed scenario: for every question, PRIM's best box in words, with its coverage and density.

Run: python bench/discovery_seed.py [--points N] [--runs R] [--cutoff P] [--seed S]
Prints what it found on this machine (the figures do not depend on the machine: every draw is seeded).
"""

from __future__ import annotations

import argparse
import time

from common import print_header, seed_model

from engine.discovery import best_box, paste, prim, simplify, tree_box
from engine.sweep import design_for, run_sweep
from present.discovery import box_sentence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2048)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--cutoff", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    model = seed_model()
    scenario = model.scenario
    print_header("scenario discovery, all drivers over their slider ranges, Latin hypercube")
    started = time.perf_counter()
    design = design_for(scenario, points=args.points, seed=args.seed)
    frame = run_sweep(model, design, args.runs, args.seed, check_budget=False)
    print(
        f"sweep: {args.points:,} points x {args.runs} runs (seed {args.seed}) in {time.perf_counter() - started:.1f} s"
    )
    drivers = list(design.drivers)
    x = frame[drivers]
    full = {d: (float(x[d].min()), float(x[d].max())) for d in drivers}
    for q in scenario.questions:
        y = (frame[f"p:{q.id}"] > args.cutoff).to_numpy()
        print(f"\n{q.id}: {int(y.sum())} of {len(y)} points above {args.cutoff:.0%}")
        if not y.any() or y.all():
            print("  no box: the cut-off is met at no point, or at every point")
            continue
        box = simplify(x, y, paste(x, y, best_box(prim(x, y))))
        print(f"  PRIM: coverage {box.coverage:.0%}, density {box.density:.0%}, mass {box.mass:.0%}")
        print("  " + box_sentence(scenario, q, args.cutoff, box, full, "en"))
        tree = tree_box(x, y, seed=args.seed)
        if tree is not None:
            restricted = ", ".join(tree.restricted)
            print(f"  tree: coverage {tree.coverage:.0%}, density {tree.density:.0%}, restricts {restricted}")


if __name__ == "__main__":
    main()
