"""Word documents (python-docx): typefaces, the East Asian font setter, paragraphs, tables,
shading, page numbers, and the page of an official document.

Typefaces are named, never embedded: the clerk's Office has them (Word falls back to SimSun
where 方正小标宋 or 仿宋_GB2312 is missing).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

SONG = "宋体"
HEI = "黑体"
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"

# An official document (通报, 督办通知单, 考核情况报告): the title in 方正小标宋, headings in 黑体,
# the body in 仿宋, tables in 宋体 五号.
TITLE_FONT = XIAOBIAOSONG
HEADING_FONT = HEI
BODY_FONT = FANGSONG
TABLE_FONT = SONG
TABLE_PT = 10.5  # 五号

# Characters XML 1.0 forbids; a stray one in a document would make Word refuse the file.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def official_document() -> Any:
    """A new document with the margins of an official document (37 / 35 mm top and bottom,
    28 / 26 mm left and right)."""
    doc = Document()
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    return doc


def document_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def set_font(run: Any, name: str, size: float, *, bold: bool | None = None) -> None:
    """A run's typeface and size (and weight, when given), for Latin and Chinese text alike."""
    run.font.name = name
    run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    _set_east_asian(run._element.get_or_add_rPr(), name)


def set_style_font(style: Any, name: str, size: float) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    _set_east_asian(style.element.get_or_add_rPr(), name)


def _set_east_asian(r_pr: Any, name: str) -> None:
    # python-docx sets the Latin font (w:ascii) only; Chinese text takes its font from w:eastAsia.
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def word_paragraph(
    doc: Any,
    text: str,
    font: str,
    size: float,
    *,
    bold: bool = False,
    center: bool = False,
    indent: bool = False,
) -> None:
    """A paragraph in one font; `indent` indents its first line by two characters."""
    para = doc.add_paragraph()
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    set_font(para.add_run(clean(text)), font, size, bold=bold)


def word_table(doc: Any, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A centred grid in 宋体 五号, its headings in bold."""
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(table.rows[0].cells, headings, strict=True):
        set_font(cell.paragraphs[0].add_run(h), TABLE_FONT, TABLE_PT, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            text = clean("" if value is None else str(value))
            set_font(cell.paragraphs[0].add_run(text), TABLE_FONT, TABLE_PT, bold=False)


def repeat_header(row: Any) -> None:
    """Never split the row across pages, and repeat it at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def fix_widths(table: Any, widths_mm: Sequence[float]) -> None:
    # Word reads each cell's width, LibreOffice the grid's: set both.
    for column, w in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            if cell._tc.grid_span == 1:
                cell.width = Mm(w)


def shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr = cell._tc.get_or_add_tcPr()
    # The schema orders a cell's properties; Word rejects a w:shd after (say) w:vAlign.
    later = [el for el in tc_pr if el.tag in {qn(t) for t in _AFTER_SHD}]
    if later:
        later[0].addprevious(shd)
    else:
        tc_pr.append(shd)


_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def page_numbers(paragraph: Any) -> None:
    """第 PAGE 页 共 NUMPAGES 页, as Word fields so every page counts itself."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(instruction: str) -> None:
        for kind in ("begin", "instr", "separate", "text", "end"):
            run = paragraph.add_run()
            if kind == "instr":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {instruction} "
            elif kind == "text":
                el = OxmlElement("w:t")
                el.text = "1"
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            run._r.append(el)

    paragraph.add_run("第 ")
    field("PAGE")
    paragraph.add_run(" 页 共 ")
    field("NUMPAGES")
    paragraph.add_run(" 页")
