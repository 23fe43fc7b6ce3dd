"""present/text.py: md_escape makes scenario text literal in Markdown (and Streamlit's extensions)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from present.text import md_escape

# Markdown/CommonMark punctuation with a meaning, HTML's < > &, and Streamlit's extras: ":" (emoji shortcodes,
# :red[...] colours, :material/...: icons) and "$" (LaTeX).
SPECIALS = "\\`*_{}[]()#+-.!|>~<$&:"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def test_markdown_html_and_links_become_literal():
    assert md_escape("**bold** <b>x</b> [link](http://x)") == r"\*\*bold\*\* \<b\>x\</b\> \[link\]\(http\://x\)"


@pytest.mark.parametrize("char", list(SPECIALS))
def test_every_special_character_is_backslash_escaped(char):
    assert md_escape(char) == "\\" + char
    assert md_escape(f"a{char}b") == f"a\\{char}b"


def test_streamlit_extensions_become_literal():
    assert md_escape(":red[alarm] :material/home: $x^2$") == r"\:red\[alarm\] \:material/home\: \$x^2\$"


def test_block_syntax_at_line_start_becomes_literal():
    assert md_escape("# Title\n- item\n1. first\n> quote\n| a | b |") == (
        "\\# Title\n\\- item\n1\\. first\n\\> quote\n\\| a \\| b \\|"
    )


def test_setext_heading_underline_becomes_literal():
    # A line of "=" under text makes the text a heading in CommonMark; md_escape leaves "=" alone, so a
    # multi-line scenario summary with such a line renders as a heading (present/text.py, _MARKDOWN).
    escaped = md_escape("Title\n===")

    assert escaped == "Title\n\\=\\=\\="


def test_html_entities_become_literal():
    assert md_escape("&amp; &#60;") == r"\&amp; \&\#60;"


def test_a_backslash_is_escaped_first_so_it_cannot_unescape_the_next_char():
    assert md_escape(r"\*") == r"\\\*"


@given(st.text(alphabet=st.characters(categories=("L", "Nd", "Zs")), max_size=60))
@settings(derandomize=True, max_examples=300)
def test_letters_digits_and_spaces_are_unchanged_and_idempotent(text):
    assert md_escape(text) == text
    assert md_escape(md_escape(text)) == text


@given(st.text(max_size=80))
@settings(derandomize=True, max_examples=500)
def test_removing_the_escapes_gives_back_the_text(text):
    assert _unescape(md_escape(text)) == text


@given(st.text(alphabet=SPECIALS + "ab ", max_size=60))
@settings(derandomize=True, max_examples=500)
def test_every_special_in_the_output_is_escaped(text):
    out = md_escape(text)
    n, unescaped = 0, []
    while n < len(out):
        if out[n] == "\\":
            n += 2
            continue
        if out[n] in SPECIALS:
            unescaped.append(out[n])
        n += 1
    assert unescaped == []
    assert len(out) == len(text) + sum(ch in SPECIALS for ch in text)


def test_csv_cells_a_spreadsheet_would_run_as_formulas_get_an_apostrophe():
    import pandas as pd

    from present.text import csv_text

    frame = pd.DataFrame(
        {
            "=name": ['=HYPERLINK("x")', "+1", "-0.5 damping", "@SUM(A1)", "\tx", "plain", "a=b"],
            "weight": [-0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    lines = csv_text(frame).splitlines()
    assert lines == [
        "'=name,weight",
        '"\'=HYPERLINK(""x"")",-0.5',
        "'+1,1.0",
        "'-0.5 damping,2.0",
        "'@SUM(A1),3.0",
        "'\tx,4.0",
        "plain,5.0",
        "a=b,6.0",
    ]


def test_the_tables_own_export_is_off_so_that_only_neutralised_csv_leaves_the_page(repo_root):
    import tomllib

    config = tomllib.loads((repo_root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
