"""Two replicas behind Debian's nginx, for real: saved through one, opened through the other, and a browser
whose replica stops moves to the other one with the same page.

Everything runs on loopback: a throwaway PostgreSQL (the shared store), two `streamlit run dashboard.py`
replicas with the same cookie secret and SCENARIO_DATABASE_URL, and /usr/sbin/nginx in the foreground with a
prefix of its own, running deploy/nginx.conf with only its three ports rewritten to free ones. The proxy routes
on its `st_replica` cookie and names the replica that answered in an `X-Replica` header; the test gives each
browser its cookie to steer it, and reads the header of every response and of every websocket handshake
(through the DevTools protocol, which sees the handshake's headers) to know where each browser landed.

Steps: (0) the proxy keeps a browser on its cookie's replica, places first visits on both, and passes the
browser's Host through (a websocket from a public name is accepted); (1) browser 1, on replica a, uploads a
scenario in the "Your scenario" tab (stored in PostgreSQL) and moves a slider; (2) browser 2, on replica b,
opens browser 1's link and draws the same numbers; (3) replica a is stopped while browser 1's session is on it:
browser 1 reconnects through the proxy, lands on b, and its next script run there draws the same page from the
link and the store; (4) the store still holds the scenario, and a third browser opens it again. The figures
(start-up, first pages, the save, the reconnect) are printed and written to tests/e2e/artifacts/replicas.json;
nothing timed is asserted beyond the waits' generous bounds.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from engine.loader import parse_scenario
from engine.store import LINK_PREFIX, SHORT, ScenarioStore
from present.i18n import t
from tests.pg_server import postgres_server

from .server import REPO_ROOT, STARTUP_TIMEOUT_S, RunningServer, ServerDidNotStart, free_port, running_server, stop
from .test_sharing_e2e import (
    ACTIVE_PANEL,
    SIDEBAR,
    SUCCESS,
    _upload,
    plotted,
    query,
    slider,
    wait_for_charts,
    wait_until_idle,
)

pytestmark = pytest.mark.e2e

NGINX = Path("/usr/sbin/nginx")
NGINX_CONF = REPO_ROOT / "deploy" / "nginx.conf"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
RESULTS = ARTIFACTS / "replicas.json"
COOKIE = "st_replica"
# The same on both replicas, as compose.yaml sets it: it signs the sign-in cookies (Streamlit's XSRF check needs
# no shared secret: it compares the browser's token with the browser's own cookie).
COOKIE_SECRET = "e2e-replicas-shared-cookie-secret"
SEED_ID = "dprk-russia-2024"
TITLE_EN, TITLE_DE = "Replica test copy of the troops scenario", "Replikat-Testkopie des Truppenszenarios"
VIEWPORT = {"width": 1400, "height": 900}
RECONNECT_TIMEOUT_S = 60.0  # generous: replica a's stop, the browser's back-off, b's new session and rerun
LOG_TAIL_CHARS = 4000
# What each measured figure is, in the order printed; the step 3 ones count from the SIGTERM to replica a.
FIGURES = {
    "postgres_start_ms": "the throwaway PostgreSQL started",
    "replicas_start_ms": "both replicas answering their health check",
    "nginx_start_ms": "nginx answering the health check through the proxy",
    "first_page_via_a_ms": "browser 1's first page through the proxy, charts drawn (replica a)",
    "save_via_a_ms": "the upload, from choosing the file to its link in the address bar",
    "link_via_b_ms": "browser 2 opening the saved link, charts drawn (replica b)",
    "socket_closed_ms": "stop -> browser 1's websocket closed",
    "reconnect_ms": "stop -> browser 1's new websocket through the proxy (on b)",
    "rerun_on_b_ms": "the first script run on b (Streamlit's rerun key), in the page's clock",
    "stop_to_redrawn_on_b_ms": "stop -> browser 1's page drawn again from b, charts included",
    "replica_a_exit_ms": "stop -> replica a's process exited",
    "link_after_stop_ms": "browser 3 (a first visit) opening the saved link with a down, charts drawn",
}
# From now on, every change of the page's script state, with the page's clock.
WATCH_RUNS_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__runStates = [];
    new MutationObserver(() => window.__runStates.push(
        [performance.now(), app.getAttribute('data-test-script-state')]
    )).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
# A script run started and finished since WATCH_RUNS_JS.
RERUN_DONE_JS = """() => {
    const states = (window.__runStates || []).map(s => s[1]);
    const started = states.indexOf('running');
    return started >= 0 && states.slice(started).includes('notRunning');
}"""


# --- the proxy ----------------------------------------------------------------------------------------------------


def proxy_config(listen: int, port_a: int, port_b: int) -> str:
    """deploy/nginx.conf with its ports moved to free loopback ones, and nothing else changed.

    Every replaced text must occur exactly as often as expected: if the shipped file changes shape, this
    fails rather than testing something else."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    for old, new, count in (
        ("listen 8080;", f"listen 127.0.0.1:{listen};", 1),
        ("server 127.0.0.1:8501", f"server 127.0.0.1:{port_a}", 2),
        ("server 127.0.0.1:8502", f"server 127.0.0.1:{port_b}", 2),
        ('"~:8501$"', f'"~:{port_a}$"', 1),
        ('"~:8502$"', f'"~:{port_b}$"', 1),
    ):
        assert text.count(old) == count, f"{NGINX_CONF} holds {old!r} {text.count(old)} times, expected {count}"
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Proxy:
    process: subprocess.Popen
    url: str
    log: Path

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return text[-chars:] if text.strip() else "(nginx log is empty)"


