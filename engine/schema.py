"""Frozen pydantic models of scenario YAML schema 1 and the cross-reference checks on them."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

# Loc paths are tuples like ("drivers", 3, "min"), the same shape pydantic uses for its errors,
# so the loader can turn both kinds of problem into file:line: field messages the same way.
Loc = tuple[str | int, ...]


def _storable(text: str) -> str:
    # Every text must be storable unchanged by each backend of the shared store. PostgreSQL refuses NUL
    # in text and neither backend can encode a lone surrogate (YAML's "\0" and "\ud800" escapes make both),
    # so these are refused here, for every backend alike, rather than failing at the save.
    for n, char in enumerate(text):
        if char == "\x00":
            raise ValueError(f"text holds a NUL character (at position {n + 1})")
        if "\ud800" <= char <= "\udfff":
            raise ValueError(f"text holds a lone surrogate U+{ord(char):04X} (at position {n + 1})")
    return text


Storable = AfterValidator(_storable)
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=400, strip_whitespace=True), Storable]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4000, strip_whitespace=True), Storable]
Quote = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True), Storable]
# Strict: a YAML `true` or a quoted "12" is a mistake to report, not a number to coerce.
Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]
# Slider values, event amounts: far beyond any count of soldiers or money the model speaks of, and small
# enough that every difference of two of them is finite (max - min of +-1e308 overflowed to infinity).
MAX_AMOUNT = 1e15
Amount = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False, strict=True)]
# KSIM weights of a few units already saturate an indicator within a week; a bound far above that keeps
# every sum of weights times states finite (1e308 passed once and drew NaN projections).
MAX_WEIGHT = 10.0
Weight = Annotated[float, Field(ge=-MAX_WEIGHT, le=MAX_WEIGHT, allow_inf_nan=False, strict=True)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False, strict=True)]
Whole = Annotated[int, Field(ge=0, strict=True)]

DRIVER_GROUPS = ("facts", "pros", "cons", "challenges", "questions")
# The id of the preset a scenario's comparisons are made against, when it has one.
BASELINE = "baseline"


def _not_a_boolean(value: object) -> object:
    # Literal[1] would accept `true` (True == 1); a schema version is a number.
    if isinstance(value, bool):
        raise ValueError("Input should be 1, not a boolean")
    return value


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Text(Model):
    """A human-facing text in every language the dashboard offers."""

    en: LongText
    de: LongText

    def get(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


class Citation(Model):
    """Where in the source article an element comes from."""

    quote: Quote
    section: ShortText


class SourceInfo(Model):
    title: ShortText
    language: Literal["de", "en"]
    cited_outlets: tuple[ShortText, ...] = ()
    url: ShortText | None = None
    published: ShortText | None = None


class Driver(Model):
    id: Slug
    label: Text
    group: Literal["facts", "pros", "cons", "challenges", "questions"]
    unit: ShortText
    min: Amount
    max: Amount
    step: Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]
    default: Amount
    description: Text | None = None
    source: Citation

    def to_unit(self, value: float) -> float:
        """Slider value to the unit interval, before the KSIM epsilon clip."""
        return (value - self.min) / (self.max - self.min)


class Indicator(Model):
    id: Slug
    label: Text
    group: Slug = "general"
    initial: Percent
    description: Text | None = None
    source: Citation


class Impact(Model):
    source_id: Slug = Field(alias="from")
    target: Slug = Field(alias="to")
    weight: Weight
    range: tuple[Weight, Weight]
    note: ShortText | None = None
    source: Citation


class Question(Model):
    id: Slug
    text: Text
    indicator: Slug
    threshold: Percent
    by_week: Whole
    source: Citation | None = None


class Event(Model):
    week: Whole
    target: Slug
    set: Amount | None = None
    add: Amount | None = None
    label: Text
    source: Citation | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Event:
        if (self.set is None) == (self.add is None):
            raise ValueError("an event needs exactly one of 'set' or 'add'")
        return self


class Preset(Model):
    id: Slug
    label: Text
    description: Text | None = None
    values: dict[Slug, Amount] = Field(default_factory=dict)


class Scenario(Model):
    schema_version: Annotated[Literal[1], BeforeValidator(_not_a_boolean)] = Field(alias="schema")
    id: Slug
    title: Text
    summary: Text
    source: SourceInfo
    horizon_weeks: Annotated[int, Field(ge=1, le=520, strict=True)]
    uncertainty: Literal["triangular", "uniform"] = "triangular"
    drivers: Annotated[tuple[Driver, ...], Field(min_length=1, max_length=200)]
    indicators: Annotated[tuple[Indicator, ...], Field(min_length=1, max_length=200)]
    impacts: Annotated[tuple[Impact, ...], Field(max_length=5000)] = ()
    questions: tuple[Question, ...] = ()
    events: tuple[Event, ...] = ()
    presets: tuple[Preset, ...] = ()

    @model_validator(mode="after")
    def _cross_references(self, info: ValidationInfo) -> Scenario:
        # The loader defers these checks so that it can give every problem its own line;
        # built any other way, an inconsistent scenario is refused here.
        if info.context and info.context.get("defer_checks"):
            return self
        problems = check_scenario(self)
        if problems:
            raise ValueError("; ".join(f"{field_name(loc)}: {msg}" for loc, msg in problems))
        return self

    # Derived once per object and kept in its __dict__, which model_copy would carry over to a changed copy.
    _DERIVED = ("digest", "_by_id")

    def model_copy(self, *, update: Mapping[str, object] | None = None, deep: bool = False) -> Scenario:
        copied = super().model_copy(update=update, deep=deep)
        for name in self._DERIVED:
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the canonical scenario: key order and YAML formatting do not matter, content does."""
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Driver | Indicator | Preset]]:
        return {
            "driver": {d.id: d for d in self.drivers},
            "indicator": {i.id: i for i in self.indicators},
            "preset": {p.id: p for p in self.presets},
        }

    def driver(self, driver_id: str) -> Driver:
        return self._by_id["driver"][driver_id]

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_id["indicator"][indicator_id]

    def preset(self, preset_id: str) -> Preset:
        return self._by_id["preset"][preset_id]

    def defaults(self) -> dict[str, float]:
        return {d.id: d.default for d in self.drivers}

    def preset_values(self, preset_id: str) -> dict[str, float]:
        """Every driver's value under a preset: the defaults, then the preset's own values."""
        return self.defaults() | dict(self.preset(preset_id).values)

    def baseline_preset(self) -> str | None:
        """The preset every comparison is made against: 'baseline' if there is one, else the first preset."""
        ids = [p.id for p in self.presets]
        return BASELINE if BASELINE in ids else next(iter(ids), None)

    def matching_preset(self, values: Mapping[str, float]) -> str | None:
        """The preset whose values are exactly `values` (the baseline first, if several are), or None."""
        wanted = self.defaults() | dict(values)
        matching = [p.id for p in self.presets if self.preset_values(p.id) == wanted]
        return BASELINE if BASELINE in matching else next(iter(matching), None)


