"""Every error of the API in one shape, in Chinese: {"detail": "…"}, and for 422 also
{"errors": [{"loc": [...], "field": "…", "msg": "…", "type": "…"}]}.

Two places make errors. Inside the API, django-ninja calls the handlers `install` registers
(validation, HTTP errors, anything unexpected). Outside it, Django answers paths under /api/ that
no route matches (404), methods a route does not take (405, from ninja as plain text) and what
escapes every handler (500): `JsonErrorsMiddleware` turns those answers into the same JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

logger = logging.getLogger("duban.api")

API_PREFIX = "/api/"
SERVER_ERROR = "服务器内部错误，已记录；请稍后再试，或联系系统管理员"
BY_STATUS = {
    400: "请求不正确",
    401: "未登录：请登录，或在请求头中带上 API 令牌",
    403: "无权进行此操作",
    404: "接口不存在：请对照 /api/docs 中的接口列表",
    405: "该接口不支持此请求方法",
    413: "请求过大",
    500: SERVER_ERROR,
}
# ninja's own messages, as a caller meets them.
ENGLISH = {
    "Cannot parse request body": "请求体无法解析：应为 JSON（或上传文件时的表单）",
    "Method not allowed": BY_STATUS[405],
}

# pydantic's error types → what a Chinese caller is told; {name} is filled from the error's ctx.
MESSAGES = {
    "missing": "缺少此项",
    "extra_forbidden": "不认识此项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "too_short": "至少 {min_length} 项",
    "too_long": "不能超过 {max_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为时间（ISO 8601，如 2026-03-31T09:00:00+08:00）",
    "datetime_from_date_parsing": "应为时间（ISO 8601，如 2026-03-31T09:00:00+08:00）",
    "datetime_type": "应为时间（ISO 8601）",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "json_invalid": "不是合法的 JSON",
    "json_type": "应为 JSON",
    "dict_type": "应为对象（JSON 对象）",
    "model_type": "应为对象（JSON 对象）",
    "model_attributes_type": "应为对象（JSON 对象）",
    "list_type": "应为列表",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "url_parsing": "应为网址",
}
OTHER = "取值不正确"


def chinese_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """One pydantic error (as ninja reports it) in Chinese, with the field's dotted name."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error" and ctx.get("error"):
        # Our own validators raise ValueError with a Chinese message; pydantic prefixes it.
        message = str(ctx["error"])
    else:
        try:
            message = MESSAGES.get(kind, OTHER).format(**{k: _plain(v) for k, v in ctx.items()})
        except (KeyError, IndexError):
            message = MESSAGES.get(kind, OTHER)
    loc = [str(part) for part in error.get("loc", ())]
    return {"loc": loc, "field": ".".join(loc), "msg": message, "type": kind}


def _plain(value: Any) -> str:
    # pydantic's ctx writes choices as "'a', 'b' or 'c'"; a Chinese reader gets a、b、c.
    text = str(value).replace("'", "")
    return text.replace(" or ", "、").replace(", ", "、")


def chinese_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [chinese_error(e) for e in errors]


class FormInvalid(Exception):
    """A route's input refused by the page's own form: the same checks, the same words."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__("表单不合格")
        self.form = form


def form_errors(form: forms.BaseForm) -> list[dict[str, Any]]:
    return [
        {"loc": ["form", name], "field": f"form.{name}", "msg": "；".join(map(str, messages)), "type": "form"}
        for name, messages in form.errors.items()
    ]


def _field_errors(api: NinjaAPI, request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    fields = "；".join(f"{e['field']}：{e['msg']}" for e in errors[:5])
    detail = f"请求参数不正确：{fields}" if fields else "请求参数不正确"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def install(api: NinjaAPI) -> None:
    """The handlers of errors raised inside the API's routes (besides those of web.api)."""

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _field_errors(api, request, chinese_errors(exc.errors))

    @api.exception_handler(FormInvalid)
    def form_invalid(request: HttpRequest, exc: FormInvalid) -> HttpResponse:
        return _field_errors(api, request, form_errors(exc.form))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc.message)
        for english, chinese in ENGLISH.items():
            if message.startswith(english):
                message = chinese
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback for the administrator; the caller gets no internals.
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(request, {"detail": SERVER_ERROR}, status=500)


class JsonErrorsMiddleware:
    """Error answers to /api/ paths that did not come from the API's handlers become JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return self.as_json(response)

    @staticmethod
    def as_json(response: HttpResponse) -> HttpResponse:
        status = response.status_code
        detail = BY_STATUS.get(status) or ("请求不正确" if status < 500 else SERVER_ERROR)
        body = JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                body[header] = response[header]
        return body


# The answers every operation may give besides its own, as the OpenAPI schema states them.
ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "title": "FieldErrors",
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string", "title": "说明"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "field", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "field": {"type": "string", "description": "出错的参数，如 query.limit、body.units"},
                    "msg": {"type": "string", "description": "中文说明"},
                    "type": {"type": "string", "description": "错误类别（pydantic 的类别名）"},
                },
            },
        },
    },
}
ERROR_OBJECT_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string", "title": "Detail"}},
}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation answers 401 to a caller not signed in, and 422 when a parameter or the
    body is not what it declares; the schema says so, with their shapes."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_OBJECT_SCHEMA)
    components["FieldErrors"] = FIELD_ERRORS_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", {"description": "未登录或令牌无效", "content": _json(ERROR_SCHEMA)})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(
                    "422",
                    {
                        "description": "参数不正确（逐项中文说明）",
                        "content": _json({"$ref": "#/components/schemas/FieldErrors"}),
                    },
                )
    return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}
