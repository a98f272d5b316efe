"""Idempotent writes: a POST to /api/ with an `Idempotency-Key` header is answered once; the same
caller sending the same key again within KEEP gets the first answer again (status and body, with
`Idempotent-Replayed: true`), and nothing is done twice. The same key on another request is a 422;
while the first is still being answered, a 409. Server errors are not kept: a retry runs again.

A middleware, not a decorator on the routes: it sees the final JSON answer and the caller as the
request arrived (its bearer token or its session), before any route runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from duban.api.errors import add_response
from duban.api.models import IdempotentRequest
from duban.clock import now

HEADER = "Idempotency-Key"
KEEP = dt.timedelta(hours=24)
MAX_KEY = 200


def _refuse(status: int, detail: str) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if status == 422:  # the API's 422 names the field at fault
        field = {"in": "header", "field": HEADER, "message": detail, "type": "idempotency"}
        body["errors"] = [field]
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _caller(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None  # not signed in: the API answers 401, nothing to keep


def _fingerprint(request: HttpRequest) -> str:
    # The body is not read here (an upload may be large): its length and type stand for it.
    facts = "\n".join(
        (
            request.method or "",
            request.path,
            request.headers.get("Content-Length", ""),
            request.content_type or "",
        )
    )
    return hashlib.sha256(facts.encode()).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path_info.startswith("/api/"):
            return self.get_response(request)
        caller = _caller(request)
        if caller is None:
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY:
            return _refuse(422, f"{HEADER} 应为 1–{MAX_KEY} 个字符")
        claimed = self._claim(request, caller, key)
        if isinstance(claimed, HttpResponse):
            return claimed
        try:
            response = self.get_response(request)
        except BaseException:
            claimed.delete()
            raise
        self._keep(claimed, response)
        return response

    def _claim(self, request: HttpRequest, caller: str, key: str) -> IdempotentRequest | HttpResponse:
        """This request's row, made now; or the answer to give when the key was used already."""
        IdempotentRequest.objects.filter(created_at__lt=now() - KEEP).delete()
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(
                    caller=caller,
                    key=key,
                    method=request.method or "",
                    path=request.path,
                    fingerprint=fingerprint,
                    created_at=now(),
                )
        except IntegrityError:
            pass
        first = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if first is None:  # answered with a server error and let go meanwhile: try once more
            return self._claim(request, caller, key)
        if first.fingerprint != fingerprint:
            return _refuse(
                422, f"{HEADER}“{key}”已用于另一个请求（{first.method} {first.path}）：请换一个新的键"
            )
        if first.status is None:
            return _refuse(409, f"使用 {HEADER}“{key}”的请求正在处理，请稍后再试")
        replay = HttpResponse(bytes(first.body), status=first.status, content_type=first.content_type)
        replay["Idempotent-Replayed"] = "true"
        return replay

    @staticmethod
    def _keep(claimed: IdempotentRequest, response: HttpResponse) -> None:
        if response.status_code >= 500 or response.streaming:
            claimed.delete()  # not an answer to keep: a retry runs again
            return
        claimed.status = response.status_code
        claimed.content_type = response.get("Content-Type", "")
        claimed.body = response.content
        claimed.save(update_fields=["status", "content_type", "body"])


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Every POST of the API takes the header, and may answer 409 while its first use runs."""
    for operations in schema.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        if any(p.get("name") == HEADER for p in post.get("parameters", [])):
            continue  # documented already (the schema object is built once and kept)
        post.setdefault("parameters", []).append(
            {
                "in": "header",
                "name": HEADER,
                "required": False,
                "description": "幂等键：重试时带同一个键，返回第一次的结果而不重复创建（保留 24 小时）",
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY, "pattern": r"^\S(.*\S)?$"},
            }
        )
        add_response(
            post.setdefault("responses", {}),
            409,
            {
                "description": "状态冲突，或同一幂等键的请求正在处理",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )
    return schema
