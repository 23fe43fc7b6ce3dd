"""Hostile input (issue 6, item 3): fuzzed YAML and links, a YAML torture suite, and scenario text that tries
to become markup on the page, in the charts or in the briefing pack.

1. Fuzzing (hypothesis, derandomized): whatever the bytes, `parse_scenario` returns a Scenario or raises a
   ScenarioError whose problems each name a line inside the file, a field and a message; never anything else.
2. Fuzzing the link parser `engine.state.decode`: any query gives a valid state, and that state round-trips.
3. A YAML suite in the spirit of the public YAML test suite: anchors, tags, odd scalars, encodings, sizes;
   each case asserts the precise refusal (line, field, message) or what is accepted today.
4. Escaping: a scenario whose every human-facing text carries HTML, a javascript: link, Markdown, LaTeX and
   Streamlit directives is rendered tab by tab (AppTest) and as a briefing pack; nothing becomes markup.
5. Static: no raw HTML output path (unsafe_allow_html, st.html, components.html) in the page's source.
"""

from __future__ import annotations

import ast
import copy
import json
import math
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit
import yaml
from google.protobuf.json_format import MessageToDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from engine.limits import LANGUAGES, SCENARIOS_DIR_ENV
from engine.loader import MAX_BYTES, MAX_DEPTH, Problem, ScenarioError, load_scenario, parse_scenario
from engine.model import Model
from engine.schema import Scenario, check_scenario
from engine.state import MAX_PARAMS, RUNS_RANGE, SEED_RANGE, decode, encode
from engine.store import DATA_DIR_ENV, DATABASE_URL_ENV
from present.i18n import TAB_KEYS, repair_text, t
from present.text import md_escape
from ui import page_style

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = REPO / "scenarios" / "dprk-russia-2024.yaml"
TINY_FILE = REPO / "tests" / "data" / "tiny.yaml"
SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")
TINY_TEXT = TINY_FILE.read_text(encoding="utf-8")
SEED = load_scenario(SEED_FILE)
TINY = load_scenario(TINY_FILE)
TINY_DOC = yaml.safe_load(TINY_TEXT)
LIMIT = f"the limit is {MAX_BYTES:,}"
assert LIMIT == "the limit is 262,144"

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture(autouse=True)
def _private_store(tmp_path, monkeypatch):
    # The page opens the shared scenario store; keep it out of the working tree and away from a real database.
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "store"))


# --- helpers -------------------------------------------------------------------------------------------------

# The line breaks YAML counts (PyYAML follows YAML 1.1: CR, LF, CRLF, NEL, LS and PS).
_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _line_count(data: bytes | str) -> int:
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    return len(_YAML_BREAKS.split(text))


def _outcome(data: bytes | str, filename: str = "fuzz.yaml") -> Scenario | tuple[Problem, ...]:
    """parse_scenario's answer: a consistent Scenario, or the problems of its ScenarioError, each well formed.

    Any other exception escapes and fails the calling test.
    """
    try:
        scenario = parse_scenario(data, filename)
    except ScenarioError as err:
        assert err.problems, "a ScenarioError must name at least one problem"
        last = _line_count(data) + 1  # a parse error at the end of the stream may point just past the last line
        for p in err.problems:
            assert p.file == filename
            assert type(p.line) is int and 1 <= p.line <= last, p
            assert isinstance(p.field, str) and p.field, p
            assert isinstance(p.message, str) and p.message, p
        return err.problems
    assert isinstance(scenario, Scenario)
    assert check_scenario(scenario) == []
    return scenario


def _refused(data: bytes | str, filename: str = "x.yaml") -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, filename)
    return info.value.problems


def _swap(text: str, old: str, new: str, count: int | None = 1) -> str:
    """`text` with `old` replaced; `count` says how often `old` must occur (None: at least once)."""
    found = text.count(old)
    assert found == count if count is not None else found >= 1, f"{old!r} occurs {found} times"
    return text.replace(old, new)


