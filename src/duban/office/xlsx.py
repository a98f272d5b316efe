"""The one Excel writer: every workbook duban hands out (the extractor's responsibility table, the
platform's lists, tracking and assessment downloads) is written by `SheetWriter`, so all look and
print alike: a title merged across the table, a grey header row repeated on every printed page,
thin borders, wrapped text, 宋体, columns and rows sized to their text, A4 landscape fit to width.

`Table` is a plain list with a title; `workbook` writes tables one sheet each. Text that starts
with "=" is always written as text, never a formula for Excel to run.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl is imported inside the functions that write: it takes a while to import, and the
# extractor's CLI needs it only for --format xlsx.

Cell = str | int | float | None

FONT_NAME = "宋体"  # by name only: the clerk's Office has it; nothing is embedded
_LINE_HEIGHT = 16.5  # points per wrapped line of 11-point 宋体, with room for taller stand-in fonts
_MAX_ROW_HEIGHT = 409  # Excel's limit
# (least, most) column width in Excel's character units, by heading.
_WIDTHS = {
    "序号": (5, 8),
    "任务": (12, 40),
    "牵头单位": (10, 24),
    "责任单位": (10, 26),
    "配合单位": (8, 26),
    "目标要求": (8, 50),
    "量化目标": (10, 28),
    "分值": (5, 8),
    "完成时限": (8, 16),
    "扣分项目": (12, 40),
    "扣分规则": (20, 60),
    "任务序号": (8, 10),
    "级别": (6, 6),
    "代码": (10, 24),
    "说明": (20, 70),
    "所属清单": (10, 30),
}
_CENTERED = frozenset({"序号", "分值", "任务序号", "级别"})
_ID_HEADINGS = frozenset({"序号", "任务序号"})
_HEADER_FILL = "D9D9D9"
_SECTION_FILLS = ("DDEBF7", "EDF4FB")  # top level, deeper levels: light enough to print


def display_width(text: str) -> int:
    """Width in Excel character units: CJK characters are about two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _as_text(cell: Any, value: object) -> None:
    """Document text is never a formula: "=HYPERLINK(…)" in an imported document stays text."""
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


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


@dataclass(frozen=True)
class Table:
    """A plain list to download: a title (and a line of facts under it), headings and rows."""

    title: str
    headings: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    facts: str = ""
    sheet: str = "Sheet1"


def table_to_xlsx(table: Table) -> bytes:
    return workbook([table])


def workbook(tables: Sequence[Table]) -> bytes:
    """Tables, one sheet each, written like every other workbook duban hands out."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    used: set[str] = set()
    for table in tables:
        name = re.sub(r"[\[\]:*?/\\]", "", table.sheet)[:31] or "Sheet1"
        while name in used:
            name = name[:28] + f"{len(used)}"
        used.add(name)
        sheet = SheetWriter(wb.create_sheet(name))
        sheet.title(table.title, table.facts, width=len(table.headings))
        sheet.header(table.headings)
        for row in table.rows:
            sheet.row(row)
        sheet.finish()
    return workbook_bytes(wb)


def workbook_bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
