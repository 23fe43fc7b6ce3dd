"""Scenario discovery: the boxes of driver ranges in which a sweep's outcome holds, by PRIM and by a tree.

PRIM (Friedman and Fisher, "Bump hunting in high-dimensional data", Statistics and Computing 9 (1999) 123-143)
starts from the box that holds every point and peels: of all the ways to cut off the `alpha` share of the
box's points with the lowest or the highest value of one driver, it takes the one that leaves the highest
share of cases (density), until the box holds less than `min_mass` of all points. Each step is one box of
the peeling trajectory, from high coverage and low density to the reverse. A chosen box is then pasted:
each side is let out again by `alpha` of the box's points while that raises the density.

- coverage: the share of all cases (points where the outcome holds) that fall inside the box;
- density: the share of the box's points that are cases;
- mass: the share of all points inside the box.

A classification tree (scikit-learn) is grown as a cross-check: the leaf with the most cases among those
at least as dense as the sweep overall is read back as a box.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

PEEL_ALPHA = 0.05
PASTE_ALPHA = 0.05
MIN_MASS = 0.05
MAX_STEPS = 500  # far past what 0.05 peels take to reach a 5 % mass (about 60)


@dataclass(frozen=True)
class Box:
    """Driver ranges: `limits` maps each driver to (low, high); `restricted` names those narrower than the sweep."""

    limits: Mapping[str, tuple[float, float]]
    restricted: tuple[str, ...]
    coverage: float
    density: float
    mass: float

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of `frame` (one column per driver) lie inside the box."""
        inside = np.ones(len(frame), dtype=bool)
        for key, (low, high) in self.limits.items():
            values = frame[key].to_numpy()
            inside &= (values >= low) & (values <= high)
        return inside


def _measures(inside: np.ndarray, y: np.ndarray, cases: int) -> tuple[float, float, float]:
    n_in = int(inside.sum())
    hits = int(y[inside].sum())
    coverage = hits / cases if cases else 0.0
    density = hits / n_in if n_in else 0.0
    return coverage, density, n_in / len(y)


