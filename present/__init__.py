"""Pure presentation: interface text, escaping, style, chart and table builders, the briefing pack; no Streamlit."""
