"""Downloads: the scenario with the current settings as defaults, the projections as CSV, the briefing pack."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from engine.serialize import scenario_to_yaml, with_defaults
from present.i18n import t
from ui.session import View


def scenario_yaml(settings: View) -> str:
    scenario = with_defaults(settings.scenario, settings.values)
    header = (
        f"Exported from the scenario dashboard: '{settings.scenario.id}' with the settings at export as defaults.\n"
        f"Based on the scenario with sha256 {settings.digest}."
    )
    return scenario_to_yaml(scenario, header)


def downloads(settings: View, bands_csv: Callable[[], str], briefing: Callable[[], str]) -> None:
    """Three buttons; every file is built only when its button is clicked."""
    stem = f"{settings.scenario.id}-seed{settings.seed}"
    files = (
        (
            "download_yaml",
            lambda: scenario_yaml(settings),
            f"{settings.scenario.id}.yaml",
            "application/x-yaml",
            "description",
        ),
        ("download_csv", bands_csv, f"{stem}-projections.csv", "text/csv", "table"),
        ("download_html", briefing, f"{stem}-briefing.html", "text/html", "article"),
    )
    for column, (label, data, file_name, mime, icon) in zip(st.columns(len(files)), files, strict=True):
        with column:
            st.download_button(
                t(label, settings.lang),
                data=data,
                file_name=file_name,
                mime=mime,
                icon=f":material/{icon}:",
                on_click="ignore",
            )
