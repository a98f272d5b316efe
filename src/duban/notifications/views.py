"""The notification pages: each user's inbox; for the administrator, the deliveries that failed
and the units' channels. Reads go through access.py (404 for missing and forbidden alike), writes
through actions.py. Every list exports what it shows to Excel with ?format=xlsx.

The pages stand in the supervision section (/tracking/…, its navigation): the addresses users know.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.clock import today
from duban.downloads import download
from duban.notifications.access import (
    access_failed_delivery,
    access_notification,
    admin_failed_deliveries,
    admin_unit_channels,
    inbox,
)
from duban.notifications.actions import (
    NotificationError,
    do_mark_read,
    do_retry_delivery,
    do_set_unit_channel,
)
from duban.notifications.context import unread_badge
from duban.notifications.forms import UnitChannelForm
from duban.notifications.models import DeliveryStatus, Notification
from duban.office.xlsx import Table, table_to_xlsx
from duban.params import as_id, choice_param

LIST_LIMIT = 500  # rows a list page shows; its Excel export holds them all


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    # Given here as well as by the context processor, so that a page asks for the count exactly
    # once whether or not the processor is installed.
    context.setdefault("inbox_unread", unread_badge(request))
    context.setdefault("nav_admin", signed_in(request).is_admin)
    return render(request, template, context, status=status)


def _wants_xlsx(request: HttpRequest) -> bool:
    # Any other value is a 400 (duban.params): a mistyped format must not show the page instead.
    return choice_param(request.GET, "format", "导出格式", ("xlsx",)) == "xlsx"


def _xlsx(table: Table, name: str, fallback: str) -> HttpResponse:
    return download(table_to_xlsx(table), name=name, fallback=fallback, fmt="xlsx")


def _export_url(request: HttpRequest) -> str:
    params = request.GET.copy()
    params["format"] = "xlsx"
    return f"?{params.urlencode()}"


def _date(d: dt.datetime | None) -> str:
    return "" if d is None else timezone.localtime(d).strftime("%Y-%m-%d %H:%M")


# ─── inbox ────────────────────────────────────────────────────────────────────────────────────


# The inbox's views: every message, the unread ones, or those still asking for work.
INBOX_VIEWS = {"all": "全部", "unread": "未读", "open": "待办"}
INBOX_PAGE = 30  # messages a page: the inbox of a busy office runs to thousands


def _inbox_view(notes: QuerySet[Notification], show: str) -> QuerySet[Notification]:
    if show == "unread":
        return notes.filter(read_at__isnull=True)
    if show == "open":
        return notes.exclude(topic="").filter(resolved_at__isnull=True)
    return notes


@login_required
@require_safe
def inbox_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    asked = request.GET.get("show", "")
    show = asked if asked in INBOX_VIEWS else "all"
    notes = _inbox_view(inbox(user), show).order_by("-created_at", "-id")
    if _wants_xlsx(request):
        table = Table(
            "站内消息",
            ("时间", "类型", "标题", "内容", "已读", "办结"),
            [
                (
                    _date(n.created_at),
                    n.get_kind_display(),
                    n.title,
                    n.text,
                    _date(n.read_at),
                    _date(n.resolved_at),
                )
                for n in notes
            ],
            facts=f"导出日期：{today().isoformat()}",
            sheet="消息",
        )
        return _xlsx(table, "站内消息", "inbox")
    page = Paginator(notes, INBOX_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "notes": page.object_list,
            "show": show,
            "views": INBOX_VIEWS.items(),
            "query": f"show={show}",
            "export_url": _export_url(request),
        },
    )


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if request.POST.get("all"):
        ids: list[int] = list(inbox(user).filter(read_at__isnull=True).values_list("pk", flat=True))
    else:
        ids = [n for n in map(as_id, request.POST.getlist("ids")) if n is not None]
    marked = do_mark_read(ids, acting_user=user)
    messages.success(request, f"已将 {marked} 条消息标为已读")
    return redirect("notifications:inbox")


@login_required
@require_safe
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Open a message: mark it read and go where it points (only ever within this site)."""
    user = signed_in(request)
    note = access_notification(user, notification_id)
    do_mark_read([note.pk], acting_user=user)
    link = note.link
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


# ─── administration: failed deliveries, unit channels ─────────────────────────────────────────


def _require_admin(user: User) -> None:
    if not (user.is_authenticated and user.is_admin):
        raise Http404("页面不存在")


@login_required
@require_safe
def delivery_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    _require_admin(user)
    deliveries = admin_failed_deliveries(user)
    rows = [
        (
            d,
            d.notification.recipient
            or d.notification.unit
            or (d.unit_channel.unit if d.unit_channel else ""),
        )
        for d in (deliveries if _wants_xlsx(request) else deliveries[:LIST_LIMIT])
    ]
    if _wants_xlsx(request):
        table = Table(
            "发送失败的消息",
            ("消息时间", "标题", "收件人", "渠道", "状态", "尝试次数", "下次尝试", "最近错误"),
            [
                (
                    _date(d.notification.created_at),
                    d.notification.title,
                    str(to),
                    d.get_channel_display(),
                    d.get_status_display(),
                    d.attempts,
                    _date(d.next_attempt_at),
                    d.last_error,
                )
                for d, to in rows
            ],
            facts=f"导出日期：{today().isoformat()}",
            sheet="发送失败",
        )
        return _xlsx(table, "发送失败的消息", "deliveries")
    return _render(
        request,
        "notifications/deliveries.html",
        {
            "rows": rows,
            "failed": DeliveryStatus.FAILED,
            "export_url": _export_url(request),
            "limit": LIST_LIMIT,
        },
    )


@login_required
@require_POST
def delivery_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    user = signed_in(request)
    delivery = access_failed_delivery(user, delivery_id)
    try:
        do_retry_delivery(delivery, acting_user=user)
    except NotificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新排队发送")
    return redirect("notifications:deliveries")


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    _require_admin(user)
    form = UnitChannelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                row = do_set_unit_channel(
                    d["unit"],
                    d["channel"],
                    url=d["url"],
                    email=d["email"],
                    secret=d["secret"],
                    active=d["active"],
                    acting_user=user,
                )
            except NotificationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存 {row}")
                return redirect("notifications:channels")
        status = 400
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    channels = list(admin_unit_channels(user))
    if _wants_xlsx(request):
        # The signing secret never leaves the server: the export says only whether there is one.
        table = Table(
            "单位通知渠道",
            ("单位", "渠道", "Webhook 地址", "邮箱", "加签", "启用"),
            [
                (
                    c.unit.name,
                    c.get_channel_display(),
                    c.url,
                    c.email,
                    "已设置" if c.secret else "",
                    "是" if c.active else "否",
                )
                for c in channels
            ],
            facts=f"导出日期：{today().isoformat()}",
            sheet="通知渠道",
        )
        return _xlsx(table, "单位通知渠道", "channels")
    return _render(
        request,
        "notifications/channels.html",
        {
            "channels": channels,
            "form": form,
            "export_url": _export_url(request),
        },
        status=status,
    )
