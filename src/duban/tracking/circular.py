"""The period overview as downloads: an Excel workbook of all its tables, and a .docx 通报 draft
(title, date, summary figures, tables of units not reported, overdue items and open orders).

Both are rendered from queries.PeriodReport, the object the page itself shows, so a download
never holds more (or other) than the screen it was taken from.
"""

from __future__ import annotations

import datetime as dt

from duban.office import gongwen as gw
from duban.office.docx import document_bytes
from duban.office.text import date_text
from duban.office.xlsx import Table
from duban.tracking.lights import Color
from duban.tracking.models import OrderLevel, SupervisionOrder
from duban.tracking.queries.period_reports import PeriodReport

LEVELS = dict(OrderLevel.choices)
COLORS = dict(Color.choices)


def _order_row(o: SupervisionOrder, day: dt.date) -> tuple[str, ...]:
    overdue = "（已逾期）" if o.status == "open" and o.reply_deadline < day else ""
    return (
        o.serial,
        LEVELS.get(o.level, o.level),
        f"{o.task.number} {o.task.title or o.task.text[:40]}",
        "、".join(u.name for u in o.units.all()),
        o.reply_deadline.isoformat(),
        o.get_status_display() + overdue,
    )


NOBODY = "无牵头或责任单位，无人负责报送"
ORDER_HEADINGS = ("编号", "级别", "任务", "督办单位", "回复期限", "状态")


def summary_lines(r: PeriodReport) -> list[str]:
    """The overview in sentences. The reports owed are those of the period (settled when it
    began: a task closed later still owed its report); the rest is as of the statistics date."""
    ov, p = r.overview, r.period
    lines = [
        f"{p.name}（{p.start.isoformat()} 至 {p.end.isoformat()}，{p.due.isoformat()} 截止报送）"
        f"应报送任务报告 {ov.expected} 份，已报送 {ov.reported} 份，报送率 {ov.percent:g}%；"
        f"其中按时报送 {ov.on_time} 份，按时报送率 {ov.on_time_percent:g}%。",
    ]
    if ov.missing:  # the plan's figures (the lists of tasks are narrowed to what the viewer may see)
        state = "逾期未报送" if ov.overdue else "尚未报送"
        lines.append(f"{len({m.unit_id for m in ov.missing})} 个单位 {len(ov.missing)} 份报告{state}。")
    elif ov.expected:
        lines.append("各单位均已报送。")
    else:
        lines.append("本期没有应报送的任务报告。")
    if ov.nobody:
        lines.append(
            f"另有 {len(ov.nobody)} 项任务没有牵头或责任单位（仅有参与单位或未列单位），"
            "无单位负责报送，未计入应报数，请明确报送单位。"
        )
    lines.append(f"待审核报告 {ov.awaiting_review} 份。")
    levels = "、".join(f"{LEVELS[lv]} {ov.open_orders.get(lv, 0)} 件" for lv in reversed(OrderLevel.values))
    lines.append(
        f"截至 {r.day.isoformat()}，未办结督办单 {ov.open_order_count} 件（{levels}），"
        f"其中逾期未回复 {len(r.overdue_orders)} 件。"
    )
    counts = r.light_counts
    lines.append(
        f"截至 {r.day.isoformat()}，任务灯色：红灯 {counts['red']} 项、黄灯 {counts['yellow']} 项、"
        f"绿灯 {counts['green']} 项。"
    )
    return lines


