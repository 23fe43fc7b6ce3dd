"""Reality checks: a scenario's own expectations, run on the point run and reported with the numbers behind them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.budget import Cost, ensemble_cost, heavy_slot, require
from engine.model import Model
from engine.schema import Check, Scenario
from engine.simulation import driver_array, simulate

# A comparison with the reference run allows this much rounding: two runs that differ only in a driver
# with no path to the indicator give the same digits, but a path of zero net effect may not.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict: the deciding week, the value there and, for comparisons, the reference's."""

    index: int
    check: Check
    holds: bool
    week: int
    observed: float
    reference: float | None = None

    @property
    def margin(self) -> float:
        """How far the observed value is on the right side of its bound (negative: the check fails)."""
        return _margin(self.check, self.observed, self.reference)

    def expected(self) -> str:
        """What the check expects, in plain English (the command line's words; the page has its own)."""
        c = self.check
        when = "in every week" if c.week == "all" else f"at week {c.week}"
        if c.condition == "below":
            return f"{c.indicator} below {c.bound:g} {when}"
        if c.condition == "above":
            return f"{c.indicator} above {c.bound:g} {when}"
        side = "below" if c.condition == "below_reference" else "above"
        gap = f"at least {c.bound:g} points {side}" if c.bound else f"not {'above' if side == 'below' else 'below'}"
        return f"{c.indicator} {gap} the reference run {when}"

    def got(self) -> str:
        if self.reference is None:
            return f"{self.observed:.2f} at week {self.week}"
        return f"{self.observed:.2f} against {self.reference:.2f} at week {self.week}"


def _margin(check: Check, observed, reference):
    # Elementwise: numbers or arrays of the weeks.
    bound = check.bound
    if check.condition == "below":
        return bound - observed
    if check.condition == "above":
        return observed - bound
    assert reference is not None
    if check.condition == "below_reference":
        return (reference - observed) - bound
    return (observed - reference) - bound


def _holds(check: Check, margin: float) -> bool:
    # below / above are strict; the comparisons with the reference allow equality ("never lowers").
    if check.compares_runs:
        return margin >= -TOLERANCE
    return margin > 0


def check_settings(scenario: Scenario, check: Check) -> tuple[dict[str, float], dict[str, float] | None]:
    """The slider values of a check's run and of its reference run (None when it compares with a number)."""
    base = scenario.preset_values(check.preset) if check.preset else scenario.defaults()
    run = base | dict(check.set)
    if not check.compares_runs:
        return run, None
    reference = scenario.preset_values(check.reference) if check.reference else base
    return run, reference


def checks_cost(model: Model) -> Cost:
    """What running every check costs: at most two point runs per check, priced like an ensemble's runs."""
    return ensemble_cost(model.scenario, max(1, 2 * len(model.scenario.checks)))


def run_checks(model: Model) -> list[CheckResult]:
    """Every check of the scenario on the point run (every coefficient at its weight), in file order.

    All the settings the checks need are stepped as rows of one simulate call, so a scenario's checks cost
    one pass over its weeks, not one per check.
    """
    scenario, compiled = model.scenario, model.compiled
    if not scenario.checks:
        return []
    settings: dict[tuple[float, ...], int] = {}
    plans = []
    for check in scenario.checks:
        run, reference = check_settings(scenario, check)
        keys = [tuple(driver_array(compiled, values)) for values in (run, reference) if values is not None]
        for key in keys:
            settings.setdefault(key, len(settings))
        plans.append([settings[key] for key in keys])
    cost = checks_cost(model)
    require(f"the {len(scenario.checks)} reality checks", cost)
    rows = np.array(list(settings), dtype=float)
    with heavy_slot(cost):
        coefficients = np.tile(compiled.weight, (len(rows), 1))
        paths = simulate(compiled, coefficients, rows) * 100  # weeks x settings x indicators
    position = {name: n for n, name in enumerate(compiled.indicator_ids)}
    return [
        _verdict(n, check, paths[:, plan, position[check.indicator]], scenario.horizon_weeks)
        for n, (check, plan) in enumerate(zip(scenario.checks, plans, strict=True))
    ]


def _verdict(index: int, check: Check, values: np.ndarray, horizon: int) -> CheckResult:
    """`values` is weeks x (run[, reference]) of the check's indicator; "all" is decided by its worst week."""
    weeks = list(range(1, horizon + 1)) if check.week == "all" else [check.week]
    observed = values[weeks, 0]
    reference = values[weeks, 1] if check.compares_runs else None
    margins = _margin(check, observed, reference)
    worst = int(np.argmin(margins))
    return CheckResult(
        index=index,
        check=check,
        holds=all(_holds(check, float(m)) for m in margins),
        week=weeks[worst],
        observed=float(observed[worst]),
        reference=None if reference is None else float(reference[worst]),
    )
