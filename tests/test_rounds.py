"""engine/rounds.py: elicitation rounds, submissions, the facilitator key and the ledger, on SQLite and PostgreSQL,
and participants submitting at the same moment from their own processes."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import math
import multiprocessing
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.ledger import brier_scores, latest
from engine.loader import load_scenario, parse_scenario
from engine.model import Model
from engine.pooling import Judgement, JudgementError, check_judgement
from engine.rounds import (
    ALIAS_LIMIT,
    COMMENT_LIMIT,
    COMMENT_LINES,
    DEFAULT_SUBMISSIONS,
    SUBMISSIONS_ENV,
    AccessDenied,
    Round,
    RoundClosed,
    RoundFull,
    RoundStore,
    clean_alias,
    clean_comment,
    submissions_limit,
    valid_id,
)
from engine.serialize import scenario_to_yaml
from engine.store import TITLE_LIMIT, Limits, ScenarioStore
from tests.conftest import build_scenario
from tests.pg_server import postgres_server

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "scenarios" / "dprk-russia-2024.yaml"
SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")
# Most rounds here are on a small hand-made scenario with some of the seed's names: a round's opening saves (and
# parses) its scenario, which for the seed's 52 impacts takes a fifth of a second each time.
SMALL = build_scenario(
    drivers=(("troops_deployed", 0.0, 20000.0, 12000.0), ("combat_engagement", 0.0, 100.0, 50.0)),
    indicators=(
        ("joint_combat_effectiveness", 10.0),
        ("dprk_assertiveness", 45.0),
        ("dprk_capability", 40.0),
        ("china_marginalisation", 35.0),
    ),
    impacts=(
        ("troops_deployed", "joint_combat_effectiveness", 0.21, (0.105, 0.315)),
        ("combat_engagement", "dprk_capability", 0.025, (0.013, 0.038)),
        ("joint_combat_effectiveness", "dprk_assertiveness", 0.2, (0.1, 0.3)),
    ),
    questions=(
        {"id": "motives_capability", "indicator": "dprk_capability", "threshold": 50, "by_week": 26},
        {"id": "aggressive_posture", "indicator": "dprk_assertiveness", "threshold": 60, "by_week": 26},
        {"id": "china_role", "indicator": "china_marginalisation", "threshold": 55, "by_week": 52},
    ),
    horizon=52,
)
TEXT = scenario_to_yaml(SMALL)
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20 UTC, a whole second
QUESTIONS = ["aggressive_posture", "motives_capability"]  # the scenario has them the other way round
ROUND_TABLES = ("ledger_resolutions", "ledger_forecasts", "round_submissions", "round_actions", "rounds")
STORE_TABLES = ("publication_hidings", "publications", "scenario_origins", "saved_scenarios")
PARTIES = 30


def stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def pg_server():
    with postgres_server() as server:
        yield server


def _emptied(url: str) -> str:
    # One server for the module: every test starts from empty tables, the rounds' before the store's they refer to.
    store = ScenarioStore(url, limits=Limits())
    RoundStore(store, max_submissions=1)
    with store.sql.begin() as conn:
        for table in ROUND_TABLES + STORE_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
    store.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rounds.sqlite3'}"
    return _emptied(request.getfixturevalue("pg_server").url)


class Clock:
    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def scenarios(url, clock):
    store = ScenarioStore(url, limits=Limits(), clock=clock)
    yield store
    store.dispose()


@pytest.fixture
def rounds(scenarios):
    return RoundStore(scenarios, max_submissions=200)


@pytest.fixture(scope="module")
def model():
    return Model.of(parse_scenario(TEXT, "small.yaml"))


def _open(rounds: RoundStore, **changes):
    args = {
        "yaml_text": TEXT,
        "filename": "small.yaml",
        "title": "Round one",
        "questions": QUESTIONS,
        "values": {"troops_deployed": 8000},
        "runs": 1000,
        "seed": 7,
    }
    return rounds.open(**(args | changes))


def _count(rounds: RoundStore, table: str) -> int:
    with rounds.scenarios.sql.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


# --- opening --------------------------------------------------------------------------------------------------


def test_open_pins_the_scenario_its_settings_and_questions(rounds, model):
    small, model = model, Model.of(load_scenario(SEED_FILE))
    opened = _open(rounds, yaml_text=SEED_TEXT, filename="seed.yaml", title="  Round\tone \x00 ")
    r = opened.round
    values = check_judgement(model.scenario, Judgement("", {"troops_deployed": 8000})).values
    assert r == Round(
        id=r.id,
        parent_id=None,
        digest=model.digest,
        title="Round one",
        questions=("motives_capability", "aggressive_posture"),  # the scenario's order
        values=values,
        runs=1000,
        seed=7,
        closes_at=None,
        max_submissions=200,
        created_at="2023-11-14T22:13:20+00:00",
    )
    assert (r.closed, r.show_results, r.submitted, r.members, r.full) == (False, False, 0, 0, False)
    assert r.settings == {"values": values, "runs": 1000, "seed": 7}
    assert rounds.get(r.id) == r
    assert rounds.scenarios.load(f"sha-{r.digest}")[1].digest == model.digest
    assert rounds.get("A" * 22) is None
    for malformed in ("", "x", r.id + "A", r.id[:-1] + "!", None, 42):
        assert not valid_id(malformed)
        assert rounds.get(malformed) is None
    # The seed's round takes the seed's judgements, not another scenario's.
    made = rounds.submit(r.id, model, Judgement("Ann", {"sanctions_pressure": 70.0}, gut={"aggressive_posture": 0.3}))
    assert rounds.current(r.id) == [made]
    assert made.values == check_judgement(model.scenario, Judgement("Ann", {"sanctions_pressure": 70.0})).values
    with pytest.raises(ValueError, match="the model is not the round's scenario"):
        rounds.submit(r.id, small, Judgement("Bob", {}))
    assert _open(rounds, title="T" * 200).round.title == "T" * TITLE_LIMIT


def test_open_refuses_what_a_round_cannot_take(rounds):
    naive = datetime(2030, 1, 1, 12, 0)
    cases = [
        ({"title": ""}, "a round needs a title"),
        ({"title": " \n\t "}, "a round needs a title"),
        ({"title": "\x00\x07"}, "a round needs a title"),
        ({"questions": ["nope", "aggressive_posture"]}, "unknown question(s): nope"),
        ({"questions": ["zz", "aa"]}, "unknown question(s): aa, zz"),
        ({"questions": []}, "a round needs at least one of the scenario's questions"),
        ({"runs": 99}, "runs or seed out of range"),
        ({"runs": 10_001}, "runs or seed out of range"),
        ({"seed": -1}, "runs or seed out of range"),
        ({"seed": 2**31}, "runs or seed out of range"),
        ({"closes_at": naive}, "a closing time needs its time zone"),
        ({"closes_at": "2030-01-01T12:00:00"}, "a closing time needs its time zone"),
    ]
    for changes, message in cases:
        with pytest.raises(ValueError) as caught:
            _open(rounds, **changes)
        assert str(caught.value) == message, changes
    with pytest.raises(JudgementError) as caught:
        _open(rounds, values={"troops_deployed": 20001})
    assert caught.value.field == "values.troops_deployed"
    assert _count(rounds, "rounds") == 0
    # The edges of the ranges are allowed.
    assert (_open(rounds, runs=100, seed=0).round.runs, _open(rounds, runs=10_000, seed=2**31 - 1).round.runs) == (
        100,
        10_000,
    )


def test_ids_and_keys_are_unguessable_and_only_the_keys_hash_is_stored(rounds, model):
    opened = [_open(rounds) for _ in range(5)]
    ids, keys = [o.round.id for o in opened], [o.key for o in opened]
    for round_id, key in zip(ids, keys, strict=True):
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", round_id)
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key)
        assert len(base64.urlsafe_b64decode(round_id + "==")) == 16  # 128 random bits
        assert len(base64.urlsafe_b64decode(key)) == 24  # 192 random bits
        assert valid_id(round_id)
    assert len(set(ids)) == len(set(keys)) == 5
    assert not set(ids) & set(keys)
    assert all(key not in repr(o) for o, key in zip(opened, keys, strict=True))
    for n, round_id in enumerate(ids):
        assert [rounds.is_facilitator(round_id, key) for key in keys] == [m == n for m in range(5)]
    # Use every table once with the key, then read the whole database: the key is nowhere, its hash is.
    first, key = ids[0], keys[0]
    rounds.submit(first, model, Judgement("Ann", {}), "a comment")
    rounds.act(first, key, "close")
    rounds.follow_up(first, key, "Round two")
    rounds.freeze(first, key, "aggressive_posture", 0.5, 0.25, 0.75, "model")
    rounds.resolve(first, key, "aggressive_posture", True, "2024-09-01")
    engine = rounds.scenarios.sql
    dumped = []
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            dumped += [repr(tuple(row)) for row in conn.exec_driver_sql(f"SELECT * FROM {table}")]
        hashes = dict(conn.execute(sa.text("SELECT id, key_hash FROM rounds")).all())
    text = "\n".join(dumped)
    assert set(ROUND_TABLES) <= set(sa.inspect(engine).get_table_names())
    for key in keys:
        assert key not in text
        assert hashlib.sha256(key.encode()).hexdigest() in text
    for round_id, key in zip(ids, keys, strict=True):
        assert hashes[round_id] == hashlib.sha256(key.encode("utf-8")).hexdigest()


# --- submitting ---------------------------------------------------------------------------------------------


def test_a_later_submission_of_the_same_member_supersedes_the_earlier(rounds, model, clock):
    r = _open(rounds).round
    first = rounds.submit(r.id, model, Judgement("Ann", {"troops_deployed": 1000}), "first")
    clock.now += 5
    bob = rounds.submit(r.id, model, Judgement("Bob", {}))
    clock.now += 5
    again = rounds.submit(r.id, model, Judgement("  ANN ", {"troops_deployed": 2000}), "second")
    assert (first.created_at, again.created_at) == (stamp(T0), stamp(T0 + 10))
    assert again.member == "ANN"
    stored = rounds.submissions(r.id)
    assert [s.id for s in stored] == [first.id, bob.id, again.id]
    assert [s.superseded for s in stored] == [True, False, False]
    assert [dataclasses.replace(s, superseded=False) for s in stored] == [first, bob, again]
    # Both of Ann's rows are kept; the results see her latest, and the members in case-folded order.
    current = rounds.current(r.id)
    assert [(s.id, s.member) for s in current] == [(again.id, "ANN"), (bob.id, "Bob")]
    assert current[0].values["troops_deployed"] == 2000.0
    assert current[0].comment == "second"
    assert current[0].judgement == Judgement("ANN", current[0].values, {}, {})
    got = rounds.get(r.id)
    assert (got.submitted, got.members) == (3, 2)
    assert rounds.submissions("not an id") == []
    assert rounds.current("A" * 22) == []


def test_a_submission_keeps_the_members_judgement(rounds, model):
    r = _open(rounds).round
    judgement = Judgement(
        "Ann",
        {"troops_deployed": 500, "combat_engagement": 90},
        impacts={2: (0.15, 0.2, 0.25), 0: (0.2, 0.3, 0.31)},
        gut={"aggressive_posture": 0.375, "china_role": 0.9},  # china_role is not this round's question
    )
    made = rounds.submit(r.id, model, judgement)
    (stored,) = rounds.submissions(r.id)
    checked = check_judgement(model.scenario, judgement)
    assert stored.values == checked.values
    assert stored.impacts == {0: (0.2, 0.3, 0.31), 2: (0.15, 0.2, 0.25)}
    assert stored.gut == {"aggressive_posture": 0.375}
    assert made == stored


def test_a_submission_is_refused_with_its_reason(rounds, model, make_scenario):
    r = _open(rounds).round
    for missing in ("A" * 22, "nope"):
        with pytest.raises(LookupError, match="no such round"):
            rounds.submit(missing, model, Judgement("Ann", {}))
    with pytest.raises(ValueError, match="the model is not the round's scenario"):
        rounds.submit(r.id, Model.of(make_scenario()), Judgement("Ann", {}))
    for nameless in ("", "   ", "\x00\t\n"):
        with pytest.raises(ValueError, match="a submission needs a name or alias"):
            rounds.submit(r.id, model, Judgement(nameless, {}))
    bad = [
        (Judgement("Ann", {"troops_deployed": 99_999}), "values.troops_deployed"),
        (Judgement("Ann", {"troops": 1}), "values.troops"),
        (Judgement("Ann", {}, {0: (0.0, 0.2, 0.3)}), "impacts.troops_deployed>joint_combat_effectiveness"),
        (Judgement("Ann", {}, gut={"china_role": 2}), "gut.china_role"),
    ]
    for judgement, field in bad:
        with pytest.raises(JudgementError) as caught:
            rounds.submit(r.id, model, judgement)
        assert caught.value.field == field
    assert _count(rounds, "round_submissions") == 0


def test_text_is_cleaned(rounds, model):
    assert clean_alias("  Ann\x00\x1b\u200b  Lee\n") == "Ann Lee"
    assert clean_alias("x" * 100) == "x" * ALIAS_LIMIT
    assert clean_alias(None) == ""
    many = "\n".join(f"line {k}\x07\t end" for k in range(COMMENT_LINES + 5))
    assert clean_comment(many) == "\n".join(f"line {k} end" for k in range(COMMENT_LINES))
    assert clean_comment("\n\n  hello \r\n\n") == "hello"
    assert clean_comment("one\r\ntwo\x00three") == "one\ntwo three"
    assert clean_comment("a" * 1500) == "a" * COMMENT_LIMIT
    long_lines = "\n".join("b" * 99 for _ in range(15))  # 1,499 characters over 15 lines
    assert clean_comment(long_lines) == long_lines[:COMMENT_LIMIT]
    r = _open(rounds).round
    made = rounds.submit(r.id, model, Judgement(" Ann\x00  Lee " + "x" * 100, {}), "first\x1b line\n\tsecond  line")
    (stored,) = rounds.submissions(r.id)
    assert stored.member == made.member == ("Ann Lee " + "x" * 100)[:ALIAS_LIMIT]
    assert stored.comment == made.comment == "first line\nsecond line"


# --- the facilitator ------------------------------------------------------------------------------------------


def test_only_the_facilitator_key_acts(rounds):
    opened, other = _open(rounds), _open(rounds, title="Other")
    r, key = opened.round, opened.key
    swapped = ("B" if key[0] == "A" else "A") + key[1:]
    wrong = [None, "", r.id, other.key, other.round.id, "A" * 32, key[:-1], key + "A", swapped, 12345, [key]]
    calls = {
        "act": lambda k: rounds.act(r.id, k, "close"),
        "follow_up": lambda k: rounds.follow_up(r.id, k, "Round two"),
        "freeze": lambda k: rounds.freeze(r.id, k, "aggressive_posture", 0.5, 0.25, 0.75, "model"),
        "resolve": lambda k: rounds.resolve(r.id, k, "aggressive_posture", True, "2024-09-01"),
    }
    for name, call in calls.items():
        for bad in wrong:
            with pytest.raises(AccessDenied):
                call(bad)
            assert not rounds.is_facilitator(r.id, bad), (name, bad)
    # The participant's link holds the round's id and nothing else: nothing happened.
    assert rounds.get(r.id).closed is False
    assert [x.id for x in rounds.family(r.id)] == [r.id]
    assert rounds.forecasts(r.id) == [] and rounds.resolutions(r.id) == []
    assert _count(rounds, "round_actions") == _count(rounds, "ledger_forecasts") == 0
    # A key on an id that is no round's, or on a malformed id.
    assert not rounds.is_facilitator("A" * 22, key)
    assert not rounds.is_facilitator(r.id + "x", key)
    # The right key does each.
    assert rounds.is_facilitator(r.id, key)
    assert calls["act"](key).closed is True
    assert calls["follow_up"](key).parent_id == r.id
    assert calls["freeze"](key).probability == 0.5
    assert calls["resolve"](key).happened is True
    # The other round's key still works on the other round only.
    assert rounds.act(other.round.id, other.key, "close").closed is True


def test_close_and_reopen(rounds, model):
    opened = _open(rounds)
    r, key = opened.round, opened.key
    with pytest.raises(ValueError, match=re.escape("unknown action 'open'")):
        rounds.act(r.id, key, "open")
    closed = rounds.act(r.id, key, "close")
    assert closed.closed is True
    assert rounds.get(r.id).closed is True
    with pytest.raises(RoundClosed):
        rounds.submit(r.id, model, Judgement("Ann", {}))
    assert rounds.submissions(r.id) == []
    assert rounds.act(r.id, key, "reopen").closed is False
    rounds.submit(r.id, model, Judgement("Ann", {}))
    assert rounds.act(r.id, key, "close").closed is True
    with pytest.raises(RoundClosed):
        rounds.submit(r.id, model, Judgement("Bob", {}))
    assert [s.member for s in rounds.submissions(r.id)] == ["Ann"]


def test_a_closing_time_closes_the_round_and_a_later_reopening_opens_it(rounds, model, clock):
    opened = _open(rounds, closes_at=datetime.fromtimestamp(T0 + 100, UTC))
    r, key = opened.round, opened.key
    assert r.closes_at == "2023-11-14T22:15:00+00:00"
    assert r.closed is False
    clock.now = T0 + 99
    rounds.submit(r.id, model, Judgement("Ann", {}))
    clock.now = T0 + 100
    assert rounds.get(r.id).closed is True
    with pytest.raises(RoundClosed):
        rounds.submit(r.id, model, Judgement("Bob", {}))
    clock.now = T0 + 150
    assert rounds.act(r.id, key, "reopen").closed is False  # a reopening after the closing time opens it
    clock.now = T0 + 100_000
    rounds.submit(r.id, model, Judgement("Bob", {}))
    assert rounds.act(r.id, key, "close").closed is True
    assert [s.member for s in rounds.submissions(r.id)] == ["Ann", "Bob"]

    # A reopening before the closing time does not keep it open past that time; a time in another zone counts
    # as the same moment in UTC.
    clock.now = T0
    opened = _open(rounds, closes_at="2023-11-15T00:15:00+02:00")
    r, key = opened.round, opened.key
    assert r.closes_at == "2023-11-14T22:15:00+00:00"
    clock.now = T0 + 10
    assert rounds.act(r.id, key, "reopen").closed is False
    clock.now = T0 + 100
    assert rounds.get(r.id).closed is True
    # A closing time already past when the round opens: closed from the start.
    late = _open(rounds, closes_at=datetime.fromtimestamp(T0, timezone(timedelta(hours=-5)))).round
    assert late.closed is True
    # No closing time at all.
    assert _open(rounds, closes_at="").round.closes_at is None


def test_results_on_and_off(rounds):
    opened = _open(rounds)
    r, key = opened.round, opened.key
    assert r.show_results is False
    assert rounds.act(r.id, key, "results_on").show_results is True
    assert rounds.act(r.id, key, "close").show_results is True  # closing leaves them as they are
    assert rounds.act(r.id, key, "results_off").show_results is False
    assert rounds.get(r.id).show_results is False
    shown = _open(rounds, show_results=True)
    assert shown.round.show_results is True
    assert rounds.act(shown.round.id, shown.key, "results_off").show_results is False
    assert rounds.act(shown.round.id, shown.key, "results_on").show_results is True
    assert rounds.get(shown.round.id).closed is False


# --- limits -----------------------------------------------------------------------------------------------


def test_a_round_holds_at_most_its_limit_of_submissions(rounds, model):
    r = _open(rounds, max_submissions=3).round
    assert r.max_submissions == 3
    rounds.submit(r.id, model, Judgement("Ann", {}))
    rounds.submit(r.id, model, Judgement("Bob", {}))
    rounds.submit(r.id, model, Judgement("ann", {"troops_deployed": 10}))  # a resubmission counts too
    got = rounds.get(r.id)
    assert (got.submitted, got.members, got.full) == (3, 2, True)
    with pytest.raises(RoundFull) as caught:
        rounds.submit(r.id, model, Judgement("Cay", {}))
    assert caught.value.limit == 3
    assert str(caught.value) == "the round holds its limit of 3 submissions"
    assert len(rounds.submissions(r.id)) == 3


def test_the_servers_limit_caps_what_a_round_asks_for(scenarios, model):
    server = RoundStore(scenarios, max_submissions=5)
    asked = {100: 5, 5: 5, 2: 2, 0: 1, -3: 1, None: 5}
    for wish, held in asked.items():
        assert _open(server, max_submissions=wish).round.max_submissions == held
    r = _open(server, max_submissions=100)
    for k in range(5):
        server.submit(r.round.id, model, Judgement(f"m{k}", {}))
    with pytest.raises(RoundFull) as caught:
        server.submit(r.round.id, model, Judgement("m5", {}))
    assert caught.value.limit == 5
    # A follow-up keeps the first round's limit.
    small = _open(server, max_submissions=2)
    assert server.follow_up(small.round.id, small.key, "Two").max_submissions == 2


def test_the_submissions_limit_comes_from_the_environment(tmp_path, monkeypatch, caplog):
    assert DEFAULT_SUBMISSIONS == 200
    with caplog.at_level(logging.WARNING, logger="engine.rounds"):
        assert submissions_limit({}) == 200
        assert submissions_limit({SUBMISSIONS_ENV: ""}) == 200
        assert submissions_limit({SUBMISSIONS_ENV: "  "}) == 200
        assert submissions_limit({SUBMISSIONS_ENV: "25"}) == 25
        assert submissions_limit({SUBMISSIONS_ENV: " 7 "}) == 7
        assert caplog.records == []
        for bad in ("0", "-3", "ten", "2.5", "1e3", "+4"):
            assert submissions_limit({SUBMISSIONS_ENV: bad}) == 200
    assert [r.getMessage() for r in caplog.records] == [
        f"{SUBMISSIONS_ENV}={bad!r} is not a whole number > 0; using 200"
        for bad in ("0", "-3", "ten", "2.5", "1e3", "+4")
    ]
    store = ScenarioStore(f"sqlite:///{tmp_path / 'env.sqlite3'}", limits=Limits())
    try:
        monkeypatch.setenv(SUBMISSIONS_ENV, "12")
        assert submissions_limit() == 12
        assert RoundStore(store).max_submissions == 12
        assert RoundStore(store, max_submissions=3).max_submissions == 3
        monkeypatch.delenv(SUBMISSIONS_ENV)
        assert RoundStore(store).max_submissions == 200
    finally:
        store.dispose()


# --- follow-up rounds and the ledger --------------------------------------------------------------------


def test_a_follow_up_shares_the_key_and_the_ledger(rounds, model, clock):
    opened = _open(rounds, show_results=True, max_submissions=40)
    first, key = opened.round, opened.key
    rounds.submit(first.id, model, Judgement("Ann", {}))
    clock.now = T0 + 60
    second = rounds.follow_up(first.id, key, "  Round\ttwo ", closes_at="2030-01-01T00:00:00+00:00")
    assert valid_id(second.id) and second.id != first.id
    assert second == Round(
        id=second.id,
        parent_id=first.id,
        digest=first.digest,
        title="Round two",
        questions=first.questions,
        values=first.values,
        runs=first.runs,
        seed=first.seed,
        closes_at="2030-01-01T00:00:00+00:00",
        max_submissions=40,
        created_at=stamp(T0 + 60),
        position=2,
        show_results=True,
    )
    assert rounds.is_facilitator(second.id, key)
    assert rounds.submissions(second.id) == []  # submissions are the round's own
    assert rounds.ledger_id(first.id) == rounds.ledger_id(second.id) == first.id
    assert [r.id for r in rounds.family(first.id)] == [r.id for r in rounds.family(second.id)] == [first.id, second.id]
    a = rounds.freeze(second.id, key, "aggressive_posture", 0.25, 0.125, 0.5, "model")
    b = rounds.freeze(first.id, key, "motives_capability", 0.75, 0.5, 0.875, "pooled")
    assert rounds.forecasts(first.id) == rounds.forecasts(second.id) == [a, b]
    resolved = rounds.resolve(second.id, key, "aggressive_posture", False, "2024-09-01")
    assert rounds.resolutions(first.id) == [resolved]
    # A follow-up of the follow-up still belongs to the first round and comes third in its series, in the
    # order the rounds were opened, even when the clock runs behind.
    clock.now = T0 - 3600
    third = rounds.follow_up(second.id, key, "Round three")
    assert third.parent_id == first.id
    assert third.position == 3
    assert rounds.ledger_id(third.id) == first.id
    assert [r.id for r in rounds.family(third.id)] == [first.id, second.id, third.id]
    assert rounds.forecasts(third.id) == [a, b]
    assert rounds.resolutions(third.id) == [resolved]
    with pytest.raises(ValueError, match="a round needs a title"):
        rounds.follow_up(first.id, key, " ")
    with pytest.raises(AccessDenied):
        rounds.follow_up("A" * 22, key, "Round four")
    for unknown in ("A" * 22, "nope"):
        assert rounds.ledger_id(unknown) is None
        assert rounds.family(unknown) == []
        assert rounds.forecasts(unknown) == [] and rounds.resolutions(unknown) == []


def test_freeze_records_a_card_and_refuses_bad_ones(rounds, clock):
    opened = _open(rounds)
    r, key = opened.round, opened.key
    clock.now = T0 + 30
    made = rounds.freeze(
        r.id, key, "aggressive_posture", 0.25, 0.125, 0.5, "model", label="ignored", question_text=" Will\nit? "
    )
    assert (made.question, made.probability, made.low, made.high, made.source, made.label) == (
        "aggressive_posture",
        0.25,
        0.125,
        0.5,
        "model",
        "",
    )
    assert (made.digest, made.frozen_at, made.question_text) == (r.digest, stamp(T0 + 30), "Will it?")
    assert made.settings == json.dumps(r.settings, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    gut = rounds.freeze(r.id, key, "aggressive_posture", 0.5, 0.5, 0.5, "gut", label="  Ann\x00 Lee ")
    assert gut.label == "Ann Lee"
    pooled = rounds.freeze(r.id, key, "motives_capability", 1.0, 0.0, 1.0, "pooled", settings={"members": 3})
    assert pooled.settings == '{"members":3}'
    assert rounds.forecasts(r.id) == [made, gut, pooled]
    assert made.id < gut.id < pooled.id
    # A card of the round's scenario at other settings may be frozen; a card of another scenario may not.
    assert rounds.freeze(r.id, key, "aggressive_posture", 0.5, 0.5, 0.5, "model", digest=r.digest).digest == r.digest
    with pytest.raises(ValueError, match="the card is of another scenario than the round's"):
        rounds.freeze(r.id, key, "aggressive_posture", 0.5, 0.25, 0.75, "model", digest="0" * 64)
    with pytest.raises(ValueError, match="unknown source 'mine'"):
        rounds.freeze(r.id, key, "aggressive_posture", 0.5, 0.25, 0.75, "mine")
    with pytest.raises(ValueError, match="'china_role' is not a question of this round"):
        rounds.freeze(r.id, key, "china_role", 0.5, 0.25, 0.75, "model")
    for numbers in ((1.5, 0.0, 1.0), (0.5, 0.6, 0.9), (0.5, 0.1, 0.4), (math.nan, 0.0, 1.0), (-0.1, -0.2, 0.0)):
        with pytest.raises(ValueError, match=re.escape("a forecast needs 0 <= low <= probability <= high <= 1")):
            rounds.freeze(r.id, key, "aggressive_posture", *numbers, "model")
    assert len(rounds.forecasts(r.id)) == 4


def test_resolve_records_what_happened_and_a_later_one_corrects_it(rounds, clock):
    opened = _open(rounds)
    r, key = opened.round, opened.key
    card = rounds.freeze(r.id, key, "aggressive_posture", 0.25, 0.125, 0.5, "model")
    clock.now = T0 + 10
    first = rounds.resolve(r.id, key, "aggressive_posture", True, date(2024, 9, 1), note=" first\nword ")
    assert (first.question, first.happened, first.resolved_on, first.note, first.created_at) == (
        "aggressive_posture",
        True,
        "2024-09-01",
        "first word",
        stamp(T0 + 10),
    )
    corrected = rounds.resolve(r.id, key, "aggressive_posture", False, "2024-09-15", "corrected")
    other = rounds.resolve(r.id, key, "motives_capability", 1, datetime(2024, 10, 1, 23, 30, tzinfo=UTC))
    assert (other.happened, other.resolved_on) == (True, "2024-10-01")
    stored = rounds.resolutions(r.id)
    assert stored == [first, corrected, other]
    assert latest(stored)["aggressive_posture"] == corrected
    # The correction is what the score sees: 0.25 against 'no'.
    assert brier_scores(rounds.forecasts(r.id), stored)["brier"].tolist() == [0.0625]
    assert rounds.forecasts(r.id) == [card]
    with pytest.raises(ValueError, match="'china_role' is not a question of this round"):
        rounds.resolve(r.id, key, "china_role", True, "2024-09-01")
    for day in ("2024-13-01", "yesterday", ""):
        with pytest.raises(ValueError):
            rounds.resolve(r.id, key, "aggressive_posture", True, day)
    assert len(rounds.resolutions(r.id)) == 3


# --- participants at the same moment, each in a process of their own ---------------------------------------

_barrier = None
_model = None


def _join(barrier) -> None:
    global _barrier
    _barrier = barrier


def _participant(url: str, round_id: str, name: str) -> tuple:
    """One participant: their own store on the URL, then, when all are ready, one submission."""
    global _model
    if _model is None:
        _model = Model.of(parse_scenario(TEXT, "small.yaml"))
    store = ScenarioStore(url, limits=Limits())
    try:
        rounds = RoundStore(store, max_submissions=200)
        rounds.get(round_id)  # connected, tables known: only the submission is left for the moment
        _barrier.wait(timeout=120)
        try:
            made = rounds.submit(round_id, _model, Judgement(name, {"troops_deployed": 100 * int(name[-2:])}))
        except RoundFull as full:
            return ("full", name, full.limit)
        return ("ok", name, made.id)
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def crowd():
    """PARTIES processes of their own, held together by a barrier.

    Forked from a fork server, not from this process: like spawned ones, they share no connection and no
    state with the test, but the fork server imports the engine once for all of them, where 30 spawned
    processes would spend half a minute of this two-core machine importing it each.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier = context.Barrier(PARTIES)
    with context.Pool(PARTIES, initializer=_join, initargs=(barrier,)) as pool:
        yield pool


