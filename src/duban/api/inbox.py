"""The caller's inbox and API tokens through the API: the messages of the 「消息」 page, marked
read as there; one's own tokens listed and revoked. A token is made on the tokens page (or
here from a signed-in browser): a token may not make another, so a leaked one cannot outlive
itself."""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from duban.api.auth import caller
from duban.api.schemas import DbId, Error, Page
from duban.notifications.access import inbox
from duban.notifications.actions import do_mark_read
from duban.notifications.models import Notification
from duban.tokens.access import access_token, visible_tokens
from duban.tokens.actions import TokenError, do_create_token, do_revoke_token
from duban.tokens.models import DEFAULT_LIFETIME, MAX_LIFETIME, ApiToken

router = Router(tags=["消息与令牌"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    text: str
    link: str = Field(description="相关页面（站内路径）")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        return obj.get_kind_display()


class ReadIn(Schema):
    ids: list[DbId] = Field(max_length=500, description="要标为已读的消息编号")


class ReadOut(Schema):
    marked: int = Field(description="这次标为已读的条数")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    read_only: bool
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool = Field(alias="is_active")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="用途，例如“统计报表脚本”")
    days: int = Field(DEFAULT_LIFETIME, ge=1, le=MAX_LIFETIME, description="有效天数")
    read_only: bool = False


class NewTokenOut(Schema):
    token: TokenOut
    raw: str = Field(description="令牌本身：只在此时返回一次，请立即保存")


@router.get(
    "/inbox", response=list[NotificationOut], summary="我的消息", description="unread=true 时只列未读。"
)
@paginate(Page)
def list_inbox(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    messages = inbox(caller(request))
    if unread:
        messages = messages.filter(read_at__isnull=True)
    return messages.order_by("-created_at", "-id")


@router.post(
    "/inbox/read", response=ReadOut, summary="标为已读", description="只作用于自己的消息；别人的编号被忽略。"
)
def mark_read(request: HttpRequest, body: ReadIn) -> ReadOut:
    return ReadOut(marked=do_mark_read(body.ids, acting_user=caller(request)))


@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌")
@paginate(Page)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return visible_tokens(caller(request))


@router.post(
    "/tokens",
    response={201: NewTokenOut, 400: Error, 403: Error},
    summary="创建 API 令牌（仅限浏览器登录）",
    description="用令牌调用时返回 403：令牌不能再创建令牌。",
)
def create_token(request: HttpRequest, body: TokenIn) -> Status[dict[str, Any]]:
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        raise HttpError(403, "令牌不能再创建令牌：请登录后在「API 令牌」页面或以登录会话创建")
    try:
        token, raw = do_create_token(
            body.name, days=body.days, read_only=body.read_only, acting_user=caller(request)
        )
    except TokenError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, {"token": token, "raw": raw})


@router.post(
    "/tokens/{token_id}/revoke", response={200: TokenOut, 400: Error, 404: Error}, summary="吊销 API 令牌"
)
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    user = caller(request)
    token = access_token(user, token_id)
    try:
        return do_revoke_token(token, acting_user=user)
    except TokenError as exc:
        raise HttpError(400, str(exc)) from exc
