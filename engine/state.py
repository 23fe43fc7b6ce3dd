"""Encode the dashboard's view state as a short query string and decode any link back, clamping what is off."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from engine.schema import Scenario

LANGUAGES = ("en", "de")
RUNS_RANGE = (100, 10_000)
SEED_RANGE = (0, 2**31 - 1)
DEFAULT_RUNS = 1000
DEFAULT_SEED = 2024
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


def format_number(value: float) -> str:
    """Shortest text that reads back as exactly the same float ('12000', not '12000.0' or '1.2e+04')."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


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
    for d in scenario.drivers:
        value = state.values.get(d.id, d.default)
        if value != d.default:
            params[DRIVER_PREFIX + d.id] = format_number(value)
    return params


def _first(params: Mapping[str, str | Sequence[str]], key: str) -> str:
    raw = params[key]
    text = raw if isinstance(raw, str) else (raw[-1] if raw else "")
    return text[:MAX_VALUE_LENGTH]


def decode(
    params: Mapping[str, str | Sequence[str]],
    resolve: Callable[[str], Scenario | None],
    default_scenario: str,
) -> tuple[ViewState, Scenario, list[str]]:
    """Turn query parameters into a valid state, the scenario it names and notices about what was fixed.

    `resolve` maps a scenario reference (an id, or 'sha-<hash>' of a saved one) to a Scenario or None.
    Never raises on the content of `params`: anything unknown is dropped, anything out of range clamped,
    and each such repair is described in the notices.
    """
    notices: list[str] = []
    if len(params) > MAX_PARAMS:
        notices.append(f"the link has {len(params)} parameters; only the first {MAX_PARAMS} were read")
        params = dict(list(params.items())[:MAX_PARAMS])

    ref = _first(params, "scenario").strip() if "scenario" in params else default_scenario
    scenario = resolve(ref) if _REF.match(ref) else None
    if scenario is None:
        notices.append(f"unknown scenario '{ref[:80]}'; showing the default scenario instead")
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
            notices.append(f"unknown preset '{wanted[:80]}' was ignored")

    lang = None
    if "lang" in params:
        wanted = _first(params, "lang")
        if wanted in LANGUAGES:
            lang = wanted
        else:
            notices.append(f"unknown language '{wanted[:20]}' was ignored")

    runs = _whole(params, "runs", DEFAULT_RUNS, RUNS_RANGE, notices)
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
                notices.append(f"unknown preset '{item[:80]}' in compare was ignored")

    values: dict[str, float] = {}
    drivers = {d.id: d for d in scenario.drivers}
    for key in params:
        if key in ("scenario", "preset", "lang", "runs", "seed", "compare"):
            continue
        if not key.startswith(DRIVER_PREFIX) or key[len(DRIVER_PREFIX) :] not in drivers:
            notices.append(f"unknown setting '{key[:80]}' was ignored")
            continue
        d = drivers[key[len(DRIVER_PREFIX) :]]
        number = _number(_first(params, key))
        if number is None:
            notices.append(f"'{d.id}' is not a number and was ignored")
            continue
        clamped = _clamp(number, d.min, d.max)
        if clamped != number:
            notices.append(f"'{d.id}' = {number:g} is outside [{d.min:g}, {d.max:g}] and was set to {clamped:g}")
        if clamped != d.default:
            values[d.id] = clamped
    state = ViewState(ref, values, preset, lang, runs, seed, None if compare is None else tuple(compare))
    return state, scenario, list(dict.fromkeys(notices))  # a repeated mistake is one notice


def _whole(
    params: Mapping[str, str | Sequence[str]],
    key: str,
    default: int,
    bounds: tuple[int, int],
    notices: list[str],
) -> int:
    if key not in params:
        return default
    number = _number(_first(params, key))
    if number is None or not number.is_integer():
        notices.append(f"'{key}' must be a whole number; using {default}")
        return default
    clamped = int(_clamp(number, *bounds))
    if clamped != number:
        notices.append(f"'{key}' = {number:g} is outside [{bounds[0]}, {bounds[1]}] and was set to {clamped}")
    return clamped