def _validate(*files: Path | str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine", "validate", *map(str, files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- 1. fuzzing the loader -----------------------------------------------------------------------------------

# Fragments that matter to a YAML scanner and to the schema, glued together at random.
# fmt: off
YAML_TOKENS = (
    "\n", " ", "  ", "- ", ": ", ":", ",", "[", "]", "{", "}", "? ", "# c", "'", '"', "|", ">", "&a ", "*a",
    "!!", "!x ", "!!str ", "!!binary ", "!!python/name:os.system ", "!!python/object/apply:os.system ",
    "!!set ", "!!omap ", "<<: ", "---", "...", "%YAML 1.1\n", "%TAG ! !\n", "\\", "\t", "\x00", "\x1b",
    "\ufeff", "\u2028", "\x85", "\r", "schema", "schema: 1\n", "id: x\n", "drivers", "label", "en", "1", "-1",
    "1.5", "1e400", "1.0e+400", ".nan", ".inf", "0x1F", "017", "1:00", "1_000", "2024-10-27", "~", "null",
    "true", "yes", "x", "ü", "\U0001f600",
)
# fmt: on
yamlish_text = hs.lists(hs.sampled_from(YAML_TOKENS), max_size=60).map("".join)

scalars = hs.one_of(
    hs.none(),
    hs.booleans(),
    hs.integers(),
    hs.floats(),
    hs.text(max_size=20),
    hs.binary(max_size=8),
    hs.dates(),
)
mapping_keys = hs.one_of(hs.text(max_size=10), hs.integers(), hs.booleans(), hs.none(), hs.sampled_from(["id", "en"]))
trees = hs.recursive(
    scalars,
    lambda inner: hs.one_of(hs.lists(inner, max_size=4), hs.dictionaries(mapping_keys, inner, max_size=4)),
    max_leaves=25,
)


@hs.composite
def dumped(draw, tree=trees):
    """A drawn tree written out by yaml.safe_dump in a drawn style."""
    return yaml.safe_dump(
        draw(tree),
        allow_unicode=draw(hs.booleans()),
        default_flow_style=draw(hs.sampled_from([None, True, False])),
        sort_keys=False,
        width=draw(hs.sampled_from([20, 80, 10_000])),
    )


@settings(FUZZ, max_examples=300)
@given(hs.text(max_size=400))
def test_fuzz_any_text_is_a_scenario_or_a_scenario_error(text):
    _outcome(text)


@settings(FUZZ, max_examples=300)
@given(hs.binary(max_size=400))
def test_fuzz_any_bytes_are_a_scenario_or_a_scenario_error(data):
    _outcome(data)


@settings(FUZZ, max_examples=300)
@given(yamlish_text)
def test_fuzz_yaml_fragments_are_a_scenario_or_a_scenario_error(text):
    _outcome(text)


@settings(FUZZ, max_examples=150)
@given(dumped())
def test_fuzz_dumped_nested_data_is_a_scenario_or_a_scenario_error(text):
    _outcome(text)


def _pick(data, doc):
    """A random (container, key) inside `doc`, at a random depth."""
    node, parent, key = doc, None, None
    while isinstance(node, (dict, list)) and node and (parent is None or data.draw(hs.booleans())):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(hs.sampled_from(keys))
        parent, node = node, node[key]
    return parent, key


@settings(FUZZ, max_examples=150)
@given(hs.data())
def test_fuzz_edits_of_a_valid_scenario_tree_are_a_scenario_or_a_scenario_error(data):
    """tests/data/tiny.yaml as data, with one to three values replaced, deleted or duplicated, dumped again."""
    doc = copy.deepcopy(TINY_DOC)
    for _ in range(data.draw(hs.integers(1, 3))):
        parent, key = _pick(data, doc)
        action = data.draw(hs.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            parent[key] = data.draw(trees)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[data.draw(mapping_keys)] = copy.deepcopy(parent[key])
    _outcome(yaml.safe_dump(doc, allow_unicode=True, sort_keys=data.draw(hs.booleans())))


SEED_LINES = SEED_TEXT.splitlines(keepends=True)
# A value in block or flow style: after ": ", "[" or ", " up to the next delimiter.
VALUE_TOKEN = re.compile(r"(?:(?<=: )|(?<=\[)|(?<=, ))[^,\]}\n#]+")
TOKENS = [(n, m.span()) for n, line in enumerate(SEED_LINES) for m in VALUE_TOKEN.finditer(line)]
# fmt: off
SCALAR_SPELLINGS = [
    "~", "null", "true", "no", ".nan", "-.inf", "1e400", "1.0e+400", "0x10", "017", "0o17", "1_000", "1:00",
    "2024-10-27", "''", '""', "[]", "{}", "&a x", "*a", "!!binary aGk=", "!x y", "|", ">-", "- x", "? x",
    "'unclosed", '"unclosed', "x: y", "#", "1" + "0" * 400,
]
# fmt: on
scalar_spellings = hs.one_of(
    hs.sampled_from(SCALAR_SPELLINGS), hs.integers().map(str), hs.floats().map(repr), hs.text(max_size=12)
)


@settings(FUZZ, max_examples=30)
@given(hs.data())
def test_fuzz_mutations_of_the_real_scenario_file_are_a_scenario_or_a_scenario_error(data):
    """scenarios/dprk-russia-2024.yaml with one to three lines deleted or duplicated, or values replaced."""
    lines = list(SEED_LINES)
    edits = data.draw(hs.lists(hs.sampled_from(["delete", "duplicate", "replace", "indent"]), min_size=1, max_size=3))
    for edit in edits:
        if edit == "replace":
            n, (start, end) = data.draw(hs.sampled_from(TOKENS))
            n = min(n, len(lines) - 1)  # earlier edits may have shortened the file
            lines[n] = lines[n][:start] + data.draw(scalar_spellings) + lines[n][end:]
            continue
        n = data.draw(hs.integers(0, len(lines) - 1))
        if edit == "delete":
            del lines[n]
        elif edit == "duplicate":
            lines.insert(n, lines[n])
        else:
            lines[n] = "  " + lines[n]
    text = "".join(lines)
    _outcome(text.encode("utf-8") if data.draw(hs.booleans()) else text)


def test_cli_validate_on_generated_hostile_files_exits_0_or_2_without_a_traceback(tmp_path):
    rng = random.Random(6)
    files = []
    for n in range(6):
        lines = list(SEED_LINES)
        for _ in range(3):
            k = rng.randrange(len(lines))
            kind = rng.choice(["delete", "duplicate", "replace"])
            if kind == "delete":
                del lines[k]
            elif kind == "duplicate":
                lines.insert(k, lines[k])
            else:
                k, (start, end) = rng.choice(TOKENS)
                k = min(k, len(lines) - 1)
                lines[k] = (
                    lines[k][:start] + rng.choice(["~", "1e400", "[", "&a x", "!!binary aGk=", "0x10"]) + lines[k][end:]
                )
        files.append((f"mutated-{n}.yaml", "".join(lines).encode("utf-8")))
    files += [
        ("valid.yaml", SEED_TEXT.encode("utf-8")),
        ("bytes.yaml", bytes(range(256)) * 4),
        ("utf16.yaml", TINY_TEXT.encode("utf-16")),
        ("nul.yaml", TINY_TEXT.replace('de: "Niveau"', 'de: "Niv\x00eau"').encode("utf-8")),
        ("deep.yaml", b"a: " + b"[" * 200_000),
        ("laughs.yaml", b'a: &a ["x"]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n'),
        ("tags.yaml", b"a: !!python/object/apply:os.system [echo pwned]\nb: !custom {x: 1}\n"),
        ("empty.yaml", b""),
    ]
    paths = []
    for name, data in files:
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)

    result = _validate(*paths)

    assert result.returncode in (0, 2)
    assert "Traceback" not in result.stdout + result.stderr
    ok = {line.removeprefix("ok ") for line in result.stdout.splitlines()}
    reported = {str(p) for p in paths if any(line.startswith(f"{p}:") for line in result.stderr.splitlines())}
    assert ok | reported == {str(p) for p in paths}
    assert ok & reported == set()
    assert str(tmp_path / "valid.yaml") in ok
    assert result.returncode == (2 if reported else 0)


# --- 2. fuzzing the link parser ------------------------------------------------------------------------------


def _resolve(ref: str) -> Scenario | None:
    return {SEED.id: SEED, TINY.id: TINY}.get(ref)


# fmt: off
NUMBER_TEXTS = (
    "0", "-0", "+1", "1e308", "1e309", "-1e309", "1e-320", "nan", "NaN", "-inf", "Infinity", "0x10", "1_000",
    " 5000 ", "\u00a05000", "\u0663\u0660\u0660\u0660", "5000\x00", "5e3", "12.5", "99999999999999999999",
    "2147483647", "2147483648", "-2147483649", "100.0", "9999.9999", "", "١٢", "𝟓",
)
PARAM_KEYS = (
    "scenario", "preset", "lang", "runs", "seed", "compare", *(f"d.{d.id}" for d in SEED.drivers), "d.push",
    "D.troops_deployed", "d.", "d.troops_deployed ", " d.troops_deployed", "scenario\x00", "d.d.push",
)
# fmt: on
long_texts = hs.tuples(hs.text(min_size=1, max_size=3), hs.integers(1, 5000)).map(lambda pair: pair[0] * pair[1])
number_texts = hs.sampled_from(NUMBER_TEXTS)
preset_lists = hs.lists(
    hs.sampled_from([p.id for p in SEED.presets] + ["low", "high", "", " ", ",", "x", "baseline "]), max_size=8
).map(",".join)
scenario_refs = hs.sampled_from(
    [SEED.id, TINY.id, f" {SEED.id} ", f"{SEED.id}\n", SEED.id.upper(), "tiny\x00", "../tiny", "", "sha-" + "0" * 16]
)
param_values = hs.one_of(
    hs.text(),
    number_texts,
    long_texts,
    preset_lists,
    scenario_refs,
    hs.lists(hs.one_of(hs.text(max_size=10), number_texts, scenario_refs), max_size=5),
)
queries = hs.dictionaries(hs.one_of(hs.sampled_from(PARAM_KEYS), hs.text(), long_texts), param_values, max_size=15)


def _decoded_ok(params) -> None:
    state, scenario, notices = decode(params, _resolve, SEED.id)
    assert _resolve(state.scenario) is scenario
    assert type(state.runs) is int and RUNS_RANGE[0] <= state.runs <= RUNS_RANGE[1]
    assert type(state.seed) is int and SEED_RANGE[0] <= state.seed <= SEED_RANGE[1]
    assert state.lang in (None, "en", "de")
    presets = {p.id for p in scenario.presets}
    assert state.preset is None or state.preset in presets
    if state.compare is not None:
        assert len(set(state.compare)) == len(state.compare)
        assert set(state.compare) <= presets
    for key, value in state.values.items():
        d = scenario.driver(key)
        assert isinstance(value, float) and math.isfinite(value)
        assert d.min <= value <= d.max
        assert value != d.default
    assert isinstance(notices, list)
    assert all(0 < len(repair_text(n, lang)) <= 300 for n in notices for lang in LANGUAGES), notices
    # What was decoded encodes and decodes again to the same state, with nothing left to repair.
    again, rescenario, second = decode(encode(state, scenario), _resolve, SEED.id)
    assert second == []
    assert again == state
    assert rescenario is scenario


@settings(FUZZ, max_examples=400)
@given(queries)
def test_fuzz_any_link_decodes_to_a_valid_state_that_round_trips(params):
    _decoded_ok(params)


@settings(FUZZ, max_examples=100)
@given(queries, hs.dictionaries(hs.sampled_from(["runs", "seed", *(f"d.{d.id}" for d in SEED.drivers)]), number_texts))
def test_fuzz_number_spellings_in_a_link_decode_to_a_valid_state(params, numbers):
    _decoded_ok({**params, "scenario": SEED.id, **numbers})


def test_only_the_first_400_link_parameters_are_read():
    junk = {f"x{n}": "1" for n in range(MAX_PARAMS + 200)}
    early = {"d.troops_deployed": "500", **junk}
    late = {**junk, "d.troops_deployed": "500"}

    state, _, notices = decode(early, _resolve, SEED.id)
    assert dict(state.values) == {"troops_deployed": 500.0}
    assert repair_text(notices[0], "en") == (
        f"the link has {MAX_PARAMS + 201} parameters; only the first {MAX_PARAMS} were read"
    )
    assert len(notices) == 1 + MAX_PARAMS - 1

    state, _, notices = decode(late, _resolve, SEED.id)
    assert dict(state.values) == {}
    assert len(notices) == 1 + MAX_PARAMS


def test_a_link_value_of_a_megabyte_is_cut_before_it_is_read():
    state, _, notices = decode(
        {"scenario": SEED.id, "d.troops_deployed": "1" * 1_000_000, "compare": "x," * 500_000, "preset": "p" * 10**6},
        _resolve,
        SEED.id,
    )
    assert dict(state.values) == {"troops_deployed": SEED.driver("troops_deployed").max}
    assert state.compare == ()
    assert state.preset is None
    # The value is cut to 200 characters (100 identical compare items), and a repeated mistake is one notice.
    assert [repair_text(n, "en") for n in notices] == [
        f"unknown preset '{'p' * 80}' was ignored",
        "unknown preset 'x' in compare was ignored",
        f"'troops_deployed' = {float('1' * 200):g} is outside [0, 20000] and was set to 20000",
    ]
    assert all(len(repair_text(n, lang)) <= 300 for n in notices for lang in LANGUAGES)


# --- 3. the YAML suite ---------------------------------------------------------------------------------------

NO_CONSTRUCTOR = "unsupported value: could not determine a constructor for the tag "
TINY_LABEL = '    label: {en: "Level", de: "Niveau"}\n'  # line 20 of tiny.yaml

# (case id, old text in tiny.yaml, new text, the first problem: line, field, message)
REFUSED = [
    # anchors and aliases, with and without a merge key (with both: test_merge_key_with_anchor_and_alias...)
    (
        "alias-without-anchor",
        '    unit: "%"\n',
        "    unit: *nowhere\n",
        (12, "(document)", "YAML alias '*nowhere' is not allowed"),
    ),
    (
        "anchor-on-a-flow-mapping",
        '    source: {quote: "push", section: test}\n',
        '    source: &s {quote: "push", section: test}\n',
        (17, "(document)", "YAML anchor '&s' is not allowed"),
    ),
    (
        "merge-key-without-alias",
        '    unit: "%"\n',
        '    <<: {unit: "%"}\n',
        (
            12,
            "drivers[0]",
            NO_CONSTRUCTOR + "'tag:yaml.org,2002:merge'",
        ),
    ),
    # tags
    (
        "python-apply-on-a-scalar",
        '    unit: "%"\n',
        "    unit: !!python/object/apply:os.system 'echo pwned'\n",
        (
            12,
            "drivers[0].unit",
            NO_CONSTRUCTOR + "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
    ),
    (
        "python-apply-on-a-mapping",
        '    source: {quote: "push", section: test}\n',
        "    source: !!python/object/apply:os.system {args: [echo pwned]}\n",
        (17, "drivers[0].source", "unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ),
    (
        "python-name",
        TINY_LABEL,
        "    label: {en: !!python/name:os.system '', de: x}\n",
        (
            20,
            "indicators[0].label.en",
            NO_CONSTRUCTOR + "'tag:yaml.org,2002:python/name:os.system'",
        ),
    ),
    (
        "python-module",
        "horizon_weeks: 10\n",
        "horizon_weeks: !!python/module:os ''\n",
        (
            6,
            "horizon_weeks",
            NO_CONSTRUCTOR + "'tag:yaml.org,2002:python/module:os'",
        ),
    ),
    (
        "tag-directive-expanding-to-python",
        "schema: 1\n",
        "%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\nschema: !p!os.system [echo pwned]\n",
        (3, "schema", "unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ),
    (
        "custom-tag-on-a-scalar",
        '    unit: "%"\n',
        "    unit: !custom x\n",
        (12, "drivers[0].unit", NO_CONSTRUCTOR + "'!custom'"),
    ),
    (
        "custom-tag-on-a-mapping",
        '    source: {quote: "push", section: test}\n',
        '    source: !custom {quote: "push", section: test}\n',
        (17, "drivers[0].source", "unsupported tag '!custom'"),
    ),
    (
        "set",
        'source: {title: "Hand-made test data", language: en}\n',
        'source: {title: "Hand-made test data", language: en, cited_outlets: !!set {a, b}}\n',
        (5, "source.cited_outlets", "unsupported tag 'tag:yaml.org,2002:set'"),
    ),
    (
        "omap",
        "    values: {push: 10}\n",
        "    values: !!omap [push: 10]\n",
        (42, "presets[0].values", "unsupported tag 'tag:yaml.org,2002:omap'"),
    ),
    (
        "binary-that-is-not-utf8",
        '    unit: "%"\n',
        "    unit: !!binary /w==\n",
        (12, "drivers[0].unit", "Input should be a valid string, unable to parse raw data as a unicode string"),
    ),
    # timestamps where numbers or text belong
    (
        "date-as-a-number",
        "    default: 50\n",
        "    default: 2024-10-27\n",
        (16, "drivers[0].default", "Input should be a valid number"),
    ),
    # huge numbers, NaN and infinities
    (
        "float-overflow-to-inf",
        "    max: 100\n",
        "    max: 1.0e+400\n",
        (14, "drivers[0].max", "Input should be a finite number"),
    ),
    # YAML 1.1 needs a dot and a signed exponent: 1e400 is the string "1e400".
    (
        "exponent-without-dot-is-text",
        "    max: 100\n",
        "    max: 1e400\n",
        (14, "drivers[0].max", "Input should be a valid number"),
    ),
    (
        "integer-of-401-digits-as-a-float",
        "    default: 50\n",
        "    default: 1" + "0" * 400 + "\n",
        (16, "drivers[0].default", "Input should be a valid number"),
    ),
    (
        "integer-of-401-digits-as-an-integer",
        "horizon_weeks: 10\n",
        "horizon_weeks: 1" + "0" * 400 + "\n",
        (6, "horizon_weeks", "Input should be less than or equal to 520"),
    ),
    ("nan", "    default: 50\n", "    default: .nan\n", (16, "drivers[0].default", "Input should be a finite number")),
    (
        "NaN-spelling",
        "    default: 50\n",
        "    default: .NaN\n",
        (16, "drivers[0].default", "Input should be a finite number"),
    ),
    (
        "inf-percent",
        "    initial: 40\n",
        "    initial: .inf\n",
        (21, "indicators[0].initial", "Input should be a finite number"),
    ),
    (
        "minus-inf-weight",
        "weight: 0.5, range: [0.25, 0.75]",
        "weight: -.inf, range: [0.25, 0.75]",
        (28, "impacts[0].weight", "Input should be a finite number"),
    ),
    (
        "inf-in-a-range",
        "range: [0.25, 0.75]",
        "range: [0.25, .inf]",
        (28, "impacts[0].range[1]", "Input should be a finite number"),
    ),
    # YAML 1.1 knows 0x.. and 0.. (octal) but not 0o..
    (
        "0o-octal-is-text",
        "    default: 50\n",
        "    default: 0o17\n",
        (16, "drivers[0].default", "Input should be a valid number"),
    ),
    # keys that are collections
    (
        "complex-key-block",
        '    unit: "%"\n',
        '    unit: "%"\n    ? [a, b]\n    : 1\n',
        (13, "drivers[0]", "a key must be a plain name"),
    ),
    (
        "complex-key-flow",
        "    values: {push: 10}\n",
        "    values: {[push]: 10}\n",
        (42, "presets[0].values", "a key must be a plain name"),
    ),
    (
        "mapping-as-key",
        "horizon_weeks: 10\n",
        "horizon_weeks: 10\n? {a: 1}\n: 1\n",
        (7, "(document)", "a key must be a plain name"),
    ),
    # documents and directives
    (
        "yaml-2.0-directive",
        "schema: 1\n",
        "%YAML 2.0\n---\nschema: 1\n",
        (1, "(document)", "not valid YAML: found incompatible YAML document (version 1.* is required)"),
    ),
    (
        "content-after-document-end",
        "schema: 1\n",
        "schema: 1\n...\nid: tiny\n",
        (3, "(document)", "not valid YAML: expected '<document start>', but found '<block mapping start>'"),
    ),
    # very long lines
    (
        "label-of-200-000-characters",
        TINY_LABEL,
        '    label: {en: "' + "x" * 200_000 + '", de: "Niveau"}\n',
        (20, "indicators[0].label.en", "String should have at most 4000 characters"),
    ),
    (
        "plain-key-of-2000-characters",
        "horizon_weeks: 10\n",
        "horizon_weeks: 10\n" + "k" * 2000 + ": 1\n",
        (7, "(document)", "not valid YAML: could not find expected ':'"),
    ),
]


@pytest.mark.parametrize(("old", "new", "first"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_hostile_yaml_is_refused_precisely(old, new, first):
    problems = _refused(_swap(TINY_TEXT, old, new))
    assert (problems[0].line, problems[0].field, problems[0].message) == first


def test_merge_key_with_anchor_and_alias_names_both():
    text = _swap(
        TINY_TEXT, '    source: {quote: "push", section: test}\n', '    source: &src {quote: "push", section: test}\n'
    )
    text = _swap(text, '    source: {quote: "level", section: test}\n', "    <<: *src\n")
    assert _refused(text) == (
        Problem("x.yaml", 17, "(document)", "YAML anchor '&src' is not allowed"),
        Problem("x.yaml", 22, "(document)", "YAML alias '*src' is not allowed"),
    )


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['touch {p}']",
        "!!python/object/apply:os.system {{args: ['touch {p}']}}",
        "!!python/object/new:os.system ['touch {p}']",
        "!!python/object/apply:subprocess.check_call [[touch, '{p}']]",
        "!!python/name:os.system 'touch {p}'",
    ],
)
def test_python_tags_never_run_anything(tmp_path, value):
    sentinel = tmp_path / "pwned"
    text = _swap(TINY_TEXT, '    unit: "%"\n', f"    unit: {value.format(p=sentinel)}\n")
    problems = _refused(text)
    assert (problems[0].line, problems[0].field) == (12, "drivers[0].unit")
    assert "tag:yaml.org,2002:python/" in problems[0].message
    assert not sentinel.exists()


# (case id, old, new, (driver field, value it is read as)) - what the loader accepts today.
ACCEPTED = [
    # YAML 1.1 integer spellings: hex, C-style octal (!), underscores, binary and base 60 (!).
    ("hex", "    default: 50\n", "    default: 0x10\n", ("default", 16.0)),
    ("octal-with-leading-zero", "    default: 50\n", "    default: 017\n", ("default", 15.0)),
    ("underscores", "    max: 100\n", "    max: 1_000\n", ("max", 1000.0)),
    ("binary-integer", "    default: 50\n", "    default: 0b11\n", ("default", 3.0)),
    ("sexagesimal", "    default: 50\n", "    default: 1:00\n", ("default", 60.0)),
    ("plus-sign", "    default: 50\n", "    default: +50\n", ("default", 50.0)),
    ("trailing-dot", "    default: 50\n", "    default: 50.\n", ("default", 50.0)),
    ("signed-exponent", "    default: 50\n", "    default: 5.0e+1\n", ("default", 50.0)),
    ("explicit-float-tag", "    default: 50\n", "    default: !!float 50\n", ("default", 50.0)),
    ("largest-amount", "    max: 100\n", "    max: 1.0e+15\n", ("max", 1e15)),
    # A date or timestamp is text to a scenario, never a date object no field would take.
    ("date-as-text", '    unit: "%"\n', "    unit: 2024-10-27\n", ("unit", "2024-10-27")),
    (
        "timestamp-tag",
        '    unit: "%"\n',
        "    unit: !!timestamp 2001-12-14t21:59:43.10-05:00\n",
        ("unit", "2001-12-14t21:59:43.10-05:00"),
    ),
    ("impossible-date", '    unit: "%"\n', "    unit: !!timestamp 2001-13-45\n", ("unit", "2001-13-45")),
    # !!binary is decoded and then read as UTF-8 text.
    ("binary-text", '    unit: "%"\n', "    unit: !!binary aGVsbG8=\n", ("unit", "hello")),
    ("explicit-str-tag", '    unit: "%"\n', "    unit: !!str 50\n", ("unit", "50")),
    ("yaml-1.2-directive", "schema: 1\n", "%YAML 1.2\n---\nschema: 1\n", ("default", 50.0)),
    ("explicit-document-start", "schema: 1\n", "--- # the one document\nschema: 1\n", ("default", 50.0)),
]


@pytest.mark.parametrize(("old", "new", "read"), [case[1:] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED])
def test_odd_but_valid_yaml_is_accepted_as_today(old, new, read):
    field, value = read
    scenario = parse_scenario(_swap(TINY_TEXT, old, new), "x.yaml")
    assert getattr(scenario.drivers[0], field) == value


def test_document_end_marker_is_accepted():
    assert parse_scenario(TINY_TEXT + "...\n") == TINY


def test_crlf_and_cr_line_ends_keep_the_line_numbers():
    bad = _swap(TINY_TEXT, "by_week: 5", "by_week: 11")
    expected = Problem("x.yaml", 36, "questions[0].by_week", "week 11 is after the horizon (10)")
    for newline in ("\r\n", "\r"):
        assert _refused(bad.replace("\n", newline)) == (expected,)
    assert parse_scenario(TINY_TEXT.replace("\n", "\r\n")) == TINY


@pytest.mark.parametrize(
    "text",
    ["---\n", "--- # a comment\n", "~\n", "--- ~\n", "null\n", "just a string\n", "- a list\n", "42\n"],
    ids=["explicit-empty", "comment-after-start", "tilde", "tilde-document", "null", "string", "list", "number"],
)
def test_a_document_that_is_not_a_mapping_is_refused(text):
    assert _refused(text) == (
        Problem("x.yaml", 1, "(document)", "a scenario must be one YAML mapping, found not a mapping"),
    )


@pytest.mark.parametrize(
    "text",
    ["", "# only a comment\n", "# one\n# two\n\n", " \n \n"],
    ids=["empty", "comment", "comments", "blank-lines"],
)
def test_a_file_without_a_document_is_refused(text):
    assert _refused(text) == (
        Problem("x.yaml", 1, "(document)", "a scenario must be one YAML mapping, found no document"),
    )


@pytest.mark.parametrize(
    "text",
    [TINY_TEXT + "---\n" + TINY_TEXT, "---\n" + TINY_TEXT + "---\n", TINY_TEXT + "...\n---\n"],
    ids=["two-scenarios", "an-empty-second-document", "end-then-start"],
)
def test_several_documents_are_refused(text):
    assert _refused(text) == (
        Problem("x.yaml", 1, "(document)", "a scenario must be one YAML mapping, found several documents"),
    )


# --- encodings, BOMs and control characters


def test_a_utf8_bom_is_accepted_and_keeps_the_line_numbers():
    """A UTF-8 byte order mark is allowed by YAML and written by some Windows editors: it is accepted."""
    bom = b"\xef\xbb\xbf"
    assert parse_scenario(bom + TINY_TEXT.encode("utf-8")) == TINY
    assert parse_scenario("\ufeff" + TINY_TEXT) == TINY
    bad = _swap(TINY_TEXT, "    default: 50\n", "    default: 500\n")
    assert _refused(bom + bad.encode("utf-8")) == (
        Problem("x.yaml", 16, "drivers[0].default", "default 500 is outside [0, 100]"),
    )


def test_a_second_bom_becomes_part_of_the_first_key():
    # Only the first BOM is a byte order mark; the second is text, and the first key is then not "schema".
    problems = _refused(b"\xef\xbb\xbf\xef\xbb\xbf" + TINY_TEXT.encode("utf-8"))
    assert Problem("x.yaml", 1, "schema", "required field is missing") in problems
    unknown = [p for p in problems if p.message == "unknown key"]
    assert len(unknown) == 1
    assert unknown[0].line == 1
    assert "schema" in unknown[0].field and unknown[0].field != "schema"  # "\ufeffschema", maybe quoted


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (TINY_TEXT.encode("utf-16"), 1),  # with its BOM
        (TINY_TEXT.encode("utf-32"), 1),
        (TINY_TEXT.encode("latin-1"), 33),  # the first non-ASCII character: "Übersteigt" on line 33
        (TINY_TEXT.replace("Niveau", "Niv\udfffeau").encode("utf-8", "surrogatepass"), 20),  # a lone surrogate
        (TINY_TEXT.replace("Niveau", "Niv\ud800\udc00eau").encode("utf-8", "surrogatepass"), 20),  # CESU-8 pair
        (TINY_TEXT.encode("utf-8").replace(b"Niveau", b"Niv\xc0\xafeau"), 20),  # overlong "/"
        (TINY_TEXT.encode("utf-8").replace(b"Niveau", b"Niv\xf4\x90\x80\x80eau"), 20),  # above U+10FFFF
        (TINY_TEXT.encode("utf-8") + b"\xe2\x82", 46),  # truncated at the end
    ],
    ids=["utf-16-bom", "utf-32-bom", "latin-1", "lone-surrogate", "cesu-8", "overlong", "too-high", "truncated"],
)
def test_text_that_is_not_utf8_is_refused_at_its_line(data, line):
    assert _refused(data) == (Problem("x.yaml", line, "(document)", "file is not valid UTF-8"),)


def test_text_with_a_lone_surrogate_is_a_scenario_error():
    """A str holding a lone surrogate (from a decoder using "surrogateescape", or JSON "\\ud800") is refused
    as not UTF-8 at its line, a ScenarioError rather than a UnicodeEncodeError.
    """
    text = TINY_TEXT.replace("Niveau", "Niv\ud800eau")
    problems = _refused(text)
    assert (problems[0].line, problems[0].field) == (20, "(document)")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"], ids=["nul", "bel", "esc", "del", "fffe"])
def test_a_control_character_is_refused_on_its_line_in_one_line(char):
    """A character YAML forbids (NUL, ESC, ...) is refused at its own line with a one-line message, e.g.
    "not valid YAML: unacceptable character #x0000: ...", not at line 1 with PyYAML's two-line text.
    """
    text = TINY_TEXT.replace('de: "Niveau"', f'de: "Niv{char}eau"')
    problems = _refused(text.encode("utf-8"))
    assert len(problems) == 1
    assert problems[0].message.startswith(f"not valid YAML: unacceptable character #x{ord(char):04x}")
    assert "\n" not in problems[0].message
    assert (problems[0].line, problems[0].field) == (20, "(document)")


def test_escaped_control_characters_in_quoted_text_are_accepted():
    # YAML allows "\a" and "\e" escapes in double quotes; they reach the scenario as text.
    scenario = parse_scenario(_swap(TINY_TEXT, 'de: "Niveau"', 'de: "Niv\\ae\\eau"'))
    assert scenario.indicators[0].label.de == "Niv\x07e\x1bau"


@pytest.mark.parametrize(
    ("escape", "message"),
    [
        ("\\0", "text holds a NUL character (at position 4)"),
        # pydantic refuses it before the schema's own check can name it.
        ("\\ud800", "Input should be a valid string, unable to parse raw data as a unicode string"),
    ],
    ids=["nul", "surrogate"],
)
def test_escaped_text_no_store_backend_can_keep_is_refused_at_its_field(escape, message):
    # PostgreSQL refuses NUL in text and no backend encodes a lone surrogate: both are refused for every backend.
    problems = _refused(_swap(TINY_TEXT, 'de: "Niveau"', f'de: "Niv{escape}eau"'))
    assert [(p.line, p.field, p.message) for p in problems] == [(20, "indicators[0].label.de", message)]


def test_cli_prints_one_line_per_problem_even_for_keys_with_line_breaks(tmp_path):
    """A double-quoted key may hold any character through YAML escapes ("\\n", "\\e"); the CLI prints keys that
    are not printable escaped, so an unknown key is one line (never a forged 'FILE:LINE: field: message') and no
    ESC sequence reaches the terminal.
    """
    path = tmp_path / "keys.yaml"
    path.write_text(TINY_TEXT + '"a\\nforged.yaml:1: (document): ok": 1\n"\\e[2J": 1\n', encoding="utf-8")

    result = _validate(path)

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{path}:46: ")
    assert lines[1].startswith(f"{path}:47: ")
    assert all(line.endswith(": unknown key") for line in lines)
    assert "\x1b" not in result.stderr


def test_cli_prints_a_control_character_problem_on_one_line(tmp_path):
    """The CLI side of test_a_control_character_is_refused_on_its_line_in_one_line: one line, no traceback."""
    path = tmp_path / "nul.yaml"
    path.write_text(TINY_TEXT.replace('de: "Niveau"', 'de: "Niv\x00eau"'), encoding="utf-8")
    result = _validate(path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:20: (document): not valid YAML: unacceptable character #x0000")


# --- nesting and size


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: " + "[" * 120_000 + "]" * 120_000 + "\n", 1),
        ("a: " + "[" * (MAX_BYTES - 10) + "\n", 1),
        ("a: " + "{a: " * 60_000 + "\n", 1),
        ("a: " + "[{a: " * 50_000 + "\n", 1),
        ("- " * 120_000 + "x\n", 1),
        ("a:\n" + "".join(" " * n + "b:\n" for n in range(1, 700)) + " " * 700 + "c\n", MAX_DEPTH + 1),
        ("a:\n" + "".join(" " * n + "-\n" for n in range(1, 700)), MAX_DEPTH + 1),
    ],
    ids=[
        "flow-sequences",
        "unclosed-flow",
        "flow-mappings",
        "mixed-flow",
        "block-sequences",
        "block-mappings",
        "block-dashes",
    ],
)
def test_deep_nesting_of_every_kind_stops_at_the_depth_limit(text, line):
    """About 240 KB (under the 256 KiB limit) of nesting, 50,000 to 120,000 levels deep. PyYAML's handling of
    deep nesting is quadratic (see test_loader's 3.5 minutes for 100,000 brackets), so a loader that parsed all
    of it before counting levels would take minutes here; the streaming check stops after 33 levels.
    """
    assert len(text.encode("utf-8")) <= MAX_BYTES
    assert _refused(text) == (Problem("x.yaml", line, "(document)", f"nested deeper than {MAX_DEPTH} levels"),)


def test_nesting_at_the_depth_limit_is_only_a_schema_problem():
    text = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert _refused(text)[0].message == "required field is missing"
    assert all("nested" not in p.message for p in _refused(text))


def test_a_ten_megabyte_file_is_refused_by_its_size_before_parsing(tmp_path, monkeypatch):
    # Content that would be ruinous to parse (ten million unclosed brackets): only the size may be read.
    size = 10 * 1024 * 1024
    data = b"a: " + b"[" * (size - 3)
    path = tmp_path / "big.yaml"
    path.write_bytes(data)
    message = "file is 10,485,760 bytes; the limit is 262,144"

    assert _refused(data, "big.yaml") == (Problem("big.yaml", 1, "(document)", message),)
    assert _refused(data.decode("ascii"), "big.yaml") == (Problem("big.yaml", 1, "(document)", message),)

    def no_reading(self):
        raise AssertionError(f"{self} was read although its size is over the limit")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems == (Problem(str(path), 1, "(document)", message),)


def test_a_sparse_file_of_five_gigabytes_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:
        f.truncate(5 * 1024**3)  # sparse: nothing is written
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, "huge.yaml")
    assert info.value.problems == (Problem("huge.yaml", 1, "(document)", "file is 5,368,709,120 bytes; " + LIMIT),)


def test_a_string_of_multibyte_characters_is_measured_in_bytes():
    text = "a: " + "ü" * (MAX_BYTES // 2)  # under the limit in characters, over it in UTF-8 bytes
    assert len(text) < MAX_BYTES < len(text.encode("utf-8"))
    size = len(text.encode("utf-8"))
    assert _refused(text) == (Problem("x.yaml", 1, "(document)", f"file is {size:,} bytes; " + LIMIT),)


# --- 4. scenario text never becomes markup -------------------------------------------------------------------

ATTACK = "<script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:alert(1)) **bold** $x$ :red[x]"
# Letters only, so that they survive md_escape and can be found wherever the text lands.
MARKERS = (
    "Ztitle",
    "Zsummary",
    "Zlabel",
    "Zunit",
    "Zdescription",
    "Zquote",
    "Zindicator",
    "Zpreset",
    "Zquestion",
    "Zevent",
)
# Pieces of ATTACK that would be markup if they reached Markdown (or Plotly's HTML subset) unescaped.
RAW_MARKUP = ("<script", "<img", "[link]", "](javascript", "**bold**", "$x$", ":red[")


def _hostile(marker: str) -> str:
    return f"{marker} {ATTACK}"


def hostile_yaml() -> str:
    """The seed scenario with every kind of human-facing text replaced by ATTACK, by text replacement."""
    driver = SEED.drivers[0]
    question = SEED.questions[0]
    indicator = SEED.indicator(question.indicator)
    baseline = SEED.preset("baseline")
    event = SEED.events[0]
    text = SEED_TEXT
    for marker, texts in (
        ("Ztitle", SEED.title),
        ("Zlabel", driver.label),
        ("Zdescription", driver.description),
        ("Zindicator", indicator.label),
        ("Zpreset", baseline.label),
        ("Zquestion", question.text),
        ("Zevent", event.label),
    ):
        for lang_text in (texts.en, texts.de):
            text = _swap(text, f'"{lang_text}"', f'"{_hostile(marker)}"')
    text = _swap(text, f'quote: "{driver.source.quote}"', f'quote: "{_hostile("Zquote")}"', count=None)
    unit = f"{{en: {driver.unit.en}, de: {driver.unit.de}}}"
    text = _swap(text, f"    unit: {unit}\n", f'    unit: {{en: "{_hostile("Zunit")}", de: "{_hostile("Zunit")}"}}\n')
    text, found = re.subn(
        r"^summary:\n(?:  .*\n)+",
        f'summary: {{en: "{_hostile("Zsummary")}", de: "{_hostile("Zsummary")}"}}\n',
        text,
        flags=re.M,
    )
    assert found == 1
    return text


def _hostile_scenario() -> Scenario:
    scenario = parse_scenario(hostile_yaml(), "hostile.yaml")
    driver, question = scenario.drivers[0], scenario.questions[0]
    for got, marker in (
        (scenario.title.en, "Ztitle"),
        (scenario.summary.de, "Zsummary"),
        (driver.label.en, "Zlabel"),
        (driver.unit_in("de"), "Zunit"),
        (driver.description.en, "Zdescription"),
        (driver.source.quote, "Zquote"),
        (scenario.indicator(question.indicator).label.de, "Zindicator"),
        (scenario.preset("baseline").label.en, "Zpreset"),
        (question.text.en, "Zquestion"),
        (scenario.events[0].label.de, "Zevent"),
    ):
        assert got == _hostile(marker)
    return scenario


def _bare(text: str) -> str:
    """`text` without its backslash escapes: what is left is what Markdown would read as syntax."""
    return re.sub(r"\\.", "", text, flags=re.DOTALL)


def _strings(value, key: str = ""):
    """(field name, string) for every string in a MessageToDict or JSON tree."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


def _nodes(node):
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _nodes(child)


# Proto fields Streamlit renders as Markdown: st.markdown/caption/title bodies, alerts, metric value and
# delta, every widget, expander and tab label and help tooltip, and the options of the widgets that show
# them as labels (radio, select_slider, pills, segmented control). Selectbox and multiselect options and
# dataframe cells are plain text.
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "captions"}
MARKDOWN_OPTIONS = {"radio", "select_slider", "button_group"}


class PageText:
    """Everything the page sends to the browser, sorted by how it is rendered."""

    def __init__(self):
        self.markdown: list[tuple[str, str, str]] = []  # (element type, field, text)
        self.plain: list[str] = []
        self.charts: list[str] = []
        self.raw_html: list[str] = []

    def read(self, at: AppTest) -> None:
        assert [e.message for e in at.exception] == []
        for node in _nodes(at._tree):
            proto = getattr(node, "proto", None)
            kind = getattr(node, "type", type(node).__name__)
            if proto is None:
                continue
            # The page's own static style sheet is the one raw HTML allowed: it holds no scenario text.
            if kind in ("html", "iframe") and not (kind == "html" and proto.body == page_style.CSS):
                self.raw_html.append(kind)
            if kind == "plotly_chart":
                self.charts += [s for _, s in _strings(json.loads(proto.spec))]
                continue
            if kind == "arrow_data_frame":
                frame = node.value
                self.plain += [str(c) for c in frame.columns]
                # Column labels shown through the column config are plain text too.
                config = json.loads(proto.columns or "{}")
                self.plain += [str(c.get("label", "")) for c in config.values() if c.get("label")]
                self.plain += [str(v) for column in frame.columns for v in frame[column]]
                continue
            fields = MessageToDict(proto, preserving_proto_field_name=True)
            if fields.get("allow_html") or fields.get("unsafe_allow_html"):
                self.raw_html.append(f"{kind} allows HTML")
            for key, text in _strings(fields):
                if key in MARKDOWN_FIELDS or (key == "options" and kind in MARKDOWN_OPTIONS):
                    self.markdown.append((kind, key, text))
                else:
                    self.plain.append(text)

    def unescaped_markdown(self) -> list[tuple[str, str, str]]:
        """Distinct (element type, field, text) whose text has markup left after its escapes are taken out."""
        found = {item for item in self.markdown if any(raw in _bare(item[2]) for raw in RAW_MARKUP)}
        return sorted(found)

    def raw_in_charts(self) -> list[str]:
        return [text for text in self.charts if "<script" in text or "<img" in text]

    def markers(self) -> set[str]:
        everything = [text for _, _, text in self.markdown] + self.plain + self.charts
        return {m for m in MARKERS if any(m in text for text in everything)}


@pytest.fixture
def hostile_project(tmp_path, monkeypatch):
    """A scenarios folder holding only the hostile scenario, which the page reads through SCENARIO_FOLDER."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(hostile_yaml(), encoding="utf-8")
    monkeypatch.setenv(SCENARIOS_DIR_ENV, str(folder))
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    yield folder
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()


def _widget(widgets, label: str):
    matches = [w for w in widgets if w.label == label]
    assert len(matches) == 1, [w.label for w in widgets]
    return matches[0]


def test_hostile_scenario_text_is_escaped_on_every_tab(hostile_project):
    """Every text of the scenario carries HTML, a javascript: link, bold, LaTeX and a colour directive. On every
    tab (and in the sidebar, the link notices, the Why tab's details and Sobol results) nothing of it reaches a
    Markdown-rendering field unescaped, and chart specs hold it only as &lt;...&gt; entities. That includes the
    question cards' delta, which names the reference preset and which st.metric renders as Markdown.
    """
    scenario = _hostile_scenario()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    # A hostile link too: its notices are Markdown.
    at.query_params.update(
        {
            "scenario": scenario.id,
            "preset": "baseline",
            "lang": ":red[x] <script>",
            "[link](javascript:alert(1))": "**bold**",
            "<img src=x onerror=alert(1)>": "$x$",
            "d.troops_deployed": ATTACK,
            "compare": f"baseline,{ATTACK}",
        }
    )
    page = PageText()
    at.run()
    page.read(at)
    assert len(at.warning) == 1  # the link notices

    # Move a slider off the preset: the sidebar then names the preset.
    at.slider(key=f"drv:{scenario.id}:{scenario.drivers[0].id}").set_value(500)
    for key in TAB_KEYS:
        at.session_state["main_tab"] = t(key, "en")
        at.run()
        page.read(at)
    modified = t("modified_preset", "en", preset=md_escape(_hostile("Zpreset")))
    assert modified in [c.value for c in at.caption]

    # The Why tab's details: a driver, an indicator and an impact; the probability tornado; Sobol indices.
    # (The loop above ends on the last tab, which is no longer Why: open it first.)
    at.session_state["main_tab"] = t("tab_why", "en")
    at.run()
    _widget(at.radio, t("why_metric", "en")).set_value("probability")
    _widget(at.selectbox, t("why_sobol_n", "en")).set_value(32)
    _widget(at.selectbox, t("why_inspect", "en")).set_value(f"node:{scenario.drivers[0].id}")
    at.run()
    _widget(at.button, t("why_sobol_run", "en")).click()
    at.run()
    page.read(at)
    for option in (f"node:{scenario.questions[0].indicator}", "edge:0"):
        _widget(at.selectbox, t("why_inspect", "en")).set_value(option)
        at.run()
        page.read(at)

    # The same in German.
    at.radio(key="lang").set_value("de")
    at.session_state["main_tab"] = t("tab_projection", "de")
    at.run()
    page.read(at)

    # The Why tab's detail of the driver was shown, escaped.
    assert ("markdown", "body") in {(kind, key) for kind, key, text in page.markdown if "Zdescription" in text}
    assert page.markers() == set(MARKERS)
    assert page.raw_html == []
    raw = page.raw_in_charts()
    assert raw == [], "\n".join(map(repr, raw))
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in text for text in page.charts)
    unescaped = page.unescaped_markdown()
    assert unescaped == [], "\n".join(map(repr, unescaped))


def test_the_briefing_pack_escapes_hostile_scenario_text():
    from engine.ensemble import run_ensemble
    from present.briefing import briefing_html
    from ui.panels import projection_figures

    scenario = _hostile_scenario()
    values = scenario.defaults()
    result = run_ensemble(Model.of(scenario), values, runs=100, seed=1)
    figures = [fig for _, fig in projection_figures(scenario, result.bands, "en")]
    for fig in figures:
        texts = [s for _, s in _strings(json.loads(fig.to_json()))]
        assert [s for s in texts if "<script" in s or "<img" in s] == []
        assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in texts)

    page = briefing_html(
        Model.of(scenario),
        values,
        result.questions,
        {scenario.preset("baseline").label.en: result.questions},
        scenario.preset("baseline").label.en,
        figures,
        100,
        1,
        "en",
        link="https://example.org/?scenario=dprk-russia-2024&x=<script>alert(1)</script>",
        static=False,  # the interactive fallback; the static formats: tests/test_briefing_formats.py
    )

    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert 'href="javascript' not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # Every text the pack shows is there (escaped); the driver description is not part of the pack.
    assert {m for m in MARKERS if m in page} == set(MARKERS) - {"Zdescription"}
    # The only script elements are Plotly's library and its chart calls (the projections and the tornado).
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts[0] == '<script type="text/javascript">'
    assert scripts[1:] == ["<script>"] * (len(figures) + 1)


# --- 5. no raw HTML output path in the page's source ---------------------------------------------------------

# Streamlit calls whose text is Markdown and that took unsafe_allow_html at some point.
MARKDOWN_CALLS = {"markdown", "write", "caption", "title", "header", "subheader", "text", "latex", "metric"}
MARKDOWN_CALLS |= {"info", "warning", "error", "success", "toast", "help"}
PAGE_SOURCES = [REPO / "dashboard.py", *sorted((REPO / "ui").rglob("*.py")), *sorted((REPO / "present").rglob("*.py"))]


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return "?"


@pytest.mark.parametrize("path", PAGE_SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_page_has_no_raw_html_output(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    found = []
    for call in _calls(tree):
        name = _dotted(call.func)
        # The one exception: st.html(page_style.CSS), the page's static style sheet (no scenario text).
        if name == "st.html" and [_dotted(a) for a in call.args] == ["page_style.CSS"] and not call.keywords:
            continue
        # st.html, st.components.v1.html, components.html, v1.html, iframe and custom components
        if name.split(".")[-1] in ("html", "iframe", "declare_component"):
            found.append(f"{path.name}:{call.lineno}: {name}(...)")
        for keyword in call.keywords:
            if keyword.arg in ("unsafe_allow_html", "allow_html"):
                found.append(f"{path.name}:{call.lineno}: {name}({keyword.arg}=...)")
            if keyword.arg is None and name.split(".")[-1] in MARKDOWN_CALLS:
                # **kwargs could carry unsafe_allow_html past this check
                found.append(f"{path.name}:{call.lineno}: {name}(**...)")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit.components"):
            found.append(f"{path.name}:{node.lineno}: from {node.module} import ...")
        if isinstance(node, ast.Import):
            found += [
                f"{path.name}:{node.lineno}: import {a.name}"
                for a in node.names
                if a.name.startswith("streamlit.components")
            ]
    assert found == []
    assert "unsafe_allow_html" not in source
    assert "components.v1" not in source


def test_the_static_check_sees_every_page_module():
    names = {p.name for p in PAGE_SOURCES}
    assert {"dashboard.py", "panels.py", "sidebar.py", "charts.py", "briefing.py", "text.py"} <= names
