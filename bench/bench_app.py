"""Server-side benchmark of the dashboard: rerun time after a slider move, its profile, and the server's memory.

The rerun time after a slider move (AppTest), where that time goes (cProfile of one cache-missing rerun), and the
memory of a real `streamlit run` server per open session and over many reruns.

Run: python bench/bench_app.py [--moves 20] [--sessions 10] [--reruns 500] [--skip-apptest] [--skip-memory]
     [--json PATH]
Prints what it measured on this machine and how; nothing is asserted and nothing here is part of the test suite.
Every figure carries the 1/5/15-minute load average at the time it was taken (2-core machine: figures taken
above ~0.5 are disturbed by other work).
"""

from __future__ import annotations

import contextlib
import cProfile
import os
import pstats
import statistics
import tempfile
import threading
import time
from pathlib import Path

import dashboard_harness as h
from common import Bench, load_avg, machine, percentile, seed_model, timed

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
        f"median {statistics.median(samples):7.1f} ms  p90 {percentile(samples, 90):7.1f} ms  "
        f"min {min(samples):7.1f}  max {max(samples):7.1f}  (n={len(samples)})"
    )


def _component_breakdown(bench: Bench, repeat: int = 15) -> None:
    """The cache-missing path's parts, timed outside Streamlit (no profiler overhead)."""
    import plotly.io
    import plotly.tools

    from engine.ensemble import run_ensemble
    from ui.panels import _Spec, projection_figures, projection_specs

    model = seed_model()
    scenario = model.scenario
    values = scenario.defaults()

    def med(fn) -> float:
        return statistics.median(timed(fn, repeat))

    def prepared(charts) -> list:
        # What st.plotly_chart does with each chart before it can be sent (streamlit/elements/plotly_chart.py).
        return [plotly.tools.return_figure_from_figure_or_data(c, validate_figure=True) for c in charts]

    bands = run_ensemble(model, values, runs=1000, seed=2024).bands
    specs = [_Spec(spec) for _, spec in projection_specs(scenario, bands, "en")]
    figures = [fig for _, fig in projection_figures(scenario, bands, "en")]
    parts = {
        "engine": med(lambda: run_ensemble(model, values, runs=1000, seed=2024)),
        "specs": med(lambda: projection_specs(scenario, bands, "en")),
        "prepare_specs": med(lambda: prepared(specs)),
        "to_json": med(lambda: [plotly.io.to_json(d, validate=False) for d in prepared(specs)]),
        # The way the page went before (go.Figure, which st.plotly_chart deep-copies), for comparison.
        "figures": med(lambda: projection_figures(scenario, bands, "en")),
        "prepare_figures": med(lambda: prepared(figures)),
    }
    spec_kib = sum(len(plotly.io.to_json(d, validate=False)) for d in prepared(specs)) / 1024
    for name, ms in parts.items():
        bench.figure(f"rerun_parts.{name}", ms, "ms", n=repeat)
    bench.figure("rerun_parts.spec_size", spec_kib, "KiB", n=1)
    print(f"  parts of a cache-missing rerun, timed alone (median of {repeat}, no profiler)  [{load_avg()}]:")
    print(f"    engine run_ensemble, 1,000 runs                               {parts['engine']:6.1f} ms")
    print(f"    build the 3 chart specs (panels.projection_specs)             {parts['specs']:6.1f} ms")
    print(f"    st.plotly_chart: take the 3 specs (return_figure_from_...)    {parts['prepare_specs']:6.1f} ms")
    print(
        f"    st.plotly_chart: plotly.io.to_json of the 3                   {parts['to_json']:6.1f} ms"
        f"  ({spec_kib:.0f} KiB of JSON)"
    )
    print("  the same charts as go.Figure objects, as the page sent them before:")
    print(f"    build the 3 figures (panels.projection_figures)               {parts['figures']:6.1f} ms")
    print(f"    st.plotly_chart: take the 3 figures (to_dict: a deep copy)    {parts['prepare_figures']:6.1f} ms")


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
        ("data.py", "projection"): "ui.data.projection (cached wrapper, hit or miss)",
        ("sidebar.py", "render_sidebar"): "ui.sidebar.render_sidebar (widgets)",
        ("panels.py", "question_cards"): "ui.panels.question_cards",
        ("panels.py", "projection_specs"): "build the 3 chart specs (panels.projection_specs)",
        ("panels.py", "projection_charts"): "panels.projection_charts (build + st.plotly_chart)",
        ("plotly_chart.py", "plotly_chart"): "streamlit: st.plotly_chart (validate + to_json + id)",
        ("tools.py", "return_figure_from_figure_or_data"): "  of which plotly's return_figure_from_figure_or_data",
        ("_json.py", "to_json"): "  of which plotly.io.to_json",
        ("share.py", "sync_link"): "ui.share.sync_link",
        ("session.py", "restore_from_link"): "ui.session.restore_from_link",
        ("data.py", "catalog"): "ui.data.catalog (folder fingerprint)",
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


