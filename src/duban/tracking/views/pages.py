"""What every tracking page shares: rendering with the navigation's figures, the ?format=xlsx
export of a list page, and dates as the pages and their exports print them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from duban.accounts.requests import signed_in
from duban.downloads import download
from duban.notifications.context import unread_badge
from duban.office.xlsx import Cell, Table, table_to_xlsx
from duban.params import choice_param
from duban.tracking.lights import Color
from duban.tracking.models import OrderLevel

COLOR_NAMES = dict(Color.choices)
LEVEL_NAMES = dict(OrderLevel.choices)
LIST_LIMIT = 500  # rows a list page shows; its Excel export holds them all

T = TypeVar("T")
# An exported list's columns: each a heading and how to read its cell from one row's object.
Columns = Sequence[tuple[str, Callable[[T], Cell]]]


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    # Given here as well as by the context processor, so that a tracking page asks for the count
    # exactly once whether or not the processor is installed.
    context.setdefault("inbox_unread", unread_badge(request))
    context.setdefault("nav_admin", user.is_admin)
    return render(request, template, context, status=status)


def wants_xlsx(request: HttpRequest) -> bool:
    # Any other value is a 400 (duban.params): a mistyped format must not show the page instead.
    return choice_param(request.GET, "format", "导出格式", ("xlsx",)) == "xlsx"


def column_table(title: str, columns: Columns[T], items: Iterable[T], *, facts: str, sheet: str) -> Table:
    rows = [tuple(cell(item) for _, cell in columns) for item in items]
    return Table(title, tuple(heading for heading, _ in columns), rows, facts=facts, sheet=sheet)


def xlsx_download(table: Table, name: str, fallback: str) -> HttpResponse:
    return download(table_to_xlsx(table), name=name, fallback=fallback, fmt="xlsx")


def export_url(request: HttpRequest) -> str:
    params = request.GET.copy()
    params["format"] = "xlsx"
    return f"?{params.urlencode()}"


def shown_date(d: dt.date | dt.datetime | None) -> str:
    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        return timezone.localtime(d).strftime("%Y-%m-%d %H:%M")
    return d.isoformat()
