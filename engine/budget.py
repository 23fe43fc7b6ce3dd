"""Work and memory budgets: what a computation will cost, computed from the scenario's sizes before it starts."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from engine.schema import Scenario

logger = logging.getLogger(__name__)

# One unit of work is one impact (or indicator update) of one run in one week. This machine steps
# about 100-200 million of them a second (bench/bench_budget.py), so the limit keeps any one request
# to a few seconds of one core.
MAX_WORK = 300_000_000
# Peak memory of one request's arrays; with one heavy request at a time (heavy_slot) the server's
# arrays stay below this however many visitors ask at once.
MAX_MEMORY = 384 * 1024 * 1024
# A request under both of these is light: it neither waits for nor holds the heavy slot.
LIGHT_WORK = 40_000_000
LIGHT_MEMORY = 96 * 1024 * 1024
# Working arrays of one block of runs: memory stays flat however many runs are asked for.
BLOCK_MEMORY = 32 * 1024 * 1024
HEAVY_WAIT_SECONDS = 20.0

FLOAT = 8
# float64 arrays per run and impact while sampling and stepping (uniform draws, coefficients, their
# sorted copy, magnitude, raising and lowering halves, gathered sources, the triangular inverse's temporaries).
ARRAYS_PER_IMPACT = 12


@dataclass(frozen=True)
class Cost:
    work: int  # impact-steps
    memory: int  # bytes

    @property
    def light(self) -> bool:
        return self.work <= LIGHT_WORK and self.memory <= LIGHT_MEMORY

    def fits(self) -> bool:
        return self.work <= MAX_WORK and self.memory <= MAX_MEMORY


class BudgetExceeded(ValueError):
    """A computation refused before it started; `what` names it, `largest` is the largest allowed setting."""

    def __init__(self, what: str, cost: Cost, largest: int | None = None):
        self.what, self.cost, self.largest = what, cost, largest
        super().__init__(
            f"{what} would take {cost.work:,} steps and {cost.memory / 2**20:,.0f} MiB; the limits are "
            f"{MAX_WORK:,} steps and {MAX_MEMORY / 2**20:,.0f} MiB"
            + (f" (largest allowed: {largest:,})" if largest is not None else "")
        )


class ServerBusy(RuntimeError):
    """Another heavy computation held the slot for longer than a visitor should wait."""


def _per_run(scenario: Scenario, weeks: int | None = None) -> tuple[int, int, int]:
    """(work, working memory, kept memory) of one run: its steps, its arrays while stepping, its stored path."""
    weeks = scenario.horizon_weeks if weeks is None else weeks
    impacts, indicators = len(scenario.impacts), len(scenario.indicators)
    work = weeks * (impacts + indicators)
    working = FLOAT * (ARRAYS_PER_IMPACT * impacts + 2 * len(scenario.drivers) + 4 * indicators)
    kept = FLOAT * (weeks + 1) * indicators
    return work, working, kept


def block_runs(scenario: Scenario) -> int:
    """Runs per block, so that one block's working arrays stay within BLOCK_MEMORY."""
    _, working, _ = _per_run(scenario)
    return max(1, BLOCK_MEMORY // working)


def ensemble_cost(scenario: Scenario, runs: int, weeks: int | None = None) -> Cost:
    """An ensemble stepped in blocks of runs; every run's path is kept for the exact quantiles."""
    work, working, kept = _per_run(scenario, weeks)
    return Cost(work=work * runs, memory=working * min(runs, block_runs(scenario)) + kept * runs)


def swing_cost(scenario: Scenario, runs: int, settings: int, weeks: int | None = None) -> Cost:
    """`runs` runs at each of `settings` driver settings, stepped in blocks; only each block's paths are kept."""
    work, working, kept = _per_run(scenario, weeks)
    total = runs * settings
    return Cost(work=work * total, memory=(working + kept) * min(total, block_runs(scenario)) + FLOAT * total)


def sobol_cost(scenario: Scenario, evaluations: int, uncertain: int, outputs: int, chunk: int) -> Cost:
    """A Saltelli design of `evaluations` rows over `uncertain` coefficients, stepped `chunk` rows at a time."""
    work, working, kept = _per_run(scenario)
    # The design (and SALib's copy of it while it builds it), the outputs of every row, one chunk's arrays.
    design = 2 * FLOAT * evaluations * uncertain
    return Cost(
        work=work * evaluations,
        memory=design + FLOAT * evaluations * outputs + (working + kept) * min(chunk, evaluations),
    )


def max_runs(scenario: Scenario, weeks: int | None = None, cap: int | None = None) -> int:
    """The most runs of one ensemble that fit the budget (0 when not even one does), at most `cap`."""
    work, working, kept = _per_run(scenario, weeks)
    by_work = MAX_WORK // max(1, work)
    block = working * block_runs(scenario)
    by_memory = max(0, MAX_MEMORY - block) // kept
    allowed = int(min(by_work, by_memory))
    return allowed if cap is None else min(allowed, cap)


def max_swing_runs(scenario: Scenario, settings: int, weeks: int | None = None, cap: int | None = None) -> int:
    """The most runs per setting of a swing (tornado) that fit the budget, at most `cap`."""
    work, _, _ = _per_run(scenario, weeks)
    allowed = MAX_WORK // max(1, work * settings)
    # Memory is flat in the runs (blocks), so work decides; check the memory of the answer all the same.
    while allowed > 0 and not swing_cost(scenario, allowed, settings, weeks).fits():
        allowed //= 2
    return int(allowed if cap is None else min(allowed, cap))


def require(what: str, cost: Cost, largest: int | None = None) -> None:
    if not cost.fits():
        refused = BudgetExceeded(what, cost, largest)
        logger.info("refused: %s", refused)  # an operator sees which requests hit the budget
        raise refused


_heavy = threading.BoundedSemaphore(1)


@contextmanager
def heavy_slot(cost: Cost, wait: float = HEAVY_WAIT_SECONDS) -> Iterator[None]:
    """Run a heavy computation alone: one at a time per process, so that it holds one core and its memory
    is the only large one, and everyone else's light requests go on beside it."""
    if cost.light:
        yield
        return
    if not _heavy.acquire(timeout=wait):
        logger.warning("a large computation waited %g s for another to finish and was refused", wait)
        raise ServerBusy(f"another large computation is running; waited {wait:g} s")
    try:
        yield
    finally:
        _heavy.release()
