"""Every shipped scenario loads, validates and projects sanely; the seed scenario keeps to the article."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from engine.ensemble import run_ensemble
from engine.loader import load_scenario
from engine.model import Model
from engine.schema import DRIVER_GROUPS
from engine.simulation import point_run, resolve_drivers

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((REPO_ROOT / "scenarios").glob("*.yaml"))
ARTICLE = REPO_ROOT.parent / "shared" / "source" / "article.de.txt"


def test_there_are_scenarios():
    assert SCENARIOS
    assert REPO_ROOT / "scenarios" / "dprk-russia-2024.yaml" in SCENARIOS


@pytest.fixture(params=SCENARIOS, ids=[p.name for p in SCENARIOS])
def scenario_path(request) -> Path:
    return request.param


def test_validate_exits_0(scenario_path):
    result = subprocess.run(
        [sys.executable, "-m", "engine", "validate", str(scenario_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"ok {scenario_path}\n", "")


def test_id_is_the_file_name(scenario_path):
    assert load_scenario(scenario_path).id == scenario_path.stem


def _settings(scenario):
    yield "defaults", scenario.defaults()
    for preset in scenario.presets:
        yield preset.id, resolve_drivers(scenario, preset.id)


def _check_frame(frame, scenario, columns):
    n_ind = len(scenario.indicators)
    assert len(frame) == (scenario.horizon_weeks + 1) * n_ind
    assert sorted(set(frame["week"])) == list(range(scenario.horizon_weeks + 1))
    assert frame["indicator"].tolist() == [i.id for i in scenario.indicators] * (scenario.horizon_weeks + 1)
    values = frame[columns].to_numpy()
    assert np.isfinite(values).all()
    assert (values >= 0).all() and (values <= 100).all()


def test_point_runs_and_ensembles_stay_in_range(scenario_path):
    scenario = load_scenario(scenario_path)
    for _name, values in _settings(scenario):
        _check_frame(point_run(Model.of(scenario), values), scenario, ["value"])
        projection = run_ensemble(Model.of(scenario), values, runs=200, seed=0)
        _check_frame(projection.bands, scenario, ["mean", "p10", "p50", "p90"])
        probabilities = projection.questions["probability"].to_numpy()
        assert len(probabilities) == len(scenario.questions)
        assert ((probabilities >= 0) & (probabilities <= 1)).all()


def test_unique_ids_across_scenarios():
    ids = [load_scenario(p).id for p in SCENARIOS]
    assert len(ids) == len(set(ids))


# --- the seed scenario, built from the source article ------------------------------------------


def test_seed_size_and_groups(seed_scenario):
    assert len(seed_scenario.drivers) >= 10
    assert len(seed_scenario.indicators) >= 8
    assert {d.group for d in seed_scenario.drivers} == set(DRIVER_GROUPS)


def test_seed_reported_facts(seed_scenario):
    assert seed_scenario.driver("troops_deployed").default == 12000
    engagement = [e for e in seed_scenario.events if e.target == "combat_engagement"]
    assert [e.week for e in engagement] == [1]
    assert seed_scenario.horizon_weeks == 52


def _quotes(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "quote":
                yield value
            else:
                yield from _quotes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _quotes(value)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_quote_is_in_the_article(seed_path):
    if not ARTICLE.exists():
        pytest.skip(f"source article not present at {ARTICLE}")
    article = _normalise(ARTICLE.read_text(encoding="utf-8"))
    quotes = list(_quotes(yaml.safe_load(seed_path.read_text(encoding="utf-8"))))
    # Every driver, indicator and impact carries one, plus question and event sources.
    assert len(quotes) >= 80
    missing = [q for q in quotes if _normalise(q) not in article]
    assert missing == []


def test_seed_presets_are_visibly_different(seed_scenario):
    assert {"baseline", "escalation", "de-escalation"} <= {p.id for p in seed_scenario.presets}
    end = {}
    for preset in ("baseline", "escalation", "de-escalation"):
        frame = point_run(Model.of(seed_scenario), resolve_drivers(seed_scenario, preset))
        last = frame[frame["week"] == seed_scenario.horizon_weeks]
        end[preset] = dict(zip(last["indicator"], last["value"], strict=True))
    for indicator in ("peninsula_tension", "dprk_assertiveness"):
        assert end["escalation"][indicator] > end["baseline"][indicator] + 10
        assert end["baseline"][indicator] > end["de-escalation"][indicator] + 10
