"""Supervision orders: serial numbers, escalation on a frozen clock, the printable 督办通知单."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from docx import Document

from duban.accounts.actors import SYSTEM
from duban.accounts.models import User
from duban.notifications.models import Notification
from duban.plans.models import Task
from duban.tracking.access import access_order, can_reply_order
from duban.tracking.actions.orders import do_escalate_overdue_orders, do_issue_order, do_reply_order
from duban.tracking.docx_order import order_docx_filename, render_order_docx
from duban.tracking.models import NotificationKind, OrderLevel, OrderStatus, SupervisionOrder
from duban.tracking.transitions import InvalidInput
from duban.units.models import Unit

from .conftest import at


def _units(*names: str) -> list[Unit]:
    return list(Unit.objects.filter(name__in=names))


@pytest.fixture
def order(users: dict[str, User], task1: Task) -> SupervisionOrder:
    """Blue, issued 2025-03-01, reply due 2025-03-05, to 区委政法委 and 区公安分局."""
    return do_issue_order(
        task1,
        _units("区委政法委", "区公安分局"),
        "网格员配备不足，请报送整改措施",
        dt.date(2025, 3, 5),
        acting_user=users["manager"],
    )


def test_it_numbers_orders_per_year(
    users: dict[str, User], task1: Task, frozen: Callable[[dt.datetime], None]
) -> None:
    def issue() -> SupervisionOrder:
        return do_issue_order(
            task1, _units("区委政法委"), "请说明", dt.date(2026, 12, 31), acting_user=users["manager"]
        )

    assert [issue().serial, issue().serial] == ["督〔2025〕1号", "督〔2025〕2号"]
    frozen(at(2026, 1, 2))
    assert issue().serial == "督〔2026〕1号"


@pytest.mark.parametrize(
    ("units", "text", "deadline", "message"),
    [
        ((), "请说明", dt.date(2025, 3, 5), "请选择督办单位"),
        (("区司法局",), "请说明", dt.date(2025, 3, 5), "必须是该任务的责任单位：区司法局"),
        (("区委政法委",), "  ", dt.date(2025, 3, 5), "请填写督办事项"),
        (("区委政法委",), "请说明", dt.date(2025, 2, 28), "早于今天"),
    ],
)
def test_it_refuses_an_order_it_cannot_issue(
    users: dict[str, User], task1: Task, units: tuple[str, ...], text: str, deadline: dt.date, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        do_issue_order(task1, _units(*units), text, deadline, acting_user=users["manager"])
    assert not SupervisionOrder.objects.exists()


def _escalate_on(day: dt.date, frozen: Callable[[dt.datetime], None], capture: Any) -> list[SupervisionOrder]:
    frozen(at(day.year, day.month, day.day, 1))
    with capture(execute=True):
        return do_escalate_overdue_orders(acting_user=SYSTEM)


def _leader_notices(users: dict[str, User]) -> list[str]:
    return list(
        Notification.objects.filter(recipient=users["leader"], kind=NotificationKind.ORDER_ESCALATED)
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_it_escalates_blue_to_yellow_to_red_and_then_stays_red(
    users: dict[str, User],
    order: SupervisionOrder,
    frozen: Callable[[dt.datetime], None],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.DUBAN_ORDER_ESCALATION_DAYS = 5
    cap = django_capture_on_commit_callbacks

    assert _escalate_on(dt.date(2025, 3, 5), frozen, cap) == []  # on the deadline day: not yet
    order.refresh_from_db()
    assert order.level == OrderLevel.BLUE and _leader_notices(users) == []

    assert len(_escalate_on(dt.date(2025, 3, 6), frozen, cap)) == 1  # the day after: yellow
    order.refresh_from_db()
    assert (order.level, order.reply_deadline) == (OrderLevel.YELLOW, dt.date(2025, 3, 11))
    assert _leader_notices(users) == ["督办单 督〔2025〕1号 升级为黄色"]
    assert order.escalations[0]["from"] == "blue" and order.escalations[0]["by"] is None

    assert _escalate_on(dt.date(2025, 3, 6), frozen, cap) == []  # the same day again: nothing more
    assert _escalate_on(dt.date(2025, 3, 11), frozen, cap) == []

    assert len(_escalate_on(dt.date(2025, 3, 12), frozen, cap)) == 1  # yellow deadline passed: red
    order.refresh_from_db()
    assert order.level == OrderLevel.RED
    assert _leader_notices(users) == ["督办单 督〔2025〕1号 升级为黄色", "督办单 督〔2025〕1号 升级为红色"]

    assert _escalate_on(dt.date(2025, 4, 30), frozen, cap) == []  # red stays red
    order.refresh_from_db()
    assert (order.level, order.status, len(order.escalations)) == (OrderLevel.RED, OrderStatus.OPEN, 2)
    assert len(_leader_notices(users)) == 2


def test_it_tells_the_units_and_the_office_about_an_escalation(
    users: dict[str, User],
    lead_reporter: User,
    order: SupervisionOrder,
    frozen: Callable[[dt.datetime], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _escalate_on(dt.date(2025, 3, 6), frozen, django_capture_on_commit_callbacks)
    told = set(
        Notification.objects.filter(kind=NotificationKind.ORDER_ESCALATED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"leader", "manager", "police", "zfw"}


def test_it_does_not_escalate_an_order_that_was_replied_to(
    users: dict[str, User],
    order: SupervisionOrder,
    frozen: Callable[[dt.datetime], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    do_reply_order(order, "已配齐网格员", acting_user=users["reporter"])
    assert _escalate_on(dt.date(2025, 3, 20), frozen, django_capture_on_commit_callbacks) == []
    order.refresh_from_db()
    assert (order.level, order.status, order.reply_unit) == (
        OrderLevel.BLUE,
        OrderStatus.REPLIED,
        users["reporter"].unit,
    )


def test_it_shows_an_order_to_the_office_leaders_and_its_units_only(
    users: dict[str, User], lead_reporter: User, order: SupervisionOrder
) -> None:
    for who in ("admin", "manager", "leader", "reporter"):
        assert access_order(users[who], order.pk) == order
    assert access_order(lead_reporter, order.pk) == order and can_reply_order(lead_reporter, order)
    for who in ("other_manager", "other_reporter", "outsider"):
        with pytest.raises(Http404, match="督办单不存在或无权访问"):
            access_order(users[who], order.pk)


def test_it_prints_the_order_as_a_docx_with_its_serial_number(
    users: dict[str, User],
    order: SupervisionOrder,
    frozen: Callable[[dt.datetime], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _escalate_on(dt.date(2025, 3, 6), frozen, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    data = render_order_docx(order)
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert paragraphs[0] == "督办通知单" and paragraphs[1] == "督〔2025〕1号"
    assert cells["编号"] == "督〔2025〕1号"
    assert cells["督办级别"] == "黄色督办"
    assert "完善网格化管理" in cells["督办任务"]
    assert cells["督办单位"] == "区委政法委（牵头）、区公安分局"
    assert cells["回复期限"] == "2025年3月11日"
    assert cells["签发日期"] == "2025年3月1日"
    assert "升级为黄色" in cells["升级记录"]
    assert order_docx_filename(order) == "督办通知单_督〔2025〕1号.docx"
