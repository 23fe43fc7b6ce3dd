"""No outside request: a full visit, and the briefing pack opened from disk, fetch nothing but the server."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Route, WebSocket, expect

from present.i18n import LANGUAGE_NAMES, TAB_KEYS, t

from . import pages
from .pages import assert_no_exception

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1400, "height": 900}
RENDER_TIMEOUT_MS = 60_000
ACTION_TIMEOUT_MS = 30_000
# Late requests (the favicon, a lazily loaded chunk) still count: at the end, wait for a quiet spell (bounded).
QUIET_MS = 1_000
MAX_QUIET_WAITS = 10
# data: and blob: URLs are built inside the page and never touch the network.
IN_PAGE_SCHEMES = {"data", "blob"}
DOWNLOADS = ("download_yaml", "download_data", "download_html")

SIDEBAR = '[data-testid="stSidebar"]'
ACTIVE_PANEL = '[role="tabpanel"]:not([hidden])'
WARNING = '[data-testid="stAlertContentWarning"]'
# True once the open tab shows content, no placeholder (a chart whose code is still loading shows a skeleton)
# and every chart holds data; or as soon as the app shows an exception.
PANEL_DRAWN_JS = """() => {
    if (document.querySelector('[data-testid="stException"]')) return true;
    const panel = document.querySelector('[role="tabpanel"]:not([hidden])');
    if (!panel || !panel.querySelector('[data-testid="stElementContainer"]')) return false;
    if (panel.querySelector('[data-testid="stSkeleton"]')) return false;
    const charts = panel.querySelectorAll('[data-testid="stPlotlyChart"]');
    const plots = [...panel.querySelectorAll('.js-plotly-plot')];
    return plots.length === charts.length && plots.every(p => Array.isArray(p.data) && p.data.length > 0);
}"""
# Every address the document itself points a fetching element at (links to click are not requests).
FETCHING = ", ".join(
    (
        "link[href]",
        "object[data]",
        *(f"{tag}[src]" for tag in ("script", "img", "iframe", "source", "video", "audio", "embed")),
    )
)
REFERENCED_JS = f"() => [...document.querySelectorAll('{FETCHING}')].map(el => el.href || el.src || el.data)"


@dataclass
class Recorder:
    """Every request and websocket a browser context opens, labelled with the step of the visit it happened in."""

    step: str = "load"
    seen: list[tuple[str, str, str]] = field(default_factory=list)

    def request(self, request: Request) -> None:
        self.seen.append((self.step, request.resource_type, request.url))

    def websocket(self, socket: WebSocket) -> None:
        self.seen.append((self.step, "websocket", socket.url))

    def outside(self, allowed) -> list[str]:
        return [f"[{step}] {kind} {url}" for step, kind, url in self.seen if not allowed(url)]


def _refuse_outside(allowed):
    # Recorded first, then aborted: a leak must fail the test, never reach the network or wait on DNS.
    def gate(route: Route) -> None:
        if allowed(route.request.url):
            route.continue_()
        else:
            route.abort()

    return gate


def _same_server(server_url: str):
    origin = urlsplit(server_url)

    def allowed(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in IN_PAGE_SCHEMES:
            return True
        return parts.scheme in ("http", "ws") and parts.netloc == origin.netloc

    return allowed


def _from_disk(url: str) -> bool:
    return urlsplit(url).scheme in {"file", *IN_PAGE_SCHEMES}


@pytest.fixture
def recorded_context(chromium_browser) -> Iterator:
    """A factory of fresh browser contexts that record every request and refuse those `allowed` rejects."""
    made: list[BrowserContext] = []

    def make(allowed, locale: str = "en-US") -> tuple[BrowserContext, Recorder]:
        context = chromium_browser.new_context(viewport=VIEWPORT, locale=locale, accept_downloads=True)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        made.append(context)
        recorder = Recorder()
        context.on("request", recorder.request)
        context.on("page", lambda page: page.on("websocket", recorder.websocket))
        context.route("**/*", _refuse_outside(allowed))
        return context, recorder

    yield make
    for context in made:
        context.close()


def wait_until_idle(page: Page) -> None:
    pages.wait_until_idle(page, RENDER_TIMEOUT_MS)


def wait_for_panel(page: Page) -> None:
    page.wait_for_function(PANEL_DRAWN_JS, timeout=RENDER_TIMEOUT_MS, polling=100)
    wait_until_idle(page)
    assert_no_exception(page)


def open_every_tab(page: Page, lang: str) -> None:
    for key in TAB_KEYS:
        tab = page.get_by_role("tab", name=t(key, lang), exact=True)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        wait_for_panel(page)


def switch_language(page: Page, lang: str) -> None:
    page.locator(SIDEBAR).locator('[data-testid="stRadioOption"]', has_text=LANGUAGE_NAMES[lang]).click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("lang") == [lang], timeout=ACTION_TIMEOUT_MS)
    expect(page.get_by_role("tab", name=t(TAB_KEYS[0], lang), exact=True)).to_be_visible()
    wait_for_panel(page)


def download_everything(page: Page, lang: str, folder: Path) -> dict[str, Path]:
    box = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text=t("share_title", lang))
    )
    expect(box).to_have_count(1)
    box.locator("summary").click()
    expect(box.locator('[data-testid="stCode"]')).to_be_visible()
    wait_until_idle(page)
    files = {}
    for key in DOWNLOADS:
        with page.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
            box.get_by_role("button", name=t(key, lang)).click()
        download = info.value
        assert download.failure() is None, f"{key}: {download.failure()}"
        files[key] = folder / download.suggested_filename
        download.save_as(files[key])
    return files


def settle(page: Page, recorder: Recorder) -> None:
    for _ in range(MAX_QUIET_WAITS):
        before = len(recorder.seen)
        page.wait_for_timeout(QUIET_MS)  # a quiet spell, not a timing assertion
        if len(recorder.seen) == before:
            return


def test_a_full_visit_requests_only_the_server(recorded_context, streamlit_server, tmp_path, seed_scenario):
    allowed = _same_server(streamlit_server)
    context, recorder = recorded_context(allowed)
    page = context.new_page()
    page.goto(streamlit_server, wait_until="domcontentloaded")
    wait_for_panel(page)

    recorder.step = "tabs (en)"
    open_every_tab(page, "en")
    recorder.step = "share and export"
    files = download_everything(page, "en", tmp_path)
    recorder.step = "German"
    switch_language(page, "de")
    recorder.step = "English again"
    switch_language(page, "en")
    # A link that needs repair: the notice carries a :material/...: icon, as do the expanders and buttons above.
    recorder.step = "repaired link"
    page.goto(f"{streamlit_server}/?d.bogus=1", wait_until="domcontentloaded")
    expect(page.locator(WARNING)).to_contain_text("d.bogus")
    wait_for_panel(page)
    settle(page, recorder)

    leaks = recorder.outside(allowed)
    assert leaks == [], "requests to other hosts than the server:\n" + "\n".join(leaks)
    # The favicon is fetched by the browser, not the page: also check what the page points at.
    referenced = page.evaluate(REFERENCED_JS)
    assert [url for url in referenced if not allowed(url)] == [], referenced
    icons = page.locator('link[rel~="icon"]')
    expect(icons).to_have_count(1)
    icon = icons.get_attribute("href")
    assert icon in {url for _, _, url in recorder.seen}, f"the page icon {icon} was never fetched"
    server = urlsplit(streamlit_server).netloc
    sockets = {url for _, kind, url in recorder.seen if kind == "websocket"}
    assert sockets == {f"ws://{server}/_stcore/stream"}, sockets
    assert sorted(files) == sorted(DOWNLOADS)
    assert all(path.stat().st_size > 0 for path in files.values()), files

    # The briefing pack from disk, in a context that cannot reach the server either.
    pack = files["download_html"]
    offline, reader_log = recorded_context(_from_disk)
    reader = offline.new_page()
    reader.goto(pack.as_uri(), wait_until="load")
    # The pack draws its charts as static images (one per indicator group, and the tornado), every one of
    # them inside the file: they load without any request.
    chart_count = len({indicator.group for indicator in seed_scenario.indicators}) + 1
    reader.wait_for_function(
        "(n) => { const i = [...document.querySelectorAll('figure img')];"
        " return i.length === n && i.every(x => x.complete && x.naturalWidth > 0); }",
        arg=chart_count,
        timeout=RENDER_TIMEOUT_MS,
        polling=100,
    )
    expect(reader.locator("figure img").first).to_be_visible()
    settle(reader, reader_log)
    leaks = reader_log.outside(_from_disk)
    assert leaks == [], "the briefing pack fetched:\n" + "\n".join(leaks)
    assert [url for url in reader.evaluate(REFERENCED_JS) if not _from_disk(url)] == []
    assert [url for _, _, url in reader_log.seen if urlsplit(url).scheme == "file"] == [pack.as_uri()]


def test_usage_statistics_stay_off_in_the_config(repo_root):
    # The test server turns them off on its command line, so the visit above cannot see this file's setting; with
    # them on, every page load fetches https://data.streamlit.io/metrics.json.
    config = tomllib.loads((repo_root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
