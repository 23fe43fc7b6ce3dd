"""Parse scenario YAML safely into a validated Scenario, naming file, line and field for every problem."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from engine.limits import MAX_SCENARIO_BYTES
from engine.schema import UNION_TAGS, Loc, Scenario, check_scenario, field_name

log = logging.getLogger(__name__)

MAX_BYTES = MAX_SCENARIO_BYTES
MAX_DEPTH = 32
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_REASON_CHARS = 160


def _reason(err: BaseException, tag: str) -> str:
    """One printable line saying why a value could not be read, short enough for a problem list."""
    if isinstance(err, yaml.YAMLError):
        text = getattr(err, "problem", None) or str(err)
    else:
        text = f"not a valid {tag.removeprefix('tag:yaml.org,2002:')} ({type(err).__name__}: {err})"
    text = " ".join(text.split())
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file that cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Tree:
    """Plain data built from a composed YAML node tree, with the line of every path."""

    def __init__(self, filename: str):
        self.filename = filename
        self.lines: dict[Loc, int] = {(): 1}
        self.problems: list[Problem] = []
        self._scalars = yaml.constructor.SafeConstructor()

    def problem(self, loc: Loc, line: int, message: str) -> None:
        self.problems.append(Problem(self.filename, line, field_name(loc), message))

    def build(self, node: yaml.Node, loc: Loc):
        # Depth needs no check here: _screen_events refused anything nested deeper than MAX_DEPTH.
        line = node.start_mark.line + 1
        self.lines.setdefault(loc, line)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            # safe_load refuses these too; composing alone would silently drop the tag.
            self.problem(loc, line, f"unsupported tag '{node.tag}'")
            return None
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(loc, key_node.start_mark.line + 1, "a key must be a plain name")
                    continue
                key = self._scalar(key_node, loc)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    key = str(key)
                child = (*loc, key)
                key_line = key_node.start_mark.line + 1
                if key in out:
                    self.problem(child, key_line, "duplicate key")
                    continue
                self.lines[child] = key_line
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, n)) for n, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _scalar(self, node: yaml.ScalarNode, loc: Loc):
        if node.tag == _TIMESTAMP:
            # A date is text to a scenario (`published: 2024-10-25`); constructing it would turn an
            # impossible date such as 2001-13-45 into a crash, and a valid one into an object no field takes.
            return node.value
        try:
            return self._scalars.construct_object(node, deep=True)
        except Exception as err:
            # PyYAML's constructors raise whatever the Python conversion behind a tag raises (ValueError
            # for `!!int x` or 5,000 digits, KeyError for `!!bool x`, AttributeError for `!!timestamp x`,
            # binascii.Error for bad base64), not only YAMLError: every one of them is a problem of this value.
            self.problem(loc, node.start_mark.line + 1, f"unsupported value: {_reason(err, node.tag)}")
            return None

    def line_of(self, loc: Loc) -> int:
        return _line_of(self.lines, loc)


def _line_of(lines: Mapping[Loc, int], loc: Loc) -> int:
    # A missing field has no line of its own: blame the nearest enclosing node that exists.
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return 1


def _screen_events(text: str, filename: str) -> list[Problem]:
    """Refuse aliases, anchors and deep nesting while streaming parser events, before any tree is built.

    Events never expand an alias, so a billion-laughs file costs no more than its size; and stopping
    at the depth limit here spares PyYAML's slow handling of thousands of nested brackets.
    """
    problems = []
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1
                problems.append(Problem(filename, line, "(document)", f"nested deeper than {MAX_DEPTH} levels"))
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            problems.append(
                Problem(filename, event.start_mark.line + 1, "(document)", f"YAML alias '*{anchor}' is not allowed")
            )
        elif anchor is not None:
            problems.append(
                Problem(filename, event.start_mark.line + 1, "(document)", f"YAML anchor '&{anchor}' is not allowed")
            )
        if len(problems) >= 20:
            break
    return problems


def _pydantic_message(err: dict) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def parse_scenario(data: bytes | str, filename: str = "<scenario>") -> Scenario:
    """Turn YAML text into a Scenario or raise ScenarioError with every problem found.

    Nothing else escapes: a file that trips an unforeseen error in PyYAML or pydantic is still a file
    that cannot be used, reported as such (and logged in full for the operator), never a crash of the
    page or a traceback of the command line.
    """
    return parse_document(data, filename).scenario


@dataclass(frozen=True)
class Document:
    """A parsed scenario and the line each of its fields starts on, for messages about a valid file."""

    scenario: Scenario
    lines: Mapping[Loc, int]

    def line_of(self, loc: Loc) -> int:
        return _line_of(self.lines, loc)


def parse_document(data: bytes | str, filename: str = "<scenario>") -> Document:
    """parse_scenario, keeping the line of every field."""
    try:
        return _parse(data, filename)
    except ScenarioError:
        raise
    except Exception as err:
        log.exception("unexpected error while reading %s", filename)
        message = f"cannot be read ({type(err).__name__})"
        raise ScenarioError([Problem(filename, 1, "(document)", message)]) from None


def _parse(data: bytes | str, filename: str) -> Document:
    # surrogatepass: a str holding a lone surrogate becomes bytes the UTF-8 check below refuses by line.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise ScenarioError(
            [Problem(filename, 1, "(document)", f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ScenarioError([Problem(filename, line, "(document)", "file is not valid UTF-8")]) from None

    try:
        problems = _screen_events(text, filename)
        if problems:
            raise ScenarioError(problems)
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise ScenarioError(
            [Problem(filename, line, "(document)", f"not valid YAML: {err.problem or err.context}")]
        ) from None
    except yaml.reader.ReaderError as err:
        # A character YAML does not allow (NUL, ESC, ...): name its line, in one line of text.
        line = text[: err.position].count("\n") + 1
        code = err.character if isinstance(err.character, int) else ord(err.character)
        message = f"not valid YAML: unacceptable character #x{code:04x}: {err.reason}"
        raise ScenarioError([Problem(filename, line, "(document)", message)]) from None
    except yaml.YAMLError as err:
        message = " ".join(str(err).split())
        raise ScenarioError([Problem(filename, 1, "(document)", f"not valid YAML: {message}")]) from None
    except RecursionError:
        raise ScenarioError([Problem(filename, 1, "(document)", "YAML nested too deeply")]) from None

    if len(nodes) != 1 or not isinstance(nodes[0], yaml.MappingNode):
        what = "no document" if not nodes else ("several documents" if len(nodes) > 1 else "not a mapping")
        raise ScenarioError([Problem(filename, 1, "(document)", f"a scenario must be one YAML mapping, found {what}")])

    tree = _Tree(filename)
    data_tree = tree.build(nodes[0], ())
    if tree.problems:
        raise ScenarioError(tree.problems)

    def problem(loc: Loc, message: str) -> Problem:
        return Problem(filename, tree.line_of(loc), field_name(loc), message)

    try:
        scenario = Scenario.model_validate(data_tree, context={"defer_checks": True})
    except ValidationError as err:
        problems = _structure_problems(err, problem)
        if not all(e["type"] == "extra_forbidden" for e in err.errors()):
            raise ScenarioError(problems) from None
        # Only unknown keys: without them the scenario is whole, so its cross-checks can be reported
        # in the same pass rather than after the user has fixed the keys.
        for loc in (_field_loc(e["loc"]) for e in err.errors()):
            _drop(data_tree, loc)
        try:
            scenario = Scenario.model_validate(data_tree, context={"defer_checks": True})
        except ValidationError:
            raise ScenarioError(problems) from None
        raise ScenarioError(problems + [problem(loc, msg) for loc, msg in check_scenario(scenario)]) from None

    cross = check_scenario(scenario)
    if cross:
        raise ScenarioError(problem(loc, msg) for loc, msg in cross)
    return Document(scenario, tree.lines)


def _field_loc(loc: tuple) -> Loc:
    """A pydantic error's location as the file's fields: without the tag a tagged union inserts."""
    return tuple(part for part in loc if part not in UNION_TAGS)


def _structure_problems(err: ValidationError, problem) -> list[Problem]:
    errors = err.errors()
    locs = [_field_loc(e["loc"]) for e in errors]
    problems = []
    for e, loc in zip(errors, locs, strict=True):
        # pydantic counts only the items that validated, so a list whose items all failed also
        # reports "too short"; the items' own errors say what is wrong.
        if e["type"] == "too_short" and any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs):
            continue
        problems.append(problem(loc, _pydantic_message(e)))
    return problems


def _drop(tree, loc: Loc) -> None:
    for part in loc[:-1]:
        tree = tree[part]
    tree.pop(loc[-1], None)


def load_scenario(path: str | Path, name: str | None = None) -> Scenario:
    """Read and parse one scenario file; the size is checked before the file is read whole.

    `name` is how problems refer to the file (default: the path as given).
    """
    return load_document(path, name).scenario


def load_document(path: str | Path, name: str | None = None) -> Document:
    """load_scenario, keeping the line of every field."""
    path = Path(path)
    name = name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError([Problem(name, 1, "(document)", f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")])
        raw = path.read_bytes()
    except OSError as err:
        raise ScenarioError([Problem(name, 1, "(document)", f"cannot read file: {err.strerror or err}")]) from None
    return parse_document(raw, name)


def scenario_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml"))
