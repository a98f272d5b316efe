"""Status lights per task and per unit: computed from the records, never stored or typed.

Red    the task's deadline has passed and it is not closed (销号); or a report of one period has been
       returned twice or more and not yet accepted; or an order on it is red and not closed; or a
       unit that reports the task has missed the reports of DUBAN_LIGHT_MISSED_RED (3) or more
       periods already due.
Yellow the deadline is at most DUBAN_LIGHT_NEAR_DAYS away; or a unit that reports the task has not
       reported for a period whose due date has passed (fewer periods than the red rule's; every
       missed period is cited, not only the latest); or a target's latest reported figure is behind
       its straight line from the baseline to the target's deadline.
The reports owed are queries.obligations' (a period owes none for a task closed when it began).
Green  none of these. A closed task is green unless a red order on it is still open.

The task's deadline is Task.deadline, or else 31 December of its latest target year. A target's
deadline is 31 December of its year (or the task's deadline). Its baseline is the first reported
figure at that figure's date; while only one figure is in, the baseline is 0 at the plan's date
(for a target that must rise; a target that must fall is judged from its second figure on).
Figures count from submitted and accepted task reports.

A whole plan takes a fixed handful of queries, however many tasks it has.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from duban.clock import today
from duban.plans.models import Comparator, Plan, Responsibility, Target, Task, reporting_unit_ids
from duban.tracking import conf
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
from duban.tracking.queries.obligations import closed_when_begun


class Color(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


RANK = {Color.GREEN: 0, Color.YELLOW: 1, Color.RED: 2}


def rules_text() -> dict[str, str]:
    """The rules, for the legend beside the lights."""
    missed = conf.light_missed_red()
    return {
        Color.RED: "红灯：超过完成时限未销号；同一期报告被退回两次及以上仍未通过；或有未办结的红色督办单"
        + (f"；或报送单位已有 {missed} 期及以上逾期未报送" if missed else ""),
        Color.YELLOW: f"黄灯：距完成时限不足 {conf.light_near_days()} 天；有已过截止日的报送期未报送"
        "（逐期列出）；或指标落后于从基线到期限的直线进度",
        Color.GREEN: "绿灯：无上述情形",
    }


@dataclass(frozen=True)
class Light:
    color: str
    reasons: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        """Why the light has its color, in words, to show beside it."""
        return "；".join(self.reasons) if self.reasons else "按计划推进"


@dataclass(frozen=True)
class UnitLight:
    unit_id: int
    name: str
    color: str
    counts: dict[str, int] = field(default_factory=dict)  # color → number of the unit's lead tasks

    @property
    def tasks(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Lights:
    tasks: dict[int, Light]
    units: list[UnitLight]


def plan_lights(plan: Plan, *, day: dt.date | None = None) -> Lights:
    return compute_lights(Task.objects.filter(plan=plan), day=day)


def task_light(task: Task, *, day: dt.date | None = None) -> Light:
    return compute_lights(Task.objects.filter(pk=task.pk), day=day).tasks[task.pk]


@dataclass(frozen=True)
class _Fig:
    value: Decimal
    as_of: dt.date


@dataclass
class _Records:
    """What the lights of some tasks are judged from, read in a fixed handful of queries."""

    day: dt.date
    tasks: list[Task]
    roles: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    names: dict[int, str] = field(default_factory=dict)  # unit id → name
    targets: dict[int, list[Target]] = field(default_factory=lambda: defaultdict(list))
    # per plan, the periods whose due date has passed, earliest first
    due_periods: dict[int, list[ReportingPeriod]] = field(default_factory=lambda: defaultdict(list))
    closures: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    answered: set[tuple[int, int, int]] = field(default_factory=set)  # (task, period, unit)
    returned: dict[int, tuple[int, str]] = field(default_factory=dict)  # task → (times, period name)
    figures: dict[int, list[_Fig]] = field(default_factory=lambda: defaultdict(list))  # per target
    red_orders: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    closed: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, tasks: QuerySet[Task], day: dt.date) -> _Records:
        ids = tasks.values("pk")  # a subquery: no long lists of ids sent to the database
        task_list = Task.objects.filter(pk__in=ids).select_related("plan").order_by("plan_id", "order")
        records = cls(day, list(task_list))
        records._read_units(ids)
        for t in Target.objects.filter(task__in=ids).order_by("task_id", "order"):
            records.targets[t.task_id].append(t)
        periods = ReportingPeriod.objects.filter(plan__tasks__in=ids, due__lt=day).distinct()
        for p in periods.order_by("due", "end", "pk"):
            records.due_periods[p.plan_id].append(p)
        for task_id, closed_at, reopened_at in TaskClosure.objects.filter(task__in=ids).values_list(
            "task_id", "closed_at", "reopened_at"
        ):
            records.closures[task_id].append((closed_at, reopened_at))
            if reopened_at is None:
                records.closed.add(task_id)  # closed now
        records._read_reports(ids)
        records._read_figures(ids)
        red = SupervisionOrder.objects.filter(task__in=ids, level=OrderLevel.RED).exclude(
            status=OrderStatus.CLOSED
        )
        for task_id, serial in red.values_list("task_id", "serial"):
            records.red_orders[task_id].append(serial)
        return records

    def _read_units(self, ids: QuerySet[Task, Any]) -> None:
        rows = Responsibility.objects.filter(task__in=ids).values_list(
            "task_id", "unit_id", "role", "unit__name"
        )
        for task_id, unit_id, role, name in rows:
            self.roles[task_id].append((unit_id, role))
            self.names[unit_id] = name

    def _read_reports(self, ids: QuerySet[Task, Any]) -> None:
        reports = ProgressReport.objects.filter(task__in=ids, kind=ReportKind.REPORT).exclude(
            status__in=[ReportStatus.DRAFT, ReportStatus.SUPERSEDED]
        )
        columns = ("task_id", "period_id", "unit_id", "status", "returned_count", "period__name")
        for task_id, period_id, unit_id, status, count, period_name in reports.values_list(*columns):
            if status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
                self.answered.add((task_id, period_id, unit_id))
            if (
                status != ReportStatus.ACCEPTED
                and count >= 2
                and count > self.returned.get(task_id, (0, ""))[0]
            ):
                self.returned[task_id] = (count, period_name)

    def _read_figures(self, ids: QuerySet[Task, Any]) -> None:
        values = IndicatorValue.objects.filter(
            report__task__in=ids,
            report__kind=ReportKind.REPORT,
            report__status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        )
        for target_id, value, as_of in values.order_by("as_of", "report_id").values_list(
            "target_id", "value", "as_of"
        ):
            self.figures[target_id].append(_Fig(value, as_of))


def compute_lights(tasks: QuerySet[Task], *, day: dt.date | None = None) -> Lights:
    """Lights for the tasks of a queryset (one or many plans) and for their lead units."""
    records = _Records.load(tasks, day or today())
    near = conf.light_near_days()
    lights: dict[int, Light] = {}
    unit_counts: dict[int, Counter[str]] = defaultdict(Counter)
    for task in records.tasks:
        light = lights[task.pk] = _task_light(task, records, near)
        for u in reporting_unit_ids(records.roles[task.pk]):
            unit_counts[u][light.color] += 1
    names = records.names
    units = [
        UnitLight(
            unit_id=u,
            name=names[u],
            color=max(c, key=lambda k: RANK[Color(k)]),
            counts={str(k): c.get(k, 0) for k in Color.values},
        )
        for u, c in sorted(unit_counts.items(), key=lambda kv: names[kv[0]])
    ]
    return Lights(tasks=lights, units=units)


def _task_light(task: Task, records: _Records, near: int) -> Light:
    orders = records.red_orders[task.pk]
    red = [f"有未办结的红色督办单（{'、'.join(orders)}）"] if orders else []
    if task.pk in records.closed:
        return Light(Color.RED, tuple(red)) if red else Light(Color.GREEN, ("已销号",))
    yellow: list[str] = []
    _deadline_reasons(task, records, near, red, yellow)
    if task.pk in records.returned:
        count, period_name = records.returned[task.pk]
        red.append(f"{period_name}报告已被退回 {count} 次，尚未通过")
    _missing_reasons(task, records, red, yellow)
    for target in records.targets[task.pk]:
        behind = behind_trajectory(target, records.figures[target.pk], plan_start(task.plan), task.deadline)
        if behind:
            yellow.append(behind)
    color = Color.RED if red else Color.YELLOW if yellow else Color.GREEN
    return Light(color, tuple(red + yellow))


def _deadline_reasons(task: Task, records: _Records, near: int, red: list[str], yellow: list[str]) -> None:
    deadline, day = task_deadline(task, records.targets[task.pk]), records.day
    if deadline is not None and deadline < day:
        red.append(f"已超过完成时限（{deadline}）仍未销号")
    elif deadline is not None and (deadline - day).days <= near:
        yellow.append(f"距完成时限（{deadline}）还有 {(deadline - day).days} 天")


def _missing_reasons(task: Task, records: _Records, red: list[str], yellow: list[str]) -> None:
    """Every period already due whose report a unit of the task still owes (each cited); red
    once a unit has missed conf.light_missed_red() of them."""
    reporters = reporting_unit_ids(records.roles[task.pk])
    missed: Counter[int] = Counter()
    for period in records.due_periods.get(task.plan_id, []):
        if closed_when_begun(records.closures[task.pk], period):
            continue
        missing = [u for u in reporters if (task.pk, period.pk, u) not in records.answered]
        missed.update(missing)
        if missing:
            names = "、".join(sorted(records.names[u] for u in missing))
            yellow.append(f"{period.name}报告（{period.due}截止）未报送：{names}")
    limit = conf.light_missed_red()
    worst = sorted(records.names[u] for u, n in missed.items() if limit and n >= limit)
    if worst:
        red.append(f"{'、'.join(worst)}已有 {limit} 期及以上逾期未报送")


def plan_start(plan: Plan) -> dt.date:
    return plan.date or timezone.localdate(plan.created_at)


def task_deadline(task: Task, targets: Iterable[Target]) -> dt.date | None:
    if task.deadline is not None:
        return task.deadline
    years = [t.by_year for t in targets if t.by_year]
    return dt.date(max(years), 12, 31) if years else None


def behind_trajectory(
    target: Target, figures: list[_Fig], start: dt.date, task_deadline: dt.date | None
) -> str | None:
    """A reason if the latest figure is behind the straight line from baseline to deadline."""
    if not figures:
        return None
    deadline = dt.date(target.by_year, 12, 31) if target.by_year else task_deadline
    if deadline is None:
        return None
    goal = target.value
    latest = figures[-1]
    if len(figures) >= 2:
        base, base_day = figures[0].value, figures[0].as_of
    else:
        base, base_day = Decimal(0), start
    rising = target.cmp in (Comparator.GE, Comparator.GT) or (target.cmp == Comparator.EQ and goal >= base)
    if len(figures) < 2 and not rising:
        return None  # a falling target has no meaningful zero baseline
    elapsed = (latest.as_of - base_day).days
    if elapsed <= 0:
        return None
    span = (deadline - base_day).days
    share = Decimal(1) if span <= 0 else min(Decimal(1), Decimal(elapsed) / Decimal(span))
    expected = base + (goal - base) * share
    behind = latest.value < expected if rising else latest.value > expected
    if not behind:
        return None
    unit = target.unit
    return (
        f"指标“{target.metric}”{_num(latest.value)}{unit}（{latest.as_of}）落后于进度线"
        f"（应达 {_num(expected)}{unit}，期限 {deadline}）"
    )


def _num(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
