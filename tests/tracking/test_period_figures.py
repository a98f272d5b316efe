"""A period's figures are what was due and what came in for that period, whatever happened later:
closing (销号) or reopening a task afterwards changes nothing about a period already begun; a
task nobody is obliged to report is flagged, never silently dropped. Every number the period
page, its workbook and its 通报 draft show equals the independent recomputation of
tests/tracking/oracle.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from duban import clock
from duban.accounts.models import User
from duban.plans.access import visible_tasks
from duban.plans.models import Plan, Responsibility, Role, Task
from duban.tracking import circular
from duban.tracking.access import visible_orders
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.reviews import do_accept_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import Progress, ProgressReport, ReportingPeriod, TaskClosure
from duban.tracking.queries.period_reports import period_report

from .conftest import at, filled
from .figures import downloads, expected_text, in_text, recomputed, shown


def done(task: Task, period: ReportingPeriod, user: User, manager: User) -> ProgressReport:
    """A completion report, submitted and accepted now."""
    data = filled(task, progress=Progress.DONE, percent=100)
    report = do_submit_report(do_save_draft(task, period, data, acting_user=user), acting_user=user)
    return do_accept_report(report, acting_user=manager)


def page_figures(client: Client, period: ReportingPeriod) -> dict[str, Any]:
    response = client.get(reverse("tracking:period", args=[period.pk]))
    assert response.status_code == 200
    return shown(response.context["r"])


def check_against_oracle(client: Client, period: ReportingPeriod) -> None:
    """The page, the 通报 draft and the workbook against the recomputation."""
    day = clock.today()
    want = recomputed(period, day)
    assert page_figures(client, period) == want
    text, units = downloads(client, period)
    assert in_text(text) == expected_text(want)
    assert units == want["units"]


@pytest.fixture
def manager_client(client: Client, users: dict[str, User]) -> Client:
    client.force_login(users["manager"])
    return client


def test_it_keeps_what_a_period_owed_after_its_tasks_close(
    users: dict[str, User],
    lead_reporter: User,
    periods: list[ReportingPeriod],
    task1: Task,
    manager_client: Client,
) -> None:
    q1, q2 = periods[0], periods[1]
    before = period_report(q1, tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"]))
    assert before.overview.expected == 2  # task 1 (区委政法委) and task 2 (区司法局)
    done(task1, q1, lead_reporter, users["manager"])
    assert TaskClosure.current().filter(task=task1).exists()
    r = period_report(q1, tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"]))
    # Closed during Q1: Q1 still owed its report, and has it.
    assert (r.overview.expected, r.overview.reported) == (2, 1)
    # Closed before Q2 began: Q2 owes only task 2's.
    r2 = period_report(q2, tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"]))
    assert r2.overview.expected == 1
    check_against_oracle(manager_client, q1)
    check_against_oracle(manager_client, q2)


def test_it_keeps_what_a_period_owed_after_a_task_is_reopened(
    users: dict[str, User],
    lead_reporter: User,
    periods: list[ReportingPeriod],
    task1: Task,
    frozen: Any,
    manager_client: Client,
) -> None:
    q1, q2, q3 = periods[0], periods[1], periods[2]
    report = done(task1, q1, lead_reporter, users["manager"])
    frozen(at(2025, 8, 1))  # in Q3: the accepted completion is corrected, the task reopens
    correction = do_correct_report(report, acting_user=lead_reporter)
    do_submit_report(correction, acting_user=lead_reporter)
    assert not TaskClosure.current().filter(task=task1).exists()
    assert TaskClosure.objects.filter(task=task1, reopened_at__isnull=False).count() == 1

    def owed(p: ReportingPeriod) -> int:
        return period_report(
            p, tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"])
        ).overview.expected

    # Q2 began while task 1 stood closed: reopening it later does not make Q2 owe its report.
    assert (owed(q1), owed(q2), owed(q3)) == (2, 1, 1)
    frozen(at(2025, 10, 2))
    assert owed(periods[3]) == 2  # Q4 began after the reopening
    for p in periods:
        check_against_oracle(manager_client, p)


def test_it_flags_a_task_nobody_is_obliged_to_report(
    users: dict[str, User], periods: list[ReportingPeriod], task2: Task, manager_client: Client
) -> None:
    Responsibility.objects.filter(task=task2, role=Role.LEAD).delete()  # only its partner is left
    r = period_report(
        periods[0], tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"])
    )
    assert r.overview.nobody == [task2] and r.nobody == [task2]
    assert r.overview.expected == 1
    said = "\n".join(circular.summary_lines(r))
    assert "另有 1 项任务没有牵头或责任单位" in said and "无单位负责报送" in said
    page = manager_client.get(reverse("tracking:period", args=[periods[0].pk])).content.decode()
    assert "无报送单位的任务" in page
    plan_page = manager_client.get(reverse("plans:detail", args=[task2.plan_id])).content.decode()
    assert "其中 1 项任务没有牵头或责任单位" in plan_page and "无报送单位：没有牵头或责任单位" in plan_page
    assert "报送单位：区委政法委" in plan_page
    check_against_oracle(manager_client, periods[0])


def test_it_has_the_responsible_units_report_where_there_is_no_lead(
    users: dict[str, User], periods: list[ReportingPeriod], task2: Task, manager_client: Client
) -> None:
    Responsibility.objects.filter(task=task2).update(role=Role.RESPONSIBLE)  # 区司法局 and 区信访局
    r = period_report(
        periods[0], tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"])
    )
    assert {u.name: u.expected for u in r.overview.units} == {"区委政法委": 1, "区司法局": 1, "区信访局": 1}
    plan_page = manager_client.get(reverse("plans:detail", args=[task2.plan_id])).content.decode()
    assert "报送单位：区司法局、区信访局" in plan_page
    check_against_oracle(manager_client, periods[0])


def test_it_says_no_report_was_due_rather_than_that_all_were_in(
    users: dict[str, User], small_plan: Plan, periods: list[ReportingPeriod]
) -> None:
    Responsibility.objects.filter(task__plan=small_plan, role=Role.LEAD).delete()
    r = period_report(
        periods[0], tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"])
    )
    said = circular.summary_lines(r)
    assert "本期没有应报送的任务报告。" in said and "各单位均已报送。" not in said


def test_it_counts_reports_in_on_time_apart_from_late_ones(
    users: dict[str, User],
    lead_reporter: User,
    periods: list[ReportingPeriod],
    task1: Task,
    task2: Task,
    frozen: Any,
    manager_client: Client,
) -> None:
    q1 = periods[0]  # due 2025-04-10
    frozen(at(2025, 4, 10, 23, 59))
    do_submit_report(
        do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter), acting_user=lead_reporter
    )
    frozen(at(2025, 4, 11, 0, 1))
    justice = users["other_reporter"]
    do_submit_report(do_save_draft(task2, q1, filled(task2), acting_user=justice), acting_user=justice)
    r = period_report(q1, tasks=visible_tasks(users["manager"]), orders=visible_orders(users["manager"]))
    assert (r.overview.expected, r.overview.reported, r.overview.on_time) == (2, 2, 1)
    check_against_oracle(manager_client, q1)


def test_it_lists_a_reporters_earlier_overdue_reports_on_the_home_page(
    users: dict[str, User], periods: list[ReportingPeriod], frozen: Any, client: Client
) -> None:
    frozen(at(2025, 8, 1))  # Q1 and Q2 are overdue, Q3 is current
    client.force_login(users["other_reporter"])  # 区司法局, the lead of task 2
    response = client.get(reverse("tracking:home"))
    mine = response.context["mine"]
    assert [m.period.name for m in mine] == ["2025年第一季度", "2025年第二季度", "2025年第三季度"]
    assert "已逾期" in response.content.decode()
