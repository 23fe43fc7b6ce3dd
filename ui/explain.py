"""The "Why" tab: tornado per indicator or question, Sobol indices on demand, causal map with loops, scenario diff."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from engine.budget import MAX_WORK, BudgetExceeded
from engine.cache import ByteCache
from engine.causal import CausalGraph, causal_graph, feedback_loops, focus, layered_layout, layout, self_impacts
from engine.limits import SOBOL_DEFAULT, SOBOL_SIZES
from engine.model import Model
from engine.report import contrast_presets, driver_differences, weekly_deltas
from engine.schema import Scenario
from engine.sensitivity import (
    SobolResult,
    probability_tornado_cost,
    probability_tornado_max_runs,
    sobol_design_cost,
    sobol_evaluations,
    sobol_fits,
    sobol_indices,
    top_coefficients,
    tornado_point,
    tornado_probability,
    uncertain_impacts,
)
from present.charts_sensitivity import (
    CausalLabels,
    DeltaLabels,
    SobolLabels,
    TornadoLabels,
    causal_figure,
    delta_figure,
    edge_key,
    node_key,
    sobol_figure,
    tornado_figure,
)
from present.i18n import t, whole_number
from present.tables import cited, scale_text, with_level
from present.text import md_escape
from ui import data
from ui.panels import column_labels
from ui.session import View

CHART_CONFIG = {"displaylogo": False, "responsive": True}
CURRENT = "__current__"
NOISY_SOBOL_N = 512  # below this sample size, S1 > ST is read as sampling noise and said so


# --- cached computations, keyed on plain values (the digest stands for the scenario) -------------------------


# Shared by every session of the server, bounded in bytes: a large scenario's tornado holds a row
# per driver and indicator.
_results = ByteCache(64 * 1024 * 1024)


def _tornado_point(model: Model, values: data.Setting) -> pd.DataFrame:
    return _results.get_or_compute(("point", model.digest, values), lambda: tornado_point(model, dict(values)))


def _tornado_probability(model: Model, values: data.Setting, question: str, runs: int, seed: int) -> pd.DataFrame:
    return _results.get_or_compute(
        ("probability", model.digest, values, question, runs, seed),
        lambda: tornado_probability(model, dict(values), runs, seed, questions=[question]),
    )


def _sobol(model: Model, values: data.Setting, n: int, seed: int, text: str) -> SobolResult:
    def compute() -> SobolResult:
        bar = st.progress(0.0, text=text)
        try:
            return sobol_indices(model, dict(values), n=n, seed=seed, progress=lambda f: bar.progress(f, text=text))
        finally:
            bar.empty()

    return _results.get_or_compute(("sobol", model.digest, values, n, seed), compute)


# Streamlit keys these caches on the model's digest (hash_funcs), never on the object.
BY_DIGEST = {Model: lambda m: m.digest}


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_DIGEST)
def _graph(model: Model) -> tuple[CausalGraph, dict[str, tuple[float, float]]]:
    graph = causal_graph(model)
    return graph, layout(graph)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_DIGEST)
def _map_figure(
    model: Model, lang: str, indicator: str | None = None, steps: int = 1, highlight: tuple[int, ...] = ()
) -> go.Figure:
    """The full map (`indicator` None) or the focus map of `indicator` within `steps` impacts, with the
    impacts in `highlight` drawn strong. Depends on plain values only, so each is built once and shared
    (never mutated: st.plotly_chart serialises a copy)."""
    graph, positions = _graph(model)
    names = _names(model.scenario, lang)
    title = t("why_map_title", lang)
    if indicator is not None:
        view = focus(graph, indicator, steps)
        graph, positions = view.graph, layered_layout(view)
        title = t("why_map_focus_title", lang, indicator=names[indicator])
    labels = CausalLabels(
        title=title,
        positive=t("why_map_positive", lang),
        negative=t("why_map_negative", lang),
        driver=t("why_map_driver", lang),
        indicator=t("why_map_indicator", lang),
        weight=t("weight", lang),
        range=t("range", lang),
        self_impact=t("why_map_self", lang),
    )
    return causal_figure(graph, positions, names, labels, lang, highlight=highlight, layered=indicator is not None)


# --- sections ------------------------------------------------------------------------------------------------


def _names(scenario: Scenario, lang: str) -> dict[str, str]:
    return {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}


def _impact_name(scenario: Scenario, index: int, names: dict[str, str]) -> str:
    impact = scenario.impacts[index]
    return f"{names[impact.source_id]} → {names[impact.target]}"


def _tornado(model: Model, values: data.Setting, runs: int, seed: int, lang: str) -> str | None:
    """The tornado's section; returns its chosen question as the Sobol picker names it ("question:<id>"),
    for the picker to follow, or None when it shows an indicator's value."""
    scenario, digest = model.scenario, model.digest
    st.subheader(t("why_tornado_title", lang))
    prefix = f"why:{digest[:16]}"
    metrics = ["value", "probability"] if scenario.questions else ["value"]
    metric = st.radio(
        t("why_metric", lang),
        metrics,
        key=f"{prefix}:metric",
        horizontal=True,
        format_func=lambda m: t(f"why_metric_{m}", lang),
    )
    names = _names(scenario, lang)
    if metric == "probability":
        questions = {q.id: q for q in scenario.questions}
        chosen = st.selectbox(
            t("why_question", lang),
            list(questions),
            key=f"{prefix}:tornado-question",
            format_func=lambda q: questions[q].text.get(lang),
        )
        output = f"question:{chosen}"
        q = questions[chosen]
        # The swings take the cards' own ensemble (its runs and seed, common draws), so the tornado's
        # centre is the card's probability to the digit. Fewer runs would show a second, different figure
        # for the same setting; when the page's runs do not fit, the tornado says so instead.
        fitting = probability_tornado_max_runs(model, [q])
        if fitting < runs:
            refused = BudgetExceeded("", probability_tornado_cost(model, runs, [q]))
            st.warning(data.refusal_text(refused, t("what_tornado_probability", lang), lang))
            if fitting > 0:
                st.caption(t("why_tornado_fewer_runs", lang, runs=whole_number(fitting, lang)))
            return output
        try:
            frame = _tornado_probability(model, values, chosen, runs, seed)
        except data.REFUSALS as refused:
            st.warning(data.refusal_text(refused, t("what_tornado_probability", lang), lang))
            return output
        labels = TornadoLabels(
            title=t(
                "why_tornado_chart_probability",
                lang,
                indicator=names[q.indicator],
                threshold=q.threshold,
                week=q.by_week,
            ),
            axis=t("why_axis_probability", lang),
            at_min=t("why_at_min", lang),
            at_max=t("why_at_max", lang),
            base=t("why_base", lang),
        )
        fig = tornado_figure(frame, names, labels, percent=True)
        caption = t("why_tornado_caption_probability", lang, runs=whole_number(runs, lang), seed=seed)
    else:
        ids = [i.id for i in scenario.indicators]
        chosen = st.selectbox(t("indicator", lang), ids, key=f"{prefix}:tornado-indicator", format_func=names.get)
        output = None  # the Sobol picker follows a question only: the end values are its own options
        try:
            frame = _tornado_point(model, values)
        except data.REFUSALS as refused:
            st.warning(data.refusal_text(refused, t("what_tornado_value", lang), lang))
            return output
        frame = frame[frame["output"] == chosen]
        week = scenario.horizon_weeks
        labels = TornadoLabels(
            title=t("why_tornado_chart_value", lang, indicator=names[chosen], week=week),
            axis=t("why_axis_value", lang, week=week),
            at_min=t("why_at_min", lang),
            at_max=t("why_at_max", lang),
            base=t("why_base", lang),
        )
        fig = tornado_figure(frame, names, labels)
        caption = t("why_tornado_caption_value", lang)
    st.plotly_chart(fig, key=f"{prefix}:tornado", config=CHART_CONFIG)
    st.caption(caption)
    return output


