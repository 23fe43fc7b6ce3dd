"""Every shipped scenario loads, validates and projects sanely; the seed scenario keeps to the article."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from engine.checks import run_checks
from engine.ensemble import run_ensemble
from engine.loader import load_scenario
from engine.model import Model
from engine.schema import DRIVER_GROUPS
from engine.simulation import point_run, resolve_drivers
from engine.state import DEFAULT_RUNS, DEFAULT_SEED

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


def test_every_reality_check_holds(scenario_path):
    result = subprocess.run(
        [sys.executable, "-m", "engine", "check", str(scenario_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    checks = len(load_scenario(scenario_path).checks)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"ok {scenario_path}: {checks} checks\n", "")


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
    # Every driver, indicator, question and event quotes the article, and so do the impacts whose direction
    # the article states; sizes it never states rest on judgements instead (test_seed_judgements_...).
    assert len(quotes) >= 50
    missing = [q for q in quotes if _normalise(q) not in article]
    assert missing == []


def test_the_seeds_facts_are_quoted(seed_scenario):
    sources = [d.source for d in seed_scenario.drivers] + [i.source for i in seed_scenario.indicators]
    sources += [q.source for q in seed_scenario.questions] + [e.source for e in seed_scenario.events]
    assert [s for s in sources if s is None or s.is_judgement] == []


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


# --- the seed scenario as a briefer would test it ---------------------------------------------------------

SEED_CHECKS = sorted(c.id for c in load_scenario(REPO_ROOT / "scenarios" / "dprk-russia-2024.yaml").checks)


def test_seed_is_schema_2_with_at_least_12_reality_checks(seed_scenario):
    assert seed_scenario.schema_version == 2
    assert len(seed_scenario.checks) >= 12
    conditions = {c.condition for c in seed_scenario.checks}
    # Extreme conditions, monotone links and preset ordering are all among them.
    assert {"below", "above_reference", "below_reference"} <= conditions
    assert any(c.reference for c in seed_scenario.checks)
    assert any(c.week == "all" for c in seed_scenario.checks)


@pytest.mark.parametrize("check_id", SEED_CHECKS)
def test_seed_reality_check_holds(seed_scenario, check_id):
    results = {r.check.id: r for r in run_checks(Model.of(seed_scenario))}
    result = results[check_id]
    assert result.holds, f"{check_id}: expected {result.expected()}, got {result.got()}"


def test_seed_questions_are_informative_in_every_preset(seed_scenario):
    """At the page's ensemble no preset answers a question with near certainty (3 % to 97 %)."""
    model = Model.of(seed_scenario)
    for preset in seed_scenario.presets:
        questions = run_ensemble(
            model, seed_scenario.preset_values(preset.id), runs=DEFAULT_RUNS, seed=DEFAULT_SEED
        ).questions
        for row in questions.itertuples():
            assert 0.03 <= row.probability <= 0.97, (preset.id, row.question, row.probability)


def test_seed_year_has_a_shape(seed_scenario):
    """The baseline still moves after week 10: the ramps spread the deployment, combat and sanctions over time."""
    frame = point_run(Model.of(seed_scenario))
    values = frame.pivot(index="week", columns="indicator", values="value")
    moved = (values.loc[52] - values.loc[10]).abs()
    assert moved.max() >= 5
    assert (moved >= 2).sum() >= 3
    assert {e.target for e in seed_scenario.events if e.is_ramp} >= {
        "troops_deployed",
        "combat_engagement",
        "sanctions_pressure",
    }


def test_seed_without_troops_has_no_joint_combat_effectiveness_to_speak_of(seed_scenario):
    lowest = seed_scenario.indicator("joint_combat_effectiveness").scale[0].level
    frame = point_run(Model.of(seed_scenario), seed_scenario.defaults() | {"troops_deployed": 0})
    effectiveness = frame[frame["indicator"] == "joint_combat_effectiveness"]["value"]
    assert effectiveness.iloc[1:].max() < lowest
    assert any(
        i.source_id == "troops_deployed" and i.target == "joint_combat_effectiveness" for i in seed_scenario.impacts
    )


def test_seed_judgements_and_quotes_are_told_apart(seed_scenario):
    for imp in seed_scenario.impacts:
        if imp.is_self:
            assert imp.source.is_judgement, imp
    for indicator in seed_scenario.indicators:
        assert indicator.initial_source is not None and indicator.initial_source.is_judgement, indicator.id
        assert len(indicator.scale) >= 3
    for question in seed_scenario.questions:
        assert seed_scenario.indicator(question.indicator).level_at(question.threshold) is not None
