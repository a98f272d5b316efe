"""An uploaded template opened and recognised (its format, unit, period and header), its cells
read; the rows themselves are checked by duban.tracking.bulk.rows."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings

from duban.tracking.bulk.cells import as_int
from duban.tracking.bulk.sheet import FIXED, FORMAT, HEADER_ROW, MAX_ROWS, META_SHEET, SHEET, BulkUploadError
from duban.tracking.models import ReportingPeriod
from duban.units.models import Unit


def _refused(message: str) -> BulkUploadError:
    return BulkUploadError([message], summary=message)


def _open(data: bytes) -> Any:
    """The workbook, or BulkUploadError saying what the file is instead."""
    from openpyxl import load_workbook

    limit = settings.MAX_UPLOAD_BYTES
    if not data:
        raise BulkUploadError(["文件为空"], summary="文件为空：请上传填好的报送模板（.xlsx）")
    if len(data) > limit:
        summary = f"文件过大（{len(data) / 1048576:.1f} MB），上限 {limit / 1048576:g} MB"
        raise BulkUploadError(["文件过大"], summary=summary)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refused(
            "这是旧版 Excel（.xls）或加密的文件：请用本系统下载的 .xlsx 模板填写，或在 Excel 中另存为 .xlsx 后上传"
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise _refused(
            "文件不是 Excel 工作簿（.xlsx），无法读取：请上传从本系统下载并填好的报送模板"
        ) from exc


def _check_meta(wb: Any, unit: Unit, period: ReportingPeriod) -> None:
    """The hidden sheet says which template this is: ours, of this format, unit and period."""
    if SHEET not in wb.sheetnames or META_SHEET not in wb.sheetnames:
        raise _refused(f"这不是本系统的报送模板（缺少“{SHEET}”工作表）：请先下载模板，在其中填写后上传")
    rows = wb[META_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True)
    meta = {str(r[0]): r[1] for r in rows if r and r[0] is not None}
    if meta.get("format") != FORMAT:
        raise _refused("报送模板的版本无法识别：请重新下载模板")
    if as_int(meta.get("period")) != period.pk or as_int(meta.get("unit")) != unit.pk:
        raise _refused(f"这不是{unit.name}{period.name}的报送模板：请下载本期的模板后填写")


def _cells(ws: Any) -> list[list[Any]]:
    ws.reset_dimensions()  # a file saved by another program may state its size wrongly: read every cell
    rows = []
    for i, r in enumerate(ws.iter_rows(values_only=True), start=1):
        if i > MAX_ROWS + HEADER_ROW:
            raise _refused(f"报送表超过 {MAX_ROWS} 行：请使用本期下载的模板")
        rows.append(list(r))
    return rows


def _check_header(rows: list[list[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    header = (
        [str(v or "").strip() for v in rows[HEADER_ROW - 1][: len(FIXED)]] if len(rows) >= HEADER_ROW else []
    )
    if header != list(FIXED):
        expected = "、".join(f"{get_column_letter(i)}{HEADER_ROW} {h}" for i, h in enumerate(FIXED, start=1))
        raise _refused(f"报送表的表头被改动：第 {HEADER_ROW} 行应为 {expected}")


def read_upload(data: bytes, unit: Unit, period: ReportingPeriod) -> tuple[list[list[Any]], int]:
    """The template's cell values (row lists from the sheet's first row) and the header row index."""
    wb = _open(data)
    try:
        _check_meta(wb, unit, period)
        rows = _cells(wb[SHEET])
    finally:
        wb.close()
    _check_header(rows)
    return rows, HEADER_ROW
