"""Frozen pydantic models of scenario YAML schemas 1 and 2 and the cross-reference checks on them."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    Tag,
    ValidationInfo,
    model_serializer,
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
QuoteText = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True), Storable]
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
        raise ValueError("Input should be 1 or 2, not a boolean")
    return value


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    # Fields schema 2 added, with the value they hold when a file leaves them out. They are left out of
    # every dump at that value, so that a schema-1 scenario dumps, and hashes to a digest, exactly as it did
    # before schema 2 existed: saved scenarios and shared links keep their names.
    _ADDED: ClassVar[dict[str, object]] = {}

    @model_serializer(mode="wrap")
    def _without_added_defaults(self, handler: SerializerFunctionWrapHandler) -> dict:
        data = handler(self)
        for name, default in self._ADDED.items():
            if getattr(self, name) == default:
                alias = type(self).model_fields[name].alias
                data.pop(name, None)
                if alias:
                    data.pop(alias, None)
        return data


class Text(Model):
    """A human-facing text in every language the dashboard offers."""

    en: LongText
    de: LongText

    def get(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


class Translation(Model):
    """A quote in the reader's language, for readers of the other one: at least one language."""

    en: LongText | None = None
    de: LongText | None = None

    @model_validator(mode="after")
    def _some_language(self) -> Translation:
        if self.en is None and self.de is None:
            raise ValueError("a translation needs 'en' or 'de'")
        return self


class Source(Model):
    """Why a number or a link is there: a verbatim quote of the article that says it, or a judgement.

    A quote (`quote` and its `section`, with an optional `translation`) is the article's own words; a
    `judgement` is the analyst's reasoning, in both languages, for what the article never states (the size
    of a weight, a starting level). Schema 1 knows quotes only.
    """

    quote: QuoteText | None = None
    section: ShortText | None = None
    translation: Translation | None = None
    judgement: Text | None = None

    _ADDED: ClassVar[dict[str, object]] = {"translation": None, "judgement": None}

    @model_validator(mode="after")
    def _one_form(self) -> Source:
        if self.judgement is not None:
            if self.quote is not None or self.section is not None or self.translation is not None:
                raise ValueError("a source is either a quote (quote, section) or a judgement, not both")
        elif self.quote is None:
            raise ValueError("a source needs either 'quote' and 'section' or 'judgement'")
        elif self.section is None:
            raise ValueError("a quote needs its 'section'")
        return self

    @property
    def is_judgement(self) -> bool:
        return self.judgement is not None


# The drafter and older code speak of citations: a citation is a source.
Citation = Source


class Level(Model):
    """One anchor of an indicator's scale: a value and what one would observe at it."""

    level: Percent
    text: Text


class SourceInfo(Model):
    title: ShortText
    language: Literal["de", "en"]
    cited_outlets: tuple[ShortText, ...] = ()
    url: ShortText | None = None
    published: ShortText | None = None


def _unit_kind(value: object) -> str:
    return UNIT_IN_BOTH if isinstance(value, (dict, Text)) else UNIT_IN_ONE


# A tagged union, so that a wrong unit gets the one error of the form it was written in; pydantic puts the
# tag into the error's location, and the loader takes it out again (UNION_TAGS) before naming the field.
UNIT_IN_ONE, UNIT_IN_BOTH = "unit-in-one-language", "unit-in-both-languages"
UNION_TAGS = frozenset({UNIT_IN_ONE, UNIT_IN_BOTH})
Unit = Annotated[
    Annotated[ShortText, Tag(UNIT_IN_ONE)] | Annotated[Text, Tag(UNIT_IN_BOTH)],
    Discriminator(_unit_kind),
]


class Driver(Model):
    id: Slug
    label: Text
    group: Literal["facts", "pros", "cons", "challenges", "questions"]
    # Schema 1: a text in any language; schema 2: a text in both languages.
    unit: Unit
    min: Amount
    max: Amount
    step: Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]
    default: Amount
    description: Text | None = None
    lever: Annotated[bool, Field(strict=True)] = False
    source: Source

    _ADDED: ClassVar[dict[str, object]] = {"lever": False}

    def unit_in(self, lang: str) -> str:
        return self.unit.get(lang) if isinstance(self.unit, Text) else self.unit

    def to_unit(self, value: float) -> float:
        """Slider value to the unit interval, before the KSIM epsilon clip."""
        return (value - self.min) / (self.max - self.min)


