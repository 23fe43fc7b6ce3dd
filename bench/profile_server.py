"""Where a real server's CPU goes per slider move: cProfile of the Streamlit server's event-loop thread (websocket,
message serialisation) and of its script thread (the page's code), while a browser moves the troops slider.

Run: python bench/profile_server.py [--moves 10]
Prints what it measured and how; nothing is asserted. Complements bench_app.py, whose AppTest figures cover
the script thread only.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dashboard_harness as h


def serve(port: int, out_dir: str) -> None:
    """Run streamlit in this process; SIGUSR1 starts both profilers, SIGUSR2 stops them and writes the stats."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    main_prof, script_prof = cProfile.Profile(), cProfile.Profile()
    state = {"on": False}
    original = script_runner.ScriptRunner._run_script

    def run_script(self, rerun_data):
        on = state["on"]
        if on:
            script_prof.enable()
        try:
            return original(self, rerun_data)
        finally:
            if on:
                script_prof.disable()

    script_runner.ScriptRunner._run_script = run_script

    def start(*_):
        state["on"] = True
        main_prof.enable()  # signal handlers run in the main thread: the event loop's thread

    def stop(*_):
        main_prof.disable()
        state["on"] = False
        main_prof.dump_stats(os.path.join(out_dir, "main.prof"))
        script_prof.dump_stats(os.path.join(out_dir, "script.prof"))
        Path(out_dir, "done").write_text("ok")

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    sys.argv = h.run_args(port)
    cli.main()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument(
        "--new-sessions", type=int, default=0, help="profile this many first page loads (new sessions) instead of moves"
    )
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "OUT_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    args.moves = max(1, min(args.moves, 30))

    from playwright.sync_api import sync_playwright

    port = h.free_port()
    out_dir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    env = os.environ | {"PYTHONUNBUFFERED": "1", "SCENARIO_DATA_DIR": str(out_dir / "data")}
    env.pop("SCENARIO_DATABASE_URL", None)
    log = (out_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), str(out_dir)], cwd=h.ROOT, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    print(f"{h.load_avg()} at start; server pid {server.pid} (cProfile armed, off until the moves start)")
    print(
        "method: load the page, press Home and 3 warm-up ArrowRight moves on the troops slider, then turn cProfile on\n"
        f"in the server (event-loop thread and script thread), make {args.moves} moves to new values (each waits\n"
        "until the first chart changed and the script is idle), turn it off; CPU seconds from /proc for the span."
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("server did not start: " + (out_dir / "server.log").read_text()[-2000:])
            time.sleep(0.25)
        with sync_playwright() as playwright:
            browser = h.launch_chromium(playwright)
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            page.goto(url)
            page.wait_for_function(h.CHARTS_READY_JS, arg=3, timeout=60_000, polling=50)
            page.wait_for_function(h.IDLE_JS, timeout=60_000, polling=50)
            page.evaluate(h.KEYDOWN_HOOK_JS)
            slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first

            def move(key: str) -> float:
                page.evaluate(h.REMEMBER_JS)
                slider.press(key)
                seen = page.wait_for_function(h.CHANGED_JS, timeout=30_000, polling=10).json_value()
                page.wait_for_function(h.IDLE_JS, timeout=30_000, polling=10)
                return seen - page.evaluate("() => window.__benchKeydown")

            def first_page() -> float:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                try:
                    fresh = context.new_page()
                    fresh.goto(url, wait_until="commit")
                    return fresh.wait_for_function(h.CHARTS_READY_JS, arg=3, timeout=60_000, polling=20).json_value()
                finally:
                    context.close()

            move("Home")
            for _ in range(3):
                move("ArrowRight")
            h.wait_for_quiet(0.5, max_wait_s=45, quiet=True)
            load = h.load_avg()
            cpu0, t0 = h.cpu_seconds(server.pid), time.perf_counter()
            server.send_signal(signal.SIGUSR1)
            time.sleep(0.2)
            if args.new_sessions:
                args.moves = args.new_sessions
                latencies = [first_page() for _ in range(args.new_sessions)]
            else:
                latencies = [move("ArrowRight") for _ in range(args.moves)]
            server.send_signal(signal.SIGUSR2)
            for _ in range(100):
                if (out_dir / "done").exists():
                    break
                time.sleep(0.1)
            cpu, wall = h.cpu_seconds(server.pid) - cpu0, time.perf_counter() - t0
            browser.close()
        print(f"  [{load} at start, {h.load_avg()} at end]")
        print(
            f"  {args.moves} moves in {wall:.1f} s; server CPU {cpu:.2f} s = {cpu / args.moves * 1000:.0f} ms per move "
            f"(with cProfile on); keydown -> chart changed median {sorted(latencies)[len(latencies) // 2]:.0f} ms"
        )
        h.print_top(out_dir / "main.prof", "event-loop thread (tornado, websocket, message handling)", 25)
        h.print_top(out_dir / "main.prof", "event-loop thread", 12, sort="tottime")
        h.print_top(out_dir / "script.prof", "script thread (dashboard.py)", 12)
    finally:
        h.stop(server)
        log.close()


if __name__ == "__main__":
    main()
