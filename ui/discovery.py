"""The 'What if?' tab: the two-driver map, scenario discovery over a sweep, and the robustness of the levers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from engine.budget import max_swing_runs
from engine.discovery import best_box, paste, prim, simplify, trajectory_frame, tree_box
from engine.distributed import configured_scheduler, run_sweep_parallel
from engine.robustness import lever_grid, levers, preset_levers, robustness
from engine.sensitivity import what_if_grid
from engine.serialize import scenario_to_yaml
from engine.store import DATA_DIR_ENV
from engine.sweep import DESIGNS, design_for, run_sweep
from present import discovery as present
from present.i18n import t, whole_number
from present.text import md_escape
from ui import data, session
from ui.panels import CHART_CONFIG, static_table

SWEEP_POINTS = (64, 128, 256, 512)
SWEEP_RUNS = (100, 200)
MAP_STEPS = 11
MAP_RUNS = 200
ROBUST_STATES = 64
ROBUST_RUNS = 100
DISCOVERY_POINTS_MAX = 50_000  # a results file is sampled down to this for PRIM: seconds, not minutes
RESULTS_BYTES_MAX = 512 * 1024**2
SWEEPS_DIR_ENV = "SCENARIO_SWEEPS_DIR"
SWEEP_KEY = "discovery:sweep"  # the design this session last swept, for the discovery below the form


def sweeps_folder() -> Path:
    """Where the command line's results are opened from: SCENARIO_SWEEPS_DIR, else <data dir>/sweeps."""
    configured = os.environ.get(SWEEPS_DIR_ENV, "").strip()
    return Path(configured) if configured else Path(os.environ.get(DATA_DIR_ENV, "data")) / "sweeps"


def render(view: session.View, source_text: str | None) -> None:
    _what_if(view)
    st.divider()
    _discover(view, source_text)
    st.divider()
    _robustness(view)


# --- the two-driver map ----------------------------------------------------------------------------------------


def _what_if(view: session.View) -> None:
    scenario, lang = view.scenario, view.lang
    st.subheader(t("discovery_map_header", lang))
    st.caption(t("discovery_map_help", lang, runs=whole_number(MAP_RUNS, lang), seed=view.seed))
    if len(scenario.drivers) < 2 or not scenario.questions:
        return
    names = {d.id: d.label.get(lang) for d in scenario.drivers}
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    ids = list(names)
    left, middle, right = st.columns(3)
    x = left.selectbox(t("discovery_x_driver", lang), ids, index=0, format_func=names.get, key="discovery:x")
    others = [d for d in ids if d != x]
    y = middle.selectbox(t("discovery_y_driver", lang), others, format_func=names.get, key="discovery:y")
    q = right.selectbox(t("discovery_question", lang), list(texts), format_func=texts.get, key="discovery:q")
    key = ("what-if", view.digest, data.setting(view.values), x, y, q, MAP_STEPS, MAP_RUNS, view.seed)
    try:
        grid = data.cached(key, lambda: what_if_grid(view.model, view.values, x, y, q, MAP_STEPS, MAP_RUNS, view.seed))
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("discovery_map_header", lang), lang))
        return
    question = next(item for item in scenario.questions if item.id == q)
    st.plotly_chart(
        present.what_if_figure(scenario, grid, x, y, view.values, question, lang),
        key="discovery:map",
        config=CHART_CONFIG,
    )


# --- scenario discovery -------------------------------------------------------------------------------------------


def _allowed_points(view: session.View) -> list[int]:
    """The point counts whose sweep fits the work budget at the fewest runs offered (more runs may not)."""
    fitting = [p for p in SWEEP_POINTS if min(SWEEP_RUNS) <= max_swing_runs(view.scenario, p)]
    return fitting or [SWEEP_POINTS[0]]


