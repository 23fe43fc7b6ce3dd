"""Compiled inner loops of the engine (numba): a KSIM week's arithmetic, and exact order statistics.

Each kernel performs the same IEEE operations, in the same order, as the numpy expressions it replaces
(products, then sums added row after row, then "1 +" or the division), so the results are bit for bit
those of the array code. Only np.exp and np.log stay with numpy: its SIMD versions round differently
from the C library's in the last digit, and the golden files pin numpy's.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Below this many values, a slice is put in order by insertion rather than split further.
_SMALL = 16


@njit(cache=True, nogil=True, error_model="numpy")
def triangular(u, low, mode, high, out):  # pragma: no cover - compiled
    """Each impact's triangular inverse CDF at the levels `u` (rows x impacts), into `out`.

    As the array formula: low + sqrt(u * width * (mode - low)) below the mode's level, else
    high - sqrt((1 - u) * width * (high - mode)); a zero-width range gives its weight.
    """
    for j in range(u.shape[1]):
        width = high[j] - low[j]
        rise, fall = mode[j] - low[j], high[j] - mode[j]
        cut = rise / width if width > 0 else 0.0
        for i in range(u.shape[0]):
            level = u[i, j]
            if level < cut:
                out[i, j] = low[j] + np.sqrt(level * width * rise)
            else:
                out[i, j] = high[j] - np.sqrt((1 - level) * width * fall)


@njit(cache=True, nogil=True, error_model="numpy")
def signed_parts(coefficients, order, half, raising, lowering, any_raising, any_lowering):  # pragma: no cover
    """Split coefficients (runs x impacts) into impacts x runs, in `order`: half (|c| + c) and half (|c| - c).

    any_raising[r] and any_lowering[r] say whether impact row r is non-zero in some run.
    """
    for r in range(len(order)):
        any_raising[r] = False
        any_lowering[r] = False
    # Run by run, so that each run's coefficients are read as the contiguous row they are.
    for j in range(coefficients.shape[0]):
        for r in range(len(order)):
            c = coefficients[j, order[r]]
            magnitude = abs(c)
            a = half * (magnitude + c)
            b = half * (magnitude - c)
            raising[r, j] = a
            lowering[r, j] = b
            any_raising[r] |= a != 0
            any_lowering[r] |= b != 0


@njit(cache=True, nogil=True, error_model="numpy")
def _block_sums(weights, rows, sources, values, starts, stale, plus_one, out):  # pragma: no cover - compiled
    """out[i] = sum over r in block i of weights[rows[r]] * values[sources[r]], plus 1 if asked; stale blocks only.

    The rows of a block are added in order, starting from the first product, as np.add.reduce does
    over a leading axis; an empty block sums to 0.0.
    """
    runs = out.shape[1]
    for i in range(out.shape[0]):
        if not stale[i]:
            continue
        first, end = starts[i], starts[i + 1]
        row = out[i]
        if first == end:
            for j in range(runs):
                row[j] = 0.0
        else:
            w, v = weights[rows[first]], values[sources[first]]
            for j in range(runs):
                row[j] = w[j] * v[j]
            for r in range(first + 1, end):
                w, v = weights[rows[r]], values[sources[r]]
                for j in range(runs):
                    row[j] = row[j] + w[j] * v[j]
        if plus_one:
            for j in range(runs):
                row[j] = row[j] + 1.0


@njit(cache=True, nogil=True, error_model="numpy")
def driver_bases(
    slider, low, span, eps, raising, lowering, rows, sources, starts, stale, units, base_up, base_down
):  # pragma: no cover - compiled
    """KSIM's "1 +" and the drivers' share of a week's sums, for drivers standing at `slider` (drivers x runs).

    Only the indicators marked `stale` (those an impact from a moved driver reaches) are summed again.
    """
    runs = slider.shape[1]
    for d in range(slider.shape[0]):
        for j in range(runs):
            u = (slider[d, j] - low[d]) / span[d]
            # np.clip's order: the lower bound first, and a NaN passes through.
            if u < eps:
                u = eps
            if u > 1.0 - eps:
                u = 1.0 - eps
            units[d, j] = u
    _block_sums(raising, rows, sources, units, starts, stale, True, base_up)
    _block_sums(lowering, rows, sources, units, starts, stale, True, base_down)


@njit(cache=True, nogil=True, error_model="numpy")
def indicator_step(
    x,
    log_x,
    raising,
    rows_up,
    src_up,
    starts_up,
    lowering,
    rows_down,
    src_down,
    starts_down,
    base_up,
    base_down,
    up,
    down,
    log_low,
    log_high,
):  # pragma: no cover - compiled
    """One week of KSIM on the log scale: log x <- clip(log x * (base_down + inflow down) / (base_up + inflow up)).

    `x` is this week's state (indicators x runs), `log_x` its logarithm, updated in place; np.exp of it is
    next week's state. `up` and `down` are scratch arrays of the shape of `x`.
    """
    every = np.ones(x.shape[0], dtype=np.bool_)
    _block_sums(raising, rows_up, src_up, x, starts_up, every, False, up)
    _block_sums(lowering, rows_down, src_down, x, starts_down, every, False, down)
    runs = x.shape[1]
    for i in range(x.shape[0]):
        for j in range(runs):
            value = log_x[i, j] * (base_down[i, j] + down[i, j]) / (base_up[i, j] + up[i, j])
            if value < log_low:
                value = log_low
            if value > log_high:
                value = log_high
            log_x[i, j] = value


@njit(cache=True, nogil=True, error_model="numpy")
def _insertion_sort(a, lo, hi):  # pragma: no cover - compiled
    for i in range(lo + 1, hi):
        value = a[i]
        j = i - 1
        while j >= lo and a[j] > value:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = value


@njit(cache=True, nogil=True, error_model="numpy")
def _heap_sort(a, lo, hi):  # pragma: no cover - compiled
    """In-place heapsort of a[lo:hi]: the fallback that bounds a selection's time whatever the values."""
    n = hi - lo
    for start in range((n - 2) // 2, -1, -1):
        _sift_down(a, lo, start, n)
    for end in range(n - 1, 0, -1):
        a[lo], a[lo + end] = a[lo + end], a[lo]
        _sift_down(a, lo, 0, end)


@njit(cache=True, nogil=True, error_model="numpy")
def _sift_down(a, lo, root, n):  # pragma: no cover - compiled
    while True:
        child = 2 * root + 1
        if child >= n:
            return
        if child + 1 < n and a[lo + child] < a[lo + child + 1]:
            child += 1
        if a[lo + root] < a[lo + child]:
            a[lo + root], a[lo + child] = a[lo + child], a[lo + root]
            root = child
        else:
            return


@njit(cache=True, nogil=True, error_model="numpy")
def _push(stack, top, lo, hi, k_lo, k_hi, depth):  # pragma: no cover - compiled
    """Put a part still to select on the stack: its bounds, its wanted ranks' bounds, its splits left."""
    stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3], stack[top, 4] = lo, hi, k_lo, k_hi, depth
    return top + 1


