"""An uploaded bulk-entry workbook opened and its cells read, in the sandbox's limited child.

Pure Python (openpyxl only, no Django): duban.sandbox runs `read_workbook` in a child that imports
it by name, and duban.tracking.bulk.reading checks what comes back (the template's format, unit,
period and header) against the database. A bulk template is small (a row per task, a few
columns per target), so what the workbook may cost is bounded tightly, before it is opened:
its size unpacked from the zip's directory, the rows read, the columns of a row.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


class WorkbookRefused(Exception):
    """The upload is no workbook we can read; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class Workbook:
    sheets: list[str]
    meta: dict[str, Any]  # the hidden sheet's name → value pairs
    rows: list[list[Any]]  # the data sheet's values, row by row from its first row


def read_workbook(
    data: bytes,
    *,
    sheet: str,
    meta_sheet: str,
    header_row: int,
    max_rows: int,
    max_columns: int,
    unpacked_mb: int,
) -> Workbook:
    """The template's hidden meta values and the data sheet's cells: at most `max_rows` rows below
    the header, each as wide as the header (a cell beyond its last heading is never read, and
    a row is not padded out to a stray cell at column XFD), at most `max_columns`."""
    from openpyxl import load_workbook

    _check_package(data, unpacked_mb)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported and will be removed"
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise WorkbookRefused(
            "文件不是 Excel 工作簿（.xlsx），无法读取：请上传从本系统下载并填好的报送模板"
        ) from exc
    try:
        sheets = list(wb.sheetnames)
        if sheet not in sheets or meta_sheet not in sheets:
            return Workbook(sheets, {}, [])
        rows = wb[meta_sheet].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True)
        meta = {str(r[0]): r[1] for r in rows if r and r[0] is not None}
        ws = wb[sheet]
        ws.reset_dimensions()  # a file saved by another program may state its size wrongly
        header = next(
            ws.iter_rows(min_row=header_row, max_row=header_row, max_col=max_columns, values_only=True), ()
        )
        width = max((i for i, v in enumerate(header, start=1) if v is not None and str(v).strip()), default=1)
        cells: list[list[Any]] = []
        for r in ws.iter_rows(max_col=width, values_only=True):
            if len(cells) >= max_rows + header_row:
                raise WorkbookRefused(f"报送表超过 {max_rows} 行：请使用本期下载的模板")
            cells.append(list(r))
        return Workbook(sheets, meta, cells)
    finally:
        wb.close()


def _check_package(data: bytes, unpacked_mb: int) -> None:
    """A zip whose parts together unpack to at most `unpacked_mb` MB, by the sizes its directory
    declares (zipfile never unpacks a part beyond its declared size)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise WorkbookRefused(
            "文件不是 Excel 工作簿（.xlsx），无法读取：请上传从本系统下载并填好的报送模板"
        ) from exc
    if sum(info.file_size for info in infos) > unpacked_mb * MB:
        raise WorkbookRefused(f"解压后超过 {unpacked_mb} MB 的上限：这不是本系统的报送模板，请下载模板后填写")
