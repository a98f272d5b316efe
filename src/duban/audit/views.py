"""The audit trail of one object, read-only. Only the administrator and plan managers may look."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from duban.accounts.requests import signed_in
from duban.audit.models import AuditEvent


@login_required
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    user = signed_in(request)
    if not (user.is_admin or user.is_manager):
        raise Http404("无权查看")
    events = AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")
    return render(
        request, "audit/history.html", {"events": events, "object_type": object_type, "object_id": object_id}
    )
