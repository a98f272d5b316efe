"""The task reports not yet submitted: per period, task and reporting unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from duban.plans.models import Responsibility, Task
from duban.tracking.models import (
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    TaskClosure,
)
from duban.tracking.transitions import reporting_unit_ids


@dataclass(frozen=True)
class Missing:
    period: ReportingPeriod
    task: Task
    unit_id: int
    unit_name: str


def missing_reports(periods: Iterable[ReportingPeriod]) -> list[Missing]:
    """Every (period, task, reporting unit) without a submitted or accepted task report; closed
    tasks need none. A few queries for any number of periods."""
    periods = list(periods)
    if not periods:
        return []
    plan_ids = {p.plan_id for p in periods}
    tasks = list(
        Task.objects.filter(plan_id__in=plan_ids)
        .exclude(pk__in=TaskClosure.objects.values("task_id"))
        .order_by("plan_id", "order")
    )
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    names: dict[int, str] = {}
    for task_id, unit_id, role, name in Responsibility.objects.filter(task__plan_id__in=plan_ids).values_list(
        "task_id", "unit_id", "role", "unit__name"
    ):
        roles[task_id].append((unit_id, role))
        names[unit_id] = name
    answered = set(
        ProgressReport.objects.filter(
            period__in=[p.pk for p in periods],
            kind=ReportKind.REPORT,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        ).values_list("task_id", "period_id", "unit_id")
    )
    out = []
    for period in sorted(periods, key=lambda p: (p.due, p.pk)):
        for task in tasks:
            if task.plan_id != period.plan_id:
                continue
            for unit_id in sorted(reporting_unit_ids(roles[task.pk]), key=lambda u: names[u]):
                if (task.pk, period.pk, unit_id) not in answered:
                    out.append(Missing(period, task, unit_id, names[unit_id]))
    return out
