"""The one Excel writer (duban.office.xlsx): plain tables as workbooks that look and print like
the responsibility table, read back with openpyxl."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from duban.office.xlsx import Table, display_width, table_to_xlsx, workbook

UNITS = Table(
    "单位名录",
    ("序号", "单位", "说明"),
    [("1", "区公安分局", "负责社会治安\n负责交通管理"), ("2", "区司法局", None), (3, "区民政局", 12.5)],
    facts="导出日期：2025-03-01",
    sheet="单位",
)


def sheets(data: bytes) -> list[Worksheet]:
    return list(load_workbook(io.BytesIO(data)).worksheets)


def only_sheet(table: Table = UNITS) -> Worksheet:
    (ws,) = sheets(table_to_xlsx(table))
    return ws


def test_it_writes_title_facts_header_and_rows() -> None:
    ws = only_sheet()
    assert [c.value for c in ws["A"]][:3] == ["单位名录", "导出日期：2025-03-01", "序号"]
    assert [c.value for c in ws[3]] == ["序号", "单位", "说明"]
    # Digits under 序号 become numbers (Excel flags and sorts digits stored as text); an empty
    # cell stays empty; numbers stay numbers.
    assert [c.value for c in ws[4]] == [1, "区公安分局", "负责社会治安\n负责交通管理"]
    assert [c.value for c in ws[5]] == [2, "区司法局", None]
    assert [c.value for c in ws[6]] == [3, "区民政局", 12.5]


def test_it_merges_the_title_and_facts_across_the_table() -> None:
    merged = {str(r) for r in only_sheet().merged_cells.ranges}
    assert merged == {"A1:C1", "A2:C2"}


def test_it_styles_the_header_and_the_cells() -> None:
    ws = only_sheet()
    header, cell = ws["B3"], ws["B4"]
    assert header.font.bold and header.font.name == "宋体"
    assert header.fill.fgColor.rgb.endswith("D9D9D9")
    assert cell.font.name == "宋体" and not cell.font.bold
    assert cell.alignment.wrap_text and cell.border.left.style == "thin"
    assert ws["A4"].alignment.horizontal == "center"  # 序号 is centred


def test_it_sets_up_printing_with_the_header_repeated() -> None:
    ws = only_sheet()
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0


def test_it_makes_rows_with_more_lines_taller() -> None:
    ws = only_sheet()
    assert ws.row_dimensions[4].height > ws.row_dimensions[5].height


def test_it_writes_text_starting_with_equals_as_text() -> None:
    evil = '=HYPERLINK("http://x.example","点我")'
    ws = only_sheet(Table(evil, ("单位",), [(evil,)]))
    assert ws["A1"].value == evil and ws["A1"].data_type == "s"
    assert ws["A3"].value == evil and ws["A3"].data_type == "s"


def test_it_writes_one_sheet_per_table_with_unique_safe_names() -> None:
    tables = [
        Table("甲", ("单位",), [("区公安分局",)], sheet="报送/概况"),
        Table("乙", ("单位",), [], sheet="报送/概况"),
        Table("丙", ("单位",), [], sheet=""),
    ]
    names = [ws.title for ws in sheets(workbook(tables))]
    assert names[0] == "报送概况"
    assert len(set(names)) == 3 and all(len(n) <= 31 for n in names)


@pytest.mark.parametrize(("text", "width"), [("", 0), ("abc", 3), ("公安局", 6), ("A区", 3), ("（一）", 6)])
def test_it_counts_chinese_characters_as_two_columns(text: str, width: int) -> None:
    assert display_width(text) == width
