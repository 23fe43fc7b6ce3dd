"""Browser benchmark of the dashboard: time to the first full page, and from a slider key press to the redrawn chart.

The first full page is all 3 projection charts drawn; both are measured in Debian's chromium driven by Playwright
against a real server.

Run: python bench/bench_browser.py [--pages 5] [--moves 20] [--no-what-if] [--json PATH]
Prints what it measured on this machine and how; nothing is asserted. The browser and the server share the
machine's 2 cores, as they would on a developer laptop, so the figures include the browser's own work; the CPU
seconds of each side are printed so the two can be told apart.

The what-if (on by default) repeats the first-page measurement against a second server started with
`--server.fileWatcherType auto`, Streamlit's default that .streamlit/config.toml turns off (the watcher walks
every imported module's files on the event loop for each new session); no project file is changed for it.
"""

from __future__ import annotations

import os
import statistics
import time

import dashboard_harness as h
from common import TARGETS, Bench, load_avg, percentile, target_label

CHARTS = 3


def _unchecked(target: str) -> str:
    """DESIGN.md's browser targets are ratios to a minimal Streamlit page with the same three charts, measured in the
    same run. That page needs a server for another script than dashboard.py, which tests/e2e/server.py cannot start
    yet: the absolute figures are printed with the target they would be held to."""
    return f"target {target_label(TARGETS[target])} the minimal page's: not checked, no baseline measured"


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
        return _load(context.new_page(), url)
    finally:
        context.close()


def _marks(result: dict) -> str:
    marks = result["marks"]
    return ", ".join(f"{name} {marks[name]:.0f}" for name in MILESTONES if name in marks)


