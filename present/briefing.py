"""The briefing pack: one self-contained HTML file with every chart interactive offline. No Streamlit."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from engine import MODEL_VERSION
from engine.model import Model
from present.i18n import t, whole_number

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555;font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.8rem}
.card{border:1px solid #ddd;border-radius:8px;padding:.7rem}.card b{font-size:1.6rem;display:block}
blockquote{margin:.2rem 0;color:#444;font-style:italic}.caveat{background:#fff8e1;padding:.7rem;border-radius:6px}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{_e(v)}</td>' if n in numeric else f"<td>{_e(v)}</td>" for n, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
    """Everything a reader needs away from the dashboard, escaped: scenario text never becomes markup."""
    scenario, digest = model.scenario, model.digest
    generated = generated or datetime.now(UTC)
    title = scenario.title.get(lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(generated.strftime("%Y-%m-%d %H:%M UTC"))} · {_e(MODEL_VERSION)} · '
        f"sha256 {_e(digest)} · {_e(t('runs', lang))}: {whole_number(runs, lang)} · {_e(t('seed', lang))}: {seed}</p>",
        f"<p>{_e(scenario.summary.get(lang))}</p>",
    ]
    if link:
        parts.append(f'<p class="meta">{_e(t("share_link", lang))}: <a href="{_e(link)}">{_e(link)}</a></p>')

    if scenario.questions:
        parts.append(f"<h2>{_e(t('questions_title', lang))}</h2><div class='cards'>")
        by_id = questions.set_index("question")["probability"]
        ref = reference_questions.set_index("question")["probability"] if reference_questions is not None else None
        for q in scenario.questions:
            p = float(by_id[q.id])
            delta = ""
            if ref is not None:
                delta = _e(t("vs_baseline", lang, delta=f"{(p - float(ref[q.id])) * 100:+.0f}", preset=reference_name))
            parts.append(f"<div class='card'>{_e(q.text.get(lang))}<b>{p * 100:.0f}%</b>{delta}</div>")
        parts.append("</div>")

    parts.append(f"<h2>{_e(t('tab_projection', lang))}</h2>")
    for n, fig in enumerate(figures):
        parts.append(
            fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{n}", config={"displaylogo": False})
        )

    parts.append(f"<h2>{_e(t('drivers', lang))}</h2>")
    parts.append(
        _table(
            [t("driver", lang), t("group", lang), t("unit", lang), t("default", lang), t("current", lang)],
            [
                (d.label.get(lang), t(f"group_{d.group}", lang), d.unit, f"{d.default:g}", f"{values[d.id]:g}")
                for d in scenario.drivers
            ],
            numeric={3, 4},
        )
    )

    parts.append(f"<h2>{_e(t('sources_caveats', lang))}</h2>")
    src = scenario.source
    parts.append(
        f"<p>{_e(t('source_title', lang))}: {_e(src.title)} ({_e(src.language)}); "
        f"{_e(t('source_outlets', lang))}: {_e(', '.join(src.cited_outlets) or '-')}</p>"
    )
    quotes = [(d.label.get(lang), d.source.section, d.source.quote) for d in scenario.drivers]
    quotes += [(i.label.get(lang), i.source.section, i.source.quote) for i in scenario.indicators]
    parts.append(
        _table([t("driver", lang) + " / " + t("indicator", lang), t("section", lang), t("quote", lang)], quotes)
    )
    label = {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}
    parts.append(f"<h3>{_e(t('impacts', lang))}</h3>")
    parts.append(
        _table(
            [t("from", lang), t("to", lang), t("weight", lang), t("range", lang), t("quote", lang)],
            [
                (
                    label[i.source_id],
                    label[i.target],
                    f"{i.weight:g}",
                    f"{i.range[0]:g} … {i.range[1]:g}",
                    i.source.quote,
                )
                for i in scenario.impacts
            ],
            numeric={2},
        )
    )
    parts.append(f"<h3>{_e(t('model_title', lang))}</h3><p>{_e(t('model_plain', lang))}</p>")
    parts.append(f"<p class='caveat'>{_e(t('caveat', lang))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
