"""Scenario store: content addressing, insert-only saves, limits and failures, on SQLite and a real PostgreSQL."""

import dataclasses
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
from engine.loader import ScenarioError, load_scenario, parse_scenario
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


TABLES = ("saved_scenarios", "scenario_origins", "publications", "publication_hidings")


def _emptied(url: str) -> str:
    # One server for the module: start every test from empty tables (the test's cleanup, not the store's).
    the_store = ScenarioStore(url)
    with the_store._engine.begin() as conn:
        for table in reversed(TABLES):  # the referring rows first: foreign keys hold on PostgreSQL
            conn.exec_driver_sql(f"DELETE FROM {table}")
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
    published = the_store.publish(saved.ref, "Before the outage")
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
            "lineage": lambda: the_store.lineage(saved.ref),
            "yaml_text": lambda: the_store.yaml_text(saved.ref),
            "publish": lambda: the_store.publish(saved.ref, "During the outage"),
            "gallery": the_store.gallery,
            "publications": the_store.publications,
            "hide": lambda: the_store.hide(published.id),
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
            "lineage": "the scenario store could not load",
            "yaml_text": "the scenario store could not load",
            "publish": "the scenario store could not publish",
            "gallery": "the scenario store could not list",
            "publications": "the scenario store could not list",
            "hide": "the scenario store could not hide",
        }
        assert len(_internals_logged(caplog, f"127.0.0.1:{pg_server.port}", "OperationalError")) == 13
    finally:
        pg_server.start()
    # The same store works again once the database is back.
    assert the_store.load(saved.ref)[0] == saved
    assert the_store.save(_variant(2000))[0].digest != saved.digest
    assert the_store.gallery() == ([published], 1)
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


