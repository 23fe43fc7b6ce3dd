"""A team round under load: 30 participants, starting within one minute, submit through the real server, once
with the server on SQLite (its default) and once on a real PostgreSQL, and every submission is in the store
afterwards, as entered.

Each participant is a browser context of its own (own cookies, own Streamlit session), started at a seeded time
spread over the minute and closed after its "Thank you"; at most MAX_OPEN are open at once, so that the browser
does not starve the server on a small machine. A participant whose start comes while MAX_OPEN are open waits for
one to close (the figures say how long): on two cores the browser, not the server, sets the pace. The figures
(wall time, latency from the click on "Submit" to the "Thank you", CPU time of the server and of the machine) are
printed and written to tests/e2e/artifacts/rounds-load.json; nothing timed is asserted beyond a generous bound on
the whole run.

The browser runs through Playwright's async API in a thread of its own: the session's sync Playwright (the other
e2e tests') keeps its own event loop, and one browser with many contexts is far lighter than one per participant.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import statistics
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.limits import DEFAULT_RUNS, DEFAULT_SEED
from engine.rounds import RoundStore
from engine.store import ScenarioStore
from present.i18n import t
from tests.pg_server import pg_bin, postgres_server

from .pages import IDLE_JS
from .server import CHROMIUM, CHROMIUM_ARGS, RunningServer, ServerDidNotStart, running_server

pytestmark = pytest.mark.e2e

MEMBERS = 30
WINDOW_S = 60.0  # every participant starts within this minute
MAX_OPEN = 6  # browser contexts open at once (2 cores: the browser must not starve the server)
SEED = 2024
STEP_TIMEOUT_MS = 180_000  # one step of one participant; generous: the machine is shared with the server
BOUND_S = WINDOW_S + 300.0  # the whole run, first start to last "Thank you": the schedule and a generous bound
LOG_TAIL_CHARS = 6000
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
RESULTS = ARTIFACTS / "rounds-load.json"
SUCCESS = '[data-testid="stAlertContentSuccess"]'
EXCEPTION = '[data-testid="stException"]'


# --- the server, on either backend ----------------------------------------------------------------------------------


@contextmanager
def backend_server(backend: str) -> Iterator[tuple[RunningServer, str]]:
    """The dashboard server on `backend`, and the database URL it uses."""
    if backend == "sqlite":
        with running_server(prefix="e2e-load-sqlite-") as server:
            # running_server gives the server SCENARIO_DATA_DIR=<its folder>/data; the store's file is in it.
            yield server, f"sqlite:///{server.log.parent / 'data' / 'scenarios.sqlite3'}"
        return
    assert backend == "postgresql"
    # postgres_server skips without PostgreSQL; this test fails instead, like a missing chromium.
    assert pg_bin() is not None, "PostgreSQL (initdb) is not installed: apt-get install postgresql"
    with (
        postgres_server() as database,
        running_server(prefix="e2e-load-pg-", env={"SCENARIO_DATABASE_URL": database.url}) as server,
    ):
        yield server, database.url


# --- one participant ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What one participant enters, and when they start (seconds after the run's start)."""

    alias: str
    start_s: float
    gut: tuple[int, ...]  # % per question in focus
    driver: str
    key: str
    presses: int
    value: float  # the driver's value after the presses


@dataclass
class Outcome:
    alias: str
    scheduled_s: float
    started_s: float = float("nan")  # when the participant got a browser context (after the gate)
    form_s: float = float("nan")  # from the start to the gut form being usable
    clicked_s: float = float("nan")  # the click on "Submit", after the run's start
    latency_s: float = float("nan")  # from the click on "Submit" to the "Thank you"
    thanked_s: float = float("nan")  # when the "Thank you" showed, after the run's start
    thanks: str = ""
    error: str = ""


def plans(scenario, questions: tuple[str, ...], start: dict[str, float]) -> list[Plan]:
    rng = random.Random(SEED)
    slot = WINDOW_S / MEMBERS
    made = []
    for n in range(MEMBERS):
        d = rng.choice(scenario.drivers)
        presses = rng.randint(1, 3)
        key = rng.choice(("ArrowLeft", "ArrowRight"))
        # Keep the move a move: at the range's end, go the other way.
        if key == "ArrowRight" and start[d.id] + d.step > d.max:
            key = "ArrowLeft"
        if key == "ArrowLeft" and start[d.id] - d.step < d.min:
            key = "ArrowRight"
        sign = 1 if key == "ArrowRight" else -1
        value = min(d.max, max(d.min, start[d.id] + sign * presses * d.step))
        made.append(
            Plan(
                alias=f"Member {n + 1:02d}",
                start_s=round(n * slot + rng.uniform(0, 0.75 * slot), 3),
                gut=tuple(rng.randint(0, 100) for _ in questions),
                driver=d.id,
                key=key,
                presses=presses,
                value=value,
            )
        )
    return made