def field_name(loc: Loc) -> str:
    """('drivers', 3, 'min') -> 'drivers[3].min'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # A quoted YAML key may hold line breaks or escape codes: print those as a repr so each
            # problem stays one line and nothing reaches the terminal as a control sequence.
            name = part if part.isprintable() else repr(part)
            out += f".{name}" if out else name
    return out or "(document)"


def _duplicates(items: tuple, field: str, where: str) -> list[tuple[Loc, str]]:
    seen: dict[str, int] = {}
    problems = []
    for n, item in enumerate(items):
        key = getattr(item, field)
        if key in seen:
            problems.append(((where, n, field), f"duplicate id '{key}' (first at {where}[{seen[key]}])"))
        else:
            seen[key] = n
    return problems


def _duplicate_labels(groups: list[tuple[str, tuple]]) -> list[tuple[Loc, str]]:
    # Drivers and indicators share one namespace on the page (the causal map, the tornado, the diff), and
    # a reader tells two presets apart only by their labels: a label seen twice in one language is ambiguous.
    problems = []
    for lang in ("en", "de"):
        seen: dict[str, str] = {}
        for where, items in groups:
            for n, item in enumerate(items):
                label = item.label.get(lang).casefold()
                if label in seen:
                    problems.append(((where, n, "label", lang), f"label is the same as that of {seen[label]}"))
                else:
                    seen[label] = f"{where}[{n}]"
    return problems


def _in_range(value: float, low: float, high: float) -> bool:
    return low <= value <= high and not math.isnan(value)


def check_scenario(s: Scenario) -> list[tuple[Loc, str]]:
    """Every cross-field problem of a scenario, each with the loc of the field to blame."""
    problems: list[tuple[Loc, str]] = []
    problems += _duplicates(s.drivers, "id", "drivers")
    problems += _duplicates(s.indicators, "id", "indicators")
    problems += _duplicates(s.questions, "id", "questions")
    problems += _duplicates(s.presets, "id", "presets")

    problems += _duplicate_labels([("drivers", s.drivers), ("indicators", s.indicators)])
    problems += _duplicate_labels([("presets", s.presets)])

    drivers = {d.id: d for d in s.drivers}
    indicators = {i.id: i for i in s.indicators}
    for name in set(drivers) & set(indicators):
        n = next(k for k, i in enumerate(s.indicators) if i.id == name)
        problems.append((("indicators", n, "id"), f"id '{name}' is already a driver id"))

    for n, d in enumerate(s.drivers):
        if d.min >= d.max:
            problems.append((("drivers", n, "min"), f"min {d.min:g} must be below max {d.max:g}"))
        elif not _in_range(d.default, d.min, d.max):
            problems.append((("drivers", n, "default"), f"default {d.default:g} is outside [{d.min:g}, {d.max:g}]"))
        if d.min < d.max and d.step > d.max - d.min:
            problems.append((("drivers", n, "step"), f"step {d.step:g} is larger than the range {d.max - d.min:g}"))

    pairs: dict[tuple[str, str], int] = {}
    for n, imp in enumerate(s.impacts):
        if imp.source_id not in drivers and imp.source_id not in indicators:
            problems.append((("impacts", n, "from"), f"unknown driver or indicator '{imp.source_id}'"))
        if imp.target not in indicators:
            hint = " (drivers are exogenous and cannot be impacted)" if imp.target in drivers else ""
            problems.append((("impacts", n, "to"), f"unknown indicator '{imp.target}'{hint}"))
        low, high = imp.range
        if low > high:
            problems.append((("impacts", n, "range"), f"range [{low:g}, {high:g}] is reversed"))
        elif not _in_range(imp.weight, low, high):
            problems.append(
                (("impacts", n, "weight"), f"weight {imp.weight:g} is outside its range [{low:g}, {high:g}]")
            )
        key = (imp.source_id, imp.target)
        if key in pairs:
            problems.append(
                (("impacts", n, "to"), f"duplicate impact {key[0]} -> {key[1]} (first at impacts[{pairs[key]}])")
            )
        else:
            pairs[key] = n

    for n, q in enumerate(s.questions):
        if q.indicator not in indicators:
            problems.append((("questions", n, "indicator"), f"unknown indicator '{q.indicator}'"))
        if q.by_week > s.horizon_weeks:
            problems.append((("questions", n, "by_week"), f"week {q.by_week} is after the horizon ({s.horizon_weeks})"))

    for n, e in enumerate(s.events):
        if e.target in drivers:
            d = drivers[e.target]
            if e.set is not None and not _in_range(e.set, d.min, d.max):
                problems.append(
                    (("events", n, "set"), f"value {e.set:g} is outside [{d.min:g}, {d.max:g}] of '{d.id}'")
                )
        elif e.target in indicators:
            if e.set is not None and not _in_range(e.set, 0, 100):
                problems.append((("events", n, "set"), f"value {e.set:g} is outside [0, 100]"))
        else:
            problems.append((("events", n, "target"), f"unknown driver or indicator '{e.target}'"))
        if e.week > s.horizon_weeks:
            problems.append((("events", n, "week"), f"week {e.week} is after the horizon ({s.horizon_weeks})"))

    for n, p in enumerate(s.presets):
        for key, value in p.values.items():
            if key not in drivers:
                problems.append((("presets", n, "values", key), f"unknown driver '{key}'"))
            elif not _in_range(value, drivers[key].min, drivers[key].max):
                d = drivers[key]
                problems.append((("presets", n, "values", key), f"value {value:g} is outside [{d.min:g}, {d.max:g}]"))
    return problems
