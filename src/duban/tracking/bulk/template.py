"""The period's Excel template for a unit (see duban.tracking.bulk)."""

from __future__ import annotations

import io
from typing import Any

from duban.accounts.models import User
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
    require_reporter,
    slot_headings,
    unit_duties,
    unit_reports,
)
from duban.tracking.models import (
    ReportingPeriod,
    ReportKind,
)
from duban.units.models import Unit


def bulk_template(unit: Unit, period: ReportingPeriod, *, user: User) -> bytes:
    """The period's Excel template for `unit`: one row per task it still has to report on."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    require_reporter(user, unit, "下载报送模板")
    duties = unit_duties(unit, period)
    drafts, answers = unit_reports(unit, period)
    rows = [d for d in duties.values() if d.task.pk in drafts or d.task.pk not in answers]
    slots = max((len(d.targets) for d in rows), default=0)
    headings = [*FIXED, *(h for k in range(1, slots + 1) for h in slot_headings(k))]
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
            name_h, value_h, date_h = slot_headings(k)
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
        _name, value_h, date_h = slot_headings(k)
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