def _output_name(scenario: Scenario, kind: str, output: str, week: int, names: dict[str, str], lang: str) -> str:
    if kind == "question":
        return scenario.questions[[q.id for q in scenario.questions].index(output)].text.get(lang)
    return t("why_sobol_output_end", lang, indicator=names[output], week=week)


def _sobol_section(model: Model, values: data.Setting, seed: int, lang: str, follow: str | None = None) -> None:
    scenario, digest = model.scenario, model.digest
    st.subheader(t("why_sobol_title", lang))
    st.markdown(t("why_sobol_intro", lang))
    prefix = f"why:{digest[:16]}"
    uncertain = len(uncertain_impacts(model.compiled))
    if uncertain == 0:
        st.info(t("why_sobol_none", lang))
        return
    # Only the sizes the work budget allows are offered.
    sizes = [n for n in SOBOL_SIZES if sobol_fits(model, n)]
    if not sizes:
        cost = sobol_design_cost(model, SOBOL_SIZES[0])
        st.warning(
            t(
                "why_sobol_too_large",
                lang,
                n=SOBOL_SIZES[0],
                work=whole_number(cost.work, lang),
                max_work=whole_number(MAX_WORK, lang),
            )
        )
        return
    if st.session_state.get(f"{prefix}:sobol-n") not in sizes:
        st.session_state[f"{prefix}:sobol-n"] = SOBOL_DEFAULT if SOBOL_DEFAULT in sizes else sizes[-1]
    n = st.selectbox(t("why_sobol_n", lang), sizes, key=f"{prefix}:sobol-n")
    st.caption(
        t(
            "why_sobol_cost",
            lang,
            uncertain=uncertain,
            evaluations=whole_number(sobol_evaluations(n, uncertain), lang),
        )
    )
    request = (digest, values, int(n), int(seed))
    requested_key = f"{prefix}:sobol-request"
    if st.button(t("why_sobol_run", lang), key=f"{prefix}:sobol-run", type="primary"):
        st.session_state[requested_key] = request
    previous = st.session_state.get(requested_key)
    if previous is None:
        return
    if previous != request:
        st.info(t("why_sobol_stale", lang))
        return
    try:
        result = _sobol(model, values, int(n), int(seed), t("why_sobol_progress", lang))
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("what_sobol", lang), lang))
        return
    _sobol_results(scenario, result, prefix, lang, follow)


