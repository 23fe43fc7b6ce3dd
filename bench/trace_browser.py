"""When the browser's main thread is busy after a slider move: chromium's trace of the renderer, task by task.

profile_browser says which scripts take the time; this says when, and what each task holds. Starts the minimal
page (bench/minimal_page.py) and then the dashboard, one at a time; on each, after the page is drawn and a few
warm-up moves, records a DevTools trace (devtools.timeline) over N cache-missing troops-slider moves, and for every
move lists the renderer main thread's tasks of at least 3 ms from the keydown on: when each started, how long it
ran, and the trace events that took most of it (React's work shows as FunctionCall react-dom, a chart's width
measurement as useResizeObserver, style and layout as UpdateLayoutTree and Layout).

Run: python bench/trace_browser.py [--moves 2] [--json PATH]
Prints what it measured; nothing is asserted. The browser shares the 2 cores with the server, as on a laptop.
"""

from __future__ import annotations

import collections
import statistics
from pathlib import Path

import dashboard_harness as h
from common import Bench, load_avg

QUIET_MS = 800
# A move's tasks: from its keydown until this long after it (the next move starts after QUIET_MS of quiet).
WINDOW_US = 900_000
SHOWN_TASK_US = 3_000
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "toplevel"]
# Wrappers that hold other events: counting them would count their contents twice.
WRAPPERS = {"RunTask", "ThreadControllerImpl::RunTask", "v8.run", "V8.Execute", "v8.callFunction", "RunMicrotasks"}


def _trace_moves(browser, server, moves: int) -> list[dict]:
    """The trace events of `moves` cache-missing moves on a loaded page (as chromium reports them)."""
    context = h.new_context(browser)
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        slider = h.open_drawn(page, server.url)
        h.warm_up(page, slider, 3, QUIET_MS)
        cdp = context.new_cdp_session(page)
        events: list[dict] = []
        finished: list[bool] = []
        cdp.on("Tracing.dataCollected", lambda message: events.extend(message["value"]))
        cdp.on("Tracing.tracingComplete", lambda _: finished.append(True))
        cdp.send("Tracing.start", {"traceConfig": {"includedCategories": CATEGORIES}, "transferMode": "ReportEvents"})
        page.wait_for_timeout(300)
        for _ in range(moves):
            h.redraw_after(page, lambda: slider.press("ArrowRight"))
            page.wait_for_timeout(QUIET_MS)
        cdp.send("Tracing.end")
        while not finished:
            page.wait_for_timeout(100)
    finally:
        context.close()
    return events


def _renderer_main(events: list[dict]) -> list[dict]:
    """The complete ('X') events of the busiest renderer main thread (the page's)."""
    names = {
        (e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("ph") == "M" and e["name"] == "thread_name"
    }
    counts = collections.Counter(
        (e["pid"], e["tid"]) for e in events if names.get((e["pid"], e["tid"])) == "CrRendererMain"
    )
    thread = counts.most_common(1)[0][0]
    return [e for e in events if (e["pid"], e["tid"]) == thread and e.get("ph") == "X" and "dur" in e]


def _kind(event: dict) -> str:
    data = event.get("args", {}).get("data", {})
    if event["name"] == "FunctionCall":
        return f"FunctionCall {data.get('url', '').rsplit('/', 1)[-1][:30]}"
    if event["name"] == "EventDispatch":
        return f"Event {data.get('type')}"
    return event["name"]


def _moves(events: list[dict]) -> list[list[tuple[float, float, list[tuple[str, float]]]]]:
    """Per move: its tasks of at least SHOWN_TASK_US as (start ms after the keydown, ms, [(kind, ms), ...])."""
    main = _renderer_main(events)
    keydowns = sorted(
        e["ts"] for e in main if e["name"] == "EventDispatch" and e["args"].get("data", {}).get("type") == "keydown"
    )
    tasks = sorted((e for e in main if e["name"] == "RunTask"), key=lambda e: e["ts"])
    inner = sorted((e for e in main if e["name"] not in WRAPPERS), key=lambda e: e["ts"])
    out = []
    for keydown in keydowns:
        rows = []
        for task in tasks:
            if not keydown <= task["ts"] < keydown + WINDOW_US or task["dur"] < SHOWN_TASK_US:
                continue
            end = task["ts"] + task["dur"]
            kinds = collections.Counter()
            for e in inner:
                if e["ts"] >= task["ts"] and e["ts"] + e["dur"] <= end:
                    kinds[_kind(e)] += e["dur"] / 1000
            rows.append(((task["ts"] - keydown) / 1000, task["dur"] / 1000, kinds.most_common(4)))
        out.append(rows)
    return out


def main() -> None:
    bench = Bench("trace_browser", __doc__)
    bench.option("--moves", type=int, default=2, help="traced slider moves per page")
    bench.run(measure)


def measure(bench: Bench, args) -> None:
    from playwright.sync_api import sync_playwright

    print(f"chromium {h.CHROMIUM} headless; {load_avg()} at start; {args.moves} traced moves per page")
    with sync_playwright() as playwright:
        browser = h.launch_chromium(playwright)
        try:
            for name, script in (("minimal", h.MINIMAL_PAGE), ("dashboard", h.DASHBOARD)):
                with h.streamlit_server(script=Path(script)) as server:
                    h.wait_for_quiet(max_wait_s=60)
                    moves = _moves(_trace_moves(browser, server, args.moves))
                print(f"\n== {name}  [{load_avg()}]")
                busy, longest = [], []
                for n, rows in enumerate(moves):
                    print(f"  move {n + 1}: main-thread tasks of {SHOWN_TASK_US // 1000} ms or more after the keydown")
                    for start, ms, kinds in rows:
                        held = ", ".join(f"{kind} {held_ms:.0f}" for kind, held_ms in kinds)
                        print(f"    +{start:5.0f} ms  {ms:6.1f} ms  {held}")
                    busy.append(sum(ms for _, ms, _ in rows))
                    longest.append(max((ms for _, ms, _ in rows), default=0.0))
                if moves:
                    bench.figure(f"{name}.busy_per_move", statistics.median(busy), "ms", n=len(moves))
                    bench.figure(f"{name}.longest_task", statistics.median(longest), "ms", n=len(moves))
                    print(
                        f"  median per move: {statistics.median(busy):.0f} ms in these tasks, the longest"
                        f" {statistics.median(longest):.0f} ms"
                    )
        finally:
            browser.close()


if __name__ == "__main__":
    main()
