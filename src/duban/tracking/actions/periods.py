"""Reporting periods: the periods of a year at a frequency, or one with its own dates."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record
from duban.plans.access import can_manage
from duban.plans.models import Plan
from duban.tracking.models import (
    ReportingPeriod,
    period_specs,
)
from duban.tracking.transitions import (
    InvalidInput,
    TransitionError,
)


def _require_manager(plan: Plan, acting_user: Actor, what: str) -> None:
    if not isinstance(acting_user, User) or not can_manage(acting_user, plan):
        raise TransitionError(f"无权{what}：只有方案管理员可以{what}")


@transaction.atomic
def do_create_periods(
    plan: Plan, year: int, frequency: str, due_day: int, *, acting_user: Actor
) -> list[ReportingPeriod]:
    """The monthly / quarterly / half-yearly / yearly periods of a year; existing spans are kept."""
    _require_manager(plan, acting_user, "设置报送周期")
    try:
        specs = period_specs(year, frequency, due_day)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    periods = ReportingPeriod.objects.filter(plan=plan)
    have = set(periods.values_list("start", "end"))
    created = ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(plan=plan, name=s.name, start=s.start, end=s.end, due=s.due)
            for s in specs
            if (s.start, s.end) not in have
        ]
    )
    record(
        acting_user,
        "create_periods",
        plan,
        summary=f"设置{year}年报送周期（{len(created)}期）",
        after={
            "year": year,
            "frequency": frequency,
            "due_day": due_day,
            "created": [p.name for p in created],
        },
    )
    return list(periods.filter(start__year=year))


@transaction.atomic
def do_add_period(
    plan: Plan, name: str, start: dt.date, end: dt.date, due: dt.date, *, acting_user: Actor
) -> ReportingPeriod:
    """A period with custom dates."""
    _require_manager(plan, acting_user, "设置报送周期")
    name = name.strip()
    if not name:
        raise InvalidInput("报送周期名称不能为空")
    if end < start:
        raise InvalidInput(f"{name}：结束日期 {end} 早于开始日期 {start}")
    if ReportingPeriod.objects.filter(plan=plan, start=start, end=end).exists():
        raise InvalidInput(f"{name}：已有 {start} 至 {end} 的报送周期")
    period = ReportingPeriod.objects.create(plan=plan, name=name[:64], start=start, end=end, due=due)
    record(
        acting_user,
        "add_period",
        period,
        summary=f"新增报送周期 {period.name}",
        after={"start": str(start), "end": str(end), "due": str(due)},
    )
    return period
