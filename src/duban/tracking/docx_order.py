"""The printable 督办通知单 of a supervision order, as .docx (python-docx)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from duban.plans.models import Role
from duban.tracking.models import SupervisionOrder

# Chinese official documents: 方正小标宋 for the title and 仿宋 for the body where installed;
# Word falls back to SimSun otherwise.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"


def _font(run: Any, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # East Asian text takes its font from w:eastAsia, not from w:ascii.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def render_order_docx(order: SupervisionOrder) -> bytes:
    task = order.task
    # In the task's own order of units: the lead first, as the plan lists them.
    rank = {
        u: i for i, u in enumerate(task.responsibilities.order_by("order").values_list("unit_id", flat=True))
    }
    units = sorted(order.units.all(), key=lambda u: (rank.get(u.pk, len(rank)), u.name))
    lead_ids = set(task.responsibilities.filter(role=Role.LEAD).values_list("unit_id", flat=True))
    doc = Document()
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("督办通知单"), TITLE_FONT, 22, bold=True)
    serial = doc.add_paragraph()
    serial.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(serial.add_run(order.serial), BODY_FONT, 16)

    rows = [
        ("编号", order.serial),
        ("督办级别", f"{order.get_level_display()}督办"),
        ("所属方案", task.plan.title),
        (
            "督办任务",
            f"{task.number}. {task.title or ''}{'：' if task.title and task.text else ''}{task.text}".strip(),
        ),
        ("完成时限", task.deadline_text or (_date(task.deadline) if task.deadline else "—")),
        ("督办单位", "、".join(f"{u.name}{'（牵头）' if u.pk in lead_ids else ''}" for u in units)),
        ("督办事项", order.text),
        ("回复期限", _date(order.reply_deadline)),
        ("签发日期", _date(timezone.localdate(order.issued_at))),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(3.2), Cm(12.4)
        _font(cells[0].paragraphs[0].add_run(label), BODY_FONT, 14, bold=True)
        _font(cells[1].paragraphs[0].add_run(value), BODY_FONT, 14)
    if order.escalations:
        history = "；".join(f"{e['at'][:10]} 升级为{dict(blue='蓝色', yellow='黄色', red='红色').get(e['to'], e['to'])}"
                           for e in order.escalations)  # fmt: skip
        cells = table.add_row().cells
        _font(cells[0].paragraphs[0].add_run("升级记录"), BODY_FONT, 14, bold=True)
        _font(cells[1].paragraphs[0].add_run(history), BODY_FONT, 14)

    note = doc.add_paragraph()
    note.paragraph_format.space_before = Pt(12)
    _font(note.add_run(f"请于{_date(order.reply_deadline)}前将办理情况书面回复。"), BODY_FONT, 14)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def order_docx_filename(order: SupervisionOrder) -> str:
    return f"督办通知单_{order.serial}.docx"
