"""Shared fixtures: the repository root, the seed scenario and a builder for small hand-made scenarios."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_SCENARIO = REPO_ROOT / "scenarios" / "dprk-russia-2024.yaml"

# `pytest` (not only `python -m pytest`) must find the engine package at the repository root.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED_SCENARIO


@pytest.fixture(scope="session")
def seed_scenario():
    from engine.loader import load_scenario

    return load_scenario(SEED_SCENARIO)


def _text(name: str) -> dict:
    return {"en": name, "de": name}


def build_scenario(
    drivers=(("d", 0.0, 100.0, 50.0),),
    indicators=(("y", 50.0),),
    impacts=(),
    events=(),
    questions=(),
    presets=(),
    horizon=10,
    uncertainty="triangular",
    schema=1,
    checks=(),
):
    """A validated Scenario from compact tuples.

    drivers: (id, min, max, default); indicators: (id, initial); impacts: (from, to, weight) or
    (from, to, weight, (low, high)) - a zero-width range when none is given; events, questions,
    presets and checks: dicts in the YAML shape (labels and texts are filled in when missing).
    With schema=2 the fields schema 2 requires are filled in: units in both languages, a scale of
    levels 25, 50, 75 plus every question's threshold, judgements for starting levels and self-impacts.
    """
    from engine.schema import Scenario

    cite = {"quote": "test", "section": "test"}
    judged = {"judgement": _text("a test judgement")}
    data = {
        "schema": schema,
        "id": "hand-made",
        "title": _text("Hand-made"),
        "summary": _text("Hand-made test scenario"),
        "source": {"title": "tests", "language": "en"},
        "horizon_weeks": horizon,
        "uncertainty": uncertainty,
        "drivers": [
            {
                "id": i,
                "label": _text(i),
                "group": "facts",
                "unit": "u",
                "min": lo,
                "max": hi,
                "step": (hi - lo) / 100 if hi > lo else 1,
                "default": default,
                "source": cite,
            }
            for i, lo, hi, default in drivers
        ],
        "indicators": [{"id": i, "label": _text(i), "initial": v, "source": cite} for i, v in indicators],
        "impacts": [
            {
                "from": imp[0],
                "to": imp[1],
                "weight": imp[2],
                "range": list(imp[3]) if len(imp) > 3 else [imp[2], imp[2]],
                "source": cite,
            }
            for imp in impacts
        ],
        "events": [{"label": _text("event"), **e} for e in events],
        "questions": [{"text": _text(q["id"]), **q} for q in questions],
        "presets": [{"label": _text(p["id"]), **p} for p in presets],
    }
    if schema == 2:
        for d in data["drivers"]:
            d["unit"] = _text("u")
        for i in data["indicators"]:
            levels = {25.0, 50.0, 75.0} | {float(q["threshold"]) for q in questions if q["indicator"] == i["id"]}
            i["scale"] = [{"level": level, "text": _text(f"level {level:g}")} for level in sorted(levels)]
            i["initial_source"] = judged
        for imp in data["impacts"]:
            if imp["from"] == imp["to"]:
                imp["source"] = judged
        data["checks"] = [{"text": _text(c["id"]), **c} for c in checks]
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def make_scenario():
    return build_scenario
