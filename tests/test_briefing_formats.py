"""The briefing pack in its three formats (HTML with static charts, PDF, PPTX) built from the seed, read back."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from engine import MODEL_VERSION
from engine.loader import load_scenario, parse_scenario
from present.briefing import Byline, chromium_missing, find_chromium, render_html
from present.i18n import t
from present.pdf import briefing_pdf
from present.pptx import briefing_pptx

from .briefs import brief_of
from .test_hostile import ATTACK, hostile_yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = load_scenario(ROOT / "scenarios" / "dprk-russia-2024.yaml")
LINK = "http://localhost:8501/?scenario=dprk-russia-2024&seed=3"
BOTTOM = ("The lead question is answered yes in about half of the runs.", "Nothing else changed.")

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason=chromium_missing("en"))


def _brief(scenario, byline=None, bottom_line=BOTTOM, link=LINK):
    return brief_of(scenario, "en", byline, bottom_line, link, timezone="Europe/Berlin")


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFKC", text)  # the PDF's ligatures (ﬁ, ﬀ) as letters


def _slides_text(data: bytes) -> list[str]:
    deck = Presentation(io.BytesIO(data))
    return [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame).replace("\n", " ")
        for slide in deck.slides
    ]


def test_the_brief_is_in_reading_order():
    brief = _brief(SEED, Byline.of("A. Author", "Unit 7", "INTERNAL"))
    assert brief.dated == "2026-11-25 13:00 CET (2026-11-25 12:00 UTC)"
    assert brief.written_by == "A. Author, Unit 7"
    assert brief.bottom_line == BOTTOM
    assert len(brief.questions.rows) == len(SEED.questions)
    presets = ("Reported baseline", "Escalation", "De-escalation", "Sanctions squeeze")
    assert brief.questions.columns == ("Question", "Condition", "Current settings", *presets)
    # At the defaults the current settings are the baseline's: the same runs, the same answers.
    assert [row[3] for row in brief.questions.rows] == [row[2].split(" ")[0] for row in brief.questions.rows]
    assert brief.questions.rows[0][2:] == ("42% (95% interval 36–49%, 200 runs)", "42%", "66%", "8%", "42%")
    assert len(brief.charts) == 3
    assert brief.tornado is not None
    assert SEED.questions[0].text.en in brief.tornado_caption
    # Drivers that do not reach the lead question's indicator get no empty row: the caption names them.
    assert brief.tornado_caption.endswith(
        "Left out, since they do not reach this indicator (1): Logistics and asymmetric tactics."
    )
    assert len(brief.tornado.figure.data[0].y) == len(SEED.drivers) - 1
    page = render_html(brief, static=False)
    page = page[page.index("<body>") :]  # after the inlined plotly.js
    order = [
        page.index(text)
        for text in (
            "<h1>",
            "INTERNAL",
            "2026-11-25 13:00 CET",
            "A. Author, Unit 7",
            t("bottom_title", "en"),
            t("pack_caveats_title", "en"),
            "<table>",
            t("pack_tornado_title", "en"),
            t("pack_appendix", "en"),
            SEED.digest,
        )
    ]
    assert order == sorted(order)


def test_an_empty_bottom_line_shows_nothing():
    page = render_html(_brief(SEED, bottom_line=()), static=False)
    assert t("bottom_title", "en") not in page


def test_a_link_that_is_not_a_web_address_is_dropped():
    assert _brief(SEED, link="javascript:alert(1)").link == ""


@needs_chromium
def test_the_three_formats_from_the_seed():
    brief = _brief(SEED, Byline.of("A. Author", "Unit 7", "INTERNAL"))

    page = render_html(brief)
    size = len(page.encode("utf-8"))
    assert size < 1_000_000
    assert "<script" not in page  # static charts: nothing runs, nothing is fetched
    assert page.count('src="data:image/svg+xml;base64,') == len(brief.charts) + 1
    escaped = LINK.replace("&", "&amp;")
    assert re.findall(r"https?://[^\s\"<]+", page) == [escaped, escaped]  # the share link (href and text), nothing else

    pages, text = _pdf_text(briefing_pdf(brief))
    assert 8 <= pages <= 30
    for expected in (SEED.title.en, "INTERNAL", "A. Author, Unit 7", BOTTOM[0], SEED.digest, MODEL_VERSION):
        assert expected in text
    assert t("pack_caveats_title", "en") in text
    assert text.index(t("pack_caveats_title", "en")) < text.index(t("pack_question", "en"))
    for check in SEED.checks:
        assert check.text.en in text

    deck = briefing_pptx(brief)
    slides = _slides_text(deck)
    assert len(slides) == 2 + len(brief.charts) + 1  # bottom line, caveats, one per chart group, tornado
    assert SEED.title.en in slides[0] and BOTTOM[1] in slides[0] and LINK in slides[0]
    assert t("pack_caveats_title", "en") in slides[1]
    for slide, chart in zip(slides[2:-1], brief.charts, strict=True):
        assert chart.title in slide and brief.events[0] in slide
    assert t("pack_tornado_title", "en") in slides[-1] and brief.tornado.title in slides[-1]
    assert all(slide.startswith("INTERNAL ") and slide.count("INTERNAL") == 2 for slide in slides)  # top and foot
    assert "<br>" not in " ".join(slides)
    _assert_laid_out(deck)


def _assert_laid_out(data: bytes) -> None:
    """Every shape inside its slide, and no picture over any text box."""
    deck = Presentation(io.BytesIO(data))
    for n, slide in enumerate(deck.slides):
        boxes = [(s, s.left, s.top, s.left + s.width, s.top + s.height) for s in slide.shapes]
        for shape, left, top, right, bottom in boxes:
            assert left >= 0 and top >= 0 and right <= deck.slide_width and bottom <= deck.slide_height, (n, shape.name)
        pictures = [b for b in boxes if b[0].shape_type == 13]
        texts = [b for b in boxes if b[0].has_text_frame]
        for _, pl, pt, pr, pb in pictures:
            over = [s.text_frame.text for s, tl, tt, tr, tb in texts if pl < tr and tl < pr and pt < tb and tt < pb]
            assert over == [], (n, over)


@needs_chromium
def test_a_long_bottom_line_is_set_smaller_to_stay_on_its_slide():
    from pptx.util import Pt

    from present.pptx import BODY_SIZES

    sentence = "A question reaches its level by week 26 in 47% of runs (95%: 44–50%); 7–69% across the presets. " * 3
    brief = _brief(SEED, Byline.of("A", "B", "INTERNAL"), bottom_line=(sentence,) * 5)
    deck = briefing_pptx(brief)
    first = Presentation(io.BytesIO(deck)).slides[0]
    (bullets,) = [s for s in first.shapes if s.has_text_frame and sentence.strip() in s.text_frame.text]
    sizes = {run.font.size for p in bullets.text_frame.paragraphs for run in p.runs}
    assert len(sizes) == 1 and Pt(BODY_SIZES[-1]) <= sizes.pop() < Pt(BODY_SIZES[0])
    _assert_laid_out(deck)


def test_text_fitting_takes_the_largest_size_that_fits():
    from pptx.util import Inches

    from present.pptx import fitting_size, text_height

    short, long = ["One line."], ["word " * 400]
    assert fitting_size(short, Inches(12), Inches(1)) == 18
    assert text_height(long, 18, Inches(12)) > text_height(long, 12, Inches(12))
    size = fitting_size(long, Inches(12), Inches(3.5))
    assert 10 < size < 18 and text_height(long, size, Inches(12)) <= 3.5 < text_height(long, size + 1, Inches(12))
    assert fitting_size(long * 10, Inches(12), Inches(1)) == 10  # never smaller than the smallest size


@needs_chromium
def test_hostile_text_is_text_in_every_format():
    scenario = parse_scenario(hostile_yaml(), "hostile.yaml")
    byline = Byline.of(f"Zauthor {ATTACK}", f"Zunit2 {ATTACK}", f"Zmarking {ATTACK}")
    brief = _brief(scenario, byline, bottom_line=(f"Zbottom {ATTACK}",))

    page = render_html(brief)
    assert "<script" not in page and "<img src=x" not in page
    for marker in ("Zauthor", "Zunit2", "Zmarking", "Zbottom", "Ztitle", "Zquestion", "Zquote"):
        assert f"{marker} &lt;script&gt;alert(1)&lt;/script&gt;" in page, marker

    _, text = _pdf_text(briefing_pdf(brief))
    # The attack reads as the literal characters it is made of.
    for marker in ("Zauthor", "Zbottom", "Ztitle"):
        assert f"{marker} <script>alert(1)</script>" in text, marker
    assert "Zmarking <script>alert(1)</script>" in text  # the marking as typed, as text

    data = briefing_pptx(brief)
    slides = " ".join(_slides_text(data))
    for marker in ("Zmarking", "Zbottom", "Ztitle"):
        assert f"{marker} {ATTACK}" in slides, marker
    assert "Zauthor" in slides and "Zunit2" in slides
