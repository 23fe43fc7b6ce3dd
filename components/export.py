"""Downloads: the scenario with the current settings as defaults, the projections as CSV, the briefing pack."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.i18n import t
from components.sidebar import Settings
from engine.serialize import scenario_to_yaml, with_defaults


def scenario_yaml(settings: Settings) -> str:
    scenario = with_defaults(settings.scenario, settings.values)
    header = (
        f"Exported from the scenario dashboard: '{settings.scenario.id}' with the settings at export as defaults.\n"
        f"Based on the scenario with sha256 {settings.digest}."
    )
    return scenario_to_yaml(scenario, header)


def downloads(settings: Settings, bands_csv: Callable[[], str], briefing: Callable[[], str]) -> None:
    """Three buttons; the CSV and the briefing pack are built only when clicked."""
    stem = f"{settings.scenario.id}-seed{settings.seed}"
    lang = settings.lang
    columns = st.columns(3)
    with columns[0]:
        st.download_button(
            t("download_yaml", lang),
            data=lambda: scenario_yaml(settings),
            file_name=f"{settings.scenario.id}.yaml",
            mime="application/x-yaml",
            icon=":material/description:",
            on_click="ignore",
        )
    with columns[1]:
        st.download_button(
            t("download_csv", lang),
            data=bands_csv,
            file_name=f"{stem}-projections.csv",
            mime="text/csv",
            icon=":material/table:",
            on_click="ignore",
        )
    with columns[2]:
        st.download_button(
            t("download_html", lang),
            data=briefing,
            file_name=f"{stem}-briefing.html",
            mime="text/html",
            icon=":material/article:",
            on_click="ignore",
        )