def _user_directive() -> str:
    """nginx switches its workers to another user only when started as root: name one that exists (Debian's
    build default, nobody, whose group is nogroup, not 'nobody'). Run as anyone else, it stays that user."""
    if os.geteuid() != 0:
        return ""
    nobody = pwd.getpwnam("nobody")
    return f" user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"


@dataclass(frozen=True)
class Answer:
    status: int
    replica: str | None  # the proxy's X-Replica header
    cookies: list[str]  # the proxy's own Set-Cookie headers (Streamlit sets its XSRF cookie too)
    body: bytes


def _get(url: str, cookie: str | None = None) -> Answer:
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        cookies = [c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith(COOKIE + "=")]
        return Answer(response.status, response.headers.get("X-Replica"), cookies, response.read())


def websocket_handshake(proxy: Proxy, host: str, origin: str, replica: str) -> str:
    """The status line the proxy answers a websocket upgrade to /_stcore/stream with, for a browser on `host`
    (as a public name would reach it) whose page came from `origin`."""
    port = int(proxy.url.rsplit(":", 1)[1])
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\nOrigin: {origin}\r\nCookie: {COOKIE}={replica}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode("ascii"))
        answer = b""
        while b"\r\n" not in answer:
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode("ascii", errors="replace")


@contextmanager
def running_proxy(port_a: int, port_b: int) -> Iterator[Proxy]:
    """Debian's nginx in the foreground (`daemon off`), prefix, pid, temp folders and logs in a folder of its own,
    listening on a free loopback port; stopped on exit."""
    if not NGINX.exists():
        pytest.fail(
            f"{NGINX} not found: this test needs Debian's nginx (apt-get install nginx; scripts/test.sh installs "
            "it). It fails rather than skips so that a missing proxy cannot hide a broken replica setup.",
            pytrace=False,
        )
    prefix = Path(tempfile.mkdtemp(prefix="e2e-nginx-"))
    # A root-started nginx runs its workers as nobody: they must be able to reach the temp folders inside.
    prefix.chmod(0o755)
    listen = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(proxy_config(listen, port_a, port_b), encoding="utf-8")
    log_path = prefix / "nginx.log"
    command = [str(NGINX), "-p", f"{prefix}/", "-c", str(conf), "-e", "stderr", "-g", "daemon off;" + _user_directive()]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    proxy = Proxy(process, f"http://127.0.0.1:{listen}", log_path)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise ServerDidNotStart(f"nginx exited with code {process.returncode}.\n{proxy.log_tail()}")
            try:
                if _get(f"{proxy.url}/_stcore/health").body == b"ok":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"nginx did not pass the health check on {proxy.url}.\n{proxy.log_tail()}")
            time.sleep(0.1)
        yield proxy
    finally:
        stop(process)
        shutil.rmtree(prefix, ignore_errors=True)


