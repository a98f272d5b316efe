"""The period's Excel template for a unit (see duban.tracking.bulk)."""

from __future__ import annotations

import io
from typing import Any, Literal, NamedTuple

from duban.accounts.models import User
from duban.plans.models import Target
from duban.tracking.bulk.sheet import (
    COL_KIND,
    COL_LOCK,
    COL_NARRATIVE,
    COL_NUMBER,
    COL_PERCENT,
    COL_REASON,
    COL_STATUS,
    COL_TARGETS,
    COL_TASK,
    COL_TITLE,
    FIXED,
    FORMAT,
    HEADER_ROW,
    HIDDEN,
    META_SHEET,
    SHEET,
    STATUS_HINT,
    STATUS_LABELS,
    WIDTHS,
    Duty,
    require_reporter,
    slot_headings,
    unit_duties,
    unit_reports,
)
from duban.tracking.models import IndicatorValue, ProgressReport, ReportingPeriod, ReportKind
from duban.units.models import Unit


class _Rule(NamedTuple):
    type: Literal["list", "whole", "decimal", "date"]
    formula1: str
    formula2: str | None
    error: str


# The drop-downs and ranges Excel itself enforces on the input cells (the upload checks anyway).
_RULES = {
    "status": _Rule(
        "list", '"' + ",".join(STATUS_LABELS.values()) + '"', None, f"请从列表中选择：{STATUS_HINT}"
    ),
    "percent": _Rule("whole", "0", "100", "完成比例应为 0–100 的整数"),
    "value": _Rule("decimal", "-9999999999", "9999999999", "当前值应为数字"),
    "date": _Rule("date", "DATE(2000,1,1)", "DATE(2100,12,31)", "请填写日期，如 2025-03-31"),
}


def bulk_template(unit: Unit, period: ReportingPeriod, *, user: User) -> bytes:
    """The period's Excel template for `unit`: one row per task it still has to report on."""
    from openpyxl import Workbook

    require_reporter(user, unit, "下载报送模板")
    duties = unit_duties(unit, period)
    drafts, answers = unit_reports(unit, period)
    rows = [d for d in duties.values() if d.task.pk in drafts or d.task.pk not in answers]
    wb = Workbook()
    sheet = _Sheet(wb, slots=max((len(d.targets) for d in rows), default=0))
    done = len(answers) - len([t for t in answers if t in drafts])
    sheet.title(f"{period.plan.title} {period.name}进展报送表（{unit.name}）", _instructions(period, done))
    for r, duty in enumerate(rows, start=HEADER_ROW + 1):
        sheet.task_row(r, duty, drafts.get(duty.task.pk))
    sheet.finish(last=HEADER_ROW + max(1, len(rows)))
    meta = wb.create_sheet(META_SHEET)
    facts = (("format", FORMAT), ("plan", period.plan_id), ("period", period.pk), ("unit", unit.pk))
    for i, (key, value) in enumerate(facts, start=1):
        meta.cell(i, 1, key)
        meta.cell(i, 2, value)
    meta.sheet_state = "veryHidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _instructions(period: ReportingPeriod, done: int) -> str:
    return (
        f"报送截止 {period.due}。灰色格由系统填写，请勿修改；每行一项任务，暂不填报的行留空即可。"
        f"进展状态从下拉列表选择（{STATUS_HINT}），完成比例填 0–100 的整数，日期写作 2025-03-31。"
        + (f"本期已报送（含已退回、已通过）的 {done} 项未列出，如需更正请在网页上操作。" if done else "")
    )


