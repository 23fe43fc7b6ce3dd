"""The compiled kernels against the numpy expressions they stand for: bit for bit, and exact order statistics."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from engine import kernels
from engine.simulation import LOG_HIGH, LOG_LOW


def _ranks(n: int, quantiles=(0.1, 0.5, 0.9)) -> np.ndarray:
    position = np.asarray(quantiles) * (n - 1)
    below = np.floor(position).astype(np.intp)
    return np.unique(np.concatenate([below, np.minimum(below + 1, n - 1)]))


def _selected(rows: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    out = np.full((len(rows), len(ranks)), -1.0)
    kernels.select_ranks(np.ascontiguousarray(rows), ranks, out)
    return out


ROWS = {
    "uniform": lambda rng, n: rng.random((40, n)),
    "normal, negative too": lambda rng, n: rng.normal(size=(40, n)),
    "constant": lambda rng, n: np.full((3, n), 0.25),
    "three values": lambda rng, n: rng.integers(0, 3, (20, n)).astype(float),
    "sorted": lambda rng, n: np.tile(np.linspace(0, 1, n), (3, 1)),
    "reversed": lambda rng, n: np.tile(np.linspace(1, 0, n), (3, 1)),
    "organ pipe": lambda rng, n: np.tile(np.r_[np.arange(n // 2), np.arange(n - n // 2)[::-1]].astype(float), (3, 1)),
    # Values growing geometrically put nearly all of them into the lowest bucket of an even histogram.
    "geometric": lambda rng, n: np.stack([rng.permutation(np.geomspace(1e-300, 1e300, n)) for _ in range(2)]),
    "clipped": lambda rng, n: np.clip(rng.normal(0.5, 0.4, (20, n)), 1e-6, 1 - 1e-6),
    "one outlier": lambda rng, n: np.where(np.arange(n) == n // 3, 1e300, rng.random((5, n))),
    "infinities": lambda rng, n: np.where(rng.random((5, n)) < 0.05, np.inf, rng.random((5, n))),
    "adjacent doubles": lambda rng, n: 1.0 + rng.integers(0, 5, (5, n)) * np.finfo(float).eps,
    "subnormal": lambda rng, n: rng.integers(0, 7, (5, n)) * 5e-324,
}


@pytest.mark.parametrize("n", [1, 2, 17, 128, 129, 1000, 4097, 10_000])
@pytest.mark.parametrize("kind", sorted(ROWS))
def test_select_ranks_gives_the_order_statistics_a_full_sort_gives(kind, n):
    rows = ROWS[kind](np.random.default_rng(n), n)
    ranks = _ranks(n)
    np.testing.assert_array_equal(_selected(rows, ranks), np.sort(rows, axis=-1)[:, ranks])


def test_select_ranks_every_rank_of_a_row_with_ties():
    rows = np.random.default_rng(7).integers(0, 40, (6, 300)).astype(float)
    ranks = np.arange(300)
    np.testing.assert_array_equal(_selected(rows, ranks), np.sort(rows, axis=-1))


def test_select_ranks_places_nan_last_as_np_sort_does():
    rows = np.random.default_rng(3).random((4, 1000))
    rows[1, ::7] = np.nan
    rows[2, :] = np.nan
    ranks = np.array([0, 1, 499, 500, 998, 999])
    np.testing.assert_array_equal(_selected(rows, ranks), np.sort(rows, axis=-1)[:, ranks])


def test_select_ranks_reads_its_rows_without_changing_them():
    rows = np.random.default_rng(4).random((5, 2000))
    kept = rows.copy()
    _selected(rows, _ranks(2000))
    np.testing.assert_array_equal(rows, kept)


def test_triangular_is_the_inverse_cdf_formula_bit_for_bit():
    rng = np.random.default_rng(11)
    low = np.array([-0.3, 0.0, 0.1, 0.2, 0.5])
    mode = np.array([0.0, 0.0, 0.15, 0.2, 0.9])
    high = np.array([0.3, 0.4, 0.2, 0.2, 0.9])  # the last two have zero width on one side or both
    u = rng.random((500, 5))
    u[0], u[1] = 0.0, 1.0
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.0)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1 - u) * width * (high - mode))
    expected = np.where(u < cut, left, right)
    out = np.empty_like(u)
    kernels.triangular(u, low, mode, high, out)
    np.testing.assert_array_equal(out, expected)


def test_signed_parts_split_each_coefficient_into_its_raising_and_lowering_halves():
    coefficients = np.random.default_rng(12).normal(size=(300, 6))
    coefficients[:, 2] = np.abs(coefficients[:, 2])  # never lowering
    coefficients[:, 4] = 0.0
    order = np.array([5, 0, 3, 1, 2, 4])
    raising, lowering = np.empty((6, 300)), np.empty((6, 300))
    any_raising, any_lowering = np.empty(6, dtype=bool), np.empty(6, dtype=bool)
    kernels.signed_parts(coefficients, order, 0.5, raising, lowering, any_raising, any_lowering)
    ordered = coefficients[:, order]
    np.testing.assert_array_equal(raising, (0.5 * (np.abs(ordered) + ordered)).T)
    np.testing.assert_array_equal(lowering, (0.5 * (np.abs(ordered) - ordered)).T)
    assert any_raising.tolist() == [True, True, True, True, True, False]
    assert any_lowering.tolist() == [True, True, True, True, False, False]


def _numpy_week(x, log_x, raising, rows, sources, starts, lowering, rows_d, sources_d, starts_d, base_up, base_down):
    """One week as the array code wrote it: products, sums of each block over its leading axis, then the update."""

    def sums(weights, rows, sources, values, starts):
        products = weights[rows] * values[sources]
        return np.stack(
            [np.add.reduce(products[a:b], axis=0) if b > a else np.zeros(values.shape[1]) for a, b in pairwise(starts)]
        )

    up = base_up + sums(raising, rows, sources, x, starts)
    down = base_down + sums(lowering, rows_d, sources_d, x, starts_d)
    return np.clip(log_x * down / up, LOG_LOW, LOG_HIGH)


def test_indicator_step_is_the_array_codes_week_bit_for_bit():
    rng = np.random.default_rng(13)
    n_ind, runs = 4, 257
    x = rng.uniform(1e-6, 1, (n_ind, runs))
    log_x = np.log(x)
    raising, lowering = rng.random((9, runs)) * 0.3, rng.random((9, runs)) * 0.3
    # Blocks of 3, 0, 1 and 5 rows: an empty block, a single row, and the long reductions.
    rows_up, src_up = np.array([0, 2, 4, 5, 6, 7, 8, 1, 3]), rng.integers(0, n_ind, 9)
    starts_up = np.array([0, 3, 3, 4, 9])
    rows_down, src_down, starts_down = np.array([1, 3]), np.array([2, 0]), np.array([0, 0, 2, 2, 2])
    base_up, base_down = 1 + rng.random((n_ind, runs)), 1 + rng.random((n_ind, runs))
    expected = _numpy_week(
        x, log_x, raising, rows_up, src_up, starts_up, lowering, rows_down, src_down, starts_down, base_up, base_down
    )
    up, down = np.empty_like(x), np.empty_like(x)
    kernels.indicator_step(
        x, log_x, raising, rows_up, src_up, starts_up, lowering, rows_down, src_down, starts_down,
        base_up, base_down, up, down, LOG_LOW, LOG_HIGH,
    )  # fmt: skip
    np.testing.assert_array_equal(log_x, expected)


def test_driver_bases_recompute_only_the_stale_indicators():
    rng = np.random.default_rng(14)
    drivers, n_ind, runs = 3, 3, 50
    slider = rng.uniform(0, 10, (drivers, runs))
    low, span = np.zeros(drivers), np.full(drivers, 10.0)
    raising, lowering = rng.random((4, runs)), rng.random((4, runs))
    rows, sources, starts = np.array([0, 1, 2, 3]), np.array([0, 2, 1, 0]), np.array([0, 2, 2, 4])
    units = np.empty_like(slider)
    base_up, base_down = np.full((n_ind, runs), -7.0), np.full((n_ind, runs), -7.0)
    stale = np.array([True, True, False])
    kernels.driver_bases(
        slider, low, span, 1e-6, raising, lowering, rows, sources, starts, stale, units, base_up, base_down
    )
    expected_units = np.clip((slider - low[:, None]) / span[:, None], 1e-6, 1 - 1e-6)
    np.testing.assert_array_equal(units, expected_units)
    products = raising * expected_units[sources]
    np.testing.assert_array_equal(base_up[0], (products[0] + products[1]) + 1)
    np.testing.assert_array_equal(base_up[1], np.ones(runs))  # no impact reaches it: KSIM's "1 +" alone
    np.testing.assert_array_equal(base_up[2], np.full(runs, -7.0))  # not stale: left as it was
    np.testing.assert_array_equal(base_down[0], (lowering[0] * expected_units[0] + lowering[1] * expected_units[2]) + 1)
