"""A period's overview (who has not reported, what waits for review, open orders, each unit's
rate) and the home page's summary of each plan's current period."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from duban.clock import today
from duban.plans.models import Plan, Responsibility
from duban.tracking.models import (
    OrderStatus,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
    TaskClosure,
)
from duban.tracking.queries.missing import Missing, missing_reports
from duban.tracking.transitions import reporting_unit_ids


@dataclass(frozen=True)
class UnitRate:
    unit_id: int
    name: str
    expected: int
    reported: int

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0

    @property
    def percent(self) -> float:
        return round(self.rate * 100, 1)

    @property
    def lacking(self) -> int:
        return self.expected - self.reported


@dataclass(frozen=True)
class PeriodOverview:
    period: ReportingPeriod
    overdue: bool  # the due date has passed
    missing: list[Missing]
    awaiting_review: int
    open_orders: dict[str, int] = field(default_factory=dict)  # level → number of orders not closed
    units: list[UnitRate] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(u.expected for u in self.units)

    @property
    def reported(self) -> int:
        return sum(u.reported for u in self.units)

    @property
    def percent(self) -> float:
        return round(self.reported / self.expected * 100, 1) if self.expected else 100.0

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
    missing_by_period: dict[int, list[Missing]] = defaultdict(list)
    for m in missing_reports(periods):
        missing_by_period[m.period.pk].append(m)
    expected, names = _expected_reports(plan_ids)
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
        missing = missing_by_period[period.pk]
        lacking = Counter(m.unit_id for m in missing)
        counts = expected[period.plan_id]
        units = [
            UnitRate(u, names[u], n, n - lacking[u])
            for u, n in sorted(counts.items(), key=lambda kv: names[kv[0]])
        ]
        out[period.pk] = PeriodOverview(
            period=period,
            overdue=period.due < day,
            missing=missing,
            awaiting_review=waiting[period.pk],
            open_orders=dict(orders[period.plan_id]),
            units=units,
        )
    return out


def _expected_reports(plan_ids: set[int]) -> tuple[dict[int, Counter[int]], dict[int, str]]:
    """Per plan, how many task reports each unit owes a period (one per open task it answers
    for); and the units' names."""
    names: dict[int, str] = {}
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    plan_of: dict[int, int] = {}
    for task_id, plan_id, unit_id, role, name in (
        Responsibility.objects.filter(task__plan_id__in=plan_ids)
        .exclude(task__in=TaskClosure.objects.values("task_id"))
        .values_list("task_id", "task__plan_id", "unit_id", "role", "unit__name")
    ):
        roles[task_id].append((unit_id, role))
        plan_of[task_id] = plan_id
        names[unit_id] = name
    expected: dict[int, Counter[int]] = defaultdict(Counter)
    for task_id, r in roles.items():
        expected[plan_of[task_id]].update(reporting_unit_ids(r))
    return expected, names


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
