"""Values read from a query string (HTML pages and the API alike): ids, choices, dates, flags.

A number in a URL is typed by a person or a script and is hostile by default: "-1", "1e3",
"99999999999999999999" (beyond a 64-bit integer, which SQLite and PostgreSQL refuse with an
OverflowError deep inside a query), or a digit that is not ASCII ("³".isdigit() is true but
int("³") fails; "٣" is an Arabic-Indic three that int() accepts). Every filter is read here, so
one rule holds everywhere: a value that is not what the parameter takes is refused with a 400
and a Chinese message naming the parameter and what it expects (never silently ignored, which
would show an unfiltered list as if it were the filtered one); an empty value means "no filter".
Path ids are the URL converters' (ASCII digits only) and a missing object is the access helpers'
404 (Django answers a lookup beyond the column's range with no rows).

duban.web.errors turns a BadParameter into the 400 page; duban.web.api into the API's JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping

# The largest id either database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1

_ASCII_DIGITS = re.compile(r"[0-9]+")


class BadParameter(ValueError):
    """A query parameter whose value the page cannot use; the message is shown to the user."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def as_id(raw: str) -> int | None:
    """`raw` as a database id (1 … MAX_ID, ASCII digits only), or None if it is none."""
    if not _ASCII_DIGITS.fullmatch(raw) or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def _raw(params: Mapping[str, str], name: str) -> str:
    return (params.get(name) or "").strip()


def id_param(params: Mapping[str, str], name: str, label: str) -> int | None:
    """An optional id: None when absent or empty; BadParameter when it is no id."""
    raw = _raw(params, name)
    if not raw:
        return None
    value = as_id(raw)
    if value is None:
        raise BadParameter(
            name, f"参数 {name}（{label}）应为 1 到 {MAX_ID} 之间的整数编号，而不是“{raw[:40]}”"
        )
    return value


def choice_param(params: Mapping[str, str], name: str, label: str, choices: Collection[str]) -> str:
    """An optional choice among `choices`: "" when absent or empty."""
    raw = _raw(params, name)
    if raw and raw not in choices:
        allowed = "、".join(sorted(choices))
        raise BadParameter(name, f"参数 {name}（{label}）应为 {allowed} 之一，而不是“{raw[:40]}”")
    return raw


def date_param(params: Mapping[str, str], name: str, label: str) -> dt.date | None:
    """An optional date written YYYY-MM-DD."""
    raw = _raw(params, name)
    if not raw:
        return None
    try:
        if not raw.isascii():
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(
            name, f"参数 {name}（{label}）应为日期，写作 YYYY-MM-DD，而不是“{raw[:40]}”"
        ) from None


def flag_param(params: Mapping[str, str], name: str, label: str) -> bool | None:
    """An optional yes/no written 1 or 0."""
    raw = choice_param(params, name, label, ("1", "0"))
    return None if not raw else raw == "1"


def text_param(params: Mapping[str, str], name: str, label: str, max_length: int) -> str:
    """An optional search text, at most `max_length` characters."""
    raw = _raw(params, name)
    if len(raw) > max_length:
        raise BadParameter(name, f"参数 {name}（{label}）最多 {max_length} 个字符，现有 {len(raw)} 个")
    return raw