# --- browsers: where each one landed -------------------------------------------------------------------------------


@dataclass
class Landings:
    """The X-Replica header of every response and websocket handshake of one browser context, with the time it was
    seen (time.monotonic(); the callbacks run while the test waits on Playwright, which it does in short steps)."""

    responses: list[tuple[float, str, str]] = field(default_factory=list)  # (time, url path, replica)
    sockets: list[tuple[float, str]] = field(default_factory=list)  # (time, replica)
    closed: list[float] = field(default_factory=list)  # when a websocket of the page closed

    def socket_replicas(self) -> list[str]:
        return [replica for _, replica in self.sockets]

    def replicas_of(self, path_start: str) -> list[str]:
        return [replica for _, path, replica in self.responses if path.startswith(path_start)]


@dataclass
class Browser:
    context: BrowserContext
    page: Page
    landings: Landings


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def open_browser(chromium_browser, proxy: Proxy, replica: str | None) -> Browser:
    """A fresh context (own cookies) whose `st_replica` cookie is `replica` (None: a first visit, the proxy
    chooses), with its landings recorded from the first request on."""
    context = chromium_browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(30_000)
    if replica is not None:
        context.add_cookies([{"name": COOKIE, "value": replica, "url": proxy.url + "/"}])
    page = context.new_page()
    landings = Landings()
    page.on(
        "response",
        lambda response: landings.responses.append(
            (time.monotonic(), _path(response.url), response.headers.get("x-replica", "?"))
        ),
    )
    # Playwright's websocket events carry no headers; the DevTools protocol has the handshake's response.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on(
        "Network.webSocketHandshakeResponseReceived",
        lambda event: landings.sockets.append(
            (time.monotonic(), {k.lower(): v for k, v in event["response"]["headers"].items()}.get("x-replica", "?"))
        ),
    )
    cdp.on("Network.webSocketClosed", lambda event: landings.closed.append(time.monotonic()))
    return Browser(context, page, landings)


def cookie_of(browser: Browser) -> str | None:
    return next((c["value"] for c in browser.context.cookies() if c["name"] == COOKIE), None)


def wait_for_socket(browser: Browser, count: int, timeout_s: float) -> float:
    """Wait, in short steps, until the browser has opened `count` websockets in all; the time the last was seen."""
    deadline = time.monotonic() + timeout_s
    while len(browser.landings.sockets) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"no websocket number {count} within {timeout_s:.0f} s; seen: {browser.landings.sockets}")
        browser.page.wait_for_timeout(20)
    return browser.landings.sockets[count - 1][0]


def copy_of_seed(seed_path: Path) -> str:
    text = seed_path.read_text(encoding="utf-8")
    seed = parse_scenario(text, seed_path.name)
    for old, new in (
        (f"id: {SEED_ID}\n", "id: replica-test-copy\n"),
        (f'  en: "{seed.title.en}"\n', f'  en: "{TITLE_EN}"\n'),
        (f'  de: "{seed.title.de}"\n', f'  de: "{TITLE_DE}"\n'),
    ):
        assert text.count(old) >= 1, f"the seed scenario no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- the deployment -------------------------------------------------------------------------------------------------


@dataclass
class Deployment:
    database_url: str
    replica_a: RunningServer
    replica_b: RunningServer
    proxy: Proxy
    figures: dict[str, float]