def _together(crowd, url: str, round_id: str) -> list[tuple]:
    # Each participant waits at the barrier until all have arrived, so no process can take two of them.
    names = [f"member {k:02d}" for k in range(PARTIES)]
    return crowd.starmap(_participant, [(url, round_id, name) for name in names], chunksize=1)


def test_participants_submitting_at_once_lose_nothing(crowd, url, rounds):
    r = _open(rounds).round
    results = _together(crowd, url, r.id)
    assert sorted(x[0] for x in results) == ["ok"] * PARTIES
    stored = rounds.submissions(r.id)
    assert len(stored) == PARTIES
    assert sorted(s.member for s in stored) == [f"member {k:02d}" for k in range(PARTIES)]
    assert sorted(s.id for s in stored) == sorted(x[2] for x in results)
    assert all(s.values["troops_deployed"] == 100 * int(s.member[-2:]) for s in stored)
    got = rounds.get(r.id)
    assert (got.submitted, got.members) == (PARTIES, PARTIES)


def test_participants_at_once_get_exactly_the_rounds_limit(crowd, url, rounds):
    r = _open(rounds, max_submissions=20).round
    results = _together(crowd, url, r.id)
    outcomes = [x[0] for x in results]
    assert (outcomes.count("ok"), outcomes.count("full")) == (20, 10)
    assert {x[2] for x in results if x[0] == "full"} == {20}
    stored = rounds.submissions(r.id)
    assert len(stored) == 20
    assert sorted(s.member for s in stored) == sorted(x[1] for x in results if x[0] == "ok")
    got = rounds.get(r.id)
    assert (got.submitted, got.members, got.full) == (20, 20, True)
