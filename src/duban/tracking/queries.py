"""Read-side questions shared by reminders, pages, exports and the API (one place for the logic).

None of these check permissions: callers pass querysets already narrowed by duban.tracking.access
(or run as the system, like the reminders).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from duban.audit.models import AuditEvent
from duban.clock import today
from duban.plans.models import Comparator, Plan, Responsibility, Section, Target, Task
from duban.tracking.lights import Lights, compute_lights, plan_start, task_deadline
from duban.tracking.models import (
    IndicatorValue,
    OrderLevel,
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
            period=period, overdue=period.due < day, missing=missing, awaiting_review=waiting[period.pk],
            open_orders=dict(orders[period.plan_id]), units=units,
        )  # fmt: skip
    return out


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
    overdue = Counter(m.period.plan_id for m in missing_reports(
        [p for ps in periods.values() for p in ps if p.due < day]))  # fmt: skip
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
        out.append(PlanSummary(
            plan=plan, period=now_period, overview=overviews.get(now_period.pk) if now_period else None,
            periods=len(periods[plan.pk]), overdue_reports=overdue[plan.pk], open_orders=dict(orders[plan.pk]),
            overdue_orders=late[plan.pk],
        ))  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------
# The period page: sections, and reports received over time


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
    sections = {pk: (parent, title, order) for pk, parent, title, order in
                Section.objects.filter(plan_id=plan_id).values_list("pk", "parent_id", "title", "order")}  # fmt: skip

    def root(pk: int | None) -> int | None:
        seen = set()
        while pk is not None and sections[pk][0] is not None and pk not in seen:
            seen.add(pk)
            pk = sections[pk][0]
        return pk

    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    closed = set(TaskClosure.objects.filter(task__plan_id=plan_id).values_list("task_id", flat=True))
    for task_id, unit_id, role in Responsibility.objects.filter(task__plan_id=plan_id).values_list(
        "task_id", "unit_id", "role"
    ):
        roles[task_id].append((unit_id, role))
    lacking = Counter(m.task.pk for m in overview.missing)
    rows: dict[int | None, dict[str, Any]] = {}
    for task_id, section_id in (
        Task.objects.filter(plan_id=plan_id).order_by("order").values_list("pk", "section_id")
    ):
        key = root(section_id)
        row = rows.setdefault(key, {"tasks": 0, "lights": Counter(), "expected": 0, "lacking": 0})
        row["tasks"] += 1
        if task_id in colors:
            row["lights"][colors[task_id]] += 1
        if task_id not in closed:
            row["expected"] += len(reporting_unit_ids(roles[task_id]))
            row["lacking"] += lacking[task_id]
    ordered = sorted(rows, key=lambda k: (k is None, sections[k][2] if k is not None else 0))
    return [
        SectionRow(title=sections[k][1] if k is not None else "其他", tasks=rows[k]["tasks"],
                   lights={c: rows[k]["lights"].get(c, 0) for c in ("green", "yellow", "red")},
                   expected=rows[k]["expected"], reported=rows[k]["expected"] - rows[k]["lacking"])
        for k in ordered
    ]  # fmt: skip


def received_over_time(period: ReportingPeriod) -> list[tuple[dt.date, int]]:
    """Task reports received for the period, cumulative by day of first submission (a correction
    is not a second report)."""
    first: dict[tuple[int, int], dt.datetime] = {}
    for task_id, unit_id, at in ProgressReport.objects.filter(
        period=period, kind=ReportKind.REPORT, submitted_at__isnull=False
    ).values_list("task_id", "unit_id", "submitted_at"):
        key = (task_id, unit_id)
        if at is not None and (key not in first or at < first[key]):
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
        period=period, day=day, overview=overview, missing=[m for m in overview.missing if m.task.pk in visible],
        lights=lights, sections=section_rows(overview, {pk: t.color for pk, t in lights.tasks.items()}), received=received_over_time(period),
        open_orders=list(
            orders.filter(task__plan_id=period.plan_id).exclude(status=OrderStatus.CLOSED)
            .select_related("task").prefetch_related("units").order_by("reply_deadline", "serial")
        ),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The task page: each target's figures against its trajectory, and the report of each period


@dataclass(frozen=True)
class TargetSeries:
    target: Target
    deadline: dt.date | None
    figures: list[tuple[dt.date, Decimal]]
    # The straight line the light judges by, from the baseline to the goal at the deadline
    # (lights.behind_trajectory); empty when there is none to draw.
    trajectory: list[tuple[dt.date, Decimal]]


def target_series(task: Task, reports: QuerySet[ProgressReport]) -> list[TargetSeries]:
    """Each target of the task with the figures of the given reports that count for the light
    (submitted and accepted task reports), and the trajectory it is judged against."""
    targets = list(task.targets.all())
    figures: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for target_id, value, as_of in (
        IndicatorValue.objects.filter(
            report__in=reports.filter(kind=ReportKind.REPORT, status__in=COUNTED).values("pk")
        )
        .order_by("as_of", "report_id")
        .values_list("target_id", "value", "as_of")
    ):
        figures[target_id].append((as_of, value))
    start = plan_start(task.plan)
    fallback = task_deadline(task, targets)
    out = []
    for t in targets:
        deadline = dt.date(t.by_year, 12, 31) if t.by_year else fallback
        figs = figures[t.pk]
        line: list[tuple[dt.date, Decimal]] = []
        if deadline is not None:
            # The baseline as lights.behind_trajectory takes it.
            base, base_day = (figs[0][1], figs[0][0]) if len(figs) >= 2 else (Decimal(0), start)
            rising = t.cmp in (Comparator.GE, Comparator.GT) or (t.cmp == Comparator.EQ and t.value >= base)
            if (len(figs) >= 2 or rising) and deadline > base_day:
                line = [(base_day, base), (deadline, t.value)]
        out.append(TargetSeries(t, deadline, figs, line))
    return out


COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class GridCell:
    """One unit's report for one period on a task: its current answer and any draft in progress."""

    unit_id: int
    unit_name: str
    kind: str  # ReportKind: what this unit files for the task
    answer: ProgressReport | None
    draft: ProgressReport | None