def _sobol_results(scenario: Scenario, result: SobolResult, prefix: str, lang: str, follow: str | None = None) -> None:
    """The indices of a finished Sobol run; the output picker follows `follow` (the tornado's chosen output)
    whenever that changes, and stays where the reader puts it in between."""
    names = _names(scenario, lang)
    indices = result.indices
    coefficient = {k: _impact_name(scenario, k, names) for k in result.uncertain}
    if scenario.questions:
        st.markdown(f"**{t('why_sobol_summary', lang)}**")
        top = top_coefficients(indices[indices["kind"] == "question"], count=3)
        questions = {q.id: q.text.get(lang) for q in scenario.questions}
        st.dataframe(
            pd.DataFrame(
                {
                    # The indices first, the long texts after them: S1 and ST stay in view on a narrow screen.
                    "S1": top["S1"].round(3).to_numpy(),
                    "ST": top["ST"].round(3).to_numpy(),
                    t("why_question", lang): [questions[o] for o in top["output"]],
                    t("why_coefficient", lang): [coefficient[int(k)] for k in top["impact"]],
                }
            ),
            hide_index=True,
            key=f"{prefix}:sobol-summary",
        )
    outputs = result.outputs
    options = [f"{kind}:{output}" for kind, output in zip(outputs["kind"], outputs["output"], strict=True)]
    weeks = dict(zip(options, outputs["week"], strict=True))
    spread = dict(zip(options, outputs["std"], strict=True))
    output_key, followed_key = f"{prefix}:sobol-output", f"{prefix}:sobol-followed"
    if follow in options and st.session_state.get(followed_key) != follow:
        st.session_state[output_key] = follow
    st.session_state[followed_key] = follow
    chosen = st.selectbox(
        t("why_sobol_output", lang),
        options,
        key=output_key,
        format_func=lambda o: _output_name(scenario, *o.split(":", 1), int(weeks[o]), names, lang),
    )
    kind, output = chosen.split(":", 1)
    title = _output_name(scenario, kind, output, int(weeks[chosen]), names, lang)
    if spread[chosen] == 0:
        st.info(t("why_sobol_constant", lang))
    else:
        frame = indices[(indices["kind"] == kind) & (indices["output"] == output)]
        labels = SobolLabels(
            title=t("why_sobol_chart", lang, output=title),
            axis=t("why_sobol_axis", lang),
            first=t("why_sobol_first", lang),
            total=t("why_sobol_total", lang),
        )
        st.plotly_chart(sobol_figure(frame, coefficient, labels), key=f"{prefix}:sobol-chart", config=CHART_CONFIG)
        table = frame.sort_values(["ST", "impact"], ascending=[False, True], kind="stable")
        st.dataframe(
            pd.DataFrame(
                {
                    "S1": table["S1"].round(3).to_numpy(),
                    "ST": table["ST"].round(3).to_numpy(),
                    "± S1": table["S1_conf"].round(3).to_numpy(),
                    "± ST": table["ST_conf"].round(3).to_numpy(),
                    t("why_coefficient", lang): [coefficient[int(k)] for k in table["impact"]],
                }
            ),
            hide_index=True,
            key=f"{prefix}:sobol-table",
        )
    st.caption(
        t("why_sobol_caption", lang, n=result.n, evaluations=whole_number(result.evaluations, lang), seed=result.seed)
    )
    if result.n < NOISY_SOBOL_N and bool((indices["S1"] > indices["ST"]).any()):
        st.caption(f":material/info: {t('why_sobol_noise', lang, n=result.n)}")


