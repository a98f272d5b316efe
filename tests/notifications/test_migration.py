"""Moving the notification models from tracking to their own app keeps a database's rows: a
database as tracking 0003 left it, with a notification, its deliveries, a unit's channel, their
permission and audit rows, is migrated forward and everything is there under the new app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from duban.audit.models import AuditEvent
from duban.notifications.models import Delivery, DeliveryStatus, Notification, UnitChannel

BEFORE = [("tracking", "0003_notification_kinds_assessment"), ("notifications", None)]
AT = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def before_the_move(transactional_db: None) -> Iterator[Apps]:
    """The database migrated back to before the move; migrated forward again afterwards whatever
    the test did, for the tests after it."""
    state = MigrationExecutor(connection).migrate(BEFORE)
    try:
        yield state.apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_it_keeps_every_row_through_the_move(before_the_move: Apps) -> None:
    old = before_the_move
    unit = old.get_model("units", "Unit").objects.create(name="区委政法委")
    channel = old.get_model("tracking", "UnitChannel").objects.create(
        unit_id=unit.pk, channel="wecom", url="https://qyapi.weixin.qq.com/x", secret="SEC"
    )
    note = old.get_model("tracking", "Notification").objects.create(
        unit_id=unit.pk,
        kind="digest",
        title="待办汇总",
        text="· 待报送 2 项",
        link="/tracking/inbox/",
        created_at=AT,
        dedupe_key="digest:unit1:2025-03-01:unit1",
    )
    old.get_model("tracking", "Delivery").objects.create(
        notification_id=note.pk,
        channel="wecom",
        unit_channel_id=channel.pk,
        status="failed",
        attempts=6,
        last_error="HTTP 500",
    )
    old.get_model("audit", "AuditEvent").objects.create(
        at=AT, action="set_unit_channel", object_type="tracking.unitchannel", object_id=str(channel.pk)
    )
    old_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="tracking", model="unitchannel"
    )[0]
    old.get_model("auth", "Permission").objects.get_or_create(
        content_type_id=old_type.pk,
        codename="change_unitchannel",
        defaults={"name": "Can change unit channel"},
    )

    # Forward to the latest state: the models read below have the fields added since the move.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    moved = Notification.objects.get(pk=note.pk)
    assert (moved.kind, moved.title, moved.unit_id, moved.get_kind_display()) == (
        "digest",
        "待办汇总",
        unit.pk,
        "每日汇总",
    )
    delivery = Delivery.objects.get(notification=moved)
    assert (delivery.status, delivery.attempts, delivery.unit_channel_id) == (
        DeliveryStatus.FAILED,
        6,
        channel.pk,
    )
    assert UnitChannel.objects.get(pk=channel.pk).secret == "SEC"
    assert AuditEvent.objects.get(action="set_unit_channel").object_type == "notifications.unitchannel"
    assert Permission.objects.get(codename="change_unitchannel").content_type.app_label == "notifications"
    assert not ContentType.objects.filter(app_label="tracking", model="unitchannel").exists()


BEFORE_TOPICS = [("notifications", "0002_notices_resolve_with_their_work")]


@pytest.fixture
def before_topics(transactional_db: None) -> Iterator[Apps]:
    state = MigrationExecutor(connection).migrate(BEFORE_TOPICS)
    try:
        yield state.apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_it_gives_earlier_notices_their_topic_and_resolves_finished_work(before_topics: Apps) -> None:
    old = before_topics
    user = old.get_model("accounts", "User").objects.create(username="manager", role="manager")
    unit = old.get_model("units", "Unit").objects.create(name="区司法局")
    plan = old.get_model("plans", "Plan").objects.create(title="方案", created_at=AT)
    task = old.get_model("plans", "Task").objects.create(plan=plan, number="1", order=1, text="任务")
    period = old.get_model("tracking", "ReportingPeriod").objects.create(
        plan=plan,
        name="2025年",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        due=dt.date(2026, 1, 10),
    )
    other = old.get_model("units", "Unit").objects.create(name="区信访局")
    report = old.get_model("tracking", "ProgressReport")
    common = {"task": task, "period": period, "kind": "report", "created_at": AT, "updated_at": AT}
    accepted = report.objects.create(status="accepted", unit=unit, **common)
    waiting = report.objects.create(status="submitted", unit=other, **common)
    notes = old.get_model("notifications", "Notification")
    for key in (f"submitted:r{accepted.pk}:u{user.pk}", f"submitted:r{waiting.pk}:u{user.pk}", "news:x:u1"):
        notes.objects.create(
            recipient=user, kind="report_submitted", title="待审核", text="", created_at=AT, dedupe_key=key
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    got = {
        n.dedupe_key: (n.topic, n.resolved_at is not None, n.read_at is not None)
        for n in Notification.objects.all()
    }
    assert got == {
        f"submitted:r{accepted.pk}:u{user.pk}": (f"review:r{accepted.pk}", True, True),
        f"submitted:r{waiting.pk}:u{user.pk}": (f"review:r{waiting.pk}", False, False),
        "news:x:u1": ("", False, False),
    }