def _discover(view: session.View, source_text: str | None) -> None:
    scenario, lang = view.scenario, view.lang
    st.subheader(t("discovery_discover_header", lang))
    st.caption(t("discovery_discover_help", lang))
    if not scenario.questions:
        return
    names = {d.id: d.label.get(lang) for d in scenario.drivers}
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    with st.form("discovery:form"):
        question = st.selectbox(t("discovery_question", lang), list(texts), format_func=texts.get)
        drivers = st.multiselect(t("discovery_drivers", lang), list(names), default=list(names), format_func=names.get)
        left, middle, right = st.columns(3)
        runs = left.selectbox(t("discovery_runs_field", lang), SWEEP_RUNS, index=0)
        offered = _allowed_points(view)
        points = middle.selectbox(t("discovery_points_field", lang), offered, index=min(2, len(offered) - 1))
        kind = right.selectbox(
            t("discovery_design", lang), DESIGNS, format_func=lambda k: t(f"discovery_design_{k}", lang)
        )
        cutoff = st.slider(t("discovery_cutoff", lang), 5, 95, 50, 5, format="%d %%")
        asked = st.form_submit_button(t("discovery_run", lang), type="primary")
    if asked:
        if not drivers:
            st.error(t("discovery_drivers", lang))
            return
        st.session_state[SWEEP_KEY] = (question, tuple(drivers), int(runs), int(points), kind, cutoff)
    chosen = st.session_state.get(SWEEP_KEY)
    files = _result_files()
    source = None
    if files:
        with st.expander(t("discovery_open_results", lang)):
            st.caption(
                t(
                    "discovery_open_results_help",
                    lang,
                    folder=md_escape(str(sweeps_folder())),
                    limit=whole_number(DISCOVERY_POINTS_MAX, lang),
                )
            )
            picked = st.selectbox(
                t("discovery_results_file", lang),
                [None, *files],
                format_func=lambda f: t("discovery_this_sweep", lang) if f is None else f.name,
                key="discovery:file",
            )
            if picked is not None:
                source = picked
    if source is not None:
        question = chosen[0] if chosen else next(iter(texts))
        cutoff = chosen[5] if chosen else 50
        frame = _read_results(source, view, question, lang)
        if frame is None:
            return
        swept = [c for c in frame.columns if c in names]
        _show_discovery(view, frame, swept, question, cutoff / 100, lang, ("file", str(source), source.stat().st_mtime))
        return
    if not chosen or chosen[0] not in texts or any(d not in names for d in chosen[1]):
        return
    question, drivers, runs, points, kind, cutoff = chosen
    design = design_for(scenario, drivers, points, kind, view.seed, view.values)
    bar = st.progress(0.0, text=t("discovery_running", lang, points=whole_number(points, lang), runs=runs))

    def compute() -> pd.DataFrame:
        scheduler = configured_scheduler()
        if scheduler:
            text = source_text if source_text is not None else scenario_to_yaml(scenario)
            return run_sweep_parallel(text, design, runs, view.seed, scheduler=scheduler, progress=bar.progress)
        return run_sweep(view.model, design, runs, view.seed, progress=bar.progress)

    try:
        frame = data.cached(("sweep", view.digest, design.key(), runs, view.seed), compute)
    except data.REFUSALS as refused:
        bar.empty()
        st.warning(data.refusal_text(refused, t("discovery_discover_header", lang), lang))
        return
    except OSError:
        bar.empty()
        st.error(t("round_store_down", lang))
        return
    bar.empty()
    cases = int((frame[f"p:{question}"] > cutoff / 100).sum())
    st.caption(
        t(
            "discovery_swept_caption",
            lang,
            points=whole_number(points, lang),
            runs=runs,
            seed=view.seed,
            design=t(f"discovery_design_{kind}", lang),
            cases=whole_number(cases, lang),
        )
    )
    _show_discovery(view, frame, list(drivers), question, cutoff / 100, lang, design.key())


def _show_discovery(
    view: session.View,
    frame: pd.DataFrame,
    drivers: list[str],
    question_id: str,
    cutoff: float,
    lang: str,
    source: tuple,
) -> None:
    """PRIM's boxes over `frame` (the sweep `source` names, for the cache), the chosen one in words, the tree's."""
    scenario = view.scenario
    question = next(q for q in scenario.questions if q.id == question_id)
    y = (frame[f"p:{question_id}"] > cutoff).to_numpy()
    if not y.any():
        st.info(t("discovery_no_cases", lang))
        return
    if y.all():
        st.info(t("discovery_all_cases", lang))
        return
    x = frame[drivers]
    key = ("prim", view.digest, source, question_id, cutoff, tuple(drivers))
    boxes = data.cached(key, lambda: prim(x, y))
    trajectory = trajectory_frame(boxes)
    default = boxes.index(best_box(boxes))
    # The chart first, the picker under it: the chart shows what the picker picks, so it is drawn after.
    chart = st.empty()
    step = st.slider(t("discovery_pick", lang), 0, len(boxes) - 1, default, key=f"discovery:step:{question_id}")
    box = simplify(x, y, paste(x, y, boxes[step]))
    with chart:
        st.plotly_chart(
            present.trajectory_figure(trajectory, step, box, lang), key="discovery:trajectory", config=CHART_CONFIG
        )
    st.caption(t("discovery_coverage_line", lang) + " " + t("discovery_density_line", lang))
    full = {d: (float(x[d].min()), float(x[d].max())) for d in drivers}
    st.markdown(f"**{md_escape(present.box_sentence(scenario, question, cutoff, box, full, lang))}**")
    if box.restricted:
        static_table(present.box_table(scenario, box, full, lang))
    tree = tree_box(x, y, seed=view.seed)
    names = {d.id: d.label.get(lang) for d in scenario.drivers}
    if tree is None:
        st.caption(t("discovery_tree", lang) + " " + t("discovery_tree_none", lang))
        return
    st.markdown(
        t("discovery_tree", lang) + " " + md_escape(present.box_sentence(scenario, question, cutoff, tree, full, lang))
    )

    def listed(box) -> str:
        return ", ".join(names[d] for d in box.restricted) or t("discovery_nothing", lang)

    if set(tree.restricted) == set(box.restricted):
        st.caption(md_escape(t("discovery_agree", lang, drivers=listed(box))))
    else:
        st.caption(md_escape(t("discovery_differ", lang, prim=listed(box), tree=listed(tree))))


