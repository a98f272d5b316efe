"""Plans out as the tables a clerk works with: CSV, Excel, Markdown and JSON.

The Excel and Markdown exports share one row shape (`table_row`): the standard
responsibility table 序号 / 任务 / 牵头单位 / 配合单位 / 目标要求 / 量化目标 / 分值 / 完成时限,
grouped under the section headings of the document.  CSV is flatter, one row per task with
every field, for other programs.  A plan's `parts` (further lists printed in the same
document) become further sheets in Excel and are appended after the main plan in CSV and
Markdown.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from duban.extract.model import Deduction, DeductionRule, Plan, Target, Task
from duban.extract.model import Warning as PlanWarning

if TYPE_CHECKING:
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | None

TABLE_HEADINGS = ("序号", "任务", "牵头单位", "配合单位", "目标要求", "量化目标", "分值", "完成时限")
CSV_HEADINGS = (
    "序号",
    "路径",
    "任务",
    "牵头单位",
    "配合单位",
    "责任单位",
    "目标要求",
    "量化目标",
    "分值",
    "完成时限",
)
DEDUCTION_HEADINGS = ("序号", "扣分项目", "扣分规则")
WARNING_HEADINGS = ("任务序号", "级别", "代码", "说明")
SEVERITY_LABELS = {"error": "严重", "warning": "提示"}

_CMP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}
_CHANGE_WORDS = {"increase": "提高", "decrease": "下降"}
_UNIT_SEPARATOR = "、"


# ---------------------------------------------------------------------------------------------
# Shared rendering of single fields


def number(v: float | None) -> int | float | None:
    """18.0 → 18, as a clerk types it; other values unchanged."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def number_text(v: float | None) -> str:
    n = number(v)
    return "" if n is None else str(n)


def render_target(t: Target) -> str:
    """Target("调处成功率", ">=", 95, "%", by="2015") → "调处成功率≥95%（2015年）"."""
    text = f"{t.metric}{_CHANGE_WORDS.get(t.change or '', '')}{_CMP_SIGNS.get(t.cmp, t.cmp)}"
    text += f"{number_text(t.value)}{t.unit or ''}"
    if t.by:
        text += f"（{t.by}年）" if re.fullmatch(r"\d{4}", t.by) else f"（{t.by}）"
    return text


def render_rule(r: DeductionRule) -> str:
    """DeductionRule(-20, threshold=">0.6", step=0.1, step_points=-10, cap=-50) →
    ">0.6时扣20分，每0.1再扣10分，最多扣50分"."""

    def points(v: float) -> str:
        return f"{'扣' if v < 0 else '加'}{number_text(abs(v))}分"

    text = f"{r.level}：" if r.level else ""
    if r.threshold:
        text += f"{_threshold_text(r.threshold)}时"
    text += points(r.points)
    if r.per:
        text += f"/{r.per}"
    if r.step is not None and r.step_points is not None:
        text += f"，每{number_text(r.step)}再{points(r.step_points)}"
    if r.cap is not None:
        text += f"，最多{points(r.cap)}"
    return text


def _threshold_text(threshold: str) -> str:
    for cmp in (">=", "<=", ">", "<", "="):
        if threshold.startswith(cmp):
            return _CMP_SIGNS[cmp] + threshold[len(cmp) :]
    return threshold


def render_deduction(d: Deduction) -> str:
    return "；".join(render_rule(r) for r in d.rules)


def deadline_text(task: Task) -> str:
    # The printed words ("2019年11月底", "常态化实施") are what a clerk expects to read back;
    # the ISO date only when the document's words were not kept.
    return task.deadline_text or task.deadline or ""


def has_roles(plan: Plan) -> bool:
    """Whether the document says which units lead (else only `units` is meaningful)."""
    return any(t.lead is not None for t in plan.tasks)


def plan_title(plan: Plan) -> str:
    return plan.title or plan.source or "责任分解表"


def plan_facts(plan: Plan) -> str:
    """The line under the title: 文号 · 日期 · 总分, those that are known."""
    facts = []
    if plan.doc_number:
        facts.append(f"文号：{plan.doc_number}")
    if plan.date:
        facts.append(f"日期：{plan.date}")
    if plan.total_points is not None:
        facts.append(f"总分：{number_text(plan.total_points)}分")
    return "　".join(facts)


