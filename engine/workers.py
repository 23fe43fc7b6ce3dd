"""Split a large array job into independent slices and run them on the machine's cores."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

# numpy releases the GIL inside its sort, partition and ufunc loops, so threads share the work of one
# big ensemble; below these sizes the per-call overhead of a second thread costs more than it saves.
MIN_RUNS_PER_WORKER = 2_500
MAX_WORKERS = 4

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def slices(total: int, min_size: int, workers: int | None = None) -> list[slice]:
    """Contiguous slices covering range(total), as many as the cores allow with at least `min_size` each."""
    workers = min(MAX_WORKERS, available_cores()) if workers is None else workers
    count = max(1, min(workers, total // max(1, min_size)))
    bounds = [total * k // count for k in range(count + 1)]
    return [slice(a, b) for a, b in pairwise(bounds)]


def run_slices(job: Callable[[slice], None], parts: list[slice]) -> None:
    """Call `job` on every slice, in parallel when there is more than one; re-raises the first error.

    The jobs must write to disjoint parts of their output, so the result does not depend on which
    thread ran which slice or in what order.
    """
    if len(parts) == 1:
        job(parts[0])
        return
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="engine")
    for future in [_pool.submit(job, part) for part in parts]:
        future.result()
