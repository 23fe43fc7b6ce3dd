"""Cached access to the scenario catalogue, to projections and to reality checks, keyed on plain values."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from engine.budget import MAX_MEMORY, MAX_WORK, BudgetExceeded, ServerBusy
from engine.cache import ByteCache
from engine.catalog import Catalog, load_catalog
from engine.checks import CheckResult, run_checks
from engine.ensemble import NonFiniteResult, run_ensemble
from engine.limits import scenarios_folder
from engine.loader import ScenarioError
from engine.model import Model
from engine.pooling import DISAGREEMENT_RUNS, Pool, disagreement, pooled_ensemble
from engine.rounds import RoundStore
from engine.schema import Scenario
from engine.sensitivity import tornado_points
from engine.store import LINK_PREFIX, ScenarioStore, StoreError, default_url, link_ref
from present.i18n import t, whole_number
from ui import session

logger = logging.getLogger(__name__)


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


def catalog(folder: Path | None = None) -> Catalog:
    """The scenarios folder's catalogue (engine.limits.scenarios_folder() unless given), reloaded when it changes."""
    folder = scenarios_folder() if folder is None else folder
    return _catalog(str(folder), _fingerprint(folder))


# A scenario is compiled once per server process: the cache keys on its digest, not on the object.
@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={Scenario: lambda s: s.digest})
def model_of(scenario: Scenario) -> Model:
    return Model.of(scenario)


def setting(values: dict[str, float]) -> Setting:
    return tuple((key, float(value)) for key, value in values.items())


# Each distinct link's projection is kept for whoever asks next; bounded in bytes, since a large
# scenario's bands are a thousand times the seed scenario's.
PROJECTION_CACHE_BYTES = 192 * 1024 * 1024
_projections = ByteCache(PROJECTION_CACHE_BYTES)

# What a computation can be refused for: its budget, a busy server, or numbers that are not finite.
REFUSALS = (BudgetExceeded, ServerBusy, NonFiniteResult)


