"""Supervision orders: issued from the task page, listed and filtered, replied, closed,
escalated, printed as .docx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.clock import today
from duban.downloads import download
from duban.office.xlsx import Table
from duban.plans.access import access_task, can_manage, visible_plans
from duban.tokens.downloads import login_or_token_required
from duban.tracking.access import (
    access_order,
    can_manage_order,
    can_reply_order,
    visible_orders,
)
from duban.tracking.actions.orders import do_close_order, do_escalate_order, do_issue_order, do_reply_order
from duban.tracking.docx_order import order_docx_filename, render_order_docx
from duban.tracking.forms import (
    OrderCloseForm,
    OrderIssueForm,
    OrderReplyForm,
)
from duban.tracking.models import (
    OrderLevel,
    OrderStatus,
    SupervisionOrder,
)
from duban.tracking.queries.orders import OrderFilter
from duban.tracking.transitions import TrackingError
from duban.tracking.views.pages import (
    LEVEL_NAMES,
    LIST_LIMIT,
    Columns,
    column_table,
    export_url,
    render_page,
    shown_date,
    wants_xlsx,
    xlsx_download,
)
from duban.tracking.views.tasks import task_page


@login_required
@require_POST
def order_issue(request: HttpRequest, task_id: int) -> HttpResponse:
    user = signed_in(request)
    task = access_task(user, task_id)
    if not can_manage(user, task.plan):
        raise Http404("任务不存在或无权访问")
    units = [(r.unit_id, r.unit.name) for r in task.responsibilities.select_related("unit")]
    form = OrderIssueForm(request.POST, units=units)
    if form.is_valid():
        d = form.cleaned_data
        try:
            order = do_issue_order(
                task, d["units"], d["text"], d["reply_deadline"], level=d["level"], acting_user=user
            )
        except TrackingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已签发督办单 {order.serial}")
            return redirect("tracking:order", order.pk)
    return task_page(request, task, issue_form=form, status=400)


def _order_columns(day: dt.date) -> Columns[SupervisionOrder]:
    return (
        ("编号", lambda o: o.serial),
        ("级别", lambda o: LEVEL_NAMES.get(o.level, o.level)),
        ("状态", lambda o: o.get_status_display()),
        ("方案", lambda o: o.task.plan.title),
        ("序号", lambda o: o.task.number),
        ("任务", lambda o: o.task.title or o.task.text),
        ("督办单位", lambda o: "、".join(u.name for u in o.units.all())),
        ("督办事项", lambda o: o.text),
        ("签发时间", lambda o: shown_date(o.issued_at)),
        ("回复期限", lambda o: shown_date(o.reply_deadline)),
        ("逾期", lambda o: "是" if o.status == OrderStatus.OPEN and o.reply_deadline < day else ""),
        ("回复", lambda o: o.reply_text),
        ("办结时间", lambda o: shown_date(o.closed_at)),
    )


def _order_table(orders: Iterable[SupervisionOrder], day: dt.date, title: str) -> Table:
    return column_table(
        title, _order_columns(day), orders, facts=f"导出日期：{day.isoformat()}", sheet="督办单"
    )


@login_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    flt = OrderFilter.from_params(request.GET)
    orders = (
        flt.apply(visible_orders(user))
        .select_related("task__plan")
        .prefetch_related("units")
        .order_by("-year", "-seq")
    )
    day = today()
    if wants_xlsx(request):
        return xlsx_download(
            _order_table(orders, day, "督办单" + ("（筛选）" if not flt.is_empty() else "")),
            "督办单",
            "orders",
        )
    shown = list(orders[:LIST_LIMIT])
    return render_page(
        request,
        "tracking/orders.html",
        {
            "orders": [(o, o.status == OrderStatus.OPEN and o.reply_deadline < day) for o in shown],
            "total": orders.count() if len(shown) == LIST_LIMIT else len(shown),
            "limit": LIST_LIMIT,
            "flt": flt,
            "levels": OrderLevel.choices,
            "statuses": OrderStatus.choices,
            "plans": list(
                visible_plans(user).filter(is_current=True).order_by("title").values_list("pk", "title")
            ),
            "export_url": export_url(request),
        },
    )


def _order_page(
    request: HttpRequest,
    order: SupervisionOrder,
    *,
    reply_form: OrderReplyForm | None = None,
    close_form: OrderCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    open_ = order.status == OrderStatus.OPEN
    manager = can_manage_order(user, order)
    escalations = [
        {
            "at": e.get("at", "")[:16].replace("T", " "),
            "from": LEVEL_NAMES.get(e.get("from"), ""),
            "to": LEVEL_NAMES.get(e.get("to"), ""),
            "deadline": e.get("deadline", ""),
        }
        for e in order.escalations
    ]
    return render_page(
        request,
        "tracking/order.html",
        {
            "order": order,
            "task": order.task,
            "plan": order.task.plan,
            "units": list(order.units.all()),
            "overdue": open_ and order.reply_deadline < today(),
            "escalations": escalations,
            "reply_form": (reply_form or OrderReplyForm())
            if open_ and can_reply_order(user, order)
            else None,
            "close_form": (close_form or OrderCloseForm())
            if manager and order.status != OrderStatus.CLOSED
            else None,
            "can_escalate": manager and open_ and order.level != OrderLevel.RED,
        },
        status=status,
    )


@login_required
@require_safe
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_page(request, access_order(signed_in(request), order_id))


def _order_write(
    request: HttpRequest, order_id: int, allowed: Callable[[User, SupervisionOrder], bool]
) -> tuple[User, SupervisionOrder]:
    user = signed_in(request)
    order = access_order(user, order_id)
    if not allowed(user, order):
        raise Http404("督办单不存在或无权访问")
    return user, order


@login_required
@require_POST
def order_reply(request: HttpRequest, order_id: int) -> HttpResponse:
    user, order = _order_write(request, order_id, can_reply_order)
    form = OrderReplyForm(request.POST)
    if form.is_valid():
        try:
            do_reply_order(order, form.cleaned_data["text"], acting_user=user)
        except TrackingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已回复督办单 {order.serial}")
            return redirect("tracking:order", order.pk)
    return _order_page(request, order, reply_form=form, status=400)


@login_required
@require_POST
def order_close(request: HttpRequest, order_id: int) -> HttpResponse:
    user, order = _order_write(request, order_id, can_manage_order)
    form = OrderCloseForm(request.POST)
    if form.is_valid():
        try:
            do_close_order(order, comment=form.cleaned_data["comment"], acting_user=user)
        except TrackingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"督办单 {order.serial} 已办结")
            return redirect("tracking:order", order.pk)
    return _order_page(request, order, close_form=form, status=400)


@login_required
@require_POST
def order_escalate(request: HttpRequest, order_id: int) -> HttpResponse:
    user, order = _order_write(request, order_id, can_manage_order)
    try:
        order = do_escalate_order(order, acting_user=user)
    except TrackingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"督办单 {order.serial} 已升级为{order.get_level_display()}督办")
    return redirect("tracking:order", order.pk)


@login_or_token_required
@require_safe
def order_docx(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access_order(signed_in(request), order_id)
    name = order_docx_filename(order).removesuffix(".docx")
    return download(render_order_docx(order), name=name, fallback=f"order-{order.pk}", fmt="docx")