def _result_files() -> list[Path]:
    folder = sweeps_folder()
    if not folder.is_dir():
        return []
    # Parquet only: a CSV cannot carry the scenario's hash, so nothing would say which scenario it sweeps.
    found = [p for p in folder.iterdir() if p.suffix == ".parquet" and p.is_file()]
    return sorted(found, key=lambda p: p.name)[:200]


def _sampled(path: Path, seed: int) -> pd.DataFrame:
    """The file's table, sampled (seeded) to DISCOVERY_POINTS_MAX rows, its attrs kept."""
    if path.stat().st_size > RESULTS_BYTES_MAX:
        raise ValueError(f"larger than {RESULTS_BYTES_MAX // 1024**2} MiB")
    frame = pd.read_parquet(path)
    if len(frame) > DISCOVERY_POINTS_MAX:
        attrs = dict(frame.attrs)
        keep = np.sort(np.random.default_rng(seed).choice(len(frame), DISCOVERY_POINTS_MAX, replace=False))
        frame = frame.iloc[keep].reset_index(drop=True)
        frame.attrs = attrs
    return frame


def _read_results(path: Path, view: session.View, question: str, lang: str) -> pd.DataFrame | None:
    """A command-line sweep of this scenario and question, sampled to DISCOVERY_POINTS_MAX; None (said why) if not.

    Read once per file version (its time and size) and seed, and shared: a large file is read on its first visit.
    """
    try:
        stat = path.stat()
        key = ("results", str(path), stat.st_mtime_ns, stat.st_size, view.seed)
        frame = data.cached(key, lambda: _sampled(path, view.seed))
    except (OSError, ValueError, ImportError) as err:
        st.error(t("discovery_bad_file", lang, file=md_escape(path.name), reason=md_escape(str(err)[:200])))
        return None
    attrs = frame.attrs or {}
    if attrs.get("sha256") != view.digest or attrs.get("question") != question or f"p:{question}" not in frame:
        st.error(
            t(
                "discovery_wrong_file",
                lang,
                file=md_escape(path.name),
                scenario=md_escape(str(attrs.get("scenario", "?"))),
                digest=md_escape(str(attrs.get("sha256", "?"))[:16]),
                question=md_escape(str(attrs.get("question", "?"))),
            )
        )
        return None
    return frame


# --- robustness -------------------------------------------------------------------------------------------------


def _robustness(view: session.View) -> None:
    scenario, lang = view.scenario, view.lang
    st.subheader(t("discovery_robust_header", lang))
    lever_ids = levers(scenario)
    if not lever_ids:
        st.info(t("discovery_no_levers", lang))
        return
    names = {d.id: d.label.get(lang) for d in scenario.drivers}
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    st.caption(
        t(
            "discovery_robust_help",
            lang,
            levers=md_escape(", ".join(names[k] for k in lever_ids)),
            points=ROBUST_STATES,
        )
    )
    if not scenario.questions:
        return
    with st.form("discovery:robust_form"):
        question = st.selectbox(t("discovery_question", lang), list(texts), format_func=texts.get)
        modes = ["presets", "grid"] if len(lever_ids) >= 2 else ["presets"]
        mode = st.radio(
            t("discovery_settings_from", lang),
            modes,
            format_func=lambda m: t("discovery_from_presets" if m == "presets" else "discovery_from_grid", lang),
            horizontal=True,
        )
        left, right = st.columns(2)
        first = left.selectbox(t("discovery_lever_a", lang), lever_ids, index=0, format_func=names.get)
        second = right.selectbox(
            t("discovery_lever_b", lang), lever_ids, index=min(1, len(lever_ids) - 1), format_func=names.get
        )
        cutoff = st.slider(t("discovery_robust_cutoff", lang), 5, 95, 50, 5, format="%d %%")
        asked = st.form_submit_button(t("discovery_robust_run", lang))
    if asked:
        st.session_state["discovery:robust"] = (question, mode, first, second, cutoff)
    chosen = st.session_state.get("discovery:robust")
    if not chosen or chosen[0] not in texts:
        return
    question, mode, first, second, cutoff = chosen
    try:
        settings = lever_grid(scenario, first, second, 3) if mode == "grid" else preset_levers(scenario)
    except ValueError as err:
        st.error(md_escape(str(err)))
        return
    if not settings:
        return
    cutoffs = {question: cutoff / 100}
    key = ("robust", view.digest, tuple((k, tuple(sorted(v.items()))) for k, v in settings.items()), question,
           cutoff, ROBUST_STATES, ROBUST_RUNS, view.seed, data.setting(view.values))  # fmt: skip
    try:
        result = data.cached(
            key,
            lambda: robustness(view.model, settings, cutoffs, ROBUST_STATES, ROBUST_RUNS, view.seed, view.values),
        )
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("discovery_robust_header", lang), lang))
        return
    q = next(item for item in scenario.questions if item.id == question)
    st.markdown(md_escape(present.robustness_sentence(scenario, result, q, lang)))
    static_table(present.robustness_table(scenario, result, question, lang))
