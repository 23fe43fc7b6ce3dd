"""What changed between two versions of a scenario: per section, the items added, removed and changed, by field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from engine.schema import Model, Scenario

# A plain JSON value, as json.dumps writes it.
Json = None | bool | int | float | str | list | dict
# An item's identity within its section: an id; (from, to) for an impact; (target, week, n) for an event,
# where n counts the events on that target at that week in file order (events have no id of their own).
Key = str | tuple[str | int, ...]
Status = Literal["added", "removed", "changed"]

SECTIONS = ("drivers", "indicators", "impacts", "questions", "presets", "events", "checks")
# The scenario's own fields: everything that is not a list of items.
META_FIELDS = ("schema", "id", "title", "summary", "source", "horizon_weeks", "uncertainty")
# Fields held as mappings whose entries change one by one: a level's text, a preset's or a check's driver
# value. Reporting them whole would say "values changed" where a reader wants "troops 20,000 -> 18,000".
_BY_ENTRY = {"scale", "values", "set"}
MATRIX_COLUMNS = ("target", "source", "status", "old_weight", "new_weight")


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs; None stands for a field that one side does not hold.

    `entry` names the entry of a mapping-like field: the level (a number) of an indicator's `scale`, the
    driver id of a preset's `values` or a check's `set`; None for every other field.
    """

    name: str
    old: Json
    new: Json
    entry: str | float | None = None


@dataclass(frozen=True)
class ItemDiff:
    """One item of a section that was added, removed or changed; `fields` are filled in for a change only."""

    status: Status
    key: Key
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class SectionDiff:
    """A section's differences: added and changed items in the new file's order, then removed ones in the old's."""

    name: str
    items: tuple[ItemDiff, ...] = ()

    def _having(self, status: Status) -> tuple[ItemDiff, ...]:
        return tuple(item for item in self.items if item.status == status)

    @property
    def added(self) -> tuple[ItemDiff, ...]:
        return self._having("added")

    @property
    def removed(self) -> tuple[ItemDiff, ...]:
        return self._having("removed")

    @property
    def changed(self) -> tuple[ItemDiff, ...]:
        return self._having("changed")

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class ScenarioDiff:
    """Every difference between two scenarios, section by section; `meta` holds the scenario's own fields."""

    meta: tuple[FieldChange, ...]
    drivers: SectionDiff
    indicators: SectionDiff
    impacts: SectionDiff
    questions: SectionDiff
    presets: SectionDiff
    events: SectionDiff
    checks: SectionDiff

    @property
    def sections(self) -> tuple[SectionDiff, ...]:
        return tuple(getattr(self, name) for name in SECTIONS)

    @property
    def counts(self) -> dict[str, int]:
        """Differences per section: changed fields for meta, added + removed + changed items for the others."""
        return {"meta": len(self.meta)} | {s.name: s.count for s in self.sections}

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


def _dump(item: Model) -> dict:
    # The file's own spelling (from, to, schema), and no None: a field left out and a field set to null
    # are the same to the loader, so they must be the same here.
    return item.model_dump(mode="json", by_alias=True, exclude_none=True)


def _field_names(item: Model) -> list[str]:
    return [info.alias or name for name, info in type(item).model_fields.items()]


def _entries(name: str, old: Json, new: Json) -> list[FieldChange]:
    if name == "scale":
        # Levels are matched by value; a moved level is one removed and one added, in ascending order.
        before = {level["level"]: level["text"] for level in old or ()}
        after = {level["level"]: level["text"] for level in new or ()}
        keys: Iterable = sorted(before.keys() | after.keys())
    else:
        before, after = dict(old or {}), dict(new or {})
        keys = [*after, *(k for k in before if k not in after)]
    return [FieldChange(name, before.get(k), after.get(k), entry=k) for k in keys if before.get(k) != after.get(k)]


def _field_changes(old: Model, new: Model, skip: Iterable[str] = ()) -> tuple[FieldChange, ...]:
    before, after = _dump(old), _dump(new)
    changes: list[FieldChange] = []
    for name in _field_names(new):
        if name in skip or before.get(name) == after.get(name):
            continue
        if name in _BY_ENTRY:
            changes += _entries(name, before.get(name), after.get(name))
        else:
            changes.append(FieldChange(name, before.get(name), after.get(name)))
    return tuple(changes)


def _event_keys(events: Iterable) -> list[tuple[str, int, int]]:
    seen: dict[tuple[str, int], int] = {}
    keys = []
    for e in events:
        n = seen.get((e.target, e.week), 0)
        seen[(e.target, e.week)] = n + 1
        keys.append((e.target, e.week, n))
    return keys


