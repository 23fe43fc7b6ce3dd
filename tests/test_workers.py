"""Tests for engine.workers: how a job is cut into slices, and that errors in a slice reach the caller."""

from __future__ import annotations

import threading

import pytest

from engine import workers


@pytest.mark.parametrize(
    ("total", "min_size", "cores", "expected"),
    [
        (10_000, 2_500, 2, [slice(0, 5_000), slice(5_000, 10_000)]),
        (10_000, 2_500, 1, [slice(0, 10_000)]),
        (4_999, 2_500, 2, [slice(0, 4_999)]),  # two slices would each be under the minimum
        (7, 2, 8, [slice(0, 2), slice(2, 4), slice(4, 7)]),  # no more slices than fit the minimum
        (100, 1, 8, [slice(0, 25), slice(25, 50), slice(50, 75), slice(75, 100)]),  # at most MAX_WORKERS
        (0, 10, 2, [slice(0, 0)]),
    ],
)
def test_slices_cover_the_range_once(monkeypatch, total, min_size, cores, expected):
    monkeypatch.setattr(workers, "available_cores", lambda: cores)
    assert workers.slices(total, min_size) == expected


def test_run_slices_runs_every_slice_on_worker_threads():
    seen: dict[int, str] = {}

    def job(part: slice) -> None:
        seen[part.start] = threading.current_thread().name

    workers.run_slices(job, [slice(0, 1), slice(1, 2), slice(2, 3)])
    assert sorted(seen) == [0, 1, 2]
    assert all(name.startswith("engine") for name in seen.values())


def test_a_single_slice_runs_on_the_calling_thread():
    seen = []
    workers.run_slices(lambda part: seen.append(threading.current_thread().name), [slice(0, 5)])
    assert seen == [threading.current_thread().name]


def test_an_error_in_a_slice_reaches_the_caller():
    def job(part: slice) -> None:
        if part.start == 1:
            raise ValueError("slice 1 failed")

    with pytest.raises(ValueError, match="slice 1 failed"):
        workers.run_slices(job, [slice(0, 1), slice(1, 2)])
