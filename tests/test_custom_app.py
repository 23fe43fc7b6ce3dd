"""The "Your scenario" tab in the running app (AppTest): links to saved scenarios, store failures and save limits."""

import shutil
import socket
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from engine.limits import MAX_SCENARIO_BYTES
from engine.loader import parse_scenario
from engine.store import ScenarioStore
from present.i18n import t, whole_number
from present.text import md_escape
from tests.apptest_helpers import open_app
from tests.pg_server import postgres_server

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
SEED_TEXT = (ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
SEED_TITLE = "North Korean troops alongside Russia in Ukraine"
LIMITS = ("SCENARIO_SAVES_PER_SESSION_HOUR", "SCENARIO_SAVES_PER_HOUR", "SCENARIO_STORE_MAX_BYTES")


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    # Each test its own store, so neither saved scenarios nor the app's caches, keyed on the URL, leak between tests.
    monkeypatch.delenv("SCENARIO_DATABASE_URL", raising=False)
    for name in LIMITS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCENARIO_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def pg_server():
    with postgres_server() as server:
        yield server


def _fresh_database(server) -> str:
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return f"{server.url.rsplit('/', 1)[0]}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, monkeypatch):
    if request.param == "postgresql":
        monkeypatch.setenv("SCENARIO_DATABASE_URL", _fresh_database(request.getfixturevalue("pg_server")))
    return request.param


def _variant(title: str) -> tuple[str, str]:
    """A valid scenario text with its own title, and the ref its link will have."""
    text = SEED_TEXT.replace(SEED_TITLE, title, 1)
    return text, "sha-" + parse_scenario(text).digest[:16]


def _app(params=None) -> AppTest:
    return open_app(params)


def _custom_tab(at: AppTest, lang: str = "en", mode: str = "yaml") -> None:
    at.session_state["main_tab"] = t("tab_custom", lang)
    at.session_state["custom_mode"] = mode  # the YAML text box; the form editor has tests of its own
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _save(at: AppTest, text: str, lang: str = "en") -> None:
    at.text_area(key="custom_editor").set_value(text)
    at.button[[b.label for b in at.button].index(t("save", lang))].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _page_text(at: AppTest) -> str:
    """Every element's content, labels and options included, as protobuf text."""
    parts = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            parts.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(parts)


def _saved_message(ref: str, lang: str = "en") -> list[str]:
    return [md_escape(t("saved", lang, ref=ref))]


def test_a_link_opened_before_its_scenario_is_saved_opens_it_once_saved(backend):
    text, ref = _variant("Saved after its link")
    # Digests are predictable: anyone can open the link before the author saves the scenario.
    early = _app({"scenario": ref})
    warnings = [w.value for w in early.warning]
    assert len(warnings) == 1 and md_escape(f"unknown scenario '{ref}'") in warnings[0]
    assert early.title[0].value == SEED_TITLE

    # The same session (and server process) then saves it: it opens, here and for every later visitor.
    _custom_tab(early)
    _save(early, text)
    assert [s.value for s in early.success] == _saved_message(ref)
    assert early.session_state["scenario"] == ref
    assert early.title[0].value == "Saved after its link"

    reader = _app({"scenario": ref})
    assert reader.title[0].value == "Saved after its link"
    assert not reader.warning


def test_a_scenario_saved_before_its_link_is_opened_opens(backend):
    text, ref = _variant("Saved before its link")
    author = _app()
    _custom_tab(author)
    _save(author, text)
    assert [s.value for s in author.success] == _saved_message(ref)

    reader = _app({"scenario": ref})
    assert reader.title[0].value == "Saved before its link"
    assert not reader.warning


def _no_internals(at: AppTest, *internals: str) -> None:
    page = _page_text(at)
    assert [i for i in (*internals, "OperationalError", "psycopg", "sqlite3", "Traceback") if i in page] == []


def test_a_link_opened_while_the_database_is_down_opens_once_it_is_back(pg_server, monkeypatch):
    monkeypatch.setenv("SCENARIO_DATABASE_URL", url := _fresh_database(pg_server))
    text, ref = _variant("Opened after an outage")
    _app()  # the page has reached the store once: the lookup below is what fails
    ScenarioStore(url).save(text)
    pg_server.stop()
    try:
        during = _app({"scenario": ref})
        warnings = [w.value for w in during.warning]
        assert len(warnings) == 2
        assert warnings[0] == t("store_open_failed", "en")
        assert md_escape(f"unknown scenario '{ref}'") in warnings[1]
        assert during.title[0].value == SEED_TITLE
        _no_internals(during, f"port {pg_server.port}", f":{pg_server.port}", "127.0.0.1")
    finally:
        pg_server.start()
    after = _app({"scenario": ref})
    assert after.title[0].value == "Opened after an outage"
    assert not after.warning


def test_a_database_stopped_after_start_leaves_the_page_working(pg_server, monkeypatch):
    monkeypatch.setenv("SCENARIO_DATABASE_URL", _fresh_database(pg_server))
    first, first_ref = _variant("Saved before the outage")
    second, _ = _variant("Saved during the outage")
    _, never_saved = _variant("Never saved")
    at = _app()
    _custom_tab(at)
    _save(at, first)
    assert [s.value for s in at.success] == _saved_message(first_ref)
    pg_server.stop()
    try:
        at.run()  # the tab lists the saved scenarios: now it cannot
        assert not at.exception
        assert [i.value for i in at.info] == [t("store_list_failed", "en")]
        _save(at, second)
        assert [w.value for w in at.warning] == [t("store_save_failed", "en")]
        assert not at.success and not at.error
        assert at.title[0].value == "Saved before the outage"  # still open: a found scenario is kept
        _no_internals(at, f"port {pg_server.port}", f":{pg_server.port}", "127.0.0.1")

        reader = _app({"scenario": never_saved})
        warnings = [w.value for w in reader.warning]
        assert len(warnings) == 2 and warnings[0] == t("store_open_failed", "en")
        assert md_escape(f"unknown scenario '{never_saved}'") in warnings[1]
        _no_internals(reader, f"port {pg_server.port}", f":{pg_server.port}", "127.0.0.1")
        assert _app({"scenario": first_ref}).title[0].value == "Saved before the outage"
    finally:
        pg_server.start()


def test_a_database_down_from_the_start_leaves_the_page_working(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    monkeypatch.setenv("SCENARIO_DATABASE_URL", f"postgresql+psycopg://app:secret@127.0.0.1:{port}/scenarios")
    text, ref = _variant("Never reaches the store")
    at = _app({"scenario": ref})
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2 and warnings[0] == t("store_open_failed", "en")
    _custom_tab(at)
    assert [w.value for w in at.warning] == [t("store_down", "en")]
    _save(at, text)
    assert [w.value for w in at.warning] == [t("store_down", "en"), t("store_save_failed", "en")]
    assert not at.error
    _no_internals(at, f"port {port}", f":{port}", "127.0.0.1", "secret")


def test_a_read_only_sqlite_file_shows_its_gallery_but_does_not_save(tmp_path, monkeypatch):
    path = tmp_path / "ro" / "store.sqlite3"
    first, first_ref = _variant("In the read only store")
    writable = ScenarioStore(f"sqlite:///{path}")
    writable.save(first)
    writable.publish(first_ref, "In the read only store")
    writable.dispose()
    # SQLite's own read-only mode: file permissions would not stop the root user these tests may run as.
    monkeypatch.setenv("SCENARIO_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    at = _app()
    _custom_tab(at)
    assert t("gallery_title", "en") in [s.value for s in at.subheader]
    assert any("In the read only store" in m.value for m in at.markdown)
    second, _ = _variant("Not saved")
    _save(at, second)
    assert [w.value for w in at.warning] == [t("store_save_failed", "en")]
    assert not at.success
    _no_internals(at, str(tmp_path), "readonly")
    assert _app({"scenario": first_ref}).title[0].value == "In the read only store"


def test_a_data_folder_deleted_while_running_gives_the_message(tmp_path):
    at = _app()
    _custom_tab(at)
    first, first_ref = _variant("Saved before the folder went")
    _save(at, first)
    assert [s.value for s in at.success] == _saved_message(first_ref)
    shutil.rmtree(tmp_path / "data")
    second, _ = _variant("Saved after the folder went")
    _save(at, second)
    assert [w.value for w in at.warning] == [t("store_save_failed", "en")]
    assert not at.success
    assert at.title[0].value == "Saved before the folder went"
    _no_internals(at, str(tmp_path), "readonly")


@pytest.mark.parametrize(
    ("kind", "lang"), [("session", "en"), ("session", "de"), ("server", "de"), ("size", "en"), ("size", "de")]
)
def test_a_save_limit_is_explained_in_the_page_language(kind, lang, monkeypatch):
    first, first_ref = _variant("Within the limit")
    second, _ = _variant("Past the limit")
    env = {
        "session": ("SCENARIO_SAVES_PER_SESSION_HOUR", "1"),
        "server": ("SCENARIO_SAVES_PER_HOUR", "1"),
        "size": ("SCENARIO_STORE_MAX_BYTES", str(len(first.encode("utf-8")))),
    }
    monkeypatch.setenv(*env[kind])
    at = _app({"lang": lang})
    _custom_tab(at, lang)
    _save(at, first, lang)
    assert [s.value for s in at.success] == _saved_message(first_ref, lang)
    _save(at, second, lang)
    if kind == "size":
        expected = t("limit_size", lang)
    else:
        # The first save was moments ago: a full hour (60 minutes, rounded up) until it stops counting.
        expected = t(f"limit_{kind}", lang, limit=whole_number(1, lang), minutes=60)
    assert [w.value for w in at.warning] == [expected]
    assert not at.success
    assert at.session_state["scenario"] == first_ref  # the page stays on what was saved last
    # Saving what is already stored adds nothing and is never refused.
    _save(at, first, lang)
    assert [s.value for s in at.success] == _saved_message(first_ref, lang)
    assert not at.warning


FAILING_TEXT = (ROOT / "tests" / "data" / "tiny2-failing-check.yaml").read_text(encoding="utf-8")


def test_the_editor_lists_the_reality_checks_of_a_valid_scenario_with_their_numbers():
    at = _app()
    _custom_tab(at)
    _save(at, FAILING_TEXT)
    assert [s.value for s in at.success] == _saved_message("sha-" + parse_scenario(FAILING_TEXT).digest[:16])
    markdown = [m.value for m in at.markdown]
    assert "**Reality checks of this scenario: 3 of 4 hold.**" in markdown
    checks = markdown[markdown.index("**Reality checks of this scenario: 3 of 4 hold.**") + 1].splitlines()
    assert [line[:4] for line in checks] == ["- ✓ ", "- ✗ ", "- ✓ ", "- ✓ ", "  - "]
    assert checks[1] == (
        "- ✗ **Planted to fail\\: even full calm keeps the level busy** — expected Level above 50 in week 10; "
        "found 10\\.9 \\(below “Quiet”\\) in week 10"
    )


def test_the_editor_lists_the_checks_of_a_valid_scenario_it_could_not_save(monkeypatch):
    monkeypatch.setenv("SCENARIO_STORE_MAX_BYTES", "10")
    at = _app({"lang": "de"})
    _custom_tab(at, "de")
    _save(at, FAILING_TEXT, "de")
    assert [w.value for w in at.warning] == [t("limit_size", "de")]
    assert "**Realitätsprüfungen dieses Szenarios: 3 von 4 sind erfüllt.**" in [m.value for m in at.markdown]


def _check_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "✓" in m.value or "✗" in m.value or "Reality checks" in m.value]


def test_the_editor_lists_no_checks_for_an_invalid_scenario_or_one_without_checks():
    at = _app()
    _custom_tab(at)
    _save(at, FAILING_TEXT)
    assert len(_check_texts(at)) == 2
    _save(at, FAILING_TEXT.replace("below: 50", "below: 500"))
    assert [e.value for e in at.error] == [t("invalid", "en")]
    assert _check_texts(at) == []
    _save(at, (ROOT / "tests" / "data" / "tiny.yaml").read_text(encoding="utf-8"))  # schema 1: no checks
    assert at.success
    assert _check_texts(at) == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_scenario_uploader_states_the_limit_the_loader_enforces(lang):
    # Streamlit can only state whole MB ("1MB per file", hidden by the page's CSS, checked in the browser); the
    # label states the loader's 256 KiB, and the browser's 1 MB cap never refuses a file the loader would take.
    at = _app({"lang": lang})
    _custom_tab(at, lang)
    uploader = at.get_by_key("custom_upload")

    assert MAX_SCENARIO_BYTES == 256 * 1024
    assert uploader.proto.label == t("upload_limited", lang, size="256 KiB")
    assert uploader.proto.max_upload_size_mb == 1
    assert uploader.proto.max_upload_size_mb * 1024 * 1024 >= MAX_SCENARIO_BYTES
