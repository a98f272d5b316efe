"""A duban.plan/1 plan as the responsibility-table workbook a clerk works with.

One sheet for the plan and one per part, each the standard table of duban.extract.export's rows
under the document's section headings; then 负面清单 and 问题 when there are deductions or
warnings. The extractor's CLI (--format xlsx) and the platform's plan and unit exports (a stored
plan goes back through duban.plan/1) both write it here, so both give the same file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from duban.extract.export import (
    DEDUCTION_HEADINGS,
    WARNING_HEADINGS,
    has_roles,
    plan_and_parts,
    plan_facts,
    plan_title,
    render_deduction,
    sections,
    table_headings,
    table_row,
    warning_row,
)
from duban.extract.model import Plan
from duban.office.xlsx import Cell, SheetWriter, workbook_bytes

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def plan_to_xlsx(plan: Plan) -> bytes:
    """The responsibility table as a workbook: one sheet for the plan and one per part, then
    负面清单 and 问题 when there are deductions or warnings."""
    from openpyxl import Workbook

    wb = Workbook()
    plans = plan_and_parts(plan)
    names = _SheetNames()
    for i, p in enumerate(plans):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = names.take((p.title or "") if i else "责任分解表", fallback=f"附表{i}")
        _responsibility_sheet(SheetWriter(ws), p)
    deductions = [(plan_title(p), d) for p in plans for d in p.deductions]
    if deductions:
        rows: list[tuple[Cell, ...]] = [(d.id, d.item, render_deduction(d)) for _, d in deductions]
        owners = [owner for owner, _ in deductions]
        _list_sheet(
            wb.create_sheet("负面清单"), "负面清单", DEDUCTION_HEADINGS, rows, owners, plan_title(plan)
        )
    warnings = [(plan_title(p), w) for p in plans for w in p.warnings]
    if warnings:
        rows = [warning_row(w) for _, w in warnings]
        owners = [owner for owner, _ in warnings]
        _list_sheet(wb.create_sheet("问题"), "文档问题", WARNING_HEADINGS, rows, owners, plan_title(plan))
    return workbook_bytes(wb)


def _responsibility_sheet(sheet: SheetWriter, plan: Plan) -> None:
    headings, roles = table_headings(plan), has_roles(plan)
    sheet.title(plan_title(plan), plan_facts(plan), width=len(headings))
    sheet.header(headings)
    for section in sections(plan.tasks):
        for depth, heading in section.headings:
            sheet.section(depth, heading)
        for task in section.tasks:
            sheet.row(table_row(task, roles=roles))
    sheet.finish()


def _list_sheet(
    ws: Worksheet,
    title: str,
    headings: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    owners: Sequence[str],
    main_title: str,
) -> None:
    """A plain list (负面清单, 问题); a 所属清单 column appears when rows come from a part."""
    sheet = SheetWriter(ws)
    if any(owner != main_title for owner in owners):
        headings = ("所属清单", *headings)
        rows = [(owner, *row) for owner, row in zip(owners, rows, strict=True)]
    sheet.title(title, "", width=len(headings))
    sheet.header(headings)
    for row in rows:
        sheet.row(row)
    sheet.finish()


class _SheetNames:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""

    def __init__(self) -> None:
        self.used: set[str] = {"负面清单", "问题"}

    def take(self, wanted: str, *, fallback: str) -> str:
        base = re.sub(r"[\[\]:*?/\\]", "", wanted).strip("' ")[:31] or fallback
        name, n = base, 1
        while name in self.used:
            n += 1
            name = f"{base[: 31 - len(str(n)) - 1]}-{n}"
        self.used.add(name)
        return name
