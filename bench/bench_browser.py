"""Browser benchmark of the dashboard: time to the first full page, and from a slider key press to the redrawn chart.

The first full page is all 3 projection charts drawn; both are measured in Debian's chromium driven by Playwright
against a real server, and the same way against bench/minimal_page.py (the same slider and the same three charts,
nothing else), one server after the other in the same run: the targets are ratios of the dashboard to that page.
Each slider move is also broken down, for both pages: websocket bytes received, the renderer's script, layout and
style time (Chrome DevTools Protocol), each chart's Plotly redraw, and the time spent waiting for the server.

Run: python bench/bench_browser.py [--pages 5] [--moves 20] [--no-what-if] [--no-minimal-again] [--json PATH]
Prints what it measured on this machine and how; nothing is asserted. The browser and the server share the
machine's 2 cores, as they would on a developer laptop, so the figures include the browser's own work; the CPU
seconds of each side are printed so the two can be told apart.

The what-if (on by default) repeats the first-page measurement against a second server started with
`--server.fileWatcherType auto`, Streamlit's default that .streamlit/config.toml turns off (the watcher walks
every imported module's files on the event loop for each new session); no project file is changed for it.
The minimal page's redraw is measured once more after the dashboard's (--no-minimal-again skips it), so that a
drift of the machine between the two pages shows.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time

import dashboard_harness as h
from common import ROOT, Bench, load_avg, percentile
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHARTS = 3
NAN = float("nan")
# A websocket frame larger than this is taken for a chart's figure (about 20-35 KiB each; the rest stay under 2 KiB).
CHART_FRAME_BYTES = 10 * 1024
# The renderer's counters read per move (seconds, cumulative), Chrome DevTools Protocol's Performance domain.
PERF_METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


# Log every change of the app's script state with its in-page time: [state, ms since navigation start].
STATE_LOG_JS = """() => {
    if (window.__benchStates) return;
    window.__benchStates = [];
    const app = document.querySelector('[data-testid="stApp"]');
    const note = () => window.__benchStates.push([app.getAttribute('data-test-script-state'), performance.now()]);
    new MutationObserver(note).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
# Init script for first-page loads: in-page times of the milestones between navigation and drawn charts.
TIMELINE_INIT = """(() => {
    const marks = window.__benchMarks = {};
    const note = (what) => { if (!(what in marks)) marks[what] = performance.now(); };
    const watch = () => {
        const app = document.querySelector('[data-testid="stApp"]');
        const state = app && app.getAttribute('data-test-script-state');
        if (state === 'running') note('script running');
        if (state === 'notRunning' && 'script running' in marks) note('script finished');
        if (document.querySelector('[data-testid="stPlotlyChart"]')) note('first chart element');
        const plots = document.querySelectorAll('.js-plotly-plot');
        if ([...plots].some(p => p._fullData)) note('first chart drawn');
    };
    document.addEventListener('DOMContentLoaded', () => {
        note('DOMContentLoaded');
        new MutationObserver(watch).observe(document.documentElement,
                                            {subtree: true, childList: true, attributes: true});
    });
})();"""
# Note [chart index, in-page ms] for every batch of DOM nodes added or removed inside a chart (Streamlit puts a new
# Plotly element in each chart on a rerun, and Plotly builds its SVG in it): a chart's last such time is when it was
# drawn. Index = position among the page's charts.
DRAW_LOG_JS = """() => {
    if (window.__benchDraws) return;
    window.__benchDraws = [];
    new MutationObserver((records) => {
        const now = performance.now();
        const touched = new Set();
        for (const r of records) {
            const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
            const chart = node && node.closest('[data-testid="stPlotlyChart"]');
            if (chart) touched.add(chart);
        }
        if (!touched.size) return;
        const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
        for (const chart of touched) window.__benchDraws.push([charts.indexOf(chart), now]);
    }).observe(document.body, {subtree: true, childList: true});
}"""
# True once each of the `charts` charts changed since the last keydown and no chart has changed for 150 ms.
SETTLED_JS = """(charts) => {
    const since = window.__benchDraws.filter(([i, t]) => t >= window.__benchKeydown);
    const seen = new Set(since.map(([i]) => i));
    for (let i = 0; i < charts; i++) if (!seen.has(i)) return false;
    return performance.now() - Math.max(...since.map(([i, t]) => t)) > 150;
}"""
MILESTONES = ("DOMContentLoaded", "script running", "script finished", "first chart element", "first chart drawn")
NAV_JS = """() => {
    const nav = performance.getEntriesByType('navigation')[0] || {};
    const res = performance.getEntriesByType('resource');
    const big = res.filter(r => r.transferSize > 500 * 1024).map(r => [r.name.split('/').pop(), r.transferSize / 1024,
                                                                        r.startTime, r.responseEnd]);
    return {
        ttfb: nav.responseStart, dcl: nav.domContentLoadedEventEnd,
        resources: res.length,
        kib: (res.reduce((s, r) => s + (r.transferSize || 0), 0) + (nav.transferSize || 0)) / 1024,
        big: big,
    };
}"""


def _new_context(browser):
    context = h.new_context(browser)
    context.set_default_timeout(60_000)
    context.add_init_script(TIMELINE_INIT)
    return context


class WsTally:
    """Frames and bytes the page's websockets received, from Playwright's framereceived events (a payload is bytes
    for a binary frame, str for a text one); install before the page navigates."""

    def __init__(self, page):
        self.frames = self.bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        self.frames += 1
        self.bytes += len(payload) if isinstance(payload, bytes) else len(payload.encode())

    def reset(self) -> None:
        self.frames = self.bytes = 0


def _load(page, url: str) -> dict:
    """Navigate; in-page ms from navigation start to 3 charts with _fullData, plus the milestones."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    ready = page.wait_for_function(h.CHARTS_READY_JS, arg=CHARTS, timeout=60_000, polling=20).json_value()
    wall = (time.perf_counter() - start) * 1000
    if ready == -1:
        raise RuntimeError("the page shows an exception: " + " / ".join(page.locator(h.EXCEPTION).all_inner_texts()))
    return {"charts": ready, "wall": wall, "marks": page.evaluate("() => window.__benchMarks"), **page.evaluate(NAV_JS)}


def _first_page(browser, url: str) -> dict:
    context = _new_context(browser)
    try:
        page = context.new_page()
        tally = WsTally(page)
        result = _load(page, url)
        page.wait_for_function(h.IDLE_JS, timeout=60_000, polling=50)  # the rest of the page's messages
        return {**result, "ws_kib": tally.bytes / 1024, "ws_frames": tally.frames}
    finally:
        context.close()


def _marks(result: dict) -> str:
    marks = result["marks"]
    return ", ".join(f"{name} {marks[name]:.0f}" for name in MILESTONES if name in marks)


def first_page_section(
    bench: Bench, browser, url: str, pages: int, prefix: str = "first_page", title: str = ""
) -> dict:
    print(f"== first full page{title} ==")
    print(
        "method: a fresh browser context per load (empty HTTP cache, new Streamlit session); in-page time from\n"
        "navigation start (performance.now()) until 3 .js-plotly-plot elements have _fullData (polled every 20 ms);\n"
        "'wall' is the same seen from Python. Milestones (ms, in-page) come from a MutationObserver. The server's\n"
        "very first session (cold: it imports the app and fills the caches) is reported apart. 'ws' is what the\n"
        "page's websocket received until the script was idle (Playwright's framereceived)."
    )
    cold = _first_page(browser, url)
    bench.figure(f"{prefix}.cold.charts", cold["charts"], "ms", n=1)
    bench.figure(f"{prefix}.cold.wall", cold["wall"], "ms", n=1)
    print(
        f"  server's first session (cold): charts {cold['charts']:6.0f} ms  wall {cold['wall']:6.0f} ms  [{load_avg()}]"
    )
    h.wait_for_quiet(max_wait_s=60)
    runs = []
    for n in range(pages):
        result = _first_page(browser, url)
        runs.append(result)
        print(
            f"  context {n + 1}: charts {result['charts']:6.0f} ms  wall {result['wall']:6.0f} ms  [{load_avg()}]\n"
            f"      {_marks(result)}; {result['resources']} resources, {result['kib']:.0f} KiB;"
            f" ws {result['ws_kib']:.0f} KiB in {result['ws_frames']} frames"
        )
    charts = [r["charts"] for r in runs]
    bench.timing(f"{prefix}.charts", charts)
    bench.figure(f"{prefix}.kib", runs[-1]["kib"], "KiB", n=1)
    ws_kib = statistics.median(r["ws_kib"] for r in runs)
    bench.figure(f"{prefix}.ws_kib", ws_kib, "KiB", n=pages)
    print(
        f"  first page, median of {pages}: {statistics.median(charts):.0f} ms"
        f" (min {min(charts):.0f}, max {max(charts):.0f})"
    )
    medians = {m: statistics.median(r["marks"][m] for r in runs if m in r["marks"]) for m in MILESTONES}
    for milestone, ms in medians.items():
        bench.figure(f"{prefix}.milestone.{milestone.replace(' ', '_')}", ms, "ms", n=pages)
    print("  median milestones (ms): " + ", ".join(f"{m} {v:.0f}" for m, v in medians.items()))
    print(
        "  largest downloads (KiB, start -> end ms): "
        + "; ".join(f"{name} {kib:.0f} KiB {start:.0f}->{end:.0f}" for name, kib, start, end in runs[-1]["big"])
    )

    # A returning visitor: same context, so the HTTP cache (and V8's code cache) is warm; a new session each time.
    context = _new_context(browser)
    try:
        page = context.new_page()
        _load(page, url)
        repeat = [_load(page, url) for _ in range(3)]
    finally:
        context.close()
    warm = [r["charts"] for r in repeat]
    bench.timing(f"{prefix}.returning_visitor", warm)
    print(
        f"  returning visitor (same context, warm HTTP cache), median of 3: {statistics.median(warm):.0f} ms "
        f"({repeat[-1]['kib']:.0f} KiB transferred; {_marks(repeat[-1])})  [{load_avg()}]"
    )
    print()
    return {
        "median": statistics.median(charts),
        "returning": statistics.median(warm),
        "kib": runs[-1]["kib"],
        "ws_kib": ws_kib,
        "milestones": medians,
    }


class Probe:
    """What a page's slider moves are measured with besides its in-page times: its websocket tally, and a Chrome
    DevTools Protocol session for the renderer's Performance counters and the websocket frames' arrival times
    (Network.webSocketFrameReceived, on the network layer's clock: on Linux the CLOCK_MONOTONIC of Python's
    time.monotonic(), which this relies on; `offset` maps it to the page's performance.now())."""

    def __init__(self, context, page, tally: WsTally):
        self.page, self.tally = page, tally
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.cdp.send("Network.enable")
        self.arrivals: list[tuple[float, int]] = []  # (ms on the network layer's clock, bytes)
        self.cdp.on("Network.webSocketFrameReceived", self._arrived)
        self.offset = self.rtt = NAN

    def _arrived(self, event: dict) -> None:
        frame = event["response"]
        size = len(frame["payloadData"]) * 3 // 4 if frame["opcode"] == 2 else len(frame["payloadData"].encode())
        self.arrivals.append((event["timestamp"] * 1000, size))  # a binary frame's payload is in base64

    def sync_clocks(self) -> None:
        """offset = monotonic ms - performance.now(), from the quickest of 5 round trips (error within rtt / 2)."""
        samples = []
        for _ in range(5):
            before = time.monotonic()
            now = self.page.evaluate("() => performance.now()")
            after = time.monotonic()
            samples.append(((after - before) * 1000, (before + after) / 2 * 1000 - now))
        self.rtt, self.offset = min(samples)

    def metrics(self) -> dict[str, float]:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}


# Before each move: forget the last move's states and chart changes.
MOVE_START_JS = "() => { window.__benchStates.length = 0; window.__benchDraws.length = 0; }"
MOVE_LOG_JS = "() => [window.__benchKeydown, window.__benchStates, window.__benchDraws]"


def _move(page, slider, key: str, probe: Probe) -> dict:
    """Press `key` on the slider; in-page ms from keydown to: script 'running', first chart's median data
    changed, script 'notRunning' again, each chart's last DOM change; the rerun's websocket frames (bytes; arrival
    times) and the renderer's CDP counters over the move."""
    page.evaluate(MOVE_START_JS)
    page.evaluate(h.REMEMBER_JS)
    before = probe.metrics()
    probe.tally.reset()
    probe.arrivals.clear()
    t0 = time.perf_counter()
    slider.press(key)
    changed = page.wait_for_function(h.CHANGED_JS, timeout=30_000, polling=10).json_value()
    wall = (time.perf_counter() - t0) * 1000
    page.wait_for_function(h.IDLE_JS, timeout=30_000, polling=10)
    # A chart may be drawn a moment after the script is idle; one that did not change gets a NaN time.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(SETTLED_JS, arg=CHARTS, timeout=5_000, polling=10)
    after = probe.metrics()
    keydown, states, draws = page.evaluate(MOVE_LOG_JS)
    running = next((t for s, t in states if s == "running" and t >= keydown), NAN)
    idle = next((t for s, t in states if s == "notRunning" and t >= keydown), NAN)
    drawn = [max((t for i, t in draws if i == n and t >= keydown), default=NAN) for n in range(CHARTS)]
    last_drawn = max(drawn) if all(d == d for d in drawn) else NAN
    arrivals = sorted((t - probe.offset, size) for t, size in probe.arrivals if t - probe.offset >= keydown - probe.rtt)
    first_frame, last_frame = (arrivals[0][0], arrivals[-1][0]) if arrivals else (NAN, NAN)
    specs = [t for t, size in arrivals if size > CHART_FRAME_BYTES]
    last_spec = specs[-1] if len(specs) >= CHARTS else NAN
    move = {
        "redraw": changed - keydown,
        "wall": wall,
        "to_running": running - keydown,
        "to_first_frame": first_frame - keydown,
        "frames_span": last_frame - first_frame,
        "running_to_changed": changed - running,
        "to_idle": idle - keydown,
        "to_first_spec": (specs[0] if specs else NAN) - keydown,
        "to_last_spec": last_spec - keydown,
        "to_first_drawn": min((t for i, t in draws if 0 <= i < CHARTS and t >= keydown), default=NAN) - keydown,
        **{f"drawn_{n}": d - keydown for n, d in enumerate(drawn)},
        "last_spec_to_drawn": last_drawn - last_spec,
        "ws_kib": probe.tally.bytes / 1024,
        "ws_frames": probe.tally.frames,
        "chart_frames": len(specs),
        "value": slider.input_value(),
    }
    for name in PERF_METRICS:
        move[name] = (after.get(name, NAN) - before.get(name, NAN)) * 1000
    return move


# Per move, as printed side by side (key, what, unit); the medians over the cache-miss moves.
BREAKDOWN = (
    ("redraw", "keydown -> first chart's data changed (the redraw)", "ms"),
    ("to_running", "keydown -> script 'running' (in the page)", "ms"),
    ("to_first_frame", "keydown -> rerun's first ws frame arrives", "ms"),
    ("frames_span", "rerun's first -> last ws frame arriving", "ms"),
    ("to_first_spec", "keydown -> first chart's frame arrives (> 10 KiB)", "ms"),
    ("to_last_spec", "keydown -> last chart's frame arrives", "ms"),
    ("running_to_changed", "'running' -> first chart's data changed", "ms"),
    ("to_idle", "keydown -> script idle (in the page)", "ms"),
    ("to_first_drawn", "keydown -> first DOM change in any chart", "ms"),
    *((f"drawn_{n}", f"keydown -> chart {n + 1} drawn (its last DOM change)", "ms") for n in range(CHARTS)),
    ("last_spec_to_drawn", "last chart's frame arrives -> last chart drawn", "ms"),
    ("ws_kib", "websocket received per move", "KiB"),
    ("ws_frames", "websocket frames per move", ""),
    ("chart_frames", "of which > 10 KiB (taken for the charts' figures)", ""),
    ("ScriptDuration", "renderer: script (CDP ScriptDuration)", "ms"),
    ("LayoutDuration", "renderer: layout (CDP LayoutDuration)", "ms"),
    ("RecalcStyleDuration", "renderer: style recalc (CDP RecalcStyleDuration)", "ms"),
    ("TaskDuration", "renderer: all main-thread tasks (CDP TaskDuration)", "ms"),
    ("server_cpu", "server process CPU per move (/proc)", "ms"),
    ("client_cpu", "chromium + Playwright driver CPU per move (/proc)", "ms"),
)


def _median(moves: list[dict], key: str) -> float:
    values = [m[key] for m in moves if m[key] == m[key]]
    return statistics.median(values) if values else NAN


def _report_moves(bench: Bench, prefix: str, name: str, title: str, moves: list[dict]) -> dict[str, float]:
    redraw = [m["redraw"] for m in moves]
    bench.timing(f"{prefix}.{name}", redraw)
    bench.figure(f"{prefix}.{name}.p90", percentile(redraw, 90), "ms", n=len(redraw))
    print(
        f"  {title}: median {statistics.median(redraw):6.0f} ms  p90 {percentile(redraw, 90):6.0f} ms  "
        f"min {min(redraw):5.0f}  max {max(redraw):5.0f}  (n={len(redraw)})"
    )
    medians = {key: _median(moves, key) for key in moves[0] if key not in ("redraw", "value")}
    medians["redraw"] = statistics.median(redraw)
    for key, value in medians.items():
        if key != "redraw":
            unit = "KiB" if key == "ws_kib" else "" if key in ("ws_frames", "chart_frames") else "ms"
            bench.figure(f"{prefix}.{name}.{key}", value, unit, n=len(moves))
    drawn = ", ".join(f"{medians[f'drawn_{n}']:.0f}" for n in range(CHARTS))
    print(
        f"      medians: keydown -> script 'running' {medians['to_running']:4.0f} ms, 'running' -> chart data changed"
        f" {medians['running_to_changed']:4.0f} ms, keydown -> script idle {medians['to_idle']:4.0f} ms,"
        f" Python wall {medians['wall']:4.0f} ms\n"
        f"      keydown -> charts drawn (last DOM change) {drawn} ms; websocket {medians['ws_kib']:.1f} KiB in"
        f" {medians['ws_frames']:.0f} frames; renderer script {medians['ScriptDuration']:.0f} ms, layout"
        f" {medians['LayoutDuration']:.0f} ms, style {medians['RecalcStyleDuration']:.0f} ms, tasks"
        f" {medians['TaskDuration']:.0f} ms"
    )
    return medians


def redraw_section(
    bench: Bench, browser, server, moves: int, prefix: str = "redraw", title: str = "", hits: bool = True
) -> dict[str, float]:
    """The cache-miss moves' medians (BREAKDOWN's keys)."""
    print(f"== slider move -> redrawn chart{title} ==")
    print(
        "method: one loaded page; focus the troops slider, press Home (0 soldiers), 3 warm-up ArrowRight moves, then\n"
        "ArrowRight (+500) each time, so every value is new to the server's projection cache (a real move). Latency =\n"
        "in-page time from the keydown event (capture listener) until the first chart's median trace y-data differs\n"
        "(polled every 10 ms in the page); then wait until the script is idle and no chart's DOM has changed for\n"
        "150 ms before the next key. Afterwards ArrowLeft back over values already seen (cache hits). CPU seconds\n"
        "per move from /proc (server process; chromium + Playwright driver processes).\n"
        "Breakdown per move: websocket bytes from Playwright's framereceived; frame arrival times from CDP\n"
        "Network.webSocketFrameReceived (the network layer's clock, mapped to the page's by the quickest of 5 round\n"
        "trips, error within half of it; a frame > 10 KiB is taken for a chart's figure); a chart is drawn at its\n"
        "last DOM change (MutationObserver, childList, nodes added or removed inside the chart);\n"
        "the renderer's ScriptDuration, LayoutDuration, RecalcStyleDuration and TaskDuration deltas from CDP\n"
        "Performance.getMetrics (they include the 10 ms polls)."
    )
    context = _new_context(browser)
    try:
        page = context.new_page()
        probe = Probe(context, page, WsTally(page))
        slider = h.open_drawn(page, server.url, charts=CHARTS)
        page.evaluate(STATE_LOG_JS)
        page.evaluate(DRAW_LOG_JS)
        probe.sync_clocks()
        print(f"  clocks: network layer to page offset measured with a {probe.rtt:.1f} ms round trip")
        print(f"  slider: {slider.get_attribute('aria-label')!r} at {slider.input_value()}")
        _move(page, slider, "Home", probe)
        for _ in range(3):  # warm-up of the browser side (first redraw of each chart), values 500..1500
            _move(page, slider, "ArrowRight", probe)
        h.wait_for_quiet(max_wait_s=60)
        load_start = load_avg()
        server_cpu, client_cpu = h.cpu_seconds(server.pid), h.descendants_cpu_seconds(os.getpid(), (server.pid,))
        misses = [_move(page, slider, "ArrowRight", probe) for _ in range(moves)]
        server_cpu = (h.cpu_seconds(server.pid) - server_cpu) / moves * 1000
        client_cpu = (h.descendants_cpu_seconds(os.getpid(), (server.pid,)) - client_cpu) / moves * 1000
        seen = [_move(page, slider, "ArrowLeft", probe) for _ in range(min(moves, 10))] if hits else []
        back = f", back to {seen[-1]['value']}" if seen else ""
        print(f"  values moved over: {misses[0]['value']} .. {misses[-1]['value']}{back}")
        print(f"  [{load_start} at start, {load_avg()} at end]")
        result = _report_moves(bench, prefix, "miss", "new values (cache miss)", misses)
        bench.figure(f"{prefix}.miss.server_cpu", server_cpu, "ms", n=moves)
        bench.figure(f"{prefix}.miss.client_cpu", client_cpu, "ms", n=moves)
        result |= {"server_cpu": server_cpu, "client_cpu": client_cpu}
        print(f"      CPU per move (cache miss): server {server_cpu:.0f} ms, chromium + driver {client_cpu:.0f} ms")
        if seen:
            _report_moves(bench, prefix, "hit", "seen values (cache hit)", seen)
    finally:
        context.close()
    print()
    return result


def _cell(value: float | None, unit: str) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:.1f}" if unit == "KiB" else f"{value:.0f}"