def projection(model: Model, values: Setting, runs: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bands and question probabilities (shared between sessions: never mutate them), keyed on the model's
    digest. Raises one of REFUSALS when the computation is refused."""

    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        result = run_ensemble(model, dict(values), runs=runs, seed=seed)
        return result.bands, result.questions

    return _projections.get_or_compute((model.digest, values, runs, seed), compute)


# Two point runs per check at most: cheap, but the same for every session on a scenario, so kept per digest.
@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={Model: lambda m: m.digest})
def reality_checks(model: Model) -> tuple[CheckResult, ...]:
    """Every reality check of the model's scenario on the point run (shared between sessions: frozen).
    Raises one of REFUSALS when the computation is refused."""
    return tuple(run_checks(model))


# One simulate call of 2 x drivers + 1 point runs, to the latest deadline: what the bottom line's "depends most
# on" reads at every question's deadline.
_swings = ByteCache(16 * 1024 * 1024)


def swings(model: Model, values: Setting, weeks: tuple[int, ...]) -> dict[int, pd.DataFrame]:
    """engine.sensitivity.tornado_points at `weeks`, by week (shared between sessions: never mutate them).
    Raises one of REFUSALS when the computation is refused."""
    return _swings.get_or_compute(
        (model.digest, values, weeks), lambda: tornado_points(model, dict(values), weeks=list(weeks))
    )


def refusal_text(err: Exception, what: str, lang: str) -> str:
    """Why a computation was refused, in the page's language; `what` names it."""
    if isinstance(err, BudgetExceeded):
        return t(
            "refused_budget",
            lang,
            what=what,
            work=whole_number(err.cost.work, lang),
            memory=whole_number(round(err.cost.memory / 2**20), lang),
            max_work=whole_number(MAX_WORK, lang),
            max_memory=whole_number(MAX_MEMORY // 2**20, lang),
        )
    if isinstance(err, ServerBusy):
        return t("refused_busy", lang)
    return t("refused_non_finite", lang)


@dataclass(frozen=True)
class Choice:
    """A scenario the picker offers: from the scenarios folder, or saved by a user (ref 'sha-...')."""

    ref: str
    model: Model

    @property
    def saved(self) -> bool:
        return self.ref.startswith(LINK_PREFIX)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> ScenarioStore:
    return ScenarioStore(url)


def store() -> ScenarioStore | None:
    """The shared scenario store, or None when it cannot be reached (the log has why; the page carries on)."""
    try:
        return _store(default_url())
    except StoreError:
        # Not cached (Streamlit caches no exception): the next rerun tries again.
        return None


class _NotStored(LookupError):
    pass


@st.cache_resource(max_entries=256, show_spinner=False)
def _saved(url: str, ref: str) -> Choice:
    # Only hits are cached: a ref names the same scenario forever. A miss or a failure raises, and Streamlit
    # caches no exception, so a link opened before its scenario was saved, or while the store was down, works
    # as soon as the scenario is there; digests are predictable, so a cached miss would let anyone break a link.
    found = _store(url).load(ref)
    if found is None:
        raise _NotStored(ref)
    saved, scenario = found
    return Choice(saved.ref, model_of(scenario))


def resolve(ref: str, folder: Catalog) -> Choice | None:
    """A scenario reference from the picker or a link: a folder scenario id or a saved 'sha-...' ref."""
    if ref.startswith(LINK_PREFIX):
        the_store = store()
        if the_store is None:
            session.note_open_failed()
            return None
        try:
            return _saved(the_store.url, ref)
        except _NotStored:
            return None
        except StoreError:
            session.note_open_failed()
            return None
        except ScenarioError as err:
            # Stored under an older, looser schema: the row stays, the link cannot open it.
            logger.warning("saved scenario %s no longer loads: %s", ref, err)
            return None
    if ref in folder.scenarios:
        entry = folder.entry(ref)
        return Choice(ref, model_of(entry.scenario))
    return None


def source_text(ref: str, folder: Catalog) -> str | None:
    """The YAML text a scenario was read from (its file, or the text saved), comments and all; None when it
    cannot be had (the store is down, the file is gone)."""
    if ref.startswith(LINK_PREFIX):
        the_store = store()
        try:
            return the_store.yaml_text(ref) if the_store is not None else None
        except StoreError:
            return None
    try:
        return folder.entry(ref).path.read_text(encoding="utf-8")
    except (KeyError, OSError, UnicodeDecodeError):
        return None


def comparable(folder: Catalog, saved_refs: list[str]) -> dict[str, Scenario]:
    """What a saved scenario may be compared with: the folder's scenarios and the saved ones this session
    opened, by digest."""
    out = {scenario.digest: scenario for scenario in folder.scenarios.values()}
    for ref in saved_refs:
        found = resolve_scenario(ref, folder)
        if found is not None:
            out.setdefault(found.digest, found)
    return out


def scenario_by_digest(digest: str, folder: Catalog) -> Scenario | None:
    """The scenario with this full digest: a folder scenario, else a saved one; None when neither has it."""
    for scenario in folder.scenarios.values():
        if scenario.digest == digest:
            return scenario
    return resolve_scenario(link_ref(digest), folder) if len(digest) == 64 else None


def resolve_scenario(ref: str, folder: Catalog) -> Scenario | None:
    """resolve(), for the link codec: the scenario a reference names, or None."""
    choice = resolve(ref, folder)
    return choice.model.scenario if choice else None


def choices(folder: Catalog, saved_refs: list[str]) -> dict[str, Choice]:
    """Folder scenarios first, then the saved ones this session has opened."""
    out = {sid: Choice(sid, model_of(folder.entry(sid).scenario)) for sid in folder.scenarios}
    for ref in saved_refs:
        choice = resolve(ref, folder)
        if choice is not None:
            out[ref] = choice
    if session.pop_open_failed():
        # Here, after the link has set the language, rather than in resolve() while it is being read.
        lang = session.language(st.context.locale)
        st.warning(t("store_open_failed", lang), icon=":material/cloud_off:")
    return out


# --- team rounds ---------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _round_store(url: str) -> RoundStore:
    return RoundStore(_store(url))


def round_store() -> RoundStore | None:
    """The rounds beside the shared scenario store, or None when the store cannot be reached."""
    try:
        return _round_store(default_url())
    except StoreError:
        return None


# Pools, swings, sweeps and maps are shared by everyone who asks for the same: a round's are keyed on its
# submissions' row ids, which never change (rows are only inserted), with the runs and the seed.
_pools = ByteCache(96 * 1024 * 1024)


def cached(key: tuple, compute):
    """A result shared between sessions (never mutate it), kept by `key`; errors are raised and not kept.
    The key must name everything the result depends on, the model's digest first."""
    return _pools.get_or_compute(key, compute)


def pool(model: Model, submissions: tuple, runs: int, seed: int) -> Pool:
    """The pooled ensemble of these submissions (each a member's latest). Raises one of REFUSALS."""
    key = ("pool", model.digest, tuple((s.round_id, s.id) for s in submissions), runs, seed)
    return _pools.get_or_compute(key, lambda: pooled_ensemble(model, [s.judgement for s in submissions], runs, seed))


def disagreement_of(model: Model, submissions: tuple, questions: tuple[str, ...], seed: int) -> pd.DataFrame:
    """engine.pooling.disagreement of these submissions over `questions`. Raises one of REFUSALS."""
    key = ("disagreement", model.digest, tuple((s.round_id, s.id) for s in submissions), questions, seed)
    return _pools.get_or_compute(
        key, lambda: disagreement(model, [s.judgement for s in submissions], DISAGREEMENT_RUNS, seed, questions)
    )
