"""Supervision orders (督办单) through the API: listed and read as on the orders page, issued on a
task by its plan's office, replied by the units it names, closed and escalated by the office.
The .docx of an order is the page's own download (`/tracking/orders/{id}/docx/`), which takes a
bearer token too."""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from duban.accounts.models import User
from duban.api.auth import caller
from duban.api.schemas import DbId, Error, Page, UnitRef
from duban.plans.access import access_task, can_manage
from duban.tracking.access import access_order, can_manage_order, can_reply_order, visible_orders
from duban.tracking.actions.orders import do_close_order, do_escalate_order, do_issue_order, do_reply_order
from duban.tracking.models import SupervisionOrder
from duban.tracking.queries.orders import OrderFilter
from duban.tracking.transitions import TrackingError

router = Router(tags=["督办单"])
NOT_FOUND = "督办单不存在或无权访问"


class OrderOut(Schema):
    id: int
    serial: str = Field(description="编号，如 督〔2025〕3号")
    task_id: int
    level: str = Field(description="blue / yellow / red（蓝、黄、红色督办）")
    level_label: str
    status: str
    status_label: str
    text: str = Field(description="督办事项")
    units: list[UnitRef]
    reply_deadline: dt.date
    issued_at: dt.datetime
    reply_text: str
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_comment: str
    escalations: list[dict[str, Any]] = Field(description="升级记录：时间、原级别、新级别、新期限")
    docx_url: str = Field(description="督办通知单（Word）的下载地址，可带同一令牌下载")

    @staticmethod
    def resolve_level_label(obj: SupervisionOrder) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_status_label(obj: SupervisionOrder) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_units(obj: SupervisionOrder) -> list[Any]:
        return list(obj.units.all())

    @staticmethod
    def resolve_docx_url(obj: SupervisionOrder) -> str:
        return reverse("tracking:order_docx", args=[obj.pk])


class OrderListParams(Schema):
    """The orders page's filters (duban.tracking.queries.OrderFilter)."""

    status: str | None = Field(None, description="open / replied / closed")
    level: str | None = Field(None, description="blue / yellow / red")
    plan: DbId | None = Field(None, description="方案编号")
    q: str | None = Field(None, max_length=100, description="在编号、督办事项和任务中查找")


class IssueIn(Schema):
    units: list[DbId] = Field(min_length=1, description="督办单位的编号（须为该任务的责任单位）")
    text: str = Field(min_length=1, max_length=2000, description="督办事项")
    reply_deadline: dt.date = Field(description="回复期限")
    level: str = Field("blue", description="blue / yellow / red")


class ReplyIn(Schema):
    text: str = Field(min_length=1, max_length=5000, description="办理情况")


class CloseIn(Schema):
    comment: str = Field("", max_length=2000, description="办结意见")


def _writable(request: HttpRequest, order_id: int, allowed: Callable[[User, SupervisionOrder], bool]) -> Any:
    user = caller(request)
    order = access_order(user, order_id)
    if not allowed(user, order):
        raise Http404(NOT_FOUND)
    return user, order


def _done(write: Callable[[], SupervisionOrder]) -> SupervisionOrder:
    try:
        return write()
    except TrackingError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get(
    "/orders", response=list[OrderOut], summary="督办单", description="与督办单页面相同的范围和筛选。"
)
@paginate(Page)
def list_orders(request: HttpRequest, filters: Query[OrderListParams]) -> QuerySet[SupervisionOrder]:
    flt = OrderFilter.from_params(request.GET)
    return flt.apply(visible_orders(caller(request))).prefetch_related("units").order_by("-year", "-seq")


@router.get("/orders/{order_id}", response={200: OrderOut, 404: Error}, summary="一张督办单")
def get_order(request: HttpRequest, order_id: int) -> SupervisionOrder:
    return access_order(caller(request), order_id)


@router.post(
    "/tasks/{task_id}/orders",
    response={201: OrderOut, 400: Error, 404: Error},
    summary="签发督办单",
    description="任务所属方案的管理员签发；督办单位须是该任务的责任单位。",
)
def issue_order(request: HttpRequest, task_id: int, body: IssueIn) -> Status[SupervisionOrder]:
    user = caller(request)
    task = access_task(user, task_id)
    if not can_manage(user, task.plan):
        raise Http404("任务不存在或无权访问")
    order = _done(
        lambda: do_issue_order(
            task, body.units, body.text, body.reply_deadline, level=body.level, acting_user=user
        )
    )
    return Status(201, order)


@router.post(
    "/orders/{order_id}/reply",
    response={200: OrderOut, 400: Error, 404: Error},
    summary="回复督办单",
    description="督办单位回复办理情况。",
)
def reply_order(request: HttpRequest, order_id: int, body: ReplyIn) -> SupervisionOrder:
    user, order = _writable(request, order_id, can_reply_order)
    return _done(lambda: do_reply_order(order, body.text, acting_user=user))


@router.post(
    "/orders/{order_id}/close", response={200: OrderOut, 400: Error, 404: Error}, summary="办结督办单"
)
def close_order(request: HttpRequest, order_id: int, body: CloseIn) -> SupervisionOrder:
    user, order = _writable(request, order_id, can_manage_order)
    return _done(lambda: do_close_order(order, comment=body.comment, acting_user=user))


@router.post(
    "/orders/{order_id}/escalate",
    response={200: OrderOut, 400: Error, 404: Error},
    summary="升级督办（蓝→黄→红）",
    description="期限随之重新计算，通知督办单位。",
)
def escalate_order(request: HttpRequest, order_id: int) -> SupervisionOrder:
    user, order = _writable(request, order_id, can_manage_order)
    return _done(lambda: do_escalate_order(order, acting_user=user))
