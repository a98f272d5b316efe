"""Write an audit row. Called by every actions module inside its own transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import models

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.clock import now
from duban.dbinsert import insert_rows


def _actor_row(actor: Actor) -> User | None:
    # The system is recorded as no user (actor NULL): the trail shows it as 系统.
    return actor if isinstance(actor, User) and actor.pk else None


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        at=now(),
        actor=_actor_row(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        before=bounded(before),
        after=bounded(after),
    )


def record_many(actor: Actor, events: Iterable[tuple[str, models.Model, str, dict[str, Any] | None]]) -> None:
    """Several audit rows of one actor in one INSERT: (action, object, summary, after) each, in the
    order they happened. For writes that make several changes at once on a busy path."""
    at, row = now(), _actor_row(actor)
    insert_rows(
        AuditEvent,
        [
            AuditEvent(
                at=at,
                actor=row,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                summary=summary[:500],
                after=bounded(after),
            )
            for action, obj, summary, after in events
        ],
    )


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )


# A value written to the trail is cut beyond this many characters: a 15 MB narrative saved three
# times must not cost 90 MB of copies. The cut keeps the start, the length and a digest, enough to
# tell versions apart and to check one against the stored text.
MAX_TEXT = 2000


def bounded(value: Any) -> Any:
    """`value` with every long string cut (nested in lists and dicts too)."""
    if isinstance(value, str):
        if len(value) <= MAX_TEXT:
            return value
        digest = hashlib.sha256(value.encode()).hexdigest()[:16]
        return f"{value[:MAX_TEXT]}…（共 {len(value)} 字，SHA-256 {digest}）"
    if isinstance(value, dict):
        return {k: bounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [bounded(v) for v in value]
    return value
