"""The page's one style sheet: static CSS with no scenario text in it, the only raw HTML the page sends."""

from __future__ import annotations

# Element keys the rules below select (Streamlit gives a keyed element the class st-key-<key>).
PHONE_HINT = "phone_sidebar_hint"
UPLOAD = "custom_upload"
EDITOR_BOX = "custom_editor_box"

# - Below Streamlit's 768 px breakpoint the sidebar starts collapsed and its sliders hide behind a small »
#   button: the hint pointing there shows only then (the server cannot know the width).
# - On a phone the five tab labels do not fit one line: they wrap instead of scrolling out of sight behind
#   an arrow.
# - Streamlit can state an upload limit in whole MB only ("1MB per file"); the loader refuses a scenario
#   over 256 KiB, which the uploader's label states, so the dropzone's own line is hidden.
# - The YAML text box is code: a fixed-width font, no wrapping, so columns and indentation line up.
# - A code block's copy button shows only while the pointer hovers over it, which a touch screen never does:
#   there it always shows (the share box's link is the one the reader needs to copy).
CSS = f"""<style>
@media (min-width: 768px) {{ .st-key-{PHONE_HINT} {{ display: none; }} }}
@media (max-width: 767.98px) {{ [data-testid="stMain"] [role="tablist"] {{ flex-wrap: wrap; row-gap: 0.25rem; }} }}
.st-key-{UPLOAD} [data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
.st-key-{EDITOR_BOX} textarea {{ font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.85rem; white-space: pre; overflow-wrap: normal; overflow-x: auto; tab-size: 2; }}
@media (hover: none) {{ [data-testid="stCode"] > div:has([data-testid="stElementToolbarButton"]) {{
  visibility: visible; opacity: 1; }} }}
</style><span hidden></span>"""
# The empty span keeps the sheet in the page's own flow: Streamlit sends a body of <style> alone to its event
# container, which a rerun sometimes left empty (the e2e phone test saw the rules missing).
