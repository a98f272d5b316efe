"""Rank and grade use one measure: the score on a 100-point scale (百分制折算) by default, raw
points as a scheme option; both shown side by side on the ranking page and in its exports. A
unit answering for more items no longer wins on raw points. Section columns follow the plan's
order, never the text of their titles. Every figure is checked against tests/tracking/oracle.py
(sums of the stored lines, ranked and graded afresh)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from duban import clock
from duban.accounts.models import User
from duban.assessment.actions.assessments import do_run_assessment
from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan, do_update_scheme
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Assessed, Assessment, RankBy, Result, Scheme
from duban.plans.models import Plan, Responsibility, Section, Task
from duban.tracking.actions.periods import do_create_periods
from duban.tracking.models import Frequency
from duban.units.models import Unit
from tracking import oracle

from .conftest import YEAR, accepted_report, at

AS_OF = dt.date(2026, 1, 31)


@pytest.fixture
def two_units(users: dict[str, User]) -> tuple[Unit, Unit]:
    many = Unit.objects.create(name="多项局")
    few = Unit.objects.create(name="少项局")
    for unit in (many, few):
        User.objects.create_user(f"r{unit.pk}", password="pw-reporter-123", role="reporter", unit=unit)
    return many, few


@pytest.fixture
def unequal(users: dict[str, User], two_units: tuple[Unit, Unit]) -> Scheme:
    """多项局 leads three 10-point items in 八、 and one in 十一、 and completes two; 少项局 leads
    one 10-point item in 十一、 and completes it. Raw points: 20 against 10; on the 100-point
    scale: 50 against 100."""
    many, few = two_units
    plan = Plan.objects.create(title="排名测试方案", created_at=clock.now(), date=dt.date(2025, 1, 1))
    plan.managers.add(users["manager"])
    eight = Section.objects.create(plan=plan, title="八、基础工作", order=0)
    eleven = Section.objects.create(plan=plan, title="十一、保障措施", order=1)
    layout = [(eight, many), (eight, many), (eight, many), (eleven, many), (eleven, few)]
    tasks = []
    for n, (section, unit) in enumerate(layout):
        task = Task.objects.create(
            plan=plan, section=section, number=str(n + 1), title=f"任务{n + 1}", points=Decimal(10), order=n
        )
        Responsibility.objects.create(task=task, unit=unit, role="lead")
        tasks.append(task)
    (year,) = do_create_periods(plan, 2025, Frequency.YEARLY, 10, acting_user=users["manager"])
    m = users["manager"]
    for task, unit in ((tasks[0], many), (tasks[1], many), (tasks[4], few)):
        accepted_report(task, year, unit, m, submitted=at(2025, 6, 1), accepted=at(2025, 6, 2))
    clock.freeze(at(2026, 2, 1))
    scheme = do_create_scheme_from_plan(plan, **YEAR, assessed=Assessed.LEAD, acting_user=m)
    do_activate_scheme(scheme, acting_user=m)
    return scheme


def standings(a: Assessment) -> dict[str, tuple[Decimal, Decimal, int, str]]:
    return {r.unit.name: (r.score, r.total, r.rank, r.grade) for r in Result.objects.filter(assessment=a)}


def check_against_oracle(a: Assessment) -> None:
    want = oracle.standings(a.pk)
    for r in Result.objects.filter(assessment=a).select_related("unit"):
        o = want[r.unit.name]
        assert (r.total, r.max_points, r.item_points, r.deductions, r.bonus) == (
            o.total,
            o.max_points,
            o.item_points,
            o.deductions,
            o.bonus,
        )
        assert (r.score, r.rank, r.grade) == (o.score, o.rank, o.grade)
        assert {s["section"]: (Decimal(s["points"]), Decimal(s["max"])) for s in r.sections} == o.sections


def test_it_ranks_and_grades_by_the_hundred_point_score_by_default(
    unequal: Scheme, users: dict[str, User]
) -> None:
    a = do_run_assessment(unequal, AS_OF, acting_user=users["manager"])
    assert unequal.rank_by == RankBy.RATE
    assert standings(a) == {
        "少项局": (Decimal("100.00"), Decimal(10), 1, "优秀"),
        "多项局": (Decimal("50.00"), Decimal(20), 2, "不合格"),
    }
    check_against_oracle(a)


def test_it_ranks_and_grades_by_raw_points_when_the_scheme_says_so(
    unequal: Scheme, users: dict[str, User]
) -> None:
    do_update_scheme(
        unequal,
        rank_by=RankBy.POINTS,
        grade_bands=[{"min": "15", "grade": "达标"}],
        acting_user=users["manager"],
    )
    a = do_run_assessment(unequal, AS_OF, acting_user=users["manager"])
    assert standings(a) == {
        "多项局": (Decimal("50.00"), Decimal(20), 1, "达标"),
        "少项局": (Decimal("100.00"), Decimal(10), 2, "不合格"),
    }
    check_against_oracle(a)


def test_it_refuses_an_unknown_measure(unequal: Scheme, users: dict[str, User]) -> None:
    with pytest.raises(AssessmentError, match="排名与等次依据"):
        do_update_scheme(unequal, rank_by="average", acting_user=users["manager"])
    unequal.refresh_from_db()
    assert unequal.rank_by == RankBy.RATE


def test_it_shows_both_figures_on_the_ranking_page_and_in_its_exports(
    unequal: Scheme, users: dict[str, User], client: Client
) -> None:
    a = do_run_assessment(unequal, AS_OF, acting_user=users["manager"])
    client.force_login(users["manager"])
    page = client.get(reverse("assessment:assessment", args=[a.pk]))
    html = page.content.decode()
    assert "百分制得分" in html and "原始总分" in html and "排名与等次依据：百分制折算" in html
    rows = page.context["rows"]
    assert [(r.result.unit.name, r.result.score) for r, *_ in rows] == [
        ("少项局", Decimal("100.00")),
        ("多项局", Decimal("50.00")),
    ]
    book = load_workbook(io.BytesIO(client.get(reverse("assessment:ranking_xlsx", args=[a.pk])).content))
    values = [list(r) for r in book.active.iter_rows(values_only=True)]
    head = next(r for r in values if r and r[0] == "名次")
    assert head[:6] == ["名次", "单位", "百分制得分", "原始总分", "满分", "等次"]
    # Section columns in the plan's order, though the first-ranked unit scores only in 十一、.
    assert head[6:8] == ["八、基础工作", "十一、保障措施"]
    body = values[values.index(head) + 1 :]
    assert [r[:6] for r in body[:2]] == [
        [1, "少项局", 100, 10, 10, "优秀"],
        [2, "多项局", 50, 20, 40, "不合格"],
    ]
    report = client.get(reverse("assessment:report_docx", args=[a.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
    assert "第一名：少项局（百分制得分 100 分，原始总分 10 / 10 分）。" in text
    assert "排名与等次依据：百分制得分。" in text


def test_it_draws_the_section_legend_in_the_plans_order(
    unequal: Scheme, users: dict[str, User], client: Client
) -> None:
    a = do_run_assessment(unequal, AS_OF, acting_user=users["manager"])
    client.force_login(users["manager"])
    charts = client.get(reverse("assessment:assessment", args=[a.pk])).context["charts"]
    sections = next(c for c in charts if c["id"] == "chart-sections")
    assert [s["name"] for s in sections["series"]] == ["八、基础工作", "十一、保障措施"]
    ranking = next(c for c in charts if c["id"] == "chart-ranking")
    assert ranking["series"][0]["data"] == [100.0, 50.0]
