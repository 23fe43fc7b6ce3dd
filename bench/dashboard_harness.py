"""What the benches that drive the real dashboard share: its server, chromium, /proc figures and chart probes.

The server is started by tests/e2e/server.py, as the browser tests start it; Debian's chromium is launched with the
same arguments; server memory and CPU come from /proc; the JavaScript snippets read the Plotly charts. Not a
benchmark itself; bench_app.py, bench_browser.py, profile_server.py and the load test import it.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from common import QUIET_LOAD, ROOT, load_avg

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, RunningServer, running_server
from tests.e2e.server import DASHBOARD as DASHBOARD  # for bench_app's AppTest

TROOPS_KEY = "drv:dprk-russia-2024:troops_deployed"
# The baseline of the browser targets: the troops slider and the three projection charts alone.
MINIMAL_PAGE = Path(__file__).resolve().parent / "minimal_page.py"

# True (the in-page time since navigation start, ms) once at least `minimum` Plotly charts have their
# computed _fullData, or -1 as soon as the app shows an exception (fail fast instead of at the timeout).
CHARTS_READY_JS = """(minimum) => {
    if (document.querySelector('[data-testid="stException"]')) return -1;
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    const ready = plots.length >= minimum
        && plots.every(p => Array.isArray(p._fullData) && p._fullData.length > 0
                            && Array.isArray(p.data) && p.data.length > 1);
    return ready ? performance.now() : false;
}"""

# The first chart's median trace (trace 1: trace 0 is the p10-p90 band) as a JSON string.
FIRST_MEDIAN_JS = """() => {
    const plot = document.querySelectorAll('.js-plotly-plot')[0];
    return plot && plot.data && plot.data[1] ? JSON.stringify(Array.from(plot.data[1].y)) : null;
}"""
REMEMBER_JS = f"() => {{ window.__benchBefore = ({FIRST_MEDIAN_JS})(); return window.__benchBefore; }}"
# Returns the in-page time (ms) at which the change was seen, so latencies need no Python round trip.
CHANGED_JS = (
    f"() => {{ const now = ({FIRST_MEDIAN_JS})(); "
    "return (now !== null && now !== window.__benchBefore) ? performance.now() : false; }"
)
# Record the in-page time of every keydown (capture phase, before the slider handles it).
KEYDOWN_HOOK_JS = """() => {
    if (window.__benchHooked) return;
    window.__benchHooked = true;
    window.addEventListener('keydown', () => { window.__benchKeydown = performance.now(); }, true);
}"""
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    return state === 'notRunning' || state === 'compilationError';
}"""
# Every chart's median traces: [[{name, y}, ...] per chart]; a median trace is a line without fill.
MEDIANS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(p =>
    (p.data || []).filter(t => t.mode === 'lines' && !t.fill).map(t => ({name: t.name, y: Array.from(t.y)})))"""
EXCEPTION = '[data-testid="stException"]'
# Every browser context of the benches: a desktop window, and English (the page picks its language from the locale).
CONTEXT = {"viewport": {"width": 1400, "height": 900}, "locale": "en-US"}


def wait_for_quiet(threshold: float = QUIET_LOAD, max_wait_s: float = 0.0, quiet: bool = False) -> float:
    """Wait (bounded) until the 1-minute load average drops below `threshold`; return the load average."""
    deadline = time.monotonic() + max_wait_s
    while os.getloadavg()[0] >= threshold and time.monotonic() < deadline:
        if not quiet:
            print(f"  waiting for a quiet machine: {load_avg()}", flush=True)
        time.sleep(min(15.0, max(0.0, deadline - time.monotonic())))
    return os.getloadavg()[0]


def rss_kib(pid: int) -> int:
    """VmRSS of a process in KiB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants_cpu_seconds(root: int, exclude: tuple[int, ...] = ()) -> float:
    """CPU seconds used so far by every live descendant of `root` (e.g. the Playwright driver and chromium
    processes this script started), minus the subtrees rooted at `exclude` (e.g. the server)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parent[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    total = 0.0
    for pid in parent:
        node, inside = pid, False
        for _ in range(64):  # bounded walk up the tree
            if node in exclude or node <= 1:
                break
            node = parent.get(node, 0)
            if node == root:
                inside = True
                break
        if inside:
            with contextlib.suppress(OSError, IndexError, ValueError):  # the process may have just ended
                total += cpu_seconds(pid)
    return total


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def settled_rss(pid: int, wait_s: float = 2.0, samples: int = 3) -> int:
    """RSS after a short pause (background work of the last rerun finished): the median of a few samples."""
    time.sleep(wait_s)
    values = []
    for _ in range(samples):
        values.append(rss_kib(pid))
        time.sleep(0.3)
    return int(statistics.median(values))


def short_path(text: str) -> str:
    """Repository and Python installation paths shortened, for profile listings."""
    return text.replace(str(ROOT) + "/", "").replace(sys.prefix, "<py>")


def print_top(source, title: str, limit: int, sort: str = "cumulative") -> None:
    """cProfile's table of the `limit` functions first by `sort`; `source` is a Profile or a stats file."""
    out = io.StringIO()
    stats = pstats.Stats(source if isinstance(source, cProfile.Profile) else str(source), stream=out)
    print(f"  {title}: {stats.total_tt:.2f} s profiled; top {limit} by {sort} time")
    stats.sort_stats(sort).print_stats(limit)
    lines = out.getvalue().splitlines()
    begin = next((n for n, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    for line in lines[begin:]:
        if line.strip():
            print("    " + short_path(line)[:190])


class Server:
    """A running `streamlit run dashboard.py` (or of another script; pid, base url, log file)."""

    def __init__(self, running: RunningServer):
        self.process, self.url, self.log = running.process, running.url, running.log
        self._running = running

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss(self) -> int:
        return rss_kib(self.pid)

    def log_tail(self, chars: int = 3000) -> str:
        return self._running.log_tail(chars)


@contextmanager
def streamlit_server(extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None, script: Path = DASHBOARD):
    """The dashboard (or another `script`, e.g. MINIMAL_PAGE) on a free loopback port with a private
    SCENARIO_DATA_DIR, started as tests/e2e starts it; `env` is added to the environment the server starts with."""
    with (
        mock.patch.dict(os.environ, env or {}),
        running_server(extra_args, prefix="bench-streamlit-", script=script) as running,
    ):
        yield Server(running)


def launch_chromium(playwright):
    """Debian's chromium, headless (sync or async Playwright object; returns what launch() returns)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def new_context(browser):
    """A fresh browser context (its own cookies, cache and Streamlit session); sync or async as `browser` is."""
    return browser.new_context(**CONTEXT)


def open_drawn(page, url: str, charts: int = 3):
    """Open `url` and wait until its `charts` charts are drawn and the script is idle; hook the keydown times
    (KEYDOWN_HOOK_JS) and return the troops slider (the sidebar's first), not yet focused."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(CHARTS_READY_JS, arg=charts, timeout=60_000, polling=50)
    page.wait_for_function(IDLE_JS, timeout=60_000, polling=50)
    page.evaluate(KEYDOWN_HOOK_JS)
    return page.locator('[data-testid="stSidebar"]').get_by_role("slider").first


def warm_up(page, slider, moves: int, quiet_ms: int) -> None:
    """Focus the troops slider, press Home, then ArrowRight `moves` times (each a value the server has not seen),
    waiting `quiet_ms` after each: the browser side's first redraws, before anything is measured."""
    slider.focus()
    redraw_after(page, lambda: slider.press("Home"))
    for _ in range(moves):
        redraw_after(page, lambda: slider.press("ArrowRight"))
        page.wait_for_timeout(quiet_ms)


def redraw_after(page, press) -> float:
    """Call `press()` (a key on the troops slider), wait until the first chart's median data changed and the script
    is idle; return the in-page ms from the keydown to the changed data. Needs KEYDOWN_HOOK_JS on the page."""
    page.evaluate(REMEMBER_JS)
    press()
    seen = page.wait_for_function(CHANGED_JS, timeout=30_000, polling=10).json_value()
    page.wait_for_function(IDLE_JS, timeout=30_000, polling=10)
    return seen - page.evaluate("() => window.__benchKeydown")


def expected_medians(model, values: dict[str, float], runs: int = 1000, seed: int = 2024) -> dict[str, list]:
    """What the page must plot for these slider values: the ensemble's p50 per indicator, rounded to 2 decimals
    as present/charts.py does, keyed by the indicator's English label (the trace name)."""
    from engine.ensemble import run_ensemble

    bands = run_ensemble(model, values, runs=runs, seed=seed).bands
    out = {}
    for indicator in model.scenario.indicators:
        frame = bands[bands["indicator"] == indicator.id].sort_values("week")
        out[indicator.label.get("en")] = frame["p50"].round(2).tolist()
    return out
