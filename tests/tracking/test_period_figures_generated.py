"""Generated plans (hypothesis): random units, roles (lead, partner, responsible, implementer,
none), sections, deadlines, quarterly periods, and a random history of reports, reviews,
close-outs (accepted completions) and reopenings (corrections of them), made through the real
actions. After every event, the figures of every period already begun are unchanged unless the
event concerned that period; at the end, every figure of every period's page and 通报 equals
the independent recomputation (tests/tracking/oracle.py).

Examples are few and small (the suite's time): each builds its plan inside a savepoint that is
rolled back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from duban import clock
from duban.accounts.models import User
from duban.plans.access import visible_tasks
from duban.plans.models import Plan, Responsibility, Section, Task
from duban.tracking import circular
from duban.tracking.access import visible_orders
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.periods import do_create_periods
from duban.tracking.actions.report_data import ReportData
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import (
    Frequency,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    TaskClosure,
)
from duban.tracking.queries.period_reports import PeriodReport, period_report
from duban.tracking.transitions import reporting_unit_ids
from duban.units.models import Unit

from .figures import expected_text, in_text, recomputed, shown

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNIT_NAMES = ("甲局", "乙局", "丙局", "丁局")
# Titles that sort differently as text than in the plan: the plan's order must win.
SECTION_TITLES = ("一、总体", "八、基础", "十一、保障")
# Leads most often (as in the documents), but every role, and tasks with none, come up.
ROLES = ("lead", "lead", "lead", "partner", "responsible", "implementer")


class Rollback(Exception):
    """Undo one example's rows."""


@dataclass(frozen=True)
class TaskSpec:
    section: int | None
    deadline: int | None  # day of 2025
    roles: tuple[tuple[int, str], ...]  # (unit index, role)


tasks_st = st.lists(
    st.builds(
        TaskSpec,
        section=st.none() | st.integers(0, len(SECTION_TITLES) - 1),
        deadline=st.none() | st.integers(30, 360),
        roles=st.lists(
            st.tuples(st.integers(0, len(UNIT_NAMES) - 1), st.sampled_from(ROLES)),
            max_size=3,
            unique_by=lambda r: r[0],
        ).map(tuple),
    ),
    min_size=1,
    max_size=5,
)
# close: a completion submitted and accepted at once (销号 once every reporting unit has one);
# reopen: an accepted completion corrected (the task reopens).
ACTIONS = (
    "submit_done",
    "submit_progress",
    "accept",
    "return",
    "correct",
    "close",
    "close",
    "reopen",
    "reopen",
)
events_st = st.lists(
    st.tuples(st.integers(0, 30), st.sampled_from(ACTIONS), st.integers(0, 10_000)), min_size=6, max_size=16
)


def _moment(start: dt.datetime, days: int) -> dt.datetime:
    return start + dt.timedelta(days=days)


def _build(specs: list[TaskSpec]) -> tuple[Plan, User, dict[int, User], list[ReportingPeriod]]:
    admin = User.objects.create_user("g-admin", password="pw-admin-12345", role="admin")
    units = [Unit.objects.create(name=n) for n in UNIT_NAMES]
    reporters = {
        u.pk: User.objects.create_user(f"g-{i}", password="pw-reporter-123", role="reporter", unit=u)
        for i, u in enumerate(units)
    }
    plan = Plan.objects.create(title="生成的方案", created_at=clock.now(), date=dt.date(2025, 1, 1))
    sections = [Section.objects.create(plan=plan, title=t, order=i) for i, t in enumerate(SECTION_TITLES)]
    for n, spec in enumerate(specs):
        task = Task.objects.create(
            plan=plan,
            section=None if spec.section is None else sections[spec.section],
            number=str(n + 1),
            title=f"任务{n + 1}",
            deadline=None
            if spec.deadline is None
            else dt.date(2025, 1, 1) + dt.timedelta(days=spec.deadline),
            order=n,
        )
        for i, (unit, role) in enumerate(spec.roles):
            Responsibility.objects.create(task=task, unit=units[unit], role=role, order=i)
    periods = do_create_periods(plan, 2025, Frequency.QUARTERLY, 10, acting_user=admin)
    return plan, admin, reporters, periods


