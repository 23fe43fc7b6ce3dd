"""Golden outputs of the seed scenario: the CLI's CSV, and the page's numbers, against stored files.

The files in tests/golden/ were written by `python -m engine simulate` (see tests/golden/regenerate.py).
These tests only read them; to change them deliberately, run `python tests/golden/regenerate.py`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from engine.ensemble import run_ensemble
from engine.model import Model
from engine.simulation import point_run
from engine.state import DEFAULT_RUNS, DEFAULT_SEED, format_number
from tests.golden.regenerate import GOLDEN, GOLDEN_DIR, PLATFORM_FILE, SCENARIO, cli_output, platform_signature

REGENERATE = (
    "If the change is intended, rewrite the files on purpose with `python tests/golden/regenerate.py` "
    "and review `git diff tests/golden/`: every shared link of the seed scenario shows the new figures."
)
# On a platform other than the one that wrote the files, numbers may differ in their last digit or so.
CROSS_PLATFORM_RTOL = 1e-12


def stored(name: str, folder: Path = GOLDEN_DIR) -> bytes:
    path = folder / name
    if not path.exists():
        pytest.fail(f"{path} is missing. {REGENERATE}")
    return path.read_bytes()


def same_platform() -> bool:
    recorded = json.loads((GOLDEN_DIR / PLATFORM_FILE).read_text(encoding="utf-8"))
    return recorded == json.loads(json.dumps(platform_signature()))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _first_difference(expected: bytes, actual: bytes) -> str:
    old, new = expected.decode("utf-8").splitlines(), actual.decode("utf-8").splitlines()
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return f"first at line {number}:\n  stored: {a}\n  now:    {b}"
    return f"the stored file has {len(old)} lines, the output {len(new)}"


def _close(a: str, b: str) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    return math.isclose(x, y, rel_tol=CROSS_PLATFORM_RTOL, abs_tol=1e-300)


def assert_matches_golden(name: str, actual: bytes, what: str, folder: Path = GOLDEN_DIR) -> None:
    """Byte for byte on the platform that wrote the files; elsewhere the same cells to within rounding.

    `folder` holds the stored file; its numbers must come from the platform of tests/golden/platform.json.
    """
    expected = stored(name, folder)
    if actual == expected:
        return
    difference = _first_difference(expected, actual)
    if same_platform():
        pytest.fail(f"{what} differs from tests/golden/{name}, {difference}\n{REGENERATE}")
    old, new = _rows(expected), _rows(actual)
    same_shape = len(old) == len(new) and all(len(a) == len(b) for a, b in zip(old, new, strict=False))
    if not same_shape or not all(
        _close(a, b) for r, s in zip(old, new, strict=True) for a, b in zip(r, s, strict=True)
    ):
        pytest.fail(f"{what} differs from tests/golden/{name} (on another platform), {difference}\n{REGENERATE}")
    warnings.warn(
        f"tests/golden/{name}: compared to within {CROSS_PLATFORM_RTOL:g}, not byte for byte: this machine's "
        f"numpy ({platform_signature()}) is not the one in tests/golden/{PLATFORM_FILE}",
        stacklevel=2,
    )


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_cli_reproduces_the_golden_file(name):
    args = GOLDEN[name]
    assert_matches_golden(name, cli_output(args), f"`python -m engine {' '.join(args)}`")


def test_golden_ensembles_use_the_pages_defaults():
    """The stored ensembles are the page's default figures: its runs, and its seed by leaving --seed out."""
    assert DEFAULT_RUNS == 1000, f"DEFAULT_RUNS is now {DEFAULT_RUNS}; the golden ensembles have 1,000 runs"
    for name, args in GOLDEN.items():
        assert "--seed" not in args, name
        assert SCENARIO in args, name


def _csv(frame) -> bytes:
    # The same text the CLI writes: every float as the shortest text that reads back exactly.
    return frame.to_csv(index=False, float_format=format_number, lineterminator="\n").encode("utf-8")


def test_the_pages_ensemble_equals_the_golden_bands(seed_scenario):
    """What the page computes for a fresh visit (or a link without runs and seed) is the stored ensemble."""
    projection = run_ensemble(Model.of(seed_scenario), runs=DEFAULT_RUNS, seed=DEFAULT_SEED)
    assert_matches_golden("dprk-russia-2024.bands.csv", _csv(projection.bands), "the page's ensemble")
    assert_matches_golden("dprk-russia-2024.questions.csv", _csv(projection.questions), "the page's questions")


def test_the_golden_files_read_back_as_the_engines_numbers(seed_scenario):
    """float() of every stored cell is exactly the engine's value (bit for bit), not a rounded one."""
    if not same_platform():
        pytest.skip(f"tests/golden/ was written on another platform (see {PLATFORM_FILE})")
    point = point_run(Model.of(seed_scenario))
    bands = run_ensemble(Model.of(seed_scenario), runs=DEFAULT_RUNS, seed=DEFAULT_SEED).bands
    for name, frame, columns in [
        ("dprk-russia-2024.point.csv", point, ["week", "value"]),
        ("dprk-russia-2024.bands.csv", bands, ["week", "mean", "p10", "p50", "p90"]),
    ]:
        rows = _rows(stored(name))
        header, body = rows[0], rows[1:]
        assert header == list(frame.columns), name
        assert [row[header.index("indicator")] for row in body] == frame["indicator"].tolist(), name
        read = np.array([[float(row[header.index(c)]) for c in columns] for row in body])
        expected = frame[columns].to_numpy(dtype=float)
        assert read.shape == expected.shape, name
        assert (read.view(np.int64) == expected.view(np.int64)).all(), f"{name}: {REGENERATE}"


def test_the_pooled_round_reproduces_the_golden_file():
    """A fixed team's pooled round (regenerate.TEAM): the same judgements give the same figures on every page."""
    from tests.golden.regenerate import POOL_FILE, pool_output

    assert_matches_golden(POOL_FILE, pool_output(), "the TEAM's pooled round")
