"""The briefing pack as PowerPoint: a slide for the bottom line, one for the caveats, one per chart group and one
for the tornado, from the same Brief as the HTML and PDF. Charts are plotly's own static export (PNG)."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from present.briefing import Brief
from present.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
MARKING_RED = RGBColor(0xB0, 0x00, 0x20)
GREY = RGBColor(0x55, 0x55, 0x55)
# PNG scale of the static export: sharp on a projector without bloating the file.
PNG_SCALE = 2.0


def _text(slide, left, top, width, height, lines, size=18, bold=False, colour=None, bullets=False) -> None:
    """A text box holding `lines` as paragraphs; python-pptx writes them as XML text, never as markup."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}" if bullets else line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        if colour is not None:
            paragraph.font.color.rgb = colour
        paragraph.space_after = Pt(6)


def _slide(deck, brief: Brief, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    _text(slide, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8), [title], size=26, bold=True)
    footer = [brief.byline.marking] if brief.byline.marking else []
    if footer:
        _text(slide, MARGIN, HEIGHT - Inches(0.55), Inches(6), Inches(0.4), footer, 12, True, MARKING_RED)
    _text(slide, WIDTH - Inches(6.5), HEIGHT - Inches(0.55), Inches(6), Inches(0.4), [brief.utc_time], 11, colour=GREY)
    return slide


def _picture(slide, png: bytes, top) -> None:
    room_w, room_h = WIDTH - 2 * MARGIN, HEIGHT - top - Inches(0.7)
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top)
    ratio = min(room_w / picture.width, room_h / picture.height)
    picture.width, picture.height = Emu(int(picture.width * ratio)), Emu(int(picture.height * ratio))
    picture.left = Emu(int((WIDTH - picture.width) / 2))


def briefing_pptx(brief: Brief) -> bytes:
    """The deck as bytes. Raises RuntimeError without a Chromium for the charts."""
    lang = brief.lang
    images = brief.images("png", PNG_SCALE)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    body_w = WIDTH - 2 * MARGIN

    first = _slide(deck, brief, brief.title)
    top = Inches(1.1)
    if brief.byline.marking:
        _text(first, MARGIN, top, body_w, Inches(0.45), [brief.byline.marking], 16, True, MARKING_RED)
        top += Inches(0.5)
    meta = [brief.dated] + ([f"{t('pack_author', lang)}: {brief.written_by}"] if brief.written_by else [])
    _text(first, MARGIN, top, body_w, Inches(0.8), meta, 14, colour=GREY)
    top += Inches(0.9)
    if brief.bottom_line:
        _text(first, MARGIN, top, body_w, Inches(0.5), [t("bottom_title", lang)], 20, True)
        _text(
            first, MARGIN, top + Inches(0.55), body_w, HEIGHT - top - Inches(1.3), brief.bottom_line, 18, bullets=True
        )

    caveats = _slide(deck, brief, t("pack_caveats_title", lang))
    _text(caveats, MARGIN, Inches(1.2), body_w, Inches(5.5), brief.caveats, 16, bullets=True)

    for chart, png in zip(brief.charts, images, strict=False):
        slide = _slide(deck, brief, chart.title)
        _picture(slide, png, Inches(1.1))

    if brief.tornado is not None:
        slide = _slide(deck, brief, t("pack_tornado_title", lang))
        _text(slide, MARGIN, Inches(1.0), body_w, Inches(0.6), [brief.tornado_caption], 12, colour=GREY)
        _picture(slide, images[len(brief.charts)], Inches(1.7))

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
