"""Load test of the dashboard: N concurrent browser sessions move sliders for a fixed time against one real
server; per-move latency, errors, server memory, and a check that every session still shows its own numbers.

Run: python bench/load_test.py [--sessions 20] [--duration 60] [--quick]   (--quick: 3 sessions, 10 s)
Prints what it measured on this machine and how; nothing is asserted. The browsers (Debian's chromium via
Playwright's async API) run on the same 2 cores as the server, so latencies include client-side contention.

Each session i opens the page through a share link with its own troops value T_i = 1,000*i, then, until the time
is up, toggles troops between T_i and T_i + 500 (every third move) or walks the combat slider up and down in
steps of 5. Before the run, the expected medians for every (troops, combat) pair a session can reach are
computed with engine.ensemble.run_ensemble (1,000 runs, seed 2024, p50 rounded to 2 decimals as the charts do),
so each move waits for the first chart to show exactly that session's numbers (then for the run's script_finished
message, read on the page's websocket, before the next key), and the end check compares
every median trace on the page with them: a state leak between sessions would show as a mismatch or timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dashboard_harness as h

TROOPS, COMBAT = "troops_deployed", "combat_engagement"
COMBAT_START, COMBAT_STEP, COMBAT_MAX = 20.0, 5.0, 100.0
TROOPS_SPACING = 1000.0
RSS_EVERY_S = 5.0
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


@dataclass
class SessionResult:
    index: int
    troops: float
    loaded_ms: float = float("nan")
    latencies: list[float] = field(default_factory=list)
    unchanged_moves: int = 0
    moves: int = 0
    errors: list[str] = field(default_factory=list)
    js_errors: int = 0
    final_ok: bool = False
    final_detail: str = "not checked"


def _expected_table(sessions: int) -> tuple[object, dict]:
    """Every (troops, combat) a session can reach -> {indicator label: medians}; computed before the server starts."""
    scenario, model = h.load_scenario_and_model()
    defaults = scenario.defaults()
    table = {}
    combats = [COMBAT_STEP * k for k in range(int(COMBAT_MAX / COMBAT_STEP) + 1)]
    for i in range(sessions):
        for troops in (TROOPS_SPACING * i, TROOPS_SPACING * i + 500):
            for combat in combats:
                values = defaults | {TROOPS: troops, COMBAT: combat}
                table[(troops, combat)] = h.expected_medians(scenario, model, values)
    return scenario, table


def _first_label(scenario) -> str:
    # The first chart is the first indicator group; its first median trace is that group's first indicator.
    group = scenario.indicators[0].group
    return next(i for i in scenario.indicators if i.group == group).label.get("en")


def expected_numbers(sessions: int) -> tuple[object, dict, str]:
    """The scenario, every reachable setting's expected medians and the first chart's label, with a report."""
    print(f"precomputing expected medians for {sessions} sessions x 2 troops values x 21 combat values ...", flush=True)
    t0 = time.perf_counter()
    scenario, table = _expected_table(sessions)
    first_label = _first_label(scenario)
    print(f"  {len(table)} ensembles in {time.perf_counter() - t0:.1f} s")
    # The leak check can only see a leak if different sessions' numbers differ: count distinct first charts.
    distinct = len({tuple(v[first_label]) for v in table.values()})
    print(
        f"  sanity: {distinct} distinct first-chart medians among {len(table)} reachable settings "
        f"(a leak from another session would show as different numbers)"
    )
    return scenario, table, first_label


def _share_url(base: str, scenario, troops: float) -> str:
    from engine.state import ViewState, encode

    params = encode(ViewState(scenario=scenario.id, values={TROOPS: troops}), scenario)
    return f"{base}/?{urlencode(params)}"


async def _final_check(page, table: dict, troops: float, combat: float) -> tuple[bool, str]:
    shown = await page.evaluate(h.MEDIANS_JS)
    expected = table[(troops, combat)]
    traces = [trace for chart in shown for trace in chart]
    if len(traces) != len(expected):
        return False, f"{len(traces)} median traces on the page, {len(expected)} indicators expected"
    wrong = [
        t["name"]
        for t in traces
        if t["name"] not in expected
        or any(abs(a - b) > 1e-9 for a, b in zip(t["y"], expected[t["name"]], strict=False))
        or len(t["y"]) != len(expected[t["name"]])
    ]
    if wrong:
        return False, f"medians differ from troops={troops:g}, combat={combat:g} for: {', '.join(wrong)}"
    return True, f"all {len(traces)} median traces match troops={troops:g}, combat={combat:g}"


async def run_session(
    index: int,
    browser,
    base_url: str,
    scenario,
    table: dict,
    first_label: str,
    loaded: asyncio.Queue,
    start: asyncio.Event,
    clock: dict,
    args,
) -> SessionResult:
    troops_low = TROOPS_SPACING * index
    result = SessionResult(index, troops_low)
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    page = await context.new_page()
    crashed = []
    page.on("crash", lambda _page: crashed.append(True))

    def on_js_error(_error) -> None:
        result.js_errors += 1

    page.on("pageerror", on_js_error)
    troops, combat, direction = troops_low, COMBAT_START, 1
    try:
        t0 = time.perf_counter()
        try:
            await page.goto(
                _share_url(base_url, scenario, troops_low),
                wait_until="domcontentloaded",
                timeout=args.load_timeout * 1000,
            )
            ready = await (
                await page.wait_for_function(
                    SHOWS_JS, arg=table[(troops, combat)][first_label], timeout=args.load_timeout * 1000, polling=100
                )
            ).json_value()
            if ready == -1:
                result.errors.append("exception shown on first load")
            await page.wait_for_function(h.IDLE_JS, timeout=args.load_timeout * 1000, polling=100)
            await page.evaluate(HOOKS_JS, FINISHED_FIELD)
            result.loaded_ms = (time.perf_counter() - t0) * 1000
        except Exception as err:
            result.errors.append(f"load: {type(err).__name__}: {str(err).splitlines()[0][:120]}")
        await loaded.put(index)
        await start.wait()
        if result.errors:
            return result
        sidebar = page.locator('[data-testid="stSidebar"]')
        sliders = {TROOPS: sidebar.get_by_role("slider").nth(0), COMBAT: sidebar.get_by_role("slider").nth(1)}
        timeout_ms = args.move_timeout * 1000
        while time.monotonic() < clock["stop"] and not crashed:
            if result.moves % 3 == 0:
                driver = TROOPS
                key, new = ("ArrowRight", troops_low + 500) if troops == troops_low else ("ArrowLeft", troops_low)
                target = (new, combat)
            else:
                driver = COMBAT
                if not 0 <= combat + direction * COMBAT_STEP <= COMBAT_MAX:
                    direction = -direction
                new = combat + direction * COMBAT_STEP
                key, target = ("ArrowRight" if direction > 0 else "ArrowLeft"), (troops, new)
            old_expected = table[(troops, combat)][first_label]
            new_expected = table[target][first_label]
            runs_before = await page.evaluate("() => window.__benchRuns")
            sent_before = await page.evaluate("() => window.__benchSent")
            result.moves += 1
            try:
                await sliders[driver].press(key, timeout=timeout_ms)
                if new_expected != old_expected:
                    seen = await (
                        await page.wait_for_function(SHOWS_JS, arg=new_expected, timeout=timeout_ms, polling=20)
                    ).json_value()
                    if seen == -1:
                        result.errors.append(f"exception shown after move {result.moves}")
                        break
                    result.latencies.append(seen - await page.evaluate("() => window.__benchKeydown"))
                else:
                    result.unchanged_moves += 1
                done = await (
                    await page.wait_for_function(RUN_DONE_JS, arg=runs_before, timeout=timeout_ms, polling=20)
                ).json_value()
                if done == -1:
                    result.errors.append(f"exception shown after move {result.moves}")
                    break
            except Exception as err:
                # Say which side stalled: a key the slider never took, or a value the page never redrew.
                with contextlib.suppress(Exception):
                    slider_now = await sliders[driver].input_value(timeout=2000)
                    runs_now = await page.evaluate("() => window.__benchRuns")
                    sent_now = await page.evaluate("() => window.__benchSent")
                    err = RuntimeError(
                        f"{type(err).__name__} ({driver} slider shows {slider_now}, expected {new:g}; since the key "
                        f"the page sent {sent_now - sent_before} websocket messages and saw "
                        f"{runs_now - runs_before} script runs finished)"
                    )
                result.errors.append(f"move {result.moves}: {str(err).splitlines()[0][:200]}")
                if not crashed:  # let the page catch up (bounded) so the final check can still run
                    with contextlib.suppress(Exception):  # still stuck: the final check will say so
                        await page.wait_for_function(RUN_DONE_JS, arg=runs_before, timeout=timeout_ms, polling=100)
                break
            troops, combat = target
            shown = float(await sliders[driver].input_value())
            if shown != (troops if driver == TROOPS else combat):
                result.errors.append(f"move {result.moves}: slider shows {shown:g}, expected {target}")
                break
        if crashed:
            result.errors.append("page crashed")
        else:
            # Compare with the values the session's own sliders show (after an error these may differ from
            # what the session meant to set; they must still be one of its own settings).
            await page.wait_for_function(h.IDLE_JS, timeout=timeout_ms, polling=100)
            shown = (float(await sliders[TROOPS].input_value()), float(await sliders[COMBAT].input_value()))
            if shown != (troops, combat):
                result.final_detail = f"sliders show {shown}, the session last set {(troops, combat)}"
            if shown[0] not in (troops_low, troops_low + 500) or shown not in table:
                result.final_ok = False
                result.final_detail = f"sliders show {shown}: not a setting of this session"
            else:
                result.final_ok, detail = await _final_check(page, table, *shown)
                result.final_detail = detail if shown == (troops, combat) else f"{result.final_detail}; {detail}"
            if not result.final_ok:
                result.errors.append("final check: " + result.final_detail)
    except Exception as err:
        result.errors.append(f"{type(err).__name__}: {str(err).splitlines()[0][:160]}")
    finally:
        with contextlib.suppress(Exception):  # a crashed page's context may already be gone
            await context.close()
    return result


async def sample_rss(pid: int, samples: list[tuple[float, int, float]], stop: asyncio.Event) -> None:
    start = time.monotonic()
    while not stop.is_set():
        samples.append((time.monotonic() - start, h.rss_kib(pid), os.getloadavg()[0]))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=RSS_EVERY_S)


async def run(args) -> None:
    from playwright.async_api import async_playwright

    scenario, table, first_label = expected_numbers(args.sessions)
    h.wait_for_quiet(0.5, max_wait_s=args.wait_quiet)
    print(f"starting server and {args.browsers} browser(s)  [{h.load_avg()}]", flush=True)
    with h.streamlit_server() as server:
        async with async_playwright() as playwright:
            browsers = [await h.launch_chromium(playwright) for _ in range(args.browsers)]
            rss: list[tuple[float, int, float]] = []
            stop_sampling = asyncio.Event()
            sampler = asyncio.create_task(sample_rss(server.pid, rss, stop_sampling))
            idle_rss = h.rss_kib(server.pid)
            loaded: asyncio.Queue = asyncio.Queue()
            start = asyncio.Event()
            clock = {"stop": float("inf")}
            tasks = [
                asyncio.create_task(
                    run_session(
                        i,
                        browsers[i % len(browsers)],
                        server.url,
                        scenario,
                        table,
                        first_label,
                        loaded,
                        start,
                        clock,
                        args,
                    )
                )
                for i in range(args.sessions)
            ]
            t_load = time.monotonic()
            for _ in range(args.sessions):
                await asyncio.wait_for(loaded.get(), timeout=args.load_timeout + 60)
            load_s = time.monotonic() - t_load
            loaded_rss = h.rss_kib(server.pid)
            cpu0, wall0 = h.cpu_seconds(server.pid), time.monotonic()
            print(
                f"all {args.sessions} sessions loaded in {load_s:.1f} s; moving sliders for {args.duration:g} s  "
                f"[{h.load_avg()}]",
                flush=True,
            )
            clock["stop"] = time.monotonic() + args.duration
            start.set()
            results = await asyncio.wait_for(
                asyncio.gather(*tasks), timeout=args.duration + 2 * args.move_timeout + 120
            )
            wall = time.monotonic() - wall0
            cpu = h.cpu_seconds(server.pid) - cpu0
            stop_sampling.set()
            await sampler
            end_rss = h.rss_kib(server.pid)
            for browser in browsers:
                await browser.close()
    _report(args, results, rss, idle_rss, loaded_rss, end_rss, load_s, wall, cpu)


def _report(args, results, rss, idle_rss, loaded_rss, end_rss, load_s, wall, cpu) -> None:
    latencies = [x for r in results for x in r.latencies]
    errors = [(r.index, e) for r in results for e in r.errors]
    moves = sum(r.moves for r in results)
    print()
    print(
        f"== load test: {args.sessions} sessions x {args.duration:g} s, {args.browsers} chromium process(es), "
        f"one server =="
    )
    print(
        f"  moves: {moves} in {wall:.0f} s ({moves / wall:.1f}/s over all sessions); "
        f"{sum(r.unchanged_moves for r in results)} did not change the first chart (not timed)"
    )
    if latencies:
        print(
            f"  latency key press -> first chart shows the session's new numbers (in-page): "
            f"p50 {h.percentile(latencies, 50):.0f} ms  p90 {h.percentile(latencies, 90):.0f} ms  "
            f"p99 {h.percentile(latencies, 99):.0f} ms  max {max(latencies):.0f} ms  (n={len(latencies)})"
        )
    print(
        f"  errors: {len(errors)}  (exceptions on the page, timeouts, crashes, wrong slider values, final mismatches)"
    )
    for index, error in errors[:20]:
        print(f"    session {index}: {error}")
    print(f"  JavaScript page errors (informational): {sum(r.js_errors for r in results)}")
    ok = sum(r.final_ok for r in results)
    print(f"  own numbers at the end: {ok} of {len(results)} sessions match their own slider values")
    print(f"  server CPU: {cpu:.1f} s in {wall:.0f} s = {cpu / wall * 100:.0f}% of one core (GIL-bound process)")
    print(
        f"  server RSS: idle {h.mib(idle_rss)}, all sessions loaded {h.mib(loaded_rss)} "
        f"(loading took {load_s:.1f} s), max {h.mib(max(s[1] for s in rss))}, at the end {h.mib(end_rss)}"
    )
    series = "  ".join(f"{t:.0f}s:{kib / 1024:.0f}" for t, kib, _ in rss)
    print(f"  RSS every {RSS_EVERY_S:g} s (MiB): {series}")
    print(f"  1-min load average during the run: {min(s[2] for s in rss):.2f} .. {max(s[2] for s in rss):.2f}")
    print("  per session: moves / timed / median ms / load s / final")
    for r in results:
        med = f"{statistics.median(r.latencies):6.0f}" if r.latencies else "     -"
        print(
            f"    #{r.index:<2} troops {r.troops:>6g}: {r.moves:4d} / {len(r.latencies):4d} / {med} / "
            f"{r.loaded_ms / 1000:5.1f} / {'ok' if r.final_ok else 'FAIL: ' + r.final_detail}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20, at most 20)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of slider moves (default 60)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 sessions for 10 s")
    parser.add_argument("--browsers", type=int, default=1, help="chromium processes to spread the pages over (1-2)")
    parser.add_argument("--move-timeout", type=float, default=30.0, help="seconds one move may take (an error after)")
    parser.add_argument("--load-timeout", type=float, default=180.0, help="seconds a session may take to load")
    parser.add_argument("--wait-quiet", type=float, default=60.0, help="wait at most this long for load < 0.5")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.duration = 3, 10.0
    # Troops T_i = 1,000*i and T_i + 500 must stay within the slider's 0..20,000 and apart between sessions.
    args.sessions = max(1, min(args.sessions, 20))
    args.duration = max(1.0, min(args.duration, 600.0))
    args.browsers = max(1, min(args.browsers, 2))
    print(f"machine: {os.cpu_count()} cores; {h.load_avg()} at start")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
