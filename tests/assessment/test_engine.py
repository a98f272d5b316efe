"""A small assessment computed by hand, line by line (the plan is in conftest.py).

Scheme: 2025, all responsible units, partner coefficient 0.3, late fraction 0.5, bonus cap 5.
T3 is scored by its indicator, T4 by hand, T5 by a checklist (建立台账 2 / 按月通报 3 / 年度总结 1).

Unit A (区公安分局)
  T1 on time (submitted 2025-06-20, deadline 06-30)       20.00 / 20
  T3 as partner: 0.3 × C's 8.00                            2.40 / 3
  T5 checklist: 建立台账 + 按月通报                        5.00 / 6
  重大安全事故 重大 1 件                                   −10.00
  国家级表彰 2 × 3 = 6, at most 4 on the item; 省级表彰 2 → the total cap of 5 leaves 1
                                                           +4.00 +1.00
  total 22.40 of a maximum 29 (77 %: 合格)
Unit B (区司法局)
  T1 as partner: 0.3 × A's 20                              6.00 / 6
  T2 late (submitted 2026-01-15, due 2026-01-10): 10 × 0.5 5.00 / 10
  T4 graded 11.4                                          11.40 / 20
  total 22.40 of 36 (62 %: 合格) — the same raw total as A, but ranked by the 100-point score
  (A 77.24, B 62.22): A rank 1, B rank 2
Unit C (区民政局)
  T3 72 against ≥ 90: 80 % of 10                           8.00 / 10
  T4 graded 15                                            15.00 / 20
  一票否决 → total 0, 不合格, rank 3
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duban.accounts.models import User
from duban.assessment.actions.assessments import do_run_assessment
from duban.assessment.actions.grades import do_grade_item
from duban.assessment.actions.incidents import do_record_incident
from duban.assessment.actions.items import do_update_item
from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan
from duban.assessment.engine.outcomes import compute
from duban.assessment.errors import AssessmentError
from duban.assessment.models import (
    Assessed,
    Assessment,
    BonusItem,
    DeductionRule,
    Incident,
    LineKind,
    ManualGrade,
    Method,
    Result,
    ResultLine,
    Scheme,
)
from duban.plans.models import Plan, Responsibility, Task
from duban.units.models import Kind, Unit

from .conftest import AS_OF, YEAR, at, by_name, item, lines, result


def test_it_computes_the_hand_computed_totals_ranks_and_grades(
    assessment: Assessment, units: dict[str, Unit]
) -> None:
    got = {k: result(assessment, u) for k, u in units.items()}
    assert {k: (r.total, r.rank, r.grade, r.vetoed) for k, r in got.items()} == {
        "A": (Decimal("22.40"), 1, "合格", ""),
        "B": (Decimal("22.40"), 2, "合格", ""),
        "C": (Decimal("0.00"), 3, "不合格", "发生重大群体性事件"),
    }
    assert {k: r.max_points for k, r in got.items()} == {"A": 29, "B": 36, "C": 30}
    assert (got["A"].item_points, got["A"].deductions, got["A"].bonus) == (Decimal("27.40"), -10, 5)


def test_it_traces_every_point_of_a_unit_to_its_line(assessment: Assessment, units: dict[str, Unit]) -> None:
    assert lines(assessment, units["A"]) == [
        ("1 任务1", "item", 20, "按时完成并通过审核：满分 20"),
        ("3 任务3", "item", Decimal("2.40"), "配合单位按牵头单位得分 8 × 0.3"),
        ("5 任务5", "item", 5, "达到：建立台账、按月通报；未达到：年度总结"),
        ("重大安全事故", "deduction", -10, "重大1 件 × -10 分"),
        ("国家级表彰", "bonus", 4, "2 项 × 3 分，本项最多 4 分；加分 4"),
        ("省级表彰", "bonus", 1, "1 项 × 2 分；加分 1（已达上限）（加分合计上限 5 分）"),
    ]
    assert lines(assessment, units["B"]) == [
        ("1 任务1", "item", 6, "配合单位按牵头单位得分 20 × 0.3"),
        ("2 任务2", "item", 5, "逾期完成：按 0.5 计 5.00 分"),
        ("4 任务4", "item", Decimal("11.40"), "人工评分：材料较全，个别措施未落实"),
    ]
    assert [(label, kind, pts) for label, kind, pts, _ in lines(assessment, units["C"])] == [
        ("3 任务3", "item", 8),
        ("4 任务4", "item", 15),
        ("发生重大群体性事件", "veto", 0),
    ]


def test_it_names_the_source_of_each_line(assessment: Assessment, units: dict[str, Unit], plan: Plan) -> None:
    a_lines = list(
        ResultLine.objects.filter(result__assessment=assessment, result__unit=units["A"]).order_by("order")
    )
    t1 = plan.tasks.get(number="1")
    report = t1.reports.get(unit=units["A"])
    assert a_lines[0].sources == {"item": item(assessment.scheme, "1").pk, "report": report.pk}
    assert a_lines[1].sources == {"item": item(assessment.scheme, "3").pk, "leads": [units["C"].pk]}
    assert a_lines[2].sources == {
        "item": item(assessment.scheme, "5").pk,
        "grade": ManualGrade.objects.get(unit=units["A"]).pk,
    }
    incident = Incident.objects.get(unit=units["A"], kind="deduction")
    assert a_lines[3].sources == {"rule": incident.rule_id, "incidents": [incident.pk]}
    assert a_lines[4].sources["bonus"] == by_name(assessment.scheme, BonusItem, "国家级表彰").pk
    # The lines add up to the total.
    assert sum(ln.points for ln in a_lines) == result(assessment, units["A"]).total


def test_it_sums_points_by_section_against_the_maximum(
    assessment: Assessment, units: dict[str, Unit]
) -> None:
    assert result(assessment, units["A"]).sections == [
        {"section": "一、基础工作", "points": "20.00", "max": "20.00"},
        {"section": "二、重点工作", "points": "7.40", "max": "9.00"},
    ]


def test_it_takes_the_latest_accepted_figure_of_an_indicator(
    assessment: Assessment, units: dict[str, Unit]
) -> None:
    assert lines(assessment, units["C"])[0][3] == "实际 72，未达目标 >=90，按完成率 80% 计 8.00 分"


@pytest.mark.parametrize(
    ("rate", "points", "total"),
    [
        ("0.5", 0, "22.40"),
        ("0.6", 0, "22.40"),
        ("0.61", -20, "2.40"),
        ("0.7", -30, "0.00"),
        ("0.69", -20, "2.40"),
        ("1.0", -50, "0.00"),
    ],
)
def test_it_applies_the_threshold_rule_at_and_around_its_boundaries(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], rate: str, points: int, total: str
) -> None:
    scheme = assessment.scheme
    do_record_incident(
        assessment,
        units["A"],
        rule=by_name(scheme, DeductionRule, "万人命案发案率"),
        rate=rate,
        acting_user=users["manager"],
    )
    do_run_assessment(scheme, AS_OF, acting_user=users["manager"])
    line = ResultLine.objects.get(
        result__assessment=assessment, result__unit=units["A"], text__label="万人命案发案率"
    )
    assert (line.kind, line.points) == (LineKind.DEDUCTION, points)
    # Deductions never take a total below zero.
    assert result(assessment, units["A"]).total == Decimal(total)


def test_a_later_rate_replaces_the_earlier_one(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    rule = by_name(assessment.scheme, DeductionRule, "万人命案发案率")
    for rate in ("0.9", "0.65"):
        do_record_incident(assessment, units["B"], rule=rule, rate=rate, acting_user=users["manager"])
    do_run_assessment(assessment.scheme, AS_OF, acting_user=users["manager"])
    assert result(assessment, units["B"]).deductions == -20


def test_a_partner_of_two_leads_shares_their_mean(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], plan: Plan
) -> None:
    Responsibility.objects.create(task=plan.tasks.get(number="4"), unit=units["A"], role="partner", order=5)
    do_run_assessment(assessment.scheme, AS_OF, acting_user=users["manager"])
    line = ResultLine.objects.get(
        result__assessment=assessment, result__unit=units["A"], text__label="4 任务4"
    )
    # (11.40 + 15) / 2 = 13.20; × 0.3 = 3.96
    assert (line.points, line.reason) == (Decimal("3.96"), "配合单位按牵头单位得分 13.2 × 0.3")
    assert result(assessment, units["A"]).total == Decimal("26.36")
    assert result(assessment, units["A"]).rank == 1 and result(assessment, units["B"]).rank == 2


def test_it_scores_only_leads_in_lead_mode(
    scheme: Scheme, reports: None, units: dict[str, Unit], users: dict[str, User], frozen: Any
) -> None:
    from duban.assessment.actions.schemes import do_update_scheme

    frozen(at(2026, 2, 1))
    do_update_scheme(scheme, assessed=Assessed.LEAD, partner_coefficient=0, acting_user=users["manager"])
    a = do_run_assessment(scheme, AS_OF, acting_user=users["manager"])
    assert [label for label, *_ in lines(a, units["A"])] == ["1 任务1", "5 任务5"]
    assert [label for label, *_ in lines(a, units["B"])] == ["2 任务2", "4 任务4"]
    assert Result.objects.filter(assessment=a).count() == 3


def test_it_counts_only_what_was_accepted_by_the_end_of_the_as_of_day(
    scheme: Scheme, reports: None, units: dict[str, Unit], users: dict[str, User], frozen: Any
) -> None:
    frozen(at(2026, 2, 1))
    # B's late report was accepted on 2026-01-16: as of the 15th it does not count yet.
    early = {o.unit_name: o for o in compute(scheme, dt.date(2026, 1, 15))}
    late = {o.unit_name: o for o in compute(scheme, dt.date(2026, 1, 16))}
    assert early["区司法局"].entries[1].line.points == 0
    assert late["区司法局"].entries[1].line.points == 5
    # C's second-half figure (accepted 2026-01-06) replaces the first half's 50 only from then on.
    assert early["区民政局"].entries[0].line.points == 8
    assert {o.unit_name: o for o in compute(scheme, dt.date(2026, 1, 5))}["区民政局"].entries[
        0
    ].line.points == Decimal("5.56")


def test_it_scores_every_district_on_every_item(users: dict[str, User], frozen: Any) -> None:
    m = users["manager"]
    plan = Plan.objects.create(title="区县考核", created_at=at(2025, 3, 1))
    plan.managers.add(m)
    group = Unit.objects.create(name="各区县", kind=Kind.GROUP)
    east, west, north = (Unit.objects.create(name=n, kind=Kind.DISTRICT) for n in ("东区", "西区", "北区"))
    Unit.objects.create(name="南区", kind=Kind.DISTRICT)  # named nowhere: not assessed
    group.members.add(north)
    for n in range(2):
        task = Task.objects.create(
            plan=plan, number=str(n + 1), title=f"任务{n + 1}", points=Decimal(10), order=n
        )
        Responsibility.objects.create(task=task, unit=east if n == 0 else west, role="implementer", order=0)
        Responsibility.objects.create(task=task, unit=group, role="responsible", order=1)
    scheme = do_create_scheme_from_plan(plan, **YEAR, assessed=Assessed.DISTRICTS, acting_user=m)
    do_activate_scheme(scheme, acting_user=m)
    frozen(at(2026, 2, 1))
    a = do_run_assessment(scheme, AS_OF, acting_user=m)
    got = {r.unit.name: r.lines.count() for r in Result.objects.filter(assessment=a).select_related("unit")}
    assert got == {"东区": 2, "西区": 2, "北区": 2}


def test_a_group_lead_stands_for_its_members(users: dict[str, User], frozen: Any) -> None:
    m = users["manager"]
    plan = Plan.objects.create(title="街镇考核", created_at=at(2025, 3, 1))
    plan.managers.add(m)
    group = Unit.objects.create(name="各街镇", kind=Kind.GROUP)
    streets = [Unit.objects.create(name=n, kind=Kind.STREET) for n in ("甲街道", "乙街道")]
    group.members.add(*streets)
    task = Task.objects.create(plan=plan, number="1", title="网格化", points=Decimal(10), order=0)
    Responsibility.objects.create(task=task, unit=group, role="lead", order=0)
    scheme = do_create_scheme_from_plan(plan, **YEAR, acting_user=m)
    do_activate_scheme(scheme, acting_user=m)
    frozen(at(2026, 2, 1))
    a = do_run_assessment(scheme, AS_OF, acting_user=m)
    assert sorted(Result.objects.filter(assessment=a).values_list("unit__name", flat=True)) == [
        "乙街道",
        "甲街道",
    ]


def test_it_recomputes_in_a_fixed_number_of_queries_whatever_the_number_of_units(
    users: dict[str, User], frozen: Any
) -> None:
    m = users["manager"]
    plan = Plan.objects.create(title="规模", created_at=at(2025, 3, 1))
    plan.managers.add(m)
    tasks = [
        Task.objects.create(plan=plan, number=str(n), title=f"任务{n}", points=Decimal(5), order=n)
        for n in range(4)
    ]

    def add_units(names: list[str]) -> None:
        for name in names:
            unit = Unit.objects.create(name=name, kind=Kind.DISTRICT)
            for t in tasks:
                Responsibility.objects.create(task=t, unit=unit, role="responsible", order=0)

    add_units(["一区", "二区", "三区"])
    scheme = do_create_scheme_from_plan(plan, **YEAR, assessed=Assessed.DISTRICTS, acting_user=m)
    do_update_item(scheme.items.get(number="0"), method=Method.MANUAL, acting_user=m)
    do_activate_scheme(scheme, acting_user=m)
    frozen(at(2026, 2, 1))
    a = do_run_assessment(scheme, AS_OF, acting_user=m)

    def count(points: int) -> tuple[int, int]:
        """Queries of a run that changes every unit's lines, then of one that changes nothing."""
        do_update_item(scheme.items.get(number="1"), max_points=points, acting_user=m)
        with CaptureQueriesContext(connection) as changed:
            do_run_assessment(scheme, AS_OF, acting_user=m)
        with CaptureQueriesContext(connection) as same:
            do_run_assessment(scheme, AS_OF, acting_user=m)
        return len(changed), len(same)

    few = count(6)
    add_units(["四区", "五区", "六区", "七区", "八区", "九区"])
    do_run_assessment(scheme, AS_OF, acting_user=m)
    many = count(7)
    assert Result.objects.filter(assessment=a).count() == 9
    assert (
        ResultLine.objects.filter(result__assessment=a, text__max_points=7).count() == 9
    )  # every unit rewritten
    assert many == few


