"""Bulk entry: a unit fills a whole period's reports in one Excel workbook.

bulk_template(unit, period, *, user) writes the workbook: one row per task the unit still has to
report on in the period (its draft, if any, filled in), hidden columns naming the task, the
draft's lock_version and the task's targets, drop-down and range validation on the input cells,
and everything else locked.

do_bulk_upload(unit, period, data, *, acting_user) reads it back in two stages:
1. parse and check every cell (no database writes); every problem is collected with its cell
   address, and if there is any, BulkUploadError lists them all and nothing is stored;
2. save each row through duban.tracking.actions (do_save_draft / do_add_contribution, then
   do_submit_report with submit=True) inside one transaction. A row the actions refuse (a stale
   draft, an incomplete report on submit) is collected too, and the whole transaction is rolled
   back: nothing is half-saved.

A row whose input cells are all empty is skipped: a unit may fill only the tasks it is ready with.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction

from duban.audit.record import record
from duban.plans.models import Target, Task
from duban.tracking.actions import (
    IndicatorInput,
    ReportData,
    do_add_contribution,
    do_save_draft,
    do_submit_report,
)
from duban.tracking.models import (
    ANSWERED,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    TaskClosure,
)
from duban.tracking.transitions import (
    ConflictError,
    InvalidInput,
    ReportAction,
    TrackingError,
    TransitionError,
    check_report,
    kind_for,
    report_actors,
)
from duban.units.models import Unit

__all__ = ["BulkUploadError", "bulk_template", "do_bulk_upload"]

FORMAT = "duban.bulk/1"
SHEET = "进展报送"
META_SHEET = "duban"
STATUS_LABELS = dict(Progress.choices)  # value → 未启动 …
STATUS_VALUES = {label: value for value, label in Progress.choices}
STATUS_HINT = "/".join(STATUS_LABELS.values())
MAX_ROWS = 5000  # more rows than any unit has tasks in a plan: a bigger sheet is not our template
MAX_LISTED = 200  # errors listed in the message; .errors keeps them all

# Columns, in order. The first three are hidden: they tie a row to the database.
COL_TASK, COL_LOCK, COL_TARGETS = "任务ID", "草稿版本", "指标ID"
COL_NUMBER, COL_TITLE, COL_KIND = "序号", "任务", "报送类型"
COL_STATUS, COL_PERCENT, COL_REASON, COL_NARRATIVE = (
    "进展状态",
    "完成比例（%）",
    "原因（滞后、暂缓必填）",
    "工作进展",
)
FIXED = (COL_TASK, COL_LOCK, COL_TARGETS, COL_NUMBER, COL_TITLE, COL_KIND, COL_STATUS, COL_PERCENT, COL_REASON,
         COL_NARRATIVE)  # fmt: skip
HIDDEN = (COL_TASK, COL_LOCK, COL_TARGETS)
INPUTS = (COL_STATUS, COL_PERCENT, COL_REASON, COL_NARRATIVE)
WIDTHS = {COL_NUMBER: 8, COL_TITLE: 36, COL_KIND: 10, COL_STATUS: 10, COL_PERCENT: 10, COL_REASON: 24,
          COL_NARRATIVE: 50}  # fmt: skip
HEADER_ROW = 3  # row 1: title; row 2: how to fill it in


def _slot(k: int) -> tuple[str, str, str]:
    """The column group of a task's k-th target (1-based): its name, current value, as-of date."""
    return f"指标{k}", f"指标{k}当前值", f"指标{k}数据截至"


_SLOT_VALUE = re.compile(r"^指标(\d+)当前值$")
_SLOT_DATE = re.compile(r"^指标(\d+)数据截至$")


class BulkUploadError(InvalidInput):
    """The upload was refused and nothing was stored. `errors` lists each problem, a cell address
    (or the row's number cell) first: "G7: 状态应为 未启动/推进中/已完成/滞后/暂缓"."""

    def __init__(self, errors: Sequence[str], *, summary: str | None = None) -> None:
        self.errors = tuple(errors)
        if summary is None:
            listed = list(self.errors[:MAX_LISTED])
            if len(self.errors) > MAX_LISTED:
                listed.append(f"……另有 {len(self.errors) - MAX_LISTED} 处")
            summary = f"报送表有 {len(self.errors)} 处错误，未保存任何内容：\n" + "\n".join(listed)
        super().__init__(summary)


# ---------------------------------------------------------------------------------------------
# Which tasks, and who


@dataclass(frozen=True)
class _Duty:
    task: Task
    kind: str  # ReportKind
    targets: tuple[Target, ...]


def _require_reporter(user: Any, unit: Unit, what: str) -> None:
    ok = (user is not None and user.is_authenticated and user.is_active and user.is_reporter
          and user.unit_id == unit.pk)  # fmt: skip
    if not ok:
        raise TransitionError(f"无权{what}：只有{unit.name}的填报员可以{what}")


