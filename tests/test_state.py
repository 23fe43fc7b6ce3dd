"""Link codec: round trips, short links, and every kind of tampering repaired with a notice."""

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.loader import load_scenario
from engine.state import DEFAULT_RUNS, DEFAULT_SEED, REPAIR_CODES, Repair, ViewState, decode, encode, format_number
from present.i18n import repair_text

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = load_scenario(ROOT / "scenarios" / "dprk-russia-2024.yaml")
SID = SCENARIO.id


def english(notices) -> list[str]:
    """The notices as the English page words them."""
    return [repair_text(n, "en") for n in notices]


def resolve(ref):
    return SCENARIO if ref == SID else None


def test_defaults_encode_to_the_scenario_alone():
    assert encode(ViewState(SID), SCENARIO) == {"scenario": SID}


def test_round_trip_of_a_full_state():
    state = ViewState(
        scenario=SID,
        values={"troops_deployed": 5000.0, "combat_engagement": 35.0, "china_sidelined": 12.5},
        preset="escalation",
        lang="de",
        runs=2500,
        seed=7,
        compare=("baseline", "de-escalation"),
    )
    params = encode(state, SCENARIO)
    assert params == {
        "scenario": SID,
        "preset": "escalation",
        "lang": "de",
        "runs": "2500",
        "seed": "7",
        "compare": "baseline,de-escalation",
        "d.troops_deployed": "5000",
        "d.combat_engagement": "35",
        "d.china_sidelined": "12.5",
    }
    decoded, scenario, notices = decode(params, resolve, SID)
    assert notices == []
    assert scenario is SCENARIO
    assert decoded == state


def test_empty_compare_survives_the_round_trip():
    params = encode(ViewState(SID, compare=()), SCENARIO)
    assert params["compare"] == ""
    assert decode(params, resolve, SID)[0].compare == ()


def test_missing_compare_means_the_page_default():
    assert decode({"scenario": SID}, resolve, SID)[0].compare is None


def test_values_equal_to_defaults_are_left_out():
    params = encode(ViewState(SID, values={"troops_deployed": 12000.0}), SCENARIO)
    assert params == {"scenario": SID}


@pytest.mark.parametrize("value", [0.1, 1 / 3, 12345.678, 1e-7, 2.5e15, 99.99999999999])
def test_numbers_read_back_exactly(value):
    assert float(format_number(value)) == value


def test_repeated_keys_use_the_last_value():
    state, _, notices = decode({"scenario": [SID], "d.troops_deployed": ["1000", "3000"]}, resolve, SID)
    assert state.values == {"troops_deployed": 3000.0}
    assert notices == []


@pytest.mark.parametrize(
    ("params", "values", "notice"),
    [
        (
            {"d.troops_deployed": "99999"},
            {"troops_deployed": 20000.0},
            "'troops_deployed' = 99999 is outside [0, 20000] and was set to 20000",
        ),
        (
            {"d.troops_deployed": "-5"},
            {"troops_deployed": 0.0},
            "'troops_deployed' = -5 is outside [0, 20000] and was set to 0",
        ),
        ({"d.troops_deployed": "lots"}, {}, "'troops_deployed' is not a number and was ignored"),
        ({"d.troops_deployed": "nan"}, {}, "'troops_deployed' is not a number and was ignored"),
        ({"d.troops_deployed": "inf"}, {}, "'troops_deployed' is not a number and was ignored"),
        ({"d.nonsense": "1"}, {}, "unknown setting 'd.nonsense' was ignored"),
        ({"utm_source": "mail"}, {}, "unknown setting 'utm_source' was ignored"),
    ],
)
def test_tampered_driver_values_are_repaired(params, values, notice):
    state, _, notices = decode({"scenario": SID, **params}, resolve, SID)
    assert dict(state.values) == values
    assert english(notices) == [notice]


