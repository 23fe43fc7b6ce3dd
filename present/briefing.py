"""The briefing pack as a brief: one content model (Brief), three formats built from it.

`build_brief` gathers every section once; `render_html` renders it through the Jinja2 template
briefing.html.j2 (autoescaped), present.pdf prints that same HTML to A4 and present.pptx lays the same
sections out as slides. Charts are the dashboard's own Plotly figures, drawn to static SVG/PNG by plotly's
static export (kaleido driving a system Chromium); without a Chromium the HTML pack keeps interactive charts.
"""

from __future__ import annotations

import asyncio
import base64
import html
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from engine import MODEL_VERSION
from engine.budget import BudgetExceeded, ServerBusy
from engine.checks import run_checks
from engine.limits import clean_byline
from engine.model import Model
from engine.sensitivity import tornado_point
from present.bottomline import listing
from present.charts import event_marks
from present.charts_sensitivity import TornadoLabels, tornado_figure
from present.i18n import t, whole_number
from present.style import TITLE_LINE_PX
from present.tables import (
    CheckLine,
    Table,
    check_lines,
    drivers_table,
    impacts_table,
    indicators_table,
    percent_text,
    readouts,
)

logger = logging.getLogger(__name__)

# Names of a system Chromium, in the order they are looked for on PATH; BROWSER_PATH overrides them.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Static chart size (CSS pixels): the page's width on A4 at 96 dpi scales them down, as vectors.
CHART_WIDTH = 1000
CHART_HEIGHT = 440
# A slide's charts: wider, for a 16:9 slide's room under its title, so that their text stays legible there.
SLIDE_CHART_WIDTH = 1200

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555;font-size:.9rem}
.marking{font-weight:700;letter-spacing:.05em;border:2px solid #b00020;color:#b00020;
padding:.2rem .6rem;display:inline-block}
.bottom li{font-size:1.05rem;margin:.2rem 0}
figure{margin:1rem 0}figure img{width:100%;height:auto;display:block}figcaption{color:#555;font-size:.85rem}
li.fails{color:#b00020}
blockquote{margin:.2rem 0;color:#444;font-style:italic}.caveat{background:#fff8e1;padding:.7rem;border-radius:6px}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}h2{margin-top:1.2rem}
figure,tr,.caveat,li{break-inside:avoid;page-break-inside:avoid}h2,h3{break-after:avoid;page-break-after:avoid}
thead{display:table-header-group}}
"""

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    # Every value is escaped unless marked safe: scenario text can never become markup in the pack.
    autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


# --- a system Chromium for plotly's static export and the PDF -------------------------------------------------


def find_chromium() -> str | None:
    """The system Chromium: $BROWSER_PATH when it names an executable, else the first of CHROMIUM_NAMES on PATH."""
    configured = os.environ.get("BROWSER_PATH", "").strip()
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_missing(lang: str) -> str:
    """The one line shown instead of the PDF and PPTX buttons when no Chromium is found."""
    return t("pack_no_chromium", lang)


def render_images(figures: Sequence[go.Figure], fmt: str, scale: float = 1.0, width: int = CHART_WIDTH) -> list[bytes]:
    """Each figure through plotly's own static export (kaleido, one browser for all of them).

    Raises RuntimeError without a Chromium. MathJax is off: nothing is fetched from the network."""
    import kaleido

    path = find_chromium()
    if path is None:
        raise RuntimeError("no Chromium found for plotly's static export")
    specs = [
        (fig.to_dict(), {"format": fmt, "width": width, "height": int(fig.layout.height or CHART_HEIGHT)})
        for fig in figures
    ]

    async def draw() -> list[bytes]:
        async with kaleido.Kaleido(n=1, path=path, mathjax=False) as k:
            return [await k.calc_fig(spec, opts={**opts, "scale": scale}) for spec, opts in specs]

    # A thread of its own, so that a caller that already runs an event loop (Streamlit may) is not disturbed.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, draw()).result()


# --- the content model --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Byline:
    """Who wrote the brief, for which unit, and its handling marking; empty strings when not given."""

    author: str = ""
    unit: str = ""
    marking: str = ""

    @classmethod
    def of(cls, author: str = "", unit: str = "", marking: str = "") -> Byline:
        """Trimmed to one line of at most BYLINE_LIMIT characters each (engine.limits.clean_byline)."""
        return cls(clean_byline(author), clean_byline(unit), clean_byline(marking))


@dataclass(frozen=True, eq=False)
class Chart:
    title: str
    figure: go.Figure
    # The same chart laid out for a 16:9 slide (panels side by side, names unwrapped); None: `figure` serves.
    slide_figure: go.Figure | None = None


@dataclass(frozen=True, eq=False)
class Brief:
    """Every section of the pack, in reading order, as plain text and tables in the reader's language."""

    lang: str
    title: str
    summary: str
    byline: Byline
    generated: datetime  # aware
    timezone: str  # the reader's IANA zone name, or "" when unknown
    link: str
    bottom_line: tuple[str, ...]
    caveats: tuple[str, ...]
    questions: Table  # question x preset
    charts: tuple[Chart, ...]
    events: tuple[str, ...]
    scales: tuple[str, ...]  # "indicator: 25 Routine · 50 ..." per indicator with a scale
    chart_caption: str
    tornado: Chart | None
    tornado_caption: str
    drivers: Table
    settings: Table
    indicators: Table
    impacts: Table
    checks: tuple[CheckLine, ...]
    source: str
    model_version: str
    digest: str
    # Static renderings by format ("svg", "png"), shared by copies of this brief (dataclasses.replace).
    _images: dict = field(default_factory=dict, repr=False)

    @property
    def figures(self) -> list[go.Figure]:
        """The projection charts, then the tornado."""
        return [c.figure for c in (*self.charts, *((self.tornado,) if self.tornado else ()))]

    def images(self, fmt: str, scale: float = 1.0) -> list[bytes]:
        """Every figure of `figures` drawn as `fmt`, drawn once per brief and format."""
        key = (fmt, scale)
        if key not in self._images:
            self._images[key] = render_images(self.figures, fmt, scale)
        return self._images[key]

    def slide_images(self, scale: float = 1.0) -> list[bytes]:
        """The slide charts, then the tornado, as PNG without their own titles (the slide's title says it)."""
        key = ("slides", scale)
        if key not in self._images:
            tornado = (self.tornado,) if self.tornado else ()
            figures = [untitled(c.slide_figure or c.figure) for c in (*self.charts, *tornado)]
            self._images[key] = render_images(figures, "png", scale, width=SLIDE_CHART_WIDTH)
        return self._images[key]

    @property
    def utc_time(self) -> str:
        return self.generated.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

    @property
    def local_time(self) -> str:
        """The time in the reader's zone ('2026-11-25 13:00 CET'); '' when the zone is unknown or UTC."""
        if not self.timezone or self.timezone in ("UTC", "Etc/UTC"):
            return ""
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ""
        return self.generated.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    @property
    def dated(self) -> str:
        """'2026-11-25 13:00 CET (2026-11-25 12:00 UTC)', or the UTC time alone."""
        local = self.local_time
        return f"{local} ({self.utc_time})" if local else self.utc_time

    @property
    def written_by(self) -> str:
        """'Author, Unit', either alone, or ''."""
        return ", ".join(part for part in (self.byline.author, self.byline.unit) if part)


def untitled(fig: go.Figure) -> go.Figure:
    """A copy of `fig` without its title, the top margin cut by the title's lines."""
    title = str(fig.layout.title.text or "")
    copy = go.Figure(fig)
    lines = title.count("<br>") + 1 if title else 0
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 60
    height = fig.layout.height or CHART_HEIGHT
    cut = min(max(0, top - 30), TITLE_LINE_PX * lines + 8)
    copy.update_layout(title_text="", margin_t=top - cut, height=height - cut)
    return copy


def _plain_title(fig: go.Figure) -> str:
    """A figure's title as one line of plain text: Plotly titles hold escaped text (present.style.plot_text),
    wrapped with <br> for a phone's width."""
    return html.unescape(str(fig.layout.title.text or "").replace("<br>", " "))


def for_reader(brief: Brief, byline: Byline | None = None, timezone: str | None = None) -> Brief:
    """The same brief with the reader's byline and time zone (the charts' renderings are kept)."""
    changes: dict[str, object] = {}
    if byline is not None:
        changes["byline"] = byline
    if timezone is not None:
        changes["timezone"] = timezone
    return replace(brief, **changes)


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _question_table(
    model: Model, questions: pd.DataFrame, preset_questions: Mapping[str, pd.DataFrame], runs: int, lang: str
) -> Table:
    """Question x preset: each question at the current settings with its interval, then its answer under each
    preset (`preset_questions`: the preset's name -> its question table, the same runs and seed)."""
    scenario = model.scenario
    by_preset = {name: table.set_index("question")["probability"] for name, table in preset_questions.items()}
    rows = []
    for r in readouts(scenario, questions, None):
        answer = f"{r.percent(lang)} ({r.interval(runs, lang)})"
        if r.saturated:
            answer += f" — {t('saturated_' + r.saturated, lang)}"
        row = [r.question.text.get(lang), r.condition(scenario, lang), answer]
        row += [percent_text(float(column.loc[r.question.id]), lang) for column in by_preset.values()]
        rows.append(tuple(row))
    columns = (t("pack_question", lang), t("pack_condition", lang), t("current", lang), *by_preset)
    return Table(columns=columns, rows=tuple(rows))


def _tornado(model: Model, values: Mapping[str, float], lang: str) -> tuple[Chart | None, str]:
    """The value tornado of the first (the lead) question's indicator at its by_week: one simulate call."""
    scenario = model.scenario
    if not scenario.questions or not scenario.drivers:
        return None, ""
    question = scenario.questions[0]
    week = min(question.by_week, scenario.horizon_weeks)
    try:
        frame = tornado_point(model, dict(values), week=week)
    except (BudgetExceeded, ServerBusy) as refused:
        logger.info("briefing pack without a tornado: %s", refused)
        return None, ""
    frame = frame[frame["output"] == question.indicator]
    names = {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}
    # A driver that does not reach the indicator has no bar: the brief names them instead of drawing empty rows.
    moves = (frame["at_max"] - frame["at_min"]).abs() > 1e-9
    unmoved = [names[d] for d in frame.loc[~moves].sort_values("rank")["driver"]]
    frame = frame[moves]
    labels = TornadoLabels(
        title=t("why_tornado_chart_value", lang, indicator=names[question.indicator], week=week),
        axis=t("why_axis_value", lang, week=week),
        at_min=t("why_at_min", lang),
        at_max=t("why_at_max", lang),
        base=t("why_base", lang),
    )
    # On a slide the names have the room to stand on one line each.
    chart = Chart(labels.title, tornado_figure(frame, names, labels), tornado_figure(frame, names, labels, wrap=60))
    caption = t("pack_tornado_caption", lang, question=question.text.get(lang))
    if unmoved:
        caption += " " + t("pack_tornado_unmoved", lang, count=len(unmoved), drivers=listing(unmoved, lang))
    return chart, caption


def build_brief(
    model: Model,
    values: Mapping[str, float],
    questions: pd.DataFrame,
    preset_questions: Mapping[str, pd.DataFrame],
    reference_name: str,
    figures: Sequence[go.Figure],
    runs: int,
    seed: int,
    lang: str,
    link: str = "",
    generated: datetime | None = None,
    bottom_line: Sequence[str] = (),
    byline: Byline | None = None,
    timezone: str = "",
    slide_figures: Sequence[go.Figure] = (),
) -> Brief:
    """Every section of the pack, computed once; the three formats only lay it out.

    `preset_questions` maps each preset's name to its question table (the same runs and seed as `questions`);
    `reference_name` names the preset the bottom line's change sentence is measured from; `slide_figures` are
    `figures` laid out for a slide (present/pptx.py), in the same order."""
    scenario = model.scenario
    generated = generated or datetime.now(UTC)
    tornado, tornado_caption = _tornado(model, values, lang)
    settings = Table(
        columns=(t("pack_setting", lang), t("pack_value", lang)),
        rows=(
            (t("runs", lang), whole_number(runs, lang)),
            (t("seed", lang), str(seed)),
            (t("pack_reference", lang), reference_name or "-"),
            (t("pack_generated", lang), generated.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")),
            (t("pack_model_version", lang), MODEL_VERSION),
            (t("pack_digest", lang), model.digest),
        ),
    )
    source = scenario.source
    return Brief(
        lang=lang,
        title=scenario.title.get(lang),
        summary=scenario.summary.get(lang),
        byline=byline or Byline(),
        generated=generated,
        timezone=timezone,
        # Only a web address becomes a link: never a javascript: or data: one.
        link=link if link.lower().startswith(("https://", "http://")) else "",
        bottom_line=tuple(str(s) for s in bottom_line),
        caveats=(t("pack_is", lang), t("model_plain", lang), t("caveat", lang), t("pack_is_not", lang)),
        questions=_question_table(model, questions, preset_questions, runs, lang),
        charts=tuple(
            Chart(_plain_title(fig), fig, slide_figures[n] if n < len(slide_figures) else None)
            for n, fig in enumerate(figures)
        ),
        # The charts mark events ①, ②, ...: the pack lists what each mark stands for, as the page does.
        events=tuple(
            t("event_listed", lang, mark=mark, week=e.week, label=e.label.get(lang))
            for mark, e in zip(event_marks(len(scenario.events)), scenario.events, strict=True)
        ),
        scales=tuple(
            f"{i.label.get(lang)}: " + " · ".join(f"{s.level:g} {s.text.get(lang)}" for s in i.scale)
            for i in scenario.indicators
            if i.scale
        ),
        chart_caption=t("chart_caption", lang, runs=whole_number(runs, lang), seed=seed),
        tornado=tornado,
        tornado_caption=tornado_caption,
        drivers=drivers_table(scenario, values, lang),
        settings=settings,
        indicators=indicators_table(scenario, lang),
        impacts=impacts_table(scenario, lang),
        checks=tuple(check_lines(scenario, run_checks(model), lang)),
        source=(
            f"{t('source_title', lang)}: {source.title} ({source.language}); "
            f"{t('source_outlets', lang)}: {', '.join(source.cited_outlets) or '-'}"
        ),
        model_version=MODEL_VERSION,
        digest=model.digest,
    )


# --- HTML ---------------------------------------------------------------------------------------------------


def render_html(brief: Brief, static: bool | None = None) -> str:
    """The pack as one self-contained HTML file. Charts are static SVG images when a Chromium is there (or
    `static` is True), else today's interactive Plotly charts with plotly.js inlined once."""
    static = find_chromium() is not None if static is None else static
    figures = brief.figures
    if static and figures:
        images = [
            Markup('<img alt="" src="data:image/svg+xml;base64,{}">').format(base64.b64encode(svg).decode("ascii"))
            for svg in brief.images("svg")
        ]
    else:
        images = [
            # Plotly's own HTML for each figure, whose text the chart builders have already escaped.
            Markup(
                fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{n}", config={"displaylogo": False})
            )
            for n, fig in enumerate(figures)
        ]
    charts = images[: len(brief.charts)]
    tornado = images[len(brief.charts)] if brief.tornado else None
    lang = brief.lang
    return _TEMPLATES.get_template("briefing.html.j2").render(
        b=brief,
        lang=lang,
        t=lambda key, **params: t(key, lang, **params),
        number=_number,
        style=Markup(_STYLE),
        plotly_js=Markup(get_plotlyjs()) if not static and figures else "",
        charts=charts,
        tornado=tornado,
    )


def briefing_html(*args, static: bool | None = None, **kwargs) -> str:
    """The HTML pack: build_brief's arguments, rendered from the template briefing.html.j2 (autoescaped).

    `static` as in render_html: static charts where a browser can draw them, else interactive ones."""
    return render_html(build_brief(*args, **kwargs), static=static)
