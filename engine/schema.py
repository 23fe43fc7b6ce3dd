"""Frozen pydantic models of scenario YAML schemas 1 and 2 and the cross-reference checks on them."""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import types
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from functools import cache, cached_property
from typing import Annotated, ClassVar, Literal, Union, get_args, get_origin

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
    TypeAdapter,
    ValidationError,
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


# --- the cross-field checks ---------------------------------------------------------------------------------
#
# check_scenario runs on a validated Scenario, and, through check_data, on a file that does not validate: a
# student who forgets one label.de must hear about the unknown ids and the thresholds off the scale in the same
# pass, not one fix later. There the scenario is a _Partial: every field that validated is there, validated;
# reading any other raises Unknown. Each check reads what it needs inside `with _skip:`, so a check that needs a
# broken field is skipped (pydantic reports that field), and every check that does not need it still runs.


class Unknown(Exception):
    """Raised on reading a field that did not validate: the check that needs it cannot be made."""


# contextlib.suppress keeps no state, so this one instance serves every block, nested ones too.
_skip = suppress(Unknown)
# The loader's context: the Scenario validator would otherwise run these very checks and refuse the file whole.
_DEFERRED = {"defer_checks": True}


class _Partial:
    """A model whose data did not validate as a whole: its fields that did, and the model's properties and methods."""

    def __init__(self, model: type[Model], values: Mapping[str, object]):
        self.__dict__.update(values)
        self.__dict__["_model"] = model

    def __getattr__(self, name: str):
        # Only reached for what is not a validated field: a broken field, or a property or method of the model,
        # which then runs on this object as it would on the model (they read fields only).
        model = self.__dict__["_model"]
        if name in model.model_fields:
            raise Unknown(f"{model.__name__}.{name}")
        attr = None if name.startswith("__") else inspect.getattr_static(model, name, None)
        if isinstance(attr, property):
            return attr.fget(self)
        if inspect.isfunction(attr):
            return types.MethodType(attr, self)
        raise AttributeError(name)

    def __repr__(self) -> str:
        known = {k: v for k, v in self.__dict__.items() if k != "_model"}
        return f"_Partial({self.__dict__['_model'].__name__}, {known!r})"


@cache
def _field_adapter(model: type[Model], name: str) -> TypeAdapter:
    # The field's type with its constraints (strict, bounds, patterns): the same rules as inside the model.
    info = model.model_fields[name]
    return TypeAdapter(Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)


