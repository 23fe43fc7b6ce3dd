"""The "Why" tab: tornado per indicator or question, Sobol indices on demand, causal map with loops, scenario diff."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import data
from components.charts_sensitivity import (
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
from components.i18n import t, whole_number
from components.text import md_escape
from engine.causal import CausalGraph, causal_graph, feedback_loops, layout, self_impacts
from engine.report import driver_differences, weekly_deltas
from engine.schema import Scenario
from engine.sensitivity import (
    SobolResult,
    sobol_evaluations,
    sobol_indices,
    top_coefficients,
    tornado_point,
    tornado_probability,
    uncertain_impacts,
)
from engine.simulation import compile_scenario

CHART_CONFIG = {"displaylogo": False, "responsive": True}
# The probability tornado runs (2 x drivers + 1) settings x runs at once; this bounds its memory and time.
TORNADO_MAX_RUNS = 500
SOBOL_SIZES = (32, 64, 128, 256, 512, 1024)
SOBOL_DEFAULT = 256
CURRENT = "__current__"


# --- cached computations, keyed on plain values (the digest stands for the scenario) -------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def _tornado_point(digest: str, _scenario: Scenario, values: data.Setting) -> pd.DataFrame:
    return tornado_point(_scenario, dict(values))


@st.cache_data(max_entries=64, show_spinner=False)
def _tornado_probability(
    digest: str, _scenario: Scenario, values: data.Setting, question: str, runs: int, seed: int
) -> pd.DataFrame:
    return tornado_probability(_scenario, dict(values), runs, seed, questions=[question])


@st.cache_data(max_entries=8, show_spinner=False)
def _sobol(digest: str, _scenario: Scenario, values: data.Setting, n: int, seed: int, _text: str) -> SobolResult:
    # The progress bar is made here, inside the cached function, so that a cache hit replays it (and its
    # final removal) instead of pointing at an element of an earlier run.
    bar = st.progress(0.0, text=_text)
    result = sobol_indices(_scenario, dict(values), n=n, seed=seed, progress=lambda f: bar.progress(f, text=_text))
    bar.empty()
    return result


@st.cache_data(max_entries=16, show_spinner=False)
def _graph(digest: str, _scenario: Scenario) -> tuple[CausalGraph, dict[str, tuple[float, float]]]:
    graph = causal_graph(_scenario)
    return graph, layout(graph)


@st.cache_resource(max_entries=16, show_spinner=False)
def _map_figure(digest: str, lang: str, _scenario: Scenario) -> go.Figure:
    # Depends on the scenario and the language only, so it is built once and shared (never mutated:
    # st.plotly_chart serialises a copy).
    graph, positions = _graph(digest, _scenario)
    labels = CausalLabels(
        title=t("why_map_title", lang),
        positive=t("why_map_positive", lang),
        negative=t("why_map_negative", lang),
        driver=t("why_map_driver", lang),
        indicator=t("why_map_indicator", lang),
        weight=t("weight", lang),
        range=t("range", lang),
        self_impact=t("why_map_self", lang),
    )
    return causal_figure(graph, positions, _names(_scenario, lang), labels)


# --- sections ------------------------------------------------------------------------------------------------


def _names(scenario: Scenario, lang: str) -> dict[str, str]:
    return {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}


def _impact_name(scenario: Scenario, index: int, names: dict[str, str]) -> str:
    impact = scenario.impacts[index]
    return f"{names[impact.source_id]} → {names[impact.target]}"


def _tornado(scenario: Scenario, digest: str, values: data.Setting, runs: int, seed: int, lang: str) -> None:
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
        q = questions[chosen]
        swing_runs = min(runs, TORNADO_MAX_RUNS)
        frame = _tornado_probability(digest, scenario, values, chosen, swing_runs, seed)
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
        caption = t("why_tornado_caption_probability", lang, runs=whole_number(swing_runs, lang), seed=seed)
    else:
        ids = [i.id for i in scenario.indicators]
        chosen = st.selectbox(t("indicator", lang), ids, key=f"{prefix}:tornado-indicator", format_func=names.get)
        frame = _tornado_point(digest, scenario, values)
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


def _output_name(scenario: Scenario, kind: str, output: str, week: int, names: dict[str, str], lang: str) -> str:
    if kind == "question":
        return scenario.questions[[q.id for q in scenario.questions].index(output)].text.get(lang)
    return t("why_sobol_output_end", lang, indicator=names[output], week=week)


def _sobol_section(scenario: Scenario, digest: str, values: data.Setting, seed: int, lang: str) -> None:
    st.subheader(t("why_sobol_title", lang))
    st.markdown(t("why_sobol_intro", lang))
    prefix = f"why:{digest[:16]}"
    uncertain = len(uncertain_impacts(compile_scenario(scenario)))
    if uncertain == 0:
        st.info(t("why_sobol_none", lang))
        return
    st.session_state.setdefault(f"{prefix}:sobol-n", SOBOL_DEFAULT)
    n = st.selectbox(t("why_sobol_n", lang), SOBOL_SIZES, key=f"{prefix}:sobol-n")
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
    result = _sobol(digest, scenario, values, int(n), int(seed), t("why_sobol_progress", lang))
    _sobol_results(scenario, result, prefix, lang)


def _sobol_results(scenario: Scenario, result: SobolResult, prefix: str, lang: str) -> None:
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
                    t("why_question", lang): [questions[o] for o in top["output"]],
                    t("why_coefficient", lang): [coefficient[int(k)] for k in top["impact"]],
                    "S1": top["S1"].round(3).to_numpy(),
                    "ST": top["ST"].round(3).to_numpy(),
                }
            ),
            hide_index=True,
            key=f"{prefix}:sobol-summary",
        )
    outputs = result.outputs
    options = [f"{kind}:{output}" for kind, output in zip(outputs["kind"], outputs["output"], strict=True)]
    weeks = dict(zip(options, outputs["week"], strict=True))
    spread = dict(zip(options, outputs["std"], strict=True))
    chosen = st.selectbox(
        t("why_sobol_output", lang),
        options,
        key=f"{prefix}:sobol-output",
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
                    t("why_coefficient", lang): [coefficient[int(k)] for k in table["impact"]],
                    "S1": table["S1"].round(3).to_numpy(),
                    "± S1": table["S1_conf"].round(3).to_numpy(),
                    "ST": table["ST"].round(3).to_numpy(),
                    "± ST": table["ST_conf"].round(3).to_numpy(),
                }
            ),
            hide_index=True,
            key=f"{prefix}:sobol-table",
        )
    st.caption(
        t("why_sobol_caption", lang, n=result.n, evaluations=whole_number(result.evaluations, lang), seed=result.seed)
    )


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
        quote, section = edge.quote, edge.section
    elif graph.node(ident).kind == "driver":
        d = scenario.driver(ident)
        lines = [
            f"**{t('driver', lang)}:** {md_escape(d.label.get(lang))}",
            f"**{t('why_slider_range', lang)}:** {d.min:g} … {d.max:g} {md_escape(d.unit)} · "
            f"**{t('default', lang)}:** {d.default:g} · **{t('current', lang)}:** {values[d.id]:g}",
        ]
        if d.description:
            lines.append(md_escape(d.description.get(lang)))
        quote, section = d.source.quote, d.source.section
    else:
        i = scenario.indicator(ident)
        lines = [
            f"**{t('indicator', lang)}:** {md_escape(i.label.get(lang))}",
            f"**{t('initial', lang)}:** {i.initial:g}",
        ]
        for e in self_impacts(graph):
            if e.target == ident:
                lines[-1] += f" · **{t('why_map_self', lang)}:** {e.weight:+g} ({e.low:g} … {e.high:g})"
        if i.description:
            lines.append(md_escape(i.description.get(lang)))
        quote, section = i.source.quote, i.source.section
    lines.append(f"**{t('quote', lang)}** ({md_escape(section)}): „{md_escape(quote)}“")
    st.markdown("  \n".join(lines))


def _causal_section(scenario: Scenario, digest: str, values: dict[str, float], lang: str) -> None:
    st.subheader(t("why_map_title", lang))
    prefix = f"why:{digest[:16]}"
    names = _names(scenario, lang)
    graph, _ = _graph(digest, scenario)
    event = st.plotly_chart(
        _map_figure(digest, lang, scenario),
        key=f"{prefix}:map",
        config=CHART_CONFIG,
        on_select="rerun",
        selection_mode="points",
    )
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

    st.markdown(f"**{t('why_loops_title', lang)}**")
    loops, truncated = feedback_loops(graph)
    if not loops:
        st.caption(t("why_loops_none", lang))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("why_loop", lang): [" → ".join(names[n] for n in (*lp.nodes, lp.nodes[0])) for lp in loops],
                    t("why_polarity", lang): [t(f"why_{lp.polarity}", lang) for lp in loops],
                    t("why_length", lang): [len(lp.nodes) for lp in loops],
                    t("why_strength", lang): [round(lp.strength, 4) for lp in loops],
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
                    t("quote", lang): [e.quote for e in selfs],
                }
            ),
            hide_index=True,
            key=f"{prefix}:self-impacts",
        )


def _diff_section(scenario: Scenario, digest: str, values: dict[str, float], runs: int, seed: int, lang: str) -> None:
    st.subheader(t("why_diff_title", lang))
    if not scenario.presets:
        st.info(t("why_diff_no_presets", lang))
        return
    prefix = f"why:{digest[:16]}"
    presets = {p.id: p for p in scenario.presets}
    title = {CURRENT: t("current", lang)} | {p.id: p.label.get(lang) for p in scenario.presets}
    baseline = "baseline" if "baseline" in presets else next(iter(presets))
    left, right = st.columns(2)
    with left:
        a = st.selectbox(t("why_diff_a", lang), [CURRENT, *presets], key=f"{prefix}:diff-a", format_func=title.get)
    with right:
        options = [*presets, CURRENT]
        b = st.selectbox(
            t("why_diff_b", lang), options, index=options.index(baseline), key=f"{prefix}:diff-b", format_func=title.get
        )

    def setting_of(choice: str) -> dict[str, float]:
        if choice == CURRENT:
            return dict(values)
        return {k: float(v) for k, v in (scenario.defaults() | dict(presets[choice].values)).items()}

    values_a, values_b = setting_of(a), setting_of(b)
    if values_a == values_b:
        st.info(t("why_diff_same", lang))
        return
    names = _names(scenario, lang)
    diff = driver_differences(scenario, values_a, {title[b]: values_b})
    diff["driver"] = [names[d] for d in diff["driver"]]
    diff = diff.rename(columns={"driver": t("driver", lang), "current": title[a]})
    if title[a] == title[b]:  # a preset labelled like "current settings": keep the columns apart
        diff.columns = [diff.columns[0], f"A: {title[a]}", f"B: {title[b]}"]
    st.markdown(f"**{t('differences', lang)}**")
    st.dataframe(diff, hide_index=True, key=f"{prefix}:diff-drivers")

    bands_a, _ = data.projection(digest, scenario, data.setting(values_a), runs, seed)
    bands_b, _ = data.projection(digest, scenario, data.setting(values_b), runs, seed)
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
        table.columns = [indicators[c] for c in table.columns]
        st.dataframe(table.round(1), key=f"{prefix}:diff-table")


def render(scenario: Scenario, digest: str, values: dict[str, float], runs: int, seed: int, lang: str) -> None:
    """Everything on the "Why" tab, for the current settings (`values`), ensemble size and seed."""
    setting = data.setting(values)
    st.markdown(t("why_intro", lang))
    _tornado(scenario, digest, setting, runs, seed, lang)
    st.divider()
    _sobol_section(scenario, digest, setting, seed, lang)
    st.divider()
    _causal_section(scenario, digest, values, lang)
    st.divider()
    _diff_section(scenario, digest, values, runs, seed, lang)
