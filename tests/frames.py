"""Reading AppTest dataframes as the reader sees them: each column under its column-config label."""

from __future__ import annotations

import json

import pandas as pd


def shown(element) -> pd.DataFrame:
    """A dataframe element's frame with each column under the label the reader sees (its column config)."""
    config = json.loads(element.proto.columns or "{}")
    return element.value.rename(columns={c: config.get(c, {}).get("label", c) for c in element.value.columns})
