"""Excel bulk entry pages: a unit downloads its period template and uploads it back.

The checking is tracking.bulk's: a bad cell rejects the whole upload, naming the cell, and nothing
is stored.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.models import User
from duban.downloads import download
from duban.tokens.downloads import login_or_token_required
from duban.tracking.access import access_period
from duban.tracking.actions.bulk_uploads import do_bulk_upload
from duban.tracking.bulk.template import bulk_template
from duban.tracking.transitions import TrackingError


def _reporter(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not (user.is_reporter and user.unit_id):
        raise Http404("页面不存在")  # the template is a unit's: only its reporters have one
    return user


@login_or_token_required
@require_safe
def bulk_download(request: HttpRequest, period_id: int) -> HttpResponse:
    user = _reporter(request)
    period = access_period(user, period_id)
    assert user.unit is not None
    try:
        data = bulk_template(user.unit, period, user=user)
    except TrackingError as exc:
        raise Http404(str(exc)) from None
    return download(
        data,
        name=f"{period.name}进展报送表（{user.unit.name}）",
        fallback=f"period-{period.pk}-bulk",
        fmt="xlsx",
    )


@login_required
@require_POST
def bulk_upload(request: HttpRequest, period_id: int) -> HttpResponse:
    user = _reporter(request)
    period = access_period(user, period_id)
    assert user.unit is not None
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择填好的 Excel 报送表")
    elif upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        messages.error(
            request,
            f"{upload.name}：文件过大，上限 {settings.MAX_UPLOAD_BYTES // 1048576} MB，未保存任何内容",
        )
    else:
        try:
            reports = do_bulk_upload(
                user.unit, period, upload.read(), acting_user=user, submit=request.POST.get("submit") == "1"
            )
        except TrackingError as exc:
            messages.error(request, f"{upload.name}：{exc}")
        else:
            verb = "报送" if request.POST.get("submit") == "1" else "保存为草稿"
            messages.success(request, f"已{verb} {len(reports)} 项任务的进展")
    return redirect("tracking:period", period.pk)
