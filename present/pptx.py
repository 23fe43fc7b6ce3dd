"""The briefing pack as PowerPoint: a slide for the bottom line, one for the caveats, one per chart group and one
for the tornado, from the same Brief as the HTML and PDF. Charts are plotly's own static export (PNG)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from present.briefing import Brief
from present.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
BODY_WIDTH = WIDTH - 2 * MARGIN
FOOTER_TOP = HEIGHT - Inches(0.5)
MARKING_RED = RGBColor(0xB0, 0x00, 0x20)
GREY = RGBColor(0x55, 0x55, 0x55)
# PNG scale of the static export: sharp on a projector without bloating the file.
PNG_SCALE = 2.0
# Text sizes to choose from, largest first: the largest whose estimated height fits its box is taken, since
# neither PowerPoint nor LibreOffice shrinks a text that overflows until someone edits it.
BODY_SIZES = (18, 16, 15, 14, 13, 12, 11, 10)
TITLE_SIZES = (26, 24, 22, 20)
LINE_SPACING = 1.2
# A line's height as a multiple of the size: the spacing above times the fonts' own line height (about 1.17).
LINE_HEIGHT = 1.4
SPACE_AFTER_PT = 6
BULLET_INDENT = Inches(0.3)


def _inches(length: int) -> float:
    return length / 914400


def text_height(paragraphs: Sequence[str], size: float, width: int, bold: bool = False, indent: int = 0) -> float:
    """Estimated height in inches of `paragraphs` at `size` points wrapped to `width` (EMU): an average
    character is taken as 0.55 of the size wide (0.6 in bold), on the wide side of Calibri and DejaVu Sans,
    so that the estimate errs towards a smaller size, never towards text over the footer."""
    per_line = max(1, int((_inches(width - indent) - 0.2) * 72 / (size * (0.6 if bold else 0.55))))
    lines = sum(max(1, math.ceil(len(p) / per_line)) for p in paragraphs)
    return (lines * size * LINE_HEIGHT + len(paragraphs) * SPACE_AFTER_PT) / 72 + 0.1


def fitting_size(
    paragraphs: Sequence[str], width: int, height: int, sizes: Sequence[int] = BODY_SIZES, **kwargs
) -> int:
    """The largest of `sizes` at which `paragraphs` fit a box of `width` x `height` (EMU); else the smallest."""
    for size in sizes:
        if text_height(paragraphs, size, width, **kwargs) <= _inches(height):
            return size
    return sizes[-1]


def _bullet(paragraph) -> None:
    """A real bullet with a hanging indent, so a wrapped line starts under the text, not under the bullet."""
    properties = paragraph._p.get_or_add_pPr()
    properties.set("marL", str(BULLET_INDENT))
    properties.set("indent", str(-BULLET_INDENT))
    bullet = properties.makeelement(qn("a:buChar"), {"char": "•"})
    properties.append(bullet)  # after the spacing elements, as the schema orders them


def _text(
    slide,
    left,
    top,
    width,
    height,
    lines,
    size=18,
    bold=False,
    colour=None,
    bullets=False,
    align=None,
    link: str = "",
):
    """A text box holding `lines` as paragraphs; python-pptx writes them as XML text, never as markup."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour is not None:
            run.font.color.rgb = colour
        if link:
            run.hyperlink.address = link
        paragraph.space_after = Pt(SPACE_AFTER_PT)
        paragraph.line_spacing = LINE_SPACING
        if align is not None:
            paragraph.alignment = align
        if bullets:
            _bullet(paragraph)
    return box