@pytest.fixture
def deployment(request) -> Iterator[Deployment]:
    """PostgreSQL, replicas a and b on it, and nginx in front; every log's tail printed if the test failed."""
    figures: dict[str, float] = {}
    logs: dict[str, RunningServer | Proxy] = {}
    failed_before = request.session.testsfailed
    with ExitStack() as stack:
        try:
            started = time.monotonic()
            database = stack.enter_context(postgres_server())
            figures["postgres_start_ms"] = _ms(time.monotonic() - started)
            env = {"STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET, "SCENARIO_DATABASE_URL": database.url}
            started = time.monotonic()
            logs["replica a"] = replica_a = stack.enter_context(running_server(prefix="e2e-replica-a-", env=env))
            logs["replica b"] = replica_b = stack.enter_context(running_server(prefix="e2e-replica-b-", env=env))
            figures["replicas_start_ms"] = _ms(time.monotonic() - started)
            port_a, port_b = (int(server.url.rsplit(":", 1)[1]) for server in (replica_a, replica_b))
            started = time.monotonic()
            logs["nginx"] = proxy = stack.enter_context(running_proxy(port_a, port_b))
            figures["nginx_start_ms"] = _ms(time.monotonic() - started)
        except ServerDidNotStart as err:
            pytest.fail(str(err), pytrace=False)
        yield Deployment(database.url, replica_a, replica_b, proxy, figures)
        if request.session.testsfailed > failed_before:
            for name, server in logs.items():
                print(f"--- {name} log (tail) ---\n{server.log_tail(LOG_TAIL_CHARS)}")


@pytest.fixture
def browser(chromium_browser, deployment) -> Iterator:
    """open(replica): a fresh browser context on the deployment's proxy (see open_browser); all closed after."""
    made: list[BrowserContext] = []

    def open_one(replica: str | None) -> Browser:
        opened = open_browser(chromium_browser, deployment.proxy, replica)
        made.append(opened.context)
        return opened

    yield open_one
    for context in made:
        context.close()


# --- the test -------------------------------------------------------------------------------------------------------


def test_saved_on_one_replica_opened_on_the_other_and_a_stopped_replica_loses_nothing(
    deployment, browser, seed_path, seed_scenario, tmp_path
):
    chart_count = len({indicator.group for indicator in seed_scenario.indicators})
    troops = seed_scenario.driver("troops_deployed")
    proxy, figures, database_url = deployment.proxy, deployment.figures, deployment.database_url

    # --- 0. The proxy keeps a browser where its cookie says, and places a first visit on either replica. ---------
    for replica in ("a", "b"):
        landed = [_get(f"{proxy.url}/_stcore/health", replica) for _ in range(10)]
        assert [(a.status, a.replica, a.body) for a in landed] == [(200, replica, b"ok")] * 10
        assert [a.cookies for a in landed] == [[]] * 10, "a browser already placed was given a new cookie"
    first_visits = [_get(f"{proxy.url}/_stcore/health") for _ in range(40)]
    placed = [a.replica for a in first_visits]
    assert [a.cookies for a in first_visits] == [[f"{COOKIE}={r}; Path=/; HttpOnly; SameSite=Lax"] for r in placed]
    assert set(placed) == {"a", "b"}, f"40 first visits all landed on {placed[0]}"  # chance of a false alarm: 2**-39
    # The browser's Host reaches the replica unchanged: Streamlit accepts a websocket whose Origin matches it (a
    # public name is not on its list of allowed origins), and refuses one from elsewhere.
    for replica in ("a", "b"):
        public = "dashboard.example.org"
        assert websocket_handshake(proxy, public, f"https://{public}", replica).startswith("HTTP/1.1 101 ")
        assert websocket_handshake(proxy, public, "https://elsewhere.example", replica).startswith("HTTP/1.1 403 ")
    page = _get(proxy.url + "/", "a")
    assert (page.status, page.replica) == (200, "a") and b"<html" in page.body.lower()

    # --- 1. Browser 1, on replica a, saves a scenario (an upload in "Your scenario") and moves a slider. ---------
    text = copy_of_seed(seed_path)
    ref = LINK_PREFIX + parse_scenario(text, "copy.yaml").digest[:SHORT]
    upload = tmp_path / "replica-test-copy.yaml"
    upload.write_text(text, encoding="utf-8")

    one = browser("a")
    started = time.monotonic()
    one.page.goto(proxy.url, wait_until="domcontentloaded")
    wait_for_charts(one.page, chart_count)
    figures["first_page_via_a_ms"] = _ms(time.monotonic() - started)
    assert one.landings.socket_replicas() == ["a"]

    one.page.get_by_role("tab", name=t("tab_custom", "en"), exact=True).click()
    # The tab draws on demand; on a busy machine its uploader can take longer than _upload's 5 s look.
    expect(one.page.locator(ACTIVE_PANEL).locator('[data-testid="stFileUploader"]').first).to_be_visible(timeout=60_000)
    wait_until_idle(one.page)
    started = time.monotonic()
    _upload(one.page, upload)
    one.page.wait_for_url(lambda url: query(url).get("scenario") == [ref], timeout=30_000)
    wait_until_idle(one.page)
    expect(one.page.locator(ACTIVE_PANEL).locator(SUCCESS).filter(has_text=ref)).to_have_count(1)
    figures["save_via_a_ms"] = _ms(time.monotonic() - started)
    assert one.landings.replicas_of("/_stcore/upload_file") == ["a"], "the upload did not go to replica a"
    with_store = ScenarioStore(database_url)
    try:
        stored = with_store.load(ref)
        assert stored is not None, f"{ref} is not in the shared store after the save"
        assert stored[1].title.en == TITLE_EN
    finally:
        with_store.dispose()

    one.page.get_by_role("tab", name=t("tab_projection", "en"), exact=True).click()
    wait_for_charts(one.page, chart_count)
    troops_slider = slider(one.page, troops.label.get("en"))
    troops_slider.focus()
    one.page.keyboard.press("End")
    expect(troops_slider).to_have_value(f"{troops.max:g}")
    expected_query = {
        "scenario": [ref],
        "preset": ["baseline"],
        "lang": ["en"],
        "d.troops_deployed": [f"{troops.max:g}"],
    }
    one.page.wait_for_url(lambda url: query(url) == expected_query, timeout=30_000)
    wait_for_charts(one.page, chart_count)
    link = one.page.url
    page_one = plotted(one.page)
    assert len(page_one) == chart_count and all(trace["y"] for chart in page_one for trace in chart)
    expect(one.page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    assert one.landings.socket_replicas() == ["a"], "browser 1's session left replica a"
    assert set(r for _, _, r in one.landings.responses) == {"a"}, "browser 1 reached replica b before the stop"

    # --- 2. Browser 2, on replica b, opens the link: the scenario saved through a, the same numbers. -------------
    two = browser("b")
    started = time.monotonic()
    two.page.goto(link, wait_until="domcontentloaded")
    wait_for_charts(two.page, chart_count)
    figures["link_via_b_ms"] = _ms(time.monotonic() - started)
    assert two.landings.socket_replicas() == ["b"]
    assert set(r for _, _, r in two.landings.responses) == {"b"}
    expect(two.page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(slider(two.page, troops.label.get("en"))).to_have_value(f"{troops.max:g}")
    assert query(two.page.url) == expected_query
    assert plotted(two.page) == page_one, "the link opened through replica b shows other numbers"

    # --- 3. Replica a stops while browser 1's session is on it; browser 1 reconnects and lands on b. ------------
    # Stopped from a thread (SIGTERM: Streamlit closes its websockets, 1012 "service restart"), so that this one
    # keeps taking the browser's events while replica a shuts down.
    exited: list[float] = []
    stopping = threading.Thread(
        target=lambda: (stop(deployment.replica_a.process), exited.append(time.monotonic())), daemon=True
    )
    stopped_at = time.monotonic()
    stopping.start()
    reconnected_at = wait_for_socket(one, 2, RECONNECT_TIMEOUT_S)
    figures["reconnect_ms"] = _ms(reconnected_at - stopped_at)
    assert len(one.landings.closed) == 1, f"browser 1's websockets closed {len(one.landings.closed)} times"
    figures["socket_closed_ms"] = _ms(one.landings.closed[0] - stopped_at)
    assert one.landings.socket_replicas() == ["a", "b"], "browser 1 did not reconnect to replica b"
    # Reconnected to an idle page, Streamlit's browser code asks for no script run: the page stays as drawn, and
    # b's new session starts with the reader's next interaction. Streamlit's rerun key (R) is one that moves
    # nothing: the run it starts on b (the only replica left) takes the page from the link and the store.
    one.page.evaluate(WATCH_RUNS_JS)
    one.page.locator('[data-testid="stMain"] h1').click()
    one.page.keyboard.press("r")
    one.page.wait_for_function(RERUN_DONE_JS, timeout=RECONNECT_TIMEOUT_S * 1000, polling=50)
    wait_for_charts(one.page, chart_count)
    runs = one.page.evaluate("() => window.__runStates")
    figures["rerun_on_b_ms"] = round(
        next(at for at, state in runs if state == "notRunning") - next(at for at, state in runs if state == "running"),
        1,
    )
    figures["stop_to_redrawn_on_b_ms"] = _ms(time.monotonic() - stopped_at)
    stopping.join(timeout=30)
    assert exited, "replica a did not exit within 30 s of its stop"
    figures["replica_a_exit_ms"] = _ms(exited[0] - stopped_at)
    after = [(round(at - stopped_at, 3), path, r) for at, path, r in one.landings.responses if at >= stopped_at]
    assert after and {r for _, _, r in after} == {"b"}, f"after the stop browser 1 reached {after}"
    assert cookie_of(one) == "b", "the proxy did not move browser 1's cookie to the replica now holding its session"
    assert query(one.page.url) == expected_query
    expect(one.page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(slider(one.page, troops.label.get("en"))).to_have_value(f"{troops.max:g}")
    expect(one.page.locator(SIDEBAR).get_by_role("combobox", name=t("scenario", "en"))).to_have_value(
        f"{TITLE_EN} ({t('saved_suffix', 'en')} {ref})"
    )
    assert plotted(one.page) == page_one, "after the reconnect browser 1 shows other numbers"

    # --- 4. Nothing saved is lost: the store holds it, and a third browser (a first visit) opens it again. ------
    with_store = ScenarioStore(database_url)
    try:
        stored_after = with_store.load(ref)
        assert stored_after is not None, f"{ref} is gone from the shared store after replica a stopped"
        assert stored_after[0].digest == stored[0].digest
        assert [saved.ref for saved in with_store.list()] == [ref]
    finally:
        with_store.dispose()
    three = browser(None)
    started = time.monotonic()
    three.page.goto(link, wait_until="domcontentloaded")
    wait_for_charts(three.page, chart_count)
    figures["link_after_stop_ms"] = _ms(time.monotonic() - started)
    assert three.landings.socket_replicas() == ["b"]
    assert cookie_of(three) == "b"
    expect(three.page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    assert plotted(three.page) == page_one

    shown = {name: figures[name] for name in FIGURES} | figures  # FIGURES' order first
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "nginx": subprocess.run([str(NGINX), "-v"], capture_output=True, text=True).stderr.strip(),
        "saved": ref,
        "link": link.removeprefix(proxy.url),
        "replica_a_stopped_by": "SIGTERM (tests/e2e/server.py stop)",
        "browser_1_websockets": one.landings.socket_replicas(),
        "browser_1_after_stop": [{"after_stop_s": at, "path": path, "replica": r} for at, path, r in after],
        "figures_ms": shown,
        "meaning": FIGURES,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"\nreplicas behind nginx (load average {record['load_average'][0]}):")
    for name, value in shown.items():
        print(f"  {name:24} {value:9.1f} ms  {FIGURES.get(name, '')}")
    print(f"  browser 1 after replica a stopped: {after}")
    print(f"  written to {RESULTS.relative_to(REPO_ROOT)}")
    assert re.fullmatch(r"sha-[0-9a-f]{16}", ref)