def compare_section(bench: Bench, first: dict[str, dict], redraw: dict[str, dict], again: dict | None, n: dict) -> None:
    """The ratios dashboard / minimal page against their targets, and the breakdowns side by side."""
    print("== dashboard over the minimal page (same run) ==")
    minimal, dashboard = first["minimal"]["median"], first["dashboard"]["median"]
    ratio = dashboard / minimal
    verdict = bench.figure("first_page.vs_minimal", ratio, "x", n=n["pages"], target="browser_first_page_vs_minimal")
    print(f"  first page (median): minimal {minimal:.0f} ms, dashboard {dashboard:.0f} ms: {ratio:.2f}x   {verdict}")
    minimal, dashboard = redraw["minimal"]["redraw"], redraw["dashboard"]["redraw"]
    ratio = dashboard / minimal
    verdict = bench.figure("redraw.miss.vs_minimal", ratio, "x", n=n["moves"], target="browser_redraw_vs_minimal")
    print(
        f"  slider move to redrawn chart (cache miss, median): minimal {minimal:.0f} ms, dashboard {dashboard:.0f} ms:"
        f" {ratio:.2f}x   {verdict}"
    )
    if again is not None:
        ratio = dashboard / again["redraw"]
        bench.figure("redraw.miss.vs_minimal_again", ratio, "x", n=n["moves"])
        print(
            f"  minimal page re-measured after the dashboard: {again['redraw']:.0f} ms (drift"
            f" {again['redraw'] / minimal - 1:+.0%}); the dashboard over that: {ratio:.2f}x (not the checked figure)"
        )
    print()
    columns = ["minimal", "dashboard", "extra", "ratio"]
    print(f"  {'first page (medians)':<56}" + "".join(f"{c:>10}" for c in columns))
    rows = [(k, f"milestone: {k}", "ms") for k in MILESTONES] + [
        ("median", "all 3 charts drawn", "ms"),
        ("returning", "returning visitor, all 3 charts drawn", "ms"),
        ("kib", "HTTP transferred", "KiB"),
        ("ws_kib", "websocket received until idle", "KiB"),
    ]
    for key, what, unit in rows:
        mine = first["minimal"]["milestones"].get(key, first["minimal"].get(key))
        theirs = first["dashboard"]["milestones"].get(key, first["dashboard"].get(key))
        print(f"  {what + (f' ({unit})' if unit else ''):<56}" + _row(mine, theirs, unit))
    print()
    columns += ["min again"] if again is not None else []
    print(f"  {'per slider move (medians of the cache misses)':<56}" + "".join(f"{c:>10}" for c in columns))
    for key, what, unit in BREAKDOWN:
        line = _row(redraw["minimal"].get(key), redraw["dashboard"].get(key), unit)
        if again is not None:
            line += f"{_cell(again.get(key), unit):>10}"
        print(f"  {what + (f' ({unit})' if unit else ''):<56}" + line)
    print()