async def _idle(page) -> None:
    await page.wait_for_function(IDLE_JS, timeout=STEP_TIMEOUT_MS, polling=100)


async def participate(browser, link: str, plan: Plan, scenario, questions, gate, t0: float) -> Outcome:
    from playwright.async_api import expect

    loop = asyncio.get_running_loop()
    outcome = Outcome(plan.alias, plan.start_s)
    await asyncio.sleep(max(0.0, t0 + plan.start_s - loop.time()))
    async with gate:
        outcome.started_s = loop.time() - t0
        context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = None
        try:
            page = await context.new_page()
            await page.goto(link, wait_until="domcontentloaded")
            alias = page.get_by_role("textbox", name=t("round_alias", "en"))
            await alias.wait_for()
            await _idle(page)
            outcome.form_s = loop.time() - t0 - outcome.started_s
            await alias.fill(plan.alias)
            labels = {q.id: f"{q.text.en} — {t('round_gut', 'en')}" for q in scenario.questions}
            for q, value in zip(questions, plan.gut, strict=True):
                box = page.locator('[data-testid="stNumberInput"]').filter(has_text=labels[q])
                await box.locator("input").fill(str(value))
            await page.get_by_role("button", name=t("round_next", "en"), exact=True).click()
            d = scenario.driver(plan.driver)
            handle = page.get_by_role("slider", name=re.compile("^" + re.escape(d.label.en)))
            await handle.wait_for()
            await _idle(page)
            await handle.focus()
            for _ in range(plan.presses):
                await page.keyboard.press(plan.key)
            await expect(handle).to_have_value(f"{plan.value:g}", timeout=STEP_TIMEOUT_MS)
            thanks = page.locator(SUCCESS).filter(has_text=t("round_submitted", "en", when="\0").split("\0")[0])
            clicked = loop.time()
            await page.get_by_role("button", name=t("round_submit", "en"), exact=True).click()
            await thanks.wait_for()
            done = loop.time()
            outcome.clicked_s, outcome.latency_s, outcome.thanked_s = clicked - t0, done - clicked, done - t0
            outcome.thanks = await thanks.inner_text()
            if await page.locator(EXCEPTION).count():
                outcome.error = "the page shows an exception: " + await page.locator(EXCEPTION).first.inner_text()
        except Exception as err:  # every participant's failure is reported, not the first only
            outcome.error = f"{type(err).__name__}: {err}\n" + await _what_the_page_said(page, plan.alias)
        finally:
            await context.close()
    return outcome


async def _what_the_page_said(page, alias: str) -> str:
    """For a failure: the page's alerts and exceptions, and a screenshot in the artifacts folder."""
    if page is None:
        return "(no page)"
    try:
        shown = await page.locator(f'[data-testid^="stAlertContent"], {EXCEPTION}').all_inner_texts()
        path = ARTIFACTS / f"rounds-load-failed-{alias.replace(' ', '-').lower()}.png"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(path), full_page=True)
        return f"the page showed {shown}; screenshot {path.name}"
    except Exception as err:  # the page may be gone: say so, keep the first error
        return f"(the page could not be read: {err})"


async def _team(link: str, scenario, questions, planned: list[Plan]) -> list[Outcome]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            # One visit first, not counted: the server loads the scenario and the round once, as the facilitator's
            # own look at the link would have made it do.
            warm = await browser.new_context()
            page = await warm.new_page()
            await page.goto(link, wait_until="domcontentloaded")
            await page.get_by_role("textbox", name=t("round_alias", "en")).wait_for(timeout=STEP_TIMEOUT_MS)
            await warm.close()
            gate = asyncio.Semaphore(MAX_OPEN)
            t0 = asyncio.get_running_loop().time()
            return list(
                await asyncio.gather(*(participate(browser, link, p, scenario, questions, gate, t0) for p in planned))
            )
        finally:
            await browser.close()


def run_team(link: str, scenario, questions, planned: list[Plan]) -> list[Outcome]:
    """The team in a thread of its own, with its own event loop (see the module's docstring)."""
    box: dict = {}

    def work() -> None:
        try:
            box["outcomes"] = asyncio.run(_team(link, scenario, questions, planned))
        except BaseException as err:  # re-raised in the test's thread
            box["error"] = err

    thread = threading.Thread(target=work, name="rounds-load-team")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["outcomes"]


