"""pydantic's validation errors as Chinese sentences that name the field and what it takes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# pydantic's error types → what the field expects ({…} from the error's ctx).
_EXPECTED = {
    "missing": "必须填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "string_type": "应为文字",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "too_long": "最多 {max_length} 项",
}


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
    """{"in": "query" | "path" | "body" | …, "field": dotted name, "message": Chinese sentence}."""
    loc = [str(part) for part in error.get("loc", ())]
    where = loc[0] if loc else ""
    # ninja nests a body's fields under the parameter's own name ("body"): not the client's word.
    names = [p for p in loc[1:] if p not in ("body", "filters", "search")] or loc[1:]
    field = ".".join(names) or where
    template = _EXPECTED.get(str(error.get("type", "")))
    try:
        expected = template.format(**(error.get("ctx") or {})) if template else str(error.get("msg", ""))
    except (KeyError, IndexError):
        expected = str(error.get("msg", ""))
    return {"in": where, "field": field, "message": f"字段 {field} {expected}"}