def _selected(event) -> str | None:
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        custom = point.get("customdata")
        custom = custom[0] if isinstance(custom, list) and custom else custom
        if isinstance(custom, str) and custom.startswith(("node:", "edge:")):
            return custom
    return None


def _detail(scenario: Scenario, graph: CausalGraph, choice: str, values: dict[str, float], lang: str) -> None:
    names = _names(scenario, lang)
    kind, ident = choice.split(":", 1)
    if kind == "edge":
        edge = graph.edge(int(ident))
        lines = [
            f"**{t('why_kind_impact', lang)}:** {md_escape(names[edge.source])} → {md_escape(names[edge.target])}",
            f"**{t('weight', lang)}:** {edge.weight:+g} · **{t('range', lang)}:** {edge.low:g} … {edge.high:g}",
        ]
        if edge.note:
            lines.append(f"**{t('why_note', lang)}:** {md_escape(edge.note)}")
        basis = edge.basis
    elif graph.node(ident).kind == "driver":
        d = scenario.driver(ident)
        lines = [
            f"**{t('driver', lang)}:** {md_escape(d.label.get(lang))}",
            f"**{t('why_slider_range', lang)}:** {d.min:g} … {d.max:g} {md_escape(d.unit_in(lang))} · "
            f"**{t('default', lang)}:** {d.default:g} · **{t('current', lang)}:** {values[d.id]:g}",
        ]
        if d.description:
            lines.append(md_escape(d.description.get(lang)))
        basis = d.source
    else:
        i = scenario.indicator(ident)
        lines = [
            f"**{t('indicator', lang)}:** {md_escape(i.label.get(lang))}",
            f"**{t('initial', lang)}:** {md_escape(with_level(i, i.initial, lang))}",
        ]
        for e in self_impacts(graph):
            if e.target == ident:
                lines[-1] += f" · **{t('why_map_self', lang)}:** {e.weight:+g} ({e.low:g} … {e.high:g})"
        if i.description:
            lines.append(md_escape(i.description.get(lang)))
        if i.scale:
            lines.append(f"**{t('scale', lang)}:** {md_escape(scale_text(i, lang))}")
        if i.initial_source is not None:
            lines.append(f"**{t('initial', lang)}:** {cited(i.initial_source, lang).markdown(lang)}")
        basis = i.source
    lines.append(cited(basis, lang).markdown(lang))
    st.markdown("  \n".join(lines))


def _links(graph: CausalGraph, node: str, names: dict[str, str], prefix: str, lang: str) -> None:
    """A node's incoming and outgoing impacts (self-impacts apart), each with its weight, range and source;
    a judgement is named as one (the source's kind)."""
    for direction, other in (("in", "source"), ("out", "target")):
        edges = [e for e in graph.edges if not e.is_self and (e.target if direction == "in" else e.source) == node]
        st.markdown(f"**{t(f'why_links_{direction}', lang)}**")
        if not edges:
            st.caption(t("why_links_none", lang))
            continue
        st.dataframe(
            pd.DataFrame(
                {
                    t("why_link_from" if direction == "in" else "why_link_to", lang): [
                        names[getattr(e, other)] for e in edges
                    ],
                    t("weight", lang): [f"{e.weight:+g}" for e in edges],
                    t("range", lang): [f"{e.low:g} … {e.high:g}" for e in edges],
                    t("source_label", lang): [cited(e.basis, lang).kind for e in edges],
                    t("source_words", lang): [cited(e.basis, lang).plain(lang) for e in edges],
                }
            ),
            hide_index=True,
            key=f"{prefix}:links-{direction}",
        )


