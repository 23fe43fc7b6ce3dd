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


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(frame, float_format: str | None = None) -> str:
    """The frame as CSV with every text cell (and column name) neutralised by csv_cell."""
    safe = frame.rename(columns=csv_cell)
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith(("string", "str")):
            safe[column] = safe[column].map(csv_cell)
    return safe.to_csv(index=False, float_format=float_format, lineterminator="\n")
