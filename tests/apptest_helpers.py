"""Helpers for AppTest tests of the real page: open it with a link, read tables as the reader sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def open_app(params: dict[str, str] | None = None, timeout: float = 90) -> AppTest:
    """The dashboard after its first run, opened with `params` as its link's query; it must not raise."""
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(element) -> pd.DataFrame:
    """A dataframe element's frame with each column under the label the reader sees (its column config)."""
    config = json.loads(element.proto.columns or "{}")
    return element.value.rename(columns={c: config.get(c, {}).get("label", c) for c in element.value.columns})
