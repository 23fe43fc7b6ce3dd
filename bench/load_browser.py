"""Chromium clients for the load test: each session is a page in Debian's chromium, driven by Playwright's async API.

The browsers run on the same 2 cores as the server, so latencies include client-side contention. A move is one
key press on the slider (ArrowRight/ArrowLeft: one step of 500 troops or 5 combat); its latency is the in-page time
from the keydown to the first chart showing exactly the session's new numbers. Before the next key the page waits
for the run's script_finished message, read on the page's websocket. A move that leaves the first chart's numbers
unchanged is not timed.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

import dashboard_harness as h
from load_session import COMBAT, TROOPS, Expected, MoveError, SessionResult, check_traces, error_line, share_query
from playwright.async_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

METHOD = (
    "method: one `streamlit run dashboard.py` on loopback; each session is a chromium page (its own browser\n"
    "  context) driven by Playwright; a move is one arrow key on the slider. Latency = in-page keydown -> the\n"
    "  first chart shows the session's new numbers (engine.ensemble's medians); the browsers share the cores."
)
LATENCY = "key press -> first chart shows the session's new numbers (in-page)"
FINISHED_FIELD = ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number

# Count the script runs the server reports finished, and remember the in-page time of every keydown.
# Runs are counted from the websocket itself (ForwardMsg field 6, script_finished, read with a minimal
# protobuf walk): watching the app's data-test-script-state attribute missed runs whose messages arrived
# in one burst, since React then renders "running" and "notRunning" in a single commit and the attribute
# never changes. The page's websocket is hooked on its first send after this script runs (the next move).
HOOKS_JS = """(finishedField) => {
    if (window.__benchRuns !== undefined) return;
    window.__benchRuns = 0;
    window.__benchSent = 0;
    const varint = (bytes, at) => {
        let value = 0, scale = 1;
        for (;;) {
            const b = bytes[at++];
            value += (b & 0x7f) * scale;
            if (b < 0x80) return [value, at];
            scale *= 128;
        }
    };
    const finishes = (buffer) => {
        const bytes = new Uint8Array(buffer);
        let at = 0;
        while (at < bytes.length) {
            let key, length;
            [key, at] = varint(bytes, at);
            const wire = key % 8;
            if (wire === 0) {
                [, at] = varint(bytes, at);
                if (Math.floor(key / 8) === finishedField) return true;
            } else if (wire === 2) {
                [length, at] = varint(bytes, at);
                at += length;
            } else if (wire === 1) at += 8;
            else if (wire === 5) at += 4;
            else return false;
        }
        return false;
    };
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        window.__benchSent += 1;
        if (!this.__benchHooked) {
            this.__benchHooked = true;
            this.addEventListener('message', (event) => {
                if (event.data instanceof ArrayBuffer && finishes(event.data)) window.__benchRuns += 1;
            });
        }
        return send.call(this, data);
    };
    window.addEventListener('keydown', () => { window.__benchKeydown = performance.now(); }, true);
}"""
# In-page time once the first chart's median trace equals `expected` (-1: the app shows an exception).
SHOWS_JS = """(expected) => {
    if (document.querySelector('[data-testid="stException"]')) return -1;
    const plot = document.querySelectorAll('.js-plotly-plot')[0];
    const y = plot && plot.data && plot.data[1] && plot.data[1].y;
    if (!y || y.length !== expected.length) return false;
    for (let k = 0; k < expected.length; k++) if (Math.abs(y[k] - expected[k]) > 1e-9) return false;
    return performance.now();
}"""
# True once a script run finished after `before` runs (-1: the app shows an exception).
RUN_DONE_JS = """(before) => {
    if (document.querySelector('[data-testid="stException"]')) return -1;
    return window.__benchRuns > before ? performance.now() : false;
}"""


async def _until(page, js: str, arg, timeout_ms: float, polling: int = 20):
    """What `js(arg)` returns once it is truthy in the page (Playwright's TimeoutError after `timeout_ms`)."""
    return await (await page.wait_for_function(js, arg=arg, timeout=timeout_ms, polling=polling)).json_value()


class BrowserClient:
    """One session as a chromium page (load_session.Client)."""

    def __init__(self, result: SessionResult, browser, base_url: str, expected: Expected, args):
        self.result, self.browser, self.base_url, self.expected, self.args = result, browser, base_url, expected, args
        self.context = self.page = None
        self.sliders: dict[str, object] = {}
        self.values: dict[str, float] = {}
        self.crashed = False
        self.js_errors = 0
        self.runs_before = 0  # script runs finished before the last key press

    def _on_js_error(self, _error) -> None:
        self.js_errors += 1

    def _on_crash(self, _page) -> None:
        self.crashed = True

    async def open(self, setting: tuple[float, float], first: list[float]) -> None:
        timeout = self.args.load_timeout * 1000
        self.context = await h.new_context(self.browser)
        self.page = page = await self.context.new_page()
        page.on("crash", self._on_crash)
        page.on("pageerror", self._on_js_error)
        query = share_query(self.expected.scenario, setting[0])
        await page.goto(f"{self.base_url}/?{query}", wait_until="domcontentloaded", timeout=timeout)
        if await _until(page, SHOWS_JS, first, timeout, polling=100) == -1:
            raise MoveError("exception", "exception shown")
        await page.wait_for_function(h.IDLE_JS, timeout=timeout, polling=100)
        await page.evaluate(HOOKS_JS, FINISHED_FIELD)
        sidebar = page.locator('[data-testid="stSidebar"]')
        self.sliders = {TROOPS: sidebar.get_by_role("slider").nth(0), COMBAT: sidebar.get_by_role("slider").nth(1)}
        self.values = dict(zip((TROOPS, COMBAT), setting, strict=True))

    async def move(self, driver: str, new: float, first: list[float], changes: bool) -> float | None:
        if self.crashed:
            raise MoveError("crash", "page crashed")
        page, slider, timeout = self.page, self.sliders[driver], self.args.move_timeout * 1000
        key = "ArrowRight" if new > self.values[driver] else "ArrowLeft"
        self.runs_before = runs_before = await page.evaluate("() => window.__benchRuns")
        sent_before = await page.evaluate("() => window.__benchSent")
        latency = None
        try:
            await slider.press(key, timeout=timeout)
            if changes:
                seen = await _until(page, SHOWS_JS, first, timeout)
                if seen == -1:
                    raise MoveError("exception", "exception shown")
                latency = seen - await page.evaluate("() => window.__benchKeydown")
            if await _until(page, RUN_DONE_JS, runs_before, timeout) == -1:
                raise MoveError("exception", "exception shown")
        except MoveError:
            raise
        except Exception as err:
            if self.crashed:
                raise MoveError("crash", "page crashed") from None
            # Say which side stalled: a key the slider never took, or a value the page never redrew.
            detail = error_line(err, 200)
            with contextlib.suppress(Exception):
                slider_now = await slider.input_value(timeout=2000)
                runs_now = await page.evaluate("() => window.__benchRuns")
                sent_now = await page.evaluate("() => window.__benchSent")
                detail = (
                    f"{type(err).__name__} ({driver} slider shows {slider_now}, expected {new:g}; since the key "
                    f"the page sent {sent_now - sent_before} websocket messages and saw "
                    f"{runs_now - runs_before} script runs finished)"
                )
            raise MoveError("timeout" if isinstance(err, PlaywrightTimeout) else "other", detail) from None
        shown = float(await slider.input_value())
        if shown != new:
            raise MoveError("slider", f"slider shows {shown:g}, expected {new:g}")
        self.values[driver] = new
        return latency

    async def settle(self) -> None:
        if self.crashed or self.page is None:
            return
        with contextlib.suppress(Exception):  # still stuck: the final check will say so
            await _until(self.page, RUN_DONE_JS, self.runs_before, self.args.move_timeout * 1000, polling=100)

    async def final_check(self, last: tuple[float, float]) -> tuple[bool, str]:
        """Every median trace on the page against the values the session's own sliders show (after an error these
        may differ from what the session meant to set; they must still be one of its own settings)."""
        await self.page.wait_for_function(h.IDLE_JS, timeout=self.args.move_timeout * 1000, polling=100)
        shown = tuple([float(await self.sliders[d].input_value()) for d in (TROOPS, COMBAT)])
        traces = [(t["name"], t["y"]) for chart in await self.page.evaluate(h.MEDIANS_JS) for t in chart]
        ok, detail = check_traces(self.expected, self.result.troops, shown, traces)
        if shown != last:
            detail = f"sliders show {shown}, the session last set {last}; {detail}"
        return ok, detail

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()


def describe(args) -> str:
    return f"{args.browsers} browser(s) for {args.sessions} page(s)"


@contextlib.asynccontextmanager
async def clients(args, base_url: str, expected: Expected) -> AsyncIterator[Callable[[SessionResult], BrowserClient]]:
    """Playwright and `args.browsers` chromium processes; session i's page goes to browser i % browsers."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browsers = [await h.launch_chromium(playwright) for _ in range(args.browsers)]
        try:
            yield lambda r: BrowserClient(r, browsers[r.index % len(browsers)], base_url, expected, args)
        finally:
            for browser in browsers:
                with contextlib.suppress(Exception):  # a crashed browser is already gone
                    await browser.close()


def report(bench, clients: list[BrowserClient]) -> dict[str, list[str]]:
    """The browser sessions' own lines of the report (and figures): after the latency, and at the end."""
    errors = sum(c.js_errors for c in clients)
    bench.figure("js_page_errors", errors, "errors", n=len(clients))
    return {"latency": [], "end": [f"  JavaScript page errors (informational): {errors}"]}
