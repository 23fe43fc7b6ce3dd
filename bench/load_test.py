"""Load test of the dashboard: N concurrent sessions move sliders for a fixed time against one real server.

Run: python bench/load_test.py [--clients ws|browser] [--sessions 20] [--duration 60] [--think S] [--quick]
     [--browsers 1-2] [--json PATH]                 (--quick: a smoke run of 3 sessions for 10 s)
Prints what it measured on this machine and how; nothing is asserted.

Two kinds of client follow one schedule (load_session.py) and get one report: `ws` (load_ws.py, the default), where
every session is a websocket client speaking Streamlit's own protocol, so the server gets the machine's cores; and
`browser` (load_browser.py), where every session is a chromium page, which on 2 cores loads the browsers more than
the server. Session 0 loads alone, then the others together; all move at once, back to back or, with --think S,
after a seeded pause of 0.5-1.5 x S, as a person reading the chart would take. Per-move latency, errors, server
memory and CPU, and a check that every session still shows its own numbers; a session stops moving after its first
error.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import time
from collections import Counter

import dashboard_harness as h
import load_browser
import load_session as ls
import load_ws
from common import SETTINGS, Bench, load_avg, percentile

KINDS = {"ws": load_ws, "browser": load_browser}
QUICK = SETTINGS["load_test"]["quick"]


def _client_cpu(server_pid: int) -> float:
    """CPU seconds of this process and its children but the server (the Playwright driver, chromium)."""
    return time.process_time() + h.descendants_cpu_seconds(os.getpid(), (server_pid,))


async def drive(args, kind, server, expected: ls.Expected) -> dict:
    idle_rss = await asyncio.to_thread(h.settled_rss, server.pid)
    rss: list[tuple[float, int, float]] = []
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(ls.sample_rss(server.pid, rss, stop_sampling))
    results = [ls.SessionResult(i, ls.TROOPS_SPACING * i) for i in range(args.sessions)]
    phases = ls.Phases(args.sessions)
    async with kind.clients(args, server.url, expected) as make_client:
        clients = [make_client(r) for r in results]
        tasks = [asyncio.create_task(ls.run_session(c, expected, phases, args)) for c in clients]
        t_load, cpu_load0 = time.monotonic(), h.cpu_seconds(server.pid)
        deadline = t_load + 2 * args.load_timeout + args.duration + 2 * args.move_timeout + 90
        with contextlib.suppress(TimeoutError):  # a session that never loaded is reported as such
            await asyncio.wait_for(phases.first_loaded.wait(), timeout=args.load_timeout + 30)
        first_s = time.monotonic() - t_load
        first_rss = await asyncio.to_thread(h.settled_rss, server.pid)
        t_rest = time.monotonic()
        phases.rest_may_load.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(phases.all_loaded.wait(), timeout=args.load_timeout + 30)
        rest_s = time.monotonic() - t_rest
        load_cpu = h.cpu_seconds(server.pid) - cpu_load0
        loaded_rss = await asyncio.to_thread(h.settled_rss, server.pid)
        print(
            f"{phases.loaded} of {args.sessions} sessions loaded (the first alone in {first_s:.1f} s, the other "
            f"{args.sessions - 1} together in {rest_s:.1f} s); moving sliders for {args.duration:g} s  [{load_avg()}]",
            flush=True,
        )
        cpu0, client0, wall0 = h.cpu_seconds(server.pid), _client_cpu(server.pid), time.monotonic()
        phases.stop = time.monotonic() + args.duration
        phases.start.set()
        _, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        wall = time.monotonic() - wall0
        cpu = h.cpu_seconds(server.pid) - cpu0
        client_cpu = _client_cpu(server.pid) - client0
    stop_sampling.set()
    await sampler
    # Pages and sockets are closed by now; the server keeps the sessions for server.disconnectedSessionTTL.
    end_rss = await asyncio.to_thread(h.settled_rss, server.pid)
    return {
        "clients": clients,
        "rss": rss,
        "idle_rss": idle_rss,
        "first_rss": first_rss,
        "loaded_rss": loaded_rss,
        "end_rss": end_rss,
        "first_s": first_s,
        "rest_s": rest_s,
        "load_cpu": load_cpu,
        "wall": wall,
        "cpu": cpu,
        "client_cpu": client_cpu,
        "unfinished": len(pending),
    }


def report(bench: Bench, args, kind, m: dict) -> None:
    clients, rss, wall = m["clients"], m["rss"], m["wall"]
    results = [c.result for c in clients]
    latencies = [x for r in results for x in r.latencies]
    errors = [(r.index, kind_, detail) for r in results for kind_, detail in r.errors]
    moves = sum(r.moves for r in results)
    untimed = sum(r.untimed for r in results)
    print()
    pacing = f", a pause of ~{args.think:g} s after each move" if args.think > 0 else ", moves back to back"
    print(
        f"== load test ({args.clients} clients): {args.sessions} sessions x {args.duration:g} s{pacing}, "
        f"{kind.describe(args)}, one server =="
    )
    bench.figure("moves_per_s", moves / wall, "moves/s", n=moves)
    print(
        f"  moves: {moves} in {wall:.0f} s ({moves / wall:.1f}/s over all sessions); {len(latencies)} timed and "
        f"verified"
        + (f"; {untimed} did not change the first chart (verified at the next, not timed)" if untimed else "")
    )
    if latencies:
        spread = {f"p{q}": percentile(latencies, q) for q in (50, 90, 99)} | {"max": max(latencies)}
        for name, ms in spread.items():
            bench.figure(f"latency.{name}", ms, "ms", n=len(latencies))
        print(
            f"  latency {kind.LATENCY}: "
            + "  ".join(f"{name} {ms:.0f} ms" for name, ms in spread.items())
            + f"  (n={len(latencies)})"
        )
    extra = kind.report(bench, clients)  # lines to print after the latency, and at the end
    for line in extra["latency"]:
        print(line)
    kinds = Counter(kind_ for _, kind_, _ in errors)
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
    bench.figure("errors", len(errors), "errors", n=len(results))
    print(
        f"  errors: {len(errors)}  by kind: {by_kind}  (exception = an exception on the page, status = a finish other "
        "than success, mismatch = other numbers, slider = a slider off its value, timeout, closed socket, crash, "
        "final check)"
    )
    for index, kind_, detail in errors[:20]:
        print(f"    session {index}: {kind_}: {detail}")
    if m["unfinished"]:
        print(f"  {m['unfinished']} session(s) cancelled at the overall deadline")
    ok = sum(r.final_ok for r in results)
    bench.figure("sessions_with_own_numbers", ok, "sessions", n=len(results))
    print(f"  own numbers at the end: {ok} of {len(results)} sessions show exactly their own settings' medians")
    bench.figure("server_cpu", m["cpu"] / wall * 100, "% of a core", n=moves)
    bench.figure("client_cpu", m["client_cpu"] / wall * 100, "% of a core", n=moves)
    print(
        f"  server CPU: {m['cpu']:.1f} s in {wall:.0f} s = {m['cpu'] / wall * 100:.0f}% of one core "
        "(above 100% only where numpy runs outside the GIL)"
    )
    print(
        f"  client CPU (this process and its children, all sessions): {m['client_cpu']:.1f} s = "
        f"{m['client_cpu'] / wall * 100:.0f}% of one core"
    )
    others = len(results) - 1
    per_session = ""
    if others:
        per = (m["loaded_rss"] - m["first_rss"]) / others
        verdict = bench.figure("rss.per_further_session", per / 1024, "MiB", n=others, target="session_mib")
        per_session = f"+{h.mib(per)} per further session, {verdict}; "
    for name in ("idle_rss", "first_rss", "loaded_rss", "end_rss"):
        bench.figure(f"rss.{name.removesuffix('_rss')}", m[name] / 1024, "MiB", n=3)
    bench.figure("rss.max_sampled", max(s[1] for s in rss) / 1024, "MiB", n=len(rss))
    bench.figure("load.first_session", m["first_s"], "s", n=1)
    bench.figure("load.other_sessions", m["rest_s"], "s", n=others)
    print(
        f"  server RSS (settled): idle {h.mib(m['idle_rss'])}, first session loaded {h.mib(m['first_rss'])}, "
        f"all {len(results)} loaded {h.mib(m['loaded_rss'])} ({per_session}loading took {m['load_cpu']:.1f} s "
        f"of server CPU), max sampled {h.mib(max(s[1] for s in rss))}, at the end {h.mib(m['end_rss'])} "
        f"({h.mib(m['end_rss'] - m['loaded_rss'])} more than loaded; pages and sockets closed, sessions kept until "
        "server.disconnectedSessionTTL)"
    )
    series = "  ".join(f"{t:.0f}s:{kib / 1024:.0f}" for t, kib, _ in rss)
    print(f"  RSS every {ls.RSS_EVERY_S:g} s (MiB): {series}")
    print(f"  1-min load average during the run: {min(s[2] for s in rss):.2f} .. {max(s[2] for s in rss):.2f}")
    for line in extra["end"]:
        print(line)
    print("  per session: moves / timed / median ms / load s / final")
    for r in results:
        med = f"{statistics.median(r.latencies):6.0f}" if r.latencies else "     -"
        print(
            f"    #{r.index:<2} troops {r.troops:>6g}: {r.moves:4d} / {len(r.latencies):4d} / {med} / "
            f"{r.loaded_ms / 1000:5.1f} / {'ok' if r.final_ok else 'FAIL: ' + r.final_detail}"
        )


def measure(bench: Bench, args) -> None:
    if args.quick:
        args.sessions, args.duration = QUICK["sessions"], QUICK["duration"]
    args.sessions = max(1, min(args.sessions, ls.MAX_SESSIONS))
    args.duration = max(1.0, min(args.duration, 600.0))
    args.move_timeout = max(1.0, min(args.move_timeout, 120.0))
    args.load_timeout = max(5.0, min(args.load_timeout, 600.0))
    args.browsers = max(1, min(args.browsers, 2))
    print(f"machine: {os.cpu_count()} cores; {load_avg()} at start")
    kind = KINDS[args.clients]
    print(kind.METHOD)
    expected = ls.expected_numbers(args.sessions)
    h.wait_for_quiet(max_wait_s=args.wait_quiet)
    print(f"starting server and {kind.describe(args)}  [{load_avg()}]", flush=True)
    with h.streamlit_server() as server:
        measured = asyncio.run(drive(args, kind, server, expected))
        log = server.log_tail(4000)
    report(bench, args, kind, measured)
    noteworthy = [line for line in log.splitlines() if any(w in line for w in ("Error", "Traceback", "WARNING"))]
    if noteworthy:
        print("  server log (errors and warnings, last 10):")
        for line in noteworthy[-10:]:
            print(f"    {line[:200]}")


def main() -> None:
    bench = Bench("load_test", __doc__)
    bench.option("--clients", choices=sorted(KINDS))
    bench.option(
        "--quick", action="store_true", help=f"smoke run: {QUICK['sessions']} sessions for {QUICK['duration']:g} s"
    )
    bench.run(measure)


if __name__ == "__main__":
    main()