class _Sheet:
    """The 进展报送 sheet being written: its columns (the fixed ones, then a group per target slot)
    and its styles."""

    def __init__(self, wb: Any, *, slots: int) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = wb.active
        self.ws.title = SHEET
        self.slots = slots
        headings = [*FIXED, *(h for k in range(1, slots + 1) for h in slot_headings(k))]
        self.col = {h: i for i, h in enumerate(headings, start=1)}
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font, self.bold = Font(name="宋体", size=11), Font(name="宋体", size=11, bold=True)
        self.grey, self.head = PatternFill("solid", fgColor="EDEDED"), PatternFill("solid", fgColor="D9E1F2")
        self.wrap = Alignment(vertical="top", wrap_text=True)

    def title(self, title: str, instructions: str) -> None:
        from openpyxl.styles import Alignment, Font

        ws, width = self.ws, len(self.col)
        ws.cell(1, 1, title).font = Font(name="宋体", size=14, bold=True)
        ws.cell(2, 1, instructions).font = self.font
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.row_dimensions[2].height = 32
        ws.cell(2, 1).alignment = self.wrap
        for h, c in self.col.items():
            cell = ws.cell(HEADER_ROW, c, h)
            cell.font, cell.fill, cell.border = self.bold, self.head, self.border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(self, r: int, heading: str, value: Any, *, editable: bool) -> None:
        from openpyxl.styles import Protection

        cell = self.ws.cell(r, self.col[heading], value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text from the database is never a formula
        cell.font, cell.border, cell.alignment = self.font, self.border, self.wrap
        if editable:
            cell.protection = Protection(locked=False)
        else:
            cell.fill = self.grey

    def task_row(self, r: int, duty: Duty, draft: ProgressReport | None) -> None:
        task = duty.task
        self.put(r, COL_TASK, task.pk, editable=False)
        self.put(r, COL_LOCK, draft.lock_version if draft else None, editable=False)
        self.put(r, COL_TARGETS, ",".join(str(t.pk) for t in duty.targets), editable=False)
        self.put(r, COL_NUMBER, task.number, editable=False)
        self.put(r, COL_TITLE, task.title or task.text[:80], editable=False)
        self.put(r, COL_KIND, ReportKind(duty.kind).label, editable=False)
        self.put(r, COL_STATUS, STATUS_LABELS[draft.progress] if draft else None, editable=True)
        self.put(r, COL_PERCENT, draft.percent if draft else None, editable=True)
        self.put(r, COL_REASON, draft.reason if draft else None, editable=True)
        self.put(r, COL_NARRATIVE, draft.narrative if draft else None, editable=True)
        values = {v.target_id: v for v in draft.values.all()} if draft else {}
        for k in range(1, self.slots + 1):
            target = duty.targets[k - 1] if k <= len(duty.targets) else None
            self._figure(r, k, target, values.get(target.pk) if target else None)

    def _figure(self, r: int, k: int, target: Target | None, v: IndicatorValue | None) -> None:
        name_h, value_h, date_h = slot_headings(k)
        self.put(r, name_h, str(target) if target else None, editable=False)
        self.put(r, value_h, v.value.normalize() if v else None, editable=target is not None)
        self.put(r, date_h, v.as_of if v else None, editable=target is not None)
        self.ws.cell(r, self.col[date_h]).number_format = "yyyy-mm-dd"
        self.ws.cell(r, self.col[value_h]).number_format = "General"

    def finish(self, *, last: int) -> None:
        """Validation down to row `last`, the columns' widths, frozen panes, print setup, the lock."""
        from openpyxl.utils import get_column_letter

        self._validate(COL_STATUS, "status", last)
        self._validate(COL_PERCENT, "percent", last)
        for k in range(1, self.slots + 1):
            _name, value_h, date_h = slot_headings(k)
            self._validate(value_h, "value", last)
            self._validate(date_h, "date", last)
        ws = self.ws
        for h, c in self.col.items():
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = WIDTHS.get(h, 12 if "数据截至" in h or "当前值" in h else 24)
            ws.column_dimensions[letter].hidden = h in HIDDEN
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, self.col[COL_STATUS]).coordinate
        ws.page_setup.orientation = "landscape"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        # Without a password: the lock keeps the header and the system's columns from being changed
        # by accident; the upload checks every cell anyway.
        ws.protection.sheet = True

    def _validate(self, heading: str, rule: str, last: int) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        r = _RULES[rule]
        operator: Literal["between"] | None = None if r.type == "list" else "between"
        dv = DataValidation(
            type=r.type,
            operator=operator,
            formula1=r.formula1,
            formula2=r.formula2,
            allow_blank=True,
            error=r.error,
        )
        letter = get_column_letter(self.col[heading])
        dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
        dv.showErrorMessage, dv.errorTitle = True, "输入有误"
        self.ws.add_data_validation(dv)