def _causal_section(model: Model, values: dict[str, float], lang: str) -> None:
    scenario, digest = model.scenario, model.digest
    st.subheader(t("why_map_title", lang))
    prefix = f"why:{digest[:16]}"
    names = _names(scenario, lang)
    graph, _ = _graph(model)
    loops, truncated = feedback_loops(graph)

    # Focus on one indicator first (the first question's, else the first indicator); the full map is one
    # click away.
    indicators = [i.id for i in scenario.indicators]
    mode = st.radio(
        t("why_map_view", lang),
        ["focus", "full"],
        key=f"{prefix}:map-view",
        horizontal=True,
        format_func=lambda m: t(f"why_map_{m}", lang),
    )
    indicator, steps = None, 1
    if mode == "focus":
        first = scenario.questions[0].indicator if scenario.questions else indicators[0]
        left, right = st.columns([3, 1])
        with left:
            indicator = st.selectbox(
                t("why_map_focus_on", lang),
                indicators,
                index=indicators.index(first),
                key=f"{prefix}:focus-indicator",
                format_func=names.get,
            )
        with right:
            steps = st.radio(t("why_map_steps", lang), [1, 2], key=f"{prefix}:focus-steps", horizontal=True)
    highlight: tuple[int, ...] = ()
    if loops:
        chosen_loop = st.selectbox(
            t("why_loop_highlight", lang),
            [-1, *range(len(loops))],
            key=f"{prefix}:loop-highlight",
            format_func=lambda k: (
                t("why_loop_highlight_none", lang)
                if k < 0
                else " → ".join(names[n] for n in (*loops[k].nodes, loops[k].nodes[0]))
            ),
        )
        if chosen_loop >= 0:
            highlight = loops[chosen_loop].edges
    event = st.plotly_chart(
        _map_figure(model, lang, indicator, int(steps), highlight),
        key=f"{prefix}:map",
        config=CHART_CONFIG,
        on_select="rerun",
        selection_mode="points",
    )
    if indicator is not None:
        if highlight and not set(highlight) <= {e.index for e in focus(graph, indicator, int(steps)).graph.edges}:
            st.caption(t("why_loop_outside", lang))
        st.caption(t("why_map_focus_caption", lang))
    else:
        st.caption(t("why_map_caption", lang))

    # A click on the map picks the element in the selectbox below; the selectbox stays usable afterwards.
    options = [""] + [node_key(n.id) for n in graph.nodes] + [edge_key(e.index) for e in graph.edges]
    inspect_key, last_key = f"{prefix}:inspect", f"{prefix}:map-pick"
    picked = _selected(event)
    if picked is not None and picked != st.session_state.get(last_key) and picked in options:
        st.session_state[inspect_key] = picked
    st.session_state[last_key] = picked

    def label(option: str) -> str:
        if not option:
            return t("why_inspect_none", lang)
        kind, ident = option.split(":", 1)
        if kind == "edge":
            return f"{t('why_kind_impact', lang)}: {_impact_name(scenario, int(ident), names)}"
        return f"{t(graph.node(ident).kind, lang)}: {names[ident]}"  # kind: "driver" or "indicator"

    choice = st.selectbox(t("why_inspect", lang), options, key=inspect_key, format_func=label)
    if choice:
        _detail(scenario, graph, choice, values, lang)
        if choice.startswith("node:"):
            _links(graph, choice.split(":", 1)[1], names, prefix, lang)

    st.markdown(f"**{t('why_loops_title', lang)}**")
    if not loops:
        st.caption(t("why_loops_none", lang))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    # The short columns first: on a narrow screen the long loop text scrolls, they stay.
                    t("why_polarity", lang): [t(f"why_{lp.polarity}", lang) for lp in loops],
                    t("why_length", lang): [len(lp.nodes) for lp in loops],
                    t("why_strength", lang): [round(lp.strength, 4) for lp in loops],
                    t("why_loop", lang): [" → ".join(names[n] for n in (*lp.nodes, lp.nodes[0])) for lp in loops],
                }
            ),
            hide_index=True,
            key=f"{prefix}:loops",
        )
        if truncated:
            st.caption(t("why_loops_truncated", lang, count=len(loops)))
        st.caption(t("why_loops_caption", lang))
    selfs = self_impacts(graph)
    if selfs:
        st.markdown(f"**{t('why_self_title', lang)}**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("indicator", lang): [names[e.target] for e in selfs],
                    t("weight", lang): [e.weight for e in selfs],
                    t("range", lang): [f"{e.low:g} … {e.high:g}" for e in selfs],
                    t("why_kind", lang): [t("why_damping" if e.weight < 0 else "why_momentum", lang) for e in selfs],
                    t("source_label", lang): [cited(e.basis, lang).kind for e in selfs],
                    t("source_words", lang): [cited(e.basis, lang).plain(lang) for e in selfs],
                }
            ),
            hide_index=True,
            key=f"{prefix}:self-impacts",
        )


