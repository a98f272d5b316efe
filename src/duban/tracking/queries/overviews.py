"""A period's overview (who has not reported, what waits for review, open orders, each unit's
rate) and the home page's summary of each plan's current period."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from duban.clock import today
from duban.plans.models import Plan, Task
from duban.tracking.models import (
    OrderStatus,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
)
from duban.tracking.queries.missing import Missing, missing_reports
from duban.tracking.queries.obligations import load_duties


@dataclass(frozen=True)
class UnitRate:
    unit_id: int
    name: str
    expected: int
    reported: int
    on_time: int = 0  # of those reported, first submitted by the due date

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0

    @property
    def percent(self) -> float:
        return round(self.rate * 100, 1)

    @property
    def on_time_percent(self) -> float:
        return round(self.on_time / self.expected * 100, 1) if self.expected else 100.0

    @property
    def lacking(self) -> int:
        return self.expected - self.reported


@dataclass(frozen=True)
class PeriodOverview:
    """A period's figures: the reports owed for it (queries.obligations: settled when it began)
    and those in; what waits for review and the open orders are as of the day."""

    period: ReportingPeriod
    overdue: bool  # the due date has passed
    missing: list[Missing]
    awaiting_review: int
    open_orders: dict[str, int] = field(default_factory=dict)  # level → number of orders not closed
    units: list[UnitRate] = field(default_factory=list)
    owed_by_task: dict[int, int] = field(default_factory=dict)  # task → reports owed
    nobody: list[Task] = field(default_factory=list)  # tasks nobody is obliged to report

    @property
    def expected(self) -> int:
        return sum(u.expected for u in self.units)

    @property
    def reported(self) -> int:
        return sum(u.reported for u in self.units)

    @property
    def on_time(self) -> int:
        return sum(u.on_time for u in self.units)

    @property
    def percent(self) -> float:
        return round(self.reported / self.expected * 100, 1) if self.expected else 100.0

    @property
    def on_time_percent(self) -> float:
        return round(self.on_time / self.expected * 100, 1) if self.expected else 100.0

    @property
    def open_order_count(self) -> int:
        return sum(self.open_orders.values())


def period_overview(period: ReportingPeriod, *, day: dt.date | None = None) -> PeriodOverview:
    """Who has not reported, how many reports wait for review, open orders by level, and each
    unit's completion rate for the period."""
    return period_overviews([period], day=day)[period.pk]


def period_overviews(
    periods: Iterable[ReportingPeriod], *, day: dt.date | None = None
) -> dict[int, PeriodOverview]:
    """period_overview for many periods (of one or many plans) in a fixed handful of queries."""
    day = day or today()
    periods = list(periods)
    if not periods:
        return {}
    plan_ids = {p.plan_id for p in periods}
    duties = load_duties(plan_ids)
    answered, first = report_states(periods)
    orders: dict[int, Counter[str]] = defaultdict(Counter)
    for plan_id, level in (
        SupervisionOrder.objects.filter(task__plan_id__in=plan_ids)
        .exclude(status=OrderStatus.CLOSED)
        .values_list("task__plan_id", "level")
    ):
        orders[plan_id][level] += 1
    waiting = Counter(
        ProgressReport.objects.filter(
            period__in=[p.pk for p in periods], kind=ReportKind.REPORT, status=ReportStatus.SUBMITTED
        ).values_list("period_id", flat=True)
    )
    out = {}
    for period in periods:
        missing: list[Missing] = []
        expected: Counter[int] = Counter()
        reported: Counter[int] = Counter()
        on_time: Counter[int] = Counter()
        owed_by_task: Counter[int] = Counter()
        for task, unit_id in duties.owed(period):
            key = (task.pk, period.pk, unit_id)
            expected[unit_id] += 1
            owed_by_task[task.pk] += 1
            if key in answered:
                reported[unit_id] += 1
                on_time[unit_id] += key in first and timezone.localdate(first[key]) <= period.due
            else:
                missing.append(Missing(period, task, unit_id, duties.names[unit_id]))
        units = [
            UnitRate(u, duties.names[u], n, reported[u], on_time[u])
            for u, n in sorted(expected.items(), key=lambda kv: (duties.names[kv[0]], kv[0]))
        ]
        out[period.pk] = PeriodOverview(
            period=period,
            overdue=period.due < day,
            missing=missing,
            awaiting_review=waiting[period.pk],
            open_orders=dict(orders[period.plan_id]),
            units=units,
            owed_by_task=dict(owed_by_task),
            nobody=duties.nobody(period.plan_id),
        )
    return out


