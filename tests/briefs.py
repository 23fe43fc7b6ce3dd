"""One way for the tests to build a brief from a scenario: 200 runs, seed 3, every preset's answers."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.ensemble import run_ensemble
from engine.model import Model
from present.briefing import Brief, Byline, build_brief
from ui.panels import projection_figures

GENERATED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RUNS, SEED = 200, 3


def brief_of(
    scenario,
    lang: str = "en",
    byline: Byline | None = None,
    bottom_line=(),
    link: str = "http://localhost:8501/?scenario=x&seed=3",
    timezone: str = "",
) -> Brief:
    model = Model.of(scenario)
    projection = run_ensemble(model, None, runs=RUNS, seed=SEED)
    presets = {
        p.label.get(lang): run_ensemble(model, scenario.preset_values(p.id), runs=RUNS, seed=SEED).questions
        for p in scenario.presets
    }
    baseline = scenario.baseline_preset()
    figures = [fig for _, fig in projection_figures(scenario, projection.bands, lang)]
    slides = [fig for _, fig in projection_figures(scenario, projection.bands, lang, columns=2)]
    return build_brief(
        model,
        scenario.defaults(),
        projection.questions,
        presets,
        scenario.preset(baseline).label.get(lang) if baseline else "",
        figures,
        runs=RUNS,
        seed=SEED,
        lang=lang,
        link=link,
        generated=GENERATED,
        bottom_line=bottom_line,
        byline=byline,
        timezone=timezone,
        slide_figures=slides,
    )
