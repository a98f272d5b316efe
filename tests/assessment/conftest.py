"""Fixtures for assessment tests: the platform's named users, a frozen clock, and a small plan
whose assessment is computed by hand in test_engine.py.

The plan (2025, half-yearly reports; the manager manages it):
  一、基础工作
    T1 20 分  lead 区公安分局 (`reporter`, unit A), partner 区司法局 (B); deadline 2025-06-30
    T2 10 分  lead 区司法局 (`other_reporter`, unit B); no deadline (the period's due date counts)
  二、重点工作
    T3 10 分  lead 区民政局 (C), partner A; target 覆盖率 ≥ 90%
    T4 20 分  leads B and C (two leads, each graded by hand)
    T5  6 分  lead A (a checklist)
  负面清单: 万人命案发案率 >0.6 (−20, each further 0.1 −10, at most −50); 重大安全事故 (特别重大 −30 /
  重大 −10 per incident)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duban import clock
from duban.accounts.models import User
from duban.assessment.actions.assessments import do_run_assessment
from duban.assessment.actions.grades import do_grade_item
from duban.assessment.actions.incidents import do_record_incident
from duban.assessment.actions.items import do_update_item
from duban.assessment.actions.negative_list import do_add_bonus, do_add_veto
from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan
from duban.assessment.models import (
    Assessed,
    Assessment,
    BonusItem,
    DeductionRule,
    Method,
    Result,
    ResultLine,
    Scheme,
    VetoItem,
)
from duban.plans.models import Deduction, Plan, Responsibility, Section, Target, Task
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.periods import do_create_periods
from duban.tracking.actions.report_data import IndicatorInput, ReportData
from duban.tracking.actions.reviews import do_accept_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import Frequency, Progress, ProgressReport, ReportingPeriod
from duban.units.models import Unit

# See tests/tracking/conftest.py: pytest imports tests/web/conftest.py as `web.conftest`.
from web import conftest as platform

users = platform.users
small_plan = platform.small_plan
CORPUS = platform.CORPUS

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[Callable[[dt.datetime | None], None]]:
    clock.freeze(at(2025, 3, 1))
    yield clock.freeze
    clock.freeze(None)


@pytest.fixture
def units(users: dict[str, User]) -> dict[str, Unit]:
    civil = Unit.objects.create(name="区民政局")
    User.objects.create_user("civil", password="pw-civil-12345", role="reporter", unit=civil)
    return {"A": users["reporter"].unit, "B": users["other_reporter"].unit, "C": civil}  # type: ignore[dict-item]


@pytest.fixture
def plan(users: dict[str, User], units: dict[str, Unit]) -> Plan:
    plan = Plan.objects.create(
        title="考核测试方案", created_at=clock.now(), total_points=Decimal(66), date=dt.date(2025, 1, 1)
    )
    plan.managers.add(users["manager"])
    basic = Section.objects.create(plan=plan, title="一、基础工作", order=0)
    key = Section.objects.create(plan=plan, title="二、重点工作", order=1)
    a, b, c = units["A"], units["B"], units["C"]
    spec: list[tuple[str, Section, int, dt.date | None, list[tuple[Unit, str]]]] = [
        ("1", basic, 20, dt.date(2025, 6, 30), [(a, "lead"), (b, "partner")]),
        ("2", basic, 10, None, [(b, "lead")]),
        ("3", key, 10, None, [(c, "lead"), (a, "partner")]),
        ("4", key, 20, None, [(b, "lead"), (c, "lead")]),
        ("5", key, 6, None, [(a, "lead")]),
    ]
    for order, (number, section, points, deadline, roles) in enumerate(spec):
        task = Task.objects.create(
            plan=plan,
            section=section,
            number=number,
            title=f"任务{number}",
            points=Decimal(points),
            deadline=deadline,
            order=order,
        )
        for i, (unit, role) in enumerate(roles):
            Responsibility.objects.create(task=task, unit=unit, role=role, order=i)
    Target.objects.create(
        task=plan.tasks.get(number="3"), metric="覆盖率", cmp=">=", value=Decimal(90), unit="%"
    )
    Deduction.objects.create(
        plan=plan,
        number="1",
        item="万人命案发案率",
        order=0,
        rules=[{"threshold": ">0.6", "points": -20, "step": 0.1, "step_points": -10, "cap": -50}],
    )
    Deduction.objects.create(
        plan=plan,
        number="2",
        item="重大安全事故",
        order=1,
        rules=[
            {"level": "特别重大", "points": -30, "per": "件"},
            {"level": "重大", "points": -10, "per": "件"},
        ],
    )
    return plan


@pytest.fixture
def halves(plan: Plan, users: dict[str, User]) -> list[ReportingPeriod]:
    """H1 (due 2025-07-10) and H2 (due 2026-01-10)."""
    return do_create_periods(plan, 2025, Frequency.HALF_YEARLY, 10, acting_user=users["manager"])


def reporter_of(unit: Unit) -> User:
    return User.objects.filter(unit=unit, role="reporter").order_by("pk").first()  # type: ignore[return-value]


def accepted_report(
    task: Task,
    period: ReportingPeriod,
    unit: Unit,
    manager: User,
    *,
    submitted: dt.datetime,
    accepted: dt.datetime,
    progress: str = Progress.DONE,
    value: str | None = None,
) -> ProgressReport:
    """A report of `unit` on `task`, submitted and accepted at the given times."""
    clock.freeze(submitted)
    user = reporter_of(unit)
    values = {t.pk: IndicatorInput(Decimal(value)) for t in task.targets.all()} if value is not None else {}
    data = ReportData(
        progress=progress,
        percent=100 if progress == Progress.DONE else 50,
        narrative="按计划推进。",
        values=values,
    )
    report = do_submit_report(do_save_draft(task, period, data, acting_user=user), acting_user=user)
    clock.freeze(accepted)
    return do_accept_report(report, acting_user=manager)


def item(scheme: Any, number: str) -> Any:
    return scheme.items.get(number=number)


# ---------------------------------------------------------------------------------------------
# The hand-computed assessment of test_engine.py

AS_OF = dt.date(2026, 1, 31)
YEAR = {"period_label": "2025年度", "period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 12, 31)}


@pytest.fixture
def scheme(plan: Plan, users: dict[str, User]) -> Scheme:
    m = users["manager"]
    scheme = do_create_scheme_from_plan(
        plan, **YEAR, assessed=Assessed.ALL, partner_coefficient="0.3", bonus_cap=5, acting_user=m
    )
    do_update_item(item(scheme, "3"), method=Method.INDICATOR, acting_user=m)
    do_update_item(item(scheme, "4"), method=Method.MANUAL, acting_user=m)
    do_update_item(
        item(scheme, "5"),
        method=Method.CHECKLIST,
        criteria=[
            {"name": "建立台账", "points": 2},
            {"name": "按月通报", "points": 3},
            {"name": "年度总结", "points": 1},
        ],
        acting_user=m,
    )
    do_add_veto(scheme, "发生重大群体性事件", acting_user=m)
    do_add_bonus(scheme, "国家级表彰", 3, cap=4, acting_user=m)
    do_add_bonus(scheme, "省级表彰", 2, acting_user=m)
    do_activate_scheme(scheme, acting_user=m)
    return scheme


@pytest.fixture
def reports(
    plan: Plan, units: dict[str, Unit], users: dict[str, User], halves: list[ReportingPeriod]
) -> None:
    h1, h2 = halves
    m, t = users["manager"], {x.number: x for x in plan.tasks.all()}
    accepted_report(t["1"], h1, units["A"], m, submitted=at(2025, 6, 20), accepted=at(2025, 6, 25))
    accepted_report(t["2"], h2, units["B"], m, submitted=at(2026, 1, 15), accepted=at(2026, 1, 16))
    accepted_report(
        t["3"],
        h1,
        units["C"],
        m,
        submitted=at(2025, 7, 5),
        accepted=at(2025, 7, 6),
        progress=Progress.IN_PROGRESS,
        value="50",
    )
    accepted_report(
        t["3"],
        h2,
        units["C"],
        m,
        submitted=at(2026, 1, 5),
        accepted=at(2026, 1, 6),
        progress=Progress.IN_PROGRESS,
        value="72",
    )


def by_name(scheme: Scheme, model: Any, name: str) -> Any:
    field = "item" if model is DeductionRule else "name"
    return model.objects.get(scheme=scheme, **{field: name})


@pytest.fixture
def assessment(
    scheme: Scheme, reports: None, units: dict[str, Unit], users: dict[str, User], frozen: Any
) -> Assessment:
    frozen(at(2026, 2, 1))
    m = users["manager"]
    a = do_run_assessment(scheme, AS_OF, acting_user=m)
    do_grade_item(
        a, item(scheme, "4"), units["B"], score="11.4", reason="材料较全，个别措施未落实", acting_user=m
    )
    do_grade_item(a, item(scheme, "4"), units["C"], score=15, reason="全部落实", acting_user=m)
    do_grade_item(a, item(scheme, "5"), units["A"], met=[0, 1], acting_user=m)
    do_record_incident(
        a,
        units["A"],
        rule=by_name(scheme, DeductionRule, "重大安全事故"),
        level="重大",
        count=1,
        note="2025年9月道路交通事故",
        acting_user=m,
    )
    do_record_incident(a, units["A"], bonus=by_name(scheme, BonusItem, "国家级表彰"), count=2, acting_user=m)
    do_record_incident(a, units["A"], bonus=by_name(scheme, BonusItem, "省级表彰"), acting_user=m)
    do_record_incident(
        a,
        units["C"],
        veto=by_name(scheme, VetoItem, "发生重大群体性事件"),
        note="2025年8月发生重大群体性事件",
        acting_user=m,
    )
    return do_run_assessment(scheme, AS_OF, acting_user=m)


def result(a: Assessment, unit: Unit) -> Result:
    return Result.objects.get(assessment=a, unit=unit)


def lines(a: Assessment, unit: Unit) -> list[tuple[str, str, Decimal, str]]:
    return [
        (ln.label, ln.kind, ln.points, ln.reason)
        for ln in ResultLine.objects.filter(result__assessment=a, result__unit=unit).order_by("order")
    ]