def _diff_section(model: Model, values: dict[str, float], runs: int, seed: int, lang: str) -> None:
    scenario, digest = model.scenario, model.digest
    st.subheader(t("why_diff_title", lang))
    if not scenario.presets:
        st.info(t("why_diff_no_presets", lang))
        return
    prefix = f"why:{digest[:16]}"
    presets = {p.id: p for p in scenario.presets}
    title = {CURRENT: t("current", lang)} | {p.id: p.label.get(lang) for p in scenario.presets}
    # B opens on the preset that differs most from the current settings (the baseline when none differs).
    contrast = contrast_presets(scenario, values)
    opening = contrast[0] if contrast else scenario.baseline_preset()
    left, right = st.columns(2)
    with left:
        a = st.selectbox(t("why_diff_a", lang), [CURRENT, *presets], key=f"{prefix}:diff-a", format_func=title.get)
    with right:
        options = [*presets, CURRENT]
        b = st.selectbox(
            t("why_diff_b", lang), options, index=options.index(opening), key=f"{prefix}:diff-b", format_func=title.get
        )

    def setting_of(choice: str) -> dict[str, float]:
        if choice == CURRENT:
            return dict(values)
        return {k: float(v) for k, v in scenario.preset_values(choice).items()}

    values_a, values_b = setting_of(a), setting_of(b)
    if values_a == values_b:
        st.info(t("why_diff_same", lang))
        return
    names = _names(scenario, lang)
    # Columns keyed "current" and "b", never by label: a preset may be labelled "Driver" or like the
    # current settings; the labels are what the reader sees, through the column config.
    diff = driver_differences(scenario, values_a, {"b": values_b})
    diff["driver"] = [names[d] for d in diff["driver"]]
    shown = {"driver": t("driver", lang), "current": title[a], "b": title[b]}
    if title[a] == title[b]:  # a preset labelled like "current settings": tell the columns apart
        shown |= {"current": f"A: {title[a]}", "b": f"B: {title[b]}"}
    st.markdown(f"**{t('differences', lang)}**")
    st.dataframe(diff, hide_index=True, key=f"{prefix}:diff-drivers", column_config=column_labels(shown))

    try:
        bands_a, _ = data.projection(model, data.setting(values_a), runs, seed)
        bands_b, _ = data.projection(model, data.setting(values_b), runs, seed)
    except data.REFUSALS as refused:
        st.warning(data.refusal_text(refused, t("what_ensemble", lang, runs=runs), lang))
        return
    deltas = weekly_deltas(bands_a, bands_b)
    indicators = {i.id: names[i.id] for i in scenario.indicators}
    labels = DeltaLabels(
        title=t("why_diff_chart", lang, a=title[a], b=title[b]),
        week=t("week", lang),
        axis=t("why_diff_axis", lang),
        delta=t("why_diff_delta", lang),
        band=t("why_diff_band", lang),
    )
    st.plotly_chart(delta_figure(deltas, indicators, labels), key=f"{prefix}:diff-chart", config=CHART_CONFIG)
    st.caption(t("why_diff_caption", lang, runs=whole_number(runs, lang), seed=seed))
    with st.expander(t("why_diff_table", lang)):
        table = deltas.pivot(index="week", columns="indicator", values="delta")[list(indicators)]
        st.dataframe(table.round(1), key=f"{prefix}:diff-table", column_config=column_labels(indicators))


def render(view: View) -> None:
    """Everything on the "Why" tab, for the view's settings, ensemble size and seed."""
    model, values, runs, seed, lang = view.model, view.values, view.runs, view.seed, view.lang
    setting = data.setting(values)
    st.markdown(t("why_intro", lang))
    chosen = _tornado(model, setting, runs, seed, lang)
    st.divider()
    _sobol_section(model, setting, seed, lang, follow=chosen)
    st.divider()
    _causal_section(model, values, lang)
    st.divider()
    _diff_section(model, values, runs, seed, lang)
