"""engine/discovery.py: PRIM (peel, paste, simplify) and the tree's box, on a case with a planted box."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from engine.discovery import (
    MIN_MASS,
    PEEL_ALPHA,
    Box,
    best_box,
    paste,
    prim,
    simplify,
    trajectory_frame,
    tree_box,
)

PLANTED = {"a": (0.6, 1.0), "c": (0.0, 0.3)}


def planted(seed: int = 0, n: int = 2000, noise: float = 0.05) -> tuple[pd.DataFrame, np.ndarray]:
    """Five uniform drivers; the outcome holds where a > 0.6 and c < 0.3, with `noise` of the labels flipped."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 5)), columns=list("abcde"))
    y = ((x["a"] > 0.6) & (x["c"] < 0.3)).to_numpy()
    return x, y ^ (rng.random(n) < noise)


def by_hand(box: Box, x: pd.DataFrame, y: np.ndarray) -> tuple[float, float, float]:
    inside = np.ones(len(x), dtype=bool)
    for key, (low, high) in box.limits.items():
        inside &= (x[key] >= low).to_numpy() & (x[key] <= high).to_numpy()
    assert np.array_equal(inside, box.holds(x))
    return y[inside].sum() / y.sum(), y[inside].sum() / inside.sum(), inside.sum() / len(y)


def test_prim_recovers_the_planted_box():
    x, y = planted()
    boxes = prim(x, y)
    box = simplify(x, y, paste(x, y, best_box(boxes)))

    assert box.restricted == ("a", "c")
    for key, (low, high) in PLANTED.items():
        assert abs(box.limits[key][0] - low) <= 0.05, (key, box.limits[key])
        assert abs(box.limits[key][1] - high) <= 0.05, (key, box.limits[key])
    # The unrestricted drivers keep the sweep's whole range.
    for key in "bde":
        assert box.limits[key] == (x[key].min(), x[key].max())
    assert (box.coverage, box.density, box.mass) == by_hand(box, x, y)
    # Dense and covering: most of the box's points are cases, and it holds well over half of them.
    assert box.density > 0.9
    assert box.coverage > 0.55


