"""Downloads: the scenario with the current settings as defaults, the projections as CSV, the briefing pack
(HTML, PDF, PowerPoint) with an optional author, unit and handling marking."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from engine.serialize import scenario_to_yaml, with_defaults
from present.briefing import BYLINE_LIMIT, Brief, Byline, chromium_missing, find_chromium, for_reader, render_html
from present.i18n import t
from ui.session import View

# The byline's widget keys, owned by this module (not yet part of the link state: see engine.state).
AUTHOR, UNIT, MARKING = "export:author", "export:unit", "export:marking"


def scenario_yaml(settings: View) -> str:
    scenario = with_defaults(settings.scenario, settings.values)
    header = (
        f"Exported from the scenario dashboard: '{settings.scenario.id}' with the settings at export as defaults.\n"
        f"Based on the scenario with sha256 {settings.digest}."
    )
    return scenario_to_yaml(scenario, header)


def byline(lang: str) -> Byline:
    """Three optional text inputs; what they hold goes on the pack in every format (escaped there)."""
    columns = st.columns(3)
    fields = ((AUTHOR, "pack_author_input", None), (UNIT, "pack_unit_input", None))
    fields += ((MARKING, "pack_marking_input", t("pack_marking_help", lang)),)
    for column, (key, label, help_text) in zip(columns, fields, strict=True):
        with column:
            st.text_input(t(label, lang), key=key, max_chars=BYLINE_LIMIT, help=help_text)
    return Byline.of(
        st.session_state.get(AUTHOR, ""), st.session_state.get(UNIT, ""), st.session_state.get(MARKING, "")
    )


def downloads(settings: View, bands_csv: Callable[[], str], brief: Callable[[], Brief]) -> None:
    """The byline inputs, then the buttons; every file is built only when its button is clicked, from the
    content `brief` builds (present.briefing.build_brief) with the reader's byline and time zone."""
    lang = settings.lang
    by = byline(lang)
    stem = f"{settings.scenario.id}-seed{settings.seed}"

    def pack(render: Callable[[Brief], bytes | str]) -> Callable[[], bytes | str]:
        return lambda: render(for_reader(brief(), by, st.context.timezone or ""))

    chromium = find_chromium() is not None
    files = [
        (
            "download_yaml",
            lambda: scenario_yaml(settings),
            f"{settings.scenario.id}.yaml",
            "application/x-yaml",
            "description",
        ),
        ("download_csv", bands_csv, f"{stem}-projections.csv", "text/csv", "table"),
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
