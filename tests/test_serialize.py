"""Scenario export: YAML that reads back into an equal scenario, with the current settings as defaults."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from pydantic import ValidationError

from engine.loader import Problem, ScenarioError, load_scenario, parse_scenario
from engine.serialize import scenario_to_yaml, with_defaults, yaml_with_defaults

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
# Hand-made files of both schemas, between them every field there is (ramps, checks, translations).
HAND_MADE = [ROOT / "tests" / "data" / name for name in ("tiny.yaml", "tiny2.yaml", "schema1/dprk-russia-2024.yaml")]


@pytest.mark.parametrize("path", SCENARIOS + HAND_MADE, ids=lambda p: p.name)
def test_every_scenario_round_trips(path):
    scenario = load_scenario(path)
    again = parse_scenario(scenario_to_yaml(scenario), "export.yaml")
    assert again == scenario
    assert again.digest == scenario.digest


def test_current_settings_become_the_defaults():
    scenario = load_scenario(SCENARIOS[0])
    changed = with_defaults(scenario, {"troops_deployed": 3500, "china_sidelined": 75})
    back = parse_scenario(scenario_to_yaml(changed))
    assert back.driver("troops_deployed").default == 3500
    assert back.driver("china_sidelined").default == 75
    untouched = [d.id for d in scenario.drivers if d.id not in ("troops_deployed", "china_sidelined")]
    assert [back.driver(i).default for i in untouched] == [scenario.driver(i).default for i in untouched]
    assert back.impacts == scenario.impacts


def test_out_of_range_settings_are_refused():
    scenario = load_scenario(SCENARIOS[0])
    with pytest.raises(ValidationError, match=r"drivers\[0\]\.default: default 99999 is outside \[0, 20000\]"):
        with_defaults(scenario, {"troops_deployed": 99999})


def test_header_lines_become_comments():
    text = scenario_to_yaml(load_scenario(SCENARIOS[0]), "first line\n\nthird line")
    assert text.startswith("# first line\n#\n# third line\nschema: 2\n")


# --- yaml_with_defaults: the scenario's own text, only the defaults changed -----------------------------------

SEED = ROOT / "scenarios" / "dprk-russia-2024.yaml"
TINY2 = ROOT / "tests" / "data" / "tiny2.yaml"


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


@pytest.mark.parametrize(
    ("values", "written"),
    [
        ({"troops_deployed": 3500, "china_sidelined": 75}, ("3500", "75")),
        ({"troops_deployed": 3500.0, "china_sidelined": 72.5}, ("3500", "72.5")),
        ({"troops_deployed": 0.1 + 0.2, "china_sidelined": 1e-7}, ("0.30000000000000004", "1.0e-07")),
    ],
    ids=["whole", "whole-float-and-half", "shortest-repr-and-exponent"],
)
def test_the_seed_scenario_keeps_every_line_but_the_changed_defaults(values, written):
    text = SEED.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) == 89  # the article's reasoning: every one of them must survive
    out = yaml_with_defaults(text, values)
    assert _changed_lines(text, out) == [
        ("    default: 12000\n", f"    default: {written[0]}\n"),
        ("    default: 40\n", f"    default: {written[1]}\n"),
    ]
    assert [line for line in out.splitlines() if line.lstrip().startswith("#")] == comments
    again = parse_scenario(out)
    expected = with_defaults(load_scenario(SEED), values)
    assert again == expected
    assert again.digest == expected.digest
    assert again.driver("china_sidelined").default == float(values["china_sidelined"])


@pytest.mark.parametrize("values", [{"push": 350, "calm": 55}, {"push": 333.25, "calm": 0.5}], ids=["int", "float"])
def test_tiny2_keeps_its_text(values):
    text = TINY2.read_text(encoding="utf-8")
    out = yaml_with_defaults(text, values)
    assert _changed_lines(text, out) == [
        ("    default: 800\n", f"    default: {values['push']}\n"),
        ("    default: 30\n", f"    default: {values['calm']}\n"),
    ]
    assert parse_scenario(out).digest == with_defaults(load_scenario(TINY2), values).digest


def test_values_equal_to_the_defaults_leave_the_text_as_it_is():
    text = TINY2.read_text(encoding="utf-8")
    # 800.0 is the default 800: the file keeps "800"; unknown ids are ignored, as with_defaults ignores them.
    assert yaml_with_defaults(text, {"push": 800.0, "calm": 30, "nope": 1}) == text
    assert yaml_with_defaults(text, {}) == text


def test_the_header_goes_on_top_as_comments_and_the_files_own_comments_stay():
    text = TINY2.read_text(encoding="utf-8")
    out = yaml_with_defaults(text, {"push": 100}, header="Exported from the dashboard\n\nSettings: push 100")
    assert out.startswith(
        "# Exported from the dashboard\n#\n# Settings: push 100\n"
        "# A hand-made schema-2 scenario: scales, judgements, a ramp, a question below a level and reality checks.\n"
        "schema: 2\n"
    )
    assert out.count("\n") == text.count("\n") + 3


def test_flow_style_inline_comments_and_tags_are_kept():
    text = TINY2.read_text(encoding="utf-8")
    drivers = text[text.index("  - id: push\n") : text.index("  - id: calm\n")]
    flow = (
        '  - {id: push, label: {en: "Push", de: "Schub"}, group: facts, unit: {en: "soldiers", de: "Soldaten"},\n'
        '     min: 0, max: 1000, step: 50, default: 800,   source: {quote: "up to 800 soldiers push", section: test}}\n'
    )
    text = text.replace(drivers, flow).replace("    default: 30\n", "    default: !!float 30  # the calm so far\n")
    out = yaml_with_defaults(text, {"push": 250, "calm": 12.5})
    assert _changed_lines(text, out) == [
        (
            flow.splitlines(keepends=True)[1],
            flow.splitlines(keepends=True)[1].replace("default: 800,", "default: 250,"),
        ),
        ("    default: !!float 30  # the calm so far\n", "    default: 12.5  # the calm so far\n"),
    ]
    assert parse_scenario(out).digest == with_defaults(parse_scenario(text), {"push": 250, "calm": 12.5}).digest


def test_crlf_line_ends_and_a_bom_are_kept():
    text = "\ufeff" + TINY2.read_text(encoding="utf-8").replace("\n", "\r\n")
    out = yaml_with_defaults(text, {"push": 100}, header="one")
    assert out.startswith("\ufeff# one\r\n# A hand-made")
    assert "\r\n    default: 100\r\n" in out
    assert "\n" not in out.replace("\r\n", "")
    assert parse_scenario(out).digest == with_defaults(parse_scenario(text), {"push": 100}).digest


def test_negative_zero_is_written_as_such():
    # -0.0 equals 0.0 but dumps as -0.0, so the digest tells them apart: the file must say -0.0 too.
    text = TINY2.read_text(encoding="utf-8").replace("    min: 0\n    max: 1000\n", "    min: -10\n    max: 1000\n")
    out = yaml_with_defaults(text, {"push": -0.0})
    assert "    default: -0.0\n" in out
    assert parse_scenario(out).digest == with_defaults(parse_scenario(text), {"push": -0.0}).digest


def test_a_driver_without_a_default_is_not_a_scenario():
    # The schema requires every driver's default, so there is no missing default to fill in: such a text is
    # refused as parse_scenario refuses it.
    text = TINY2.read_text(encoding="utf-8").replace("    default: 800\n", "")
    with pytest.raises(ScenarioError) as info:
        yaml_with_defaults(text, {"push": 100})
    assert info.value.problems == (Problem("<source>", 10, "drivers[0].default", "required field is missing"),)


def test_out_of_range_values_are_refused_like_with_defaults():
    with pytest.raises(ValidationError, match=r"drivers\[0\]\.default: default 99999 is outside \[0, 1000\]"):
        yaml_with_defaults(TINY2.read_text(encoding="utf-8"), {"push": 99999})


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    push=hs.one_of(hs.integers(0, 1000).map(float), hs.floats(0, 1000, allow_nan=False)),
    calm=hs.floats(0, 100, allow_nan=False, allow_subnormal=True),
)
def test_any_value_in_range_reads_back_as_itself(push, calm):
    text = TINY2.read_text(encoding="utf-8")
    out = yaml_with_defaults(text, {"push": push, "calm": calm})
    assert parse_scenario(out).digest == with_defaults(parse_scenario(text), {"push": push, "calm": calm}).digest
    assert all(not line.endswith(".0") for line in out.splitlines() if line.startswith("    default: "))