# ---------------------------------------------------------------------------------------------
# The responsibility table shared by Excel and Markdown


def table_headings(plan: Plan) -> tuple[str, ...]:
    if has_roles(plan):
        return TABLE_HEADINGS
    # Without lead/partner roles the units are simply responsible: head the column so.
    return tuple("责任单位" if h == "牵头单位" else h for h in TABLE_HEADINGS)


def table_row(task: Task, *, roles: bool) -> tuple[Cell, ...]:
    """One task as the cells under `table_headings`."""
    if roles and task.lead is not None:
        lead = _UNIT_SEPARATOR.join(task.lead)
        partners = _UNIT_SEPARATOR.join(task.partners or ())
        # Units in neither list hold another printed role (实施单位, 责任单位 beside 牵头单位):
        # keep them visible rather than silently dropping them.
        named = set(task.lead) | set(task.partners or ())
        others = [u for u in task.units if u not in named]
        if others:
            partners = "\n".join(p for p in (partners, "责任单位：" + _UNIT_SEPARATOR.join(others)) if p)
    else:
        lead, partners = _UNIT_SEPARATOR.join(task.units), ""
    # A task without a printed title is its text; do not print the text twice.
    name, requirement = (task.title, task.text) if task.title else (task.text, "")
    targets = "\n".join(render_target(t) for t in task.targets)
    return (task.id, name, lead, partners, requirement, targets, number(task.points), deadline_text(task))


@dataclass(frozen=True)
class Section:
    """A run of consecutive tasks under one path; `headings` are the path levels to print
    before it (the levels that changed), each with its depth."""

    path: tuple[str, ...]
    headings: tuple[tuple[int, str], ...]
    tasks: tuple[Task, ...]


def sections(tasks: Sequence[Task]) -> Iterator[Section]:
    before: tuple[str, ...] = ()
    run: list[Task] = []
    for task in tasks:
        if run and task.path != run[0].path:
            yield _section(run, before)
            before, run = run[0].path, []
        run.append(task)
    if run:
        yield _section(run, before)


def _section(run: list[Task], before: tuple[str, ...]) -> Section:
    path = run[0].path
    depth = 0
    while depth < min(len(path), len(before)) and path[depth] == before[depth]:
        depth += 1
    if depth == len(path) and path:
        # Back up to an enclosing level ("一、" after its "(一)"): repeat its heading, or the
        # tasks would read as belonging to the subsection above them.
        depth = len(path) - 1
    return Section(path, tuple((i, path[i]) for i in range(depth, len(path))), tuple(run))


def plan_and_parts(plan: Plan) -> tuple[Plan, ...]:
    return (plan, *plan.parts)


# ---------------------------------------------------------------------------------------------
# JSON and CSV


def to_json(plan: Plan) -> str:
    return plan.to_json()