class Indicator(Model):
    id: Slug
    label: Text
    group: Slug = "general"
    initial: Percent
    initial_source: Source | None = None
    scale: tuple[Level, ...] = ()
    description: Text | None = None
    source: Source

    _ADDED: ClassVar[dict[str, object]] = {"initial_source": None, "scale": ()}

    def level_of(self, value: float) -> Level | None:
        """The highest level of the scale that `value` reaches, or None below the first (or without a scale)."""
        reached = None
        for level in self.scale:
            if value >= level.level:
                reached = level
        return reached

    def level_at(self, threshold: float) -> Level | None:
        """The level whose value is exactly `threshold`, if there is one."""
        return next((level for level in self.scale if level.level == threshold), None)


class Impact(Model):
    source_id: Slug = Field(alias="from")
    target: Slug = Field(alias="to")
    weight: Weight
    range: tuple[Weight, Weight]
    note: ShortText | None = None
    source: Source

    @property
    def is_self(self) -> bool:
        return self.source_id == self.target


class Question(Model):
    id: Slug
    text: Text
    indicator: Slug
    threshold: Percent
    by_week: Whole
    # above: reaches the threshold at some week up to by_week; below: falls to or below it.
    direction: Literal["above", "below"] = "above"
    source: Source | None = None

    _ADDED: ClassVar[dict[str, object]] = {"direction": "above"}


class Event(Model):
    """A change at a week: `set` or `add` a value, or (schema 2, drivers only) a ramp `from` a level `over` weeks."""

    week: Whole
    target: Slug
    set: Amount | None = None
    add: Amount | None = None
    start: Amount | None = Field(default=None, alias="from")
    over: Annotated[int, Field(ge=1, strict=True)] | None = None
    label: Text
    source: Source | None = None

    _ADDED: ClassVar[dict[str, object]] = {"start": None, "over": None}

    @model_validator(mode="after")
    def _one_action(self) -> Event:
        actions = [name for name in ("set", "add", "start") if getattr(self, name) is not None]
        if len(actions) != 1:
            raise ValueError("an event needs exactly one of 'set', 'add' or 'from' (a ramp)")
        if (self.start is None) != (self.over is None):
            raise ValueError("a ramp needs both 'from' and 'over'")
        return self

    @property
    def is_ramp(self) -> bool:
        return self.start is not None

    def ramp_value(self, level: float, week: int) -> float:
        """A ramp's driver value at `week` when the slider says `level`: from, then equal steps, then level."""
        assert self.start is not None and self.over is not None
        steps = min(max(week - self.week, 0), self.over)
        if steps == self.over:
            return level
        return self.start + (level - self.start) * steps / self.over


CHECK_CONDITIONS = ("below", "above", "below_reference", "above_reference")


class Check(Model):
    """A reality check on the point run: an expectation a domain expert would test first.

    `below` / `above` compare the indicator with a number (strictly). `below_reference` /
    `above_reference` compare it with the reference run, the same setting without `set` (or, with
    `reference`, another preset): the indicator must lie at least that many points below / above it
    (0: "never higher" / "never lower").
    """

    id: Slug
    text: Text
    preset: Slug | None = None
    set: dict[Slug, Amount] = Field(default_factory=dict)
    reference: Slug | None = None
    indicator: Slug
    week: Annotated[int, Field(ge=0, strict=True)] | Literal["all"]
    below: Percent | None = None
    above: Percent | None = None
    below_reference: Percent | None = None
    above_reference: Percent | None = None
    source: Source | None = None

    @property
    def conditions(self) -> list[str]:
        return [name for name in CHECK_CONDITIONS if getattr(self, name) is not None]

    @property
    def condition(self) -> str:
        """The one condition of a valid check."""
        return self.conditions[0]

    @property
    def bound(self) -> float:
        return getattr(self, self.condition)

    @property
    def compares_runs(self) -> bool:
        return self.condition.endswith("_reference")


class Preset(Model):
    id: Slug
    label: Text
    description: Text | None = None
    values: dict[Slug, Amount] = Field(default_factory=dict)


