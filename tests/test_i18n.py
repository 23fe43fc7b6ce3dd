"""present/i18n.py: every string in both languages, placeholders filled, the language from the locale."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from engine.schema import DRIVER_GROUPS
from present.i18n import LANGUAGES, STRINGS, language_from_locale, t, whole_number

REPO = Path(__file__).resolve().parent.parent
UI_SOURCES = [REPO / "dashboard.py", *sorted((REPO / "ui").glob("*.py")), *sorted((REPO / "present").glob("*.py"))]


def _fields(text: str) -> set[str] | None:
    """The placeholders of a format string; None for a text that is no format string (e.g. LaTeX braces)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def test_languages_are_english_and_german():
    assert LANGUAGES == ("en", "de")


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_non_empty_english_and_german(key):
    assert set(STRINGS[key]) == {"en", "de"}
    assert STRINGS[key]["en"].strip() != ""
    assert STRINGS[key]["de"].strip() != ""


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_both_languages_use_the_same_placeholders(key):
    assert _fields(STRINGS[key]["en"]) == _fields(STRINGS[key]["de"])


def test_t_returns_the_text_in_the_language():
    assert t("week", "en") == "Week"
    assert t("week", "de") == "Woche"
    assert t("reset", "de") == "Auf Standard zurücksetzen"


def test_t_falls_back_to_english_for_a_language_not_offered():
    assert t("week", "fr") == "Week"


def test_t_fills_placeholders():
    assert t("vs_baseline", "en", delta="+5", preset="Baseline") == "+5 pts vs. Baseline"
    assert t("vs_baseline", "de", delta="-3", preset="Basis") == "-3 Pkt. ggü. Basis"
    assert t("event_marker", "de", week=4, label="Kampf") == "Woche 4: Kampf"
    assert t("broken_scenarios", "en", count=2) == "2 scenario file(s) could not be loaded and are not offered:"
    assert (
        t("question_value", "en", probability="40%", runs="1,000", indicator="Tension", level="55", week=26)
        == "In 40% of the 1,000 Monte Carlo runs, Tension reaches or passes 55 in at least one week up to week 26."
    )
    level = t("level_named", "de", threshold=60.0, level="Monatliche Raketentests")
    assert level == "Stufe 60 „Monatliche Raketentests“"
    assert (
        t("question_value_below", "de", probability="3%", runs="1.000", indicator="Spannung", level=level, week=8)
        == "In 3% der 1.000 Monte-Carlo-Läufe fällt Spannung in mindestens einer Woche bis Woche 8 auf Stufe 60 "
        "„Monatliche Raketentests“ oder darunter."
    )
    assert (
        t("chart_caption", "en", runs=whole_number(10000, "en"), seed=7)
        == "Lines: median of 10,000 runs (seed 7); shaded: 10th to 90th percentile. Dotted: events."
    )


def test_whole_numbers_are_grouped_per_language():
    assert whole_number(1000, "en") == "1,000"
    assert whole_number(1000, "de") == "1.000"
    assert whole_number(20000000, "de") == "20.000.000"
    assert whole_number(999, "de") == "999"


def test_t_without_values_leaves_braces_alone_and_with_missing_values_raises():
    assert t("chart_group_title", "en") == "Projected indicators: {group}"
    with pytest.raises(KeyError):
        t("chart_group_title", "en", wrong=1)


def test_t_unknown_key_raises():
    with pytest.raises(KeyError):
        t("no-such-key", "en")


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("de-DE", "de"),
        ("de_AT", "de"),
        ("de", "de"),
        ("DE-ch", "de"),
        ("en-US", "en"),
        ("fr-FR", "en"),
        ("dee-DE", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_from_locale(locale, lang):
    assert language_from_locale(locale) == lang


def test_every_driver_group_has_a_name():
    for group in DRIVER_GROUPS:
        assert f"group_{group}" in STRINGS


def _literal_keys(path: Path) -> list[tuple[int, str]]:
    """(line, key) of every t("literal", ...) call in a source file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append((node.lineno, node.args[0].value))
    return out


def test_every_key_the_interface_asks_for_exists():
    used = {(path.name, line, key) for path in UI_SOURCES for line, key in _literal_keys(path)}
    assert len(used) >= 30  # the scan must find the calls, or this test proves nothing
    assert [(name, line, key) for name, line, key in sorted(used) if key not in STRINGS] == []


def test_every_link_repair_is_worded_in_both_languages_with_exactly_its_parameters():
    import string

    from engine.state import REPAIR_CODES

    for code, names in REPAIR_CODES.items():
        for lang in ("en", "de"):
            text = STRINGS[f"repair_{code}"][lang]
            fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            # t(key, lang, **params) fills the text: no parameter may be called key or lang.
            assert fields == set(names) and not fields & {"key", "lang"}, (code, lang)
