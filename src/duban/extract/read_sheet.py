"""Spreadsheets (.xlsx, .xlsm, .xls) and CSV → one Table per non-empty sheet.

Values are rendered as the clerk reads them on screen (18.0 → "18", a date → "2019-11-30",
0.95 formatted as a percentage → "95%"), merged ranges are repeated into every cell they cover,
and empty rows and columns around the data are trimmed; `cell_names` keep the real addresses
("基础表!B7") so that messages point at the cell the user sees.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import openpyxl
import xlrd
from openpyxl.utils import get_column_letter

from duban.extract.document import Document, Table
from duban.extract.errors import ExtractError, LimitError
from duban.extract.read_checks import DEFAULT_LIMITS, ENCRYPTED, ReadLimits, check_zip, reason
from duban.extract.read_decode import decode_text

_MAX_CELLS = 5_000_000
_PERCENT = re.compile(r'%(?=(?:[^"]*"[^"]*")*[^"]*$)')  # a % outside quoted literal text

Cells = dict[tuple[int, int], str]  # (row, column), both 1-based → text
Merge = tuple[int, int, int, int]  # first row, last row, first column, last column (1-based)


def read_xlsx(data: bytes, *, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    check_zip(data, filename=filename, folder="xl/", kind=".xlsx", limits=limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported and will be removed"
            # read_only=False: read-only worksheets do not know their merged ranges.
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:
        raise ExtractError(f"not a valid .xlsx file ({reason(exc)})", filename=filename) from exc
    tables: list[Table] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue  # helper sheets (lists behind drop-downs) the clerk never sees
        cells: Cells = {}
        # The stored cells only: iter_rows() would create every cell up to max_row, which a
        # single formatted cell at row 1048576 turns into a million rows.
        for (row, column), cell in sheet._cells.items():
            text = render(cell.value, cell.number_format)
            if text:
                cells[row, column] = text
        merges = [(m.min_row, m.max_row, m.min_col, m.max_col) for m in sheet.merged_cells.ranges]
        table = sheet_table(cells, merges, title=sheet.title, filename=filename)
        if table is not None:
            tables.append(table)
    return Document(name=filename, blocks=tuple(tables))


def read_xls(data: bytes, *, filename: str) -> Document:
    book = _open_xls(data, filename=filename)
    tables: list[Table] = []
    for sheet in book.sheets():
        if sheet.visibility != 0:
            continue
        cells: Cells = {}
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                text = _xls_text(book, sheet, r, c)
                if text:
                    cells[r + 1, c + 1] = text
        # xlrd's ranges are 0-based with exclusive ends.
        merges = [(rlo + 1, rhi, clo + 1, chi) for rlo, rhi, clo, chi in sheet.merged_cells]
        table = sheet_table(cells, merges, title=sheet.name, filename=filename)
        if table is not None:
            tables.append(table)
    return Document(name=filename, blocks=tuple(tables))


def read_csv(data: bytes, *, filename: str) -> Document:
    text = decode_text(data, filename=filename).removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ExtractError(f"not a valid CSV file ({reason(exc)})", filename=filename) from exc
    cells: Cells = {
        (r, c): value.strip()
        for r, row in enumerate(rows, start=1)
        for c, value in enumerate(row, start=1)
        if value.strip()
    }
    # A CSV opens in Excel on a sheet named after the file; "B7" is what the clerk sees.
    table = sheet_table(cells, [], title="", filename=filename)
    return Document(name=filename, blocks=() if table is None else (table,))


def sheet_table(cells: Cells, merges: Iterable[Merge], *, title: str, filename: str) -> Table | None:
    """A sheet's non-empty area as a Table, merged ranges repeated; None for an empty sheet."""
    if not cells:
        return None
    last_row = max(r for r, _ in cells)
    last_col = max(c for _, c in cells)
    for r0, r1, c0, c1 in merges:
        value = cells.get((r0, c0))
        if not value:
            continue
        # A merge may run past the data (a whole column merged): it only repeats where data is.
        for r in range(r0, min(r1, max(last_row, r0)) + 1):
            for c in range(c0, min(c1, max(last_col, c0)) + 1):
                cells[r, c] = value
    rows = range(min(r for r, _ in cells), max(r for r, _ in cells) + 1)
    cols = range(min(c for _, c in cells), max(c for _, c in cells) + 1)
    if len(rows) * len(cols) > _MAX_CELLS:
        raise LimitError(
            f"the sheet is too large to read ({len(rows)} rows × {len(cols)} columns)",
            filename=filename,
            where=title or None,
            limit="cells",
            allowed=_MAX_CELLS,
            found=len(rows) * len(cols),
        )
    prefix = f"{title}!" if title else ""
    return Table(
        rows=tuple(tuple(cells.get((r, c), "") for c in cols) for r in rows),
        where=f"sheet {title}" if title else "table 1",
        cell_names=tuple(tuple(f"{prefix}{get_column_letter(c)}{r}" for c in cols) for r in rows),
    )


def render(value: object, number_format: str = "General") -> str:
    """A cell value as shown on screen."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float):
        if _PERCENT.search(number_format or ""):
            return number(value * 100) + "%"
        return number(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def number(value: float) -> str:
    """18.0 → "18", 0.1 + 0.2 → "0.3": at most 15 significant digits, as Excel shows."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _open_xls(data: bytes, *, filename: str) -> xlrd.book.Book:
    log = io.StringIO()  # xlrd prints its warnings to stdout otherwise
    try:
        # formatting_info=True gives merged cells and number formats; a few writers produce
        # formatting records xlrd cannot parse, so try once more without.
        try:
            return xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=log)
        except xlrd.XLRDError as exc:
            if "encrypted" in str(exc).lower():
                raise
            return xlrd.open_workbook(file_contents=data, formatting_info=False, logfile=log)
    except Exception as exc:
        if "encrypted" in str(exc).lower():
            raise ExtractError(ENCRYPTED, filename=filename) from exc
        raise ExtractError(f"not a valid .xls file ({reason(exc)})", filename=filename) from exc


def _xls_text(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet, r: int, c: int) -> str:
    kind = sheet.cell_type(r, c)
    value = sheet.cell_value(r, c)
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return render(bool(value))
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(value, "#ERROR"))
    if kind == xlrd.XL_CELL_DATE:
        try:
            return render(xlrd.xldate.xldate_as_datetime(value, book.datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return number(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return render(float(value), _xls_format(book, sheet, r, c))
    return render(str(value))


def _xls_format(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet, r: int, c: int) -> str:
    if not book.formatting_info:
        return "General"
    try:
        xf = book.xf_list[sheet.cell_xf_index(r, c)]
        return str(book.format_map[xf.format_key].format_str)
    except (IndexError, KeyError, AttributeError):
        return "General"
