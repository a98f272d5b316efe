"""Word documents (python-docx): typefaces, the East Asian font setter, paragraphs, tables (their
columns as wide as their text), shading, "第 X 页 共 Y 页" page numbers. The page of an official
document (公文, GB/T 9704) is duban.office.gongwen.

Typefaces are named, never embedded: the clerk's Office has them (gongwen's font table names
what Word takes where 方正小标宋 or 仿宋_GB2312 is missing).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

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
    """A new A4 document laid out as GB/T 9704 asks: duban.office.gongwen.official_document."""
    from duban.office.gongwen import official_document as make  # gongwen builds on this module

    return make()


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


def word_table(
    doc: Any, headings: Sequence[str], rows: Sequence[Sequence[Any]], *, size: float = TABLE_PT
) -> Any:
    """A centred grid in 宋体 (五号 unless told) across the page's text width, its headings bold and
    repeated on every page, no row split across two pages, each column as wide as its text
    allows (column_widths)."""
    section = doc.sections[-1]
    text_mm = (section.page_width - section.left_margin - section.right_margin) / Mm(1)
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, h in zip(table.rows[0].cells, headings, strict=True):
        _cell_text(cell, h, size, bold=True)
    repeat_header(table.rows[0])
    for row in rows:
        added = table.add_row()
        keep_row_together(added)
        for cell, value in zip(added.cells, row, strict=True):
            _cell_text(cell, "" if value is None else str(value), size, bold=False)
    fix_widths(table, column_widths(headings, rows, size_pt=size, total_mm=text_mm))
    return table


def _cell_text(cell: Any, text: str, size: float, *, bold: bool) -> None:
    para = cell.paragraphs[0]
    # Single spacing inside a cell, whatever the document's body paragraphs use.
    para.paragraph_format.line_spacing = 1.0
    para.paragraph_format.space_before = para.paragraph_format.space_after = Pt(0)
    set_font(para.add_run(clean(text)), TABLE_FONT, size, bold=bold)


def keep_row_together(row: Any) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


# Table Grid's cell margins, left and right (108 twips each).
CELL_PADDING_MM = 2 * 108 / 1440 * 25.4


def em_width(text: str) -> float:
    """Width in ems: full-width (Chinese) characters one, the rest (digits, Latin) half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def column_widths(
    headings: Sequence[str], rows: Sequence[Sequence[Any]], *, size_pt: float, total_mm: float
) -> list[float]:
    """Column widths (mm) adding up to `total_mm`. Where every column's longest line fits, each
    gets its own width and the spare is shared out in proportion. Otherwise the widths are
    levelled (max-min fair): a column narrower than an equal share of what is left keeps its
    width, the wide ones share the rest equally (their text wraps), none narrower than a word
    that cannot break (a number, a date, a serial)."""
    em_mm = size_pt / 72 * 25.4
    columns = [[h, *(r[i] for r in rows)] for i, h in enumerate(headings)]
    want = [_natural(col, em_mm) for col in columns]
    if sum(want) <= total_mm:
        return [w + (total_mm - sum(want)) * w / sum(want) for w in want]
    least = [max(_unbreakable(col, em_mm), 2 * em_mm + CELL_PADDING_MM) for col in columns]
    fixed: dict[int, float] = {}
    while len(fixed) < len(want):
        free = [i for i in range(len(want)) if i not in fixed]
        level = (total_mm - sum(fixed.values())) / len(free)
        settled = {i: want[i] for i in free if want[i] <= level} or {
            i: least[i] for i in free if least[i] > level
        }
        if not settled:
            return [fixed.get(i, level) for i in range(len(want))]
        fixed.update(settled)
    return [fixed[i] for i in range(len(want))]  # more columns than fit: each at its least


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _natural(column: Sequence[Any], em_mm: float) -> float:
    # Half an em to spare: the reader's typeface may set digits and Latin wider than half an em.
    longest = max((em_width(line) for v in column for line in _text(v).split("\n")), default=0.0)
    return (max(longest, 1.0) + 0.5) * em_mm + CELL_PADDING_MM


def _unbreakable(column: Sequence[Any], em_mm: float) -> float:
    """The widest run of half-width characters: Word breaks Chinese anywhere, never inside one."""
    widest = run = 0.0
    for v in column:
        run = 0.0
        for c in _text(v):
            run = run + 0.5 if unicodedata.east_asian_width(c) not in "WF" and not c.isspace() else 0.0
            widest = max(widest, run)
    return widest * em_mm + CELL_PADDING_MM


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
