"""The load test's shared parts: the move schedule, the numbers each session must see, and one session's loop.

Session i opens the page through a share link with its own troops value T_i = 1,000*i, then, until the time is up,
toggles troops between T_i and T_i + 500 (every third move) or walks the combat slider up and down in steps of 5.
Before the server starts, the expected medians for every (troops, combat) pair a session can reach are computed
with engine.ensemble.run_ensemble (1,000 runs, seed 2024, p50 rounded to 2 decimals as the charts do); a client
(load_ws.py, load_browser.py) checks every move and the session's last page against them, so a state leak between
sessions shows as a mismatch or a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode

import dashboard_harness as h
from common import seed_model

TROOPS, COMBAT = "troops_deployed", "combat_engagement"
COMBAT_START, COMBAT_STEP, COMBAT_MAX = 20.0, 5.0, 100.0
TROOPS_SPACING, TROOPS_STEP = 1000.0, 500.0
# T_i = 1,000*i and T_i + 500 must stay within the troops slider's 0..20,000 and apart between sessions.
MAX_SESSIONS = 20
RSS_EVERY_S = 5.0
# After these, the session's page is gone: there is no last page to check.
FATAL_KINDS = {"closed", "crash"}


class MoveError(Exception):
    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


@dataclass
class SessionResult:
    index: int
    troops: float
    loaded_ms: float = float("nan")
    latencies: list[float] = field(default_factory=list)
    untimed: int = 0  # moves whose effect the client cannot time (the browser's first chart did not change)
    moves: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    final_ok: bool = False
    final_detail: str = "not checked"


@dataclass
class Expected:
    """Every (troops, combat) a session can reach -> {indicator label: medians}, and the first chart's label."""

    scenario: object
    table: dict[tuple[float, float], dict[str, list[float]]]
    first_label: str

    def first(self, setting: tuple[float, float]) -> list[float]:
        return self.table[setting][self.first_label]


@dataclass
class Phases:
    """The run's barriers. Session 0 loads alone (it pays the server's imports and first-use costs, so the memory
    the others add can be told apart), then the rest load together; all start moving at once and stop at `stop`."""

    sessions: int
    first_loaded: asyncio.Event = field(default_factory=asyncio.Event)
    rest_may_load: asyncio.Event = field(default_factory=asyncio.Event)
    all_loaded: asyncio.Event = field(default_factory=asyncio.Event)
    start: asyncio.Event = field(default_factory=asyncio.Event)
    loaded: int = 0
    stop: float = float("inf")

    def done_loading(self, index: int) -> None:
        self.loaded += 1
        if index == 0:
            self.first_loaded.set()
        if self.loaded >= self.sessions:
            self.all_loaded.set()


class Client(Protocol):
    """One session of one client kind; every method raises MoveError for what the session did wrong."""

    result: SessionResult

    async def open(self, setting: tuple[float, float], first: list[float]) -> None:
        """Open the share link of `setting`; `first` is the first chart's median it must show."""

    async def move(self, driver: str, new: float, first: list[float], changes: bool) -> float | None:
        """Set `driver` to `new`; the ms the move took, or None where it could not be timed (`changes` is False
        when the first chart's median stays the same)."""

    async def settle(self) -> None:
        """After an error: let the page finish its run (bounded), so the last page can still be checked."""

    async def final_check(self, last: tuple[float, float]) -> tuple[bool, str]:
        """Every median trace on the session's last page against the setting its sliders show."""

    async def close(self) -> None: ...


def _first_label(scenario) -> str:
    # The first chart is the first indicator group; its first median trace is that group's first indicator.
    group = scenario.indicators[0].group
    return next(i for i in scenario.indicators if i.group == group).label.get("en")


def expected_numbers(sessions: int) -> Expected:
    """Every reachable setting's expected medians, with a report of how many there are and how distinct."""
    combats = [COMBAT_STEP * k for k in range(int(COMBAT_MAX / COMBAT_STEP) + 1)]
    print(
        f"precomputing expected medians for {sessions} sessions x 2 troops values x {len(combats)} combat values ...",
        flush=True,
    )
    t0 = time.perf_counter()
    model = seed_model()
    scenario = model.scenario
    defaults = scenario.defaults()
    table = {}
    for i in range(sessions):
        for troops in (TROOPS_SPACING * i, TROOPS_SPACING * i + TROOPS_STEP):
            for combat in combats:
                values = defaults | {TROOPS: troops, COMBAT: combat}
                table[(troops, combat)] = h.expected_medians(model, values)
    expected = Expected(scenario, table, _first_label(scenario))
    print(f"  {len(table)} ensembles in {time.perf_counter() - t0:.1f} s")
    # The leak check can only see a leak if different sessions' numbers differ: count distinct first charts.
    distinct = len({tuple(expected.first(setting)) for setting in table})
    print(
        f"  sanity: {distinct} distinct first-chart medians among {len(table)} reachable settings "
        f"(a leak from another session would show as different numbers)"
    )
    return expected


