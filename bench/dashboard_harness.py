"""Shared helpers for the dashboard benchmarks: a real Streamlit server (tests/e2e/server.py), Debian's chromium,
server memory from /proc, load averages, and the JavaScript snippets that read the Plotly charts.

Not a benchmark itself; bench_app.py, bench_browser.py and load_test.py import it. Nothing here asserts.
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

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.server import (  # noqa: E402  (needs ROOT on sys.path)
    CHROMIUM,
    CHROMIUM_ARGS,
    RunningServer,
    running_server,
)
from tests.e2e.server import DASHBOARD as DASHBOARD  # noqa: E402  (for the benches)
from tests.e2e.server import free_port as free_port  # noqa: E402
from tests.e2e.server import run_args as run_args  # noqa: E402
from tests.e2e.server import stop as stop  # noqa: E402

SCENARIO_FILE = ROOT / "scenarios" / "dprk-russia-2024.yaml"
TROOPS_KEY = "drv:dprk-russia-2024:troops_deployed"

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


def load_avg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}/{fifteen:.2f}"


def wait_for_quiet(threshold: float = 0.5, max_wait_s: float = 0.0, quiet: bool = False) -> float:
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


def percentile(samples: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


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
    """A running `streamlit run dashboard.py` (pid, base url, log file)."""

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
def streamlit_server(extra_args: tuple[str, ...] = ()):
    """The dashboard on a free loopback port with a private SCENARIO_DATA_DIR, started as tests/e2e starts it."""
    with running_server(extra_args, prefix="bench-streamlit-") as running:
        yield Server(running)


def launch_chromium(playwright):
    """Debian's chromium, headless (sync or async Playwright object; returns what launch() returns)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def load_scenario_and_model():
    from engine.loader import load_scenario
    from engine.simulation import compile_scenario

    scenario = load_scenario(SCENARIO_FILE)
    return scenario, compile_scenario(scenario)


def expected_medians(scenario, model, values: dict[str, float], runs: int = 1000, seed: int = 2024) -> dict[str, list]:
    """What the page must plot for these slider values: the ensemble's p50 per indicator, rounded to 2 decimals
    as components/charts.py does, keyed by the indicator's English label (the trace name)."""
    from engine.ensemble import run_ensemble

    bands = run_ensemble(scenario, values, runs=runs, seed=seed, model=model).bands
    out = {}
    for indicator in scenario.indicators:
        frame = bands[bands["indicator"] == indicator.id].sort_values("week")
        out[indicator.label.get("en")] = frame["p50"].round(2).tolist()
    return out
