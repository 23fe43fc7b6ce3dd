"""The pydantic models of schema 1 and the cross-reference checks, used directly (not through YAML)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from engine.schema import Driver, Event, Scenario, Text, check_data, check_scenario, field_name


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        ((), "(document)"),
        (("id",), "id"),
        (("drivers", 3, "min"), "drivers[3].min"),
        (("presets", 0, "values", "troops"), "presets[0].values.troops"),
        (("events", 2), "events[2]"),
    ],
)
def test_field_name(loc, name):
    assert field_name(loc) == name


def test_text_get_falls_back_to_english():
    text = Text(en="Hello", de="Hallo")
    assert (text.get("de"), text.get("en"), text.get("fr")) == ("Hallo", "Hello", "Hello")


def test_driver_to_unit():
    cite = {"quote": "q", "section": "s"}
    d = Driver.model_validate(
        {
            "id": "d",
            "label": {"en": "d", "de": "d"},
            "group": "facts",
            "unit": "u",
            "min": -50,
            "max": 150,
            "step": 1,
            "default": 0,
            "source": cite,
        }
    )
    assert (d.to_unit(-50), d.to_unit(0), d.to_unit(150)) == (0.0, 0.25, 1.0)


def test_hand_made_scenario_lookups(make_scenario):
    s = make_scenario(
        drivers=[("a", 0, 10, 3), ("b", -1, 1, 0)],
        indicators=[("y", 10), ("z", 90)],
        impacts=[("a", "y", 0.5, (0.1, 0.9))],
        presets=[{"id": "p", "values": {"a": 7}}],
    )
    assert s.defaults() == {"a": 3.0, "b": 0.0}
    assert s.driver("b").min == -1
    assert s.indicator("z").initial == 90
    assert s.preset("p").values == {"a": 7.0}
    for lookup in (s.driver, s.indicator, s.preset):
        with pytest.raises(KeyError):
            lookup("nope")
    assert s.uncertainty == "triangular"
    assert s.impacts[0].model_dump(by_alias=True)["from"] == "a"


def test_models_are_frozen(make_scenario):
    s = make_scenario()
    with pytest.raises(ValidationError):
        s.horizon_weeks = 5
    with pytest.raises(ValidationError):
        s.drivers[0].default = 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"impacts": [("nope", "y", 0.5)]}, "impacts[0].from: unknown driver or indicator 'nope'"),
        ({"impacts": [("d", "d", 0.5)]}, "impacts[0].to: unknown indicator 'd'"),
        ({"impacts": [("d", "y", 0.5), ("d", "y", 0.4)]}, "impacts[1].to: duplicate impact d -> y"),
        ({"impacts": [("d", "y", 0.5, (0.6, 0.9))]}, "impacts[0].weight: weight 0.5 is outside its range [0.6, 0.9]"),
        ({"impacts": [("d", "y", 0.5, (0.9, 0.1))]}, "impacts[0].range: range [0.9, 0.1] is reversed"),
        ({"drivers": [("d", 5, 5, 5)]}, "drivers[0].min: min 5 must be below max 5"),
        ({"drivers": [("d", 0, 1, 2)]}, "drivers[0].default: default 2 is outside [0, 1]"),
        ({"drivers": [("d", 0, 1, 0), ("d", 0, 1, 0)]}, "drivers[1].id: duplicate id 'd' (first at drivers[0])"),
        ({"indicators": [("d", 5)]}, "indicators[0].id: id 'd' is already a driver id"),
        (
            {"questions": [{"id": "q", "indicator": "nope", "threshold": 5, "by_week": 1}]},
            "questions[0].indicator: unknown indicator 'nope'",
        ),
        (
            {"questions": [{"id": "q", "indicator": "y", "threshold": 5, "by_week": 11}]},
            "questions[0].by_week: week 11 is after the horizon (10)",
        ),
        ({"events": [{"week": 1, "target": "nope", "add": 1}]}, "events[0].target: unknown driver or indicator 'nope'"),
        ({"events": [{"week": 11, "target": "y", "add": 1}]}, "events[0].week: week 11 is after the horizon (10)"),
        ({"events": [{"week": 1, "target": "d", "set": 101}]}, "events[0].set: value 101 is outside [0, 100] of 'd'"),
        ({"events": [{"week": 1, "target": "y", "set": -1}]}, "events[0].set: value -1 is outside [0, 100]"),
        ({"presets": [{"id": "p", "values": {"y": 1}}]}, "presets[0].values.y: unknown driver 'y'"),
        ({"presets": [{"id": "p", "values": {"d": 100.5}}]}, "presets[0].values.d: value 100.5 is outside [0, 100]"),
    ],
)
def test_model_validate_runs_the_cross_checks(make_scenario, kwargs, message):
    """Built without the loader, an inconsistent scenario is refused by the model validator itself."""
    with pytest.raises(ValidationError) as info:
        make_scenario(**kwargs)
    assert message in str(info.value)


def test_check_scenario_returns_locs(make_scenario):
    good = make_scenario(impacts=[("d", "y", 0.5, (0.1, 0.9))])
    assert check_scenario(good) == []
    bad = good.model_copy(update={"drivers": good.drivers * 2})  # model_copy skips validation
    assert check_scenario(bad) == [
        (("drivers", 1, "id"), "duplicate id 'd' (first at drivers[0])"),
        (("drivers", 1, "label", "en"), "label is the same as that of drivers[0]"),
        (("drivers", 1, "label", "de"), "label is the same as that of drivers[0]"),
    ]


def test_defer_checks_context_skips_the_cross_checks(make_scenario):
    data = make_scenario().model_dump(by_alias=True)
    data["presets"] = [{"id": "p", "label": {"en": "p", "de": "p"}, "values": {"nope": 1}}]
    with pytest.raises(ValidationError):
        Scenario.model_validate(data)
    deferred = Scenario.model_validate(data, context={"defer_checks": True})
    assert check_scenario(deferred) == [(("presets", 0, "values", "nope"), "unknown driver 'nope'")]


@pytest.mark.parametrize(
    "event",
    [
        {"week": 1, "target": "y"},
        {"week": 1, "target": "y", "set": 1, "add": 1},
    ],
)
def test_event_needs_exactly_one_action(event):
    with pytest.raises(
        ValidationError, match=re.escape("an event needs exactly one of 'set', 'add' or 'from' (a ramp)")
    ):
        Event.model_validate({**event, "label": {"en": "e", "de": "e"}})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("horizon_weeks", 0),
        ("horizon_weeks", 521),
        ("uncertainty", "normal"),
        ("schema", 3),
        ("id", "Has Spaces"),
        ("id", "9starts-with-digit"),
    ],
)
def test_top_level_field_constraints(make_scenario, field, value):
    data = make_scenario().model_dump(by_alias=True)
    data[field] = value
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(data)
    assert info.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize("initial", [-0.1, 100.1, float("nan"), float("inf")])
def test_indicator_initial_is_a_finite_percentage(make_scenario, initial):
    with pytest.raises(ValidationError) as info:
        make_scenario(indicators=[("y", initial)])
    assert info.value.errors()[0]["loc"] == ("indicators", 0, "initial")


def test_round_trip_through_model_dump(seed_scenario):
    again = Scenario.model_validate(seed_scenario.model_dump(by_alias=True))
    assert again == seed_scenario


def test_a_label_seen_twice_in_one_language_is_refused_among_drivers_and_indicators(make_scenario):
    good = make_scenario(drivers=[("a", 0, 1, 0)], indicators=[("b", 50)])
    twin = good.indicators[0].model_copy(update={"label": Text(en="A", de="b")})
    bad = good.model_copy(update={"indicators": (twin,)})
    assert check_scenario(bad) == [(("indicators", 0, "label", "en"), "label is the same as that of drivers[0]")]


def test_two_presets_with_one_label_are_refused(make_scenario):
    s = make_scenario(presets=[{"id": "p"}, {"id": "q"}])
    twin = s.presets[1].model_copy(update={"label": Text(en="other", de="P")})
    bad = s.model_copy(update={"presets": (s.presets[0], twin)})
    assert check_scenario(bad) == [(("presets", 1, "label", "de"), "label is the same as that of presets[0]")]


@pytest.mark.parametrize("weight", [10.5, -1e308, 1e308])
def test_an_impact_weight_beyond_ten_is_refused(make_scenario, weight):
    with pytest.raises(ValidationError) as info:
        make_scenario(impacts=[("d", "y", weight, (-1.0, 1.0))])
    [error] = info.value.errors()
    assert error["loc"] == ("impacts", 0, "weight")
    assert error["type"] == ("less_than_equal" if weight > 0 else "greater_than_equal")


def test_an_impact_range_beyond_ten_is_refused(make_scenario):
    with pytest.raises(ValidationError) as info:
        make_scenario(impacts=[("d", "y", 0.5, (0.0, 1e308))])
    assert [e["loc"] for e in info.value.errors()] == [("impacts", 0, "range", 1)]


def test_a_driver_range_beyond_1e15_is_refused(make_scenario):
    with pytest.raises(ValidationError) as info:
        make_scenario(drivers=[("d", -1e308, 1e308, 0.0)])
    # The builder derives step from the range, so step is refused too: min and max come first.
    assert [e["loc"] for e in info.value.errors()][:2] == [("drivers", 0, "min"), ("drivers", 0, "max")]


def test_preset_rules_live_on_the_scenario(make_scenario):
    s = make_scenario(
        drivers=[("a", 0, 10, 5), ("b", 0, 10, 5)],
        presets=[{"id": "high", "values": {"a": 9}}, {"id": "baseline"}, {"id": "same", "values": {"b": 5}}],
    )
    assert s.preset_values("high") == {"a": 9, "b": 5}
    assert s.baseline_preset() == "baseline"
    # 'baseline' and 'same' both leave every driver at its default: the baseline is named first.
    assert s.matching_preset(s.defaults()) == "baseline"
    assert s.matching_preset({"a": 9}) == "high"
    assert s.matching_preset({"a": 1}) is None
    without = make_scenario(presets=[{"id": "first"}, {"id": "second"}])
    assert without.baseline_preset() == "first"
    assert make_scenario().baseline_preset() is None


def test_the_digest_belongs_to_the_scenario_and_a_changed_copy_gets_its_own(make_scenario):
    s = make_scenario()
    digest = s.digest
    assert len(digest) == 64 and s.digest is digest  # computed once
    assert s.model_copy().digest == digest
    changed = s.model_copy(update={"horizon_weeks": 11})
    assert changed.digest != digest
    assert changed.digest == make_scenario(horizon=11).digest


# --- check_data: the cross-checks of data that does not validate ---------------------------------------------

TINY2 = Path(__file__).parent / "data" / "tiny2.yaml"


def _tiny2_data() -> dict:
    return yaml.safe_load(TINY2.read_text(encoding="utf-8"))


def test_check_data_on_valid_data_is_check_scenario():
    data = _tiny2_data()
    data["drivers"][0]["default"] = 2000
    scenario = Scenario.model_validate(data, context={"defer_checks": True})
    assert (
        check_data(data)
        == check_scenario(scenario)
        == [(("drivers", 0, "default"), "default 2000 is outside [0, 1000]")]
    )


def test_check_data_skips_only_the_checks_that_need_a_broken_field():
    data = _tiny2_data()
    data["drivers"][0]["min"] = "0"  # refused (strict): the default's range check cannot be made
    data["drivers"][0]["default"] = 2000
    del data["indicators"][1]["label"]["de"]  # the German label check of echo cannot be made; the English one can
    data["indicators"][1]["label"]["en"] = "Push"
    data["impacts"][3]["to"] = "nowhere"
    with pytest.raises(ValidationError):
        Scenario.model_validate(data, context={"defer_checks": True})
    assert check_data(data) == [
        (("indicators", 1, "label", "en"), "label is the same as that of drivers[0]"),
        (("impacts", 3, "to"), "unknown indicator 'nowhere'"),
    ]


def test_check_data_reads_into_nested_models():
    # One bad level text leaves the level numbers readable: a descending scale is still reported.
    data = _tiny2_data()
    data["indicators"][0]["scale"][1]["text"] = {"en": "Busy"}
    data["indicators"][0]["scale"][1]["level"] = 10
    assert check_data(data) == [
        (("indicators", 0, "scale", 1, "level"), "level 10 is not above the one before it (20)"),
    ]


def test_a_broken_id_makes_no_reference_to_it_unknown():
    data = _tiny2_data()
    data["indicators"][1]["id"] = "Echo"  # refused by the pattern: 'echo' may be the one meant
    data["questions"][0]["indicator"] = "nowhere"
    data["events"][0]["target"] = "nowhere"
    # Neither reference can be called unknown while one indicator's id is unknown itself.
    assert check_data(data) == []
    data["indicators"][1]["id"] = "echo"
    assert check_data(data) == [
        (("questions", 0, "indicator"), "unknown indicator 'nowhere'"),
        (("events", 0, "target"), "unknown driver or indicator 'nowhere'"),
    ]


def test_a_broken_section_or_item_skips_what_needs_it():
    data = _tiny2_data()
    data["indicators"] = "not a list"
    data["drivers"][1] = "not a mapping"
    data["presets"][1]["values"] = {"push": 5000}
    assert check_data(data) == [(("presets", 1, "values", "push"), "value 5000 is outside [0, 1000]")]


_BAD_VALUES = [None, "x", -1, 1e308, [], {}, [1, 2], {"en": "x"}]


def _paths(node, loc=()):
    yield loc
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*loc, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _paths(value, (*loc, n))


def test_check_data_never_raises_whatever_field_is_broken():
    """Every field of tiny2 replaced by each of a few wrong values, or removed: check_data answers a list of
    (loc, message), never an exception (an Unknown that escaped would crash the loader's report)."""
    base = _tiny2_data()
    count = 0
    for loc in list(_paths(base))[1:]:
        for value in [*_BAD_VALUES, "REMOVE"]:
            data = copy.deepcopy(base)
            parent = data
            for part in loc[:-1]:
                parent = parent[part]
            if value == "REMOVE":
                parent.pop(loc[-1])
            else:
                parent[loc[-1]] = value
            problems = check_data(data)
            assert isinstance(problems, list)
            assert all(isinstance(where, tuple) and isinstance(msg, str) for where, msg in problems)
            count += 1
    assert count > 2000
