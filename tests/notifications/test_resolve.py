"""Notices about work resolve themselves once the work is done (a review, a correction, an
order's reply and close-out, an appeal's decision, a period's reports); the inbox is paginated;
a notice is dated when its event happened, even inside a long transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from duban import clock
from duban.accounts.models import User
from duban.notifications.access import unread_count
from duban.notifications.models import Notification
from duban.notifications.notify import Message, send
from duban.plans.models import Plan
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.orders import do_close_order, do_issue_order, do_reply_order
from duban.tracking.actions.periods import do_add_period
from duban.tracking.actions.report_data import ReportData
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import NotificationKind, Progress, ProgressReport, ReportingPeriod
from duban.tracking.reminders import run_due_reminders

# pytest imports tests/web/conftest.py as `web.conftest` (see tests/notifications/conftest.py).
from web import conftest as platform

small_plan = platform.small_plan
TZ = ZoneInfo("Asia/Shanghai")


Commit = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Commit) -> Commit:
    """`with commit(execute=True):` runs what the block left for its commit (the notices) at its end,
    in order, as a real commit would: the tests run inside a transaction that never commits."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def period(small_plan: Plan, users: dict[str, User]) -> ReportingPeriod:
    return do_add_period(
        small_plan,
        "2024年上半年",
        dt.date(2024, 1, 1),
        dt.date(2024, 6, 30),
        dt.date(2024, 7, 10),
        acting_user=users["manager"],
    )


def submitted(small_plan: Plan, period: ReportingPeriod, reporter: User, number: str = "2") -> ProgressReport:
    task = small_plan.tasks.get(number=number)
    data = ReportData(progress=Progress.IN_PROGRESS, percent=50, narrative="推进中")
    return do_submit_report(do_save_draft(task, period, data, acting_user=reporter), acting_user=reporter)