@njit(cache=True, nogil=True, error_model="numpy")
def _select(a, ranks, depth_limit, stack):  # pragma: no cover - compiled
    """Reorder a (one row) so that a[k] holds its k-th smallest value for every k in `ranks` (ascending).

    Quickselect on every part that still holds a wanted rank, with a median-of-three pivot and Hoare's
    partition (equal values split evenly, so ties cost nothing extra); a part that is split too often
    is heapsorted, so no arrangement of values takes more than n log n steps.
    """
    top = _push(stack, 0, 0, len(a), 0, len(ranks), depth_limit)
    while top > 0:
        top -= 1
        lo, hi, k_lo, k_hi, depth = stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3], stack[top, 4]
        if hi - lo <= _SMALL:
            _insertion_sort(a, lo, hi)
            continue
        if depth == 0:
            _heap_sort(a, lo, hi)
            continue
        mid = lo + (hi - lo) // 2
        # Median of three into a[mid], with a[lo] <= a[mid] <= a[hi - 1] as the scans' sentinels.
        if a[mid] < a[lo]:
            a[mid], a[lo] = a[lo], a[mid]
        if a[hi - 1] < a[mid]:
            a[hi - 1], a[mid] = a[mid], a[hi - 1]
            if a[mid] < a[lo]:
                a[mid], a[lo] = a[lo], a[mid]
        pivot = a[mid]
        i, j = lo, hi - 1
        while True:
            i += 1
            while a[i] < pivot:
                i += 1
            j -= 1
            while pivot < a[j]:
                j -= 1
            if i >= j:
                break
            a[i], a[j] = a[j], a[i]
        # a[lo:j + 1] <= pivot <= a[j + 1:hi]; both parts are non-empty.
        split = j + 1
        k_split = k_lo
        while k_split < k_hi and ranks[k_split] < split:
            k_split += 1
        if k_split > k_lo:
            top = _push(stack, top, lo, split, k_lo, k_split, depth - 1)
        if k_hi > k_split:
            top = _push(stack, top, split, hi, k_split, k_hi, depth - 1)


