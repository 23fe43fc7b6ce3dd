"""Report data: what differs between settings and what that does to the indicators, as tidy tables."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from engine.schema import Scenario


def driver_differences(
    scenario: Scenario, current: Mapping[str, float], references: Mapping[str, Mapping[str, float]]
) -> pd.DataFrame:
    """One row per driver whose current value differs from any reference: driver, current, one column per reference."""
    rows = []
    for d in scenario.drivers:
        now = current[d.id]
        others = {name: values[d.id] for name, values in references.items()}
        if any(value != now for value in others.values()):
            rows.append({"driver": d.id, "current": now, **others})
    return pd.DataFrame(rows, columns=["driver", "current", *references])


def end_deltas(
    current: pd.DataFrame, references: Mapping[str, pd.DataFrame], column: str = "p50", week: int | None = None
) -> pd.DataFrame:
    """Per indicator at `week` (default: the last): the current value, each reference's, and current minus it."""
    week = int(current["week"].max()) if week is None else week
    now = current[current["week"] == week].set_index("indicator")[column]
    table = pd.DataFrame({"indicator": now.index, "current": now.to_numpy()})
    for name, frame in references.items():
        ref = frame[frame["week"] == week].set_index("indicator")[column].reindex(now.index)
        table[name] = ref.to_numpy()
        table[f"delta {name}"] = now.to_numpy() - ref.to_numpy()
    return table


def weekly_deltas(
    current: pd.DataFrame,
    reference: pd.DataFrame,
    column: str = "p50",
    band: tuple[str, str] = ("p10", "p90"),
) -> pd.DataFrame:
    """Per week and indicator: current minus reference at `column`, with the current band around the reference.

    Columns: week, indicator, current, reference, delta (= current - reference at `column`), and delta_low /
    delta_high (the current band's edges minus the reference's `column`): the shaded range is where the
    current setting's runs lie, read relative to the reference median. Rows follow `current`'s order; weeks
    or indicators missing from `reference` give NaN.
    """
    keys = ["week", "indicator"]
    ref = reference[[*keys, column]].rename(columns={column: "reference"})
    table = current[[*keys, column, *band]].merge(ref, on=keys, how="left", sort=False)
    return pd.DataFrame(
        {
            "week": table["week"].to_numpy(),
            "indicator": table["indicator"].to_numpy(),
            "current": table[column].to_numpy(),
            "reference": table["reference"].to_numpy(),
            "delta": (table[column] - table["reference"]).to_numpy(),
            "delta_low": (table[band[0]] - table["reference"]).to_numpy(),
            "delta_high": (table[band[1]] - table["reference"]).to_numpy(),
        }
    )