@pytest.mark.parametrize(
    ("params", "field", "expected", "notice"),
    [
        ({"runs": "50"}, "runs", 100, "'runs' = 50 is outside [100, 10000] and was set to 100"),
        ({"runs": "1e9"}, "runs", 10000, "'runs' = 1e+09 is outside [100, 10000] and was set to 10000"),
        ({"runs": "12.5"}, "runs", DEFAULT_RUNS, "'runs' must be a whole number; using 1000"),
        ({"seed": "-1"}, "seed", 0, "'seed' = -1 is outside [0, 2147483647] and was set to 0"),
        ({"seed": "x"}, "seed", DEFAULT_SEED, "'seed' must be a whole number; using 2024"),
        ({"lang": "fr"}, "lang", None, "unknown language 'fr' was ignored"),
        ({"preset": "apocalypse"}, "preset", None, "unknown preset 'apocalypse' was ignored"),
        ({"compare": "baseline,nope"}, "compare", ("baseline",), "unknown preset 'nope' in compare was ignored"),
    ],
)
def test_tampered_settings_are_repaired(params, field, expected, notice):
    state, _, notices = decode({"scenario": SID, **params}, resolve, SID)
    assert getattr(state, field) == expected
    assert english(notices) == [notice]


@pytest.mark.parametrize("ref", ["unknown-scenario", "<script>alert(1)</script>", "sha-zz", "", "../../etc/passwd"])
def test_unknown_scenario_falls_back_to_the_default(ref):
    state, scenario, notices = decode({"scenario": ref, "d.troops_deployed": "100"}, resolve, SID)
    assert state.scenario == SID
    assert scenario is SCENARIO
    assert english(notices)[0] == f"unknown scenario '{ref}'; showing the default scenario instead"


def test_an_unresolvable_default_is_a_programming_error():
    with pytest.raises(LookupError):
        decode({}, lambda ref: None, "missing")


def test_huge_links_are_cut_and_say_so():
    params = {f"x{n}": "1" for n in range(1000)}
    state, _, notices = decode(params, resolve, SID)
    assert english(notices)[0] == "the link has 1000 parameters; only the first 400 were read"
    assert state.values == {}


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.dictionaries(
        st.one_of(
            st.sampled_from(["scenario", "preset", "lang", "runs", "seed", "compare", "d.troops_deployed"]),
            st.text(max_size=20),
        ),
        st.one_of(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=3)),
        max_size=12,
    )
)
def test_any_query_gives_a_valid_state(params):
    state, scenario, notices = decode(params, resolve, SID)
    assert scenario is SCENARIO
    assert 100 <= state.runs <= 10000
    assert 0 <= state.seed <= 2**31 - 1
    assert state.lang in (None, "en", "de")
    for key, value in state.values.items():
        d = scenario.driver(key)
        assert d.min <= value <= d.max
    assert isinstance(notices, list)
    # What was decoded encodes and decodes again to the same state, with nothing left to repair.
    again, _, second = decode(encode(state, scenario), resolve, SID)
    assert second == []
    assert again == state


def test_repairs_read_as_english_and_keep_what_a_translation_needs():
    _, _, notices = decode({"scenario": SID, "d.troops_deployed": "-5", "lang": "xx"}, resolve, SID)
    assert english(notices) == [
        "unknown language 'xx' was ignored",
        "'troops_deployed' = -5 is outside [0, 20000] and was set to 0",
    ]
    assert [(n.code, n.params) for n in notices] == [
        ("unknown_language", {"language": "xx"}),
        ("out_of_range", {"name": "troops_deployed", "value": "-5", "low": "0", "high": "20000", "clamped": "0"}),
    ]
    # Session state may be pickled (runner.enforceSerializableSessionState): a repair survives it whole.
    copy = pickle.loads(pickle.dumps(notices[1]))
    assert (copy, copy.code, copy.params) == (notices[1], notices[1].code, notices[1].params)


