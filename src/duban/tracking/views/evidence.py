"""Evidence files: downloaded by whoever may see their report, removed from a draft."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.requests import signed_in
from duban.downloads import content_disposition
from duban.tracking.access import (
    access_evidence,
    can_edit_report,
)
from duban.tracking.actions.evidence import do_remove_evidence
from duban.tracking.transitions import TrackingError


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = access_evidence(signed_in(request), evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在或无权访问") from None
    # Always an attachment, with the type checked at upload: never rendered in the site's origin.
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["Content-Disposition"] = content_disposition(evidence.name, f"evidence-{evidence.pk}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    user = signed_in(request)
    evidence = access_evidence(user, evidence_id)
    report = evidence.report
    if not can_edit_report(user, report):
        raise Http404("文件不存在或无权访问")
    try:
        do_remove_evidence(evidence, acting_user=user)
    except TrackingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已删除 {evidence.name}")
    return redirect("tracking:report", report.pk)