def _duties(unit: Unit, period: ReportingPeriod) -> dict[int, _Duty]:
    """The tasks of the period's plan that the unit reports or contributes to, not closed, in plan order."""
    tasks = (
        Task.objects.filter(plan_id=period.plan_id, responsibilities__unit=unit)
        .exclude(pk__in=TaskClosure.objects.values("task_id"))
        .distinct()
        .order_by("order", "pk")
        .prefetch_related("responsibilities", "targets")
    )
    out = {}
    for task in tasks:
        kind = kind_for([(r.unit_id, r.role) for r in task.responsibilities.all()], unit.pk)
        if kind is not None:
            out[task.pk] = _Duty(task, kind, tuple(task.targets.all()))
    return out


def _reports(
    unit: Unit, period: ReportingPeriod
) -> tuple[dict[int, ProgressReport], dict[int, ProgressReport]]:
    """The unit's drafts and current answers for the period, by task id."""
    drafts, answers = {}, {}
    for r in ProgressReport.objects.filter(period=period, unit=unit).prefetch_related("values"):
        if r.status == ReportStatus.DRAFT:
            drafts[r.task_id] = r
        elif r.status in ANSWERED:
            answers[r.task_id] = r
    return drafts, answers


# ---------------------------------------------------------------------------------------------
# The template


