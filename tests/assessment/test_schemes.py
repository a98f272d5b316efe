"""Schemes: made from a plan's own points and negative list (004: 63 items, 840 points, and the
special guide's 100), then edited within what each scoring method needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from duban.accounts.models import User
from duban.assessment.actions.grades import do_grade_item
from duban.assessment.actions.incidents import do_record_incident
from duban.assessment.actions.items import do_add_item, do_remove_item, do_update_item
from duban.assessment.actions.negative_list import do_add_bonus, do_add_deduction_rule
from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan, do_update_scheme
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Assessment, DeductionRule, Method, Scheme, SchemeStatus
from duban.assessment.queries import scheme_summary
from duban.audit.models import AuditEvent
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.plans.models import Plan
from duban.units.models import Unit
from hostile.real_files import real_pdf

from .conftest import CORPUS, YEAR, by_name, item

SECTIONS_004 = [
    ("一、推进市域社会治理体制现代化", 90),
    ("二、防范化解政治安全风险", 90),
    ("三、防范化解社会治安风险", 90),
    ("四、防范化解社会矛盾风险", 90),
    ("五、防范化解公共安全风险", 90),
    ("六、防范化解网络安全风险", 90),
    ("七、发挥政治引领作用", 60),
    ("八、发挥法治保障作用", 60),
    ("九、发挥德治教化作用", 60),
    ("十、发挥自治强基作用", 60),
    ("十一、发挥智治支撑作用", 60),
]


@pytest.fixture
def plan004(users: dict[str, User]) -> Plan:
    data = (CORPUS / "004_8589ef9e036e82d9.txt").read_bytes()
    draft = do_upload_document("004_8589ef9e036e82d9.txt", data, acting_user=users["manager"])
    return do_confirm_import(draft, {}, acting_user=users["manager"])


@pytest.fixture
def scheme004(plan004: Plan, users: dict[str, User]) -> Scheme:
    return do_create_scheme_from_plan(
        plan004,
        period_label="2022年度",
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        acting_user=users["manager"],
    )


def test_it_makes_a_scheme_of_63_items_and_840_points_from_004(scheme004: Scheme) -> None:
    summary = scheme_summary(scheme004)
    assert (summary.items, summary.points) == (63, 840)
    assert [(s.section, s.points) for s in summary.sections] == SECTIONS_004
    assert summary.by_method == {Method.COMPLETION: 63}
    first = scheme004.items.order_by("order").first()
    assert first is not None
    assert (first.number, first.name, first.max_points, first.task.title) == (  # type: ignore[union-attr]
        "1",
        "完善党委领导体制",
        18,
        "完善党委领导体制",
    )
    assert scheme004.status == SchemeStatus.DRAFT


def test_it_copies_the_negative_list_of_004(scheme004: Scheme, plan004: Plan) -> None:
    rules = list(DeductionRule.objects.filter(scheme=scheme004).values_list("item", "rules"))
    assert rules == list(plan004.deductions.values_list("item", "rules"))
    assert len(rules) == 11
    assert dict(rules)["万人命案发案率"] == [
        {"threshold": ">0.6", "points": -20, "step": 0.1, "step_points": -10, "cap": -50}
    ]
    assert dict(rules)["特别重大、重大安全事故"] == [
        {"level": "特别重大", "points": -30, "per": "件"},
        {"level": "重大", "points": -10, "per": "件"},
    ]


def test_it_adds_the_special_guide_as_a_section_of_100_points(plan004: Plan, users: dict[str, User]) -> None:
    scheme = do_create_scheme_from_plan(
        plan004,
        period_label="2022年度",
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        include_children=True,
        acting_user=users["manager"],
    )
    summary = scheme_summary(scheme)
    guide = plan004.children.get()
    assert (summary.items, summary.points) == (63 + guide.tasks.count(), 940)
    assert summary.sections[-1].section == guide.title
    assert summary.sections[-1].points == 100
    assert [s.section for s in summary.sections[:-1]] == [s for s, _ in SECTIONS_004]
    assert all(i.task.plan_id == guide.pk for i in scheme.items.filter(section=guide.title))  # type: ignore[union-attr]


def test_creating_a_scheme_is_audited_and_for_managers_only(
    plan004: Plan, scheme004: Scheme, users: dict[str, User]
) -> None:
    event = AuditEvent.objects.get(action="create_scheme")
    assert (event.actor, event.after["items"], event.after["points"], event.after["rules"]) == (
        users["manager"],
        63,
        "840.00",
        11,
    )
    for role in ("reporter", "leader", "other_manager"):
        with pytest.raises(AssessmentError, match="无权"):
            do_create_scheme_from_plan(plan004, **YEAR, acting_user=users[role])


def test_an_indicator_item_takes_its_tasks_target(plan: Plan, users: dict[str, User]) -> None:
    scheme = do_create_scheme_from_plan(plan, **YEAR, acting_user=users["manager"])
    t3 = do_update_item(
        item(scheme, "3"),
        method=Method.INDICATOR,
        bands={"bands": [["0.9", "0.8"], ["0.6", "0.5"]]},
        acting_user=users["manager"],
    )
    assert t3.indicator_target is not None and t3.indicator_target.metric == "覆盖率"
    with pytest.raises(AssessmentError, match="量化指标"):
        do_update_item(item(scheme, "1"), method=Method.INDICATOR, acting_user=users["manager"])
    with pytest.raises(AssessmentError, match="从高到低"):
        do_update_item(t3, bands={"bands": [["0.5", "0.5"], ["0.9", "0.8"]]}, acting_user=users["manager"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "method": Method.CHECKLIST,
                "criteria": [{"name": "甲", "points": 15}, {"name": "乙", "points": 6}],
            },
            "超过项目分值",
        ),
        ({"method": Method.CHECKLIST}, "列出细则"),
        ({"max_points": "-1"}, "不能小于"),
        ({"max_points": "很多"}, "应为数字"),
        ({"method": "guess"}, "未知的评分方法"),
        ({"deadline": "2025-01-01"}, "不能修改"),
    ],
)
def test_it_refuses_items_their_method_cannot_score(
    plan: Plan, users: dict[str, User], changes: dict[str, Any], message: str
) -> None:
    scheme = do_create_scheme_from_plan(plan, **YEAR, acting_user=users["manager"])
    t1 = item(scheme, "1")
    with pytest.raises(AssessmentError, match=message):
        do_update_item(t1, acting_user=users["manager"], **changes)
    t1.refresh_from_db()
    assert (t1.method, t1.max_points) == (Method.COMPLETION, 20)


def test_a_weight_scales_an_items_points(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    from duban.assessment.actions.assessments import do_run_assessment

    from .conftest import AS_OF, result

    do_update_item(item(assessment.scheme, "1"), weight="1.5", acting_user=users["manager"])
    do_run_assessment(assessment.scheme, AS_OF, acting_user=users["manager"])
    # A: T1 30 instead of 20; B: its partner share 9 instead of 6.
    assert result(assessment, units["A"]).total == Decimal("32.40")
    assert result(assessment, units["B"]).total == Decimal("25.40")


def test_an_item_of_the_assessments_own_is_scored_by_every_unit(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    from duban.assessment.actions.assessments import do_run_assessment

    from .conftest import AS_OF, lines

    m = users["manager"]
    extra = do_add_item(assessment.scheme, name="工作创新", max_points=5, section="三、创新", acting_user=m)
    do_run_assessment(assessment.scheme, AS_OF, acting_user=m)
    do_grade_item(assessment, extra, units["C"], score=4, reason="创新做法被省级推广", acting_user=m)
    do_run_assessment(assessment.scheme, AS_OF, acting_user=m)
    got = {
        key: [pts for label, _, pts, _ in lines(assessment, units[key]) if label == "工作创新"]
        for key in "ABC"
    }
    assert got == {"A": [0], "B": [0], "C": [4]}
    do_remove_item(extra, acting_user=m)
    assert AuditEvent.objects.filter(action="remove_scheme_item").count() == 1


def test_a_grade_is_within_the_items_points_with_a_reason_and_for_a_scoring_unit(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    m, t4 = users["manager"], item(assessment.scheme, "4")
    with pytest.raises(AssessmentError, match="超出"):
        do_grade_item(assessment, t4, units["B"], score=21, reason="好", acting_user=m)
    with pytest.raises(AssessmentError, match="评分理由"):
        do_grade_item(assessment, t4, units["B"], score=10, acting_user=m)
    with pytest.raises(AssessmentError, match="不直接承担"):
        do_grade_item(assessment, t4, units["A"], score=10, reason="好", acting_user=m)
    with pytest.raises(AssessmentError, match="不需人工评分"):
        do_grade_item(
            assessment, item(assessment.scheme, "1"), units["A"], score=10, reason="好", acting_user=m
        )
    with pytest.raises(AssessmentError, match="细则序号"):
        do_grade_item(assessment, item(assessment.scheme, "5"), units["A"], met=[3], acting_user=m)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rule": "重大安全事故", "count": 1}, "须选择级别：特别重大、重大"),
        ({"rule": "重大安全事故", "level": "较大", "count": 1}, "须选择级别"),
        ({"rule": "重大安全事故", "rate": "0.7"}, "不按比率扣分"),
        ({"rule": "万人命案发案率", "count": 2}, "按比率扣分"),
        ({"rule": "万人命案发案率", "rate": "-1"}, "不能小于"),
        ({"rule": "重大安全事故", "level": "重大", "count": 0}, "正整数"),
    ],
)
def test_it_refuses_incidents_the_rule_cannot_count(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    kwargs: dict[str, Any],
    message: str,
) -> None:
    kwargs = {**kwargs, "rule": by_name(assessment.scheme, DeductionRule, kwargs["rule"])}
    with pytest.raises(AssessmentError, match=message):
        do_record_incident(assessment, units["B"], acting_user=users["manager"], **kwargs)


def test_an_incident_needs_an_assessed_unit_and_evidence_of_an_allowed_type(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    rule = by_name(assessment.scheme, DeductionRule, "重大安全事故")
    stranger = Unit.objects.create(name="区外单位")
    with pytest.raises(AssessmentError, match="不是本次考核的考核对象"):
        do_record_incident(
            assessment, stranger, rule=rule, level="重大", count=1, acting_user=users["manager"]
        )
    with pytest.raises(AssessmentError, match="不支持的文件类型"):
        do_record_incident(
            assessment,
            units["B"],
            rule=rule,
            level="重大",
            count=1,
            evidence=("a.exe", b"MZ"),
            acting_user=users["manager"],
        )
    incident = do_record_incident(
        assessment,
        units["B"],
        rule=rule,
        level="重大",
        count=1,
        evidence=("事故通报.pdf", real_pdf()),
        acting_user=users["manager"],
    )
    assert incident.evidence_name == "事故通报.pdf" and incident.evidence.name.endswith(".pdf")
    assert "事故通报" not in incident.evidence.name  # stored under a random name


def test_scheme_settings_are_checked(plan: Plan, users: dict[str, User]) -> None:
    m = users["manager"]
    scheme = do_create_scheme_from_plan(plan, **YEAR, acting_user=m)
    with pytest.raises(AssessmentError, match="不能大于 1"):
        do_update_scheme(scheme, partner_coefficient="1.5", acting_user=m)
    with pytest.raises(AssessmentError, match="低于上一档"):
        do_update_scheme(
            scheme, grade_bands=[{"min": 60, "grade": "合格"}, {"min": 90, "grade": "优秀"}], acting_user=m
        )
    with pytest.raises(AssessmentError, match="早于"):
        do_update_scheme(scheme, period_end=dt.date(2024, 1, 1), acting_user=m)
    do_update_scheme(
        scheme,
        grade_bands=[{"min": 85, "grade": "优秀"}, {"min": 60, "grade": "达标"}],
        lowest_grade="不达标",
        acting_user=m,
    )
    scheme.refresh_from_db()
    assert scheme.grade_bands == [{"min": "85", "grade": "优秀"}, {"min": "60", "grade": "达标"}]
    with pytest.raises(AssessmentError, match="扣分应为负数"):
        do_add_deduction_rule(scheme, "信访积案", [{"points": 5, "per": "件"}], acting_user=m)
    rule = do_add_deduction_rule(scheme, "信访积案", [{"points": -2, "per": "件"}], acting_user=m)
    assert rule.rules == [{"points": -2, "per": "件"}]
    with pytest.raises(AssessmentError, match="大于 0"):
        do_add_bonus(scheme, "表彰", 0, acting_user=m)
    do_activate_scheme(scheme, acting_user=m)
    with pytest.raises(AssessmentError, match="已启用"):
        do_activate_scheme(scheme, acting_user=m)


def test_a_scheme_is_made_with_its_grades_in_one_write(plan: Plan, users: dict[str, User]) -> None:
    bands = [{"min": 85, "grade": "优秀"}, {"min": 60, "grade": "达标"}]
    scheme = do_create_scheme_from_plan(
        plan, **YEAR, grade_bands=bands, lowest_grade="不达标", acting_user=users["manager"]
    )
    assert (scheme.grade_bands, scheme.lowest_grade) == (
        [{"min": "85", "grade": "优秀"}, {"min": "60", "grade": "达标"}],
        "不达标",
    )
    events = AuditEvent.objects.filter(object_type="assessment.scheme", object_id=str(scheme.pk))
    assert [e.action for e in events] == ["create_scheme"]
    assert events[0].after["grade_bands"] == scheme.grade_bands
    before = Scheme.objects.count()
    with pytest.raises(AssessmentError, match="低于上一档"):
        do_create_scheme_from_plan(plan, **YEAR, grade_bands=bands[::-1], acting_user=users["manager"])
    assert Scheme.objects.count() == before


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"level": "重大", "points": -10}, {"level": "重大", "points": -20}], "级别“重大”重复"),
        ([{"threshold": ">0.6", "points": -20}, {"threshold": ">0.8", "points": -30}], "只能有一个比率阈值"),
        ([{"threshold": "0.6", "points": -20}], "阈值应为"),
    ],
)
def test_an_added_rule_is_checked_as_an_edited_one(
    plan: Plan, users: dict[str, User], rules: list[dict[str, Any]], message: str
) -> None:
    scheme = do_create_scheme_from_plan(plan, **YEAR, acting_user=users["manager"])
    before = DeductionRule.objects.filter(scheme=scheme).count()
    with pytest.raises(AssessmentError, match=message):
        do_add_deduction_rule(scheme, "信访积案", rules, acting_user=users["manager"])
    assert DeductionRule.objects.filter(scheme=scheme).count() == before