class Scenario(Model):
    schema_version: Annotated[Literal[1, 2], BeforeValidator(_not_a_boolean)] = Field(alias="schema")
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
    checks: Annotated[tuple[Check, ...], Field(max_length=200)] = ()

    _ADDED: ClassVar[dict[str, object]] = {"checks": ()}

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
        elif s.schema_version >= 2 and not _scale_problems(indicators[q.indicator], ()):
            # Only against a sound scale: a broken one is reported once, at the scale.
            scale = indicators[q.indicator].scale
            if indicators[q.indicator].level_at(q.threshold) is None:
                levels = ", ".join(f"{level.level:g}" for level in scale)
                problems.append(
                    (
                        ("questions", n, "threshold"),
                        f"threshold {q.threshold:g} is not a level of '{q.indicator}' ({levels})",
                    )
                )
        if q.by_week > s.horizon_weeks:
            problems.append((("questions", n, "by_week"), f"week {q.by_week} is after the horizon ({s.horizon_weeks})"))

    ramped: dict[str, int] = {}
    for n, e in enumerate(s.events):
        if e.target in drivers:
            d = drivers[e.target]
            if e.set is not None and not _in_range(e.set, d.min, d.max):
                problems.append(
                    (("events", n, "set"), f"value {e.set:g} is outside [{d.min:g}, {d.max:g}] of '{d.id}'")
                )
            if e.start is not None and not _in_range(e.start, d.min, d.max):
                problems.append(
                    (("events", n, "from"), f"value {e.start:g} is outside [{d.min:g}, {d.max:g}] of '{d.id}'")
                )
        elif e.target in indicators:
            if e.set is not None and not _in_range(e.set, 0, 100):
                problems.append((("events", n, "set"), f"value {e.set:g} is outside [0, 100]"))
            if e.is_ramp:
                problems.append(
                    (("events", n, "from"), f"a ramp moves a driver; '{e.target}' is an indicator (use set or add)")
                )
        else:
            problems.append((("events", n, "target"), f"unknown driver or indicator '{e.target}'"))
        if e.week > s.horizon_weeks:
            problems.append((("events", n, "week"), f"week {e.week} is after the horizon ({s.horizon_weeks})"))
        elif e.over is not None and e.week + e.over > s.horizon_weeks:
            problems.append(
                (
                    ("events", n, "over"),
                    f"the ramp ends at week {e.week + e.over}, after the horizon ({s.horizon_weeks})",
                )
            )
        if e.is_ramp and e.target in drivers:
            ramped.setdefault(e.target, n)
    for n, e in enumerate(s.events):
        first = ramped.get(e.target)
        if first is not None and first != n:
            other = "ramp" if e.is_ramp else "event"
            problems.append(
                (
                    ("events", n, "target"),
                    f"'{e.target}' has a ramp (events[{first}]); a ramped driver takes no other {other}",
                )
            )

    for n, p in enumerate(s.presets):
        for key, value in p.values.items():
            if key not in drivers:
                problems.append((("presets", n, "values", key), f"unknown driver '{key}'"))
            elif not _in_range(value, drivers[key].min, drivers[key].max):
                d = drivers[key]
                problems.append((("presets", n, "values", key), f"value {value:g} is outside [{d.min:g}, {d.max:g}]"))

    problems += _check_problems(s, drivers, indicators)
    problems += _version_problems(s)
    return problems


def _check_problems(s: Scenario, drivers: Mapping[str, Driver], indicators: Mapping[str, Indicator]) -> list:
    problems: list[tuple[Loc, str]] = _duplicates(s.checks, "id", "checks")
    presets = {p.id for p in s.presets}
    for n, c in enumerate(s.checks):
        here = ("checks", n)
        conditions = c.conditions
        if len(conditions) != 1:
            found = ", ".join(conditions) if conditions else "none"
            problems.append((here, f"a check needs exactly one of {', '.join(CHECK_CONDITIONS)} (found: {found})"))
        if c.indicator not in indicators:
            problems.append(((*here, "indicator"), f"unknown indicator '{c.indicator}'"))
        for field, preset in (("preset", c.preset), ("reference", c.reference)):
            if preset is not None and preset not in presets:
                known = ", ".join(sorted(presets)) or "none"
                problems.append(((*here, field), f"unknown preset '{preset}' (known: {known})"))
        for key, value in c.set.items():
            if key not in drivers:
                problems.append(((*here, "set", key), f"unknown driver '{key}'"))
            elif not _in_range(value, drivers[key].min, drivers[key].max):
                d = drivers[key]
                problems.append(((*here, "set", key), f"value {value:g} is outside [{d.min:g}, {d.max:g}]"))
        if c.week != "all" and c.week > s.horizon_weeks:
            problems.append(((*here, "week"), f"week {c.week} is after the horizon ({s.horizon_weeks})"))
        if len(conditions) == 1 and c.compares_runs and not c.set and c.reference is None:
            problems.append(
                (
                    (*here, c.condition),
                    "a comparison with the reference run needs 'set' or 'reference', or it compares a run with itself",
                )
            )
        if c.reference is not None and len(conditions) == 1 and not c.compares_runs:
            problems.append(
                ((*here, "reference"), f"'reference' needs below_reference or above_reference, not {c.condition}")
            )
    return problems


