"""The printable 督办通知单 of a supervision order, as .docx (python-docx), laid out as an official
document (duban.office.gongwen): title, 文号, 主送 units, the order as a form, the reply asked
for, and the 落款 (issuing office and date)."""

from __future__ import annotations

from django.utils import timezone

from duban.office import gongwen as gw
from duban.office.docx import document_bytes
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
    doc = gw.official_document()
    gw.title(doc, "督办通知单", lines_after=0)
    gw.centred(doc, order.serial, lines_after=1)  # the 文号, centred under the title
    gw.addressees(doc, [u.name for u in units])
    gw.body(doc, f"现对下列事项予以{order.get_level_display()}督办，请抓紧办理。")

    issued = timezone.localdate(order.issued_at)
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
        ("签发日期", date_text(issued)),
    ]
    if order.escalations:
        history = "；".join(
            f"{e['at'][:10]} 升级为{dict(blue='蓝色', yellow='黄色', red='红色').get(e['to'], e['to'])}"
            for e in order.escalations
        )
        rows.append(("升级记录", history))
    gw.label_table(doc, rows, size_pt=gw.FORM_PT, label_mm=32)
    gw.body(doc, f"请于{date_text(order.reply_deadline)}前将办理情况书面回复。")
    gw.signature(doc, issuing_office(order), issued)
    return document_bytes(doc)


def issuing_office(order: SupervisionOrder) -> str:
    """Who signs the notice: the issuing account's unit, else the plan's issuer (发文单位), else
    the office's usual name."""
    unit = order.issued_by.unit if order.issued_by is not None else None
    return unit.name if unit is not None else (order.task.plan.issuer or "督查室")


def order_docx_filename(order: SupervisionOrder) -> str:
    return f"督办通知单_{order.serial}.docx"