def notes(user: User, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_a_review_notice_is_done_once_the_report_is_accepted(
    small_plan: Plan, period: ReportingPeriod, users: dict[str, User], commit: Commit
) -> None:
    manager = users["manager"]
    with commit(execute=True):
        report = submitted(small_plan, period, users["other_reporter"])
    (note,) = notes(manager, NotificationKind.REPORT_SUBMITTED)
    assert note.resolved_at is None and note.read_at is None and unread_count(manager) == 1
    with commit(execute=True):
        do_accept_report(report, acting_user=manager)
    note.refresh_from_db()
    assert note.resolved_at is not None and note.read_at is not None
    assert unread_count(manager) == 0


def test_a_review_notice_is_done_once_the_report_is_returned_and_the_correction_ends_the_return(
    small_plan: Plan, period: ReportingPeriod, users: dict[str, User], commit: Commit
) -> None:
    manager, reporter = users["manager"], users["other_reporter"]
    with commit(execute=True):
        report = submitted(small_plan, period, reporter)
    with commit(execute=True):
        do_return_report(report, "请补充佐证材料", acting_user=manager)
    (review,) = notes(manager, NotificationKind.REPORT_SUBMITTED)
    (returned,) = notes(reporter, NotificationKind.REPORT_RETURNED)
    assert review.resolved_at is not None
    assert returned.resolved_at is None and returned.topic == f"correct:r{report.pk}"
    with commit(execute=True):
        correction = do_correct_report(report, acting_user=reporter)
        do_submit_report(correction, acting_user=reporter)
    returned.refresh_from_db()
    assert returned.resolved_at is not None and returned.read_at is not None
    # The correction asks for a review of its own.
    assert [n.resolved_at for n in notes(manager, NotificationKind.REPORT_SUBMITTED)].count(None) == 1


def test_an_order_notice_is_done_when_replied_and_the_reply_notice_when_closed(
    small_plan: Plan, users: dict[str, User], commit: Commit
) -> None:
    manager, reporter = users["manager"], users["other_reporter"]
    task = small_plan.tasks.get(number="2")
    with commit(execute=True):
        order = do_issue_order(
            task, [reporter.unit_id], "请加快推进", dt.date(2030, 1, 1), acting_user=manager
        )
    (issued,) = notes(reporter, NotificationKind.ORDER_ISSUED)
    assert issued.resolved_at is None
    with commit(execute=True):
        do_reply_order(order, "已部署落实", acting_user=reporter)
    issued.refresh_from_db()
    (replied,) = notes(manager, NotificationKind.ORDER_REPLIED)
    assert issued.resolved_at is not None and replied.resolved_at is None
    with commit(execute=True):
        do_close_order(order, acting_user=manager)
    replied.refresh_from_db()
    assert replied.resolved_at is not None


def test_news_that_asks_for_nothing_stays_as_it_is(
    small_plan: Plan, period: ReportingPeriod, users: dict[str, User], commit: Commit
) -> None:
    with commit(execute=True):
        report = submitted(small_plan, period, users["other_reporter"])
        do_accept_report(report, acting_user=users["manager"])
    (accepted,) = notes(users["other_reporter"], NotificationKind.REPORT_ACCEPTED)
    assert accepted.topic == "" and accepted.resolved_at is None and accepted.read_at is None


def test_a_reminder_of_reports_is_done_once_the_unit_has_sent_them(
    small_plan: Plan, period: ReportingPeriod, users: dict[str, User], commit: Commit
) -> None:
    reporter = users["other_reporter"]  # 区司法局 leads task 2 alone
    run_due_reminders(dt.datetime(2024, 7, 12, 9, tzinfo=TZ))
    (overdue,) = notes(reporter, NotificationKind.REPORT_OVERDUE)
    assert overdue.resolved_at is None
    clock.freeze(dt.datetime(2024, 7, 13, 9, tzinfo=TZ))
    try:
        with commit(execute=True):
            submitted(small_plan, period, reporter)
    finally:
        clock.freeze(None)
    run_due_reminders(dt.datetime(2024, 7, 14, 9, tzinfo=TZ))
    overdue.refresh_from_db()
    assert overdue.resolved_at is not None
    # The managers' list waits while another unit still owes its report.
    owed = [
        n for n in notes(users["manager"], NotificationKind.REPORT_OVERDUE) if n.topic == f"owe:p{period.pk}"
    ]
    assert owed and all(n.resolved_at is None for n in owed)


def test_a_notice_is_dated_when_its_event_happened_inside_a_long_transaction(
    small_plan: Plan, period: ReportingPeriod, users: dict[str, User], commit: Commit
) -> None:
    with commit(execute=True):
        clock.freeze(dt.datetime(2024, 1, 20, 10, tzinfo=TZ))
        try:
            report = submitted(small_plan, period, users["other_reporter"])
            clock.freeze(dt.datetime(2024, 1, 25, 10, tzinfo=TZ))
            do_accept_report(report, acting_user=users["manager"])
        finally:
            clock.freeze(None)
    (review,) = notes(users["manager"], NotificationKind.REPORT_SUBMITTED)
    assert review.created_at == dt.datetime(2024, 1, 20, 10, tzinfo=TZ)
    # Sent on the same commit, after the review: created, then resolved at the review's time.
    assert review.resolved_at == dt.datetime(2024, 1, 25, 10, tzinfo=TZ)


def test_the_inbox_is_paginated_and_filtered(users: dict[str, User]) -> None:
    reporter = users["reporter"]
    send(
        [
            Message(
                key=f"t{n}",
                kind=NotificationKind.DIGEST,
                title=f"消息{n:03d}",
                text="x",
                users=(reporter.pk,),
                topic="owe:p1" if n % 2 else "",
            )
            for n in range(70)
        ],
        at=clock.now(),
    )
    client = Client()
    client.force_login(reporter)
    first = client.get("/tracking/inbox/").content.decode()
    assert first.count('class="note-head"') == 30 and "第 1 / 3 页" in first
    last = client.get("/tracking/inbox/", {"page": "3"}).content.decode()
    assert last.count('class="note-head"') == 10
    todo = client.get("/tracking/inbox/", {"show": "open"}).content.decode()
    assert "共 35 条" in todo
    Notification.objects.filter(recipient=reporter, topic="owe:p1").update(read_at=clock.now())
    unread = client.get("/tracking/inbox/", {"show": "unread"}).content.decode()
    assert "共 35 条" in unread
