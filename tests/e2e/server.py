"""Start the dashboard as a real server on a free loopback port, for the browser tests and the benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = REPO_ROOT / "dashboard.py"
# Always Debian's chromium, never a Playwright download; no sandbox (container), no GPU, nothing that
# phones home.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
]
STARTUP_TIMEOUT_S = 60.0


class ServerDidNotStart(RuntimeError):
    pass


@dataclass(frozen=True)
class RunningServer:
    process: subprocess.Popen
    url: str
    log: Path

    def log_tail(self, chars: int) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return text[-chars:] if text.strip() else "(server log is empty)"


def run_args(port: int, script: Path = DASHBOARD) -> list[str]:
    """`streamlit run dashboard.py` (or another `script`) on loopback (after `python -m`)."""
    return [
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_server(
    extra_args: tuple[str, ...] = (),
    prefix: str = "streamlit-",
    env: Mapping[str, str] | None = None,
    script: Path = DASHBOARD,
) -> Iterator[RunningServer]:
    """The dashboard on a free port, healthy, with a private SCENARIO_DATA_DIR (saved scenarios from a run
    must not land in the working tree); stopped on exit. Raises ServerDidNotStart with the server's output.
    `env` is added to the server's environment last: the inherited SCENARIO_DATABASE_URL is dropped, so a
    store URL reaches the server only through `env`. `script` is what it runs instead of dashboard.py (the
    benches' minimal page), from the repository root all the same."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    log_path = workdir / "server.log"
    server_env = os.environ | {"PYTHONUNBUFFERED": "1", "SCENARIO_DATA_DIR": str(workdir / "data")}
    server_env.pop("SCENARIO_DATABASE_URL", None)
    server_env |= env or {}
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", *run_args(port, script), *extra_args],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_env,
        )
    server = RunningServer(process, url, log_path)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"{url}/_stcore/health"):
            if process.poll() is not None:
                raise ServerDidNotStart(
                    f"streamlit exited with code {process.returncode} before answering the health check.\n"
                    f"--- server output ---\n{server.log_tail(6000)}"
                )
            if time.monotonic() > deadline:
                raise ServerDidNotStart(
                    f"streamlit did not answer 'ok' on {url}/_stcore/health within {STARTUP_TIMEOUT_S:.0f} s.\n"
                    f"--- server output ---\n{server.log_tail(6000)}"
                )
            time.sleep(0.25)
        yield server
    finally:
        stop(process)