def apptest_section(bench: Bench, moves: int) -> None:
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
    first_ms = (time.perf_counter() - start) * 1000
    bench.figure("apptest.first_run", first_ms, "ms", n=1)
    print(f"  first run (imports, scenario load, cold caches): {first_ms:.0f} ms  [{load_avg()}]")
    slider = lambda: at.slider(key=h.TROOPS_KEY)  # noqa: E731
    for value in (19500, 19000, 18500):  # warm-up: first misses pay lazy imports and allocations
        slider().set_value(value)
        _timed_run(at)

    h.wait_for_quiet(max_wait_s=90)
    values = [500 * k for k in range(1, moves + 1)]  # 500 .. 10,000: none seen before
    miss_total, miss_script = [], []
    load_start = load_avg()
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
    load_end = load_avg()
    verdict = bench.timing("apptest.miss.at_run", miss_total, target="app_rerun_ms")
    bench.figure("apptest.miss.at_run.p90", percentile(miss_total, 90), "ms", n=len(miss_total))
    bench.timing("apptest.miss.script", miss_script)
    bench.timing("apptest.hit.at_run", hit_total)
    bench.timing("apptest.hit.script", hit_script)
    print(f"  [{load_start} at start, {load_end} at end]")
    print(f"  cache miss, at.run():  {_stats(miss_total)}   {verdict}")
    print(f"  cache miss, script:    {_stats(miss_script)}")
    print(f"  cache hit,  at.run():  {_stats(hit_total)}")
    print(f"  cache hit,  script:    {_stats(hit_script)}")
    print()
    _component_breakdown(bench)
    print()

    print("== profile of one cache-missing rerun (cProfile inside the script thread) ==")
    h.wait_for_quiet(max_wait_s=30, quiet=True)
    _profiled_rerun(at, slider(), 10500, full=True)
    print("== profile of one cache-hitting rerun (values seen before; cProfile inside the script thread) ==")
    _profiled_rerun(at, slider(), 500, full=False)


def _profiled_rerun(at, slider, value: float, full: bool) -> None:
    slider.set_value(value)
    _profiler["current"] = profiler = cProfile.Profile()
    try:
        total, _script = _timed_run(at)
    finally:
        _profiler["current"] = None
    print(f"  [{load_avg()}]")
    _print_profile(profiler, total, full=full)
    print()


# --- real server memory ---------------------------------------------------------------------------------------


def _open_session(browser, url: str):
    context = h.new_context(browser)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return context, page


def _wait_loaded(page) -> None:
    result = page.wait_for_function(h.CHARTS_READY_JS, arg=3, timeout=60_000, polling=100).json_value()
    if result == -1:
        raise RuntimeError("the page shows an exception: " + " / ".join(page.locator(h.EXCEPTION).all_inner_texts()))
    page.wait_for_function(h.IDLE_JS, timeout=60_000, polling=100)


