"""The safe YAML loader: every bad file is refused with file, line, field and a precise message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.loader import MAX_BYTES, Problem, ScenarioError, load_scenario, parse_scenario, scenario_files
from engine.schema import Scenario

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"

# file in tests/data/bad -> the first problem reported: (line, field, message).
# Every bad file starts with a one-line comment, so its lines are those of the base file plus one.
BAD_FILES = {
    "unknown-key": (12, "drivers[0].colour", "unknown key"),
    "unknown-key-flow": (24, "impacts[0].colour", "unknown key"),
    "unknown-impact-from": (24, "impacts[0].from", "unknown driver or indicator 'nowhere'"),
    "unknown-impact-to": (24, "impacts[0].to", "unknown indicator 'nowhere'"),
    "impact-to-driver": (
        24,
        "impacts[0].to",
        "unknown indicator 'push' (drivers are exogenous and cannot be impacted)",
    ),
    "unknown-question-indicator": (28, "questions[0].indicator", "unknown indicator 'nowhere'"),
    "unknown-event-target": (26, "events[0].target", "unknown driver or indicator 'nowhere'"),
    "unknown-preset-driver": (28, "presets[0].values.pull", "unknown driver 'pull'"),
    "duplicate-id": (23, "indicators[1].id", "duplicate id 'level' (first at indicators[0])"),
    "min-not-below-max": (13, "drivers[0].min", "min 100 must be below max 100"),
    "default-outside-range": (16, "drivers[0].default", "default 150 is outside [0, 100]"),
    "preset-outside-range": (28, "presets[0].values.push", "value 101 is outside [0, 100]"),
    "weight-outside-range": (24, "impacts[0].weight", "weight 0.9 is outside its range [0.25, 0.75]"),
    "missing-field": (9, "drivers[0].unit", "required field is missing"),
    "wrong-type": (7, "horizon_weeks", "Input should be a valid integer"),
    "schema-version": (2, "schema", "Input should be 1 or 2"),
    "nan": (16, "drivers[0].default", "Input should be a finite number"),
    "infinity": (24, "impacts[0].weight", "Input should be a finite number"),
    "event-set-and-add": (26, "events[0]", "an event needs exactly one of 'set', 'add' or 'from' (a ramp)"),
    "duplicate-key": (17, "drivers[0].default", "duplicate key"),
    "alias": (20, "(document)", "YAML anchor '&lab' is not allowed"),
    "billion-laughs": (2, "(document)", "YAML anchor '&a0' is not allowed"),
    "syntax-error": (15, "(document)", "not valid YAML: mapping values are not allowed here"),
    # Syntax errors at the line where the mistake starts (tests/data/tiny2.yaml with one mistake each), which
    # is the opening quote or bracket, or the key, rather than where PyYAML gives up.
    "syntax-quote-never-closed": (94, "(document)", "not valid YAML: the quote opened here (column 61) is not closed"),
    "syntax-quote-runs-on": (
        11,
        "(document)",
        "not valid YAML: the quote opened here (column 29) is not closed on this line; "
        "the text runs on to line 13: expected ',' or '}', but got '<scalar>'",
    ),
    "syntax-quote-closed-early": (
        11,
        "(document)",
        "not valid YAML: expected ',' or '}', but got '<scalar>': the quote opened at column 17 closes at "
        "column 28 and text follows it directly (is a closing quote missing before it?)",
    ),
    "syntax-brace-not-closed": (
        11,
        "(document)",
        "not valid YAML: the '{' opened at line 11, column 12 is still open at the end of this line "
        "(a ',' or its closing bracket is missing?); PyYAML stops at line 12: expected ',' or '}', but got '<scalar>'",
    ),
    "syntax-wrong-bracket": (
        49,
        "(document)",
        "not valid YAML: the '[' opened here (column 49) is not closed before the '}' at line 50, column 41",
    ),
    "syntax-key-without-colon": (7, "(document)", "not valid YAML: could not find expected ':'"),
    "syntax-first-key-without-colon": (
        2,
        "(document)",
        "not valid YAML: the text that starts here runs on to line 3 (a ':' missing on this line?); "
        "PyYAML stops at line 3: mapping values are not allowed here",
    ),
    # Inside a quoted text PyYAML's own mark is the precise one: the bad escape, not where the text opened.
    "syntax-bad-escape": (56, "(document)", "not valid YAML: found unknown escape character 'q'"),
    "python-object": (
        12,
        "drivers[0].unit",
        "unsupported value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    "python-object-mapping": (6, "source", "unsupported tag 'tag:yaml.org,2002:python/object:builtins.dict'"),
    "python-object-sequence": (
        6,
        "source.cited_outlets",
        "unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    "empty": (1, "(document)", "a scenario must be one YAML mapping, found no document"),
    "list": (1, "(document)", "a scenario must be one YAML mapping, found not a mapping"),
    "two-documents": (1, "(document)", "a scenario must be one YAML mapping, found several documents"),
    # Schema 2's rules, each planted in tests/data/tiny2.yaml (schema 1's in tests/data/tiny.yaml).
    "schema2-levels-not-ascending": (
        36,
        "indicators[0].scale[1].level",
        "level 10 is not above the one before it (20)",
    ),
    "schema2-two-levels": (43, "indicators[1].scale", "a scale needs at least three levels, found 2"),
    "schema2-threshold-not-a-level": (
        57,
        "questions[0].threshold",
        "threshold 55 is not a level of 'level' (20, 50, 80)",
    ),
    "schema2-ramp-on-indicator": (
        66,
        "events[0].from",
        "a ramp moves a driver; 'level' is an indicator (use set or add)",
    ),
    "schema2-ramp-past-horizon": (66, "events[0].over", "the ramp ends at week 11, after the horizon (10)"),
    "schema2-ramp-from-outside-range": (66, "events[0].from", "value 2000 is outside [0, 1000] of 'push'"),
    "schema2-ramp-and-event": (
        67,
        "events[1].target",
        "'push' has a ramp (events[0]); a ramped driver takes no other event",
    ),
    "schema2-ramp-and-set": (66, "events[0]", "an event needs exactly one of 'set', 'add' or 'from' (a ramp)"),
    "schema2-ramp-without-over": (66, "events[0]", "a ramp needs both 'from' and 'over'"),
    "schema2-check-unknown-indicator": (78, "checks[0].indicator", "unknown indicator 'nowhere'"),
    "schema2-check-unknown-driver": (77, "checks[0].set.pull", "unknown driver 'pull'"),
    "schema2-check-unknown-preset": (90, "checks[2].reference", "unknown preset 'nowhere' (known: baseline, low)"),
    "schema2-check-two-conditions": (
        75,
        "checks[0]",
        "a check needs exactly one of below, above, below_reference, above_reference (found: below, above)",
    ),
    "schema2-check-no-condition": (
        75,
        "checks[0]",
        "a check needs exactly one of below, above, below_reference, above_reference (found: none)",
    ),
    "schema2-check-compares-with-itself": (
        85,
        "checks[1].above_reference",
        "a comparison with the reference run needs 'set' or 'reference', or it compares a run with itself",
    ),
    "schema2-source-both-forms": (
        28,
        "drivers[1].source",
        "a source is either a quote (quote, section) or a judgement, not both",
    ),
    "schema2-source-neither-form": (
        38,
        "indicators[0].source",
        "a source needs either 'quote' and 'section' or 'judgement'",
    ),
    "schema2-self-impact-quoted": (
        51,
        "impacts[2].source",
        "the article never states a self-impact's size: its source must be a judgement",
    ),
    "schema2-missing-scale": (30, "indicators[0].scale", "required field is missing (schema 2: at least three levels)"),
    "schema2-missing-initial-source": (
        30,
        "indicators[0].initial_source",
        "required field is missing (schema 2: why it starts there)",
    ),
    "schema2-initial-quote-without-number": (
        42,
        "indicators[1].initial_source.quote",
        "a quote with no number in it cannot state a starting level: use a judgement",
    ),
    "schema2-unit-in-one-language": (
        13,
        "drivers[0].unit",
        "schema 2 needs the unit in both languages: {en: ..., de: ...}",
    ),
    "schema1-with-scale": (23, "indicators[0].scale", "scale needs 'schema: 2' (this file says schema 1)"),
    "schema1-with-ramp": (39, "events[0].from", "a ramp needs 'schema: 2' (this file says schema 1)"),
}


def _problems(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_every_bad_file_has_an_expectation():
    assert {p.stem for p in BAD.glob("*.yaml")} == set(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_first_problem(name):
    line, field, message = BAD_FILES[name]
    path = BAD / f"{name}.yaml"
    problems = _problems(path)
    assert problems[0] == Problem(str(path), line, field, message)
    for p in problems:
        assert p.file == str(path)
        assert type(p.line) is int and p.line >= 1


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_text_gives_the_same_problem_through_parse_scenario(name):
    line, field, message = BAD_FILES[name]
    with pytest.raises(ScenarioError) as info:
        parse_scenario((BAD / f"{name}.yaml").read_bytes(), "given.yaml")
    assert info.value.problems[0] == Problem("given.yaml", line, field, message)


def test_scenario_error_is_a_value_error_and_lists_every_problem():
    problems = _problems(BAD / "alias.yaml")
    path = str(BAD / "alias.yaml")
    assert problems == (
        Problem(path, 20, "(document)", "YAML anchor '&lab' is not allowed"),
        Problem(path, 24, "(document)", "YAML alias '*lab' is not allowed"),
    )
    err = ScenarioError(problems)
    assert isinstance(err, ValueError)
    assert str(err) == (
        f"{path}:20: (document): YAML anchor '&lab' is not allowed\n"
        f"{path}:24: (document): YAML alias '*lab' is not allowed"
    )


def test_problem_str_is_file_line_field_message():
    assert str(Problem("a.yaml", 7, "drivers[2].min", "boom")) == "a.yaml:7: drivers[2].min: boom"


def test_billion_laughs_is_refused_without_expanding():
    problems = _problems(BAD / "billion-laughs.yaml")
    assert all(p.field == "(document)" for p in problems)
    assert all("alias" in p.message or "anchor" in p.message for p in problems)
    assert any(p.message == "YAML alias '*a0' is not allowed" for p in problems)
    # The loader stops collecting after 20 problems instead of listing all 91 aliases.
    assert len(problems) == 20


def test_a_driver_error_is_not_followed_by_a_bogus_length_error():
    """One bad key in the only driver must not also report 'drivers: Tuple should have at least 1 item'.

    pydantic counts only the items that validated, so a list whose items all failed is "too short" too;
    that second problem at the `drivers:` line would mislead (found in commit 26ca367).
    """
    path = BAD / "unknown-key.yaml"
    assert _problems(path) == (Problem(str(path), 12, "drivers[0].colour", "unknown key"),)


@pytest.mark.parametrize(
    ("name", "line", "field", "tag"),
    [
        ("python-object-mapping", 6, "source", "tag:yaml.org,2002:python/object:builtins.dict"),
        ("python-object-sequence", 6, "source.cited_outlets", "tag:yaml.org,2002:python/object/apply:os.system"),
    ],
)
def test_python_tags_on_collections_are_refused(name, line, field, tag):
    """A !!python/... tag on a mapping or a sequence is refused, as yaml.safe_load would.

    Composing alone keeps the tag only on the node, so a loader that checks tags on scalars only
    would silently drop it and accept the file (found in commit 26ca367).
    """
    path = BAD / f"{name}.yaml"
    problems = _problems(path)
    assert problems[0].line == line
    assert problems[0].field == field
    assert tag in problems[0].message


def test_invalid_utf8_names_the_line(tmp_path):
    good = (DATA / "tiny.yaml").read_bytes()
    lines = good.split(b"\n")
    assert lines[19] == b'    label: {en: "Level", de: "Niveau"}'
    lines[19] = b'    label: {en: "Level", de: "Niv\xffeau"}'
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"\n".join(lines))
    assert _problems(path) == (Problem(str(path), 20, "(document)", "file is not valid UTF-8"),)


def test_file_over_256_kib_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    # Valid YAML padded with a comment: only the size is wrong.
    text = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    path.write_text(text + "#" * (MAX_BYTES + 1 - len(text.encode("utf-8"))), encoding="utf-8")
    assert path.stat().st_size == MAX_BYTES + 1 == 262_145
    expected = Problem(str(path), 1, "(document)", "file is 262,145 bytes; the limit is 262,144")
    assert _problems(path) == (expected,)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(path.read_bytes(), str(path))
    assert info.value.problems == (expected,)


def test_file_of_exactly_256_kib_is_read(tmp_path):
    path = tmp_path / "edge.yaml"
    text = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    path.write_text(text + "#" * (MAX_BYTES - len(text.encode("utf-8"))), encoding="utf-8")
    assert path.stat().st_size == MAX_BYTES
    assert load_scenario(path).id == "tiny"


def test_missing_file_is_a_scenario_error(tmp_path):
    path = tmp_path / "absent.yaml"
    assert _problems(path) == (Problem(str(path), 1, "(document)", "cannot read file: No such file or directory"),)


@pytest.mark.parametrize("data", ["", b"", "# only a comment\n", "\n\n"])
def test_no_document(data):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "x.yaml")
    assert info.value.problems == (
        Problem("x.yaml", 1, "(document)", "a scenario must be one YAML mapping, found no document"),
    )


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("schema: 1\nid: x\nextra: 1\n", 3, "extra", "unknown key"),
        ("schema: 1\nschema: 1\n", 2, "schema", "duplicate key"),
        (
            "a: !!python/name:os.system ''\n",
            1,
            "a",
            "unsupported value: could not determine a constructor for the tag ",
        ),
        ("? [1, 2]\n: x\n", 1, "(document)", "a key must be a plain name"),
    ],
)
def test_inline_bad_yaml(text, line, field, message):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "x.yaml")
    # Other problems (missing required fields) may come first; this one must be among them.
    matching = [p for p in info.value.problems if (p.file, p.line, p.field) == ("x.yaml", line, field)]
    assert len(matching) == 1
    assert matching[0].message.startswith(message)


def test_deep_nesting_is_refused():
    text = "a: " + "[" * 40 + "]" * 40 + "\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "x.yaml")
    assert info.value.problems[0].message == "nested deeper than 32 levels"


def test_very_deep_nesting_is_refused_at_the_depth_limit():
    """Deep flow nesting is refused at the depth limit (MAX_DEPTH) while the YAML events stream in.

    A denial-of-service guard: PyYAML takes time quadratic in the flow depth, so a limit applied only after
    parsing let a 200 KB file of 100,000 brackets (under the 256 KiB limit) run for minutes before ending in
    RecursionError; checked while streaming, parsing stops after 33 levels with this message.
    """
    text = "a: " + "[" * 2000 + "]" * 2000 + "\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "x.yaml")
    assert info.value.problems[0].message == "nested deeper than 32 levels"


def test_several_problems_are_all_reported_with_their_own_lines():
    text = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    text = text.replace("    default: 50\n", "    default: 500\n").replace("by_week: 5", "by_week: 11")
    text = text.replace("values: {push: 90}", "values: {push: -1}")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    assert info.value.problems == (
        Problem("t.yaml", 16, "drivers[0].default", "default 500 is outside [0, 100]"),
        Problem("t.yaml", 36, "questions[0].by_week", "week 11 is after the horizon (10)"),
        Problem("t.yaml", 45, "presets[1].values.push", "value -1 is outside [0, 100]"),
    )


def _tiny2_with(*swaps: tuple[str, str]) -> str:
    text = (DATA / "tiny2.yaml").read_text(encoding="utf-8")
    for old, new in swaps:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


# Four independent mistakes in tests/data/tiny2.yaml: two that pydantic refuses (a missing label.de, a negative
# step) and two that only the cross-checks find (an impact to an unknown indicator, a threshold off the scale).
FOUR_MISTAKES = (
    ('label: {en: "Push", de: "Schub"}', 'label: {en: "Push"}'),
    ("{from: level, to: echo,", "{from: level, to: nowhere,"),
    ("    threshold: 50\n", "    threshold: 55\n"),
    ("    step: 5\n", "    step: -5\n"),
)


def test_every_problem_is_reported_in_one_pass():
    """The cross-checks run even though pydantic refuses two fields, and every problem comes at once.

    They used to run only once the whole file validated (or only unknown keys were wrong): a student who
    forgot label.de saw that one problem, and the other three only after fixing it.
    """
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_tiny2_with(*FOUR_MISTAKES), "t.yaml")
    assert info.value.problems == (
        Problem("t.yaml", 11, "drivers[0].label.de", "required field is missing"),
        Problem("t.yaml", 25, "drivers[1].step", "Input should be greater than 0"),
        Problem("t.yaml", 52, "impacts[3].to", "unknown indicator 'nowhere'"),
        Problem("t.yaml", 57, "questions[0].threshold", "threshold 55 is not a level of 'level' (20, 50, 80)"),
    )


def test_cli_validate_lists_every_problem_of_a_file(tmp_path, repo_root):
    path = tmp_path / "four.yaml"
    path.write_text(_tiny2_with(*FOUR_MISTAKES), encoding="utf-8")
    result = _validate(path, cwd=repo_root)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:11: drivers[0].label.de: required field is missing\n"
        f"{path}:25: drivers[1].step: Input should be greater than 0\n"
        f"{path}:52: impacts[3].to: unknown indicator 'nowhere'\n"
        f"{path}:57: questions[0].threshold: threshold 55 is not a level of 'level' (20, 50, 80)\n"
    )


def test_problems_are_sorted_by_line():
    # A cross-check problem (line 17) before a field pydantic refuses (line 55): reported in the file's order.
    text = _tiny2_with(
        ("    default: 800\n", "    default: 2000\n"),
        (
            'text: {en: "Does the level get busy?", de: "Wird das Niveau belebt?"}',
            'text: {en: "Does the level get busy?"}',
        ),
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    assert info.value.problems == (
        Problem("t.yaml", 17, "drivers[0].default", "default 2000 is outside [0, 1000]"),
        Problem("t.yaml", 55, "questions[0].text.de", "required field is missing"),
    )


def test_a_check_that_needs_a_refused_field_is_skipped_not_guessed():
    """min refused (a quoted number): its range check cannot be made, and no bogus "outside [.., ..]" appears;
    the checks that do not need min (here: the unknown preset driver) still run."""
    text = _tiny2_with(
        ("    min: 0\n    max: 1000\n", "    min: '0'\n    max: 1000\n"),
        ("{push: 100, calm: 80}", "{push: 100, nope: 80}"),
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    assert info.value.problems == (
        Problem("t.yaml", 14, "drivers[0].min", "Input should be a valid number"),
        Problem("t.yaml", 73, "presets[1].values.nope", "unknown driver 'nope'"),
    )


def test_a_refused_id_keeps_references_to_it_from_being_called_unknown():
    # The level's id is refused: an impact to 'Level' might mean it, so no "unknown indicator" is claimed; the
    # impact's reversed range needs no id and is still reported.
    text = _tiny2_with(
        ("  - id: level\n", "  - id: Level\n"),
        ("range: [0.2, 0.6]", "range: [0.6, 0.2]"),
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    assert info.value.problems == (
        Problem("t.yaml", 30, "indicators[0].id", "String should match pattern '^[a-z][a-z0-9_-]{0,63}$'"),
        Problem("t.yaml", 52, "impacts[3].range", "range [0.6, 0.2] is reversed"),
    )


def test_yaml_value_problems_no_longer_hide_the_rest():
    """A duplicate key or a value the YAML reader cannot build is reported with every other problem, and
    pydantic does not report that value a second time."""
    text = _tiny2_with(
        ("    step: 50\n", "    step: 50\n    step: 60\n"),
        ("    max: 100\n", "    max: !!int x\n"),
        ("{from: level, to: echo,", "{from: level, to: nowhere,"),
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    assert info.value.problems == (
        Problem("t.yaml", 17, "drivers[0].step", "duplicate key"),
        Problem(
            "t.yaml",
            25,
            "drivers[1].max",
            "unsupported value: not a valid int (ValueError: invalid literal for int() with base 10: 'x')",
        ),
        Problem("t.yaml", 53, "impacts[3].to", "unknown indicator 'nowhere'"),
    )


def test_a_field_behind_an_unreadable_key_is_not_called_missing():
    # The merge key cannot be read, and the unit it holds is then not "missing": that is the one problem.
    text = (DATA / "tiny.yaml").read_text(encoding="utf-8").replace('    unit: "%"\n', '    <<: {unit: "%"}\n')
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    assert info.value.problems == (
        Problem(
            "t.yaml",
            12,
            "drivers[0]",
            "unsupported value: could not determine a constructor for the tag 'tag:yaml.org,2002:merge'",
        ),
    )


@pytest.mark.parametrize("name", sorted(n for n in BAD_FILES if n.startswith("syntax")))
def test_a_syntax_error_is_the_only_problem(name):
    # Nothing can be read past a syntax error: one problem, and no guesses about the fields.
    assert len(_problems(BAD / f"{name}.yaml")) == 1


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # The brief's example: the quote after "Tension" is missing, the one before "Spannung" closes the text.
        (
            'a: 1\nlabel: {en: "Tension, de: "Spannung"}\n',
            2,
            "expected ',' or '}', but got '<scalar>': the quote opened at column 13 closes at column 27 and text "
            "follows it directly (is a closing quote missing before it?)",
        ),
        ("a: 1\nb: 'never closed\nc: 3\n", 2, "the quote opened here (column 4) is not closed"),
        ('a: 1\nb: "never closed\n---\nc: 3\n', 2, "the quote opened here (column 4) is not closed"),
        (
            "a: [1, 2\nb: 3\n",
            1,
            "the '[' opened at line 1, column 4 is still open at the end of this line (a ',' or its closing bracket "
            "is missing?); PyYAML stops at line 2: expected ',' or ']', but got ':'",
        ),
        # Legal flow collections over several lines are not blamed: the error is where PyYAML says.
        ("a: {b: 1,\n   c: 2 d: 3}\n", 2, "expected ',' or '}', but got ':'"),
        ("a: [\n  1,\n  2\n]\nb: c: d\n", 5, "mapping values are not allowed here"),
        # A long quoted text wrapped over two lines swallows no key: it is not blamed for what comes after it.
        ('a: "long\n  text"\n b: 1\n', 3, "expected <block end>, but found '<block mapping start>'"),
        ('a: {b: "long\n  text" c: 1}\n', 2, "expected ',' or '}', but got '<scalar>'"),
        # A value (not a key) that runs on: the next line is indented too far, as PyYAML says.
        ("a: 1\n b: 2\n", 2, "mapping values are not allowed here"),
    ],
    ids=[
        "closed-early",
        "single-quote",
        "document-separator",
        "bracket",
        "multi-line-flow",
        "closed-flow",
        "wrapped-quote",
        "wrapped-quote-in-flow",
        "indent",
    ],
)
def test_syntax_error_lines(text, line, message):
    assert _first_problems(text) == (Problem("f.yaml", line, "(document)", f"not valid YAML: {message}"),)


def test_a_failing_second_look_at_a_syntax_error_keeps_pyyamls_line(monkeypatch):
    import engine.loader as loader

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("no")

    monkeypatch.setattr(loader, "_tokens_before", broken)
    problems = _problems(BAD / "syntax-quote-runs-on.yaml")
    assert [(p.line, p.message) for p in problems] == [(13, "not valid YAML: expected ',' or '}', but got '<scalar>'")]


def test_cross_checks_that_fail_unexpectedly_leave_the_field_problems(monkeypatch):
    import engine.loader as loader

    def broken(_data):
        raise ZeroDivisionError("no")

    monkeypatch.setattr(loader, "check_data", broken)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_tiny2_with(*FOUR_MISTAKES), "t.yaml")
    assert [p.field for p in info.value.problems] == ["drivers[0].label.de", "drivers[1].step"]


def test_good_file_loads_from_path_bytes_and_text():
    path = DATA / "tiny.yaml"
    from_path = load_scenario(path)
    assert isinstance(from_path, Scenario)
    assert from_path == parse_scenario(path.read_bytes()) == parse_scenario(path.read_text(encoding="utf-8"))
    assert [d.id for d in from_path.drivers] == ["push"]
    assert [i.id for i in from_path.indicators] == ["level", "echo"]
    assert from_path.impacts[0].source_id == "push"
    assert from_path.impacts[0].target == "level"
    assert from_path.impacts[0].range == (0.25, 0.75)


def test_scenario_files_lists_yaml_sorted(tmp_path):
    for name in ("b.yaml", "a.yaml", "c.yml", "d.txt"):
        (tmp_path / name).write_text("x: 1\n")
    assert scenario_files(tmp_path) == [tmp_path / "a.yaml", tmp_path / "b.yaml"]


def _validate(*files, cwd):
    return subprocess.run(
        [sys.executable, "-m", "engine", "validate", *map(str, files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "name", ["unknown-key", "unknown-impact-to", "preset-outside-range", "alias", "billion-laughs", "syntax-error"]
)
def test_cli_validate_reports_file_line_field_message(name, repo_root):
    line, field, message = BAD_FILES[name]
    rel = f"tests/data/bad/{name}.yaml"
    result = _validate(rel, cwd=repo_root)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"{rel}:{line}: {field}: {message}"


def test_cli_validate_several_files(repo_root):
    good, bad = "tests/data/tiny.yaml", "tests/data/bad/default-outside-range.yaml"
    result = _validate(good, bad, "scenarios/dprk-russia-2024.yaml", cwd=repo_root)
    assert result.returncode == 2
    assert result.stdout == "ok tests/data/tiny.yaml\nok scenarios/dprk-russia-2024.yaml\n"
    assert result.stderr == f"{bad}:16: drivers[0].default: default 150 is outside [0, 100]\n"

    result = _validate(good, "scenarios/dprk-russia-2024.yaml", cwd=repo_root)
    assert result.returncode == 0
    assert result.stdout == "ok tests/data/tiny.yaml\nok scenarios/dprk-russia-2024.yaml\n"
    assert result.stderr == ""


def test_cli_validate_every_bad_file_at_once_never_tracebacks(repo_root):
    files = sorted(BAD.glob("*.yaml"))
    result = _validate(*files, cwd=repo_root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    reported = {line.split(":", 1)[0] for line in result.stderr.splitlines()}
    assert {str(f) for f in files if f.stem in BAD_FILES} <= reported


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("schema: 1", "schema: true", 1, "schema"),
        ("horizon_weeks: 10", "horizon_weeks: true", 6, "horizon_weeks"),
        ("    default: 50\n", "    default: yes\n", 16, "drivers[0].default"),
        ("    min: 0\n", "    min: '0'\n", 13, "drivers[0].min"),
        ("by_week: 5", 'by_week: "5"', 36, "questions[0].by_week"),
    ],
)
def test_a_boolean_or_a_quoted_number_is_not_a_number(old, new, line, field):
    """pydantic's lax mode would turn YAML booleans into 1/0, making `horizon_weeks: true` a 1-week horizon.

    A wrong type must be refused like `horizon_weeks: ten` is (found in commit 26ca367).
    """
    text = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text.replace(old, new), "t.yaml")
    assert (info.value.problems[0].line, info.value.problems[0].field) == (line, field)


# --- every way PyYAML's constructor can raise is a problem of that value -------------------------------------

# The tags PyYAML's SafeConstructor knows, and some it does not; each is tried on every value shape below.
YAML_TAGS = [
    "!!" + name
    for name in ("str", "int", "float", "bool", "null", "binary", "timestamp", "set", "omap", "pairs", "seq", "map")
] + ["!!merge", "!!value", "!!python/object", "!local", "!", "!<tag:example.com,2024:thing>"]
VALUE_SHAPES = [
    "x",
    "''",
    "0b2",
    "0x",
    "0o9",
    "1_000",
    "9" * 5000,
    "-" + "9" * 4400,
    "1e999999",
    ".nan",
    "2001-13-45",
    "2024-02-30",
    "2001-01-01T25:00:00",
    "2001-01-01 10:00:00 +99:99",
    "@@",
    "'not base64!'",
    "yes",
    "~",
    "[1, 2]",
    "{a: 1}",
]


@pytest.mark.parametrize(
    ("text", "line", "field", "start"),
    [
        ("published: 2001-13-45\n", 1, "schema", "required field is missing"),
        ("2024-02-30: x\n", 1, "schema", "required field is missing"),
        ("a: !!int x\n", 1, "a", "unsupported value: not a valid int (ValueError: invalid literal"),
        ("\n\nn: " + "9" * 5000 + "\n", 3, "n", "unsupported value: not a valid int (ValueError: Exceeds the limit"),
        ("a: !!float x\n", 1, "a", "unsupported value: not a valid float (ValueError"),
        ("a: !!bool x\n", 1, "a", "unsupported value: not a valid bool (KeyError: 'x')"),
        ("a:\n  b: !!binary 'abc'\n", 2, "a.b", "unsupported value: failed to decode base64 data"),
        ("a: !!int 0b2\n", 1, "a", "unsupported value: not a valid int (ValueError: invalid literal for int() with"),
    ],
    ids=["bad-date", "bad-date-key", "int-tag", "huge-int", "float-tag", "bool-tag", "binary-tag", "binary-digits"],
)
def test_a_value_the_constructor_cannot_build_is_a_problem_at_its_line(text, line, field, start):
    problems = _first_problems(text)
    first = next(p for p in problems if p.field == field)
    assert (first.file, first.line) == ("f.yaml", line)
    assert first.message.startswith(start), first.message


def _first_problems(text: str) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "f.yaml")
    return caught.value.problems


def test_a_date_is_read_as_its_text(seed_path):
    text = seed_path.read_text(encoding="utf-8")
    assert "\n  language: de\n" in text
    dated = text.replace("\n  language: de\n", "\n  language: de\n  published: 2024-10-25\n")
    scenario = parse_scenario(dated, "d.yaml")
    assert scenario.source.published == "2024-10-25"


def test_the_command_line_reports_an_impossible_date_without_a_traceback(tmp_path):
    path = tmp_path / "date.yaml"
    path.write_text("a: !!timestamp 2001-13-45\nb: !!int nope\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "engine", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{path}:2: b: unsupported value: not a valid int" in done.stdout + done.stderr


def test_an_unforeseen_error_inside_the_parser_is_still_a_scenario_error(monkeypatch):
    import engine.loader as loader

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("no")

    monkeypatch.setattr(loader, "_screen_events", broken)
    problems = _first_problems("a: 1\n")
    assert [str(p) for p in problems] == ["f.yaml:1: (document): cannot be read (ZeroDivisionError)"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

_PROBLEM_LINE = r"^f\.yaml:\d+: [^\n]+: [^\n]+$"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(
    tag=hs.sampled_from(["", *YAML_TAGS]),
    value=hs.one_of(hs.sampled_from(VALUE_SHAPES), hs.text(max_size=30)),
    as_key=hs.booleans(),
    quoted=hs.booleans(),
)
def test_fuzz_the_scalar_constructor_over_tags_and_value_shapes(tag, value, as_key, quoted):
    import json
    import re

    scalar = json.dumps(value) if quoted else value
    node = f"{tag} {scalar}".strip() if tag else scalar
    text = f"? {node}\n: 1\n" if as_key else f"schema: 1\nfield: {node}\n"
    try:
        parse_scenario(text, "f.yaml")
    except ScenarioError as err:
        assert err.problems
        for p in err.problems:
            assert re.match(_PROBLEM_LINE, str(p)), str(p)