def bulk_template(unit: Unit, period: ReportingPeriod, *, user: Any) -> bytes:
    """The period's Excel template for `unit`: one row per task it still has to report on."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    _require_reporter(user, unit, "下载报送模板")
    duties = _duties(unit, period)
    drafts, answers = _reports(unit, period)
    rows = [d for d in duties.values() if d.task.pk in drafts or d.task.pk not in answers]
    slots = max((len(d.targets) for d in rows), default=0)
    headings = [*FIXED, *(h for k in range(1, slots + 1) for h in _slot(k))]
    col = {h: i for i, h in enumerate(headings, start=1)}

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name="宋体", size=11), Font(name="宋体", size=11, bold=True)
    grey, head = PatternFill("solid", fgColor="EDEDED"), PatternFill("solid", fgColor="D9E1F2")
    wrap = Alignment(vertical="top", wrap_text=True)

    ws.cell(1, 1, f"{period.plan.title} {period.name}进展报送表（{unit.name}）").font = Font(
        name="宋体", size=14, bold=True
    )
    done = len(answers) - len([t for t in answers if t in drafts])
    ws.cell(2, 1, (
        f"报送截止 {period.due}。灰色格由系统填写，请勿修改；每行一项任务，暂不填报的行留空即可。"
        f"进展状态从下拉列表选择（{STATUS_HINT}），完成比例填 0–100 的整数，日期写作 2025-03-31。"
        + (f"本期已报送（含已退回、已通过）的 {done} 项未列出，如需更正请在网页上操作。" if done else "")
    )).font = font  # fmt: skip
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headings))
    ws.row_dimensions[2].height = 32
    ws.cell(2, 1).alignment = wrap
    for h, c in col.items():
        cell = ws.cell(HEADER_ROW, c, h)
        cell.font, cell.fill, cell.border = bold, head, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(r: int, heading: str, value: Any, *, editable: bool) -> None:
        cell = ws.cell(r, col[heading], value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text from the database is never a formula
        cell.font, cell.border, cell.alignment = font, border, wrap
        if editable:
            cell.protection = Protection(locked=False)
        else:
            cell.fill = grey

    for r, duty in enumerate(rows, start=HEADER_ROW + 1):
        task, draft = duty.task, drafts.get(duty.task.pk)
        values = {v.target_id: v for v in draft.values.all()} if draft else {}
        put(r, COL_TASK, task.pk, editable=False)
        put(r, COL_LOCK, draft.lock_version if draft else None, editable=False)
        put(r, COL_TARGETS, ",".join(str(t.pk) for t in duty.targets), editable=False)
        put(r, COL_NUMBER, task.number, editable=False)
        put(r, COL_TITLE, task.title or task.text[:80], editable=False)
        put(r, COL_KIND, ReportKind(duty.kind).label, editable=False)
        put(r, COL_STATUS, STATUS_LABELS[draft.progress] if draft else None, editable=True)
        put(r, COL_PERCENT, draft.percent if draft else None, editable=True)
        put(r, COL_REASON, draft.reason if draft else None, editable=True)
        put(r, COL_NARRATIVE, draft.narrative if draft else None, editable=True)
        for k in range(1, slots + 1):
            name_h, value_h, date_h = _slot(k)
            target = duty.targets[k - 1] if k <= len(duty.targets) else None
            v = values.get(target.pk) if target else None
            put(r, name_h, str(target) if target else None, editable=False)
            put(r, value_h, v.value.normalize() if v else None, editable=target is not None)
            put(r, date_h, v.as_of if v else None, editable=target is not None)
            ws.cell(r, col[date_h]).number_format = "yyyy-mm-dd"
            ws.cell(r, col[value_h]).number_format = "General"

    last = HEADER_ROW + max(1, len(rows))

    def validate(heading: str, dv: DataValidation) -> None:
        letter = get_column_letter(col[heading])
        dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
        dv.showErrorMessage, dv.errorTitle = True, "输入有误"
        ws.add_data_validation(dv)

    validate(COL_STATUS, DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
                                        allow_blank=True, error=f"请从列表中选择：{STATUS_HINT}"))  # fmt: skip
    validate(COL_PERCENT, DataValidation(type="whole", operator="between", formula1="0", formula2="100",
                                         allow_blank=True, error="完成比例应为 0–100 的整数"))  # fmt: skip
    for k in range(1, slots + 1):
        _name, value_h, date_h = _slot(k)
        validate(value_h, DataValidation(type="decimal", operator="between", formula1="-9999999999",
                                         formula2="9999999999", allow_blank=True, error="当前值应为数字"))  # fmt: skip
        validate(date_h, DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                                        formula2="DATE(2100,12,31)", allow_blank=True, error="请填写日期，如 2025-03-31"))  # fmt: skip

    for h, c in col.items():
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = WIDTHS.get(h, 12 if "数据截至" in h or "当前值" in h else 24)
        ws.column_dimensions[letter].hidden = h in HIDDEN
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, col[COL_STATUS]).coordinate
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    # Without a password: the lock keeps the header and the system's columns from being changed
    # by accident; the upload checks every cell anyway.
    ws.protection.sheet = True

    meta = wb.create_sheet(META_SHEET)
    for i, (key, value) in enumerate((("format", FORMAT), ("plan", period.plan_id), ("period", period.pk),
                                      ("unit", unit.pk)), start=1):  # fmt: skip
        meta.cell(i, 1, key)
        meta.cell(i, 2, value)
    meta.sheet_state = "veryHidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading an upload


@dataclass(frozen=True)
class _Row:
    number: int  # the sheet row
    where: str  # the row's number cell, for row-level messages
    duty: _Duty
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


def _read(data: bytes, unit: Unit, period: ReportingPeriod) -> tuple[list[list[Any]], int]:
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


def _parse(rows: list[list[Any]], header_row: int, unit: Unit, period: ReportingPeriod,
           acting_user: Any) -> tuple[list[_Row], list[str]]:  # fmt: skip
    from openpyxl.utils import get_column_letter

    header = [str(v).strip() if v is not None else "" for v in rows[header_row - 1]]
    col = {h: i for i, h in enumerate(header) if h}
    value_cols = {int(m[1]): i for h, i in col.items() if (m := _SLOT_VALUE.match(h))}
    date_cols = {int(m[1]): i for h, i in col.items() if (m := _SLOT_DATE.match(h))}
    duties = _duties(unit, period)
    drafts, answers = _reports(unit, period)
    closed = set(TaskClosure.objects.filter(task__plan_id=period.plan_id).values_list("task_id", flat=True))
    errors: list[str] = []
    parsed: list[_Row] = []
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
        parsed.append(_Row(r, where, duty, lock_version, ReportData(
            progress=progress, reason=text[COL_REASON], percent=percent, narrative=text[COL_NARRATIVE], values=values,
        )))  # fmt: skip
    return parsed, errors


# ---------------------------------------------------------------------------------------------
# The upload


def do_bulk_upload(
    unit: Unit, period: ReportingPeriod, data: bytes, *, acting_user: Any, submit: bool = False
) -> list[ProgressReport]:
    """Save every filled row of an uploaded template as the unit's draft (and submit it with
    submit=True), all or nothing. BulkUploadError lists every bad cell; nothing is stored then."""
    _require_reporter(acting_user, unit, "批量填报")
    period = ReportingPeriod.objects.select_related("plan").get(pk=period.pk)
    rows, header_row = _read(data, unit, period)
    parsed, errors = _parse(rows, header_row, unit, period, acting_user)
    if errors:
        raise BulkUploadError(errors)
    if not parsed:
        raise BulkUploadError(
            ["没有填写任何任务"],
            summary="报送表中没有填写任何任务：请在任务所在行填写进展状态和工作进展后上传",
        )
    saved: list[ProgressReport] = []
    with transaction.atomic():
        for row in parsed:
            save = do_save_draft if row.duty.kind == ReportKind.REPORT else do_add_contribution
            try:
                # Each action runs in a savepoint of this transaction: a refused row is rolled back to
                # it and the next rows still get checked, so one upload reports every problem.
                report = save(
                    row.duty.task, period, row.data, lock_version=row.lock_version, acting_user=acting_user
                )
                if submit:
                    report = do_submit_report(
                        report, lock_version=report.lock_version, acting_user=acting_user
                    )
            except ConflictError:
                errors.append(
                    f"{row.where}: 任务{row.duty.task.number}：下载模板后草稿已在网页上修改或报送，请重新下载模板后填写"
                )
                continue
            except TrackingError as exc:
                errors.append(f"{row.where}: 任务{row.duty.task.number}：{exc}")
                continue
            saved.append(report)
        if errors:
            raise BulkUploadError(errors)  # leaving the block rolls every row back
        what = "并报送" if submit else "保存草稿"
        record(acting_user, "bulk_upload", period, summary=f"{unit.name}通过 Excel 批量填报{period.name} {len(saved)} 项（{what}）",
               after={"unit": unit.pk, "reports": [r.pk for r in saved], "submit": submit})  # fmt: skip
    return saved
