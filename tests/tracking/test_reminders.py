"""Reminders: each sent once however often `remind` runs; webhooks (a real HTTP server on
127.0.0.1 standing in for the DingTalk and WeCom robots) with retries and backoff; email; inbox."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import socket
import threading
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from duban.accounts.models import User
from duban.notifications.access import admin_failed_deliveries, inbox, unread_count
from duban.notifications.actions import (
    InvalidInput,
    TransitionError,
    do_mark_read,
    do_retry_delivery,
    do_set_unit_channel,
)
from duban.notifications.channels import backoff, failed_deliveries
from duban.notifications.models import Channel, Delivery, DeliveryStatus, Notification, UnitChannel
from duban.notifications.notify import Message, _insert_new, send
from duban.plans.models import Task
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.orders import do_issue_order
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import NotificationKind, OrderLevel, ReportingPeriod
from duban.tracking.reminders import run_due_reminders
from duban.units.models import Unit

from .conftest import at, filled

T0 = at(2025, 4, 8)  # two days before Q1 (due 2025-04-10)


class Hook:
    """A robot endpoint: records each POST and answers from a script (default: errcode 0)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.replies: deque[tuple[int, dict[str, Any]]] = deque()
        self.url = ""

    def fail_next(self, n: int, status: int = 500, answer: dict[str, Any] | None = None) -> None:
        self.replies.extend([(status, answer or {"errcode": -1, "errmsg": "system busy"})] * n)


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            h.requests.append((self.path, json.loads(body)))
            status, answer = h.replies.popleft() if h.replies else (200, {"errcode": 0, "errmsg": "ok"})
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    h.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield h
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def reminder_settings(settings: Any) -> None:
    settings.DUBAN_REMIND_BEFORE_DAYS = 3
    settings.DUBAN_DELIVERY_BACKOFF_SECONDS = 60
    settings.DUBAN_DELIVERY_MAX_ATTEMPTS = 6
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _run(when: dt.datetime, frozen: Callable[[dt.datetime], None], capture: Any) -> Any:
    frozen(when)
    with capture(execute=True):
        return run_due_reminders(when)


def _notices(kind: str | None = None) -> list[tuple[str | None, str | None, str]]:
    rows = Notification.objects.order_by("id")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.values_list("recipient__username", "unit__name", "title"))


# ---------------------------------------------------------------------------------------------
# Which reminders, once each


