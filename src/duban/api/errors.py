"""Every error of the API in one shape, in Chinese: {"detail": "…"}; for a parameter or field
the declared types refuse also {"errors": [{"in": …, "field": …, "message": …, "type": …}]}: 400
for a query parameter (a filter, as the pages answer it), 422 for the body or a form field, 404
for a path id that is no id.

Two places make errors. Inside the API, django-ninja calls the handlers `install` registers
(validation, HTTP errors, anything unexpected). Outside it, Django answers paths under /api/ that
no route matches (404), methods a route does not take (405, from ninja as plain text) and what
escapes every handler (500): `JsonErrorsMiddleware` turns those answers into the same JSON.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from duban.params import BadParameter

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

# pydantic's error types → what the field expects ({…} from the error's ctx).
EXPECTED = {
    "missing": "必须填写",
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
    "string_too_long": "最多 {max_length} 个字符",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
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
}
OTHER = "取值不正确"

# pydantic tries each member of a union (`int | str | None`) and reports each that failed, its
# name as the last step of the location: not the client's field.
_UNION_MEMBER = re.compile(r"^(int|str|float|bool|none|constrained-\w+|[\w-]+\[.*\])$")
# Errors that only say the value was of another member's type.
_WRONG_TYPE = {"int_type", "int_parsing", "string_type", "none_required", "float_type", "bool_type"}


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One Chinese sentence per field (`validation_error`): of a union's members, the error of the
    member whose type the value had (a too long text, not "should be an integer")."""
    by_field: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for error in errors:
        loc = tuple(str(part) for part in error.get("loc", ()))
        if len(loc) > 2 and _UNION_MEMBER.match(loc[-1]):
            error, loc = {**error, "loc": loc[:-1]}, loc[:-1]
        by_field.setdefault(loc, []).append(error)
    out = []
    for found in by_field.values():
        telling = [e for e in found if e.get("type") not in _WRONG_TYPE] or found
        out.append(validation_error(telling[0]))
    return out


def validation_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """{"in": "query" | "path" | "body" | "form" | "header", "field": dotted name, "message":
    Chinese sentence, "type": pydantic's kind of error}."""
    loc = [str(part) for part in error.get("loc", ())]
    where = loc[0] if loc else ""
    # ninja nests a body's fields under the parameter's own name ("body"): not the client's word.
    names = [p for p in loc[1:] if p not in ("body", "filters", "search")] or loc[1:]
    field = ".".join(names) or where
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error" and ctx.get("error"):
        # Our own validators raise ValueError with a Chinese message; pydantic prefixes it.
        expected = str(ctx["error"])
    else:
        try:
            expected = EXPECTED.get(kind, OTHER).format(**{k: _plain(v) for k, v in ctx.items()})
        except (KeyError, IndexError):
            expected = EXPECTED.get(kind, OTHER)
    return {"in": where, "field": field, "message": f"字段 {field} {expected}", "type": kind}


def _plain(value: Any) -> str:
    # pydantic's ctx writes choices as "'a', 'b' or 'c'"; a Chinese reader gets a、b、c.
    text = str(value).replace("'", "")
    return text.replace(" or ", "、").replace(", ", "、")


class FormInvalid(Exception):
    """A route's input refused by the page's own form: the same checks, the same words."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__("表单不合格")
        self.form = form


def form_errors(form: forms.BaseForm) -> list[dict[str, Any]]:
    return [
        {"in": "form", "field": name, "message": "；".join(map(str, messages)), "type": "form"}
        for name, messages in form.errors.items()
    ]


def _field_errors(
    api: NinjaAPI, request: HttpRequest, errors: list[dict[str, Any]], status: int = 422
) -> HttpResponse:
    detail = "；".join(e["message"] for e in errors[:5]) or "请求参数不正确"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


def install(api: NinjaAPI) -> None:
    """The handlers of errors raised inside the API's routes (besides those of web.api)."""

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        """A value the route's declared types refuse. A path id that is no id is a missing object
        (404, as a page answers it); a query parameter is a 400 (a filter, as on the pages) and a
        body or form field a 422, each with a Chinese sentence per field."""
        errors = validation_errors(exc.errors)
        where = {e["in"] for e in errors}
        if "path" in where:
            return api.create_response(request, {"detail": "不存在或无权访问"}, status=404)
        return _field_errors(api, request, errors, 400 if where == {"query"} else 422)

    @api.exception_handler(BadParameter)
    def bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
        # A filter read through duban.params, as on the HTML pages: 400 naming the parameter.
        errors = [{"in": "query", "field": exc.name, "message": exc.message, "type": "parameter"}]
        body = {"detail": exc.message, "param": exc.name, "errors": errors}
        return api.create_response(request, body, status=400)

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
                "required": ["in", "field", "message"],
                "properties": {
                    "in": {"type": "string", "description": "query / body / form / header"},
                    "field": {"type": "string", "description": "出错的参数，如 limit、units.区司法局"},
                    "message": {"type": "string", "description": "中文说明"},
                    "type": {"type": "string", "description": "错误类别"},
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
    """Every operation answers 401 to a caller not signed in, 400 when a query parameter is not
    what it declares and 422 when the body is not; the schema says so, with their shapes."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_OBJECT_SCHEMA)
    components["FieldErrors"] = FIELD_ERRORS_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            add_response(responses, 401, {"description": "未登录或令牌无效", "content": _json(ERROR_SCHEMA)})
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                add_response(
                    responses,
                    400,
                    {
                        "description": "查询参数不正确（逐项中文说明）",
                        "content": _json({"$ref": "#/components/schemas/FieldErrors"}),
                    },
                )
            if operation.get("parameters") or operation.get("requestBody"):
                add_response(
                    responses,
                    422,
                    {
                        "description": "参数不正确（逐项中文说明）",
                        "content": _json({"$ref": "#/components/schemas/FieldErrors"}),
                    },
                )
    return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def add_response(responses: dict[Any, Any], status: int, answer: dict[str, Any]) -> None:
    """Add `status` unless the route declares it already: ninja keys its own by int, so a str key
    beside an int one would print the same key twice in the JSON (Swagger UI refuses that)."""
    if status not in responses and str(status) not in responses:
        responses[status] = answer
