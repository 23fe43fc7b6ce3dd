"""Server-side benchmark of the dashboard: rerun time after a slider move (AppTest), where that time goes
(cProfile of one cache-missing rerun), and the memory of a real `streamlit run` server per open session
and over many reruns.

Run: python bench/bench_app.py [--moves 20] [--sessions 10] [--reruns 500] [--skip-apptest] [--skip-memory]
Prints what it measured on this machine and how; nothing is asserted and nothing here is part of the test suite.
Every figure carries the 1/5/15-minute load average at the time it was taken (2-core machine: figures taken
above ~0.5 are disturbed by other work).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dashboard_harness as h
from timing import timed

RERUN_TARGET_MS = 80.0
SESSION_TARGET_MIB = 30.0
GROWTH_TARGET_PCT = 10.0

# --- AppTest: the script-thread time of every run, and an optional profiler inside that thread ---------------

_script_times: list[float] = []
_profiler: dict[str, cProfile.Profile | None] = {"current": None}


def _instrument_script_runner() -> None:
    """Time ScriptRunner._run_script (the script body plus Streamlit's per-run bookkeeping, in the script
    thread), and let a cProfile.Profile run inside that thread: AppTest runs the script on a thread of its
    own, so a profiler in the main thread would only see it waiting."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script

    def timed(self, rerun_data):
        profiler = _profiler["current"]
        start = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        try:
            return original(self, rerun_data)
        finally:
            if profiler is not None:
                profiler.disable()
            _script_times.append((time.perf_counter() - start) * 1000)

    script_runner.ScriptRunner._run_script = timed


def _timed_run(at) -> tuple[float, float]:
    """(at.run() wall ms, script-thread ms) of one rerun; raises if the page shows an exception."""
    before = len(_script_times)
    start = time.perf_counter()
    at.run()
    total = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f"the page shows an exception: {at.exception[0].value}")
    return total, sum(_script_times[before:])


def _stats(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples):7.1f} ms  p90 {h.percentile(samples, 90):7.1f} ms  "
        f"min {min(samples):7.1f}  max {max(samples):7.1f}  (n={len(samples)})"
    )


def _component_breakdown(repeat: int = 15) -> None:
    """The cache-missing path's parts, timed outside Streamlit (no profiler overhead)."""
    import plotly.io
    import plotly.tools

    from components.panels import projection_figures
    from engine.ensemble import run_ensemble

    scenario, model = h.load_scenario_and_model()
    values = scenario.defaults()

    def med(fn) -> float:
        return statistics.median(timed(fn, repeat))

    bands = run_ensemble(scenario, values, runs=1000, seed=2024, model=model).bands
    figures = [fig for _, fig in projection_figures(scenario, bands, "en")]
    t_engine = med(lambda: run_ensemble(scenario, values, runs=1000, seed=2024, model=model))
    t_build = med(lambda: projection_figures(scenario, bands, "en"))
    # What st.plotly_chart does with each figure before it can be sent (streamlit/elements/plotly_chart.py):
    t_validate = med(lambda: [plotly.tools.return_figure_from_figure_or_data(f, validate_figure=True) for f in figures])
    t_json = med(lambda: [plotly.io.to_json(f, validate=False) for f in figures])
    spec_kib = sum(len(plotly.io.to_json(f, validate=False)) for f in figures) / 1024
    print(f"  parts of a cache-missing rerun, timed alone (median of {repeat}, no profiler)  [{h.load_avg()}]:")
    print(f"    engine run_ensemble, 1,000 runs                          {t_engine:7.1f} ms")
    print(f"    build the 3 projection figures (panels.projection_figures) {t_build:5.1f} ms")
    print(f"    st.plotly_chart: re-validate 3 figures (go.Figure(**dict)) {t_validate:5.1f} ms")
    print(
        f"    st.plotly_chart: plotly.io.to_json of 3 figures           {t_json:6.1f} ms  ({spec_kib:.0f} KiB of JSON)"
    )


