"""The page of an official document (公文) after GB/T 9704-2012 《党政机关公文格式》: the 通报 draft,
the 督办通知单 and the 考核情况报告 are written with these helpers.

- A4 (210 × 297 mm); 天头 37 mm, 下白边 35 mm, 订口 28 mm, 右白边 26 mm, so the 版心 is
  156 × 225 mm.
- Body in 3号仿宋 (16 pt), 22 lines of 28 characters a page: every body line is exactly
  225 mm / 22 high (28.95 pt) and every character advances 156 mm / 28 (15.75 pt: 3号 less
  0.25 pt of character spacing), so the count holds whatever 仿宋 the reader has. No Word
  document grid is used: LibreOffice and Word honour exact line heights and character spacing
  alike, while each reads a grid its own way.
- Title in 2号小标宋 centred, a blank line under it; first-level headings in 3号黑体, indented
  like the body.
- Page numbers "— 1 —" in 4号 half-width 宋体 digits, 7 mm under the 版心, on the outer side
  (odd pages right, even pages left, one character in).
- 落款 (signature): office and date right-aligned, the office two characters from the right,
  the date's first character two to the right of the office's (GB/T 9704 7.3.5.2, 不加盖印章).

Typefaces are named, never embedded. The font table declares each with what Word takes when the
clerk's machine lacks it (仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体, both shipped with Windows);
LibreOffice on a server with fonts-noto-cjk renders them in Noto Serif / Sans CJK SC (the tests
map the names so with fontconfig: tests/office/fonts.conf).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

from duban.office.docx import (
    BODY_FONT,
    HEADING_FONT,
    SONG,
    TABLE_PT,
    TITLE_FONT,
    clean,
    em_width,
    fix_widths,
    keep_row_together,
    set_font,
    word_table,
)
from duban.office.text import date_text

PAGE_MM = (210, 297)  # A4
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
TEXT_WIDTH_MM = PAGE_MM[0] - LEFT_MM - RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_MM[1] - TOP_MM - BOTTOM_MM  # 225
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
FORM_PT = 14  # 4号: a form's cells (the 督办通知单)
# Twips (1/20 pt), rounded down so that 22 lines and 28 characters fit the 版心.
LINE_TWIPS = math.floor(TEXT_HEIGHT_MM / 25.4 * 1440 / LINES_PER_PAGE)  # 579 = 28.95 pt
CHAR_SPACING = math.floor((TEXT_WIDTH_MM / 25.4 * 72 / CHARS_PER_LINE - BODY_PT) * 20)  # −5 = −0.25 pt
CHAR_PT = BODY_PT + CHAR_SPACING / 20  # 15.75
# GB/T 9704 7.5: the page number's dash stands 7 mm under the 版心.
PAGE_NUMBER_GAP_MM = 7
PAGE_NUMBER_LINE_PT = 18

# Word takes w:altName when the named face is missing: these ship with every Chinese Windows.
FONT_TABLE = {
    TITLE_FONT: ("宋体", "roman"),
    BODY_FONT: ("仿宋", "modern"),
    "楷体_GB2312": ("楷体", "modern"),
    HEADING_FONT: ("SimHei", "modern"),
    SONG: ("SimSun", "roman"),
}


def official_document() -> Any:
    """A new A4 document with the 版心 of GB/T 9704, page numbers in the 公文 style, Chinese as its
    East Asian language and its typefaces declared with their fallbacks."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    # The footer's bottom edge, so that the middle of its one exact line (where the dash is) sits
    # PAGE_NUMBER_GAP_MM under the 版心.
    section.footer_distance = Mm(BOTTOM_MM - PAGE_NUMBER_GAP_MM) - Pt(PAGE_NUMBER_LINE_PT / 2)
    _chinese_defaults(doc)
    _declare_fonts(doc)
    page_numbers(doc)
    return doc


def _chinese_defaults(doc: Any) -> None:
    # Word's East Asian line breaking (no 。 at a line's start) follows the language of the text.
    r_pr = doc.styles["Normal"].element.get_or_add_rPr()
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    fmt = doc.styles["Normal"].paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    # No extra space between Chinese and Latin or digits (Word adds a quarter em by default):
    # "2025年3月1日" is as wide as its characters, the 落款 lines up, and the figures in "应报送 2 份"
    # keep the spaces the text has, no more. (LibreOffice's import ignores the setting.)
    p_pr = doc.styles["Normal"].element.get_or_add_pPr()
    later = [el for el in p_pr if el.tag in {qn(t) for t in _AFTER_AUTOSPACE}]
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "0")
        if later:
            later[0].addprevious(el)
        else:
            p_pr.append(el)


_AFTER_AUTOSPACE = ("w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:jc", "w:rPr")


def _declare_fonts(doc: Any) -> None:
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name, (alt, family) in FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", family)):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)  # 86: GB2312
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "fixed" if family == "modern" else "variable")
    # python-docx keeps the font table as an opaque part; its bytes are all there is to change.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ─── paragraphs ───────────────────────────────────────────────────────────────────────────────


