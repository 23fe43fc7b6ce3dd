"""The briefing pack: one self-contained HTML file, rendered from a Jinja2 template, every chart interactive offline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from engine import MODEL_VERSION
from engine.checks import run_checks
from engine.model import Model
from present.charts import event_marks
from present.i18n import t, whole_number
from present.tables import check_lines, drivers_table, impacts_table, indicators_table, readouts

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555;font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.8rem}
.card{border:1px solid #ddd;border-radius:8px;padding:.7rem}.card b{font-size:1.6rem;display:block}
.card .detail{color:#555;font-size:.85rem;display:block}.card .flag{color:#8a5a00;font-size:.85rem;display:block}
li.fails{color:#b00020}
blockquote{margin:.2rem 0;color:#444;font-style:italic}.caveat{background:#fff8e1;padding:.7rem;border-radius:6px}
"""


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    # Every value is escaped unless marked safe: scenario text can never become markup in the pack.
    autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def briefing_html(
    model: Model,
    values: Mapping[str, float],
    questions: pd.DataFrame,
    reference_questions: pd.DataFrame | None,
    reference_name: str,
    figures: Sequence[go.Figure],
    runs: int,
    seed: int,
    lang: str,
    link: str = "",
    generated: datetime | None = None,
) -> str:
    """Everything a reader needs away from the dashboard, from the template briefing.html.j2 (autoescaped)."""
    scenario = model.scenario
    generated = generated or datetime.now(UTC)
    charts = [
        # Plotly's own HTML for each figure, whose text the chart builders have already escaped.
        Markup(fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{n}", config={"displaylogo": False}))
        for n, fig in enumerate(figures)
    ]
    return _TEMPLATES.get_template("briefing.html.j2").render(
        lang=lang,
        t=lambda key, **params: t(key, lang, **params),
        number=_number,
        title=scenario.title.get(lang),
        summary=scenario.summary.get(lang),
        style=Markup(_STYLE),
        plotly_js=Markup(get_plotlyjs()),
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
        model_version=MODEL_VERSION,
        digest=model.digest,
        runs=whole_number(runs, lang),
        seed=seed,
        link=link,
        scenario=scenario,
        runs_count=runs,
        readouts=readouts(scenario, questions, reference_questions),
        reference_name=reference_name,
        checks=check_lines(scenario, run_checks(model), lang),
        charts=charts,
        # The charts mark events ①, ②, ...: the pack lists what each mark stands for, as the page does.
        events=[
            t("event_listed", lang, mark=mark, week=e.week, label=e.label.get(lang))
            for mark, e in zip(event_marks(len(scenario.events)), scenario.events, strict=True)
        ],
        drivers=drivers_table(scenario, values, lang),
        indicators=indicators_table(scenario, lang),
        impacts=impacts_table(scenario, lang),
        source=scenario.source,
    )
