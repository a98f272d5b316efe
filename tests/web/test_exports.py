"""Exports: every format opens with the real library, honours the page's filters and access, and
is named and typed so browsers and Office handle it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.office.docx import clean
from duban.plans.models import Plan
from duban.units.models import Unit

from .test_unit_views import SECOND_PLAN, TASK_CAMERAS, TASK_DISPUTES, TASK_GRID, client_for, import_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    "xlsx": XLSX,
    "docx": DOCX,
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
DOCX_HEADINGS = ["序号", "任务", "牵头单位", "配合单位", "目标要求", "完成时限"]


def unit_pk(name: str) -> int:
    return Unit.objects.get(name=name).pk


def get(user: User, url: str, **params: Any) -> Any:
    return client_for(user).get(url, params)


# --- readers: each opens a file with the library a user's program would use ----------------


def xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def xlsx_merged_texts(data: bytes) -> list[str]:
    """The text of every merged row below the header (section headings)."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [str(ws.cell(r.min_row, r.min_col).value) for r in ws.merged_cells.ranges if r.min_row > 2]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def docx_table(data: bytes) -> Any:
    from docx import Document

    return Document(io.BytesIO(data)).tables[0]


def docx_texts(data: bytes) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in docx_table(data).rows]


def task_rows(fmt: str, data: bytes) -> list[str]:
    """The task texts of an exported plan, whatever the format."""
    if fmt == "xlsx":
        rows = xlsx_rows(data)
        start = next(i for i, r in enumerate(rows) if r[0] == "序号") + 1
        return [str(r[1]) for r in rows[start:] if r[2] is not None]
    if fmt == "csv":
        return [r[6] for r in csv_rows(data)[1:]]
    if fmt == "json":
        return [t["text"] for t in json.loads(data)["tasks"]]
    texts = docx_texts(data)
    return [r[1] for r in texts[1:] if len(set(r)) > 1]  # merged section rows repeat one text


# ---------------------------------------------------------------------------------------------
# One plan


def test_it_exports_a_plan_as_the_standard_xlsx_table(users: dict[str, User], small_plan: Plan) -> None:
    response = get(users["manager"], f"/exports/plan/{small_plan.pk}.xlsx")
    rows = xlsx_rows(response.content)
    assert rows[0][0] == small_plan.title
    header = next(r for r in rows if r[0] == "序号")
    assert header == ("序号", "任务", "牵头单位", "配合单位", "目标要求", "量化目标", "分值", "完成时限")
    assert "一、基层治理" in xlsx_merged_texts(response.content)
    grid = next(r for r in rows if r[0] == 1)
    assert TASK_GRID in grid[1] and grid[2] == "区委政法委" and grid[3] == "区民政局、区公安分局"
    assert grid[5] == "网格覆盖率≥100%（2025年）"


def test_it_exports_a_plan_as_csv(users: dict[str, User], small_plan: Plan) -> None:
    rows = csv_rows(get(users["manager"], f"/exports/plan/{small_plan.pk}.csv").content)
    assert rows[0][:5] == ["序号", "路径", "任务", "牵头单位", "配合单位"]
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    assert rows[2][3] == "区司法局" and TASK_DISPUTES in rows[2][6]


def test_it_exports_a_plan_as_duban_plan_json(users: dict[str, User], small_plan: Plan) -> None:
    data = json.loads(get(users["manager"], f"/exports/plan/{small_plan.pk}.json").content)
    assert data["schema"] == "duban.plan/1"
    assert data["title"] == small_plan.title
    assert [t["lead"] for t in data["tasks"]] == [["区委政法委"], ["区司法局"]]
    assert data["tasks"][0]["targets"][0] == {
        "metric": "网格覆盖率",
        "cmp": ">=",
        "value": 100,
        "unit": "%",
        "change": None,
        "by": "2025",
    }


