"""Plain-Python KSIM, one run and one impact at a time: the oracle for tests and the baseline for benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

from engine.simulation import EPS, CompiledModel


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def simulate_reference(
    model: CompiledModel,
    coefficients: Sequence[Sequence[float]],
    drivers: Sequence[float],
    weeks: int | None = None,
    dt: float = 1.0,
) -> list[list[list[float]]]:
    """Same contract as engine.simulation.simulate, as nested lists [week][run][indicator]."""
    weeks = model.horizon if weeks is None else weeks
    n_drv = model.n_drivers
    n_ind = len(model.indicator_ids)
    lows = [float(v) for v in model.driver_min]
    highs = [float(v) for v in model.driver_max]
    impacts = list(zip(model.impact_from.tolist(), model.impact_to.tolist(), strict=True))
    out = [[None] * len(coefficients) for _ in range(weeks + 1)]
    for run, coef in enumerate(coefficients):
        level = [float(v) for v in drivers]
        slider = list(level)
        x = [float(v) for v in model.initial]
        for week in range(weeks + 1):
            for e in model.events:
                if e.week != week:
                    continue
                if e.fraction is not None:
                    start = e.start
                    slider[e.index] = (
                        level[e.index] if e.fraction == 1.0 else start + (level[e.index] - start) * e.fraction
                    )
                elif e.on_driver:
                    new = e.set if e.set is not None else slider[e.index] + e.add
                    slider[e.index] = _clip(new, lows[e.index], highs[e.index])
                else:
                    new = e.set if e.set is not None else x[e.index] * 100 + e.add
                    x[e.index] = _clip(new / 100, EPS, 1 - EPS)
            out[week][run] = list(x)
            if week == weeks:
                break
            state = [_clip((slider[j] - lows[j]) / (highs[j] - lows[j]), EPS, 1 - EPS) for j in range(n_drv)] + x
            up = [0.0] * n_ind
            down = [0.0] * n_ind
            for k, (source, target) in enumerate(impacts):
                a = coef[k]
                up[target] += (abs(a) + a) * state[source]
                down[target] += (abs(a) - a) * state[source]
            new_x = []
            for i in range(n_ind):
                phi = (1 + dt / 2 * down[i]) / (1 + dt / 2 * up[i])
                new_x.append(_clip(x[i] ** phi, EPS, 1 - EPS))
            x = new_x
    return out
