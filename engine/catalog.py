"""The scenario folder as a catalogue: every file loaded once, broken files kept with their problems."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from engine.loader import Problem, ScenarioError, load_scenario
from engine.schema import Scenario

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    path: Path
    scenario: Scenario | None
    problems: tuple[Problem, ...] = ()
    digest: str = ""

    @property
    def ok(self) -> bool:
        return self.scenario is not None


@dataclass(frozen=True)
class Catalog:
    entries: tuple[Entry, ...]

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return {e.scenario.id: e.scenario for e in self.entries if e.scenario is not None}

    def entry(self, scenario_id: str) -> Entry:
        for e in self.entries:
            if e.scenario is not None and e.scenario.id == scenario_id:
                return e
        raise KeyError(scenario_id)

    @property
    def broken(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.scenario is None)


def _id_line(path: Path) -> int:
    # The file parsed, so its top-level `id:` line is there to be found.
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("id:"):
            return number
    return 1


def load_catalog(folder: str | Path) -> Catalog:
    """Load every *.yaml in `folder`, in name order; a second file with an id already seen is a problem."""
    entries = []
    seen: dict[str, Path] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            # Problems name the file alone: a page must not show the server's folder layout.
            scenario = load_scenario(path, path.name)
        except ScenarioError as err:
            # The page lists it as broken; the operator's log says so too, with its first problem.
            logger.warning("scenario file %s is broken: %s (problems: %d)", path, err.problems[0], len(err.problems))
            entries.append(Entry(path, None, err.problems))
            continue
        if scenario.id in seen:
            message = f"id '{scenario.id}' is already used by {seen[scenario.id].name}"
            clash = Problem(path.name, _id_line(path), "id", message)
            logger.warning("scenario file %s is not offered: %s", path, clash)
            entries.append(Entry(path, None, (clash,)))
            continue
        seen[scenario.id] = path
        entries.append(Entry(path, scenario, digest=scenario.digest))
    return Catalog(tuple(entries))