def test_a_store_made_before_lineage_and_publications_opens_and_gains_them(tmp_path):
    """The schema-1 store.sqlite has only saved_scenarios: opening it adds the new tables, and its row has no origin."""
    shutil.copy(SCHEMA1 / "store.sqlite", tmp_path / "store.sqlite")
    store = ScenarioStore(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        saved, _ = store.load(SCHEMA1_REF)
        digest = "ae99c569e7f55476154b5c1cb77db60aaba4e2b305abfeca29b3e05fbac203b4"
        assert (saved.digest, saved.parent, saved.author, saved.note) == (digest, None, "", "")
        assert saved.created_at == "2026-12-01T10:56:51+00:00"
        assert store.list() == [saved]
        assert store.lineage(SCHEMA1_REF) == [digest]
        assert store.yaml_text(SCHEMA1_REF) == (SCHEMA1 / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
        assert store.gallery() == ([], 0)  # it was listed to everyone then; it is unlisted now
        published = store.publish(SCHEMA1_REF, "An old one")
        assert store.gallery() == ([published], 1)
        assert _row_counts(store) == {
            "saved_scenarios": 1,
            "scenario_origins": 0,
            "publications": 1,
            "publication_hidings": 0,
        }
    finally:
        store.dispose()


# --- lineage: which scenario a saved one was edited from, who saved it and why -------------------------------


def _row_counts(the_store: ScenarioStore) -> dict[str, int]:
    with the_store._engine.connect() as conn:
        return {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in TABLES}


def _rows(the_store: ScenarioStore, table: str) -> list[tuple]:
    with the_store._engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(f"SELECT * FROM {table}").all()]


SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")
SEED_DIGEST = load_scenario(SEED_FILE).digest  # a folder scenario: never in the store


def _generations() -> tuple[str, str]:
    """A child edited from the seed's text (fewer troops), and a grandchild edited from the child's (new title)."""
    assert SEED_TEXT.count("default: 12000") == 1
    child = SEED_TEXT.replace("default: 12000", "default: 9000")
    seed_title = 'en: "North Korean troops alongside Russia in Ukraine"'
    assert child.count(seed_title) == 1
    grandchild = child.replace(seed_title, 'en: "Fewer troops, a new title"')
    return child, grandchild


def test_three_generations_record_their_parents_authors_and_notes(url):
    clock = Clock()
    store = ScenarioStore(url, Limits(), clock)
    child_text, grandchild_text = _generations()
    child, _ = store.save(child_text, parent=SEED_DIGEST, author="  Ann \n Analyst ", note="Fewer troops:\tsee p. 3")
    clock.now += 60
    grandchild, _ = store.save(grandchild_text, parent=child.digest, author="Bo", note="retitled")
    assert (child.parent, child.author, child.note) == (SEED_DIGEST, "Ann Analyst", "Fewer troops: see p. 3")
    assert (grandchild.parent, grandchild.author, grandchild.note) == (child.digest, "Bo", "retitled")
    assert (child.created_at, grandchild.created_at) == ("2023-11-14T22:13:20+00:00", "2023-11-14T22:14:20+00:00")
    assert grandchild.title_en == "Fewer troops, a new title"
    assert store.load(grandchild.ref)[0] == grandchild
    assert store.load(child.ref)[0] == child
    assert store.list() == [grandchild, child]
    assert store.lineage(grandchild.ref) == [grandchild.digest, child.digest, SEED_DIGEST]
    assert store.lineage(grandchild.digest) == [grandchild.digest, child.digest, SEED_DIGEST]
    assert store.lineage(child.ref) == [child.digest, SEED_DIGEST]
    assert store.lineage(grandchild.ref, limit=2) == [grandchild.digest, child.digest]
    assert store.lineage(grandchild.ref, limit=1) == [grandchild.digest]
    assert store.lineage(grandchild.ref, limit=0) == []
    assert store.lineage(grandchild.ref, limit=10**9) == [grandchild.digest, child.digest, SEED_DIGEST]
    # The folder scenario ends the chain but is not stored: nothing to follow from its digest.
    assert store.lineage(SEED_DIGEST) == []
    assert store.lineage("sha-" + "0" * 16) == []
    assert store.lineage("not a ref") == []
    # The text as saved, comments and all; the scenario alone would not give them back.
    assert store.yaml_text(grandchild.ref) == grandchild_text
    assert store.yaml_text(child.digest) == child_text
    assert store.yaml_text("sha-" + "0" * 16) is None
    assert store.yaml_text("sha-") is None
    assert _rows(store, "scenario_origins") == [
        (child.digest, SEED_DIGEST, "Ann Analyst", "Fewer troops: see p. 3", "2023-11-14T22:13:20+00:00"),
        (grandchild.digest, child.digest, "Bo", "retitled", "2023-11-14T22:14:20+00:00"),
    ]
    store.dispose()


def test_saving_again_keeps_the_first_origin_and_the_first_text(store):
    child_text, _ = _generations()
    first, _ = store.save(child_text, parent=SEED_DIGEST, author="Ann", note="first")
    assert store.save(child_text, parent=None, author="Eve", note="second")[0] == first
    # Another text of the same scenario (a comment edited), another parent: still the first row and origin.
    recommented = child_text.replace("# North Korean", "# Edited comment: North Korean", 1)
    again, _ = store.save(recommented, parent="f" * 64, author="Eve")
    assert again == first
    assert (again.parent, again.author, again.note) == (SEED_DIGEST, "Ann", "first")
    assert store.yaml_text(first.ref) == child_text
    assert _row_counts(store) == dict(zip(TABLES, (1, 1, 0, 0), strict=True))
    # The parent saved later is in the store now, without a parent of its own: the chain ends there.
    seed, _ = store.save(SEED_TEXT, author="Cy")
    assert (seed.digest, seed.parent, seed.author, seed.note) == (SEED_DIGEST, None, "Cy", "")
    assert store.lineage(first.ref) == [first.digest, SEED_DIGEST]


def test_a_parent_equal_to_the_scenarios_own_digest_is_no_parent(store):
    saved, _ = store.save(SEED_TEXT, parent=SEED_DIGEST, author="Ann")
    assert (saved.digest, saved.parent, saved.author) == (SEED_DIGEST, None, "Ann")
    assert store.lineage(saved.ref) == [SEED_DIGEST]
    assert _rows(store, "scenario_origins")[0][:3] == (SEED_DIGEST, None, "Ann")


@pytest.mark.parametrize(
    "parent",
    ["", "sha-" + "a" * 16, "a" * 16, "A" * 64, "a" * 63, "a" * 65, "g" * 64, "a" * 63 + "\n", " " + "a" * 64, 7],
    ids=["empty", "link", "short", "upper", "63", "65", "not-hex", "newline", "space", "int"],
)
def test_a_parent_must_be_a_full_lowercase_digest(store, parent):
    with pytest.raises(ValueError) as caught:
        store.save(SEED_TEXT, parent=parent)
    assert str(caught.value) == "parent must be the full digest of a scenario: 64 lowercase hex digits"
    assert store.count() == 0


def test_lineage_stops_where_parents_form_a_cycle(store):
    # Parents need not be stored when named, so two saves can name each other: the chain must still end.
    a_text, b_text = _variant(1000), _variant(2000)
    a_digest, b_digest = (parse_scenario(t, "test.yaml").digest for t in (a_text, b_text))
    a, _ = store.save(a_text, parent=b_digest)
    b, _ = store.save(b_text, parent=a_digest)
    assert (a.parent, b.parent) == (b_digest, a_digest)
    assert store.lineage(a.ref) == [a_digest, b_digest]
    assert store.lineage(b.ref) == [b_digest, a_digest]
    assert store.lineage(a.ref, limit=1) == [a_digest]


def test_a_longer_cycle_written_into_the_tables_ends_too(store):
    # A cycle of three, written straight into the tables (save() cannot make one whose parents are all stored).
    texts = [_tiny(f"Cycle {i}") for i in range(3)]
    digests = [parse_scenario(t, "test.yaml").digest for t in texts]
    with store._engine.begin() as conn:
        for i, (text, digest) in enumerate(zip(texts, digests, strict=True)):
            row = {"digest": digest, "scenario_id": "tiny", "title_en": f"Cycle {i}", "yaml": text, "created_at": "x"}
            conn.execute(engine.store.scenarios_table.insert().values(**row))
            origin = {
                "digest": digest,
                "parent_digest": digests[(i + 1) % 3],
                "author": "",
                "note": "",
                "created_at": "x",
            }
            conn.execute(engine.store.origins_table.insert().values(**origin))
    assert store.lineage(digests[0]) == digests
    assert store.lineage(digests[2]) == [digests[2], digests[0], digests[1]]
    assert store.lineage(digests[0], limit=2) == digests[:2]


def test_a_long_chain_is_cut_at_the_limit(store):
    chain = []
    for i in range(25):
        saved, _ = store.save(_tiny(f"Generation {i}"), parent=chain[-1].digest if chain else SEED_DIGEST)
        chain.append(saved)
    newest_first = [s.digest for s in reversed(chain)]
    assert store.lineage(chain[-1].ref) == newest_first[:20]
    assert store.lineage(chain[-1].ref, limit=10**9) == [*newest_first, SEED_DIGEST]  # 26: under LINEAGE_MAX
    assert store.lineage(chain[-1].ref, limit=-3) == []


def test_authors_and_notes_are_one_line_and_bounded(store):
    saved, _ = store.save(_variant(1000), author="x" * 500, note="y " * 400 + "\0\u2028z")
    assert saved.author == "x" * 120
    # clean_byline's rule: whitespace made one space, then cut; the cut may end on that space.
    assert saved.note == "y " * 250
    other, _ = store.save(_variant(2000), author="\0\x1b[31m red\u202e", note=None)
    assert (other.author, other.note) == ("[31m red", "")


CONTROLS = ["\0", "a\x1bb", "\ud800 \udfff", "a\u2028b", "a\x85b", "\t\n\r", "\ufeff", "\u202eRTL", "a\x7fb"]


@pytest.mark.parametrize(
    "text",
    [*TRICKY.values(), *CONTROLS, "a" * 20_000, " " * 20_000 + "b", "ab " * 200],
    ids=[*TRICKY, *(f"control {i}" for i in range(len(CONTROLS))), "20k", "20k spaces", "600"],
)
def test_notes_clean_like_bylines_with_their_own_limit(text, monkeypatch):
    import engine.limits
    from engine.store import clean_author, clean_note

    cut = text[:10_000]  # the store cuts a raw text at 10,000 characters before cleaning it
    assert clean_author(text) == engine.limits.clean_byline(cut)
    monkeypatch.setattr(engine.limits, "BYLINE_LIMIT", 500)  # the byline's own rule, with the note's limit
    assert clean_note(text) == engine.limits.clean_byline(cut)


def test_a_note_is_cut_at_500_characters():
    from engine.store import clean_note

    assert clean_note("w" * 501) == "w" * 500
    assert clean_note("ab " * 200) == ("ab " * 200)[:500]
    assert clean_note(" \n ab\tcd \0") == "ab cd"


# --- the gallery: unlisted by default, published on purpose, hidden by the operator ------------------------


def _tiny(title: str) -> str:
    return TINY.replace('"Tiny scenario"', f'"{title}"')


def _unlimited(url: str, clock: Clock | None = None) -> ScenarioStore:
    return ScenarioStore(url, Limits(saves_per_session_hour=0, saves_per_hour=0, max_bytes=0), clock or Clock())


def test_saved_scenarios_are_unlisted_until_published(url):
    store = _unlimited(url)
    a, _ = store.save(_tiny("A"))
    store.save(_tiny("B"))
    assert store.gallery() == ([], 0)
    assert store.publications() == []
    assert store.load(a.ref)[0] == a  # unlisted, not unreachable: its link still opens it
    published = store.publish(a.ref, "Only A")
    assert store.gallery() == ([published], 1)
    store.dispose()


def test_publishing_adds_an_entry_each_time_newest_first(url):
    clock = Clock()
    store = _unlimited(url, clock)
    a, _ = store.save(_tiny("A"))
    b, _ = store.save(_tiny("B"))
    first = store.publish(a.ref, "  First   title ", author=" Ann\n")
    clock.now += 10
    second = store.publish(b.digest, "Second")
    third = store.publish(a.ref, "A again, new title")  # same second as the second: the later id comes first
    assert first == engine.store.Publication(first.id, a.digest, "First title", "Ann", "2023-11-14T22:13:20+00:00")
    assert (second.digest, second.title, second.author, second.created_at) == (
        b.digest,
        "Second",
        "",
        "2023-11-14T22:13:30+00:00",
    )
    assert first.id < second.id < third.id
    assert third.ref == a.ref and third.hidden is False
    assert store.gallery() == ([third, second, first], 3)
    assert store.publications() == [third, second, first]
    assert _row_counts(store)["publications"] == 3
    store.dispose()


def test_publish_refuses_an_empty_title_and_an_unknown_scenario(store):
    a, _ = store.save(_tiny("A"))
    for title in ("", "   ", "\0\t\n", None):
        with pytest.raises(ValueError) as caught:
            store.publish(a.ref, title)
        assert str(caught.value) == "a publication needs a title"
    for ref in ("sha-" + "0" * 16, "sha-", "tiny", "x" * 100_000):
        with pytest.raises(LookupError) as missing:
            store.publish(ref, "A title")
        assert str(missing.value) == f"no stored scenario {ref[:80]!r}"
    assert store.gallery() == ([], 0)
    assert _row_counts(store)["publications"] == 0


def test_publishing_counts_against_the_servers_hourly_limit(url):
    clock = Clock()
    store = ScenarioStore(url, Limits(saves_per_session_hour=0, saves_per_hour=2, max_bytes=0), clock)
    a, _ = store.save(_tiny("A"))
    store.publish(a.ref, "one")
    clock.now += 300
    store.publish(a.ref, "two")
    clock.now += 60
    with pytest.raises(SaveLimitReached) as caught:
        store.publish(a.ref, "three")
    assert (caught.value.kind, caught.value.limit, caught.value.retry_in) == ("server", 2, 3600 - 360)
    assert store.save(_tiny("B"))[0].title_en == "B"  # saves have their own count: one scenario so far
    clock.now = T0 + 3600
    assert store.publish(a.ref, "three").title == "three"
    assert [p.title for p in store.gallery()[0]] == ["three", "two", "one"]
    store.dispose()


HOSTILE_TITLES = {
    "percent": "100% sure",
    "underscore": "snake_case plan",
    "slash": "either/or",
    "quotes": 'It\'s "quoted"',
    "sql": "'; DROP TABLE publications; --",
    "backslash": "back\\slash",
    "long": "L" * 5_000,
    "nul and controls": "nul\0 bell\a esc\x1b end",
    "lone surrogate": "half \ud800 pair",
    "newlines": "one\ntwo\r\nthree\u2028four",
    "umlauts": "Überblick Straße",
    "rtl": "\u202eevil\u202c",
}


def test_hostile_titles_are_stored_cleaned_and_found_literally(url):
    from engine.limits import clean_byline

    clock = Clock()
    store = _unlimited(url, clock)
    a, _ = store.save(_tiny("A"))
    published = {}
    for name, title in HOSTILE_TITLES.items():
        clock.now += 1
        published[name] = store.publish(a.ref, title, author=title)
    for name, title in HOSTILE_TITLES.items():
        assert (published[name].title, published[name].author) == (clean_byline(title), clean_byline(title))
    assert published["long"].title == "L" * 120
    assert published["nul and controls"].title == "nul bell esc end"
    assert published["lone surrogate"].title == "half pair"
    assert published["newlines"].title == "one two three four"
    assert published["rtl"].title == "evil"
    items, total = store.gallery(per_page=50)
    assert total == len(HOSTILE_TITLES)
    assert items == [published[name] for name in reversed(HOSTILE_TITLES)]

    def found(search: str) -> list[str]:
        page, count = store.gallery(search)
        assert count == len(page)
        return [next(n for n, p in published.items() if p == entry) for entry in page]

    # LIKE's wildcards and its escape character are plain characters in a search.
    assert found("%") == ["percent"]
    assert found("0% s") == ["percent"]
    assert found("_") == ["underscore"]
    assert found("e_c") == ["underscore"]
    assert found("/") == ["slash"]
    assert found("\\") == ["backslash"]
    assert found("'") == ["sql", "quotes"]
    assert found('"quoted"') == ["quotes"]
    assert found("; drop table") == ["sql"]
    # In any case, beyond ASCII too, the same on both backends; a search is cleaned like a title.
    assert found("ÜBERBLICK") == ["umlauts"]
    assert found("überblick") == ["umlauts"]
    assert found("STRASSE") == ["umlauts"]
    assert found("  ONE \n two ") == ["newlines"]
    assert found("\0") == found("") == list(reversed(HOSTILE_TITLES))
    assert found("\ud800") == list(reversed(HOSTILE_TITLES))
    assert found("L" * 100) == ["long"]
    assert found("L" * 101) == ["long"]  # cut to 100 characters: still found
    assert found("nothing like this") == []
    assert store.publications()[0].title == "evil"
    assert store.gallery("x" * 1_000_000) == ([], 0)
    store.dispose()


def test_the_gallery_pages_are_bounded(url):
    clock = Clock()
    store = _unlimited(url, clock)
    a, _ = store.save(_tiny("A"))
    entries = []
    for i in range(7):
        clock.now += 1
        entries.append(store.publish(a.ref, f"Plan {i}" + (" red" if i % 2 else "")))
    newest = list(reversed(entries))
    assert store.gallery(per_page=3) == (newest[:3], 7)
    assert store.gallery(page=1, per_page=3) == (newest[3:6], 7)
    assert store.gallery(page=2, per_page=3) == (newest[6:], 7)
    assert store.gallery(page=3, per_page=3) == ([], 7)
    assert store.gallery(page=-5, per_page=3) == (newest[:3], 7)
    assert store.gallery(page=10**30, per_page=3) == ([], 7)
    assert store.gallery(per_page=0) == (newest[:1], 7)
    assert store.gallery(per_page=-1) == (newest[:1], 7)
    assert store.gallery(search="RED", per_page=2) == ([entries[5], entries[3]], 3)
    assert store.gallery(search="red", page=1, per_page=2) == ([entries[1]], 3)
    for i in range(7, 60):
        store.publish(a.ref, f"Plan {i}")
    page, total = store.gallery(per_page=1000)
    assert (len(page), total) == (50, 60)
    assert len(store.publications(limit=5)) == 5
    assert store.publications(limit=-1) == []
    store.dispose()


def test_hiding_takes_a_publication_out_of_the_gallery_and_only_adds_rows(url):
    clock = Clock()
    store = _unlimited(url, clock)
    a, _ = store.save(_tiny("A"))
    b, _ = store.save(_tiny("B"))
    one = store.publish(a.ref, "one")
    clock.now += 1
    two = store.publish(b.ref, "two")
    clock.now += 1
    three = store.publish(a.ref, "three")
    before = {table: _rows(store, table) for table in TABLES}
    counts = [_row_counts(store)]
    clock.now += 1
    assert store.hide(two.id, reason=" spam\nspam ") is True
    counts.append(_row_counts(store))
    assert store.gallery() == ([three, one], 2)
    assert store.gallery("two") == ([], 0)
    assert store.publications() == [three, dataclasses.replace(two, hidden=True), one]
    assert store.publications(include_hidden=False) == [three, one]
    # Hiding again is fine: still hidden, no second row, the first reason stays.
    clock.now += 1
    assert store.hide(two.id, reason="other") is True
    counts.append(_row_counts(store))
    assert _rows(store, "publication_hidings") == [(two.id, "spam spam", "2023-11-14T22:13:23+00:00")]
    # Unknown ids hide nothing and raise nothing.
    for unknown in (three.id + 1000, 0, -1, 2**31, 2**63, 2**80, True, "1", None, 1.0):
        assert store.hide(unknown) is False
    counts.append(_row_counts(store))
    # Nothing was updated or deleted: every earlier row is still there, unchanged, and counts only grew.
    for table, rows in before.items():
        assert _rows(store, table)[: len(rows)] == rows
    assert [c["publication_hidings"] for c in counts] == [0, 1, 1, 1]
    assert all(c["publications"] == 3 and c["saved_scenarios"] == 2 for c in counts)
    assert store.load(b.ref)[0] == b  # a hidden publication's scenario still opens by its link
    # Publishing the scenario again is a new entry, shown: the hiding was of that one publication.
    clock.now += 1
    again = store.publish(b.ref, "two, reworded")
    assert store.gallery() == ([again, three, one], 3)
    store.dispose()
