"""Scenario store: content addressing, insert-only saves and validation, on SQLite and a real PostgreSQL."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from engine.catalog import scenario_digest
from engine.loader import ScenarioError, load_scenario
from engine.serialize import scenario_to_yaml, with_defaults
from engine.store import ScenarioStore

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "scenarios" / "dprk-russia-2024.yaml"


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway PostgreSQL server on loopback, run as the 'postgres' user when we are root."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs it with apt-get")
        pytest.skip("PostgreSQL (initdb) is not installed on this machine")
    # Not pytest's tmp folder: that one is private to root, and the server runs as 'postgres'.
    folder = Path(tempfile.mkdtemp(prefix="pgtest-"))
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (folder, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                ScenarioStore(url).dispose()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    the_store = ScenarioStore(url)
    if request.param == "postgresql":
        # One server for the module: start every test from an empty table.
        with the_store._engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM saved_scenarios")
    yield the_store
    the_store.dispose()


def _variant(troops: float) -> str:
    return scenario_to_yaml(with_defaults(load_scenario(SEED_FILE), {"troops_deployed": troops}))


def test_save_and_load_round_trip(store):
    text = SEED_FILE.read_text(encoding="utf-8")
    saved, scenario = store.save(text, "seed.yaml")
    assert saved.digest == scenario_digest(scenario)
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
    assert [str(p) for p in caught.value.problems] == [
        "mine.yaml:37: drivers[0].min: min 0 must be below max -1",
        "mine.yaml:370: presets[1].values.troops_deployed: value 20000 is outside [0, -1]",
        "mine.yaml:387: presets[2].values.troops_deployed: value 2000 is outside [0, -1]",
    ]
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
    from engine.store import ScenarioStore, default_url

    monkeypatch.delenv("SCENARIO_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENARIO_DATA_DIR", str(tmp_path / "nested" / "data"))
    assert default_url() == f"sqlite:///{(tmp_path / 'nested' / 'data').resolve() / 'scenarios.sqlite3'}"
    assert not (tmp_path / "nested").exists()  # asking for the URL (every rerun) touches no disk
    ScenarioStore(default_url())
    assert (tmp_path / "nested" / "data" / "scenarios.sqlite3").is_file()
    monkeypatch.setenv("SCENARIO_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"
