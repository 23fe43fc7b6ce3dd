"""engine/cache.py: a cache bounded in bytes keeps the most recently used results and never an error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.cache import ByteCache, size_of


def _array(kib: int) -> np.ndarray:
    return np.zeros(kib * 1024 // 8)


def test_the_oldest_entries_go_once_the_bytes_are_past_the_bound():
    cache = ByteCache(max_bytes=3 * 1024 + 300, max_entry_bytes=2048)
    for key in "abc":
        cache.put(key, _array(1))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("d", _array(1))
    assert [k for k in "abcd" if cache.get(k) is not None] == ["a", "c", "d"]
    assert cache.bytes == 3 * size_of(_array(1))


def test_an_entry_larger_than_its_share_is_computed_but_not_kept():
    cache = ByteCache(max_bytes=4096)
    calls = []
    value = cache.get_or_compute("big", lambda: calls.append(1) or _array(2))
    assert len(value) == 256
    cache.get_or_compute("big", lambda: calls.append(1) or _array(2))
    assert (calls, len(cache), cache.bytes) == ([1, 1], 0, 0)


def test_an_error_is_raised_and_never_remembered():
    cache = ByteCache(max_bytes=1 << 20)
    with pytest.raises(ZeroDivisionError):
        cache.get_or_compute("k", lambda: 1 / 0)
    assert cache.get_or_compute("k", lambda: "now") == "now"


def test_frames_are_measured_by_their_buffers():
    frame = pd.DataFrame({"x": np.zeros(1000), "name": ["indicator"] * 1000})
    # Eight bytes per float and at least the nine characters of each string.
    assert size_of(frame) >= 8000 + 9000
    assert size_of((frame, frame)) >= 2 * size_of(frame)
    assert size_of({26: frame, 52: frame}) >= 2 * size_of(frame)
