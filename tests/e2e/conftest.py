"""End-to-end fixtures: a real Streamlit server on a free loopback port and Debian's chromium via Playwright.

The browser is always Debian's /usr/bin/chromium (never a Playwright-downloaded build). When it is missing the
tests fail instead of skipping: CI installs chromium, and a silently skipped browser test would hide a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import CHROMIUM, CHROMIUM_ARGS, ServerDidNotStart, running_server

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOG_TAIL_CHARS = 6000

# The running server's log file, so failing tests can show what the server said.
_server_log: Path | None = None


def _log_tail(path: Path | None) -> str:
    if path is None or not path.exists():
        return "(no server log)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[-LOG_TAIL_CHARS:] if text.strip() else "(server log is empty)"


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[str]:
    """Start `streamlit run dashboard.py` on a free loopback port; yield its base URL."""
    global _server_log
    try:
        with running_server(prefix="e2e-streamlit-") as server:
            _server_log = server.log
            try:
                yield server.url
            finally:
                _server_log = None
    except ServerDidNotStart as err:
        pytest.fail(str(err), pytrace=False)


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

    def open_page(width: int = 1400, height: int = 900, locale: str = "en-US", touch: bool = False):
        # `touch`: a phone's touch screen, which has no hover (CSS `(hover: none)` matches).
        context = chromium_browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, has_touch=touch, is_mobile=touch
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(streamlit_server, wait_until="domcontentloaded")
        return page

    yield open_page
    for context in contexts:
        context.close()