def test_it_refuses_to_run_a_draft_scheme_or_a_future_date(plan: Plan, users: dict[str, User]) -> None:
    scheme = do_create_scheme_from_plan(plan, **YEAR, acting_user=users["manager"])
    with pytest.raises(AssessmentError, match="尚未启用"):
        do_run_assessment(scheme, dt.date(2025, 2, 1), acting_user=users["manager"])
    do_activate_scheme(scheme, acting_user=users["manager"])
    with pytest.raises(AssessmentError, match="晚于今天"):
        do_run_assessment(scheme, dt.date(2025, 12, 31), acting_user=users["manager"])
    assert not Assessment.objects.exists()


def test_a_recomputation_rewrites_only_the_lines_that_changed(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    def line_ids() -> dict[str, set[int]]:
        lines = ResultLine.objects.filter(result__assessment=assessment)
        return {k: set(lines.filter(result__unit=u).values_list("pk", flat=True)) for k, u in units.items()}

    before = line_ids()
    do_grade_item(
        assessment,
        item(assessment.scheme, "4"),
        units["C"],
        score=16,
        reason="复核后调整",
        acting_user=users["manager"],
    )
    do_run_assessment(assessment.scheme, AS_OF, acting_user=users["manager"])
    after = line_ids()
    assert (after["A"], after["B"]) == (before["A"], before["B"])
    assert after["C"].isdisjoint(before["C"]) and len(after["C"]) == len(before["C"])
    assert ResultLine.objects.get(result__unit=units["C"], text__label="4 任务4").points == 16
