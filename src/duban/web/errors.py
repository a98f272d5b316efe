"""The site's error pages: Chinese, inside the site's layout (navigation included), for 400, 403,
404, 405 and 500.

Django answers 400/403/404/500 through the handlers named in urls.py; a 405 has no handler (the
method decorators return an empty HttpResponseNotAllowed), so NotAllowedPage fills an empty 405
with the same kind of page. The API keeps its own JSON answers: it is left alone.

A query parameter a page cannot use (duban.params.BadParameter) rises from whatever view read it;
BadParameterMiddleware answers it with the 400 page naming the parameter (the API answers the
same refusal as JSON: duban.api.errors).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from duban.params import BadParameter

log = logging.getLogger(__name__)

# (title, what the visitor reads) per status: what happened and what to do next, never why in
# technical terms (the reason may itself be information, e.g. which objects exist).
PAGES: dict[int, tuple[str, str]] = {
    400: ("请求有误", "提交的内容格式不正确，或页面已过期。请返回上一页，刷新后重试。"),
    403: ("无权操作", "您没有权限执行此操作；如页面停留过久，请刷新后重试。"),
    404: ("页面不存在", "您访问的页面不存在，或您无权查看。请检查地址，或从上方导航进入。"),
    405: ("不支持此操作方式", "此地址不能这样访问：请使用页面上的按钮提交。"),
    500: ("系统出错", "服务器处理请求时出错，已记录日志。请稍后重试；如仍出错，请联系系统管理员。"),
}
# The page shown when even the layout cannot be drawn (the database is down, say): no template,
# no context processors, nothing that can fail again.
BARE_500 = (
    '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>系统出错 · 督办</title></head>'
    "<body><h1>系统出错</h1><p>服务器处理请求时出错，已记录日志。请稍后重试；如仍出错，请联系系统管理员。</p>"
    '<p><a href="/">返回首页</a></p></body></html>'
)


def error_page(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    title, text = PAGES[status]
    html = render_to_string(
        "error.html", {"status": status, "title": title, "text": text, "detail": detail}, request=request
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, "表单已过期或来源无法验证：请返回上一页，刷新后重新提交。")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return error_page(request, 500)
    except Exception:  # the layout needs the database, the session …: whatever broke may break it again
        log.exception("the 500 page could not be drawn")
        return HttpResponseServerError(BARE_500)


class NotAllowedPage:
    """Middleware: an empty 405 (a page that takes only POST, opened by its address) becomes the
    site's page, naming the methods allowed; the API's answers pass unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        allowed = response.get("Allow", "")
        page = error_page(request, 405)
        if allowed:
            page["Allow"] = allowed
        return page


class BadParameterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BadParameter):
            return None
        return render(
            request,
            "bad_request.html",
            {"message": exception.message, "name": exception.name},
            status=400,
        )
