"""Shared timing helpers for the benchmarks: warm up once, then time each call with perf_counter."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call over `repeat` calls, after one warm-up call (first-call costs are not a slider move's)."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def describe(samples: list[float]) -> str:
    return f"median {statistics.median(samples):9.2f} ms  min {min(samples):9.2f} ms  (n={len(samples)})"