def memory_section(bench: Bench, sessions: int, reruns: int, max_rerun_s: float) -> None:
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
            bench.figure("rss.idle", idle / 1024, "MiB", n=3)
            print(f"  idle after start:             {h.mib(idle):>10}  [{load_avg()}]")
            context, page = _open_session(browser, server.url)
            contexts.append(context)
            _wait_loaded(page)
            one = h.settled_rss(server.pid)
            bench.figure("rss.one_session", one / 1024, "MiB", n=3)
            print(f"  1 session loaded:             {h.mib(one):>10}  [{load_avg()}]")
            pages = [page]
            for _ in range(sessions - 1):
                context, other = _open_session(browser, server.url)
                contexts.append(context)
                pages.append(other)
            for other in pages[1:]:
                _wait_loaded(other)
            many = h.settled_rss(server.pid, wait_s=3.0)
            per = (many - one) / (sessions - 1)
            bench.figure("rss.sessions_open", many / 1024, "MiB", n=3)
            verdict = bench.figure("rss.per_further_session", per / 1024, "MiB", n=sessions - 1, target="session_mib")
            print(f"  {sessions} sessions open at once:    {h.mib(many):>10}  [{load_avg()}]")
            print(f"  per-session growth (RSS{sessions} - RSS1)/{sessions - 1}: {h.mib(per)}   {verdict}")
            print()
            _rerun_memory(bench, server, pages[0], reruns, max_rerun_s)
            for context in contexts[1:]:
                context.close()
            closed = h.settled_rss(server.pid, wait_s=5.0)
            bench.figure("rss.after_closing", closed / 1024, "MiB", n=3)
            print(f"  after closing {sessions - 1} of the sessions (5 s later): {h.mib(closed)}  [{load_avg()}]")
            print("  (Streamlit keeps a disconnected session's state for a while, so memory may be released later)")
        finally:
            for context in contexts:
                with contextlib.suppress(Exception):  # already closed
                    context.close()
            browser.close()
    print()


def _rerun_memory(bench: Bench, server, page, reruns: int, max_rerun_s: float) -> None:
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

    def rerun(n: int) -> float:
        return h.redraw_after(page, lambda: page.keyboard.press(keys[n % 2]))

    for n in range(20):
        rerun(n)
    before = h.settled_rss(server.pid)
    print(f"  after 20 warm-up reruns:      {h.mib(before):>10}  [{load_avg()}]")
    deadline = time.monotonic() + max_rerun_s
    latencies, done = [], 0
    start = time.monotonic()
    for n in range(reruns):
        if time.monotonic() > deadline:
            print(f"  stopped at the time limit after {n} reruns")
            break
        latencies.append(rerun(n))
        done = n + 1
        if done % 100 == 0:
            print(f"    after {done:>4} reruns: {h.mib(h.rss_kib(server.pid)):>10}  [{load_avg()}]", flush=True)
    elapsed = time.monotonic() - start
    after = h.settled_rss(server.pid)
    growth = (after - before) / before * 100
    bench.figure("rss.reruns.before", before / 1024, "MiB", n=3)
    bench.figure("rss.reruns.after", after / 1024, "MiB", n=3)
    verdict = bench.figure("rss.reruns.growth", growth, "%", n=done, target="rerun_rss_drift_pct")
    print(f"  after {done} reruns:           {h.mib(after):>10}  [{load_avg()}]")
    print(f"  growth after warm-up: {h.mib(after - before)} = {growth:+.1f}%   {verdict}")
    if latencies:
        bench.timing("rss.reruns.latency", latencies)
        print(
            f"  (side result: {done} reruns in {elapsed:.0f} s; keydown -> changed chart data, in-page, values"
            " alternating"
            f" 12,000/12,500 = cache hits after the first: median {statistics.median(latencies):.0f} ms,"
            f" p90 {percentile(latencies, 90):.0f} ms)"
        )


def main() -> None:
    bench = Bench("bench_app", __doc__)
    bench.option("--skip-apptest", action="store_true")
    bench.option("--skip-memory", action="store_true")
    bench.run(measure)


def measure(bench: Bench, args) -> None:
    args.moves = max(1, min(args.moves, 20))  # 500*k for k <= 20 keeps every value new and within the slider
    args.sessions = max(2, args.sessions)
    import plotly
    import streamlit

    print(
        f"machine: {machine()}, streamlit {streamlit.__version__}, plotly {plotly.__version__}; {load_avg()} at start"
    )
    # The page opens the scenario store: keep it in a temporary folder, never the working tree's data/.
    os.environ["SCENARIO_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-apptest-")
    os.environ.pop("SCENARIO_DATABASE_URL", None)
    print()
    if not args.skip_apptest:
        apptest_section(bench, args.moves)
    if not args.skip_memory:
        h.wait_for_quiet(max_wait_s=60)
        memory_section(bench, args.sessions, args.reruns, args.max_rerun_seconds)
    print(f"threads alive at exit: {threading.active_count()}")


if __name__ == "__main__":
    main()
