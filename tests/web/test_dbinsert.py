"""duban.dbinsert.insert_rows: what the ORM's bulk_create would store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.dbinsert import insert_rows
from duban.notifications.models import Notification

pytestmark = pytest.mark.django_db
AT = dt.datetime(2025, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_it_stores_every_field_as_bulk_create_would_across_several_statements() -> None:
    actor = User.objects.create_user("auditor", password="pw-auditor-123")
    events = [
        AuditEvent(
            at=AT,
            actor=actor if i % 2 else None,
            action="save_draft",
            object_type="x.y",
            object_id=str(i),
            summary=f"第{i}条 <b>不转义</b>",
            after={"n": i, "文字": ["甲", None]},
        )
        for i in range(250)
    ]  # 250 rows × 8 columns: three statements
    assert insert_rows(AuditEvent, events) == []
    stored = list(AuditEvent.objects.filter(object_type="x.y").order_by("id"))
    assert len(stored) == 250
    assert [(e.object_id, e.actor_id, e.summary, e.after, e.before, e.at) for e in stored] == [
        (
            str(i),
            actor.pk if i % 2 else None,
            f"第{i}条 <b>不转义</b>",
            {"n": i, "文字": ["甲", None]},
            None,
            AT,
        )
        for i in range(250)
    ]


def test_it_skips_duplicates_of_a_unique_column_and_returns_only_the_rows_it_inserted() -> None:
    user = User.objects.create_user("reader", password="pw-reader-1234")

    def note(key: str) -> Notification:
        return Notification(recipient=user, kind="digest", title="t", text="x", created_at=AT, dedupe_key=key)

    first = insert_rows(
        Notification, [note("a"), note("b")], skip_conflicts="dedupe_key", returning=("id", "dedupe_key")
    )
    again = insert_rows(
        Notification, [note("b"), note("c")], skip_conflicts="dedupe_key", returning=("id", "dedupe_key")
    )
    assert [k for _, k in first] == ["a", "b"] and [k for _, k in again] == ["c"]
    assert dict(Notification.objects.values_list("dedupe_key", "id")) == dict(
        (k, i) for i, k in first + again
    )
    assert insert_rows(Notification, []) == []
