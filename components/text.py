"""Make scenario text safe to place in Markdown: it shows as written, never as markup or HTML."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$&:=])")


def md_escape(text: str) -> str:
    """Backslash-escape every character Markdown (or Streamlit's extensions) would treat as markup."""
    return _MARKDOWN.sub(r"\\\1", text)


# Widget labels take only Streamlit's inline Markdown (emphasis, code, links, LaTeX, :color[...]), and
# the label is also the control's accessible name: escape what that subset uses and nothing more, so a
# screen reader does not read out backslashes before every bracket and full stop.
_LABEL_MARKDOWN = re.compile(r"([\\`*_~\[\]$:<>])")


def label_escape(text: str) -> str:
    """Escape a widget label's inline Markdown, leaving ordinary punctuation alone."""
    return _LABEL_MARKDOWN.sub(r"\\\1", text)