def _model_type(annotation: object) -> type[Model] | None:
    """The model in `annotation` (a model, or a model or None), if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        models = [m for m in map(_model_type, get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    return None


def _tuple_item_type(annotation: object) -> type[Model] | None:
    """The model of `tuple[Model, ...]`, if `annotation` is one."""
    args = get_args(annotation)
    if get_origin(annotation) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _model_type(args[0])
    return None


def _partial(model: type[Model], data: object) -> Model | _Partial:
    """`data` validated as `model` as far as it goes: the model itself, or a _Partial of the fields that validate."""
    if not isinstance(data, Mapping):
        return _Partial(model, {})
    try:
        return model.model_validate(data, context=_DEFERRED)
    except ValidationError:
        pass
    values: dict[str, object] = {}
    for name, info in model.model_fields.items():
        key = info.alias if info.alias is not None and info.alias in data else name
        if key not in data:
            if not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
            continue
        with _skip:
            values[name] = _partial_value(model, name, data[key])
    return _Partial(model, values)


def _partial_value(model: type[Model], name: str, raw: object) -> object:
    try:
        return _field_adapter(model, name).validate_python(raw, context=_DEFERRED)
    except ValidationError:
        pass
    # Into nested models and tuples of them, so that one bad text leaves the rest of its item to be checked.
    annotation = model.model_fields[name].annotation
    inner = _model_type(annotation)
    if inner is not None and isinstance(raw, Mapping):
        return _partial(inner, raw)
    item = _tuple_item_type(annotation)
    if item is not None and isinstance(raw, list):
        return tuple(_partial(item, each) for each in raw)
    raise Unknown(f"{model.__name__}.{name}")


def check_data(data: Mapping) -> list[tuple[Loc, str]]:
    """check_scenario on scenario data that need not validate: every check whose fields did validate.

    A field that does not validate is pydantic's to report; a check that needs it is skipped, so nothing is
    reported twice or guessed from a broken value.
    """
    return check_scenario(_partial(Scenario, data))


def _each(s: object, section: str) -> Iterator[tuple[int, object]]:
    """The numbered items of a section; none when the section itself did not validate."""
    try:
        items = getattr(s, section)
    except Unknown:
        return
    yield from enumerate(items)


class _Ids:
    """A section's items by id (the last of equal ids, as a dict would keep), and the index of each id's first.

    Not `complete` when some id (or the section) did not validate: then an id not found may be the broken one,
    and `in` raises Unknown rather than answer that it is missing.
    """

    def __init__(self, s: object, section: str):
        self.known: dict[str, object] = {}
        self.first: dict[str, int] = {}
        self.complete = True
        try:
            items = getattr(s, section)
        except Unknown:
            self.complete = False
            return
        for n, item in enumerate(items):
            try:
                key = item.id
            except Unknown:
                self.complete = False
                continue
            self.known[key] = item
            self.first.setdefault(key, n)

    def __contains__(self, key: object) -> bool:
        if key in self.known:
            return True
        if self.complete:
            return False
        raise Unknown(str(key))

    def __getitem__(self, key: str):
        return self.known[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)


def _duplicates(s: object, where: str, field: str) -> list[tuple[Loc, str]]:
    seen: dict[str, int] = {}
    problems = []
    for n, item in _each(s, where):
        with _skip:
            key = getattr(item, field)
            if key in seen:
                problems.append(((where, n, field), f"duplicate id '{key}' (first at {where}[{seen[key]}])"))
            else:
                seen[key] = n
    return problems


def _duplicate_labels(s: object, sections: Iterable[str]) -> list[tuple[Loc, str]]:
    # Drivers and indicators share one namespace on the page (the causal map, the tornado, the diff), and
    # a reader tells two presets apart only by their labels: a label seen twice in one language is ambiguous.
    problems = []
    for lang in ("en", "de"):
        seen: dict[str, str] = {}
        for where in sections:
            for n, item in _each(s, where):
                with _skip:
                    label = item.label.get(lang).casefold()
                    if label in seen:
                        problems.append(((where, n, "label", lang), f"label is the same as that of {seen[label]}"))
                    else:
                        seen[label] = f"{where}[{n}]"
    return problems


def _in_range(value: float, low: float, high: float) -> bool:
    return low <= value <= high and not math.isnan(value)


def check_scenario(s: Scenario) -> list[tuple[Loc, str]]:
    """Every cross-field problem of a scenario, each with the loc of the field to blame.

    `s` may also be a partial scenario (see check_data): a check that needs a field that did not validate is
    skipped, every other one runs.
    """
    problems: list[tuple[Loc, str]] = []
    for section in ("drivers", "indicators", "questions", "presets"):
        problems += _duplicates(s, section, "id")

    problems += _duplicate_labels(s, ("drivers", "indicators"))
    problems += _duplicate_labels(s, ("presets",))

    drivers = _Ids(s, "drivers")
    indicators = _Ids(s, "indicators")
    # Sorted: a set's order changes with the hash seed, and the problems' order should not.
    for name in sorted(set(drivers) & set(indicators)):
        problems.append((("indicators", indicators.first[name], "id"), f"id '{name}' is already a driver id"))

    for n, d in _each(s, "drivers"):
        with _skip:
            if d.min >= d.max:
                problems.append((("drivers", n, "min"), f"min {d.min:g} must be below max {d.max:g}"))
            elif not _in_range(d.default, d.min, d.max):
                problems.append((("drivers", n, "default"), f"default {d.default:g} is outside [{d.min:g}, {d.max:g}]"))
        with _skip:
            if d.min < d.max and d.step > d.max - d.min:
                problems.append((("drivers", n, "step"), f"step {d.step:g} is larger than the range {d.max - d.min:g}"))

    pairs: dict[tuple[str, str], int] = {}
    for n, imp in _each(s, "impacts"):
        with _skip:
            if imp.source_id not in drivers and imp.source_id not in indicators:
                problems.append((("impacts", n, "from"), f"unknown driver or indicator '{imp.source_id}'"))
        with _skip:
            if imp.target not in indicators:
                hint = " (drivers are exogenous and cannot be impacted)" if imp.target in drivers.known else ""
                problems.append((("impacts", n, "to"), f"unknown indicator '{imp.target}'{hint}"))
        with _skip:
            low, high = imp.range
            if low > high:
                problems.append((("impacts", n, "range"), f"range [{low:g}, {high:g}] is reversed"))
            elif not _in_range(imp.weight, low, high):
                problems.append(
                    (("impacts", n, "weight"), f"weight {imp.weight:g} is outside its range [{low:g}, {high:g}]")
                )
        with _skip:
            key = (imp.source_id, imp.target)
            if key in pairs:
                problems.append(
                    (("impacts", n, "to"), f"duplicate impact {key[0]} -> {key[1]} (first at impacts[{pairs[key]}])")
                )
            else:
                pairs[key] = n

    for n, q in _each(s, "questions"):
        with _skip:
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
        with _skip:
            if q.by_week > s.horizon_weeks:
                problems.append(
                    (("questions", n, "by_week"), f"week {q.by_week} is after the horizon ({s.horizon_weeks})")
                )

    ramped: dict[str, int] = {}
    for n, e in _each(s, "events"):
        with _skip:
            if e.target in drivers.known:
                d = drivers[e.target]
                with _skip:
                    if e.set is not None and not _in_range(e.set, d.min, d.max):
                        problems.append(
                            (("events", n, "set"), f"value {e.set:g} is outside [{d.min:g}, {d.max:g}] of '{d.id}'")
                        )
                with _skip:
                    if e.start is not None and not _in_range(e.start, d.min, d.max):
                        problems.append(
                            (
                                ("events", n, "from"),
                                f"value {e.start:g} is outside [{d.min:g}, {d.max:g}] of '{d.id}'",
                            )
                        )
            elif e.target in indicators.known:
                with _skip:
                    if e.set is not None and not _in_range(e.set, 0, 100):
                        problems.append((("events", n, "set"), f"value {e.set:g} is outside [0, 100]"))
                with _skip:
                    if e.is_ramp:
                        problems.append(
                            (
                                ("events", n, "from"),
                                f"a ramp moves a driver; '{e.target}' is an indicator (use set or add)",
                            )
                        )
            elif drivers.complete and indicators.complete:
                problems.append((("events", n, "target"), f"unknown driver or indicator '{e.target}'"))
        with _skip:
            if e.week > s.horizon_weeks:
                problems.append((("events", n, "week"), f"week {e.week} is after the horizon ({s.horizon_weeks})"))
            elif e.over is not None and e.week + e.over > s.horizon_weeks:
                problems.append(
                    (
                        ("events", n, "over"),
                        f"the ramp ends at week {e.week + e.over}, after the horizon ({s.horizon_weeks})",
                    )
                )
        with _skip:
            if e.is_ramp and e.target in drivers.known:
                ramped.setdefault(e.target, n)
    for n, e in _each(s, "events"):
        with _skip:
            first = ramped.get(e.target)
            if first is not None and first != n:
                other = "ramp" if e.is_ramp else "event"
                problems.append(
                    (
                        ("events", n, "target"),
                        f"'{e.target}' has a ramp (events[{first}]); a ramped driver takes no other {other}",
                    )
                )

    for n, p in _each(s, "presets"):
        with _skip:
            for key, value in p.values.items():
                with _skip:
                    if key not in drivers:
                        problems.append((("presets", n, "values", key), f"unknown driver '{key}'"))
                    elif not _in_range(value, drivers[key].min, drivers[key].max):
                        d = drivers[key]
                        problems.append(
                            (("presets", n, "values", key), f"value {value:g} is outside [{d.min:g}, {d.max:g}]")
                        )

    problems += _check_problems(s, drivers, indicators)
    problems += _version_problems(s)
    return problems


def _check_problems(s: Scenario, drivers: _Ids, indicators: _Ids) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = _duplicates(s, "checks", "id")
    presets = _Ids(s, "presets")
    for n, c in _each(s, "checks"):
        here = ("checks", n)
        with _skip:
            conditions = c.conditions
            if len(conditions) != 1:
                found = ", ".join(conditions) if conditions else "none"
                problems.append((here, f"a check needs exactly one of {', '.join(CHECK_CONDITIONS)} (found: {found})"))
        with _skip:
            if c.indicator not in indicators:
                problems.append(((*here, "indicator"), f"unknown indicator '{c.indicator}'"))
        for field in ("preset", "reference"):
            with _skip:
                preset = getattr(c, field)
                if preset is not None and preset not in presets:
                    known = ", ".join(sorted(presets)) or "none"
                    problems.append(((*here, field), f"unknown preset '{preset}' (known: {known})"))
        with _skip:
            for key, value in c.set.items():
                with _skip:
                    if key not in drivers:
                        problems.append(((*here, "set", key), f"unknown driver '{key}'"))
                    elif not _in_range(value, drivers[key].min, drivers[key].max):
                        d = drivers[key]
                        problems.append(((*here, "set", key), f"value {value:g} is outside [{d.min:g}, {d.max:g}]"))
        with _skip:
            if c.week != "all" and c.week > s.horizon_weeks:
                problems.append(((*here, "week"), f"week {c.week} is after the horizon ({s.horizon_weeks})"))
        with _skip:
            if len(c.conditions) == 1 and c.compares_runs and not c.set and c.reference is None:
                problems.append(
                    (
                        (*here, c.condition),
                        "a comparison with the reference run needs 'set' or 'reference', "
                        "or it compares a run with itself",
                    )
                )
        with _skip:
            if c.reference is not None and len(c.conditions) == 1 and not c.compares_runs:
                problems.append(
                    ((*here, "reference"), f"'reference' needs below_reference or above_reference, not {c.condition}")
                )
    return problems


# Schema-2 fields a schema-1 file must not hold, each with how to find it.
def _schema2_fields(s: Scenario) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []

    def sources(loc: Loc, item: object) -> None:
        with _skip:
            source = item.source
            with _skip:
                if source is not None and source.is_judgement:
                    found.append(((*loc, "judgement"), "judgement"))
            with _skip:
                if source is not None and source.translation is not None:
                    found.append(((*loc, "translation"), "translation"))

    for n, d in _each(s, "drivers"):
        with _skip:
            if isinstance(d.unit, Text):
                found.append((("drivers", n, "unit"), "a unit in both languages"))
        with _skip:
            if d.lever:
                found.append((("drivers", n, "lever"), "lever"))
        sources(("drivers", n, "source"), d)
    for n, i in _each(s, "indicators"):
        with _skip:
            if i.scale:
                found.append((("indicators", n, "scale"), "scale"))
        with _skip:
            if i.initial_source is not None:
                found.append((("indicators", n, "initial_source"), "initial_source"))
        sources(("indicators", n, "source"), i)
    for n, imp in _each(s, "impacts"):
        sources(("impacts", n, "source"), imp)
    for n, q in _each(s, "questions"):
        with _skip:
            if q.direction != "above":
                found.append((("questions", n, "direction"), "direction"))
        sources(("questions", n, "source"), q)
    for n, e in _each(s, "events"):
        with _skip:
            if e.is_ramp:
                found.append((("events", n, "from"), "a ramp"))
        sources(("events", n, "source"), e)
    with _skip:
        if s.checks:
            found.append((("checks",), "checks"))
    return found


def _scale_problems(i: Indicator, where: Loc) -> list[tuple[Loc, str]]:
    # No guard inside: a level that did not validate makes the whole scale unknown (Unknown propagates), so that
    # no threshold is judged against a scale that is only partly known.
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
    try:
        version = s.schema_version
    except Unknown:
        return []  # neither schema's rules can be told to apply
    if version == 1:
        return [(loc, f"{what} needs 'schema: 2' (this file says schema 1)") for loc, what in _schema2_fields(s)]
    problems: list[tuple[Loc, str]] = []
    for n, d in _each(s, "drivers"):
        with _skip:
            if not isinstance(d.unit, Text):
                problems.append(
                    (("drivers", n, "unit"), "schema 2 needs the unit in both languages: {en: ..., de: ...}")
                )
    for n, i in _each(s, "indicators"):
        where = ("indicators", n)
        with _skip:
            problems += _scale_problems(i, where)
        with _skip:
            if i.initial_source is None:
                problems.append(
                    ((*where, "initial_source"), "required field is missing (schema 2: why it starts there)")
                )
            elif not i.initial_source.is_judgement and not any(c.isdigit() for c in i.initial_source.quote or ""):
                problems.append(
                    (
                        (*where, "initial_source", "quote"),
                        "a quote with no number in it cannot state a starting level: use a judgement",
                    )
                )
    for n, imp in _each(s, "impacts"):
        with _skip:
            if imp.is_self and not imp.source.is_judgement:
                problems.append(
                    (
                        ("impacts", n, "source"),
                        "the article never states a self-impact's size: its source must be a judgement",
                    )
                )
    return problems
