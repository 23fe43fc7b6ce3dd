"""Parse scenario YAML safely into a validated Scenario, naming file, line and field for every problem."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from engine.limits import MAX_SCENARIO_BYTES
from engine.schema import UNION_TAGS, Loc, Scenario, check_data, check_scenario, field_name

log = logging.getLogger(__name__)

MAX_BYTES = MAX_SCENARIO_BYTES
MAX_DEPTH = 32
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_REASON_CHARS = 160
# What _Tree._scalar returns for a value it reported: distinct from a YAML null, which is a value like any other.
_FAILED = object()


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
        # Values left out (None) because they were reported here: pydantic's errors about them would say again,
        # and less precisely, what is already said.
        self.broken: set[Loc] = set()
        # Mappings with a key that could not be read: that key may be the very field pydantic calls missing.
        self.unread_keys: set[Loc] = set()
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
            self.broken.add(loc)
            return None
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(loc, key_node.start_mark.line + 1, "a key must be a plain name")
                    self.unread_keys.add(loc)
                    continue
                key = self._scalar(key_node, loc)
                if key is _FAILED:
                    self.unread_keys.add(loc)
                    continue  # reported; its value belongs to no field that could be named
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
        value = self._scalar(node, loc)
        if value is _FAILED:
            self.broken.add(loc)
            return None
        return value

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
            return _FAILED

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


_QUOTES = ('"', "'")
# A line of a scenario file inside a quoted text: `key:` or `- key:` or `- {key:` at the start of a line.
_SWALLOWED_KEY = re.compile(r"\n[ \t]*(?:-[ \t]+)?\{?[ \t]*[A-Za-z_][\w-]*:(?:[ \t]|\r?\n)")
_FLOW_CONTEXTS = {"while parsing a flow mapping": "{", "while parsing a flow sequence": "["}
# After these a flow collection may go on on the next line; after anything else a line break is where it stopped.
_CONTINUED = (
    yaml.FlowEntryToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
    yaml.KeyToken,
    yaml.ValueToken,
)
_CLOSING = (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _syntax_problem(err: yaml.MarkedYAMLError, text: str, filename: str) -> Problem:
    """A YAML syntax error at the line where the mistake starts, which is often not where PyYAML gave up.

    PyYAML gives two marks: the context mark, where the construct it was reading starts, and the problem mark,
    where it could not go on. A quote left open runs on to the next quote, lines later, and an unclosed '{'
    swallows the next lines: there the start is the mistake. Everywhere else the problem mark is more precise
    (a bad escape inside a long string, a key indented wrongly inside a long mapping).
    """
    context, problem = err.context, err.problem
    context_mark, problem_mark = err.context_mark, err.problem_mark

    def at(mark, message: str) -> Problem:
        line = mark.line + 1 if mark is not None else 1
        return Problem(filename, line, "(document)", f"not valid YAML: {_one_line(message)}")

    if context == "while scanning a quoted scalar" and context_mark is not None:
        # No closing quote before the end of the file (or a '---'): the scanner reports the end.
        return at(context_mark, f"the quote opened here (column {context_mark.column + 1}) is not closed")
    if context == "while scanning a simple key" and context_mark is not None:
        # A key without its ':' is noticed on the line after it.
        return at(context_mark, problem or context)
    if problem_mark is None:
        return at(context_mark, problem or context or "syntax error")
    try:
        found = _where_it_starts(text, err)
    except Exception:
        # Only a refinement of the line: should the second look fail, PyYAML's own answer stands.
        log.exception("second look at a YAML syntax error failed")
        found = None
    if found is not None:
        mark, message = found
        return at(mark, message)
    return at(problem_mark, problem or context or "syntax error")


def _one_line(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))


def _tokens_before(text: str, index: int) -> list[yaml.Token]:
    """The tokens that start before `index`: PyYAML read these before it gave up there."""
    scanner = yaml.SafeLoader(text)
    tokens: list[yaml.Token] = []
    try:
        while scanner.check_token():
            token = scanner.get_token()
            if token.start_mark.index >= index:
                break
            tokens.append(token)
    except yaml.YAMLError:
        # The same error again. The scanner holds back the tokens after a possible key until it knows whether
        # a ':' follows; they were read all the same.
        tokens += [t for t in scanner.tokens if t.start_mark.index < index]
    finally:
        scanner.dispose()
    return tokens


def _where_it_starts(text: str, err: yaml.MarkedYAMLError) -> tuple[yaml.Mark, str] | None:
    problem_mark = err.problem_mark
    problem = err.problem or err.context or "syntax error"
    tokens = _tokens_before(text, problem_mark.index)
    stop = f"line {problem_mark.line + 1}: {problem}"

    # A quoted text that spans a line break, swallowed a line that reads like a key and is the last thing read:
    # a missing closing quote made the text run on to the next quote (the opening quote of a later text), and
    # what follows that quote makes no sense. (A long text wrapped over lines swallows no `key:` line.)
    last = tokens[-1] if tokens else None
    if (
        isinstance(last, yaml.ScalarToken)
        and last.style in _QUOTES
        and last.end_mark.line > last.start_mark.line
        and _SWALLOWED_KEY.search(text, last.start_mark.index, last.end_mark.index)
    ):
        column = last.start_mark.column + 1
        return last.start_mark, (
            f"the quote opened here (column {column}) is not closed on this line; the text runs on to {stop}"
        )

    # A quoted text with more text straight after its closing quote, as in `{en: "Tension, de: "Spannung"}`:
    # the quote that closed it was meant to open the next text, so one closing quote before it is missing.
    if (
        isinstance(last, yaml.ScalarToken)
        and last.style in _QUOTES
        and last.end_mark.index == problem_mark.index
        and text[problem_mark.index : problem_mark.index + 1] not in ("", " ", "\t", "\n", "\r")
    ):
        start, end = last.start_mark.column + 1, last.end_mark.column
        return problem_mark, (
            f"{problem}: the quote opened at column {start} closes at column {end} and text follows it directly "
            "(is a closing quote missing before it?)"
        )

    # A plain text that began on an earlier line and ran on to where a ':' is not allowed: a key on its first
    # line lacks its ':' (`schema 2`), so the next line's key became part of that text. (After a ':' the text
    # is a value, and the next line is then more likely indented too far: PyYAML's line is the right one.)
    before = tokens[-2] if len(tokens) >= 2 else None
    if (
        isinstance(last, yaml.ScalarToken)
        and last.style is None
        and not isinstance(before, yaml.ValueToken)
        and last.end_mark.line > last.start_mark.line
        and problem == "mapping values are not allowed here"
    ):
        return last.start_mark, (
            f"the text that starts here runs on to line {problem_mark.line + 1} (a ':' missing on this line?); "
            f"PyYAML stops at {stop}"
        )

    bracket = _FLOW_CONTEXTS.get(err.context or "")
    context_mark = err.context_mark
    if bracket is None or context_mark is None:
        return None
    opened = f"line {context_mark.line + 1}, column {context_mark.column + 1}"
    # The wrong closing bracket, `[0.1, 0.3}`: the '[' is not closed, however many lines later that shows.
    wrong = "}" if bracket == "[" else "]"
    if text[problem_mark.index : problem_mark.index + 1] == wrong and problem_mark.line > context_mark.line:
        column = context_mark.column + 1
        return context_mark, (
            f"the '{bracket}' opened here (column {column}) is not closed before the '{wrong}' at line "
            f"{problem_mark.line + 1}, column {problem_mark.column + 1}"
        )

    # Inside a flow collection ({...} or [...]) that the parser was still reading: the first line that ends
    # without a ',' (or an opening bracket) while the collection is open is where a ',' or the closing bracket
    # is missing. A collection that goes on after a ',' on the next line, or closes at a line's start, is fine.
    if problem_mark.line <= context_mark.line:
        return None
    inside = [t for t in tokens if t.start_mark.index >= context_mark.index]
    if not inside or inside[0].start_mark.index != context_mark.index:
        return None
    depth = 0
    for token, after in zip(inside, [*inside[1:], None], strict=True):
        if isinstance(token, (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
            depth += 1
        elif isinstance(token, _CLOSING):
            depth -= 1
        if depth <= 0:
            return None  # the collection closed: the parser's context is another one
        next_line = after.start_mark.line if after is not None else problem_mark.line
        if isinstance(token, yaml.ScalarToken) and token.end_mark.line > token.start_mark.line:
            # A plain text read on into the next line would have ended at the line break in a block: here the
            # line break is where the collection should have ended. (A quoted text may well span lines.)
            broke = token.style is None
        else:
            broke = next_line > token.end_mark.line and not isinstance(token, _CONTINUED)
        if broke and not isinstance(after, _CLOSING):
            return token.start_mark, (
                f"the '{bracket}' opened at {opened} is still open at the end of this line "
                f"(a ',' or its closing bracket is missing?); PyYAML stops at {stop}"
            )
    return None


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
        raise ScenarioError([_syntax_problem(err, text, filename)]) from None
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

    def problem(loc: Loc, message: str) -> Problem:
        return Problem(filename, tree.line_of(loc), field_name(loc), message)

    # Every problem one pass can find: the YAML values that could not be read, every field pydantic refuses,
    # and the cross-checks as far as they do not need a refused field. (The cross-checks used to run only once
    # the whole file validated, so each fix of a field revealed the next layer of problems.)
    problems = list(tree.problems)
    try:
        scenario = Scenario.model_validate(data_tree, context={"defer_checks": True})
    except ValidationError as err:
        problems += _structure_problems(err, problem, tree)
        cross = _cross_problems_of_data(data_tree, filename)
    else:
        cross = check_scenario(scenario)
    problems += [problem(loc, msg) for loc, msg in cross]
    if problems:
        # A stable sort: on one line, the field's own problem stays before the cross-checks that involve it.
        raise ScenarioError(sorted(problems, key=lambda p: p.line))
    return Document(scenario, tree.lines)


def _cross_problems_of_data(data: dict, filename: str) -> list[tuple[Loc, str]]:
    try:
        return check_data(data)
    except Exception:
        # The cross-checks of an invalid file are a bonus: should one trip over data no check foresaw, the
        # fields' own problems are still reported (and the operator finds the cause in the log).
        log.exception("cross-checks failed on the invalid file %s", filename)
        return []


def _field_loc(loc: tuple) -> Loc:
    """A pydantic error's location as the file's fields: without the tag a tagged union inserts."""
    return tuple(part for part in loc if part not in UNION_TAGS)


def _structure_problems(err: ValidationError, problem, tree: _Tree) -> list[Problem]:
    errors = err.errors()
    locs = [_field_loc(e["loc"]) for e in errors]
    problems = []
    for e, loc in zip(errors, locs, strict=True):
        # pydantic counts only the items that validated, so a list whose items all failed also
        # reports "too short"; the items' own errors say what is wrong.
        if e["type"] == "too_short" and any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs):
            continue
        # A value the YAML reader could not build was reported there, and stands in as None.
        if any(loc[: len(b)] == b for b in tree.broken):
            continue
        # A field "missing" from a mapping whose key could not be read (`<<: {unit: ...}`) may be that key.
        if e["type"] == "missing" and loc[:-1] in tree.unread_keys:
            continue
        problems.append(problem(loc, _pydantic_message(e)))
    return problems


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
