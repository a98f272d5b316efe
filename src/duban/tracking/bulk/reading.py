"""An uploaded template opened and recognised (its format, unit, period and header), its cells
read; the rows themselves are checked by duban.tracking.bulk.rows.

The workbook is opened in duban.sandbox's limited child (duban.tracking.bulk.workbook): a 2 MB
file whose shared strings unpack to 850 MB held a worker for two minutes at 2.3 GB, one with a
cell at column XFD on 5,000 rows cost 600 MB in a second. A template is small, so the limits are
low: 20 MB unpacked, 256 MB of memory, 10 s of CPU time.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from duban.sandbox import LimitExceeded, Limits, run_limited
from duban.tracking.bulk.cells import as_int
from duban.tracking.bulk.sheet import FIXED, FORMAT, HEADER_ROW, MAX_ROWS, META_SHEET, SHEET, BulkUploadError
from duban.tracking.bulk.workbook import Workbook, WorkbookRefused, read_workbook
from duban.tracking.models import ReportingPeriod
from duban.units.models import Unit

LIMITS = Limits(memory_mb=256, cpu_seconds=10, wall_seconds=15)
UNPACKED_MB = 20  # a template of 5,000 tasks with long narratives unpacks to a few MB
# Columns read: the fixed ones and three per target, for tasks of up to 300 targets.
MAX_COLUMNS = len(FIXED) + 3 * 300


def _refused(message: str) -> BulkUploadError:
    return BulkUploadError([message], summary=message)


def _open(data: bytes) -> Workbook:
    """The workbook read, or BulkUploadError saying what the file is instead."""
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
        return run_limited(
            read_workbook,
            data,
            sheet=SHEET,
            meta_sheet=META_SHEET,
            header_row=HEADER_ROW,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
            unpacked_mb=UNPACKED_MB,
            limits=LIMITS,
        )
    except WorkbookRefused as exc:
        raise _refused(str(exc)) from exc
    except LimitExceeded as exc:
        raise _refused(f"{exc.reason}：这不是本系统的报送模板，请下载模板后填写") from exc


def _check_meta(wb: Workbook, unit: Unit, period: ReportingPeriod) -> None:
    """The hidden sheet says which template this is: ours, of this format, unit and period."""
    if SHEET not in wb.sheets or META_SHEET not in wb.sheets:
        raise _refused(f"这不是本系统的报送模板（缺少“{SHEET}”工作表）：请先下载模板，在其中填写后上传")
    meta = wb.meta
    if meta.get("format") != FORMAT:
        raise _refused("报送模板的版本无法识别：请重新下载模板")
    if as_int(meta.get("period")) != period.pk or as_int(meta.get("unit")) != unit.pk:
        raise _refused(f"这不是{unit.name}{period.name}的报送模板：请下载本期的模板后填写")


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
    _check_meta(wb, unit, period)
    _check_header(wb.rows)
    return wb.rows, HEADER_ROW
