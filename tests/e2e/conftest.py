"""End-to-end fixtures: a real Streamlit server on a free loopback port and Debian's chromium via Playwright.

The browser is always Debian's /usr/bin/chromium (never a Playwright-downloaded build). When it is missing the
tests fail instead of skipping: CI installs chromium, and a silently skipped browser test would hide a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
]
STARTUP_TIMEOUT_S = 60.0
LOG_TAIL_CHARS = 6000

# The running server's log file, so failing tests can show what the server said.
_server_log: Path | None = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: Path | None) -> str:
    if path is None or not path.exists():
        return "(no server log)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[-LOG_TAIL_CHARS:] if text.strip() else "(server log is empty)"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[str]:
    """Start `streamlit run dashboard.py` on a free loopback port; yield its base URL."""
    global _server_log
    port = _free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="e2e-streamlit-"))
    log_path = log_dir / "server.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    # A private store: saved scenarios from a test run must not land in the working tree's data folder.
    env = os.environ | {"PYTHONUNBUFFERED": "1", "SCENARIO_DATA_DIR": str(log_dir / "data")}
    env.pop("SCENARIO_DATABASE_URL", None)
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    _server_log = log_path
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"{base_url}/_stcore/health"):
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {process.returncode} before answering the health check.\n"
                    f"--- server output ---\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer 'ok' on {base_url}/_stcore/health within {STARTUP_TIMEOUT_S:.0f} s.\n"
                    f"--- server output ---\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield base_url
    finally:
        _stop(process)
        _server_log = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the server's output to the report of every failing e2e test."""
    report = yield
    if report.failed and _server_log is not None and "streamlit_server" in getattr(item, "fixturenames", ()):
        report.sections.append(("streamlit server output", _log_tail(_server_log)))
    return report


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's chromium, headless, launched once per session through Playwright's sync API."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the e2e tests need Debian's chromium (apt-get install chromium). "
            "They fail rather than skip so that a missing browser cannot hide a broken dashboard.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(chromium_browser, streamlit_server):
    """A factory for pages in fresh browser contexts (own cookies, locale, viewport); all closed afterwards."""
    contexts = []

    def open_page(width: int = 1400, height: int = 900, locale: str = "en-US"):
        context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(streamlit_server, wait_until="domcontentloaded")
        return page

    yield open_page
    for context in contexts:
        context.close()
