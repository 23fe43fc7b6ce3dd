"""Make scenario text safe to place in Markdown: it shows as written, never as markup or HTML."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$&:=])")


def md_escape(text: str) -> str:
    """Backslash-escape every character Markdown (or Streamlit's extensions) would treat as markup."""
    return _MARKDOWN.sub(r"\\\1", text)
