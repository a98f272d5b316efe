"""An uploaded template read back: the file opened and recognised, then every filled row checked
(no database writes); every problem is collected with its cell address."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from duban.tracking.actions.report_data import IndicatorInput, ReportData
from duban.tracking.bulk.sheet import (
    COL_LOCK,
    COL_NARRATIVE,
    COL_NUMBER,
    COL_PERCENT,
    COL_REASON,
    COL_STATUS,
    COL_TARGETS,
    COL_TASK,
    FIXED,
    FORMAT,
    HEADER_ROW,
    INPUTS,
    MAX_ROWS,
    META_SHEET,
    SHEET,
    SLOT_DATE,
    SLOT_VALUE,
    STATUS_HINT,
    STATUS_VALUES,
    BulkUploadError,
    Duty,
    unit_duties,
    unit_reports,
)
from duban.tracking.models import (
    ReportingPeriod,
    TaskClosure,
)
from duban.tracking.transitions import (
    ReportAction,
    TransitionError,
    check_report,
    report_actors,
)
from duban.units.models import Unit


@dataclass(frozen=True)
class Row:
    number: int  # the sheet row
    where: str  # the row's number cell, for row-level messages
    duty: Duty
    lock_version: int | None
    data: ReportData


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _int(value: Any) -> int | None:
    """An integer written as a number or as digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,12}\s*", value):
        return int(value)
    return None


def _percent(value: Any) -> int | None:
    if isinstance(value, str):
        value = value.strip().removesuffix("%").removesuffix("％").strip()
    n = _int(value)
    return n if n is not None and 0 <= n <= 100 else None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool | dt.date):
        return None
    try:
        if isinstance(value, float):
            d = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            d = Decimal(value)
        elif isinstance(value, str):
            d = Decimal(value.strip().replace(",", "").replace("，", ""))
        else:
            return None
    except InvalidOperation:
        return None
    return d if d.is_finite() and abs(d) < Decimal(10) ** 10 else None


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and 36526 <= value <= 73415:
        # An Excel serial day number in a cell not formatted as a date (2000-01-01 … 2100-12-31).
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    elif isinstance(value, str) and (m := _DATE.match(value)):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    else:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _open(data: bytes) -> Any:
    """The workbook, or BulkUploadError saying what the file is instead."""
    from openpyxl import load_workbook

    limit = settings.MAX_UPLOAD_BYTES
    if not data:
        raise BulkUploadError(["文件为空"], summary="文件为空：请上传填好的报送模板（.xlsx）")
    if len(data) > limit:
        raise BulkUploadError(
            ["文件过大"], summary=f"文件过大（{len(data) / 1048576:.1f} MB），上限 {limit / 1048576:g} MB"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        msg = "这是旧版 Excel（.xls）或加密的文件：请用本系统下载的 .xlsx 模板填写，或在 Excel 中另存为 .xlsx 后上传"
        raise BulkUploadError([msg], summary=msg)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        msg = "文件不是 Excel 工作簿（.xlsx），无法读取：请上传从本系统下载并填好的报送模板"
        raise BulkUploadError([msg], summary=msg) from exc


def read_upload(data: bytes, unit: Unit, period: ReportingPeriod) -> tuple[list[list[Any]], int]:
    """The template's cell values (row lists from the sheet's first row) and the header row index."""
    from openpyxl.utils import get_column_letter

    wb = _open(data)
    try:
        names = wb.sheetnames
        if SHEET not in names or META_SHEET not in names:
            msg = f"这不是本系统的报送模板（缺少“{SHEET}”工作表）：请先下载模板，在其中填写后上传"
            raise BulkUploadError([msg], summary=msg)
        meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True)
                if r and r[0] is not None}  # fmt: skip
        if meta.get("format") != FORMAT:
            msg = "报送模板的版本无法识别：请重新下载模板"
            raise BulkUploadError([msg], summary=msg)
        if _int(meta.get("period")) != period.pk or _int(meta.get("unit")) != unit.pk:
            msg = f"这不是{unit.name}{period.name}的报送模板：请下载本期的模板后填写"
            raise BulkUploadError([msg], summary=msg)
        ws = wb[SHEET]
        ws.reset_dimensions()  # a file saved by another program may state its size wrongly: read every cell
        rows = []
        for i, r in enumerate(ws.iter_rows(values_only=True), start=1):
            if i > MAX_ROWS + HEADER_ROW:
                msg = f"报送表超过 {MAX_ROWS} 行：请使用本期下载的模板"
                raise BulkUploadError([msg], summary=msg)
            rows.append(list(r))
    finally:
        wb.close()
    if len(rows) < HEADER_ROW or [str(v or "").strip() for v in rows[HEADER_ROW - 1][: len(FIXED)]] != list(
        FIXED
    ):
        expected = "、".join(f"{get_column_letter(i)}{HEADER_ROW} {h}" for i, h in enumerate(FIXED, start=1))
        msg = f"报送表的表头被改动：第 {HEADER_ROW} 行应为 {expected}"
        raise BulkUploadError([msg], summary=msg)
    return rows, HEADER_ROW


