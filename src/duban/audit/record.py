"""Write an audit row. Called by every actions module inside its own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from duban.audit.models import AuditEvent
from duban.clock import now
from duban.dbinsert import insert_rows


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        at=now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        before=before,
        after=after,
    )


def record_many(actor: Any, events: Iterable[tuple[str, models.Model, str, dict[str, Any] | None]]) -> None:
    """Several audit rows of one actor in one INSERT: (action, object, summary, after) each, in the
    order they happened. For writes that make several changes at once on a busy path."""
    at = now()
    insert_rows(AuditEvent, [
        AuditEvent(at=at, actor=actor if getattr(actor, "pk", None) else None, action=action,
                   object_type=obj._meta.label_lower, object_id=str(obj.pk), summary=summary[:500], after=after)
        for action, obj, summary, after in events
    ])  # fmt: skip


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