def _line(paragraph: Any, *, lines_after: int = 0, lines_before: int = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_TWIPS)
    fmt.space_before = Twips(LINE_TWIPS * lines_before)
    fmt.space_after = Twips(LINE_TWIPS * lines_after)


def _condensed(run: Any) -> None:
    """3号 less 0.25 pt a character: 28 characters fill the 156 mm line."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING))
    r_pr = run._element.get_or_add_rPr()
    # The schema's order: w:spacing stands before the size (w:sz) and what follows it.
    later = [el for el in r_pr if el.tag in {qn(t) for t in _AFTER_SPACING}]
    if later:
        later[0].addprevious(spacing)
    else:
        r_pr.append(spacing)


_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:lang")


def _paragraph(
    doc: Any, text: str, font: str, size: float, *, align: Any = None, indent: bool = False
) -> Any:
    para = doc.add_paragraph()
    _line(para)
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(2 * CHAR_PT)
    run = para.add_run(clean(text))
    set_font(run, font, size, bold=False)
    _condensed(run)
    return para


def title(doc: Any, text: str, *, lines_after: int = 1) -> Any:
    """The title: 2号小标宋 (not bold: the face is heavy itself), centred, a blank line under it
    (lines_after=0 where a centred line follows it, such as "（草稿）")."""
    para = _paragraph(doc, text, TITLE_FONT, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(para, lines_after=lines_after)
    return para


def centred(doc: Any, text: str, *, lines_after: int = 0) -> Any:
    """A centred line of 3号仿宋 (a 文号, "（草稿）", a date under the title)."""
    para = _paragraph(doc, text, BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(para, lines_after=lines_after)
    return para


def heading(doc: Any, text: str) -> Any:
    """A first-level heading (一、…): 3号黑体, indented two characters as the body is."""
    return _paragraph(doc, text, HEADING_FONT, BODY_PT, indent=True)


def body(doc: Any, text: str) -> Any:
    """A body paragraph: 3号仿宋, justified, its first line indented two characters."""
    return _paragraph(doc, text, BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)


def addressees(doc: Any, names: Sequence[str]) -> Any:
    """主送机关: flush left, after the title, ended by a full-width colon."""
    return _paragraph(doc, "、".join(names) + "：", BODY_FONT, BODY_PT)


def signature(doc: Any, office: str, day: dt.date) -> tuple[Any, Any]:
    """落款 without a seal (GB/T 9704 7.3.5.2): a blank line, the office two characters from the
    right, the date under it starting two characters further right; where the date is the longer
    the office moves left so the date keeps its two characters."""
    date = date_text(day)
    office_em, date_em = em_width(office), em_width(date)
    # Right ends, in characters from the right edge, of the two lines.
    if date_em + 2 > office_em:
        date_right, office_right = 2.0, 2 + (date_em + 2 - office_em)
    else:
        office_right, date_right = 2.0, 2 + (office_em - date_em - 2)
    out = []
    for text, right, before in ((office, office_right, 1), (date, date_right, 0)):
        para = _paragraph(doc, text, BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _line(para, lines_before=before)
        para.paragraph_format.right_indent = Pt(right * CHAR_PT)
        out.append(para)
    return out[0], out[1]


# ─── tables ───────────────────────────────────────────────────────────────────────────────────


def table(
    doc: Any, headings: Sequence[str], rows: Sequence[Sequence[Any]], *, size_pt: float = TABLE_PT
) -> Any:
    """A grid across the 版心 (duban.office.docx.word_table: headings repeated, rows kept whole,
    columns as wide as their text)."""
    return word_table(doc, headings, rows, size=size_pt)


def label_table(doc: Any, rows: Sequence[tuple[str, str]], *, size_pt: float, label_mm: float) -> Any:
    """Two columns, a label in bold and its value, across the 版心 (the 督办通知单's form)."""
    grid = doc.add_table(rows=0, cols=2)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for label, value in rows:
        row = grid.add_row()
        keep_row_together(row)
        for cell, text, bold in ((row.cells[0], label, True), (row.cells[1], value, False)):
            para = cell.paragraphs[0]
            para.paragraph_format.line_spacing = 1.0
            set_font(para.add_run(clean(text)), BODY_FONT, size_pt, bold=bold)
    fix_widths(grid, (label_mm, TEXT_WIDTH_MM - label_mm))
    return grid


# ─── page numbers ─────────────────────────────────────────────────────────────────────────────


def page_numbers(doc: Any) -> None:
    """ "— 1 —" in 4号 half-width 宋体 digits: odd pages at the right, even pages at the left, one
    character in from the 版心's edge (GB/T 9704 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph: Any, align: Any) -> None:
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(PAGE_NUMBER_LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    set_font(paragraph.add_run("— "), SONG, PAGE_NUMBER_PT)
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = paragraph.add_run()
        set_font(run, SONG, PAGE_NUMBER_PT)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = "1"
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    set_font(paragraph.add_run(" —"), SONG, PAGE_NUMBER_PT)
