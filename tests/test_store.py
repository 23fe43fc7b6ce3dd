"""Scenario store: content addressing, insert-only saves, limits and failures, on SQLite and a real PostgreSQL."""

import functools
import logging
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import quote

import pytest

import engine.store
from engine.__main__ import main
from engine.ensemble import run_ensemble
from engine.loader import ScenarioError, load_scenario
from engine.model import Model
from engine.serialize import scenario_to_yaml, with_defaults
from engine.simulation import point_run
from engine.state import DEFAULT_RUNS, DEFAULT_SEED, format_number
from engine.store import Limits, SaveLimitReached, ScenarioStore, StoreError, StoreStats
from tests.pg_server import postgres_server
from tests.test_golden import assert_matches_golden

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "scenarios" / "dprk-russia-2024.yaml"
T0 = 1_700_000_000.0  # a whole second: created_at keeps whole seconds, so waits come out exact


@pytest.fixture(scope="module")
def pg_server():
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="module")
def postgres_url(pg_server):
    return pg_server.url


def _emptied(url: str) -> str:
    # One server for the module: start every test from an empty table.
    the_store = ScenarioStore(url)
    with the_store._engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM saved_scenarios")
    the_store.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return _emptied(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(url):
    the_store = ScenarioStore(url)
    yield the_store
    the_store.dispose()


class Clock:
    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@functools.cache
def _variant(troops: float) -> str:
    return scenario_to_yaml(with_defaults(load_scenario(SEED_FILE), {"troops_deployed": troops}))


def test_save_and_load_round_trip(store):
    text = SEED_FILE.read_text(encoding="utf-8")
    saved, scenario = store.save(text, "seed.yaml")
    assert saved.digest == scenario.digest
    assert saved.ref == "sha-" + saved.digest[:16]
    assert saved.scenario_id == "dprk-russia-2024"
    loaded_saved, loaded = store.load(saved.ref)
    assert loaded_saved == saved
    assert loaded == scenario
    assert store.load("sha-" + saved.digest) is not None


def test_same_scenario_twice_is_stored_once(store):
    first, _ = store.save(SEED_FILE.read_text(encoding="utf-8"))
    # Same content, different formatting and comments: the same digest, and the first text is kept.
    second, _ = store.save(scenario_to_yaml(load_scenario(SEED_FILE), "reformatted"))
    assert second == first
    assert store.count() == 1


def test_nothing_is_overwritten(store):
    a, _ = store.save(_variant(1000))
    b, _ = store.save(_variant(2000))
    assert a.digest != b.digest
    assert store.count() == 2
    assert store.load(a.ref)[1].driver("troops_deployed").default == 1000
    assert store.load(b.ref)[1].driver("troops_deployed").default == 2000
    assert {s.digest for s in store.list()} == {a.digest, b.digest}


def test_invalid_yaml_is_refused_with_its_line_and_nothing_is_stored(store):
    broken = SEED_FILE.read_text(encoding="utf-8").replace("max: 20000", "max: -1", 1)
    with pytest.raises(ScenarioError) as caught:
        store.save(broken, "mine.yaml")
    lines = broken.splitlines()
    min_line = lines.index("    min: 0") + 1  # troops_deployed is the first driver
    problems = [str(p) for p in caught.value.problems]
    assert problems[0] == f"mine.yaml:{min_line}: drivers[0].min: min 0 must be below max -1"
    # Every value given to the driver elsewhere (its ramp, presets, checks) is now out of its range, each
    # reported on its own line, and that line names the driver.
    assert len(problems) == 1 + broken.count("troops_deployed: ") + broken.count("target: troops_deployed, from")
    for problem in problems[1:]:
        line = int(problem.split(":")[1])
        assert problem.endswith("is outside [0, -1]") or problem.endswith("is outside [0, -1] of 'troops_deployed'")
        assert "troops_deployed" in lines[line - 1]
    assert store.count() == 0


@pytest.mark.parametrize("ref", ["sha-", "sha-123", "sha-" + "g" * 16, "dprk-russia-2024", "sha-" + "0" * 65])
def test_bad_refs_find_nothing(store, ref):
    store.save(SEED_FILE.read_text(encoding="utf-8"))
    assert store.load(ref) is None


def test_a_prefix_that_matches_nothing_finds_nothing(store):
    saved, _ = store.save(SEED_FILE.read_text(encoding="utf-8"))
    other = "0" * 16 if not saved.digest.startswith("0" * 16) else "f" * 16
    assert store.load("sha-" + other) is None


def test_default_url_uses_the_data_directory(tmp_path, monkeypatch):
    from engine.store import default_url

    monkeypatch.delenv("SCENARIO_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIO_DATA_DIR", str(tmp_path / "nested" / "data"))
    assert default_url() == f"sqlite:///{(tmp_path / 'nested' / 'data').resolve() / 'scenarios.sqlite3'}"
    assert not (tmp_path / "nested").exists()  # asking for the URL (every rerun) touches no disk
    ScenarioStore(default_url())
    assert (tmp_path / "nested" / "data" / "scenarios.sqlite3").is_file()
    monkeypatch.setenv("SCENARIO_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"


def test_stats_count_the_rows_and_the_utf8_bytes_of_their_yaml(store):
    assert store.stats() == StoreStats(rows=0, yaml_bytes=0)
    a, b = SEED_FILE.read_text(encoding="utf-8"), _variant(2000)
    assert len(a.encode("utf-8")) > len(a)  # umlauts: bytes, not characters, must be counted
    store.save(a)
    store.save(b)
    store.save(a)
    assert store.stats() == StoreStats(rows=2, yaml_bytes=len(a.encode("utf-8")) + len(b.encode("utf-8")))


def test_every_new_save_logs_the_size_of_the_store(store, caplog):
    a, b = _variant(1000), _variant(2000)
    caplog.set_level(logging.INFO, logger="engine.store")
    first, _ = store.save(a)
    second, _ = store.save(b)
    store.save(a)  # no new row, nothing to log
    size_a, size_b = len(a.encode("utf-8")), len(b.encode("utf-8"))
    assert [r.getMessage() for r in caplog.records if r.name == "engine.store"] == [
        f"saved {first.ref} ({size_a} bytes); the store holds 1 scenarios, {size_a} bytes of YAML",
        f"saved {second.ref} ({size_b} bytes); the store holds 2 scenarios, {size_a + size_b} bytes of YAML",
    ]


def test_a_session_gets_its_limit_of_new_saves_an_hour(url):
    clock = Clock()
    the_store = ScenarioStore(url, Limits(saves_per_session_hour=2, saves_per_hour=0, max_bytes=0), clock)
    mine: list[float] = []
    first, _ = the_store.save(_variant(1000), recent=mine)
    clock.now += 600
    the_store.save(_variant(2000), recent=mine)
    assert mine == [T0, T0 + 600]
    clock.now += 60
    with pytest.raises(SaveLimitReached) as caught:
        the_store.save(_variant(3000), recent=mine)
    assert (caught.value.kind, caught.value.limit, caught.value.retry_in) == ("session", 2, 3600 - 660)
    # Saving a scenario already stored adds no row and counts against no limit.
    assert the_store.save(_variant(1000), recent=mine)[0] == first
    assert mine == [T0, T0 + 600]
    # Another session has its own count.
    theirs: list[float] = []
    the_store.save(_variant(3000), recent=theirs)
    assert theirs == [T0 + 660]
    # An hour after the first save, it no longer counts.
    clock.now = T0 + 3600
    the_store.save(_variant(4000), recent=mine)
    assert mine == [T0 + 600, T0 + 3600]
    assert the_store.count() == 4
    the_store.dispose()


def test_the_server_limit_counts_the_saves_of_every_session_and_replica(url):
    clock = Clock()
    limits = Limits(saves_per_session_hour=0, saves_per_hour=2, max_bytes=0)
    # Two replicas of the app share one database: the count lives in the store, not in either process.
    one, two = ScenarioStore(url, limits, clock), ScenarioStore(url, limits, clock)
    first, _ = one.save(_variant(1000), recent=[])
    clock.now += 120
    two.save(_variant(2000), recent=[])
    clock.now += 60
    for replica in (one, two):
        with pytest.raises(SaveLimitReached) as caught:
            replica.save(_variant(3000), recent=[])
        assert (caught.value.kind, caught.value.limit, caught.value.retry_in) == ("server", 2, 3600 - 180)
    assert two.save(_variant(1000), recent=[])[0] == first  # already stored: allowed, and not counted
    clock.now = T0 + 3600  # the first save has left the hour
    two.save(_variant(3000), recent=[])
    assert one.count() == 3
    one.dispose()
    two.dispose()


def test_the_store_refuses_new_saves_past_its_size_limit(url):
    a, b, c = _variant(1000), _variant(2000), _variant(3000)
    cap = len(a.encode("utf-8")) + len(b.encode("utf-8"))
    the_store = ScenarioStore(url, Limits(saves_per_session_hour=0, saves_per_hour=0, max_bytes=cap))
    the_store.save(a)
    the_store.save(b)  # exactly at the limit still fits
    with pytest.raises(SaveLimitReached) as caught:
        the_store.save(c)
    assert (caught.value.kind, caught.value.limit, caught.value.retry_in) == ("size", cap, None)
    the_store.save(a)  # already stored: no new bytes
    assert the_store.stats() == StoreStats(rows=2, yaml_bytes=cap)
    the_store.dispose()


def test_limits_come_from_the_environment_with_defaults(tmp_path, monkeypatch, caplog):
    assert Limits.from_env({}) == Limits(saves_per_session_hour=10, saves_per_hour=120, max_bytes=200 * 1024 * 1024)
    assert Limits.from_env(
        {"SCENARIO_SAVES_PER_SESSION_HOUR": "3", "SCENARIO_SAVES_PER_HOUR": " 0 ", "SCENARIO_STORE_MAX_BYTES": "5000"}
    ) == Limits(saves_per_session_hour=3, saves_per_hour=0, max_bytes=5000)
    # A typo keeps the default (it must not switch the limit off), and the operator is told.
    with caplog.at_level(logging.WARNING, logger="engine.store"):
        assert Limits.from_env({"SCENARIO_SAVES_PER_HOUR": "-5", "SCENARIO_STORE_MAX_BYTES": "1e9"}) == Limits()
    assert [r.getMessage() for r in caplog.records] == [
        "SCENARIO_SAVES_PER_HOUR='-5' is not a whole number >= 0; using the default",
        "SCENARIO_STORE_MAX_BYTES='1e9' is not a whole number >= 0; using the default",
    ]
    monkeypatch.setenv("SCENARIO_SAVES_PER_SESSION_HOUR", "1")
    the_store = ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    assert the_store.limits == Limits(saves_per_session_hour=1)
    mine: list[float] = []
    the_store.save(_variant(1000), recent=mine)
    with pytest.raises(SaveLimitReached):
        the_store.save(_variant(2000), recent=mine)
    the_store.dispose()


def _outcome(the_store: ScenarioStore, text: str) -> tuple:
    try:
        saved, scenario = the_store.save(text, "tricky.yaml")
    except ScenarioError as err:
        return ("refused", [str(p) for p in err.problems])
    except StoreError as err:
        return ("store failed", str(err))
    listed, (loaded_saved, loaded) = the_store.list(), the_store.load(saved.ref)
    # What was saved is what comes back, unchanged: the stored title, the listed one, the loaded scenario.
    assert listed == [saved] and loaded_saved == saved and loaded == scenario
    return ("saved", saved.title_en, scenario.summary.en, scenario.drivers[0].source.quote)


TRICKY = {
    "nul": r"\0",
    "nul inside": r"a\0b",
    "bell": r"a\ab",
    "escape": r"a\eb",
    "vertical tab": r"a\vb",
    "form feed": r"a\fb",
    "unit separator": r"a\x1fb",
    "delete": r"a\x7fb",
    "c1 control": r"a\x85b",
    "lone high surrogate": r"\ud800",
    "lone low surrogate": r"\udfff",
    "surrogate pair as escapes": r"\ud83d\ude00",
    "astral": "\U0001f600 \U0001d11e",
    "astral escape": r"\U0010FFFF",
    "right-to-left marks": "\u200f\u202eRTL\u202c\u200e",
    "zero width joiner": "\u200d\u2060",
    "byte order mark": r"\uFEFF",
    "noncharacter": r"\uFFFF",
    "line separator": r"a\u2028b",
    "tab and newline": r"a\tb\nc\rd",
    "combining marks": "e\u0301\u0308",
    "400 characters": "x" * 400,
    "401 characters": "x" * 401,
    "4000 characters": "é" * 4000,
    "4001 characters": "é" * 4001,
    "only spaces": "   ",
}


TINY = (ROOT / "tests" / "data" / "tiny.yaml").read_text(encoding="utf-8")
FIELDS = {"title": '"Tiny scenario"', "summary": '"One driver, two indicators."', "quote": '"push"'}


@pytest.mark.parametrize("text", list(TRICKY.values()), ids=list(TRICKY))
@pytest.mark.parametrize("field", list(FIELDS))
def test_both_backends_accept_and_refuse_the_same_texts(tmp_path, postgres_url, field, text):
    assert TINY.count(FIELDS[field]) == 1
    tricky = TINY.replace(FIELDS[field], f'"{text}"')
    outcomes = []
    for url in (f"sqlite:///{tmp_path / 'store.sqlite3'}", _emptied(postgres_url)):
        the_store = ScenarioStore(url)
        outcomes.append(_outcome(the_store, tricky))
        the_store.dispose()
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] in ("saved", "refused")


def _internals_logged(caplog, *needles: str) -> list[str]:
    # The details an operator needs are in the store's log, one line per failure.
    lines = [r.getMessage() for r in caplog.records if r.name == "engine.store" and r.levelno == logging.WARNING]
    assert lines, "nothing was logged"
    assert all(all(n in line for n in needles) for line in lines), lines
    return lines


def test_a_stopped_database_gives_store_errors_that_name_no_internals(pg_server, caplog):
    the_store = ScenarioStore(_emptied(pg_server.url))
    saved, _ = the_store.save(_variant(1000))
    pg_server.stop()
    try:
        attempts = {
            "save": lambda: the_store.save(_variant(2000)),
            "save again": lambda: the_store.save(_variant(1000)),
            "list": the_store.list,
            "load": lambda: the_store.load(saved.ref),
            "count": the_store.count,
            "stats": the_store.stats,
            "open": lambda: ScenarioStore(pg_server.url),
        }
        messages = {}
        with caplog.at_level(logging.WARNING, logger="engine.store"):
            for name, attempt in attempts.items():
                with pytest.raises(StoreError) as caught:
                    attempt()
                messages[name] = str(caught.value)
        assert messages == {
            "save": "the scenario store could not save",
            "save again": "the scenario store could not save",
            "list": "the scenario store could not list",
            "load": "the scenario store could not load",
            "count": "the scenario store could not count",
            "stats": "the scenario store could not count",
            "open": "the scenario store could not open",
        }
        assert len(_internals_logged(caplog, f"127.0.0.1:{pg_server.port}", "OperationalError")) == 7
    finally:
        pg_server.start()
    # The same store works again once the database is back.
    assert the_store.load(saved.ref)[0] == saved
    assert the_store.save(_variant(2000))[0].digest != saved.digest
    the_store.dispose()


def test_a_read_only_sqlite_file_can_be_read_but_refuses_saves_with_a_store_error(tmp_path, caplog):
    path = tmp_path / "data" / "store.sqlite3"
    writable = ScenarioStore(f"sqlite:///{path}")
    saved, _ = writable.save(_variant(1000))
    writable.dispose()
    # SQLite's own read-only mode: file permissions would not stop the root user these tests may run as.
    read_only = ScenarioStore(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert read_only.list() == [saved]
    assert read_only.load(saved.ref)[0] == saved
    with caplog.at_level(logging.WARNING, logger="engine.store"), pytest.raises(StoreError) as caught:
        read_only.save(_variant(2000))
    assert str(caught.value) == "the scenario store could not save"
    assert _internals_logged(caplog, str(path), "attempt to write a readonly database")
    read_only.dispose()


def test_a_data_folder_deleted_while_running_gives_a_store_error(tmp_path, caplog):
    folder = tmp_path / "data"
    the_store = ScenarioStore(f"sqlite:///{folder / 'store.sqlite3'}")
    the_store.save(_variant(1000))
    shutil.rmtree(folder)
    with caplog.at_level(logging.WARNING, logger="engine.store"), pytest.raises(StoreError) as caught:
        the_store.save(_variant(2000))
    assert str(caught.value) == "the scenario store could not save"
    assert _internals_logged(caplog, str(folder), "OperationalError")
    assert not folder.exists()  # a new, empty store in its place would hide the loss from the operator
    the_store.dispose()


def test_an_sqlite_uri_filename_makes_its_real_folder_and_none_named_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    absolute = tmp_path / "abs dir" / "store.sqlite3"
    ScenarioStore(f"sqlite:///file:{quote(str(absolute))}?uri=true").dispose()
    assert absolute.is_file()
    ScenarioStore("sqlite:///file:rel/store.sqlite3?uri=true").dispose()
    assert (tmp_path / "rel" / "store.sqlite3").is_file()
    ScenarioStore("sqlite:///file::memory:?uri=true").dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abs dir", "rel"]


def test_an_unanswering_database_host_fails_within_the_connect_timeout(monkeypatch):
    # A host that takes the connection and never answers, like one behind a firewall that drops packets.
    monkeypatch.setattr(engine.store, "CONNECT_TIMEOUT_SECONDS", 2)  # libpq's smallest
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        started = time.monotonic()
        with pytest.raises(StoreError):
            ScenarioStore(f"postgresql+psycopg://u@127.0.0.1:{silent.getsockname()[1]}/db")
        assert time.monotonic() - started < 10


def test_the_store_stats_command_prints_rows_and_bytes(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SCENARIO_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SCENARIO_STORE_MAX_BYTES", "1000000")
    the_store = ScenarioStore()
    text = _variant(1000)
    the_store.save(text)
    the_store.dispose()
    assert main(["store-stats"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (f"scenarios: 1\nyaml_bytes: {len(text.encode('utf-8'))}\nmax_bytes: 1000000\n", "")


def test_the_store_stats_command_says_why_the_store_cannot_be_reached(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    assert main(["store-stats", "--url", f"postgresql+psycopg://u@127.0.0.1:{port}/db"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("the scenario store could not open: (psycopg.OperationalError) connection failed:")
    assert f'"127.0.0.1", port {port} failed: Connection refused' in err


# --- schema 1, saved before schema 2 existed ---------------------------------------------------------------

SCHEMA1 = Path(__file__).parent / "data" / "schema1"
SCHEMA1_REF = "sha-ae99c569e7f55476"


def test_a_schema_1_scenario_saved_before_schema_2_loads_and_runs_exactly_as_before(tmp_path):
    """tests/data/schema1/store.sqlite was written by the code before schema 2 (see its README)."""
    shutil.copy(SCHEMA1 / "store.sqlite", tmp_path / "store.sqlite")
    store = ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        saved, scenario = store.load(SCHEMA1_REF)
    finally:
        store.dispose()
    assert scenario.schema_version == 1
    assert scenario.digest == saved.digest == "ae99c569e7f55476154b5c1cb77db60aaba4e2b305abfeca29b3e05fbac203b4"
    model = Model.of(scenario)
    projection = run_ensemble(model, runs=DEFAULT_RUNS, seed=DEFAULT_SEED)
    then = "what the code before schema 2 gave"
    assert_matches_golden("dprk-russia-2024.point.csv", _csv(point_run(model)), then, SCHEMA1)
    assert_matches_golden("dprk-russia-2024.bands.csv", _csv(projection.bands), then, SCHEMA1)
    assert_matches_golden("dprk-russia-2024.questions.csv", _csv(projection.questions), then, SCHEMA1)


def _csv(frame) -> bytes:
    return frame.to_csv(index=False, float_format=format_number, lineterminator="\n").encode("utf-8")
