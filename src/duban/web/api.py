"""The REST API under /api/ (django-ninja), with OpenAPI docs served from the package.

Routes live in duban.api.<resource>; this module assembles them, sets who may call (session or
bearer token, see duban.api.auth) and answers errors in Chinese as {"detail": "…"} (duban.api.errors).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.renderers import JSONRenderer

from duban.api import docs, errors, idempotency, imports, inbox, me, orders, plans, reports, units
from duban.api.auth import AUTH


class ChineseJSONRenderer(JSONRenderer):
    # Chinese as characters, not \uXXXX escapes: readable in a terminal and half the size.
    json_dumps_params = {"ensure_ascii": False}


class DubanAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return idempotency.document(errors.document(super().get_openapi_schema(**kwargs)))


api = DubanAPI(
    title="督办 API",
    version="1",
    description=(
        "以登录会话（修改类请求需带 X-CSRFToken）或 `Authorization: Bearer <令牌>` 调用；"
        "令牌在「API 令牌」页面（/tokens/）创建。列表用 limit / offset 分页（limit 最大 500），"
        '返回 {"items": [...], "count": 总数}。不存在和无权查看一律返回 404。'
    ),
    urls_namespace="api",
    auth=AUTH,
    docs=docs.LocalSwagger(),
    renderer=ChineseJSONRenderer(),
)
api.add_router("", plans.router)
api.add_router("", units.router)
api.add_router("", imports.router)
api.add_router("", reports.router)
api.add_router("", orders.router)
api.add_router("", inbox.router)
api.add_router("", me.router)
api.add_router("", docs.router)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else "未登录：请登录，或在请求头中带上 API 令牌"
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="duban"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The access helpers' messages are already Chinese and never tell "missing" from "forbidden".
    return api.create_response(request, {"detail": str(exc) or "不存在或无权访问"}, status=404)


errors.install(api)
