"""What each export holds. Each reads through the same access helpers and queries as the page
it mirrors, so a download never shows more (or other) than the screen it was taken from."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count

from duban.accounts.models import User
from duban.clock import today
from duban.extract.model import Plan as XPlan
from duban.extract.model import Task as XTask
from duban.office.xlsx import Cell, Table
from duban.plans.access import visible_plans
from duban.plans.duties import Duty, Workload, directory, unit_duties
from duban.plans.models import Plan
from duban.units.models import Kind, Unit
from duban.units.search import UnitSearch

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _TaskCount(TypedDict):
    n_tasks: int


# ---------------------------------------------------------------------------------------------
# The plan list

PLAN_HEADINGS = ("名称", "文号", "发文日期", "版本", "任务数")


def plan_list(user: User) -> list[WithAnnotations[Plan, _TaskCount]]:
    """The current plans the user sees on the plan list, with their task counts."""
    # Counted over a subquery of keys: a reporter's visible_plans() joins tasks already.
    ids = visible_plans(user).filter(is_current=True).values("pk")
    return list(
        Plan.objects.filter(pk__in=ids).annotate(n_tasks=Count("tasks")).order_by("-created_at", "-id")
    )


def plans_table(plans: Sequence[WithAnnotations[Plan, _TaskCount]]) -> Table:
    rows = [
        (p.title, p.doc_number, p.date.isoformat() if p.date else "", p.version, p.n_tasks) for p in plans
    ]
    return Table(
        "分解方案列表", PLAN_HEADINGS, rows, facts=f"导出日期：{today().isoformat()}", sheet="分解方案"
    )


def plans_json(plans: Sequence[WithAnnotations[Plan, _TaskCount]]) -> str:
    return json.dumps(
        {
            "plans": [
                {
                    "id": p.pk,
                    "title": p.title,
                    "doc_number": p.doc_number,
                    "date": p.date.isoformat() if p.date else None,
                    "version": p.version,
                    "tasks": p.n_tasks,
                }
                for p in plans
            ]
        },
        ensure_ascii=False,
        indent=2,
    )


# ---------------------------------------------------------------------------------------------
# One unit's responsibility list

LEAD_HEADING = "一、牵头任务"
OTHER_HEADING = "二、配合及其他任务"
GROUP_HEADING = "三、经单位组承担的任务"


def unit_plan(user: User, unit: Unit) -> XPlan:
    """The unit's 责任清单 as a plan: lead and partner tasks under headings of their own, then by
    plan and section, so the responsibility table writers (xlsx, csv, docx) print it as is."""
    duties = unit_duties(user, unit, list(unit.groups.all()))

    def under(heading: str, items: Sequence[Duty]) -> list[XTask]:
        return [dataclasses.replace(d.x, path=(heading, *d.x.path)) for d in items]

    tasks = under(LEAD_HEADING, duties.lead) + under(OTHER_HEADING, duties.other)
    tasks += under(GROUP_HEADING, duties.via_groups)
    return XPlan(source=None, tasks=tuple(tasks), title=f"{unit.name}责任清单", date=today().isoformat())


# ---------------------------------------------------------------------------------------------
# The directory and the workload matrix

UNIT_HEADINGS = ("名称", "类型", "上级单位", "别名", "牵头", "配合", "责任/实施")


def units_table(user: User, search: UnitSearch) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (
            u.name,
            str(Kind(u.kind).label) if u.kind in Kind.values else u.kind,
            u.parent.name if u.parent else "",
            "、".join(a.name for a in u.aliases.all()),
            u.n_lead,
            u.n_partner,
            u.n_other,
        )
        for u in directory(user, search)
    ]
    return Table("单位名录", UNIT_HEADINGS, rows, facts=f"导出日期：{today().isoformat()}", sheet="单位")


def workload_table(matrix: Workload) -> Table:
    """One row per unit; for each column (plan or section) its 牵头 and 配合 counts, and 责任 where
    any unit holds that role there."""
    with_other = [any(r.cells[i].other for r in matrix.rows) for i in range(len(matrix.columns))]
    headings: list[str] = ["单位", "类型"]
    for column, other in zip(matrix.columns, with_other, strict=True):
        headings += [f"{column.title}·牵头", f"{column.title}·配合"] + (
            [f"{column.title}·责任"] if other else []
        )
    headings += ["合计·牵头", "合计·配合", "合计·责任"]
    rows: list[tuple[Cell, ...]] = []
    for r in matrix.rows:
        cells: list[Cell] = [r.name, r.kind_label]
        for cell, other in zip(r.cells, with_other, strict=True):
            cells += [cell.lead, cell.partner] + ([cell.other] if other else [])
        cells += [r.total.lead, r.total.partner, r.total.other]
        rows.append(tuple(cells))
    title = f"任务分布：{matrix.plan.title}" if matrix.plan else "任务分布"
    return Table(title, tuple(headings), rows, facts=f"导出日期：{today().isoformat()}", sheet="任务分布")
