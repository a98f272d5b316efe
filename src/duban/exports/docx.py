"""A plan as a Word 责任分解表 for official printing.

A4 landscape; the title in 黑体 and the table in 宋体, named only (nothing is embedded: the
clerk's Office has both); one table 序号 / 任务 / 牵头单位 / 配合单位 / 目标要求 / 完成时限 whose
header row repeats on every printed page, with the document's section headings as rows merged
across the table; "第 X 页 共 Y 页" in the footer. Works on any duban.extract.model.Plan, so a
stored plan (via duban.plans.serialize.plan_to_x) and a unit's 责任清单 print the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from duban.extract.export import (
    deadline_text,
    has_roles,
    plan_and_parts,
    plan_facts,
    plan_title,
    render_deduction,
    render_target,
    sections,
)
from duban.extract.model import Plan, Task
from duban.office.docx import (
    HEI,
    SONG,
    clean,
    document_bytes,
    fix_widths,
    page_numbers,
    repeat_header,
    set_font,
    set_style_font,
    shade,
)
from duban.office.text import number_text

BODY_FONT = SONG
TITLE_FONT = HEI
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


def to_docx(plan: Plan) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = Document()
    set_style_font(doc.styles["Normal"], BODY_FONT, BODY_PT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM + 5)
    page_numbers(section.footer.paragraphs[0])
    for i, p in enumerate(plan_and_parts(plan)):
        # Each part on a new page: its title says so itself. (A page-break paragraph after the
        # previous table fell on a page of its own whenever that table filled its last page,
        # printing a blank page.)
        _title(doc, plan_title(p), plan_facts(p), new_page=i > 0)
        _task_table(doc, p)
        if p.deductions:
            _heading(doc, "负面清单")
            rows = [(d.id, d.item, render_deduction(d)) for d in p.deductions]
            _plain_table(doc, ("序号", "扣分项目", "扣分规则"), rows, (13, 90, 164))
    return document_bytes(doc)


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
        "序号": task.id,
        "任务": name,
        "牵头单位": lead,
        "责任单位": lead,
        "配合单位": partners,
        "目标要求": requirement,
        "分值": number_text(task.points),
        "完成时限": deadline_text(task),
    }
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
            shade(cell, SECTION_FILL)
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
    fix_widths(table, _widths(headings))


def _plain_table(
    doc: Any, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    table = _new_table(doc, headings, widths)
    for values in rows:
        row = table.add_row()
        for cell, text in zip(row.cells, values, strict=True):
            _write(cell, text)
    fix_widths(table, widths)


def _new_table(doc: Any, headings: Sequence[str], widths: Sequence[float]) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=1, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    for cell, h in zip(header.cells, headings, strict=True):
        shade(cell, HEADER_FILL)
        _write(cell, h, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    repeat_header(header)
    return table


def _write(cell: Any, text: str, *, font: str | None = None, align: Any = None, indent: int = 0) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.left_indent = Pt(BODY_PT * 2 * indent)
    run = paragraph.add_run(clean(text))  # "\n" becomes a line break inside the cell
    if font:
        set_font(run, font, BODY_PT)


def _title(doc: Any, title: str, facts: str, *, new_page: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.paragraph_format.page_break_before = new_page
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(6)
    set_font(p.add_run(clean(title)), TITLE_FONT, TITLE_PT)
    if facts:
        f = doc.add_paragraph()
        f.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        f.add_run(clean(facts))


def _heading(doc: Any, text: str) -> None:
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    set_font(p.add_run(clean(text)), TITLE_FONT, 14)