def to_csv(plan: Plan) -> str:
    """One row per task, every field; UTF-8 BOM first so Excel opens it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADINGS)
    for p in plan_and_parts(plan):
        # Tasks of a part carry the part's title as the first step of their path.
        prefix = (plan_title(p),) if p is not plan else ()
        for t in p.tasks:
            writer.writerow(
                csv_safe(v)
                for v in (
                    t.id,
                    " / ".join(prefix + t.path),
                    t.title or "",
                    _UNIT_SEPARATOR.join(t.lead or ()),
                    _UNIT_SEPARATOR.join(t.partners or ()),
                    _UNIT_SEPARATOR.join(t.units),
                    t.text,
                    "；".join(render_target(x) for x in t.targets),
                    number_text(t.points),
                    deadline_text(t),
                )
            )
    return "\ufeff" + out.getvalue()


# ---------------------------------------------------------------------------------------------
# Markdown


def md_cell(value: Cell) -> str:
    """A cell's text made safe inside a Markdown table row."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def _md_table(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[str]:
    lines = ["| " + " | ".join(md_cell(h) for h in headings) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headings) + "|")
    lines.extend("| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows)
    return lines


def _md_heading(level: int, text: str) -> str:
    return "#" * min(level, 6) + " " + re.sub(r"\s+", " ", text).strip()


def to_markdown(plan: Plan) -> str:
    blocks = [_md_plan(p) for p in plan_and_parts(plan)]
    return "\n\n---\n\n".join(blocks) + "\n"


def _md_plan(plan: Plan) -> str:
    lines = [_md_heading(1, plan_title(plan))]
    if facts := plan_facts(plan):
        lines += ["", facts]
    headings, roles = table_headings(plan), has_roles(plan)
    for section in sections(plan.tasks):
        for depth, heading in section.headings:
            lines += ["", _md_heading(depth + 2, heading)]
        lines += ["", *_md_table(headings, [table_row(t, roles=roles) for t in section.tasks])]
    if not plan.tasks:
        lines += ["", "（未提取到任务）"]
    if plan.deductions:
        rows: list[tuple[Cell, ...]] = [(d.id, d.item, render_deduction(d)) for d in plan.deductions]
        lines += ["", _md_heading(2, "负面清单"), "", *_md_table(DEDUCTION_HEADINGS, rows)]
    if plan.warnings:
        rows = [warning_row(w) for w in plan.warnings]
        lines += ["", _md_heading(2, "问题"), "", *_md_table(WARNING_HEADINGS, rows)]
    return "\n".join(lines)


def warning_row(w: PlanWarning) -> tuple[Cell, ...]:
    return (w.task or "", SEVERITY_LABELS.get(w.severity, w.severity), w.code, w.message)


# ---------------------------------------------------------------------------------------------
# Excel

FONT_NAME = "宋体"  # by name only: the clerk's Office has it; nothing is embedded
_LINE_HEIGHT = 16.5  # points per wrapped line of 11-point 宋体, with room for taller stand-in fonts
_MAX_ROW_HEIGHT = 409  # Excel's limit
# (least, most) column width in Excel's character units, by heading.
_WIDTHS = {
    "序号": (5, 8), "任务": (12, 40), "牵头单位": (10, 24), "责任单位": (10, 26), "配合单位": (8, 26),
    "目标要求": (8, 50), "量化目标": (10, 28), "分值": (5, 8), "完成时限": (8, 16),
    "扣分项目": (12, 40), "扣分规则": (20, 60), "任务序号": (8, 10), "级别": (6, 6), "代码": (10, 24),
    "说明": (20, 70), "所属清单": (10, 30),
}  # fmt: skip
_CENTERED = frozenset({"序号", "分值", "任务序号", "级别"})
_ID_HEADINGS = frozenset({"序号", "任务序号"})
_HEADER_FILL = "D9D9D9"
_SECTION_FILLS = ("DDEBF7", "EDF4FB")  # top level, deeper levels: light enough to print


def to_xlsx(plan: Plan) -> bytes:
    """The responsibility table as a workbook: one sheet for the plan and one per part, then
    负面清单 and 问题 when there are deductions or warnings."""
    # Imported here: openpyxl takes a while to import and only this export needs it.
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
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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


def display_width(text: str) -> int:
    """Width in Excel character units: CJK characters are about two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _as_text(cell: Any, value: object) -> None:
    """Document text is never a formula: "=HYPERLINK(…)" in an imported document stays text."""
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """Spreadsheets run a CSV cell starting with = + - @ as a formula: quote it as text."""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA):
        return "'" + value
    return value


class SheetWriter:
    """Writes one table to a worksheet row by row, then sizes and sets it up for printing."""

    def __init__(self, ws: Worksheet) -> None:
        from openpyxl.styles import Border, Font, Side

        self.ws = ws
        self.next_row = 1
        self.width = 1  # columns the table spans, known from the title or the header
        self.headings: tuple[str, ...] = ()
        self.header_row = 0
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=FONT_NAME, size=11)
        self.bold = Font(name=FONT_NAME, size=11, bold=True)
        # (row, cells) of every data row, and section rows, for sizing at the end
        self.rows: list[tuple[int, tuple[str, ...]]] = []
        self.section_rows: list[tuple[int, str]] = []

    def _merged(
        self,
        text: str,
        *,
        font: Font,
        height: float | None,
        fill: str | None = None,
        indent: int = 0,
        horizontal: str = "left",
        border: bool = True,
    ) -> int:
        """A row merged across the table: the title, the facts line, a section heading."""
        from openpyxl.styles import Alignment, PatternFill

        r, last = self.next_row, max(1, self.width)
        for col in range(1, last + 1):
            cell = self.ws.cell(row=r, column=col)
            if border:
                cell.border = self.border
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
        first = self.ws.cell(row=r, column=1, value=text)
        _as_text(first, text)
        first.font = font
        first.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True, indent=indent)
        if last > 1:
            self.ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
        if height:
            self.ws.row_dimensions[r].height = height
        self.next_row += 1
        return r

    def title(self, text: str, facts: str, *, width: int) -> None:
        from openpyxl.styles import Font

        self.width = width
        title_font = Font(name=FONT_NAME, size=16, bold=True)
        self._merged(text, font=title_font, height=36, horizontal="center", border=False)
        if facts:
            self._merged(facts, font=self.font, height=20, horizontal="right", border=False)

    def header(self, headings: Sequence[str]) -> None:
        from openpyxl.styles import Alignment, PatternFill

        self.headings = tuple(headings)
        self.width = len(self.headings)
        self.header_row = r = self.next_row
        for col, h in enumerate(self.headings, start=1):
            cell = self.ws.cell(row=r, column=col, value=h)
            cell.font = self.bold
            cell.border = self.border
            cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.ws.row_dimensions[r].height = 24
        self.next_row += 1

    def section(self, depth: int, text: str) -> None:
        fill = _SECTION_FILLS[min(depth, len(_SECTION_FILLS) - 1)]
        r = self._merged(text, font=self.bold, height=None, fill=fill, indent=depth)
        self.section_rows.append((r, text))

    def row(self, cells: Sequence[Cell]) -> None:
        from openpyxl.styles import Alignment

        r = self.next_row
        for col, (h, value) in enumerate(zip(self.headings, cells, strict=True), start=1):
            if h in _ID_HEADINGS and isinstance(value, str) and value.isdigit():
                value = int(value)  # Excel flags digits stored as text, and sorts them as text
            cell = self.ws.cell(row=r, column=col, value=None if value == "" else value)
            _as_text(cell, value)
            cell.font = self.font
            cell.border = self.border
            horizontal = "center" if h in _CENTERED else "left"
            cell.alignment = Alignment(horizontal=horizontal, vertical="top", wrap_text=True)
        self.rows.append((r, tuple("" if c is None else str(c) for c in cells)))
        self.next_row += 1

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.properties import PageSetupProperties

        widths = self._column_widths()
        for col, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(col)].width = w
        # openpyxl cannot ask Excel to fit row heights, and Excel does not on opening a file:
        # estimate from the wrapped line count so long requirements are not cut off in print.
        for r, cells in self.rows:
            lines = max((_line_count(c, w) for c, w in zip(cells, widths, strict=True)), default=1)
            self.ws.row_dimensions[r].height = min(_MAX_ROW_HEIGHT, lines * _LINE_HEIGHT + 4)
        for r, text in self.section_rows:
            self.ws.row_dimensions[r].height = _line_count(text, sum(widths)) * _LINE_HEIGHT + 6

        ws = self.ws
        ws.freeze_panes = ws.cell(row=self.header_row + 1, column=1).coordinate
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as it takes
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        if ws.oddFooter is not None:
            ws.oddFooter.center.text = "第 &P 页，共 &N 页"

    def _column_widths(self) -> list[float]:
        widths = []
        for col, h in enumerate(self.headings):
            least, most = _WIDTHS.get(h, (8, 30))
            longest = max(
                (display_width(line) for _, cells in self.rows for line in cells[col].split("\n")),
                default=0,
            )
            widths.append(float(min(most, max(least, display_width(h) + 2, longest + 2))))
        return widths


def _line_count(text: str, width: float) -> int:
    usable = max(1, int(width) - 1)
    return sum(max(1, -(-display_width(line) // usable)) for line in text.split("\n"))
