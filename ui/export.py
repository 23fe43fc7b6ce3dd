"""Downloads: the scenario with the current settings as defaults, the projections as CSV, the briefing pack
(HTML, PDF, PowerPoint) with an optional author, unit and handling marking."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from engine.limits import BYLINE_LIMIT
from engine.loader import ScenarioError
from engine.serialize import scenario_to_yaml, with_defaults, yaml_with_defaults
from present.briefing import Brief, Byline, build_brief, chromium_missing, find_chromium, for_reader, render_html
from present.data_export import projection_data
from present.i18n import t
from ui.panels import projection_figures
from ui.session import BYLINE_KEYS, View


def scenario_yaml(settings: View, source_text: str | None = None) -> str:
    """The scenario with the current settings as its defaults: its own text with every comment kept when
    `source_text` (the file or the saved text it was read from) is given, else written afresh."""
    header = (
        f"Exported from the scenario dashboard: '{settings.scenario.id}' with the settings at export as defaults.\n"
        f"Based on the scenario with sha256 {settings.digest}."
    )
    if source_text is not None:
        try:
            return yaml_with_defaults(source_text, settings.values, header)
        except ScenarioError:
            pass  # the text no longer reads as this scenario (a file changed since): the fresh one serves
    return scenario_to_yaml(with_defaults(settings.scenario, settings.values), header)


def byline(settings: View) -> Byline:
    """Three optional text inputs, kept in the link (ui.session.BYLINE_KEYS); what they hold goes on the pack
    in every format (escaped there). The View was read before they were drawn, with what they hold now."""
    lang = settings.lang
    fields = (("author", "pack_author_input", None), ("unit", "pack_unit_input", None))
    fields += (("marking", "pack_marking_input", t("pack_marking_help", lang)),)
    for column, (name, label, help_text) in zip(st.columns(3), fields, strict=True):
        with column:
            st.text_input(t(label, lang), key=BYLINE_KEYS[name], max_chars=BYLINE_LIMIT, help=help_text)
    return Byline.of(*settings.byline)


def share_and_export(
    view: View,
    link: str,
    bands: pd.DataFrame,
    questions: pd.DataFrame,
    preset_questions: Callable[[], dict[str, pd.DataFrame]],
    bottom_line: Callable[[], list[str]],
    scenario_text: Callable[[], str],
) -> None:
    """The share box: the link to copy, then the downloads. `preset_questions` (each preset's name -> its
    question table) and `bottom_line` are the page's own, cached, and asked for only when a pack is built."""
    lang = view.lang
    st.caption(t("share_help", lang))
    st.code(link, language=None, wrap_lines=True)
    scenario = view.scenario
    baseline = scenario.baseline_preset()

    def brief() -> Brief:
        return build_brief(
            view.model,
            view.values,
            questions,
            preset_questions(),
            scenario.preset(baseline).label.get(lang) if baseline else "",
            [fig for _, fig in projection_figures(scenario, bands, lang)],
            runs=view.runs,
            seed=view.seed,
            lang=lang,
            link=link,
            bottom_line=bottom_line(),
            slide_figures=[fig for _, fig in projection_figures(scenario, bands, lang, columns=2)],
        )

    def data() -> bytes:
        return projection_data(scenario, bands, questions, view.values, view.runs, view.seed, view.digest, link, lang)

    downloads(view, data, brief, scenario_text)


def downloads(
    settings: View, data: Callable[[], bytes], brief: Callable[[], Brief], scenario_text: Callable[[], str]
) -> None:
    """The byline inputs, then the buttons; every file is built only when its button is clicked, from the
    content `brief` builds (present.briefing.build_brief) with the reader's byline and time zone."""
    lang = settings.lang
    by = byline(settings)
    stem = f"{settings.scenario.id}-seed{settings.seed}"

    def pack(render: Callable[[Brief], bytes | str]) -> Callable[[], bytes | str]:
        return lambda: render(for_reader(brief(), by, st.context.timezone or ""))

    chromium = find_chromium() is not None
    files = [
        (
            "download_yaml",
            scenario_text,
            f"{settings.scenario.id}.yaml",
            "application/x-yaml",
            "description",
        ),
        ("download_data", data, f"{stem}-data.zip", "application/zip", "table"),
        ("download_html", pack(render_html), f"{stem}-briefing.html", "text/html", "article"),
    ]
    if chromium:
        from present.pdf import briefing_pdf
        from present.pptx import briefing_pptx

        files += [
            ("download_pdf", pack(briefing_pdf), f"{stem}-briefing.pdf", "application/pdf", "picture_as_pdf"),
            (
                "download_pptx",
                pack(briefing_pptx),
                f"{stem}-briefing.pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "slideshow",
            ),
        ]
    for column, (label, data, file_name, mime, icon) in zip(st.columns(len(files)), files, strict=True):
        with column:
            st.download_button(
                t(label, lang),
                data=data,
                file_name=file_name,
                mime=mime,
                icon=f":material/{icon}:",
                on_click="ignore",
            )
    if not chromium:
        st.caption(chromium_missing(lang))
