"""The HTML briefing pack: parses, holds every chart, quote and readout, and keeps scenario text as text."""

from html.parser import HTMLParser
from pathlib import Path

from engine import MODEL_VERSION
from engine.loader import load_scenario, parse_scenario
from present.briefing import render_html
from present.i18n import t
from present.tables import cited

from .briefs import brief_of

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = load_scenario(ROOT / "scenarios" / "dprk-russia-2024.yaml")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def _pack(scenario, lang="en", static=False):
    brief = brief_of(scenario, lang)
    figures = [chart.figure for chart in brief.charts]
    page = render_html(brief, static=static)
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return page, collector, figures


def test_pack_is_self_contained_and_has_every_chart():
    page, collector, figures = _pack(SCENARIO)
    assert page.startswith("<!DOCTYPE html>")
    assert len(figures) == 3
    # Without a Chromium for static charts: the projection charts and the tornado, interactive.
    for n in range(len(figures) + 1):
        assert f'id="chart-{n}"' in page
    # plotly.js is inlined once; nothing is fetched from the network.
    assert page.count("Plotly.newPlot") == len(figures) + 1
    assert "<script src=" not in page
    assert "link" not in collector.tags
    assert collector.tags.count("script") == 1 + len(figures) + 1


def test_pack_carries_readouts_quotes_version_and_hash():
    _, collector, _ = _pack(SCENARIO)
    text = " ".join(collector.text)
    for q in SCENARIO.questions:
        assert q.text.en in text
    # Every source in full: the article's words with their translation, or the analyst's judgement.
    for element in (*SCENARIO.drivers, *SCENARIO.indicators, *SCENARIO.impacts):
        cite = cited(element.source, "en")
        assert cite.words in text
        assert cite.translation in text
    for indicator in SCENARIO.indicators:
        assert cited(indicator.initial_source, "en").words in text
    assert t("kind_judgement", "en") in text and t("kind_quote", "en") in text
    for check in SCENARIO.checks:
        assert check.text.en in text
    assert text.count("✓") == len(SCENARIO.checks)  # every check holds
    # The charts mark the events ①, ②, ...; the pack says what each mark stands for.
    for n, event in enumerate(SCENARIO.events):
        assert f"{chr(0x2460 + n)} week {event.week}: {event.label.en}" in text
    assert MODEL_VERSION in text
    assert SCENARIO.digest in text
    assert "2026-11-25 12:00 UTC" in text
    for preset in SCENARIO.presets:  # the question x preset table's columns
        assert preset.label.en in text


def test_pack_in_german():
    _, collector, _ = _pack(SCENARIO, lang="de")
    text = " ".join(collector.text)
    assert SCENARIO.title.de in text
    assert "Quellen und Vorbehalte" in text


def test_scenario_text_is_escaped():
    hostile = (ROOT / "scenarios" / "dprk-russia-2024.yaml").read_text(encoding="utf-8")
    hostile = hostile.replace(
        'en: "North Korean troops deployed"', 'en: "<script>alert(1)</script><img src=x onerror=alert(2)>"', 1
    )
    scenario = parse_scenario(hostile, "hostile.yaml")
    page, collector, _ = _pack(scenario)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "img" not in collector.tags