def parse_rows(rows: list[list[Any]], header_row: int, unit: Unit, period: ReportingPeriod,
           acting_user: Any) -> tuple[list[Row], list[str]]:  # fmt: skip
    from openpyxl.utils import get_column_letter

    header = [str(v).strip() if v is not None else "" for v in rows[header_row - 1]]
    col = {h: i for i, h in enumerate(header) if h}
    value_cols = {int(m[1]): i for h, i in col.items() if (m := SLOT_VALUE.match(h))}
    date_cols = {int(m[1]): i for h, i in col.items() if (m := SLOT_DATE.match(h))}
    duties = unit_duties(unit, period)
    drafts, answers = unit_reports(unit, period)
    closed = set(TaskClosure.objects.filter(task__plan_id=period.plan_id).values_list("task_id", flat=True))
    errors: list[str] = []
    parsed: list[Row] = []
    seen: dict[int, int] = {}

    for r, cells in enumerate(rows[header_row:], start=header_row + 1):

        def cell(i: int, cells: list[Any] = cells) -> Any:
            return cells[i] if i < len(cells) else None

        def at(i: int, r: int = r) -> str:
            return f"{get_column_letter(i + 1)}{r}"

        inputs = [col[h] for h in INPUTS] + list(value_cols.values()) + list(date_cols.values())
        if all(_blank(cell(i)) for i in inputs):
            continue  # not filled in this time
        where = at(col[COL_NUMBER])
        task_id = _int(cell(col[COL_TASK]))
        if _blank(cell(col[COL_TASK])):
            errors.append(
                f"{where}: 第 {r} 行没有任务ID（隐藏列 {at(col[COL_TASK])}）：请只在下载的模板已有的行中填写"
            )
            continue
        if task_id is None:
            errors.append(
                f"{at(col[COL_TASK])}: 第 {r} 行的任务ID“{_shown(cell(col[COL_TASK]))}”无效：请勿修改模板的隐藏列"
            )
            continue
        duty = duties.get(task_id)
        if duty is None:
            why = ("该任务已销号，无需报送" if task_id in closed
                   else f"不是{unit.name}在{period.name}需要报送的任务（或任务不存在）")  # fmt: skip
            errors.append(f"{where}: 第 {r} 行的任务（ID {task_id}）{why}")
            continue
        task = duty.task
        if task_id in seen:
            errors.append(f"{where}: 任务{task.number}在第 {seen[task_id]} 行已填写，每项任务只能填一行")
            continue
        seen[task_id] = r
        status = (
            drafts[task_id].status
            if task_id in drafts
            else (answers[task_id].status if task_id in answers else None)
        )
        try:
            check_report(status, ReportAction.SAVE, report_actors(acting_user, task, unit.pk, duty.kind))
        except TransitionError as exc:
            errors.append(f"{where}: 任务{task.number}：{exc}")
            continue
        row_errors: list[str] = []

        lock_cell = cell(col[COL_LOCK])
        lock_version = None if _blank(lock_cell) else _int(lock_cell)
        if not _blank(lock_cell) and lock_version is None:
            row_errors.append(
                f"{at(col[COL_LOCK])}: 第 {r} 行的草稿版本“{_shown(lock_cell)}”无效：请勿修改模板的隐藏列"
            )

        raw_status = cell(col[COL_STATUS])
        progress = STATUS_VALUES.get(str(raw_status).strip()) if not _blank(raw_status) else None
        if progress is None:
            given = "（未填写）" if _blank(raw_status) else f"，而不是“{_shown(raw_status)}”"
            row_errors.append(f"{at(col[COL_STATUS])}: 状态应为 {STATUS_HINT}{given}")

        raw_percent = cell(col[COL_PERCENT])
        percent = 0 if _blank(raw_percent) else _percent(raw_percent)
        if percent is None:
            row_errors.append(
                f"{at(col[COL_PERCENT])}: 完成比例应为 0–100 的整数，而不是“{_shown(raw_percent)}”"
            )

        raw_targets = cell(col[COL_TARGETS])
        given_ids = [] if _blank(raw_targets) else [_int(s) for s in str(raw_targets).split(",")]
        if sorted(given_ids, key=lambda x: x or 0) != sorted(t.pk for t in duty.targets):
            row_errors.append(
                f"{at(col[COL_TARGETS])}: 任务{task.number}的指标已有变动，与模板不一致：请重新下载模板"
            )
            errors.extend(row_errors)
            continue
        targets = {t.pk: t for t in duty.targets}
        values: dict[int, IndicatorInput] = {}
        for k in sorted(set(value_cols) | set(date_cols)):
            raw_value = cell(value_cols[k]) if k in value_cols else None
            raw_date = cell(date_cols[k]) if k in date_cols else None
            if k > len(given_ids):
                for i, raw in ((value_cols.get(k), raw_value), (date_cols.get(k), raw_date)):
                    if i is not None and not _blank(raw):
                        row_errors.append(
                            f"{at(i)}: 任务{task.number}只有 {len(given_ids)} 项指标，此格应留空"
                        )
                continue
            target = targets[given_ids[k - 1] or 0]
            value = None if _blank(raw_value) else _decimal(raw_value)
            if not _blank(raw_value) and value is None:
                row_errors.append(
                    f"{at(value_cols[k])}: 指标“{target.metric}”的当前值应为数字，而不是“{_shown(raw_value)}”"
                )
            as_of = None if _blank(raw_date) else _date(raw_date)
            if not _blank(raw_date) and as_of is None:
                row_errors.append(
                    f"{at(date_cols[k])}: 数据截至日期“{_shown(raw_date)}”无法识别，应为 2025-03-31 这样的日期"
                )
            if _blank(raw_value) and not _blank(raw_date):
                i = value_cols.get(k)
                row_errors.append(
                    f"{at(i) if i is not None else at(date_cols[k])}: 填写了数据截至日期，但指标“{target.metric}”的当前值未填写"
                )
            if value is not None:
                values[target.pk] = IndicatorInput(value, as_of=as_of)

        if row_errors:
            errors.extend(row_errors)
            continue
        assert progress is not None and percent is not None
        text = {
            h: "" if _blank(cell(col[h])) else str(cell(col[h])).strip() for h in (COL_REASON, COL_NARRATIVE)
        }
        parsed.append(Row(r, where, duty, lock_version, ReportData(
            progress=progress, reason=text[COL_REASON], percent=percent, narrative=text[COL_NARRATIVE], values=values,
        )))  # fmt: skip
    return parsed, errors