def test_every_box_of_the_trajectory_reports_its_own_coverage_density_and_mass():
    x, y = planted()
    boxes = prim(x, y)
    for box in [*boxes[:: max(1, len(boxes) // 8)], boxes[-1]]:
        assert (box.coverage, box.density, box.mass) == by_hand(box, x, y)
    chosen = best_box(boxes)
    pasted = paste(x, y, chosen)
    assert (pasted.coverage, pasted.density, pasted.mass) == by_hand(pasted, x, y)
    # Pasting only ever lets sides out, and only while the density rises.
    assert pasted.density >= chosen.density
    for key in x.columns:
        assert pasted.limits[key][0] <= chosen.limits[key][0]
        assert pasted.limits[key][1] >= chosen.limits[key][1]


def test_the_peeling_trajectory_narrows_from_everything_to_a_small_box():
    x, y = planted()
    boxes = prim(x, y)
    first, last = boxes[0], boxes[-1]

    assert first.restricted == ()
    assert (first.coverage, first.mass) == (1.0, 1.0)
    assert first.density == y.mean()
    coverage = [b.coverage for b in boxes]
    mass = [b.mass for b in boxes]
    assert all(later <= earlier for earlier, later in pairwise(coverage))
    assert all(later < earlier for earlier, later in pairwise(mass))
    assert last.mass <= MIN_MASS + PEEL_ALPHA
    assert boxes[-2].mass > MIN_MASS  # it stops at the first box under the minimum mass, not later
    assert last.density > first.density


def test_best_box_is_the_densest_that_still_covers_enough():
    x, y = planted()
    boxes = prim(x, y)
    chosen = best_box(boxes)
    covering = [b for b in boxes if b.coverage >= 0.5]
    assert chosen.coverage >= 0.5
    assert chosen.density == max(b.density for b in covering)
    # Asking for more coverage than any box but the first has gives the first.
    assert best_box(boxes, min_coverage=1.0) is boxes[0]
    strict = best_box(boxes, min_coverage=0.9)
    assert strict.coverage >= 0.9 and strict.density <= chosen.density


def test_simplify_lifts_a_restriction_that_does_not_matter_and_keeps_those_that_do():
    x, y = planted()
    full = {k: (x[k].min(), x[k].max()) for k in x.columns}
    # The planted box plus a needless cut on b.
    limits = dict(full) | {"a": (0.6, full["a"][1]), "c": (full["c"][0], 0.3), "b": (full["b"][0], 0.97)}
    noisy = Box(limits, ("a", "b", "c"), 0.0, 0.0, 0.0)
    simple = simplify(x, y, noisy)
    assert simple.restricted == ("a", "c")
    assert simple.limits["a"] == (0.6, full["a"][1]) and simple.limits["c"] == (full["c"][0], 0.3)
    assert (simple.coverage, simple.density, simple.mass) == by_hand(simple, x, y)


def test_the_tree_finds_the_same_drivers_near_the_same_bounds():
    x, y = planted()
    box = tree_box(x, y)
    assert box is not None
    assert box.restricted == ("a", "c")
    assert abs(box.limits["a"][0] - 0.6) <= 0.05
    assert abs(box.limits["c"][1] - 0.3) <= 0.05
    assert box.limits["c"][0] == x["c"].min()
    assert (box.coverage, box.density, box.mass) == by_hand(box, x, y)
    assert box.density > y.mean()
    # Seeded: the same tree again.
    assert tree_box(x, y) == box


def test_no_case_is_an_error_and_the_tree_has_nothing_to_say_when_all_or_none_are_cases():
    x, _ = planted(n=200)
    with pytest.raises(ValueError, match=r"^no point meets the condition: there is no box to find$"):
        prim(x, np.zeros(200, dtype=bool))
    with pytest.raises(ValueError, match=r"^x and y need the same, positive number of rows$"):
        prim(x, np.ones(199, dtype=bool))
    with pytest.raises(ValueError, match=r"^x and y need the same, positive number of rows$"):
        prim(x.iloc[:0], np.ones(0, dtype=bool))
    assert tree_box(x, np.zeros(200, dtype=bool)) is None
    assert tree_box(x, np.ones(200, dtype=bool)) is None


def test_every_point_a_case_peels_nothing_useful_but_works():
    x, _ = planted(n=200)
    boxes = prim(x, np.ones(200, dtype=bool))
    assert all(b.density == 1.0 for b in boxes)
    assert best_box(boxes) is boxes[0]  # densest (all 1.0), then most covering: the whole sweep


def test_ties_in_a_driver_do_not_stall_the_peeling():
    # A driver with only two values: a quantile cut on it would keep every point; the strict cut takes over.
    rng = np.random.default_rng(3)
    x = pd.DataFrame({"flag": rng.integers(0, 2, 400).astype(float), "u": rng.random(400)})
    y = (x["flag"] == 1).to_numpy() & (x["u"] > 0.5).to_numpy()
    boxes = prim(x, y)
    box = simplify(x, y, paste(x, y, best_box(boxes)))
    assert box.restricted == ("flag", "u")
    assert box.limits["flag"] == (1.0, 1.0)
    assert abs(box.limits["u"][0] - 0.5) <= 0.05
    assert box.density == 1.0


def test_trajectory_frame_columns_and_values():
    x, y = planted(n=400)
    boxes = prim(x, y)
    frame = trajectory_frame(boxes)
    assert list(frame.columns) == ["step", "coverage", "density", "mass", "restricted"]
    assert frame["step"].tolist() == list(range(len(boxes)))
    assert frame["coverage"].tolist() == [b.coverage for b in boxes]
    assert frame["density"].tolist() == [b.density for b in boxes]
    assert frame["mass"].tolist() == [b.mass for b in boxes]
    assert frame["restricted"].tolist() == [len(b.restricted) for b in boxes]
    assert frame["restricted"].iloc[0] == 0 and frame["restricted"].max() >= 2