def share_query(scenario, troops: float) -> str:
    """The query string of the share link that opens the page with this troops value."""
    from engine.state import ViewState, encode

    return urlencode(encode(ViewState(scenario=scenario.id, values={TROOPS: troops}), scenario))


def error_line(err: BaseException, limit: int = 160) -> str:
    """The exception's type and the first line of its message (Playwright's run to many lines of call log)."""
    return f"{type(err).__name__}: {(str(err).splitlines() or [''])[0][:limit]}"


def same(shown: list[float] | None, expected: list[float]) -> bool:
    return (
        shown is not None
        and len(shown) == len(expected)
        and all(abs(a - b) <= 1e-9 for a, b in zip(shown, expected, strict=True))
    )


def check_traces(
    expected: Expected, troops_low: float, shown: tuple, traces: list[tuple[str, list[float] | None]]
) -> tuple[bool, str]:
    """The median traces (name, y) of a session's last page against the setting its sliders show."""
    if shown[0] not in (troops_low, troops_low + TROOPS_STEP) or shown not in expected.table:
        return False, f"sliders hold {shown}: not a setting of this session"
    want = expected.table[shown]
    if len(traces) != len(want):
        return False, f"{len(traces)} median traces on the page, {len(want)} indicators expected"
    wrong = [name for name, y in traces if name not in want or not same(y, want[name])]
    if wrong:
        return False, f"medians differ from troops={shown[0]:g}, combat={shown[1]:g} for: {', '.join(wrong)}"
    return True, f"all {len(traces)} median traces match troops={shown[0]:g}, combat={shown[1]:g}"


async def run_session(client: Client, expected: Expected, phases: Phases, args) -> None:
    """Load, move until `phases.stop`, check the last page; every failure lands in client.result.errors."""
    result = client.result
    troops_low = result.troops
    troops, combat, direction = troops_low, COMBAT_START, 1
    pause = random.Random(result.index)
    try:
        if result.index > 0:
            await phases.rest_may_load.wait()
        try:
            t0 = time.perf_counter()
            await client.open((troops, combat), expected.first((troops, combat)))
            result.loaded_ms = (time.perf_counter() - t0) * 1000
        except MoveError as err:
            result.errors.append((err.kind, f"first load: {err.detail}"))
        except Exception as err:
            result.errors.append(("load", error_line(err)))
        finally:
            phases.done_loading(result.index)
        await phases.start.wait()
        if result.errors:
            return
        while time.monotonic() < phases.stop:
            if result.moves % 3 == 0:
                driver, new = TROOPS, (troops_low + TROOPS_STEP if troops == troops_low else troops_low)
                target = (new, combat)
            else:
                driver = COMBAT
                if not 0 <= combat + direction * COMBAT_STEP <= COMBAT_MAX:
                    direction = -direction
                new = combat + direction * COMBAT_STEP
                target = (troops, new)
            result.moves += 1
            first = expected.first(target)
            try:
                latency = await client.move(driver, new, first, changes=first != expected.first((troops, combat)))
            except MoveError as err:
                result.errors.append((err.kind, f"move {result.moves}: {err.detail}"))
                await client.settle()
                break
            troops, combat = target
            if latency is None:
                result.untimed += 1
            else:
                result.latencies.append(latency)
            if args.think > 0:
                # A person looks at the chart before the next move; seeded per session, so runs repeat.
                await asyncio.sleep(min(pause.uniform(0.5, 1.5) * args.think, max(0.0, phases.stop - time.monotonic())))
        if not any(kind in FATAL_KINDS for kind, _ in result.errors):
            result.final_ok, result.final_detail = await client.final_check((troops, combat))
            if not result.final_ok:
                result.errors.append(("final", result.final_detail))
    except asyncio.CancelledError:
        result.errors.append(("deadline", "cancelled at the overall deadline"))
        raise
    except MoveError as err:
        result.errors.append((err.kind, err.detail))
    except Exception as err:
        result.errors.append(("other", error_line(err)))
    finally:
        with contextlib.suppress(Exception):  # the page or socket may already be gone
            await client.close()


async def sample_rss(pid: int, samples: list[tuple[float, int, float]], stop: asyncio.Event) -> None:
    start = time.monotonic()
    while not stop.is_set():
        samples.append((time.monotonic() - start, h.rss_kib(pid), os.getloadavg()[0]))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=RSS_EVERY_S)
