"""Write a Scenario back to YAML of its own schema, optionally with the current slider settings as its defaults."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import yaml

from engine.loader import parse_scenario
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
    return _comment(header, "\n") + body


def yaml_with_defaults(source_text: str, values: Mapping[str, float], header: str = "") -> str:
    """The scenario's own YAML text with `values` as its drivers' defaults, and nothing else changed.

    Every comment, blank line, key order, quote and flow style of `source_text` stays as it is: only the
    number after each changed driver's `default:` is rewritten (a value equal to the default is left as
    written). `header`, if given, goes on top as `# ` comment lines. parse_scenario of the result equals
    with_defaults(parse_scenario(source_text), values), digest and all.

    Raises ScenarioError when `source_text` is not a valid scenario, and pydantic's ValidationError (as
    with_defaults does) when a value lies outside its driver's range.

    Why not a round trip through ruamel.yaml: it re-emits the whole document, so indentation, line widths,
    the spacing inside `{...}` and quoting are its own again unless each is configured to match, and it reads
    YAML 1.2 where the loader reads PyYAML's YAML 1.1. Replacing the characters of one scalar, located by the
    very parser the loader uses, cannot change anything else in the file.
    """
    scenario, spans = _layout(source_text)
    wanted = with_defaults(scenario, values)
    edits = []
    for old, new, span in zip(scenario.drivers, wanted.drivers, spans, strict=True):
        if _same(old.default, new.default):
            continue
        number = _number(new.default)
        # The one thing here that could go wrong unseen: a number PyYAML would read as another value, or as text.
        read = yaml.safe_load(number)
        if not (isinstance(read, (int, float)) and _same(float(read), new.default)):
            raise RuntimeError(f"yaml_with_defaults: {number!r} does not read back as {new.default!r}")
        edits.append((*span, number))
    text = source_text
    for start, end, number in sorted(edits, reverse=True):
        text = text[:start] + number + text[end:]

    # A BOM counts only as the very first character: the header goes after it.
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom + _comment(header, _newline(text)) + text[len(bom) :]


@lru_cache(maxsize=8)
def _layout(source_text: str) -> tuple[Scenario, tuple[tuple[int, int], ...]]:
    """The scenario of a text and where each driver's default is written in it (start and end character).

    Cached: an export offered on every rerun of the page reads its source text once, not on each slider move.
    """
    scenario = parse_scenario(source_text, "<source>")
    # Safe to compose: parse_scenario has refused aliases, anchors, foreign tags and deep nesting. The marks
    # count characters of the str, a BOM and every '\r' included, so they index it as it is.
    root = yaml.compose(source_text, Loader=yaml.SafeLoader)
    spans = []
    for item in _value(root, "drivers").value:
        node = _value(item, "default")
        spans.append((node.start_mark.index, node.end_mark.index))
    return scenario, tuple(spans)


def _value(mapping: yaml.MappingNode, key: str) -> yaml.Node:
    return next(v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key)


def _same(old: float, new: float) -> bool:
    # 0.0 and -0.0 are equal numbers but dump (and hash) differently.
    return old == new and math.copysign(1.0, old) == math.copysign(1.0, new)


def _number(value: float) -> str:
    """A YAML 1.1 number PyYAML reads back as exactly `value`; whole numbers without '.0'."""
    if value.is_integer() and not (value == 0 and math.copysign(1.0, value) < 0):
        return str(int(value))  # exact: every Amount lies within 1e15, far inside a float's whole numbers
    text = repr(value)  # the shortest text that reads back as the same float ('-0.0' for negative zero)
    if "e" in text:
        # PyYAML's float needs a '.' in the mantissa and a sign in the exponent: '1e-07' would be a string.
        mantissa, exponent = text.split("e")
        mantissa = mantissa if "." in mantissa else mantissa + ".0"
        exponent = exponent if exponent[0] in "+-" else "+" + exponent
        text = f"{mantissa}e{exponent}"
    return text


def _newline(text: str) -> str:
    """The file's own line break, for the header's lines."""
    for index, char in enumerate(text):
        if char == "\r":
            return "\r\n" if text[index + 1 : index + 2] == "\n" else "\r"
        if char == "\n":
            return "\n"
    return "\n"


def _comment(header: str, newline: str) -> str:
    return "".join(f"# {line}{newline}" if line else f"#{newline}" for line in header.splitlines())
