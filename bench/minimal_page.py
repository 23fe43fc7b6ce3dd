"""The browser bench's baseline: the dashboard's troops slider and three projection charts, and nothing else."""

from __future__ import annotations

import common  # first: it puts the repository root on sys.path (this script runs from bench/)
import streamlit as st

from engine.ensemble import run_ensemble
from engine.loader import load_scenario
from engine.model import Model
from engine.state import DEFAULT_SEED
from present.text import label_escape
from ui.panels import CHART_CONFIG, projection_figures

LANG = "en"  # the bench's browser context is en-US, so the dashboard shows English too
BAND_COLUMNS = ["mean", "p10", "p50", "p90"]


@st.cache_resource(show_spinner=False)
def seed_projection():
    """The seed scenario and its projection at the page's defaults, computed once per server."""
    scenario = load_scenario(common.SCENARIO_FILE)
    return scenario, run_ensemble(Model.of(scenario), runs=1000, seed=DEFAULT_SEED).bands


st.set_page_config(page_title="Minimal page", layout="wide")  # the dashboard's layout: charts as wide
scenario, bands = seed_projection()
troops = scenario.driver("troops_deployed")
# As ui/session.py's slider_value: whole numbers when the range, step and default are whole.
integral = all(float(v).is_integer() for v in (troops.min, troops.max, troops.step, troops.default))
number = round if integral else float
value = st.sidebar.slider(
    label_escape(f"{troops.label.get(LANG)} ({troops.unit_in(LANG)})"),
    min_value=number(troops.min),
    max_value=number(troops.max),
    value=number(troops.default),
    step=number(troops.step),
)

# Bands that differ for every slider value at no engine cost: moved up by value / 10,000 (the charts round
# to 2 decimals, so one step of 500 has to move them by more than 0.005).
moved = bands.copy()
moved[BAND_COLUMNS] = (moved[BAND_COLUMNS] + value / 1e4).clip(0, 100)

# The dashboard's own figures (ui.panels.projection_figures), drawn as its projection_charts draws them.
for group, fig in projection_figures(scenario, moved, LANG):
    st.plotly_chart(fig, key=f"chart-{group}", config=CHART_CONFIG)