def test_a_repair_is_a_plain_record_of_its_code_and_parameters():
    notice = Repair("unknown_preset", {"preset": "x"})
    assert (notice.code, dict(notice.params)) == ("unknown_preset", {"preset": "x"})
    assert len({notice, Repair("unknown_preset", {"preset": "x"})}) == 1  # a repeated mistake is one notice
    with pytest.raises(ValueError, match="takes"):
        Repair("unknown_preset", {"name": "x"})
    assert set(REPAIR_CODES) == {
        "too_many",
        "unknown_scenario",
        "unknown_preset",
        "unknown_language",
        "unknown_compare",
        "unknown_setting",
        "not_a_number",
        "not_whole",
        "out_of_range",
        "runs_over_budget",
        "byline_cut",
    }


def test_runs_past_a_large_scenarios_budget_are_cut_to_the_most_it_allows_with_a_notice():
    from engine.loader import parse_scenario
    from tests.heavy import heavy_yaml

    heavy = parse_scenario(heavy_yaml(), "heavy.yaml")
    state, _, notices = decode({"scenario": "heavy", "runs": "5000"}, {"heavy": heavy}.get, "heavy")
    assert state.runs == 234
    assert [(n.code, n.params) for n in notices] == [("runs_over_budget", {"runs": "5000", "allowed": "234"})]
    assert english(notices)[0] == "5000 runs are more than this scenario allows; using 234, the most it allows"
    # Within its budget nothing changes.
    state, _, notices = decode({"scenario": "heavy", "runs": "200"}, {"heavy": heavy}.get, "heavy")
    assert (state.runs, notices) == (200, [])


def test_a_raw_query_is_read_up_to_one_past_the_limit_and_counted_whole():
    from engine.state import MAX_PARAMS, parse_query

    raw = "lang=de&d.troops_deployed=3000&" + "&".join(f"x{i}=1" for i in range(1200))
    params, total = parse_query(raw)
    assert total == 1202
    assert len(params) == MAX_PARAMS + 1
    assert (params["lang"], params["d.troops_deployed"]) == (["de"], ["3000"])
    assert parse_query("") == ({}, 0)
    # A megabyte-long value is cut before it is split or decoded.
    params, total = parse_query("a=" + "x" * 10**6)
    assert total == 1 and len(params["a"][0]) < 10**6


def test_a_link_of_more_parameters_than_the_server_reads_still_opens_its_first_ones():
    from engine.state import parse_query

    raw = "lang=de&d.troops_deployed=3000&" + "&".join(f"x{i}=1" for i in range(1200))
    params, total = parse_query(raw)
    state, _, notices = decode(params, resolve, SID, total=total)
    assert (state.lang, dict(state.values)) == ("de", {"troops_deployed": 3000.0})
    assert english(notices)[0] == "the link has 1202 parameters; only the first 400 were read"


def test_the_byline_rides_in_the_link_and_reads_back_the_same():
    state = ViewState(SID, author="A. Weber", unit="Referat 203 & Lage", marking="VS-NfD <intern>")
    params = encode(state, SCENARIO)
    assert params == {
        "scenario": SID,
        "author": "A. Weber",
        "unit": "Referat 203 & Lage",
        "marking": "VS-NfD <intern>",
    }
    decoded, _, notices = decode(params, resolve, SID)
    assert notices == []
    assert decoded == state


def test_a_tampered_byline_is_one_clean_line_cut_to_the_limit_with_a_notice():
    params = {"scenario": SID, "author": "x" * 150, "unit": "line\none\ttwo\x00\x1b[31m", "marking": "   "}
    decoded, _, notices = decode(params, resolve, SID)
    assert decoded.author == "x" * 120
    assert decoded.unit == "line one two [31m"
    assert decoded.marking == ""
    assert english(notices) == ["'author' is longer than 120 characters and was cut"]
    assert "marking" not in encode(decoded, SCENARIO)