@dataclass(frozen=True)
class GridRow:
    period: ReportingPeriod
    cells: list[GridCell]


def report_grid(
    task: Task, periods: Iterable[ReportingPeriod], reports: QuerySet[ProgressReport]
) -> list[GridRow]:
    """Per period, each unit of the task (reporting units first) with the given reports."""
    resps = list(task.responsibilities.select_related("unit").order_by("order"))
    reporters = reporting_unit_ids([(r.unit_id, r.role) for r in resps])
    units: dict[int, tuple[str, str]] = {}
    for r in sorted(resps, key=lambda r: r.unit_id not in reporters):
        kind = ReportKind.REPORT if r.unit_id in reporters else ReportKind.CONTRIBUTION
        units.setdefault(r.unit_id, (r.unit.name, kind))
    answers: dict[tuple[int, int], ProgressReport] = {}
    drafts: dict[tuple[int, int], ProgressReport] = {}
    for rep in reports.filter(task=task).exclude(status=ReportStatus.SUPERSEDED).order_by("version"):
        key = (rep.period_id, rep.unit_id)
        (drafts if rep.status == ReportStatus.DRAFT else answers)[key] = rep
    return [
        GridRow(p, [GridCell(u, name, kind, answers.get((p.pk, u)), drafts.get((p.pk, u)))
                    for u, (name, kind) in units.items()])
        for p in periods
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The order list's filters


@dataclass(frozen=True)
class OrderFilter:
    level: str = ""
    status: str = ""
    plan: int | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> OrderFilter:
        """Read a query string; bad values are ignored rather than failing the page."""
        level, status, plan = params.get("level", ""), params.get("status", ""), params.get("plan", "")
        return cls(
            level=level if level in OrderLevel.values else "",
            status=status if status in OrderStatus.values else "",
            plan=int(plan) if plan.isdigit() else None,
            q=(params.get("q") or "").strip()[:100],
        )

    def apply(self, orders: QuerySet[SupervisionOrder]) -> QuerySet[SupervisionOrder]:
        if self.level:
            orders = orders.filter(level=self.level)
        if self.status:
            orders = orders.filter(status=self.status)
        if self.plan is not None:
            orders = orders.filter(task__plan_id=self.plan)
        if self.q:
            orders = orders.filter(Q(serial__icontains=self.q) | Q(text__icontains=self.q)
                                   | Q(task__title__icontains=self.q) | Q(task__text__icontains=self.q))  # fmt: skip
        return orders

    def is_empty(self) -> bool:
        return self == OrderFilter()


def task_timeline(task: Task) -> QuerySet[AuditEvent]:
    """The audit events of a task and of its reports and orders, newest first."""
    report_ids = [str(pk) for pk in ProgressReport.objects.filter(task=task).values_list("pk", flat=True)]
    order_ids = [str(pk) for pk in SupervisionOrder.objects.filter(task=task).values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="plans.task", object_id=str(task.pk))
        | Q(object_type="tracking.progressreport", object_id__in=report_ids)
        | Q(object_type="tracking.supervisionorder", object_id__in=order_ids)
    ).select_related("actor")