# --- the figures ----------------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """The CPU time all cores have spent busy (not idle, not waiting for I/O), from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    backend: str
    members: int
    window_s: float
    max_open: int
    cores: int | None
    runs: int
    wall_s: float  # the run's start to the last "Thank you"
    latency_median_s: float
    latency_max_s: float
    form_median_s: float  # a new context's start to a usable gut form
    queued_max_s: float  # the longest a participant waited for a free context past their scheduled start
    overlap_max: int  # the most submissions under way at once (between their click and their "Thank you")
    server_cpu_s: float  # CPU time the Streamlit server used during the run
    machine_busy_s: float  # CPU time all cores were busy during the run (server, browser, the rest)
    measured_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def record(figures: Figures) -> None:
    """Print the figures and merge them into rounds-load.json under their backend."""
    print(
        f"\nrounds load on {figures.backend}: {figures.members} participants in a {figures.window_s:.0f} s schedule, "
        f"at most {figures.max_open} browser contexts at once, {figures.cores} cores: "
        f"wall {figures.wall_s:.1f} s; click to 'Thank you' median {figures.latency_median_s:.2f} s, "
        f"max {figures.latency_max_s:.2f} s; form ready median {figures.form_median_s:.2f} s; "
        f"longest wait for a context {figures.queued_max_s:.2f} s; at most {figures.overlap_max} submissions "
        f"under way at once; CPU: server {figures.server_cpu_s:.0f} s, "
        f"all cores busy {figures.machine_busy_s:.0f} s"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        known = json.loads(RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    known[figures.backend] = asdict(figures)
    RESULTS.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --- the test -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_thirty_participants_submit_within_a_minute(backend, seed_path, seed_scenario):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the e2e tests need Debian's chromium (apt-get install chromium).")
    questions = tuple(q.id for q in seed_scenario.questions)
    start = seed_scenario.preset_values(seed_scenario.baseline_preset())
    planned = plans(seed_scenario, questions, start)
    assert len({p.alias.casefold() for p in planned}) == MEMBERS
    assert all(0 <= p.start_s < WINDOW_S for p in planned)

    try:
        with backend_server(backend) as (server, database_url):
            scenarios = ScenarioStore(database_url)
            try:
                rounds = RoundStore(scenarios)
                opened = rounds.open(
                    seed_path.read_text(encoding="utf-8"),
                    seed_scenario.id,
                    f"Load test on {backend}",
                    questions,
                    start,
                    DEFAULT_RUNS,
                    DEFAULT_SEED,
                    show_results=True,  # as the Team tab opens a round: participants then see the pooled results
                )
                round_id = opened.round.id
                cpu_before, busy_before = cpu_seconds(server.process.pid), machine_busy_seconds()
                outcomes = run_team(f"{server.url}/?round={round_id}", seed_scenario, questions, planned)
                server_cpu = cpu_seconds(server.process.pid) - cpu_before
                machine_busy = machine_busy_seconds() - busy_before
                stored = rounds.submissions(round_id)
                found = rounds.get(round_id)
                failed = [f"{o.alias}: {o.error}" for o in outcomes if o.error or not o.thanks]
                kept = sorted(s.member for s in stored)
                assert failed == [], (
                    "participants who did not see 'Thank you':\n" + "\n".join(failed) + f"\nstored ({len(kept)}): "
                    f"{kept}\n--- server output ---\n{server.log_tail(LOG_TAIL_CHARS)}"
                )
            finally:
                scenarios.dispose()
            log = server.log_tail(LOG_TAIL_CHARS)
    except ServerDidNotStart as err:
        pytest.fail(str(err), pytrace=False)

    # Every participant saw "Thank you", with the time the store recorded for them.
    stamps = {s.member: s.created_at.replace("T", " ")[:16] for s in stored}
    for o in outcomes:
        assert o.thanks == t("round_submitted", "en", when=stamps.get(o.alias, "?")), o
    # None lost, none doubled, none mixed up: exactly 30 submissions of 30 members, each as entered.
    assert len(stored) == MEMBERS, f"{len(stored)} submissions stored, server log:\n{log}"
    assert sorted(s.member for s in stored) == sorted(p.alias for p in planned)
    assert not any(s.superseded for s in stored)
    assert found is not None and found.submitted == MEMBERS and found.members == MEMBERS
    by_alias = {s.member: s for s in stored}
    for p in planned:
        s = by_alias[p.alias]
        assert dict(s.gut) == {q: v / 100 for q, v in zip(questions, p.gut, strict=True)}, p.alias
        assert dict(s.values) == start | {p.driver: p.value}, p.alias

    latencies = [o.latency_s for o in outcomes]
    figures = Figures(
        backend=backend,
        members=MEMBERS,
        window_s=WINDOW_S,
        max_open=MAX_OPEN,
        cores=os.cpu_count(),
        runs=DEFAULT_RUNS,
        wall_s=round(max(o.thanked_s for o in outcomes), 2),
        latency_median_s=round(statistics.median(latencies), 3),
        latency_max_s=round(max(latencies), 3),
        form_median_s=round(statistics.median(o.form_s for o in outcomes), 3),
        queued_max_s=round(max(o.started_s - o.scheduled_s for o in outcomes), 3),
        overlap_max=max(sum(p.clicked_s <= o.clicked_s < p.thanked_s for p in outcomes) for o in outcomes),
        server_cpu_s=round(server_cpu, 1),
        machine_busy_s=round(machine_busy, 1),
    )
    record(figures)
    assert figures.wall_s < BOUND_S, f"the run took {figures.wall_s:.0f} s, past the bound of {BOUND_S:.0f} s"
