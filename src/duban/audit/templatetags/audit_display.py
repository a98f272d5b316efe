"""{% audit_rows events as rows %}: a page of audit events as people read them (duban.audit.display).
A tag, so that every page listing events (an object's history, the administrator's trail) shows
them alike whatever its view hands over."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from duban.audit.display import ShownEvent, describe
from duban.audit.models import AuditEvent

register = template.Library()


@register.simple_tag
def audit_rows(events: Iterable[AuditEvent]) -> list[ShownEvent]:
    return describe(events)
