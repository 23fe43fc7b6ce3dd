"""Where a real server's CPU goes per slider move: cProfile of its event-loop thread and of its script thread.

The event-loop thread does the websocket and message serialisation, the script thread the page's code; both are
profiled while a browser moves the troops slider (or opens new sessions).

Run: python bench/profile_server.py [--moves 10] [--new-sessions N] [--json PATH]
Prints what it measured and how; nothing is asserted. Complements bench_app.py, whose AppTest figures cover
the script thread only. The server is started by tests/e2e/server.py, as every bench's; the profilers come from
bench/server_hooks/sitecustomize.py, which the server imports at start-up.
"""

from __future__ import annotations

import os
import signal
import statistics
import tempfile
import time
from pathlib import Path

import dashboard_harness as h
from common import BENCH_DIR, Bench, load_avg

HOOKS = BENCH_DIR / "server_hooks"


def main() -> None:
    Bench("profile_server", __doc__).run(measure)


def _wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return path.exists()


def measure(bench: Bench, args) -> None:
    from playwright.sync_api import sync_playwright

    args.moves = max(1, min(args.moves, 30))  # Home=0, 3 warm-up moves: 30 more stay within 0..20,000
    out_dir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    path = os.pathsep.join(p for p in (str(HOOKS), os.environ.get("PYTHONPATH", "")) if p)
    env = {"BENCH_PROFILE_DIR": str(out_dir), "PYTHONPATH": path}
    with h.streamlit_server(env=env) as server, sync_playwright() as playwright:
        armed = out_dir / "armed"
        if not armed.exists() or armed.read_text() != str(server.pid):
            raise RuntimeError(f"the server (pid {server.pid}) did not load {HOOKS / 'sitecustomize.py'}")
        print(f"{load_avg()} at start; server pid {server.pid} (cProfile armed, off until the moves start)")
        print(
            "method: load the page, press Home and 3 warm-up ArrowRight moves on the troops slider, then turn cProfile"
            f" on\nin the server (event-loop thread and script thread), make {args.moves} moves to new values (each"
            " waits\nuntil the first chart changed and the script is idle), turn it off; CPU seconds from /proc for"
            " the span."
        )
        browser = h.launch_chromium(playwright)
        page = h.new_context(browser).new_page()
        slider = h.open_drawn(page, server.url)

        def move(key: str) -> float:
            return h.redraw_after(page, lambda: slider.press(key))

        def first_page() -> float:
            context = h.new_context(browser)
            try:
                fresh = context.new_page()
                fresh.goto(server.url, wait_until="commit")
                return fresh.wait_for_function(h.CHARTS_READY_JS, arg=3, timeout=60_000, polling=20).json_value()
            finally:
                context.close()

        move("Home")
        for _ in range(3):
            move("ArrowRight")
        h.wait_for_quiet(max_wait_s=45, quiet=True)
        load = load_avg()
        cpu0, t0 = h.cpu_seconds(server.pid), time.perf_counter()
        server.process.send_signal(signal.SIGUSR1)
        time.sleep(0.2)
        if args.new_sessions:
            latencies = [first_page() for _ in range(args.new_sessions)]
        else:
            latencies = [move("ArrowRight") for _ in range(args.moves)]
        server.process.send_signal(signal.SIGUSR2)
        _wait_for(out_dir / "done", 10.0)
        cpu, wall = h.cpu_seconds(server.pid) - cpu0, time.perf_counter() - t0
        browser.close()
    count, what = len(latencies), ("first page" if args.new_sessions else "move")
    latency = "navigation -> charts drawn" if args.new_sessions else "keydown -> chart changed"
    name = "profiled." + what.replace(" ", "_")
    bench.figure(f"{name}.server_cpu", cpu / count * 1000, "ms", n=count)
    bench.timing(f"{name}.latency", latencies)
    print(f"  [{load} at start, {load_avg()} at end]")
    print(
        f"  {count} {what}s in {wall:.1f} s; server CPU {cpu:.2f} s = {cpu / count * 1000:.0f} ms per {what}"
        f" (with cProfile on); {latency} median {statistics.median(latencies):.0f} ms"
    )
    h.print_top(out_dir / "main.prof", "event-loop thread (uvicorn, websocket, message handling)", 25)
    h.print_top(out_dir / "main.prof", "event-loop thread", 12, sort="tottime")
    h.print_top(out_dir / "script.prof", "script thread (dashboard.py)", 12)


if __name__ == "__main__":
    main()
