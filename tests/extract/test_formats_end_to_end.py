"""Whole documents in each real format, made by real libraries, through extract()."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from duban.extract import extract

HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
ROWS = [
    ["一、基层治理", "一、基层治理", "一、基层治理", "一、基层治理", "一、基层治理"],
    [
        "1",
        "完善网格化管理，到2025年网格覆盖率达到100%",
        "区委政法委",
        "区民政局、区公安分局",
        "2025年6月底前",
    ],
    ["2", "建立矛盾纠纷排查机制", "区司法局", "区信访局", "常态化实施"],
    ["二、公共安全", "二、公共安全", "二、公共安全", "二、公共安全", "二、公共安全"],
    ["3", "开展消防安全专项整治", "区应急局", "各街道", "2025年底前"],
]


def _check(plan_tasks: tuple) -> None:  # type: ignore[type-arg]
    got = [(t.id, t.path, t.lead, t.partners, t.deadline) for t in plan_tasks]
    assert got == [
        ("1", ("一、基层治理",), ("区委政法委",), ("区民政局", "区公安分局"), "2025-06-30"),
        ("2", ("一、基层治理",), ("区司法局",), ("区信访局",), None),
        ("3", ("二、公共安全",), ("区应急局",), ("各街道",), "2025-12-31"),
    ]
    assert [(x.cmp, x.value, x.unit) for x in plan_tasks[0].targets] == [(">=", 100, "%")]


def test_it_reads_a_docx_task_table_with_merged_heading_rows(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("XX区2025年平安建设重点任务分解方案")
    table = d.add_table(rows=1 + len(ROWS), cols=5)
    for c, h in enumerate(HEADER):
        table.cell(0, c).text = h
    for r, row in enumerate(ROWS, start=1):
        if row[0] == row[1]:
            merged = table.cell(r, 0).merge(table.cell(r, 4))
            merged.text = row[0]
        else:
            for c, v in enumerate(row):
                table.cell(r, c).text = v
    path = tmp_path / "plan.docx"
    d.save(str(path))
    plan = extract(path)
    assert plan.title == "XX区2025年平安建设重点任务分解方案"
    _check(plan.tasks)


def test_it_reads_an_xlsx_task_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["XX区2025年平安建设重点任务分解方案"])
    ws.append(HEADER)
    for r, row in enumerate(ROWS, start=3):
        ws.append(row)
        if row[0] == row[1]:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    path = tmp_path / "plan.xlsx"
    wb.save(str(path))
    _check(extract(path).tasks)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_it_reads_an_html_table_with_rowspan(tmp_path: Path, encoding: str) -> None:
    rows = "".join(
        f'<tr><td colspan="5">{r[0]}</td></tr>'
        if r[0] == r[1]
        else "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
        for r in ROWS
    )
    page = (
        f'<html><head><meta charset="{encoding}"><title>x</title></head><body>'
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/zc">政策文件</a></div>'
        "<h1>XX区2025年平安建设重点任务分解方案</h1>"
        "<table border=1><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>" + rows + "</table>"
        '<div class="footer">版权所有 © XX区人民政府</div></body></html>'
    )
    path = tmp_path / "plan.html"
    path.write_bytes(page.encode(encoding))
    _check(extract(path).tasks)
