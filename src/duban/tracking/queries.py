"""Read-side questions shared by reminders, pages, exports and the API (one place for the logic).

None of these check permissions: callers pass querysets already narrowed by duban.tracking.access
(or run as the system, like the reminders).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from duban.audit.models import AuditEvent
from duban.clock import today
from duban.plans.models import Responsibility, Task
from duban.tracking.models import (
    OrderStatus,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
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
    tasks = list(Task.objects.filter(plan_id__in=plan_ids).exclude(
        pk__in=TaskClosure.objects.values("task_id")).order_by("plan_id", "order"))  # fmt: skip
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    names: dict[int, str] = {}
    for task_id, unit_id, role, name in Responsibility.objects.filter(task__plan_id__in=plan_ids).values_list(
        "task_id", "unit_id", "role", "unit__name"
    ):
        roles[task_id].append((unit_id, role))
        names[unit_id] = name
    answered = set(
        ProgressReport.objects.filter(
            period__in=[p.pk for p in periods], kind=ReportKind.REPORT,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        ).values_list("task_id", "period_id", "unit_id")
    )  # fmt: skip
    out = []
    for period in sorted(periods, key=lambda p: (p.due, p.pk)):
        for task in tasks:
            if task.plan_id != period.plan_id:
                continue
            for unit_id in sorted(reporting_unit_ids(roles[task.pk]), key=lambda u: names[u]):
                if (task.pk, period.pk, unit_id) not in answered:
                    out.append(Missing(period, task, unit_id, names[unit_id]))
    return out


@dataclass(frozen=True)
class UnitRate:
    unit_id: int
    name: str
    expected: int
    reported: int

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0


@dataclass(frozen=True)
class PeriodOverview:
    period: ReportingPeriod
    overdue: bool  # the due date has passed
    missing: list[Missing]
    awaiting_review: int
    open_orders: dict[str, int] = field(default_factory=dict)  # level → number of orders not closed
    units: list[UnitRate] = field(default_factory=list)


def period_overview(period: ReportingPeriod, *, day: dt.date | None = None) -> PeriodOverview:
    """Who has not reported, how many reports wait for review, open orders by level, and each
    unit's completion rate for the period."""
    day = day or today()
    missing = missing_reports([period])
    expected: Counter[int] = Counter()
    names: dict[int, str] = {}
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, role, name in Responsibility.objects.filter(task__plan_id=period.plan_id).exclude(
        task__in=TaskClosure.objects.values("task_id")
    ).values_list("task_id", "unit_id", "role", "unit__name"):
        roles[task_id].append((unit_id, role))
        names[unit_id] = name
    for r in roles.values():
        expected.update(reporting_unit_ids(r))
    lacking = Counter(m.unit_id for m in missing)
    units = [UnitRate(u, names[u], n, n - lacking[u]) for u, n in sorted(expected.items(), key=lambda kv: names[kv[0]])]
    orders = Counter(
        SupervisionOrder.objects.filter(task__plan_id=period.plan_id).exclude(status=OrderStatus.CLOSED)
        .values_list("level", flat=True)
    )  # fmt: skip
    return PeriodOverview(
        period=period, overdue=period.due < day, missing=missing,
        awaiting_review=ProgressReport.objects.filter(period=period, kind=ReportKind.REPORT,
                                                      status=ReportStatus.SUBMITTED).count(),
        open_orders=dict(orders), units=units,
    )  # fmt: skip


def task_timeline(task: Task) -> QuerySet[AuditEvent]:
    """The audit events of a task and of its reports and orders, newest first."""
    report_ids = [str(pk) for pk in ProgressReport.objects.filter(task=task).values_list("pk", flat=True)]
    order_ids = [str(pk) for pk in SupervisionOrder.objects.filter(task=task).values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="plans.task", object_id=str(task.pk))
        | Q(object_type="tracking.progressreport", object_id__in=report_ids)
        | Q(object_type="tracking.supervisionorder", object_id__in=order_ids)
    ).select_related("actor")
