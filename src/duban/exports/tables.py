"""Plain lists (plans, units, the workload matrix) as Excel and CSV, and the download response.

The Excel sheet is written by the same writer as the responsibility table
(duban.extract.export), so every workbook duban hands out looks and prints alike.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from duban.extract.export import Cell, SheetWriter

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


@dataclass(frozen=True)
class Table:
    title: str
    headings: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    facts: str = ""
    sheet: str = "Sheet1"


def table_to_xlsx(table: Table) -> bytes:
    return workbook([table])


def workbook(tables: Sequence[Table]) -> bytes:
    """Tables, one sheet each, written like every other workbook duban hands out. SheetWriter
    keeps text that starts with "=" as text, never a formula for Excel to run."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    used: set[str] = set()
    for table in tables:
        name = re.sub(r"[\[\]:*?/\\]", "", table.sheet)[:31] or "Sheet1"
        while name in used:
            name = name[:28] + f"{len(used)}"
        used.add(name)
        sheet = SheetWriter(wb.create_sheet(name))
        sheet.title(table.title, table.facts, width=len(table.headings))
        sheet.header(table.headings)
        for row in table.rows:
            sheet.row(row)
        sheet.finish()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_to_csv(table: Table) -> str:
    """UTF-8 with a BOM first, like the plan CSV, so Excel opens it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headings)
    writer.writerows(["" if c is None else c for c in row] for row in table.rows)
    return "\ufeff" + out.getvalue()


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
