"""The printable 督办通知单 of a supervision order, as .docx (python-docx)."""

from __future__ import annotations

from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from duban.office.docx import BODY_FONT, TITLE_FONT, document_bytes, official_document, set_font
from duban.office.text import date_text
from duban.plans.models import Role
from duban.tracking.models import SupervisionOrder


def render_order_docx(order: SupervisionOrder) -> bytes:
    task = order.task
    # In the task's own order of units: the lead first, as the plan lists them.
    rank = {
        u: i for i, u in enumerate(task.responsibilities.order_by("order").values_list("unit_id", flat=True))
    }
    units = sorted(order.units.all(), key=lambda u: (rank.get(u.pk, len(rank)), u.name))
    lead_ids = set(task.responsibilities.filter(role=Role.LEAD).values_list("unit_id", flat=True))
    doc = official_document()

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(title.add_run("督办通知单"), TITLE_FONT, 22, bold=True)
    serial = doc.add_paragraph()
    serial.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_font(serial.add_run(order.serial), BODY_FONT, 16, bold=False)

    rows = [
        ("编号", order.serial),
        ("督办级别", f"{order.get_level_display()}督办"),
        ("所属方案", task.plan.title),
        (
            "督办任务",
            f"{task.number}. {task.title or ''}{'：' if task.title and task.text else ''}{task.text}".strip(),
        ),
        ("完成时限", task.deadline_text or (date_text(task.deadline) if task.deadline else "—")),
        ("督办单位", "、".join(f"{u.name}{'（牵头）' if u.pk in lead_ids else ''}" for u in units)),
        ("督办事项", order.text),
        ("回复期限", date_text(order.reply_deadline)),
        ("签发日期", date_text(timezone.localdate(order.issued_at))),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(3.2), Cm(12.4)
        set_font(cells[0].paragraphs[0].add_run(label), BODY_FONT, 14, bold=True)
        set_font(cells[1].paragraphs[0].add_run(value), BODY_FONT, 14, bold=False)
    if order.escalations:
        history = "；".join(
            f"{e['at'][:10]} 升级为{dict(blue='蓝色', yellow='黄色', red='红色').get(e['to'], e['to'])}"
            for e in order.escalations
        )
        cells = table.add_row().cells
        set_font(cells[0].paragraphs[0].add_run("升级记录"), BODY_FONT, 14, bold=True)
        set_font(cells[1].paragraphs[0].add_run(history), BODY_FONT, 14, bold=False)

    note = doc.add_paragraph()
    note.paragraph_format.space_before = Pt(12)
    reply = f"请于{date_text(order.reply_deadline)}前将办理情况书面回复。"
    set_font(note.add_run(reply), BODY_FONT, 14, bold=False)
    return document_bytes(doc)


def order_docx_filename(order: SupervisionOrder) -> str:
    return f"督办通知单_{order.serial}.docx"
