"""A plan as a Word 责任分解表 for official printing.

A4 landscape; the title in 黑体 and the table in 宋体, named only (nothing is embedded: the
clerk's Office has both); one table 序号 / 任务 / 牵头单位 / 配合单位 / 目标要求 / 完成时限 whose
header row repeats on every printed page, with the document's section headings as rows merged
across the table; "第 X 页 共 Y 页" in the footer. Works on any duban.extract.model.Plan, so a
stored plan (via duban.plans.serialize.plan_to_x) and a unit's 责任清单 print the same way.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from duban.extract.export import (
    deadline_text,
    has_roles,
    number_text,
    plan_and_parts,
    plan_facts,
    plan_title,
    render_deduction,
    render_target,
    sections,
)
from duban.extract.model import Plan, Task

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_PT = 10.5  # 五号
TITLE_PT = 18  # 小二
HEADER_FILL = "D9D9D9"
SECTION_FILL = "F2F2F2"
PAGE_MM = (297, 210)  # A4 landscape
MARGIN_MM = 15
# Column widths in millimetres, by heading; 目标要求 takes what is left of the printable width.
WIDTHS_MM = {
    "序号": 13,
    "任务": 58,
    "牵头单位": 34,
    "责任单位": 40,
    "配合单位": 46,
    "分值": 13,
    "完成时限": 25,
}

# Characters XML 1.0 forbids; a stray one in a document would make Word refuse the file.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def to_docx(plan: Plan) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = Document()
    _set_style_font(doc.styles["Normal"], BODY_FONT, BODY_PT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM + 5)
    _page_numbers(section.footer.paragraphs[0])
    for i, p in enumerate(plan_and_parts(plan)):
        if i:
            doc.add_page_break()  # type: ignore[no-untyped-call]
        _title(doc, plan_title(p), plan_facts(p))
        _task_table(doc, p)
        if p.deductions:
            _heading(doc, "负面清单")
            rows = [(d.id, d.item, render_deduction(d)) for d in p.deductions]
            _plain_table(doc, ("序号", "扣分项目", "扣分规则"), rows, (13, 90, 164))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def headings_of(plan: Plan) -> tuple[str, ...]:
    """The printed columns: 配合单位 only when the document names lead units, 分值 when it scores."""
    roles = has_roles(plan)
    out = ["序号", "任务", "牵头单位" if roles else "责任单位"]
    if roles:
        out.append("配合单位")
    out.append("目标要求")
    if any(t.points is not None for t in plan.tasks):
        out.append("分值")
    out.append("完成时限")
    return tuple(out)


def task_cells(task: Task, headings: Sequence[str]) -> list[str]:
    if task.lead is not None and "配合单位" in headings:
        lead, partners = "、".join(task.lead), "、".join(task.partners or ())
        others = [u for u in task.units if u not in set(task.lead) | set(task.partners or ())]
        if others:
            partners = "\n".join(x for x in (partners, "责任单位：" + "、".join(others)) if x)
    else:
        lead, partners = "、".join(task.units), ""
    name, requirement = (task.title, task.text) if task.title else (task.text, "")
    requirement = "\n".join(x for x in (requirement, *(render_target(t) for t in task.targets)) if x)
    by_heading = {
        "序号": task.id, "任务": name, "牵头单位": lead, "责任单位": lead, "配合单位": partners,
        "目标要求": requirement, "分值": number_text(task.points), "完成时限": deadline_text(task),
    }  # fmt: skip
    return [by_heading[h] for h in headings]


def _widths(headings: Sequence[str]) -> list[float]:
    printable = PAGE_MM[0] - 2 * MARGIN_MM
    fixed = sum(WIDTHS_MM.get(h, 0) for h in headings)
    return [WIDTHS_MM.get(h, printable - fixed) for h in headings]


def _task_table(doc: Any, plan: Plan) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    headings = headings_of(plan)
    table = _new_table(doc, headings, _widths(headings))
    for part in sections(plan.tasks):
        for depth, heading in part.headings:
            row = table.add_row()
            cell = row.cells[0].merge(row.cells[-1])
            _shade(cell, SECTION_FILL)
            _write(cell, heading, font=TITLE_FONT, indent=depth)
        for task in part.tasks:
            row = table.add_row()
            for h, cell, text in zip(headings, row.cells, task_cells(task, headings), strict=True):
                centered = h in ("序号", "分值", "完成时限")
                _write(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER if centered else None)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER if centered else None
    if not plan.tasks:
        row = table.add_row()
        _write(row.cells[0].merge(row.cells[-1]), "（无任务）")
    _fix_widths(table, _widths(headings))


def _plain_table(
    doc: Any, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    table = _new_table(doc, headings, widths)
    for values in rows:
        row = table.add_row()
        for cell, text in zip(row.cells, values, strict=True):
            _write(cell, text)
    _fix_widths(table, widths)


def _new_table(doc: Any, headings: Sequence[str], widths: Sequence[float]) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = doc.add_table(rows=1, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    for cell, h in zip(header.cells, headings, strict=True):
        _shade(cell, HEADER_FILL)
        _write(cell, h, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    tr_pr = header._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):  # never split the header; repeat it on every page
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)
    return table


def _fix_widths(table: Any, widths: Sequence[float]) -> None:
    # Word reads each cell's width, LibreOffice the grid's: set both.
    from docx.shared import Mm

    for column, w in zip(table.columns, widths, strict=True):
        column.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            if cell._tc.grid_span == 1:
                cell.width = Mm(w)


def _write(cell: Any, text: str, *, font: str | None = None, align: Any = None, indent: int = 0) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.left_indent = Pt(BODY_PT * 2 * indent)
    run = paragraph.add_run(clean(text))  # "\n" becomes a line break inside the cell
    if font:
        _set_run_font(run, font, BODY_PT)


def _title(doc: Any, title: str, facts: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(6)
    _set_run_font(p.add_run(clean(title)), TITLE_FONT, TITLE_PT)
    if facts:
        f = doc.add_paragraph()
        f.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        f.add_run(clean(facts))


def _heading(doc: Any, text: str) -> None:
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    _set_run_font(p.add_run(clean(text)), TITLE_FONT, 14)


def _set_run_font(run: Any, name: str, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    # python-docx sets the Latin font only; Chinese text takes the East Asian one.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _set_style_font(style: Any, name: str, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = name
    style.font.size = Pt(size)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

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


def _page_numbers(paragraph: Any) -> None:
    """第 PAGE 页 共 NUMPAGES 页, as Word fields so every page counts itself."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

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