def first_page_section(bench: Bench, browser, url: str, pages: int, prefix: str = "first_page") -> float:
    print("== first full page ==")
    print(
        "method: a fresh browser context per load (empty HTTP cache, new Streamlit session); in-page time from\n"
        "navigation start (performance.now()) until 3 .js-plotly-plot elements have _fullData (polled every 20 ms);\n"
        "'wall' is the same seen from Python. Milestones (ms, in-page) come from a MutationObserver. The server's\n"
        "very first session (cold: it imports the app and fills the caches) is reported apart."
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
            f"      {_marks(result)}; {result['resources']} resources, {result['kib']:.0f} KiB"
        )
    charts = [r["charts"] for r in runs]
    bench.timing(f"{prefix}.charts", charts)
    bench.figure(f"{prefix}.kib", runs[-1]["kib"], "KiB", n=1)
    print(
        f"  first page, median of {pages}: {statistics.median(charts):.0f} ms"
        f" (min {min(charts):.0f}, max {max(charts):.0f})"
        f"   {_unchecked('browser_first_page_vs_minimal')}"
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
    return statistics.median(charts)


def _move(page, slider, key: str) -> dict:
    """Press `key` on the slider; in-page ms from keydown to: script 'running', first chart's median data
    changed, script 'notRunning' again."""
    page.evaluate("() => { if (window.__benchStates) window.__benchStates.length = 0; }")
    page.evaluate(h.REMEMBER_JS)
    t0 = time.perf_counter()
    slider.press(key)
    changed = page.wait_for_function(h.CHANGED_JS, timeout=30_000, polling=10).json_value()
    wall = (time.perf_counter() - t0) * 1000
    page.wait_for_function(h.IDLE_JS, timeout=30_000, polling=10)
    keydown = page.evaluate("() => window.__benchKeydown")
    states = page.evaluate("() => window.__benchStates")
    running = next((t for s, t in states if s == "running" and t >= keydown), float("nan"))
    idle = next((t for s, t in states if s == "notRunning" and t >= keydown), float("nan"))
    return {
        "redraw": changed - keydown,
        "wall": wall,
        "to_running": running - keydown,
        "running_to_changed": changed - running,
        "to_idle": idle - keydown,
        "value": slider.input_value(),
    }


def _report_moves(bench: Bench, name: str, title: str, moves: list[dict], target: str | None) -> None:
    redraw = [m["redraw"] for m in moves]
    bench.timing(f"redraw.{name}", redraw)
    bench.figure(f"redraw.{name}.p90", percentile(redraw, 90), "ms", n=len(redraw))
    line = (
        f"  {title}: median {statistics.median(redraw):6.0f} ms  p90 {percentile(redraw, 90):6.0f} ms  "
        f"min {min(redraw):5.0f}  max {max(redraw):5.0f}  (n={len(redraw)})"
    )
    if target is not None:
        line += f"   {_unchecked(target)}"
    print(line)

    def med(key: str) -> float:
        return statistics.median(m[key] for m in moves if m[key] == m[key])

    for key in ("to_running", "running_to_changed", "to_idle", "wall"):
        bench.figure(f"redraw.{name}.{key}", med(key), "ms", n=len(moves))

    print(
        f"      medians: keydown -> script 'running' {med('to_running'):4.0f} ms (browser handles the key, websocket),"
        f" 'running' -> chart data changed {med('running_to_changed'):4.0f} ms (rerun + delta + React + Plotly),"
        f" keydown -> script idle {med('to_idle'):4.0f} ms, Python wall {med('wall'):4.0f} ms"
    )


def redraw_section(bench: Bench, browser, server, moves: int, title: str = "") -> dict:
    print(f"== slider move -> redrawn chart{title} ==")
    print(
        "method: one loaded page; focus the troops slider, press Home (0 soldiers), 3 warm-up ArrowRight moves, then\n"
        "ArrowRight (+500) each time, so every value is new to the server's projection cache (a real move). Latency =\n"
        "in-page time from the keydown event (capture listener) until the first chart's median trace y-data differs\n"
        "(polled every 10 ms in the page); then wait until the script is idle before the next key. Afterwards\n"
        "ArrowLeft back over values already seen (cache hits). CPU seconds per move from /proc (server process;\n"
        "chromium + Playwright driver processes)."
    )
    context = _new_context(browser)
    try:
        page = context.new_page()
        page.goto(server.url, wait_until="domcontentloaded")
        page.wait_for_function(h.CHARTS_READY_JS, arg=CHARTS, timeout=60_000, polling=50)
        page.wait_for_function(h.IDLE_JS, timeout=60_000, polling=50)
        page.evaluate(h.KEYDOWN_HOOK_JS)
        page.evaluate(STATE_LOG_JS)
        slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
        print(f"  slider: {slider.get_attribute('aria-label')!r} at {slider.input_value()}")
        _move(page, slider, "Home")
        for _ in range(3):  # warm-up of the browser side (first redraw of each chart), values 500..1500
            _move(page, slider, "ArrowRight")
        h.wait_for_quiet(max_wait_s=60)
        load_start = load_avg()
        server_cpu, client_cpu = h.cpu_seconds(server.pid), h.descendants_cpu_seconds(os.getpid(), (server.pid,))
        misses = [_move(page, slider, "ArrowRight") for _ in range(moves)]
        server_cpu = (h.cpu_seconds(server.pid) - server_cpu) / moves * 1000
        client_cpu = (h.descendants_cpu_seconds(os.getpid(), (server.pid,)) - client_cpu) / moves * 1000
        hits = [_move(page, slider, "ArrowLeft") for _ in range(min(moves, 10))]
        print(f"  values moved over: {misses[0]['value']} .. {misses[-1]['value']}, back to {hits[-1]['value']}")
        print(f"  [{load_start} at start, {load_avg()} at end]")
        _report_moves(bench, "miss", "new values (cache miss)", misses, "browser_redraw_vs_minimal")
        bench.figure("redraw.miss.server_cpu", server_cpu, "ms", n=moves)
        bench.figure("redraw.miss.client_cpu", client_cpu, "ms", n=moves)
        print(f"      CPU per move (cache miss): server {server_cpu:.0f} ms, chromium + driver {client_cpu:.0f} ms")
        _report_moves(bench, "hit", "seen values (cache hit)", hits, None)
    finally:
        context.close()
    print()
    return {"median": statistics.median(m["redraw"] for m in misses), "server_cpu": server_cpu}


def main() -> None:
    bench = Bench("bench_browser", __doc__)
    bench.option("--no-what-if", action="store_true", help="skip the run against a server with a file watcher")
    bench.run(measure)


def measure(bench: Bench, args) -> None:
    from playwright.sync_api import sync_playwright

    args.moves = max(1, min(args.moves, 36))  # Home=0, then 3 warm-up moves: 36 more stay within 0..20,000
    print(f"machine: {os.cpu_count()} cores; chromium {h.CHROMIUM} headless; {load_avg()} at start")
    print()
    with sync_playwright() as playwright:
        browser = h.launch_chromium(playwright)
        print(f"browser: chromium {browser.version}")
        try:
            with h.streamlit_server() as server:
                print(f"server pid {server.pid} at {server.url} (configuration as shipped)")
                print()
                shipped_page = first_page_section(bench, browser, server.url, args.pages)
                redraw_section(bench, browser, server, args.moves)
            if not args.no_what_if:
                with h.streamlit_server(("--server.fileWatcherType", "auto")) as server:
                    print("what-if: the same server with Streamlit's default file watcher on")
                    watched = first_page_section(bench, browser, server.url, args.pages, prefix="what_if.first_page")
                bench.figure("what_if.watched_over_shipped", watched / shipped_page, "x", n=args.pages)
                print(
                    f"what-if summary: first page median {shipped_page:.0f} ms without the watcher, "
                    f"{watched:.0f} ms with it"
                )
        finally:
            browser.close()


if __name__ == "__main__":
    main()