def test_it_exports_a_plan_as_a_printable_word_table(users: dict[str, User], small_plan: Plan) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    data = get(users["manager"], f"/exports/plan/{small_plan.pk}.docx").content
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text == small_plan.title
    title_fonts = doc.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "黑体"
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    texts = docx_texts(data)
    assert texts[0] == DOCX_HEADINGS
    assert texts[1] == ["一、基层治理"] * 6  # a section row merged across the table
    grid = texts[2]
    assert grid[0] == "1" and TASK_GRID in grid[1] and grid[2] == "区委政法委"
    assert grid[3] == "区民政局、区公安分局" and "网格覆盖率≥100%（2025年）" in grid[4]
    header_row = docx_table(data).rows[0]._tr
    assert header_row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None  # repeats on every page
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_it_prints_a_plan_without_roles_with_a_responsible_column(users: dict[str, User]) -> None:
    text = "XX区工作要点\n一、重点工作\n1、开展矛盾纠纷大排查。责任单位：区司法局、区信访局\n".encode()
    plan = import_plan(users["manager"], "roles.txt", text)
    texts = docx_texts(get(users["manager"], f"/exports/plan/{plan.pk}.docx").content)
    assert texts[0] == ["序号", "任务", "责任单位", "目标要求", "完成时限"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "docx"])
def test_it_honours_the_plan_page_filters(users: dict[str, User], small_plan: Plan, fmt: str) -> None:
    everything = task_rows(fmt, get(users["manager"], f"/exports/plan/{small_plan.pk}.{fmt}").content)
    filtered = task_rows(fmt, get(users["manager"], f"/exports/plan/{small_plan.pk}.{fmt}", q="矛盾").content)
    assert len(everything) == 2
    assert len(filtered) == 1 and TASK_DISPUTES in filtered[0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "docx"])
def test_it_filters_an_export_by_unit_and_role(users: dict[str, User], small_plan: Plan, fmt: str) -> None:
    params = {"unit": str(unit_pk("区公安分局")), "role": "partner"}
    rows = task_rows(fmt, get(users["manager"], f"/exports/plan/{small_plan.pk}.{fmt}", **params).content)
    assert len(rows) == 1 and TASK_GRID in rows[0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "docx"])
def test_it_names_and_types_the_download(users: dict[str, User], small_plan: Plan, fmt: str) -> None:
    response = get(users["manager"], f"/exports/plan/{small_plan.pk}.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(small_plan.title + '.' + fmt)}" in disposition
    assert f'filename="plan-{small_plan.pk}.{fmt}"' in disposition
    assert "no-store" in response["Cache-Control"]


def test_it_marks_a_filtered_download_in_its_name(users: dict[str, User], small_plan: Plan) -> None:
    response = get(users["manager"], f"/exports/plan/{small_plan.pk}.xlsx", q="矛盾")
    assert quote(f"{small_plan.title}（筛选）.xlsx") in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("manager", 200),
        ("leader", 200),
        ("reporter", 200),
        ("other_manager", 404),
        ("outsider", 404),
    ],
)
def test_it_lets_only_who_may_see_the_plan_export_it(
    users: dict[str, User], small_plan: Plan, who: str, status: int
) -> None:
    assert get(users[who], f"/exports/plan/{small_plan.pk}.xlsx").status_code == status


def test_it_exports_to_a_reporter_only_the_tasks_its_unit_answers_for(
    users: dict[str, User], small_plan: Plan
) -> None:
    rows = task_rows("csv", get(users["reporter"], f"/exports/plan/{small_plan.pk}.csv").content)
    assert len(rows) == 1 and TASK_GRID in rows[0]


@pytest.mark.parametrize(
    "url",
    [
        "/exports/plan/999999.xlsx",
        "/exports/plan/PLAN.pdf",
        "/exports/plan/PLAN.md",
        "/exports/plans.docx",
        "/exports/unit/999999.xlsx",
        "/exports/unit/UNIT.json",
        "/exports/units.json",
        "/exports/workload.docx",
    ],
)
def test_it_gives_404_for_a_missing_object_or_format(
    users: dict[str, User], small_plan: Plan, url: str
) -> None:
    url = url.replace("PLAN", str(small_plan.pk)).replace("UNIT", str(unit_pk("区公安分局")))
    assert get(users["admin"], url).status_code == 404


