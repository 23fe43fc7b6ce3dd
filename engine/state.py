"""Encode the dashboard's view state as a short query string and decode any link back, clamping what is off."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from engine.budget import max_runs
from engine.limits import (
    BYLINE_FIELDS,
    BYLINE_LIMIT,
    DEFAULT_RUNS,
    DEFAULT_SEED,
    LANGUAGES,
    RUNS_RANGE,
    SEED_RANGE,
    clean_byline,
)
from engine.schema import Scenario

# The defaults and ranges live in engine.limits; importers of the link codec find them here too.
__all__ = [
    "DEFAULT_RUNS",
    "DEFAULT_SEED",
    "LANGUAGES",
    "RUNS_RANGE",
    "SEED_RANGE",
    "Repair",
    "ViewState",
    "decode",
    "encode",
]
DRIVER_PREFIX = "d."
MAX_PARAMS = 400
MAX_VALUE_LENGTH = 200
_REF = re.compile(r"^(?:[a-z][a-z0-9_-]{0,63}|sha-[0-9a-f]{16,64})$")


@dataclass(frozen=True)
class ViewState:
    """What a link pins down: enough to redraw the same figures in a fresh browser."""

    scenario: str
    values: Mapping[str, float] = field(default_factory=dict)  # only drivers off their default
    preset: str | None = None
    lang: str | None = None  # None: the reader's browser decides
    runs: int = DEFAULT_RUNS
    seed: int = DEFAULT_SEED
    compare: tuple[str, ...] | None = None  # None: the page's default comparison
    # The brief's byline, as the reader typed it (engine.limits.clean_byline): empty when not given.
    author: str = ""
    unit: str = ""
    marking: str = ""


# The repairs decode() can report, by code, with the names of their parameters. The words, in every
# language, are the page's (present/i18n.py, keys "repair_<code>").
REPAIR_CODES = {
    "too_many": ("count", "limit"),
    "unknown_scenario": ("ref",),
    "unknown_preset": ("preset",),
    "unknown_language": ("language",),
    "unknown_compare": ("preset",),
    "unknown_setting": ("name",),
    "not_a_number": ("name",),
    "not_whole": ("name", "default"),
    "out_of_range": ("name", "value", "low", "high", "clamped"),
    "runs_over_budget": ("runs", "allowed"),
    "byline_cut": ("name", "limit"),
}


@dataclass(frozen=True)
class Repair:
    """One thing decode() had to fix in a link: what (`code`) and its details (`params`, all strings)."""

    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if set(self.params) != set(REPAIR_CODES[self.code]):
            raise ValueError(f"repair '{self.code}' takes {REPAIR_CODES[self.code]}, got {tuple(self.params)}")

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))


def _repair(code: str, **params: str) -> Repair:
    return Repair(code, params)


def allowed_runs(scenario: Scenario) -> int:
    """The most runs the page offers for `scenario`: the runs range, cut to what its work budget allows."""
    return max(RUNS_RANGE[0], max_runs(scenario, cap=RUNS_RANGE[1]))


def format_number(value: float) -> str:
    """Shortest text that reads back as exactly the same float ('12000', not '12000.0' or '1.2e+04')."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def plain_number(value: float) -> int | float:
    """A number as a file or a spreadsheet should hold it: whole ones as int (12000, not 12000.0)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def encode(state: ViewState, scenario: Scenario) -> dict[str, str]:
    """Query parameters for `state`; defaults are left out so links stay short."""
    params = {"scenario": state.scenario}
    if state.preset:
        params["preset"] = state.preset
    if state.lang:
        params["lang"] = state.lang
    if state.runs != DEFAULT_RUNS:
        params["runs"] = str(state.runs)
    if state.seed != DEFAULT_SEED:
        params["seed"] = str(state.seed)
    if state.compare is not None:
        params["compare"] = ",".join(state.compare)
    for name in BYLINE_FIELDS:
        if getattr(state, name):
            params[name] = getattr(state, name)
    for d in scenario.drivers:
        value = state.values.get(d.id, d.default)
        if value != d.default:
            params[DRIVER_PREFIX + d.id] = format_number(value)
    return params


def _first(params: Mapping[str, str | Sequence[str]], key: str) -> str:
    raw = params[key]
    text = raw if isinstance(raw, str) else (raw[-1] if raw else "")
    return text[:MAX_VALUE_LENGTH]


def parse_query(raw: str) -> tuple[dict[str, list[str]], int]:
    """The first MAX_PARAMS + 1 parameters of a raw query string, and how many it holds in all.

    For a link the web server dropped whole (Streamlit ignores a query of more than 1,000 fields), so
    that the page can still read what fits and say what it left out. Only a bounded prefix is read.
    """
    head = raw[: (MAX_PARAMS + 1) * (MAX_VALUE_LENGTH + 100)]
    pairs = [pair for pair in head.split("&", MAX_PARAMS + 1)[: MAX_PARAMS + 1] if pair]
    params: dict[str, list[str]] = {}
    for pair in pairs:
        for key, value in parse_qsl(pair, keep_blank_values=True):
            params.setdefault(key, []).append(value)
    return params, raw.count("&") + 1 if raw else 0


def decode(
    params: Mapping[str, str | Sequence[str]],
    resolve: Callable[[str], Scenario | None],
    default_scenario: str,
    total: int | None = None,
) -> tuple[ViewState, Scenario, list[Repair]]:
    """Turn query parameters into a valid state, the scenario it names and notices about what was fixed.

    `resolve` maps a scenario reference (an id, or 'sha-<hash>' of a saved one) to a Scenario or None.
    Never raises on the content of `params`: anything unknown is dropped, anything out of range clamped,
    and each such repair is described in the notices.
    """
    notices: list[Repair] = []
    total = max(len(params), total or 0)  # `total`: how many the whole link held, if only a part is given
    if total > MAX_PARAMS:
        notices.append(_repair("too_many", count=str(total), limit=str(MAX_PARAMS)))
        params = dict(list(params.items())[:MAX_PARAMS])

    ref = _first(params, "scenario").strip() if "scenario" in params else default_scenario
    scenario = resolve(ref) if _REF.match(ref) else None
    if scenario is None:
        notices.append(_repair("unknown_scenario", ref=ref[:80]))
        ref = default_scenario
        scenario = resolve(ref)
        if scenario is None:
            raise LookupError(f"default scenario '{default_scenario}' cannot be resolved")

    preset = None
    if "preset" in params:
        wanted = _first(params, "preset")
        if wanted in {p.id for p in scenario.presets}:
            preset = wanted
        else:
            notices.append(_repair("unknown_preset", preset=wanted[:80]))

    lang = None
    if "lang" in params:
        wanted = _first(params, "lang")
        if wanted in LANGUAGES:
            lang = wanted
        else:
            notices.append(_repair("unknown_language", language=wanted[:20]))

    runs = _whole(params, "runs", DEFAULT_RUNS, RUNS_RANGE, notices)
    allowed = allowed_runs(scenario)
    if runs > allowed:
        notices.append(_repair("runs_over_budget", runs=str(runs), allowed=str(allowed)))
        runs = allowed
    seed = _whole(params, "seed", DEFAULT_SEED, SEED_RANGE, notices)

    compare: list[str] | None = None
    if "compare" in params:
        compare = []
        known = {p.id for p in scenario.presets}
        for item in _first(params, "compare").split(","):
            item = item.strip()
            if not item:
                continue
            if item in known and item not in compare:
                compare.append(item)
            elif item not in known:
                notices.append(_repair("unknown_compare", preset=item[:80]))

    byline: dict[str, str] = {}
    for name in BYLINE_FIELDS:
        if name in params:
            raw = params[name]
            raw = raw if isinstance(raw, str) else (raw[-1] if raw else "")
            byline[name] = clean_byline(raw)
            if len(" ".join(raw.split())) > BYLINE_LIMIT:
                notices.append(_repair("byline_cut", name=name, limit=str(BYLINE_LIMIT)))

    values: dict[str, float] = {}
    drivers = {d.id: d for d in scenario.drivers}
    for key in params:
        if key in ("scenario", "preset", "lang", "runs", "seed", "compare", *BYLINE_FIELDS):
            continue
        if not key.startswith(DRIVER_PREFIX) or key[len(DRIVER_PREFIX) :] not in drivers:
            notices.append(_repair("unknown_setting", name=key[:80]))
            continue
        d = drivers[key[len(DRIVER_PREFIX) :]]
        number = _number(_first(params, key))
        if number is None:
            notices.append(_repair("not_a_number", name=d.id))
            continue
        clamped = _clamp(number, d.min, d.max)
        if clamped != number:
            notices.append(
                _repair(
                    "out_of_range",
                    name=d.id,
                    value=f"{number:g}",
                    low=f"{d.min:g}",
                    high=f"{d.max:g}",
                    clamped=f"{clamped:g}",
                )
            )
        if clamped != d.default:
            values[d.id] = clamped
    state = ViewState(ref, values, preset, lang, runs, seed, None if compare is None else tuple(compare), **byline)
    return state, scenario, list(dict.fromkeys(notices))  # a repeated mistake is one notice


def _whole(
    params: Mapping[str, str | Sequence[str]],
    key: str,
    default: int,
    bounds: tuple[int, int],
    notices: list[Repair],
) -> int:
    if key not in params:
        return default
    number = _number(_first(params, key))
    if number is None or not number.is_integer():
        notices.append(_repair("not_whole", name=key, default=str(default)))
        return default
    clamped = int(_clamp(number, *bounds))
    if clamped != number:
        notices.append(
            _repair(
                "out_of_range",
                name=key,
                value=f"{number:g}",
                low=str(bounds[0]),
                high=str(bounds[1]),
                clamped=str(clamped),
            )
        )
    return clamped
