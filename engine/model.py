"""The model handle: a scenario compiled once, with its digest; what every engine computation takes."""

from __future__ import annotations

from dataclasses import dataclass

from engine.schema import Scenario
from engine.simulation import CompiledModel, compile_scenario


@dataclass(frozen=True, eq=False)
class Model:
    """A validated scenario and its compiled arrays, built once (Model.of) and shared by every computation."""

    scenario: Scenario
    compiled: CompiledModel

    @classmethod
    def of(cls, scenario: Scenario) -> Model:
        return cls(scenario, compile_scenario(scenario))

    @property
    def digest(self) -> str:
        """The scenario's content hash: what caches and links key on."""
        return self.scenario.digest
