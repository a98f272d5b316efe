"""Lights over missed periods: every period already due whose report a unit still owes is cited,
not only the latest; a unit that has missed DUBAN_LIGHT_MISSED_RED (3) periods turns the task
red. And a report's progress state and percentage must agree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.plans.models import Task
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.lights import Color, rules_text, task_light
from duban.tracking.models import Progress, ProgressReport, ReportingPeriod
from duban.tracking.transitions import InvalidInput

from .conftest import filled


def test_it_cites_every_missed_period_and_turns_red_at_the_third(
    task2: Task, periods: list[ReportingPeriod]
) -> None:
    two = task_light(task2, day=dt.date(2025, 7, 11))  # Q1 and Q2 due and missed
    assert two.color == Color.YELLOW
    assert two.reasons == (
        "2025年第一季度报告（2025-04-10截止）未报送：区司法局",
        "2025年第二季度报告（2025-07-10截止）未报送：区司法局",
    )
    three = task_light(task2, day=dt.date(2025, 10, 11))
    assert three.color == Color.RED
    assert "2025年第一季度报告（2025-04-10截止）未报送：区司法局" in three.reasons
    assert "2025年第三季度报告（2025-10-10截止）未报送：区司法局" in three.reasons
    assert "区司法局已有 3 期及以上逾期未报送" in three.reasons
    assert "已有 3 期及以上逾期未报送" in rules_text()[Color.RED]


def test_it_stops_citing_a_period_once_its_report_is_in(
    users: dict[str, User], task2: Task, periods: list[ReportingPeriod]
) -> None:
    owner = users["other_reporter"]
    do_submit_report(do_save_draft(task2, periods[0], filled(task2), acting_user=owner), acting_user=owner)
    light = task_light(task2, day=dt.date(2025, 7, 11))
    assert light.reasons == ("2025年第二季度报告（2025-07-10截止）未报送：区司法局",)


def test_it_can_be_told_never_to_turn_red_for_missed_periods(
    settings: object, task2: Task, periods: list[ReportingPeriod]
) -> None:
    settings.DUBAN_LIGHT_MISSED_RED = 0  # type: ignore[attr-defined]
    assert task_light(task2, day=dt.date(2025, 10, 11)).color == Color.YELLOW


@pytest.mark.parametrize(
    ("progress", "percent", "message"),
    [
        (Progress.NOT_STARTED, 80, "进展为“未启动”时完成比例应为 0%，而不是 80%"),
        (Progress.DONE, 90, "进展为“已完成”时完成比例应为 100%，而不是 90%"),
        (Progress.IN_PROGRESS, 100, "完成比例为 100% 时进展应为“已完成”，而不是“推进中”"),
    ],
)
def test_it_refuses_a_progress_state_that_disagrees_with_the_percentage(
    users: dict[str, User],
    task2: Task,
    periods: list[ReportingPeriod],
    progress: str,
    percent: int,
    message: str,
) -> None:
    owner = users["other_reporter"]
    draft = do_save_draft(
        task2, periods[0], filled(task2, progress=progress, percent=percent), acting_user=owner
    )
    with pytest.raises(InvalidInput, match=message):
        do_submit_report(draft, acting_user=owner)
    assert ProgressReport.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize(
    ("progress", "percent"), [(Progress.NOT_STARTED, 0), (Progress.IN_PROGRESS, 0), (Progress.DONE, 100)]
)
def test_it_accepts_a_progress_state_that_agrees_with_the_percentage(
    users: dict[str, User], task2: Task, periods: list[ReportingPeriod], progress: str, percent: int
) -> None:
    owner = users["other_reporter"]
    draft = do_save_draft(
        task2, periods[0], filled(task2, progress=progress, percent=percent), acting_user=owner
    )
    assert do_submit_report(draft, acting_user=owner).status == "submitted"


def test_it_says_why_on_the_report_form(
    users: dict[str, User], task2: Task, periods: list[ReportingPeriod], client: Client
) -> None:
    client.force_login(users["other_reporter"])
    url = reverse("tracking:report_new", args=[task2.pk, periods[0].pk])
    response = client.post(
        url,
        {
            "progress": "not_started",
            "percent": "80",
            "narrative": "尚未开始。",
            "reason": "",
            "action": "submit",
        },
        follow=True,
    )
    # The draft is kept and the refusal said (as for any incomplete submission).
    assert "未能报送：进展为“未启动”时完成比例应为 0%，而不是 80%" in response.content.decode()
    assert not ProgressReport.objects.filter(task=task2, status="submitted").exists()