def _row(minimal: float | None, dashboard: float | None, unit: str) -> str:
    known = minimal is not None and dashboard is not None and minimal == minimal and dashboard == dashboard
    extra = dashboard - minimal if known else None
    ratio = f"{dashboard / minimal:.2f}x" if known and minimal > 0 else "-"
    cells = [_cell(minimal, unit), _cell(dashboard, unit), _cell(extra, unit), ratio]
    return "".join(f"{c:>10}" for c in cells)


def main() -> None:
    bench = Bench("bench_browser", __doc__)
    bench.option("--no-what-if", action="store_true", help="skip the run against a server with a file watcher")
    bench.option(
        "--no-minimal-again", action="store_true", help="skip re-measuring the minimal page's redraw at the end"
    )
    bench.run(measure)


def measure(bench: Bench, args) -> None:
    from playwright.sync_api import sync_playwright

    args.moves = max(1, min(args.moves, 36))  # Home=0, then 3 warm-up moves: 36 more stay within 0..20,000
    print(f"machine: {os.cpu_count()} cores; chromium {h.CHROMIUM} headless; {load_avg()} at start")
    print()
    first, redraw, again = {}, {}, None
    with sync_playwright() as playwright:
        browser = h.launch_chromium(playwright)
        print(f"browser: chromium {browser.version}")
        try:
            # One server at a time (2 cores): the minimal page, the dashboard, then the minimal page again.
            with h.streamlit_server(script=h.MINIMAL_PAGE) as server:
                print(f"server pid {server.pid} at {server.url}: the minimal page, {h.MINIMAL_PAGE.relative_to(ROOT)}")
                print()
                first["minimal"] = first_page_section(
                    bench, browser, server.url, args.pages, prefix="minimal.first_page", title=": minimal page"
                )
                redraw["minimal"] = redraw_section(
                    bench, browser, server, args.moves, prefix="minimal.redraw", title=": minimal page"
                )
            with h.streamlit_server() as server:
                print(f"server pid {server.pid} at {server.url}: the dashboard (configuration as shipped)")
                print()
                first["dashboard"] = first_page_section(bench, browser, server.url, args.pages, title=": dashboard")
                redraw["dashboard"] = redraw_section(bench, browser, server, args.moves, title=": dashboard")
            if not args.no_minimal_again:
                with h.streamlit_server(script=h.MINIMAL_PAGE) as server:
                    print(f"server pid {server.pid} at {server.url}: the minimal page again (drift)")
                    print()
                    again = redraw_section(
                        bench, browser, server, args.moves, "minimal_again.redraw", ": minimal page again", hits=False
                    )
            compare_section(bench, first, redraw, again, {"pages": args.pages, "moves": args.moves})
            if not args.no_what_if:
                with h.streamlit_server(("--server.fileWatcherType", "auto")) as server:
                    print("what-if: the same server with Streamlit's default file watcher on")
                    watched = first_page_section(bench, browser, server.url, args.pages, prefix="what_if.first_page")
                shipped = first["dashboard"]["median"]
                bench.figure("what_if.watched_over_shipped", watched["median"] / shipped, "x", n=args.pages)
                print(
                    f"what-if summary: first page median {shipped:.0f} ms without the watcher, "
                    f"{watched['median']:.0f} ms with it"
                )
        finally:
            browser.close()


if __name__ == "__main__":
    main()