def test_it_sends_each_reminder_once_however_often_it_runs(
    users: dict[str, User],
    lead_reporter: User,
    q1: ReportingPeriod,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = _run(T0, frozen, django_capture_on_commit_callbacks)
    created = _notices()
    assert first.created == len(created) > 0
    second = _run(T0 + dt.timedelta(hours=3), frozen, django_capture_on_commit_callbacks)
    assert second.created == 0 and _notices() == created
    assert Notification.objects.values("dedupe_key").distinct().count() == len(created)
    assert sorted(_notices(NotificationKind.DUE_SOON)) == [
        ("justice", None, "2025年第一季度进展报告将于 2025-04-10 截止（还有 2 天）"),
        ("zfw", None, "2025年第一季度进展报告将于 2025-04-10 截止（还有 2 天）"),
    ]


def test_it_runs_as_a_management_command_idempotently(
    users: dict[str, User], lead_reporter: User, q1: ReportingPeriod, frozen: Any
) -> None:
    frozen(T0)
    out = io.StringIO()
    call_command("remind", stdout=out)
    count = Notification.objects.count()
    call_command("remind", stdout=out)
    assert Notification.objects.count() == count > 0
    assert "新提醒 0 条" in out.getvalue().splitlines()[-1]


@pytest.mark.parametrize(("day", "reminded"), [(6, False), (7, True), (10, True), (11, False)])
def test_it_reminds_in_the_days_before_the_due_date(
    users: dict[str, User],
    q1: ReportingPeriod,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
    day: int,
    reminded: bool,
) -> None:
    _run(at(2025, 4, day), frozen, django_capture_on_commit_callbacks)
    assert bool(_notices(NotificationKind.DUE_SOON)) == reminded


def test_it_does_not_remind_a_unit_that_has_reported(
    users: dict[str, User],
    lead_reporter: User,
    task2: Task,
    q1: ReportingPeriod,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = users["other_reporter"]
    do_submit_report(do_save_draft(task2, q1, filled(task2), acting_user=owner), acting_user=owner)
    _run(T0, frozen, django_capture_on_commit_callbacks)
    assert [r for r, _, _ in _notices(NotificationKind.DUE_SOON)] == ["zfw"]


def test_it_reminds_units_and_the_office_of_overdue_reports_once(
    users: dict[str, User],
    lead_reporter: User,
    q1: ReportingPeriod,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for hours in (0, 5, 24):
        _run(at(2025, 4, 11) + dt.timedelta(hours=hours), frozen, django_capture_on_commit_callbacks)
    assert sorted(_notices(NotificationKind.REPORT_OVERDUE)) == [
        ("justice", None, "2025年第一季度进展报告已逾期（2025-04-10截止）"),
        ("manager", None, "2025年第一季度逾期未报：2 个单位 2 项"),
        ("zfw", None, "2025年第一季度进展报告已逾期（2025-04-10截止）"),
    ]


def test_it_sends_one_digest_per_unit_per_day(
    users: dict[str, User],
    lead_reporter: User,
    q1: ReportingPeriod,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _run(T0, frozen, django_capture_on_commit_callbacks)
    _run(T0 + dt.timedelta(hours=8), frozen, django_capture_on_commit_callbacks)
    assert len(_notices(NotificationKind.DIGEST)) == 2  # 区委政法委 and 区司法局
    _run(T0 + dt.timedelta(days=1), frozen, django_capture_on_commit_callbacks)
    assert len(_notices(NotificationKind.DIGEST)) == 4
    digest = Notification.objects.filter(kind=NotificationKind.DIGEST, recipient__username="justice").first()
    assert digest is not None and "2025年第一季度待报送 1 项（2025-04-10截止）" in digest.text


def test_it_escalates_and_reminds_of_overdue_orders_in_the_same_run(
    users: dict[str, User], task1: Task, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    units = list(Unit.objects.filter(name="区公安分局"))
    blue = do_issue_order(task1, units, "请说明", dt.date(2025, 3, 5), acting_user=users["manager"])
    red = do_issue_order(
        task1, units, "请整改", dt.date(2025, 3, 5), level=OrderLevel.RED, acting_user=users["manager"]
    )
    for day in (6, 6, 7):
        run = _run(at(2025, 3, day), frozen, django_capture_on_commit_callbacks)
    blue.refresh_from_db()
    assert blue.level == OrderLevel.YELLOW and run.escalated == 0
    assert _notices(NotificationKind.ORDER_OVERDUE) == [
        ("manager", None, "督办单 督〔2025〕2号（红色）逾期未回复"),
        ("police", None, "督办单 督〔2025〕2号（红色）逾期未回复"),
    ]
    assert red.serial == "督〔2025〕2号"
    assert ("leader", None, "督办单 督〔2025〕1号 升级为黄色") in _notices(NotificationKind.ORDER_ESCALATED)


def test_it_never_creates_a_notification_twice_even_when_racing(db: None) -> None:
    user = User.objects.create_user("racer", password="pw-racer-1234")
    (n,) = send([Message(key="race", kind=NotificationKind.DIGEST, title="t", text="x", users=(user.pk,))])
    # A second process creating the same key at the same moment: the database skips it, and takes
    # the rows beside it that are new.
    twin = Notification(
        recipient=user, kind=n.kind, title="t", text="x", created_at=n.created_at, dedupe_key=n.dedupe_key
    )
    other = Notification(
        recipient=user, kind=n.kind, title="t", text="y", created_at=n.created_at, dedupe_key="race-2"
    )
    assert _insert_new([twin, other]) == [other] and other.pk is not None and twin.pk is None
    assert Notification.objects.count() == 2 and Delivery.objects.count() == 1
    assert (
        send([Message(key="race", kind=NotificationKind.DIGEST, title="t", text="x", users=(user.pk,))]) == []
    )


# ---------------------------------------------------------------------------------------------
# Robots, email, retries


def _robot(unit_name: str, channel: str, url: str, admin: User, secret: str = "") -> UnitChannel:
    return do_set_unit_channel(
        Unit.objects.get(name=unit_name), channel, url=url, secret=secret, acting_user=admin
    )


def _robot_deliveries() -> list[Delivery]:
    return list(Delivery.objects.exclude(channel=Channel.INBOX).order_by("id"))


def test_it_retries_a_failed_webhook_with_backoff_until_it_succeeds(
    users: dict[str, User],
    q1: ReportingPeriod,
    hook: Hook,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _robot("区司法局", Channel.DINGTALK, f"{hook.url}/robot/send?access_token=abc", users["admin"])
    hook.fail_next(10)
    first = _run(T0, frozen, django_capture_on_commit_callbacks)
    sent_to_robot = len(hook.requests)
    assert sent_to_robot == first.deliveries.retrying == 2  # the due-date reminder and the digest
    deliveries = _robot_deliveries()
    assert {(d.status, d.attempts, d.next_attempt_at, d.last_error) for d in deliveries} == {
        (DeliveryStatus.PENDING, 1, T0 + dt.timedelta(seconds=60), "HTTP 500 Internal Server Error")
    }
    assert set(failed_deliveries()) == set(deliveries)

    _run(T0 + dt.timedelta(seconds=59), frozen, django_capture_on_commit_callbacks)  # still waiting
    assert len(hook.requests) == sent_to_robot

    _run(T0 + dt.timedelta(seconds=60), frozen, django_capture_on_commit_callbacks)  # second failure
    assert {(d.attempts, d.next_attempt_at) for d in _robot_deliveries()} == {
        (2, T0 + dt.timedelta(seconds=180))
    }

    hook.replies.clear()
    third = _run(T0 + dt.timedelta(seconds=180), frozen, django_capture_on_commit_callbacks)
    assert third.deliveries.sent == 2
    assert {(d.status, d.attempts) for d in _robot_deliveries()} == {(DeliveryStatus.SENT, 3)}
    assert len(hook.requests) == 3 * sent_to_robot and not failed_deliveries().exists()
    _run(T0 + dt.timedelta(days=0, hours=1), frozen, django_capture_on_commit_callbacks)
    assert len(hook.requests) == 3 * sent_to_robot  # sent is sent


def test_it_posts_dingtalks_markdown_message_format(
    users: dict[str, User],
    q1: ReportingPeriod,
    hook: Hook,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.DUBAN_BASE_URL = "https://duban.example.gov.cn/"
    _robot("区司法局", Channel.DINGTALK, f"{hook.url}/robot/send?access_token=abc", users["admin"])
    _run(T0, frozen, django_capture_on_commit_callbacks)
    path, payload = next((p, b) for p, b in hook.requests if "截止" in b["markdown"]["title"])
    assert path == "/robot/send?access_token=abc"
    assert set(payload) == {"msgtype", "markdown"} and payload["msgtype"] == "markdown"
    assert set(payload["markdown"]) == {"title", "text"}
    text = payload["markdown"]["text"]
    assert text.startswith("#### 2025年第一季度进展报告将于 2025-04-10 截止")
    assert "[查看详情](https://duban.example.gov.cn/tracking/periods/" in text


def test_it_signs_dingtalk_requests_when_the_robot_has_a_secret(
    users: dict[str, User],
    q1: ReportingPeriod,
    hook: Hook,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _robot(
        "区司法局",
        Channel.DINGTALK,
        f"{hook.url}/robot/send?access_token=abc",
        users["admin"],
        secret="SECxyz",
    )
    _run(T0, frozen, django_capture_on_commit_callbacks)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(hook.requests[0][0]).query)
    timestamp = query["timestamp"][0]
    assert timestamp == str(int(T0.timestamp() * 1000))
    want = base64.b64encode(
        hmac.new(b"SECxyz", f"{timestamp}\nSECxyz".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [want] and query["access_token"] == ["abc"]


def test_it_posts_wecoms_markdown_format_and_treats_an_errcode_as_failure(
    users: dict[str, User],
    q1: ReportingPeriod,
    hook: Hook,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _robot("区司法局", Channel.WECOM, f"{hook.url}/cgi-bin/webhook/send?key=k1", users["admin"])
    hook.fail_next(10, status=200, answer={"errcode": 93000, "errmsg": "invalid webhook url"})
    _run(T0, frozen, django_capture_on_commit_callbacks)
    path, payload = hook.requests[0]
    assert path == "/cgi-bin/webhook/send?key=k1"
    assert set(payload) == {"msgtype", "markdown"} and set(payload["markdown"]) == {"content"}
    assert payload["markdown"]["content"].startswith("**")
    assert {d.last_error for d in _robot_deliveries()} == {"errcode 93000：invalid webhook url"}


def test_it_gives_up_after_the_last_attempt_and_lists_it_for_the_administrator(
    users: dict[str, User],
    q1: ReportingPeriod,
    hook: Hook,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.DUBAN_DELIVERY_MAX_ATTEMPTS = 2
    _robot("区司法局", Channel.WECOM, f"{hook.url}/send?key=k", users["admin"])
    hook.fail_next(4)
    _run(T0, frozen, django_capture_on_commit_callbacks)
    run = _run(T0 + dt.timedelta(minutes=1), frozen, django_capture_on_commit_callbacks)
    assert run.deliveries.failed == 2
    failed = list(admin_failed_deliveries(users["admin"]))
    assert {(d.status, d.attempts, d.next_attempt_at) for d in failed} == {(DeliveryStatus.FAILED, 2, None)}
    assert not admin_failed_deliveries(users["manager"]).exists()
    _run(T0 + dt.timedelta(hours=6), frozen, django_capture_on_commit_callbacks)
    assert len(hook.requests) == 4  # a failed delivery is not retried on its own

    with pytest.raises(TransitionError):
        do_retry_delivery(failed[0], acting_user=users["manager"])
    for d in failed:
        do_retry_delivery(d, acting_user=users["admin"])
    run = _run(T0 + dt.timedelta(hours=6, minutes=1), frozen, django_capture_on_commit_callbacks)
    assert run.deliveries.sent == 2 and not failed_deliveries().exists()


def test_it_records_a_refused_connection_as_a_failure(
    users: dict[str, User], q1: ReportingPeriod, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _robot("区司法局", Channel.DINGTALK, f"http://127.0.0.1:{port}/robot", users["admin"])
    _run(T0, frozen, django_capture_on_commit_callbacks)
    assert all(d.last_error.startswith("无法连接 127.0.0.1") for d in _robot_deliveries())


def test_it_emails_users_with_an_address_and_the_units_mailbox(
    users: dict[str, User], q1: ReportingPeriod, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = users["other_reporter"]
    owner.email = "justice@example.gov.cn"
    owner.save()
    do_set_unit_channel(owner.unit, Channel.EMAIL, email="sfj@example.gov.cn", acting_user=users["admin"])
    _run(T0, frozen, django_capture_on_commit_callbacks)
    due = [m for m in mail.outbox if "截止" in m.subject]
    assert sorted(m.to[0] for m in due) == ["justice@example.gov.cn", "sfj@example.gov.cn"]
    assert due[0].subject == "[督办] 2025年第一季度进展报告将于 2025-04-10 截止（还有 2 天）"
    assert "贵单位尚有 1 项任务未报送" in due[0].body
    count = len(mail.outbox)
    _run(T0 + dt.timedelta(hours=1), frozen, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == count


@pytest.mark.parametrize(
    ("channel", "kw", "message"),
    [
        (Channel.DINGTALK, {"url": "ftp://robot"}, "Webhook 地址"),
        (Channel.WECOM, {"url": ""}, "Webhook 地址"),
        (Channel.EMAIL, {"email": "not-an-address"}, "邮箱地址"),
        (Channel.INBOX, {}, "不能为单位设置渠道"),
    ],
)
def test_it_refuses_a_bad_channel_setting(
    users: dict[str, User], channel: str, kw: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        do_set_unit_channel(users["reporter"].unit, channel, acting_user=users["admin"], **kw)
    with pytest.raises(TransitionError, match="只有系统管理员"):
        do_set_unit_channel(
            users["reporter"].unit,
            Channel.WECOM,
            url="https://qyapi.weixin.qq.com/x",
            acting_user=users["manager"],
        )
    assert not UnitChannel.objects.exists()


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (6, 1920), (20, 86400)])
def test_it_doubles_the_wait_after_each_failure_up_to_a_day(attempts: int, seconds: int) -> None:
    assert backoff(attempts) == dt.timedelta(seconds=seconds)


# ---------------------------------------------------------------------------------------------
# Inbox


def test_it_counts_unread_notifications_and_marks_only_ones_own_read(
    users: dict[str, User],
    lead_reporter: User,
    q1: ReportingPeriod,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _run(T0, frozen, django_capture_on_commit_callbacks)
    mine = list(inbox(lead_reporter).values_list("pk", flat=True))
    theirs = list(inbox(users["other_reporter"]).values_list("pk", flat=True))
    assert unread_count(lead_reporter) == len(mine) == 2
    assert do_mark_read([mine[0], *theirs], acting_user=lead_reporter) == 1
    assert unread_count(lead_reporter) == 1 and unread_count(users["other_reporter"]) == len(theirs)


def test_it_uses_the_addresses_a_message_brings_and_reads_the_others(
    db: None, django_assert_num_queries: Any
) -> None:
    known = User.objects.create_user("known", password="pw-known-1234", email="known@example.gov.cn")
    other = User.objects.create_user("other", password="pw-other-1234", email="other@example.gov.cn")
    quiet = User.objects.create_user("quiet", password="pw-quiet-1234", is_active=False)
    message = Message(
        key="hint",
        kind=NotificationKind.DIGEST,
        title="t",
        text="x",
        users=(known.pk,),
        addresses=((known.pk, known.email),),
    )
    with django_assert_num_queries(4):  # no read of the users; the notice, its deliveries (+ savepoint)
        send([message])
    later = Message(
        key="hint-2",
        kind=NotificationKind.DIGEST,
        title="t",
        text="x",
        users=(known.pk, other.pk, quiet.pk),
        addresses=((known.pk, known.email),),
    )
    send([later])
    got = {
        (d.notification.recipient_id, d.channel)
        for d in Delivery.objects.filter(notification__dedupe_key__startswith="hint-2")
    }
    assert got == {
        (known.pk, "inbox"),
        (known.pk, "email"),
        (other.pk, "inbox"),
        (other.pk, "email"),
    }  # not quiet