@njit(cache=True, nogil=True, error_model="numpy")
def _whole_row(row, ranks, sort, depth_limit, stack, scratch, picked):  # pragma: no cover - compiled
    """picked[m] = the ranks[m]-th smallest value of the whole row: sorted (NaN last, as np.sort) or selected."""
    scratch[:] = row
    if sort:
        scratch.sort()
    else:
        _select(scratch, ranks, depth_limit, stack)
    for m in range(len(ranks)):
        picked[m] = scratch[ranks[m]]


# Rows shorter than this are selected directly; longer ones are first narrowed down by a histogram.
_DIRECT = 128


@njit(cache=True, nogil=True, error_model="numpy")
def select_ranks(rows, ranks, out):  # pragma: no cover - compiled
    """out[r, m] = the ranks[m]-th smallest value of rows[r], as a full sort would place it (ranks ascending).

    A histogram narrows each row down first: bucket(v) = floor((v - min) * scale) never decreases as v
    grows (every step is a correctly rounded, monotone operation), so the buckets' counts say exactly
    which bucket holds each wanted rank and at which rank within it. One more pass copies out just those
    buckets' values, and only they are put in order. A row holding NaN is sorted whole, as np.sort does.
    """
    n = rows.shape[1]
    n_ranks = len(ranks)
    depth_limit = 2
    size = n
    while size > 1:
        size //= 2
        depth_limit += 2
    # Each part pushes at most two more, and parts only shrink: depth_limit + 2 entries suffice.
    stack = np.empty((2 * (depth_limit + 2), 5), dtype=np.int64)
    scratch = np.empty(n)
    buckets = max(16, min(4096, n // 4))
    counts = np.zeros(buckets, dtype=np.int64)
    target = np.empty(n_ranks, dtype=np.int64)  # the wanted buckets, ascending
    bucket = np.empty(n, dtype=np.int16)  # buckets <= 4096
    shifted = np.empty(n_ranks, dtype=np.int64)  # each rank within the copied buckets
    for r in range(rows.shape[0]):
        row = rows[r]
        if n <= _DIRECT:
            _whole_row(row, ranks, False, depth_limit, stack, scratch, out[r])
            continue
        low = row[0]
        high = row[0]
        nan = False
        for v in row:
            low = min(low, v)
            high = max(high, v)
            nan |= v != v
        if nan:
            _whole_row(row, ranks, True, depth_limit, stack, scratch, out[r])
            continue
        if low == high:
            for m in range(n_ranks):
                out[r, m] = low
            continue
        scale = buckets / (high - low)
        if not np.isfinite(scale):  # a range too narrow to divide
            _whole_row(row, ranks, False, depth_limit, stack, scratch, out[r])
            continue
        counts[:] = 0
        last = buckets - 1
        for j in range(n):
            b = min(int((row[j] - low) * scale), last)
            bucket[j] = b
            counts[b] += 1
        # Walk the counts: each rank's bucket, and its rank among the values of the wanted buckets.
        below = 0  # values in buckets before the current one
        kept = 0  # values in wanted buckets before the current one
        distinct = 0
        m = 0
        for b in range(buckets):
            c = counts[b]
            wanted = False
            while m < n_ranks and ranks[m] < below + c:
                shifted[m] = ranks[m] - below + kept
                wanted = True
                m += 1
            if wanted:
                target[distinct] = b
                distinct += 1
                kept += c
            below += c
            if m == n_ranks:
                break
        # Copy the wanted buckets' values, branch-free.
        inside = 0
        for j in range(n):
            b = bucket[j]
            hit = False
            for t in range(distinct):
                hit |= b == target[t]
            scratch[inside] = row[j]
            inside += hit
        _select(scratch[:inside], shifted, depth_limit, stack)
        for m in range(n_ranks):
            out[r, m] = scratch[shifted[m]]
