"""The demo's figures against the independent recomputation (tests/tracking/oracle.py): the 004
plan's two periods (their page, 通报 draft and workbook: reports owed and in, lights), and both
demo assessments (ranking page and exports, each unit's breakdown). The demo is seeded once for
each of the two tests, inside its transaction (it takes a while: two tests, not more)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from duban import clock
from duban.accounts.models import User
from duban.assessment.models import Assessment, Result
from duban.tracking.models import ProgressReport, ReportingPeriod
from duban.web import demo
from tracking import oracle
from tracking.figures import downloads, expected_text, in_text, recomputed, shown

GRADE_ORDER = ("优秀", "良好", "合格", "不合格")


@pytest.fixture
def manager(client: Client, db: Any) -> Iterator[Client]:
    """The demo seeded, and its manager signed in."""
    with transaction.atomic():
        demo._seed(io.StringIO())
    clock.freeze(None)
    client.force_login(User.objects.get(username="manager"))
    yield client


def demo_periods() -> list[ReportingPeriod]:
    return list(
        ReportingPeriod.objects.filter(plan__source__name=demo.ASSESSED_PLAN, plan__parent=None).order_by(
            "start"
        )
    )


def test_the_demo_periods_figures_equal_the_recomputation(manager: Client) -> None:
    periods = demo_periods()
    # The two past periods the demo's assessment reads, then the current quarter (every demo
    # reporter has this quarter's reports to write).
    assert [p.name for p in periods][:2] == ["2022年下半年", "2023年度"] and len(periods) == 3
    for i, period in enumerate(periods):
        check_period(manager, period, past=i < 2)


def check_period(manager: Client, period: ReportingPeriod, *, past: bool) -> None:
    want = recomputed(period, clock.today())
    response = manager.get(reverse("tracking:period", args=[period.pk]))
    assert shown(response.context["r"]) == want
    text, units = downloads(manager, period)
    assert in_text(text) == expected_text(want)
    assert units == want["units"]
    # The reports the demo accepted for the period count, though the tasks are closed (销号) now
    # (the current quarter has none accepted yet: its reports are being written and reviewed).
    accepted = ProgressReport.objects.filter(period=period, kind="report", status="accepted").count()
    assert want["expected"] >= want["reported"] >= accepted
    assert accepted > 0 or not past


def test_the_demo_rankings_and_breakdowns_equal_the_recomputation(manager: Client) -> None:
    check_rankings(manager)
    check_breakdowns(manager)


def check_rankings(manager: Client) -> None:
    for a in Assessment.objects.order_by("as_of"):
        want = oracle.standings(a.pk)
        results = list(
            Result.objects.filter(assessment=a).select_related("unit").order_by("rank", "unit__name")
        )
        for r in results:
            o = want[r.unit.name]
            assert (r.total, r.max_points, r.score, r.rank, r.grade) == (
                o.total,
                o.max_points,
                o.score,
                o.rank,
                o.grade,
            )
        # Rank and grade by one measure: a better rank never has a worse grade.
        grades = [GRADE_ORDER.index(r.grade) for r in results]
        assert grades == sorted(grades), [(r.rank, r.unit.name, r.grade) for r in results]
        page = manager.get(reverse("assessment:assessment", args=[a.pk]))
        assert [(row.result.unit.name, row.result.rank) for row, *_ in page.context["rows"]] == [
            (r.unit.name, r.rank) for r in results
        ]
        book = load_workbook(io.BytesIO(manager.get(reverse("assessment:ranking_xlsx", args=[a.pk])).content))
        values = [list(x) for x in book.active.iter_rows(values_only=True)]
        head = next(x for x in values if x and x[0] == "名次")
        body = values[values.index(head) + 1 :][: len(results)]
        assert [(x[0], x[1], Decimal(str(x[2])), Decimal(str(x[3]))) for x in body] == [
            (want[r.unit.name].rank, r.unit.name, want[r.unit.name].score, want[r.unit.name].total)
            for r in results
        ]


def check_breakdowns(manager: Client) -> None:
    a = Assessment.objects.order_by("as_of").last()
    assert a is not None
    want = oracle.standings(a.pk)
    for r in Result.objects.filter(assessment=a).select_related("unit").order_by("rank")[:5]:
        page = manager.get(reverse("assessment:result", args=[r.pk]))
        sections = {s.section: (s.points, s.max_points) for s, *_ in page.context["sections"]}
        o = want[r.unit.name]
        for name, (points, top) in o.sections.items():
            assert sections[name] == (points, top), (r.unit.name, name)
        assert sections.get("负面清单", (Decimal(0), None))[0] == o.deductions
        assert sections.get("加分项", (Decimal(0), None))[0] == o.bonus
