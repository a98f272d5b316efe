"""The REST API under /api/ (django-ninja), with OpenAPI docs served from the package.

Routes live in duban.api.<resource>; this module assembles them, sets who may call (session or
bearer token, see duban.api.auth) and answers errors in Chinese as {"detail": "…"}.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from duban.api import docs, imports, plans, units
from duban.api.auth import AUTH
from duban.api.errors import validation_errors
from duban.params import BadParameter


class ChineseJSONRenderer(JSONRenderer):
    # Chinese as characters, not \uXXXX escapes: readable in a terminal and half the size.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
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
api.add_router("", docs.router)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else "未登录：请登录，或在请求头中带上 API 令牌"
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="duban"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The access helpers' messages are already Chinese and never tell "missing" from "forbidden".
    return api.create_response(request, {"detail": str(exc) or "不存在或无权访问"}, status=404)


@api.exception_handler(BadParameter)
def _bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
    # A filter read through duban.params, as on the HTML pages: 400 naming the parameter.
    return api.create_response(request, {"detail": exc.message, "param": exc.name}, status=400)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A value the route's declared types refuse. A path id that is no id is a missing object
    (404, as a page answers it); a query parameter is a 400 and a body field a 422, each with a
    Chinese sentence per field (`errors[].field`, `errors[].message`)."""
    errors = validation_errors(exc.errors)
    where = {e["in"] for e in errors}
    if "path" in where:
        return api.create_response(request, {"detail": "不存在或无权访问"}, status=404)
    status = 400 if where == {"query"} else 422
    detail = "；".join(e["message"] for e in errors) or "请求参数不正确"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)
