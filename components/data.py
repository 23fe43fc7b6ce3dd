"""Cached access to the scenario catalogue and to projections, keyed on plain values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from engine.catalog import Catalog, load_catalog, scenario_digest
from engine.ensemble import run_ensemble
from engine.loader import ScenarioError
from engine.schema import Scenario
from engine.simulation import CompiledModel, compile_scenario
from engine.store import LINK_PREFIX, ScenarioStore, default_url

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


@dataclass(frozen=True)
class Choice:
    """A scenario the picker offers: from the scenarios folder, or saved by a user (ref 'sha-...')."""

    ref: str
    scenario: Scenario
    digest: str

    @property
    def saved(self) -> bool:
        return self.ref.startswith(LINK_PREFIX)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> ScenarioStore:
    return ScenarioStore(url)


def store() -> tuple[ScenarioStore | None, str]:
    """The shared scenario store, or None and the reason it cannot be reached (the page carries on)."""
    try:
        return _store(default_url()), ""
    except (SQLAlchemyError, OSError, ImportError) as err:
        return None, f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"


@st.cache_resource(max_entries=256, show_spinner=False)
def _saved(url: str, ref: str) -> Choice | None:
    # Content-addressed: what a ref names never changes, so caching it for the process is safe.
    try:
        found = _store(url).load(ref)
    except (SQLAlchemyError, ScenarioError):
        return None
    if found is None:
        return None
    saved, scenario = found
    return Choice(saved.ref, scenario, scenario_digest(scenario))


def resolve(ref: str, folder: Catalog) -> Choice | None:
    """A scenario reference from the picker or a link: a folder scenario id or a saved 'sha-...' ref."""
    if ref.startswith(LINK_PREFIX):
        the_store, _ = store()
        return _saved(the_store.url, ref) if the_store is not None else None
    if ref in folder.scenarios:
        entry = folder.entry(ref)
        return Choice(ref, entry.scenario, entry.digest)
    return None


def choices(folder: Catalog, saved_refs: list[str]) -> dict[str, Choice]:
    """Folder scenarios first, then the saved ones this session has opened."""
    out = {sid: Choice(sid, e.scenario, e.digest) for sid, e in ((s, folder.entry(s)) for s in folder.scenarios)}
    for ref in saved_refs:
        choice = resolve(ref, folder)
        if choice is not None:
            out[ref] = choice
    return out
