"""The period page and its exports: the overview, lights, top-level sections and reports
received over time, narrowed to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from duban.clock import today
from duban.plans.models import Section, Task
from duban.tracking.lights import Lights, compute_lights
from duban.tracking.models import (
    OrderStatus,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    SupervisionOrder,
)
from duban.tracking.queries.missing import Missing
from duban.tracking.queries.obligations import load_duties
from duban.tracking.queries.overviews import PeriodOverview, period_overview


@dataclass(frozen=True)
class SectionRow:
    """One top-level section of a plan: its tasks' lights and its reports for a period."""

    title: str
    tasks: int
    lights: dict[str, int]  # color → tasks
    expected: int
    reported: int

    @property
    def percent(self) -> float:
        return round(self.reported / self.expected * 100, 1) if self.expected else 100.0


def section_rows(overview: PeriodOverview, colors: Mapping[int, str]) -> list[SectionRow]:
    """Per top-level section of the period's plan (tasks outside any section last, as 其他):
    `colors` is each task's light (lights.compute_lights(...).tasks)."""
    plan_id = overview.period.plan_id
    sections = {
        pk: (parent, title, order)
        for pk, parent, title, order in Section.objects.filter(plan_id=plan_id).values_list(
            "pk", "parent_id", "title", "order"
        )
    }

    def root(pk: int | None) -> int | None:
        seen = set()
        while pk is not None and sections[pk][0] is not None and pk not in seen:
            seen.add(pk)
            pk = sections[pk][0]
        return pk

    lacking = Counter(m.task.pk for m in overview.missing)
    rows: dict[int | None, dict[str, Any]] = {}
    for task_id, section_id in (
        Task.objects.filter(plan_id=plan_id).order_by("order", "pk").values_list("pk", "section_id")
    ):
        key = root(section_id)
        row = rows.setdefault(key, {"tasks": 0, "lights": Counter(), "expected": 0, "lacking": 0})
        row["tasks"] += 1
        if task_id in colors:
            row["lights"][colors[task_id]] += 1
        row["expected"] += overview.owed_by_task.get(task_id, 0)
        row["lacking"] += lacking[task_id]
    # The sections' order in the plan (never their titles as text: "八、" comes before "十一、").
    ordered = sorted(rows, key=lambda k: (k is None, (sections[k][2], k) if k is not None else (0, 0)))
    return [
        SectionRow(
            title=sections[k][1] if k is not None else "其他",
            tasks=rows[k]["tasks"],
            lights={c: rows[k]["lights"].get(c, 0) for c in ("green", "yellow", "red")},
            expected=rows[k]["expected"],
            reported=rows[k]["expected"] - rows[k]["lacking"],
        )
        for k in ordered
    ]


def received_over_time(period: ReportingPeriod) -> list[tuple[dt.date, int]]:
    """The reports the period owes (obligations: whoever reports a task open when it began),
    cumulative by day of first submission (a correction is not a second report). A report on a
    task the period does not ask about is not counted, so the line ends at 应报 at most."""
    owed = {(task.pk, unit_id) for task, unit_id in load_duties([period.plan_id]).owed(period)}
    first: dict[tuple[int, int], dt.datetime] = {}
    for task_id, unit_id, at in ProgressReport.objects.filter(
        period=period, kind=ReportKind.REPORT, submitted_at__isnull=False
    ).values_list("task_id", "unit_id", "submitted_at"):
        key = (task_id, unit_id)
        if key in owed and at is not None and (key not in first or at < first[key]):
            first[key] = at
    per_day = Counter(timezone.localdate(at) for at in first.values())
    out, total = [], 0
    for day in sorted(per_day):
        total += per_day[day]
        out.append((day, total))
    return out


@dataclass(frozen=True)
class PeriodReport:
    """Everything the period page shows and its Excel and .docx exports hold (one source for all)."""

    period: ReportingPeriod
    day: dt.date
    overview: PeriodOverview
    missing: list[Missing]  # narrowed to the tasks the viewer may see
    nobody: list[Task]  # tasks nobody is obliged to report, narrowed the same way
    lights: Lights
    sections: list[SectionRow]
    received: list[tuple[dt.date, int]]
    open_orders: list[SupervisionOrder]  # not closed, narrowed to the orders the viewer may see

    @property
    def light_counts(self) -> dict[str, int]:
        counts = Counter(light.color for light in self.lights.tasks.values())
        return {c: counts.get(c, 0) for c in ("green", "yellow", "red")}

    @property
    def overdue_orders(self) -> list[SupervisionOrder]:
        return [o for o in self.open_orders if o.status == OrderStatus.OPEN and o.reply_deadline < self.day]

    @property
    def missing_units(self) -> list[tuple[str, list[Missing]]]:
        """The units that have not reported, each with its missing tasks."""
        by_unit: dict[str, list[Missing]] = defaultdict(list)
        for m in self.missing:
            by_unit[m.unit_name].append(m)
        return sorted(by_unit.items())


def period_report(
    period: ReportingPeriod,
    *,
    tasks: QuerySet[Task],
    orders: QuerySet[SupervisionOrder],
    day: dt.date | None = None,
) -> PeriodReport:
    """The period's overview, lights, sections and receipts; `tasks` and `orders` are what the
    viewer may see (from plans.access.visible_tasks and tracking.access.visible_orders)."""
    day = day or today()
    overview = period_overview(period, day=day)
    visible = set(tasks.filter(plan_id=period.plan_id).values_list("pk", flat=True))
    lights = compute_lights(Task.objects.filter(plan_id=period.plan_id), day=day)
    return PeriodReport(
        period=period,
        day=day,
        overview=overview,
        missing=[m for m in overview.missing if m.task.pk in visible],
        nobody=[t for t in overview.nobody if t.pk in visible],
        lights=lights,
        sections=section_rows(overview, {pk: t.color for pk, t in lights.tasks.items()}),
        received=received_over_time(period),
        open_orders=list(
            orders.filter(task__plan_id=period.plan_id)
            .exclude(status=OrderStatus.CLOSED)
            .select_related("task")
            .prefetch_related("units")
            .order_by("reply_deadline", "serial")
        ),
    )
