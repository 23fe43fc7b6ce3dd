"""Scenario export: YAML that reads back into an equal scenario, with the current settings as defaults."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.loader import load_scenario, parse_scenario
from engine.serialize import scenario_to_yaml, with_defaults

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
# Hand-made files of both schemas, between them every field there is (ramps, checks, translations).
HAND_MADE = [ROOT / "tests" / "data" / name for name in ("tiny.yaml", "tiny2.yaml", "schema1/dprk-russia-2024.yaml")]


@pytest.mark.parametrize("path", SCENARIOS + HAND_MADE, ids=lambda p: p.name)
def test_every_scenario_round_trips(path):
    scenario = load_scenario(path)
    again = parse_scenario(scenario_to_yaml(scenario), "export.yaml")
    assert again == scenario
    assert again.digest == scenario.digest


def test_current_settings_become_the_defaults():
    scenario = load_scenario(SCENARIOS[0])
    changed = with_defaults(scenario, {"troops_deployed": 3500, "china_sidelined": 75})
    back = parse_scenario(scenario_to_yaml(changed))
    assert back.driver("troops_deployed").default == 3500
    assert back.driver("china_sidelined").default == 75
    untouched = [d.id for d in scenario.drivers if d.id not in ("troops_deployed", "china_sidelined")]
    assert [back.driver(i).default for i in untouched] == [scenario.driver(i).default for i in untouched]
    assert back.impacts == scenario.impacts


def test_out_of_range_settings_are_refused():
    scenario = load_scenario(SCENARIOS[0])
    with pytest.raises(ValidationError, match=r"drivers\[0\]\.default: default 99999 is outside \[0, 20000\]"):
        with_defaults(scenario, {"troops_deployed": 99999})


def test_header_lines_become_comments():
    text = scenario_to_yaml(load_scenario(SCENARIOS[0]), "first line\n\nthird line")
    assert text.startswith("# first line\n#\n# third line\nschema: 2\n")