def test_it_sends_anonymous_users_to_log_in(small_plan: Plan) -> None:
    response = Client().get(f"/exports/plan/{small_plan.pk}.xlsx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_only_reads(users: dict[str, User], small_plan: Plan) -> None:
    client = client_for(users["manager"])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    for url in [
        f"/exports/plan/{small_plan.pk}.docx",
        "/exports/plans.json",
        "/exports/workload.csv",
        f"/exports/unit/{unit_pk('区公安分局')}.docx",
        "/exports/units.xlsx",
    ]:
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------------------------------------
# The plan list


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_exports_the_plan_list(users: dict[str, User], small_plan: Plan, fmt: str) -> None:
    data = get(users["manager"], f"/exports/plans.{fmt}").content
    rows = [list(r) for r in (xlsx_rows(data) if fmt == "xlsx" else csv_rows(data))]
    header = rows.index(next(r for r in rows if r[0] == "名称"))
    assert rows[header] == ["名称", "文号", "发文日期", "版本", "任务数"]
    assert [r[0] for r in rows[header + 1 :]] == [small_plan.title]
    assert str(rows[header + 1][4]) == "2"


def test_it_exports_the_plan_list_as_json(users: dict[str, User], small_plan: Plan) -> None:
    data = json.loads(get(users["manager"], "/exports/plans.json").content)
    assert data["plans"] == [
        {
            "id": small_plan.pk,
            "title": small_plan.title,
            "doc_number": "",
            "date": None,
            "version": 1,
            "tasks": 2,
        }
    ]


@pytest.mark.parametrize(
    ("who", "count"), [("manager", 1), ("other_manager", 0), ("reporter", 1), ("outsider", 0)]
)
def test_it_exports_only_the_plans_the_user_sees(
    users: dict[str, User], small_plan: Plan, who: str, count: int
) -> None:
    assert len(json.loads(get(users[who], "/exports/plans.json").content)["plans"]) == count


def test_it_counts_a_reporters_plan_tasks_in_full(users: dict[str, User], small_plan: Plan) -> None:
    small_plan.shared_with_all = True
    small_plan.save()
    (row,) = json.loads(get(users["reporter"], "/exports/plans.json").content)["plans"]
    assert row["tasks"] == 2


# ---------------------------------------------------------------------------------------------
# One unit's 责任清单


@pytest.fixture
def second_plan(users: dict[str, User], small_plan: Plan) -> Plan:
    return import_plan(users["manager"], "second.txt", SECOND_PLAN)


UNIT_SECTIONS: dict[str, Callable[[bytes], list[str]]] = {
    "xlsx": xlsx_merged_texts,
    "csv": lambda data: [r[1].split(" / ")[0] for r in csv_rows(data)[1:]],
    "docx": lambda data: [r[0] for r in docx_texts(data)[1:] if len(set(r)) == 1],
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
def test_it_exports_a_units_list_with_lead_and_partner_sections(
    users: dict[str, User], second_plan: Plan, fmt: str
) -> None:
    data = get(users["reporter"], f"/exports/unit/{unit_pk('区公安分局')}.{fmt}").content
    headings = UNIT_SECTIONS[fmt](data)
    assert "一、牵头任务" in headings and "二、配合及其他任务" in headings
    assert headings.index("一、牵头任务") < headings.index("二、配合及其他任务")
    tasks = task_rows(fmt if fmt != "csv" else "csv", data)
    assert len(tasks) == 2 and TASK_CAMERAS in tasks[0] and TASK_GRID in tasks[1]


def test_it_names_a_units_list_after_the_unit(users: dict[str, User], small_plan: Plan) -> None:
    response = get(users["reporter"], f"/exports/unit/{unit_pk('区公安分局')}.docx")
    assert response["Content-Type"] == DOCX
    assert f"filename*=UTF-8''{quote('区公安分局责任清单.docx')}" in response["Content-Disposition"]
    assert docx_texts(response.content)[0] == DOCX_HEADINGS


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("reporter", "区公安分局", 200),
        ("reporter", "区司法局", 404),
        ("other_reporter", "区公安分局", 404),
        ("outsider", "区公安分局", 404),
        ("leader", "区司法局", 200),
    ],
)
def test_it_lets_only_who_may_see_the_unit_export_its_list(
    users: dict[str, User], small_plan: Plan, who: str, target: str, status: int
) -> None:
    assert get(users[who], f"/exports/unit/{unit_pk(target)}.xlsx").status_code == status


