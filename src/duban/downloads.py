"""Lists as CSV, and the download response every export goes out in (shared by every app, below them).

The Excel copy of a list is written by duban.office.xlsx (`Table`, `table_to_xlsx`, `workbook`),
the writer of every workbook duban hands out.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from duban.extract.csv_text import csv_text
from duban.office.xlsx import Table

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def table_to_csv(table: Table) -> str:
    """The plan CSV's writer (duban.extract.csv_text): a BOM first, formulas quoted as text."""
    return csv_text(table.headings, table.rows)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def file_name(stem: str, fmt: str) -> str:
    """A file name Windows and phones accept: no path or reserved characters, not too long."""
    stem = re.sub(r"\s+", " ", _UNSAFE.sub("", stem)).strip(" .") or "导出"
    return f"{stem[:60]}.{fmt}"


def content_disposition(name: str, fallback: str) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name; `fallback` (ASCII) for clients that predate it."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(data: bytes | str, *, name: str, fallback: str, fmt: str) -> HttpResponse:
    body = data.encode("utf-8") if isinstance(data, str) else data
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(file_name(name, fmt), f"{fallback}.{fmt}")
    # Exports hold the office's lists: keep them out of shared and browser caches.
    patch_cache_control(response, private=True, no_store=True)
    return response
