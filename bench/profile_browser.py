"""Where the browser's time goes on a slider move: chromium's JavaScript sampled, by script file and function.

Starts the minimal page (bench/minimal_page.py) and then the dashboard, one at a time; on each, after the page
is drawn and a few warm-up moves, samples the renderer with the DevTools Protocol's Profiler during N cache-
missing troops-slider moves (each waited for until the first chart's data changed, then 800 ms of quiet) and
sums the samples' self time per move by script file (Streamlit's code-split chunks name the component: the
PlotlyChart chunk is Plotly, react-dom is React's rendering, emotion/styled-components are the element styles)
and by function.

Run: python bench/profile_browser.py [--moves 6] [--json PATH]
Prints what it measured; nothing is asserted. The browser shares the 2 cores with the server, as on a laptop.
"""

from __future__ import annotations

import collections
from pathlib import Path

import dashboard_harness as h
from bench_browser import _new_context
from common import Bench, load_avg

QUIET_MS = 800
TOP = 20


def _sample_moves(browser, server, moves: int) -> tuple[collections.Counter, collections.Counter]:
    """Self time per move (ms) by script file and by (file, function), over `moves` cache-missing moves."""
    context = _new_context(browser)
    try:
        page = context.new_page()
        slider = h.open_drawn(page, server.url)
        h.warm_up(page, slider, 2, QUIET_MS)
        cdp = context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})  # microseconds
        cdp.send("Profiler.start")
        for _ in range(moves):
            h.redraw_after(page, lambda: slider.press("ArrowRight"))
            page.wait_for_timeout(QUIET_MS)
        profile = cdp.send("Profiler.stop")["profile"]
    finally:
        context.close()
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    by_file, by_function = collections.Counter(), collections.Counter()
    # timeDeltas[i] is the time before sample i: sample i lasted until sample i + 1.
    durations = [*profile["timeDeltas"][1:], 0]
    for sample, micros in zip(profile["samples"], durations, strict=True):
        frame = nodes[sample]
        where = frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(native)"
        by_file[where] += micros / 1000 / moves
        by_function[(where, frame["functionName"] or "(anonymous)")] += micros / 1000 / moves
    return by_file, by_function


def main() -> None:
    bench = Bench("profile_browser", __doc__)
    bench.option("--moves", type=int, default=6, help="sampled slider moves per page")
    bench.run(measure)


def measure(bench: Bench, args) -> None:
    from playwright.sync_api import sync_playwright

    print(f"chromium {h.CHROMIUM} headless; {load_avg()} at start; {args.moves} sampled moves per page")
    results = {}
    with sync_playwright() as playwright:
        browser = h.launch_chromium(playwright)
        try:
            for name, script in (("minimal", h.MINIMAL_PAGE), ("dashboard", h.DASHBOARD)):
                with h.streamlit_server(script=Path(script)) as server:
                    h.wait_for_quiet(max_wait_s=60)
                    results[name] = _sample_moves(browser, server, args.moves)
                print(f"  {name} sampled  [{load_avg()}]")
        finally:
            browser.close()
    (minimal_files, minimal_functions), (dash_files, dash_functions) = results["minimal"], results["dashboard"]
    busy = {name: sum(ms for where, ms in files.items() if where != "(idle)") for name, (files, _) in results.items()}
    for name, ms in busy.items():
        bench.figure(f"{name}.busy_per_move", ms, "ms", n=args.moves)
    print()
    print(f"renderer self time per move (ms), by script; the {QUIET_MS} ms waits after each move are '(idle)':")
    print(f"  {'script':48} {'minimal':>9} {'dashboard':>10} {'extra':>8}")
    a, b = busy["minimal"], busy["dashboard"]
    print(f"  {'all but (idle)':48} {a:9.1f} {b:10.1f} {b - a:8.1f}")
    for where in sorted(set(minimal_files) | set(dash_files), key=lambda w: -dash_files.get(w, 0.0))[:TOP]:
        a, b = minimal_files.get(where, 0.0), dash_files.get(where, 0.0)
        print(f"  {where[:48]:48} {a:9.1f} {b:10.1f} {b - a:8.1f}")
    print()
    print("functions with the largest extra time on the dashboard (ms per move):")
    extra = {key: dash_functions.get(key, 0.0) - minimal_functions.get(key, 0.0) for key in dash_functions}
    for (where, function), ms in sorted(extra.items(), key=lambda item: -item[1])[:TOP]:
        print(
            f"  {where[:34] + ':' + function[:30]:66} {minimal_functions.get((where, function), 0.0):7.1f} "
            f"{dash_functions[(where, function)]:7.1f} {ms:7.1f}"
        )


if __name__ == "__main__":
    main()