def report_states(
    periods: Iterable[ReportingPeriod],
) -> tuple[set[tuple[int, int, int]], dict[tuple[int, int, int], dt.datetime]]:
    """(task, period, unit) of the task reports standing submitted or accepted (as
    missing.answered_reports), and when each task report was first submitted (a correction is not
    a second report): one query."""
    answered: set[tuple[int, int, int]] = set()
    first: dict[tuple[int, int, int], dt.datetime] = {}
    for task_id, period_id, unit_id, status, at in ProgressReport.objects.filter(
        period__in=[p.pk for p in periods], kind=ReportKind.REPORT, submitted_at__isnull=False
    ).values_list("task_id", "period_id", "unit_id", "status", "submitted_at"):
        key = (task_id, period_id, unit_id)
        if status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
            answered.add(key)
        if at is not None and (key not in first or at < first[key]):
            first[key] = at
    return answered, first


def current_period(periods: Iterable[ReportingPeriod], day: dt.date) -> ReportingPeriod | None:
    """The period a plan's units are reporting on at `day`: the earliest that has started and is
    not yet due; else the latest that has started; else the first to come."""
    ordered = sorted(periods, key=lambda p: (p.due, p.start, p.pk))
    if not ordered:
        return None
    open_now = [p for p in ordered if p.start <= day <= p.due]
    if open_now:
        return open_now[0]
    started = [p for p in ordered if p.start <= day]
    return started[-1] if started else ordered[0]


@dataclass(frozen=True)
class PlanSummary:
    """One plan on the tracking home page: its current period and what is late."""

    plan: Plan
    period: ReportingPeriod | None
    overview: PeriodOverview | None
    periods: int
    overdue_reports: int  # missing task reports of periods already due (the current one included)
    open_orders: dict[str, int]  # level → orders not closed
    overdue_orders: int  # open orders past their reply deadline

    @property
    def open_order_count(self) -> int:
        return sum(self.open_orders.values())


def plan_summaries(plans: Iterable[Plan], *, day: dt.date | None = None) -> list[PlanSummary]:
    """The home page's rows, in a fixed handful of queries however many plans."""
    day = day or today()
    plans = list(plans)
    ids = [p.pk for p in plans]
    periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in ReportingPeriod.objects.filter(plan_id__in=ids).select_related("plan"):
        periods[period.plan_id].append(period)
    current = {pk: current_period(periods[pk], day) for pk in ids}
    overviews = period_overviews([c for c in current.values() if c is not None], day=day)
    overdue = Counter(
        m.period.plan_id for m in missing_reports([p for ps in periods.values() for p in ps if p.due < day])
    )
    orders: dict[int, Counter[str]] = defaultdict(Counter)
    late: Counter[int] = Counter()
    for plan_id, level, status, deadline in (
        SupervisionOrder.objects.filter(task__plan_id__in=ids)
        .exclude(status=OrderStatus.CLOSED)
        .values_list("task__plan_id", "level", "status", "reply_deadline")
    ):
        orders[plan_id][level] += 1
        if status == OrderStatus.OPEN and deadline < day:
            late[plan_id] += 1
    out = []
    for plan in plans:
        now_period = current[plan.pk]
        out.append(
            PlanSummary(
                plan=plan,
                period=now_period,
                overview=overviews.get(now_period.pk) if now_period else None,
                periods=len(periods[plan.pk]),
                overdue_reports=overdue[plan.pk],
                open_orders=dict(orders[plan.pk]),
                overdue_orders=late[plan.pk],
            )
        )
    return out
