"""Streamlit entry point: page setup, session state and calls into components."""

import streamlit as st

st.set_page_config(page_title="DPRK-Russia scenario dashboard", layout="wide")
st.title("DPRK-Russia scenario dashboard")
st.info("The dashboard is being built; the engine is usable from `python -m engine`.")