def period_tables(r: PeriodReport) -> list[Table]:
    """The period page's tables, one sheet each: overview, units, missing, sections, lights,
    orders, receipts."""
    p, ov = r.period, r.overview
    facts = f"{p.plan.title} · 统计日期：{r.day.isoformat()}"
    missing = [
        (m.unit_name, m.task.number, m.task.title or m.task.text, p.due.isoformat()) for m in r.missing
    ]
    return [
        Table(f"{p.name}报送概况", ("项目", "内容"), _overview_rows(r), facts=facts, sheet="概况"),
        Table(
            f"{p.name}各单位报送率",
            ("单位", "应报", "已报", "未报", "报送率（%）", "按时报送", "按时报送率（%）"),
            [
                (u.name, u.expected, u.reported, u.lacking, u.percent, u.on_time, u.on_time_percent)
                for u in ov.units
            ],
            facts=facts,
            sheet="各单位报送率",
        ),
        Table(
            f"{p.name}{'逾期未报送' if ov.overdue else '未报送'}清单",
            ("单位", "序号", "任务", "报送截止"),
            missing,
            facts=facts,
            sheet="未报送",
        ),
        # (only when there are such tasks: nobody obliged to report them)
        *(
            [Table("无报送单位的任务", ("序号", "任务", "说明"), nobody, facts=facts, sheet="无报送单位")]
            if (nobody := [(t.number, t.title or t.text, NOBODY) for t in r.nobody])
            else []
        ),
        Table(f"{p.name}各部分报送与灯色", SECTION_HEADINGS, _section_rows(r), facts=facts, sheet="各部分"),
        Table(
            "各单位任务灯色",
            ("单位", "灯色", "绿灯", "黄灯", "红灯"),
            _unit_light_rows(r),
            facts=facts,
            sheet="单位灯色",
        ),
        Table(
            "未办结督办单",
            ORDER_HEADINGS,
            [_order_row(o, r.day) for o in r.open_orders],
            facts=facts,
            sheet="督办单",
        ),
        Table(
            f"{p.name}报告接收情况",
            ("日期", "累计收到"),
            [(d.isoformat(), n) for d, n in r.received],
            facts=facts,
            sheet="报告接收",
        ),
    ]


def _overview_rows(r: PeriodReport) -> list[tuple[str, str]]:
    p = r.period
    return [
        ("方案", p.plan.title),
        ("报送周期", p.name),
        ("起止日期", f"{p.start.isoformat()} 至 {p.end.isoformat()}"),
        ("报送截止", p.due.isoformat()),
        ("统计日期", r.day.isoformat()),
        *(("概况", line) for line in summary_lines(r)),
    ]


SECTION_HEADINGS = ("部分", "任务数", "应报", "已报", "报送率（%）", "绿灯", "黄灯", "红灯")


def _section_rows(r: PeriodReport) -> list[tuple[str | int | float, ...]]:
    lights = ("green", "yellow", "red")
    return [
        (s.title, s.tasks, s.expected, s.reported, s.percent, *(s.lights[c] for c in lights))
        for s in r.sections
    ]


def _unit_light_rows(r: PeriodReport) -> list[tuple[str | int, ...]]:
    lights = ("green", "yellow", "red")
    return [
        (u.name, COLORS.get(u.color, u.color), *(u.counts.get(c, 0) for c in lights)) for u in r.lights.units
    ]


def period_docx(r: PeriodReport) -> bytes:
    """A 通报 draft for the office to edit: the figures and lists, not the verdicts."""
    p, ov = r.period, r.overview
    doc = gw.official_document()
    gw.title(doc, f"关于{p.name}《{p.plan.title}》落实情况的通报", lines_after=0)
    gw.centred(doc, "（草稿）")
    gw.centred(doc, date_text(r.day), lines_after=1)
    gw.heading(doc, "一、总体情况")
    for line in summary_lines(r):
        gw.body(doc, line)
    gw.heading(doc, "二、各单位报送情况")
    gw.table(
        doc,
        ("单位", "应报", "已报", "报送率"),
        [(u.name, u.expected, u.reported, f"{u.percent:g}%") for u in ov.units],
    )
    gw.heading(doc, f"三、{'逾期未报送' if ov.overdue else '未报送'}单位")
    if r.missing_units:
        gw.table(
            doc,
            ("单位", "未报送数", "任务"),
            [
                (
                    name,
                    len(items),
                    "；".join(f"{m.task.number} {m.task.title or m.task.text[:30]}" for m in items),
                )
                for name, items in r.missing_units
            ],
        )
    else:
        gw.body(doc, "无。")
    gw.heading(doc, "四、逾期未回复的督办事项")
    if r.overdue_orders:
        gw.table(doc, ORDER_HEADINGS, [_order_row(o, r.day) for o in r.overdue_orders])
    else:
        gw.body(doc, "无。")
    gw.heading(doc, "五、未办结督办单")
    if r.open_orders:
        gw.table(doc, ORDER_HEADINGS, [_order_row(o, r.day) for o in r.open_orders])
    else:
        gw.body(doc, "无。")
    return document_bytes(doc)
