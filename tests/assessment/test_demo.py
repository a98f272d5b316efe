"""`duban demo` includes a finished assessment of the 004 plan (and its special guide) made from
demo reports through the tracking actions; recomputing it gives the same results."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from duban.accounts.models import User
from duban.assessment.actions.assessments import do_reopen_assessment, do_run_assessment
from duban.assessment.engine.outcomes import compute
from duban.assessment.models import (
    Appeal,
    AppealStatus,
    Assessment,
    AssessmentStatus,
    LineKind,
    Method,
    Result,
    ResultLine,
)
from duban.tracking.models import ProgressReport, ReportStatus
from duban.web import demo


def standings(a: Assessment) -> dict[str, tuple[Decimal, int, str]]:
    return {
        u: (t, r, g)
        for u, t, r, g in Result.objects.filter(assessment=a).values_list(
            "unit__name", "total", "rank", "grade"
        )
    }


@pytest.fixture
def seeded(db: Any) -> tuple[str, list[Assessment]]:
    out = io.StringIO()
    with transaction.atomic():
        demo._seed(out)
    return out.getvalue(), list(Assessment.objects.order_by("as_of"))


def test_the_demo_has_two_published_periods_of_the_004_plan(seeded: tuple[str, list[Assessment]]) -> None:
    printed, assessments = seeded
    first, second = assessments
    assert [a.status for a in assessments] == [AssessmentStatus.PUBLISHED] * 2
    assert (first.scheme.period_label, second.scheme.period_label) == ("2022年度", "2023年度")
    assert second.previous == first
    assert first.scheme.items.count() == 63 + 20
    assert sum(i.max_points for i in first.scheme.items.all()) == 940
    assert set(first.scheme.items.values_list("method", flat=True)) == set(Method.values)
    assert "已生成演示考核" in printed and first.results.count() > 20


def test_the_demo_assessment_is_made_of_real_reports_grades_and_incidents(
    seeded: tuple[str, list[Assessment]],
) -> None:
    _, (first, second) = seeded
    lines = ResultLine.objects.filter(result__assessment=first)
    reports = set(lines.exclude(report_ref=None).values_list("report_ref", flat=True))
    assert reports and set(
        ProgressReport.objects.filter(pk__in=reports).values_list("status", flat=True)
    ) == {ReportStatus.ACCEPTED}
    assert lines.filter(
        text__kind=LineKind.DEDUCTION, text__label="万人命案发案率", text__points=-20
    ).exists()
    assert lines.filter(text__kind=LineKind.BONUS).exists() and lines.exclude(grade_ref=None).exists()
    assert (
        Result.objects.filter(assessment=second).exclude(previous_rank=None).count() == second.results.count()
    )
    (appeal,) = Appeal.objects.all()
    assert appeal.status == AppealStatus.REJECTED and appeal.total_after == appeal.total_before


def test_the_demo_assessment_recomputes_to_the_same_totals_twice(
    seeded: tuple[str, list[Assessment]],
) -> None:
    _, assessments = seeded
    for a in assessments:
        stored = standings(a)
        again = [
            {o.unit_name: (o.total, o.rank, o.grade) for o in compute(a.scheme, a.as_of, assessment=a)}
            for _ in range(2)
        ]
        assert again[0] == again[1] == stored


def test_reopening_and_running_the_demo_again_changes_nothing(seeded: tuple[str, list[Assessment]]) -> None:
    _, (_, second) = seeded
    manager = User.objects.get(username="manager")
    before = standings(second)
    line_ids = set(ResultLine.objects.filter(result__assessment=second).values_list("pk", flat=True))
    do_reopen_assessment(second, "演示：复核计算", acting_user=manager)
    do_run_assessment(second.scheme, second.as_of, acting_user=manager)
    assert standings(second) == before
    # Nothing changed, so no line was rewritten.
    assert set(ResultLine.objects.filter(result__assessment=second).values_list("pk", flat=True)) == line_ids
