"""The audit trail of one object, read-only: for whoever may read the object, through its own
access helper (duban.audit.readers); the administrator alone for types without one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from duban.accounts.requests import signed_in
from duban.audit.readers import access_audit_trail


@login_required
@require_safe
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    events = access_audit_trail(signed_in(request), object_type, object_id)
    return render(
        request, "audit/history.html", {"events": events, "object_type": object_type, "object_id": object_id}
    )