# Schema-2 fields a schema-1 file must not hold, each with how to find it.
def _schema2_fields(s: Scenario) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []

    def sources(loc: Loc, source: Source | None) -> None:
        if source is not None and source.is_judgement:
            found.append(((*loc, "judgement"), "judgement"))
        if source is not None and source.translation is not None:
            found.append(((*loc, "translation"), "translation"))

    for n, d in enumerate(s.drivers):
        if isinstance(d.unit, Text):
            found.append((("drivers", n, "unit"), "a unit in both languages"))
        if d.lever:
            found.append((("drivers", n, "lever"), "lever"))
        sources(("drivers", n, "source"), d.source)
    for n, i in enumerate(s.indicators):
        if i.scale:
            found.append((("indicators", n, "scale"), "scale"))
        if i.initial_source is not None:
            found.append((("indicators", n, "initial_source"), "initial_source"))
        sources(("indicators", n, "source"), i.source)
    for n, imp in enumerate(s.impacts):
        sources(("impacts", n, "source"), imp.source)
    for n, q in enumerate(s.questions):
        if q.direction != "above":
            found.append((("questions", n, "direction"), "direction"))
        sources(("questions", n, "source"), q.source)
    for n, e in enumerate(s.events):
        if e.is_ramp:
            found.append((("events", n, "from"), "a ramp"))
        sources(("events", n, "source"), e.source)
    if s.checks:
        found.append((("checks",), "checks"))
    return found


def _scale_problems(i: Indicator, where: Loc) -> list[tuple[Loc, str]]:
    if not i.scale:
        return [((*where, "scale"), "required field is missing (schema 2: at least three levels)")]
    problems: list[tuple[Loc, str]] = []
    if len(i.scale) < 3:
        problems.append(((*where, "scale"), f"a scale needs at least three levels, found {len(i.scale)}"))
    for k in range(1, len(i.scale)):
        if i.scale[k].level <= i.scale[k - 1].level:
            problems.append(
                (
                    (*where, "scale", k, "level"),
                    f"level {i.scale[k].level:g} is not above the one before it ({i.scale[k - 1].level:g})",
                )
            )
    return problems


def _version_problems(s: Scenario) -> list[tuple[Loc, str]]:
    if s.schema_version == 1:
        return [(loc, f"{what} needs 'schema: 2' (this file says schema 1)") for loc, what in _schema2_fields(s)]
    problems: list[tuple[Loc, str]] = []
    for n, d in enumerate(s.drivers):
        if not isinstance(d.unit, Text):
            problems.append((("drivers", n, "unit"), "schema 2 needs the unit in both languages: {en: ..., de: ...}"))
    for n, i in enumerate(s.indicators):
        where = ("indicators", n)
        problems += _scale_problems(i, where)
        if i.initial_source is None:
            problems.append(((*where, "initial_source"), "required field is missing (schema 2: why it starts there)"))
        elif not i.initial_source.is_judgement and not any(c.isdigit() for c in i.initial_source.quote or ""):
            problems.append(
                (
                    (*where, "initial_source", "quote"),
                    "a quote with no number in it cannot state a starting level: use a judgement",
                )
            )
    for n, imp in enumerate(s.impacts):
        if imp.is_self and not imp.source.is_judgement:
            problems.append(
                (
                    ("impacts", n, "source"),
                    "the article never states a self-impact's size: its source must be a judgement",
                )
            )
    return problems
