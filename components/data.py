"""Cached access to the scenario catalogue and to projections, keyed on plain values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from engine.catalog import Catalog, load_catalog
from engine.ensemble import run_ensemble
from engine.schema import Scenario
from engine.simulation import CompiledModel, compile_scenario

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

# A slider setting as a hashable, order-fixed key: ((driver_id, value), ...).
Setting = tuple[tuple[str, float], ...]


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    # Names, sizes and mtimes: a new or edited YAML reloads the catalogue without a restart.
    out = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


@st.cache_resource(max_entries=4, show_spinner=False)
def _catalog(folder: str, fingerprint: tuple) -> Catalog:
    return load_catalog(folder)


def catalog(folder: Path = SCENARIO_DIR) -> Catalog:
    return _catalog(str(folder), _fingerprint(folder))


@st.cache_resource(max_entries=64, show_spinner=False)
def _compiled(digest: str, _scenario: Scenario) -> CompiledModel:
    return compile_scenario(_scenario)


def setting(values: dict[str, float]) -> Setting:
    return tuple((key, float(value)) for key, value in values.items())


@st.cache_data(max_entries=256, show_spinner=False)
def projection(
    digest: str, _scenario: Scenario, values: Setting, runs: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bands and question probabilities; the digest stands for the scenario in the cache key."""
    result = run_ensemble(_scenario, dict(values), runs=runs, seed=seed, model=_compiled(digest, _scenario))
    return result.bands, result.questions