def _impact_key(impact) -> tuple[str, str]:
    return (impact.source_id, impact.target)


def _keyed(items: tuple, key: Callable | None) -> dict:
    if key is None:
        return dict(zip(_event_keys(items), items, strict=True))
    return {key(item): item for item in items}


# Per section: how an item is known, and the fields that make up that identity (not reported as changes).
_IDENTITY: dict[str, tuple[Callable | None, tuple[str, ...]]] = {
    "drivers": (lambda d: d.id, ("id",)),
    "indicators": (lambda i: i.id, ("id",)),
    "impacts": (_impact_key, ("from", "to")),
    "questions": (lambda q: q.id, ("id",)),
    "presets": (lambda p: p.id, ("id",)),
    "events": (None, ("target", "week")),
    "checks": (lambda c: c.id, ("id",)),
}


def _section(name: str, old: tuple, new: tuple) -> SectionDiff:
    key, identity = _IDENTITY[name]
    before, after = _keyed(old, key), _keyed(new, key)
    items = []
    for k, item in after.items():
        if k not in before:
            items.append(ItemDiff("added", k))
        elif fields := _field_changes(before[k], item, identity):
            items.append(ItemDiff("changed", k, fields))
    items += [ItemDiff("removed", k) for k in before if k not in after]
    return SectionDiff(name, tuple(items))


def scenario_diff(old: Scenario, new: Scenario) -> ScenarioDiff:
    """What turns `old` into `new`, section by section, in a fixed order (see SectionDiff).

    An item's identity is its id (an impact's: from and to; an event's: target and week), so a renamed id
    reads as one item removed and another added. Order within a section is not a change.
    """
    before, after = _dump(old), _dump(new)
    meta = tuple(FieldChange(f, before.get(f), after.get(f)) for f in META_FIELDS if before.get(f) != after.get(f))
    return ScenarioDiff(meta, *(_section(name, getattr(old, name), getattr(new, name)) for name in SECTIONS))


def _order(new_ids: Iterable[str], old_ids: Iterable[str]) -> list[str]:
    new_ids = list(new_ids)
    return new_ids + [i for i in old_ids if i not in set(new_ids)]


def impact_matrix_diff(old: Scenario, new: Scenario) -> pd.DataFrame:
    """One row per (target indicator, source) that has an impact in either scenario, with its status.

    Columns: target, source, status ("added", "removed", "changed": any field of the impact differs,
    "same"), old_weight, new_weight (NaN where that side has no such impact). Rows run by target (the new
    file's indicators, then removed ones), then by source (drivers, then indicators; each the new file's,
    then removed ones). `target` and `source` are ordered categoricals holding that order, so a chart can
    lay out its rows and columns without the scenarios.
    """
    before = {_impact_key(i): i for i in old.impacts}
    after = {_impact_key(i): i for i in new.impacts}
    indicators = _order((i.id for i in new.indicators), (i.id for i in old.indicators))
    drivers = _order((d.id for d in new.drivers), (d.id for d in old.drivers))
    sources = drivers + [i for i in indicators if i not in set(drivers)]
    pairs = before.keys() | after.keys()
    rank = {name: n for n, name in enumerate(sources)}
    target_rank = {name: n for n, name in enumerate(indicators)}
    # An id known to neither list cannot be in a valid scenario; it would sort last rather than fail.
    ordered = sorted(pairs, key=lambda p: (target_rank.get(p[1], len(target_rank)), rank.get(p[0], len(rank)), p))
    rows = []
    for pair in ordered:
        was, now = before.get(pair), after.get(pair)
        if was is None:
            status = "added"
        elif now is None:
            status = "removed"
        else:
            status = "changed" if _dump(was) != _dump(now) else "same"
        rows.append(
            {
                "target": pair[1],
                "source": pair[0],
                "status": status,
                "old_weight": was.weight if was is not None else np.nan,
                "new_weight": now.weight if now is not None else np.nan,
            }
        )
    frame = pd.DataFrame(rows, columns=list(MATRIX_COLUMNS))
    targets = [i for i in indicators if any(p[1] == i for p in pairs)]
    used = {p[0] for p in pairs}
    frame["target"] = pd.Categorical(frame["target"], categories=targets, ordered=True)
    frame["source"] = pd.Categorical(frame["source"], categories=[s for s in sources if s in used], ordered=True)
    frame["old_weight"] = frame["old_weight"].astype(float)
    frame["new_weight"] = frame["new_weight"].astype(float)
    return frame
