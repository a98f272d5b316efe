"""Who may read an object's audit trail: whoever may read the object itself, through the object's
own access helper, less the events of it that the reader may not see.

The trail sits below every feature and cannot import their access helpers; each app registers a
reader for the models it audits from its AppConfig.ready() (as the merge rules and notification
kinds are registered), so the dependency runs from the app down. An object type without a reader
(accounts, notification channels and deliveries …) is the administrator's alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.params import as_id

NOT_FOUND = "对象不存在或无权查看其操作记录"


@dataclass(frozen=True)
class AuditReader:
    # The audited model as record() names it (Model._meta.label_lower), e.g. "plans.plan".
    object_type: str
    # The object's access helper: the object, or Http404 for missing and forbidden alike.
    access: Callable[[User, int], Any]
    # The object's events this user may not read although it may read the object (e.g. another
    # unit's drafting of a report the office reviews): a filter on AuditEvent.
    hidden: Callable[[User, Any], Q] | None = None


_readers: dict[str, AuditReader] = {}


def register_audit_reader(reader: AuditReader) -> None:
    """Called from an AppConfig.ready(); the last registration of a type wins."""
    _readers[reader.object_type] = reader


def audit_reader(object_type: str) -> AuditReader | None:
    return _readers.get(object_type)


def access_audit_trail(user: User, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """The events of one object that `user` may read, newest first; Http404 when it may read none
    (the object missing or forbidden alike)."""
    pk = as_id(object_id)
    if pk is None or not (user.is_authenticated and user.is_active):
        raise Http404(NOT_FOUND)
    events = AuditEvent.objects.filter(object_type=object_type, object_id=str(pk)).select_related("actor")
    reader = _readers.get(object_type)
    if reader is None:
        if not user.is_admin:
            raise Http404(NOT_FOUND)
        return events
    try:
        obj = reader.access(user, pk)
    except Http404:
        # The administrator still reads the trail of an object that is gone (a merged unit, a
        # deleted scheme item's scheme …): the trail is all that is left of it.
        if user.is_admin and _gone(object_type, pk) and events.exists():
            return events
        raise Http404(NOT_FOUND) from None
    if reader.hidden is not None:
        events = events.exclude(reader.hidden(user, obj))
    return events


def _gone(object_type: str, pk: int) -> bool:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return True
    return not model._base_manager.filter(pk=pk).exists()