def _inside(values: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Which rows of `values` (points x drivers) lie within [low, high] on every driver."""
    return np.all((values >= low) & (values <= high), axis=1)


def _box(names: Sequence[str], low: np.ndarray, high: np.ndarray, full: tuple[np.ndarray, np.ndarray], m) -> Box:
    limits = {k: (float(lo), float(hi)) for k, lo, hi in zip(names, low, high, strict=True)}
    restricted = tuple(k for k, lo, hi, a, b in zip(names, low, high, *full, strict=True) if lo > a or hi < b)
    return Box(limits, restricted, *m)


def prim(
    x: pd.DataFrame,
    y: Sequence[bool] | np.ndarray,
    alpha: float = PEEL_ALPHA,
    min_mass: float = MIN_MASS,
) -> list[Box]:
    """The peeling trajectory: the first box holds every point, each next one is one peel smaller.

    `x` has one column per driver, `y` says per row whether the outcome holds. Raises ValueError when no
    row is a case (there is nothing to find).
    """
    names = list(x.columns)
    values = x.to_numpy(dtype=float)
    y = np.asarray(y, dtype=bool)
    if len(values) != len(y) or not len(y):
        raise ValueError("x and y need the same, positive number of rows")
    cases = int(y.sum())
    if cases == 0:
        raise ValueError("no point meets the condition: there is no box to find")
    low, high = values.min(axis=0), values.max(axis=0)
    full = (low.copy(), high.copy())
    inside = np.ones(len(y), dtype=bool)
    boxes = [_box(names, low, high, full, _measures(inside, y, cases))]
    for _ in range(MAX_STEPS):
        if inside.sum() / len(y) <= min_mass:
            break
        best = None
        for j in range(values.shape[1]):
            column = values[inside, j]
            for side in ("low", "high"):
                cut = np.quantile(column, alpha if side == "low" else 1 - alpha)
                keep = (values[:, j] >= cut) if side == "low" else (values[:, j] <= cut)
                # A quantile on a tie may cut nothing (or everything): strict cut-offs then.
                if side == "low" and (keep & inside).sum() == inside.sum():
                    keep = values[:, j] > cut
                elif side == "high" and (keep & inside).sum() == inside.sum():
                    keep = values[:, j] < cut
                candidate = inside & keep
                n = int(candidate.sum())
                if n == 0 or n == int(inside.sum()):
                    continue
                density = y[candidate].sum() / n
                if best is None or density > best[0]:
                    best = (density, j, side, candidate)
        if best is None:
            break
        _, j, side, inside = best
        low = low.copy()
        high = high.copy()
        if side == "low":
            low[j] = values[inside, j].min()
        else:
            high[j] = values[inside, j].max()
        boxes.append(_box(names, low, high, full, _measures(inside, y, cases)))
    return boxes


def paste(x: pd.DataFrame, y: Sequence[bool] | np.ndarray, box: Box, alpha: float = PASTE_ALPHA) -> Box:
    """The box with each side let out again while that raises its density (Friedman and Fisher's pasting).

    Each round tries, for every restricted side, to take in the `alpha` share of the box's points that lie
    just beyond it (and inside every other side); it keeps the one that raises the density most, and stops
    when none does.
    """
    names = list(x.columns)
    values = x.to_numpy(dtype=float)
    y = np.asarray(y, dtype=bool)
    cases = int(y.sum())
    full = (values.min(axis=0), values.max(axis=0))
    low = np.array([box.limits[k][0] for k in names])
    high = np.array([box.limits[k][1] for k in names])

    inside = _inside(values, low, high)
    for _ in range(MAX_STEPS):
        density = y[inside].mean()
        step = max(1, math.ceil(alpha * inside.sum()))
        best = None
        for j in range(len(names)):
            others = np.ones(len(y), dtype=bool)
            for k in range(len(names)):
                if k != j:
                    others &= (values[:, k] >= low[k]) & (values[:, k] <= high[k])
            for side in ("low", "high"):
                if side == "low":
                    beyond = np.sort(values[others & (values[:, j] < low[j]), j])[::-1]
                else:
                    beyond = np.sort(values[others & (values[:, j] > high[j]), j])
                if not len(beyond):
                    continue
                edge = beyond[min(step, len(beyond)) - 1]
                lo, hi = low.copy(), high.copy()
                if side == "low":
                    lo[j] = edge
                else:
                    hi[j] = edge
                candidate = _inside(values, lo, hi)
                new = y[candidate].mean()
                if new > density and (best is None or new > best[0]):
                    best = (new, lo, hi, candidate)
        if best is None:
            break
        _, low, high, inside = best
    return _box(names, low, high, full, _measures(inside, y, cases))


def simplify(x: pd.DataFrame, y: Sequence[bool] | np.ndarray, box: Box, tolerance: float = 0.05) -> Box:
    """The box without the restrictions that barely matter: lift them one at a time, cheapest first, while
    the density lost in all stays under `tolerance`. Peeling on noisy outcomes shaves a little off drivers
    that do not matter; a sentence naming them would mislead.
    """
    names = list(x.columns)
    values = x.to_numpy(dtype=float)
    y = np.asarray(y, dtype=bool)
    cases = int(y.sum())
    full = (values.min(axis=0), values.max(axis=0))
    low = np.array([box.limits[k][0] for k in names])
    high = np.array([box.limits[k][1] for k in names])

    def density(lo: np.ndarray, hi: np.ndarray) -> float:
        inside = _inside(values, lo, hi)
        return float(y[inside].mean()) if inside.any() else 0.0

    start = density(low, high)
    while True:
        best = None
        for j in range(len(names)):
            if low[j] <= full[0][j] and high[j] >= full[1][j]:
                continue
            lo, hi = low.copy(), high.copy()
            lo[j], hi[j] = full[0][j], full[1][j]
            new = density(lo, hi)
            if start - new < tolerance and (best is None or new > best[0]):
                best = (new, lo, hi)
        if best is None:
            break
        _, low, high = best
    inside = _inside(values, low, high)
    return _box(names, low, high, full, _measures(inside, y, cases))


def best_box(boxes: Sequence[Box], min_coverage: float = 0.5) -> Box:
    """The densest box that still covers at least `min_coverage` of the cases (else the first box)."""
    covering = [b for b in boxes if b.coverage >= min_coverage]
    return max(covering, key=lambda b: (b.density, b.coverage)) if covering else boxes[0]


def trajectory_frame(boxes: Sequence[Box]) -> pd.DataFrame:
    """The peeling trajectory as a table: step, coverage, density, mass, restricted drivers."""
    return pd.DataFrame(
        {
            "step": range(len(boxes)),
            "coverage": [b.coverage for b in boxes],
            "density": [b.density for b in boxes],
            "mass": [b.mass for b in boxes],
            "restricted": [len(b.restricted) for b in boxes],
        }
    )


def tree_box(x: pd.DataFrame, y: Sequence[bool] | np.ndarray, max_depth: int = 3, seed: int = 0) -> Box | None:
    """The box of a classification tree's best leaf: among the leaves denser in cases than the sweep overall,
    the one holding the most cases. None when no leaf is.

    The tree (scikit-learn's CART, balanced classes, leaves of at least 5 % of the points) is a cross-check of
    PRIM: where both restrict the same drivers in about the same place, the box is not an artefact of one method.
    """
    from sklearn.tree import DecisionTreeClassifier

    names = list(x.columns)
    values = x.to_numpy(dtype=float)
    y = np.asarray(y, dtype=bool)
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        return None
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=max(1, int(MIN_MASS * len(y))), random_state=seed
    ).fit(values, y)
    t = tree.tree_
    full = (values.min(axis=0), values.max(axis=0))
    leaves = tree.apply(values)
    overall = cases / len(y)
    best = None

    def walk(node: int, low: np.ndarray, high: np.ndarray) -> None:
        nonlocal best
        if t.children_left[node] == -1:
            inside = leaves == node
            hits = int(y[inside].sum())
            density = hits / int(inside.sum())
            if density > overall and (best is None or hits > best[0]):
                best = (hits, low.copy(), high.copy())
            return
        j, cut = t.feature[node], t.threshold[node]
        left_high = high.copy()
        left_high[j] = min(high[j], cut)
        walk(t.children_left[node], low, left_high)
        right_low = low.copy()
        right_low[j] = max(low[j], cut)
        walk(t.children_right[node], right_low, high)

    walk(0, full[0].copy(), full[1].copy())
    if best is None:
        return None
    _, low, high = best
    inside = _inside(values, low, high)
    return _box(names, low, high, full, _measures(inside, y, cases))