def _apply(action: str, pick: int, plan: Plan, admin: User, reporters: dict[int, User]) -> int | None:
    """Do one event if it can be done now; the period it concerned (None: nothing done)."""
    reports = ProgressReport.objects.filter(task__plan=plan, kind="report")
    if action.startswith("submit") or action == "close":
        return _submit(action, pick, plan, admin, reporters, reports)
    if action in ("accept", "return"):
        waiting = list(reports.filter(status=ReportStatus.SUBMITTED).order_by("pk"))
        if not waiting:
            return None
        report = waiting[pick % len(waiting)]
        if action == "accept":
            do_accept_report(report, acting_user=admin)
        else:
            do_return_report(report, "请补充。", acting_user=admin)
        return report.period_id
    answered = reports.filter(status__in=[ReportStatus.ACCEPTED, ReportStatus.RETURNED])
    if action == "reopen":
        answered = answered.filter(status=ReportStatus.ACCEPTED, progress=Progress.DONE)
    candidates = [
        r
        for r in answered.order_by("pk")
        if not reports.filter(
            task=r.task_id, period=r.period_id, unit=r.unit_id, status=ReportStatus.DRAFT
        ).exists()
    ]
    if not candidates:
        return None
    report = candidates[pick % len(candidates)]
    user = reporters[report.unit_id]
    do_submit_report(do_correct_report(report, acting_user=user), acting_user=user)  # reopens a closed task
    return report.period_id


def _submit(
    action: str, pick: int, plan: Plan, admin: User, reporters: dict[int, User], reports: Any
) -> int | None:
    today = clock.today()
    have = set(reports.values_list("task_id", "period_id", "unit_id"))
    open_ = [
        (task, period, unit)
        for task in plan.tasks.order_by("order")
        for unit in sorted(reporting_unit_ids(task.role_pairs))
        for period in plan.periods.filter(start__lte=today).order_by("start")
        if (task.pk, period.pk, unit) not in have
    ]
    if not open_:
        return None
    task, period, unit = open_[pick % len(open_)]
    finished = action != "submit_progress"
    data = ReportData(
        progress=Progress.DONE if finished else Progress.IN_PROGRESS,
        percent=100 if finished else 50,
        narrative="按计划推进。",
    )
    user = reporters[unit]
    report = do_submit_report(do_save_draft(task, period, data, acting_user=user), acting_user=user)
    if action == "close":
        do_accept_report(report, acting_user=admin)
    return period.pk


def _report(period: ReportingPeriod, admin: User) -> PeriodReport:
    return period_report(period, tasks=visible_tasks(admin), orders=visible_orders(admin))


def _settled(r: PeriodReport) -> dict[str, Any]:
    """The period's own figures (what waits for review, lights and orders are as of the day)."""
    figures = shown(r)
    keep = ("expected", "reported", "on_time", "units", "missing", "nobody", "sections")
    return {k: figures[k] for k in keep}


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=tasks_st, events=events_st)
def test_every_period_figure_equals_the_recomputation_and_stays_put(
    specs: list[TaskSpec], events: list[tuple[int, str, int]]
) -> None:
    try:
        with transaction.atomic():
            _example(specs, events)
            raise Rollback
    except Rollback:
        pass
    finally:
        clock.freeze(None)


def _example(specs: list[TaskSpec], events: list[tuple[int, str, int]]) -> None:
    now = dt.datetime(2025, 1, 5, 9, tzinfo=SHANGHAI)
    clock.freeze(now)
    plan, admin, reporters, periods = _build(specs)
    for days, action, pick in events:
        now = _moment(now, days)
        clock.freeze(now)
        begun = [p for p in periods if p.start <= clock.today()]
        before = {p.pk: _settled(_report(p, admin)) for p in begun}
        concerned = _apply(action, pick, plan, admin, reporters)
        event(f"{action}: {'done' if concerned else 'nothing to do'}")
        for p in begun:
            if p.pk != concerned:
                assert _settled(_report(p, admin)) == before[p.pk], (action, p.name)
    event(
        f"closures kept after a reopening: {TaskClosure.objects.filter(reopened_at__isnull=False).exists()}"
    )
    for p in periods:
        r = _report(p, admin)
        want = recomputed(p, clock.today())
        assert shown(r) == want, p.name
        assert in_text("\n".join(circular.summary_lines(r))) == expected_text(want), p.name
