"""Tracking downloads: the period overview as an Excel workbook and a .docx 通报 draft, every list
page as Excel, the 督办通知单; each opened with openpyxl or python-docx and read back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from docx import Document

from duban.accounts.models import User
from duban.notifications.actions import do_set_unit_channel
from duban.plans.models import Task
from duban.tracking.actions.orders import do_issue_order
from duban.tracking.models import OrderLevel
from duban.units.models import Unit

from . import test_views as shared
from .test_views import client_for, url

# The page tests' world, shared: the same users, plan, report, order and messages.
people, world = shared.people, shared.world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sheets(response: Any) -> dict[str, list[tuple[Any, ...]]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return {ws.title: [tuple(c.value for c in r) for r in ws.iter_rows()] for ws in wb.worksheets}


def rows_after_header(rows: list[tuple[Any, ...]], first_heading: str) -> list[tuple[Any, ...]]:
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_heading)
    return rows[start + 1 :]


def docx_text(response: Any) -> tuple[list[str], list[list[list[str]]]]:
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    doc = Document(io.BytesIO(response.content))
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    return [p.text for p in doc.paragraphs], tables


# ─── the period overview ──────────────────────────────────────────────────────────────────────


def test_it_exports_every_table_of_the_period_page_to_excel(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    book = sheets(client_for(people["manager"]).get(url("period_xlsx", world)))
    assert list(book) == ["概况", "各单位报送率", "未报送", "各部分", "单位灯色", "督办单", "报告接收"]
    assert rows_after_header(book["各单位报送率"], "单位") == [
        ("区司法局", 1, 0, 1, 0, 0, 0),
        ("区委政法委", 1, 1, 0, 100, 1, 100),
    ]
    assert rows_after_header(book["未报送"], "单位") == [
        ("区司法局", 2, "建立矛盾纠纷排查机制。", "2025-04-10")
    ]
    assert rows_after_header(book["各部分"], "部分") == [("一、基层治理", 2, 2, 1, 50, 2, 0, 0)]
    orders = rows_after_header(book["督办单"], "编号")
    assert [(r[0], r[1], r[4]) for r in orders] == [(world["order"].serial, "蓝色", "2025-03-10")]
    assert rows_after_header(book["报告接收"], "日期") == [("2025-03-01", 1)]
    facts = dict(r[:2] for r in rows_after_header(book["概况"], "项目"))
    assert facts["报送截止"] == "2025-04-10"


def test_it_narrows_the_period_export_to_what_the_viewer_may_see(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    # 区公安分局 answers for task 1 only: task 2's missing report is not its to see.
    book = sheets(client_for(people["reporter"]).get(url("period_xlsx", world)))
    assert rows_after_header(book["未报送"], "单位") == []
    assert len(rows_after_header(book["各单位报送率"], "单位")) == 2  # the rates are aggregate figures


def test_it_drafts_the_circular_as_docx(people: dict[str, User | None], world: dict[str, Any]) -> None:
    paragraphs, tables = docx_text(client_for(people["manager"]).get(url("period_docx", world)))
    assert paragraphs[:3] == [
        "关于2025年第一季度《XX区平安建设任务分解方案》落实情况的通报",
        "（草稿）",
        "2025年3月1日",
    ]
    text = "\n".join(paragraphs)
    assert "应报送任务报告 2 份，已报送 1 份，报送率 50%" in text
    assert "未办结督办单 1 件（红色 0 件、黄色 0 件、蓝色 1 件），其中逾期未回复 0 件" in text
    units, missing, orders = tables
    assert units == [
        ["单位", "应报", "已报", "报送率"],
        ["区司法局", "1", "0", "0%"],
        ["区委政法委", "1", "1", "100%"],
    ]
    assert missing == [["单位", "未报送数", "任务"], ["区司法局", "1", "2 建立矛盾纠纷排查机制。"]]
    assert orders[1][:2] == [world["order"].serial, "蓝色"]


def test_it_lists_overdue_reports_and_orders_in_the_circular_after_the_due_date(
    people: dict[str, User | None], world: dict[str, Any], frozen: Any
) -> None:
    from .conftest import at

    frozen(at(2025, 4, 15))
    paragraphs, tables = docx_text(client_for(people["manager"]).get(url("period_docx", world)))
    assert "三、逾期未报送单位" in paragraphs and "1 个单位 1 份报告逾期未报送。" in "\n".join(paragraphs)
    overdue_orders = tables[2]
    assert overdue_orders[1][0] == world["order"].serial and overdue_orders[1][5] == "待回复（已逾期）"


def test_it_writes_document_text_into_the_exports_as_text_never_a_formula(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    Task.objects.filter(pk=world["task2"].pk).update(title='=HYPERLINK("http://x","点我")')
    response = client_for(people["manager"]).get(url("period_xlsx", world))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [
        c for r in wb["未报送"].iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cells and all(c.data_type == "s" for c in cells)


# ─── the lists ────────────────────────────────────────────────────────────────────────────────


def test_it_exports_the_home_overview(people: dict[str, User | None], world: dict[str, Any]) -> None:
    book = sheets(client_for(people["manager"]).get("/tracking/?format=xlsx"))
    (row,) = rows_after_header(book["督办概览"], "方案")
    assert row[:6] == ("XX区平安建设任务分解方案", "2025年第一季度", "2025-04-10", 2, 1, 50)
    assert row[7:] == (1, 0, 0, 1, 0)


@pytest.mark.parametrize(("query", "serials"), [("", 2), ("&level=red", 1), ("&status=closed", 0)])
def test_it_exports_the_order_list_as_filtered(
    people: dict[str, User | None], world: dict[str, Any], query: str, serials: int
) -> None:
    do_issue_order(
        world["task"],
        [world["zfw"]],
        "紧急",
        dt.date(2025, 3, 4),
        level=OrderLevel.RED,
        acting_user=people["manager"],
    )
    book = sheets(client_for(people["manager"]).get(f"/tracking/orders/?format=xlsx{query}"))
    rows = rows_after_header(book["督办单"], "编号")
    assert len(rows) == serials
    assert all(r[3] == "XX区平安建设任务分解方案" for r in rows)


@pytest.mark.parametrize(
    ("name", "role", "sheet", "first_heading", "expected"),
    [
        ("review", "manager", "待审核", "方案", [("XX区平安建设任务分解方案", "2025年第一季度", 1)]),
        ("inbox", "reporter", "消息", "时间", [("督办通知",)]),
        ("deliveries", "admin", "发送失败", "消息时间", [("汇总",)]),
        (
            "periods",
            "manager",
            "报送周期",
            "名称",
            [("2025年第一季度",), ("2025年第二季度",), ("2025年第三季度",), ("2025年第四季度",)],
        ),
    ],
)
def test_it_exports_each_list_to_excel(
    people: dict[str, User | None],
    world: dict[str, Any],
    name: str,
    role: str,
    sheet: str,
    first_heading: str,
    expected: list[tuple[Any, ...]],
) -> None:
    book = sheets(client_for(people[role]).get(url(name, world) + "?format=xlsx"))
    rows = rows_after_header(book[sheet], first_heading)
    if name == "inbox":
        got = [(r[1],) for r in rows]
    elif name == "deliveries":
        got = [(r[1],) for r in rows]
        assert rows[0][-1] == "HTTP 500"
    else:
        got = [r[: len(expected[0])] for r in rows]
    assert got == expected


def test_it_never_exports_a_robots_signing_secret(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    do_set_unit_channel(
        Unit.objects.get(name="区委政法委"),
        "dingtalk",
        url="https://oapi.dingtalk.com/robot/send?a=1",
        secret="SECxyz",
        acting_user=people["admin"],
    )
    response = client_for(people["admin"]).get("/tracking/channels/?format=xlsx")
    book = sheets(response)
    rows = rows_after_header(book["通知渠道"], "单位")
    assert (
        "区委政法委",
        "钉钉机器人",
        "https://oapi.dingtalk.com/robot/send?a=1",
        None,
        "已设置",
        "是",
    ) in rows
    assert b"SECxyz" not in response.content


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("deliveries", "manager"),
        ("channels", "manager"),
        ("period_xlsx", "other_manager"),
        ("period_xlsx", "outsider"),
    ],
)
def test_it_refuses_exports_to_whoever_may_not_see_the_page(
    people: dict[str, User | None], world: dict[str, Any], name: str, role: str
) -> None:
    response = client_for(people[role]).get(url(name, world) + "?format=xlsx")
    assert response.status_code == 404


def test_it_prints_the_order_as_a_docx_notice(people: dict[str, User | None], world: dict[str, Any]) -> None:
    response = client_for(people["reporter"]).get(url("order_docx", world))
    paragraphs, tables = docx_text(response)
    assert paragraphs[0] == "督办通知单" and paragraphs[1] == world["order"].serial
    cells = {r[0]: r[1] for r in tables[0]}
    assert cells["督办事项"] == "请报送网格员配备整改措施"
    assert "%E7%9D%A3%E5%8A%9E%E9%80%9A%E7%9F%A5%E5%8D%95" in response["Content-Disposition"]  # 督办通知单


def test_it_needs_no_extra_client_to_read_the_exports(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    """Every tracking download is a plain attachment a browser saves as is (no inline rendering)."""
    c: Client = client_for(people["admin"])
    for link in (
        url("period_xlsx", world),
        url("period_docx", world),
        url("order_docx", world),
        url("orders", world) + "?format=xlsx",
    ):
        response = c.get(link)
        assert response["Content-Disposition"].startswith("attachment;"), link
        assert "no-store" in response["Cache-Control"], link