def _print_direct_calls(stats: pstats.Stats) -> None:
    """Cumulative time of every call made directly by dashboard.py's module body: a per-line view of the page."""
    rows = []
    for (filename, line, name), (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        for (caller_file, _caller_line, caller_name), (_c, calls, _t, ct) in callers.items():
            if caller_file.endswith("dashboard.py") and caller_name == "<module>":
                where = h.short_path(filename)
                rows.append((ct * 1000, calls, f"{name} ({Path(where).name}:{line})"))
    rows.sort(reverse=True)
    print("  calls made directly by dashboard.py, by cumulative time (profiled):")
    for ms, calls, label in rows[:14]:
        print(f"    {ms:8.1f} ms  {calls:3d}x  {label}")


def _print_profile(profiler: cProfile.Profile, wall_ms: float, full: bool = True) -> None:
    stats = pstats.Stats(profiler)
    total = stats.total_tt * 1000
    # Cumulative time of the functions that tell engine, figures and Streamlit apart.
    wanted = {
        ("ensemble.py", "run_ensemble"): "engine: run_ensemble (cache miss)",
        ("data.py", "projection"): "components.data.projection (cached wrapper, hit or miss)",
        ("sidebar.py", "render_sidebar"): "components.sidebar.render_sidebar (widgets)",
        ("panels.py", "question_cards"): "components.panels.question_cards",
        ("panels.py", "projection_figures"): "plotly: build 3 figures (panels.projection_figures)",
        ("panels.py", "projection_charts"): "panels.projection_charts (build + st.plotly_chart)",
        ("plotly_chart.py", "plotly_chart"): "streamlit: st.plotly_chart (validate + to_json + id)",
        ("tools.py", "return_figure_from_figure_or_data"): "  of which plotly re-validation of the figure",
        ("_json.py", "to_json"): "  of which plotly.io.to_json",
        ("share.py", "sync_link"): "components.share.sync_link",
        ("share.py", "restore_from_link"): "components.share.restore_from_link",
        ("data.py", "catalog"): "components.data.catalog (folder fingerprint)",
    }
    found: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        for (file_part, func), label in wanted.items():
            if name == func and filename.endswith(file_part):
                found[label] = max(found.get(label, 0.0), ct * 1000)
    print(f"  profiled rerun: {wall_ms:.1f} ms wall with cProfile on (profiler overhead inflates Python-heavy code);")
    print(f"  {total:.1f} ms of profiled time in the script thread. Cumulative time of the parts that matter:")
    for label in wanted.values():
        if label in found:
            print(f"    {found[label]:8.1f} ms  {label}")
    _print_direct_calls(stats)
    if not full:
        return
    h.print_top(profiler, "script thread (cProfile)", 35)
    h.print_top(profiler, "script thread (cProfile)", 15, sort="tottime")


def apptest_section(moves: int) -> None:
    from streamlit.testing.v1 import AppTest

    print("== rerun after a slider move (streamlit.testing.v1.AppTest, same process) ==")
    print(
        "method: AppTest.from_file(dashboard.py); after warm-up, set the troops slider to a value not used before\n"
        "(500*k: the projection cache misses, as a real slider move does) and time at.run(); 'script' is the time\n"
        "the script thread spent in ScriptRunner._run_script (what a real server pays per rerun), at.run() adds\n"
        "AppTest's own parsing of the messages. 'hit' = the same values again (st.cache_data hit)."
    )
    _instrument_script_runner()
    at = AppTest.from_file(str(h.DASHBOARD), default_timeout=60)
    start = time.perf_counter()
    at.run()
    print(
        f"  first run (imports, scenario load, cold caches): {(time.perf_counter() - start) * 1000:.0f} ms"
        f"  [{h.load_avg()}]"
    )
    slider = lambda: at.slider(key=h.TROOPS_KEY)  # noqa: E731
    for value in (19500, 19000, 18500):  # warm-up: first misses pay lazy imports and allocations
        slider().set_value(value)
        _timed_run(at)

    h.wait_for_quiet(0.5, max_wait_s=90)
    values = [500 * k for k in range(1, moves + 1)]  # 500 .. 10,000: none seen before
    miss_total, miss_script = [], []
    load_start = h.load_avg()
    for value in values:
        slider().set_value(value)
        total, script = _timed_run(at)
        miss_total.append(total)
        miss_script.append(script)
    hit_total, hit_script = [], []
    for value in values:  # the same values again: cache hits
        slider().set_value(value)
        total, script = _timed_run(at)
        hit_total.append(total)
        hit_script.append(script)
    load_end = h.load_avg()
    verdict = "met" if statistics.median(miss_total) < RERUN_TARGET_MS else "MISSED"
    print(f"  [{load_start} at start, {load_end} at end]")
    print(f"  cache miss, at.run():  {_stats(miss_total)}   target < {RERUN_TARGET_MS:g} ms: {verdict}")
    print(f"  cache miss, script:    {_stats(miss_script)}")
    print(f"  cache hit,  at.run():  {_stats(hit_total)}")
    print(f"  cache hit,  script:    {_stats(hit_script)}")
    print()
    _component_breakdown()
    print()

    print("== profile of one cache-missing rerun (cProfile inside the script thread) ==")
    h.wait_for_quiet(0.5, max_wait_s=30, quiet=True)
    slider().set_value(10500)
    _profiler["current"] = profiler = cProfile.Profile()
    try:
        total, _script = _timed_run(at)
    finally:
        _profiler["current"] = None
    print(f"  [{h.load_avg()}]")
    _print_profile(profiler, total)
    print()

    print("== profile of one cache-hitting rerun (values seen before; cProfile inside the script thread) ==")
    slider().set_value(500)
    _profiler["current"] = profiler = cProfile.Profile()
    try:
        total, _script = _timed_run(at)
    finally:
        _profiler["current"] = None
    print(f"  [{h.load_avg()}]")
    _print_profile(profiler, total, full=False)
    print()


# --- real server memory ---------------------------------------------------------------------------------------


def _open_session(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return context, page


def _wait_loaded(page) -> None:
    result = page.wait_for_function(h.CHARTS_READY_JS, arg=3, timeout=60_000, polling=100).json_value()
    if result == -1:
        raise RuntimeError("the page shows an exception: " + " / ".join(page.locator(h.EXCEPTION).all_inner_texts()))
    page.wait_for_function(h.IDLE_JS, timeout=60_000, polling=100)


def memory_section(sessions: int, reruns: int, max_rerun_s: float) -> None:
    from playwright.sync_api import sync_playwright

    print("== memory of a real server (streamlit run dashboard.py, VmRSS from /proc/<pid>/status) ==")
    print(
        "method: server on a free 127.0.0.1 port with a temporary SCENARIO_DATA_DIR; Playwright drives Debian's\n"
        "chromium, one browser context per session, every page loaded until its 3 charts have _fullData and the\n"
        "script is idle; RSS is the median of 3 samples taken 2 s after the last page settled."
    )
    with h.streamlit_server() as server, sync_playwright() as playwright:
        browser = h.launch_chromium(playwright)
        contexts = []
        try:
            idle = h.settled_rss(server.pid, wait_s=1.0)
            print(f"  idle after start:             {h.mib(idle):>10}  [{h.load_avg()}]")
            context, page = _open_session(browser, server.url)
            contexts.append(context)
            _wait_loaded(page)
            one = h.settled_rss(server.pid)
            print(f"  1 session loaded:             {h.mib(one):>10}  [{h.load_avg()}]")
            pages = [page]
            for _ in range(sessions - 1):
                context, other = _open_session(browser, server.url)
                contexts.append(context)
                pages.append(other)
            for other in pages[1:]:
                _wait_loaded(other)
            many = h.settled_rss(server.pid, wait_s=3.0)
            per = (many - one) / (sessions - 1)
            verdict = "met" if per / 1024 < SESSION_TARGET_MIB else "MISSED"
            print(f"  {sessions} sessions open at once:    {h.mib(many):>10}  [{h.load_avg()}]")
            print(
                f"  per-session growth (RSS{sessions} - RSS1)/{sessions - 1}: {h.mib(per)}"
                f"   target < {SESSION_TARGET_MIB:g} MiB: {verdict}"
            )
            print()
            _rerun_memory(server, pages[0], reruns, max_rerun_s)
            for context in contexts[1:]:
                context.close()
            closed = h.settled_rss(server.pid, wait_s=5.0)
            print(f"  after closing {sessions - 1} of the sessions (5 s later): {h.mib(closed)}  [{h.load_avg()}]")
            print("  (Streamlit keeps a disconnected session's state for a while, so memory may be released later)")
        finally:
            for context in contexts:
                with contextlib.suppress(Exception):  # already closed
                    context.close()
            browser.close()
    print()


def _one_rerun(page, key: str) -> float:
    """Press `key` on the focused slider and wait until the first chart's median changed and the script is
    idle; return the in-page ms from keydown to the changed data."""
    page.evaluate(h.REMEMBER_JS)
    page.keyboard.press(key)
    seen = page.wait_for_function(h.CHANGED_JS, timeout=20_000, polling=20).json_value()
    page.wait_for_function(h.IDLE_JS, timeout=20_000, polling=20)
    return seen - page.evaluate("() => window.__benchKeydown")


def _rerun_memory(server, page, reruns: int, max_rerun_s: float) -> None:
    print(
        f"== RSS over {reruns} reruns in one session (the other sessions stay open) ==\n"
        "method: focus the first sidebar slider (troops), press ArrowRight/ArrowLeft alternately, after each key wait\n"
        "until the first chart's median data changed and the app's script state is 'notRunning'; 20 warm-up reruns\n"
        f"first; stops after {max_rerun_s:.0f} s at the latest."
    )
    page.evaluate(h.KEYDOWN_HOOK_JS)
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
    slider.focus()
    keys = ("ArrowRight", "ArrowLeft")
    for n in range(20):
        _one_rerun(page, keys[n % 2])
    before = h.settled_rss(server.pid)
    print(f"  after 20 warm-up reruns:      {h.mib(before):>10}  [{h.load_avg()}]")
    deadline = time.monotonic() + max_rerun_s
    latencies, done = [], 0
    start = time.monotonic()
    for n in range(reruns):
        if time.monotonic() > deadline:
            print(f"  stopped at the time limit after {n} reruns")
            break
        latencies.append(_one_rerun(page, keys[n % 2]))
        done = n + 1
        if done % 100 == 0:
            print(f"    after {done:>4} reruns: {h.mib(h.rss_kib(server.pid)):>10}  [{h.load_avg()}]", flush=True)
    elapsed = time.monotonic() - start
    after = h.settled_rss(server.pid)
    growth = (after - before) / before * 100
    verdict = "met" if growth <= GROWTH_TARGET_PCT else "MISSED"
    print(f"  after {done} reruns:           {h.mib(after):>10}  [{h.load_avg()}]")
    print(
        f"  growth after warm-up: {h.mib(after - before)} = {growth:+.1f}%"
        f"   target <= {GROWTH_TARGET_PCT:g}%: {verdict}"
    )
    if latencies:
        print(
            f"  (side result: {done} reruns in {elapsed:.0f} s; keydown -> changed chart data, in-page, values"
            " alternating"
            f" 12,000/12,500 = cache hits after the first: median {statistics.median(latencies):.0f} ms,"
            f" p90 {h.percentile(latencies, 90):.0f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20, help="slider moves timed with AppTest (default 20)")
    parser.add_argument("--sessions", type=int, default=10, help="browser sessions open at once (default 10)")
    parser.add_argument("--reruns", type=int, default=500, help="reruns in one session for the RSS drift (default 500)")
    parser.add_argument("--max-rerun-seconds", type=float, default=420.0, help="time limit of the rerun loop")
    parser.add_argument("--skip-apptest", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    args.moves = max(1, min(args.moves, 20))  # 500*k for k <= 20 keeps every value new and within the slider
    args.sessions = max(2, args.sessions)

    import platform

    import plotly
    import streamlit

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"streamlit {streamlit.__version__}, plotly {plotly.__version__}; {h.load_avg()} at start"
    )
    # The page opens the scenario store: keep it in a temporary folder, never the working tree's data/.
    os.environ["SCENARIO_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-apptest-")
    os.environ.pop("SCENARIO_DATABASE_URL", None)
    print()
    if not args.skip_apptest:
        apptest_section(args.moves)
    if not args.skip_memory:
        h.wait_for_quiet(0.5, max_wait_s=60)
        memory_section(args.sessions, args.reruns, args.max_rerun_seconds)
    print(f"threads alive at exit: {threading.active_count()}")


if __name__ == "__main__":
    main()
