"""Write a Scenario back to YAML of its own schema, optionally with the current slider settings as its defaults."""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from engine.schema import Scenario


def with_defaults(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """The same scenario with `values` as the drivers' defaults (validated like any other scenario)."""
    drivers = [d.model_copy(update={"default": float(values.get(d.id, d.default))}) for d in scenario.drivers]
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["drivers"] = [d.model_dump(mode="json", by_alias=True, exclude_none=True) for d in drivers]
    return Scenario.model_validate(data)


def scenario_to_yaml(scenario: Scenario, header: str = "") -> str:
    """YAML text that parse_scenario reads back into an equal Scenario."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body