def test_it_leaves_out_of_a_units_list_the_plans_the_viewer_may_not_see(
    users: dict[str, User], small_plan: Plan
) -> None:
    data = get(users["other_manager"], f"/exports/unit/{unit_pk('区公安分局')}.csv").content
    assert csv_rows(data)[1:] == []


# ---------------------------------------------------------------------------------------------
# The directory and the workload


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_exports_the_directory_with_counts(users: dict[str, User], second_plan: Plan, fmt: str) -> None:
    data = get(users["admin"], f"/exports/units.{fmt}").content
    rows = [
        [str(c) if c is not None else "" for c in r]
        for r in (xlsx_rows(data) if fmt == "xlsx" else csv_rows(data))
    ]
    assert ["名称", "类型", "上级单位", "别名", "牵头", "配合", "责任/实施"] in rows
    police = next(r for r in rows if r[0] == "区公安分局")
    assert police[1] == "部门" and police[4:] == ["1", "1", "0"]


@pytest.mark.parametrize(("who", "names"), [("reporter", ["区公安分局"]), ("other_reporter", ["区司法局"])])
def test_it_exports_to_a_reporter_its_own_unit_only(
    users: dict[str, User], small_plan: Plan, who: str, names: list[str]
) -> None:
    rows = csv_rows(get(users[who], "/exports/units.csv").content)
    assert [r[0] for r in rows[1:]] == names


def test_it_honours_the_directory_search(users: dict[str, User], small_plan: Plan) -> None:
    rows = csv_rows(get(users["admin"], "/exports/units.csv", q="公安").content)
    assert [r[0] for r in rows[1:]] == ["区公安分局"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_exports_the_workload(users: dict[str, User], small_plan: Plan, fmt: str) -> None:
    data = get(users["leader"], f"/exports/workload.{fmt}").content
    rows = [
        [str(c) if c is not None else "" for c in r]
        for r in (xlsx_rows(data) if fmt == "xlsx" else csv_rows(data))
    ]
    header = next(r for r in rows if r[0] == "单位")
    assert header[2:4] == [f"{small_plan.title}·牵头", f"{small_plan.title}·配合"]
    justice = next(r for r in rows if r[0] == "区司法局")
    assert justice[2:4] == ["1", "0"]


def test_it_exports_one_plans_workload_by_section(users: dict[str, User], small_plan: Plan) -> None:
    rows = csv_rows(get(users["manager"], "/exports/workload.csv", plan=str(small_plan.pk)).content)
    assert rows[0][2:4] == ["一、基层治理·牵头", "一、基层治理·配合"]


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        ("reporter", {}, 404),
        ("outsider", {}, 404),
        ("other_manager", {"plan": "PLAN"}, 404),
        ("manager", {"plan": "999999"}, 404),
        ("manager", {"plan": "PLAN"}, 200),
    ],
)
def test_it_lets_only_the_office_and_leaders_export_the_workload(
    users: dict[str, User], small_plan: Plan, who: str, query: dict[str, str], status: int
) -> None:
    query = {k: v.replace("PLAN", str(small_plan.pk)) for k, v in query.items()}
    assert get(users[who], "/exports/workload.xlsx", **query).status_code == status


# ---------------------------------------------------------------------------------------------
# Hazards of document text


def test_it_keeps_a_title_that_looks_like_a_formula_as_text(users: dict[str, User], small_plan: Plan) -> None:
    from openpyxl import load_workbook

    small_plan.title = '=HYPERLINK("http://example.invalid")'
    small_plan.save()
    data = get(users["manager"], "/exports/plans.xlsx").content
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == small_plan.title)
    assert cell.data_type == "s"


def test_it_writes_a_word_file_even_with_control_characters(users: dict[str, User], small_plan: Plan) -> None:
    task = small_plan.tasks.get(number="1")
    task.text = "完善网格化管理\x0b，确保覆盖"
    task.save()
    texts = docx_texts(get(users["manager"], f"/exports/plan/{small_plan.pk}.docx").content)
    assert any("完善网格化管理，确保覆盖" in r[1] for r in texts)
    assert clean("a\x00b\x1fc") == "abc"