def _slide(deck, brief: Brief, title: str):
    """A blank slide with its title (sized to fit two lines at most), the handling marking at the top and the
    bottom, and the time at the bottom right. Returns the slide and where its body starts."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    marking = brief.byline.marking
    if marking:
        _text(
            slide,
            MARGIN,
            Inches(0.05),
            BODY_WIDTH,
            Inches(0.35),
            [marking],
            12,
            True,
            MARKING_RED,
            align=PP_ALIGN.CENTER,
        )
        _text(
            slide, MARGIN, FOOTER_TOP, BODY_WIDTH, Inches(0.4), [marking], 12, True, MARKING_RED, align=PP_ALIGN.CENTER
        )
    title_top = Inches(0.4)
    size = fitting_size([title], BODY_WIDTH, Inches(0.75), TITLE_SIZES, bold=True)
    height = Inches(text_height([title], size, BODY_WIDTH, bold=True))
    _text(slide, MARGIN, title_top, BODY_WIDTH, height, [title], size=size, bold=True)
    _text(slide, MARGIN, FOOTER_TOP, BODY_WIDTH, Inches(0.4), [brief.utc_time], 11, colour=GREY, align=PP_ALIGN.RIGHT)
    return slide, title_top + height + Inches(0.1)


def _picture(slide, png: bytes, top, bottom=FOOTER_TOP) -> None:
    """`png` as large as the room between `top` and `bottom` allows, centred."""
    room_w, room_h = BODY_WIDTH, bottom - top - Inches(0.1)
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top)
    ratio = min(room_w / picture.width, room_h / picture.height)
    picture.width, picture.height = Emu(int(picture.width * ratio)), Emu(int(picture.height * ratio))
    picture.left = Emu(int((WIDTH - picture.width) / 2))


def _caption(slide, lines: Sequence[str], bottom) -> int:
    """Small grey lines standing on `bottom`; returns their top."""
    if not lines:
        return bottom
    size = 11
    height = Inches(text_height(lines, size, BODY_WIDTH))
    _text(slide, MARGIN, bottom - height, BODY_WIDTH, height, lines, size, colour=GREY)
    return bottom - height


def briefing_pptx(brief: Brief) -> bytes:
    """The deck as bytes. Raises RuntimeError without a Chromium for the charts."""
    lang = brief.lang
    images = brief.slide_images(PNG_SCALE)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT

    first, top = _slide(deck, brief, brief.title)
    meta = " · ".join(part for part in (brief.dated, brief.written_by) if part)
    _text(first, MARGIN, top, BODY_WIDTH, Inches(0.4), [meta], 14, colour=GREY)
    top += Inches(0.45)
    if brief.link:
        # The settings this deck was made with, one click away (only a web address is ever a link: build_brief).
        _text(first, MARGIN, top, BODY_WIDTH, Inches(0.35), [brief.link[:300]], 10, colour=GREY, link=brief.link)
        top += Inches(0.4)
    if brief.bottom_line:
        _text(first, MARGIN, top, BODY_WIDTH, Inches(0.5), [t("bottom_title", lang)], 20, True)
        top += Inches(0.55)
        room = FOOTER_TOP - top - Inches(0.1)
        size = fitting_size(brief.bottom_line, BODY_WIDTH, room, indent=BULLET_INDENT)
        _text(first, MARGIN, top, BODY_WIDTH, room, brief.bottom_line, size, bullets=True)

    caveats, top = _slide(deck, brief, t("pack_caveats_title", lang))
    room = FOOTER_TOP - top - Inches(0.1)
    size = fitting_size(brief.caveats, BODY_WIDTH, room, indent=BULLET_INDENT)
    _text(caveats, MARGIN, top, BODY_WIDTH, room, brief.caveats, size, bullets=True)

    # Under each chart: what its event marks stand for, and what its lines are.
    notes = [*(["; ".join(brief.events)] if brief.events else []), brief.chart_caption]
    charts = brief.charts
    for chart, png in zip(charts, images, strict=False):
        slide, top = _slide(deck, brief, chart.title)
        bottom = _caption(slide, notes, FOOTER_TOP)
        _picture(slide, png, top, bottom)

    if brief.tornado is not None:
        slide, top = _slide(deck, brief, t("pack_tornado_title", lang))
        # The chart's own title (which indicator, which week) heads its caption: the picture has none.
        lines = [brief.tornado.title, brief.tornado_caption]
        height = Inches(text_height(lines, 12, BODY_WIDTH))
        _text(slide, MARGIN, top, BODY_WIDTH, height, lines, 12, colour=GREY)
        _picture(slide, images[len(charts)], top + height)

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
