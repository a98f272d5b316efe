"""The whole import in a real browser: upload a corpus document, correct one unit, confirm, find a
task by search, open the unit page, download its Excel export and read it with openpyxl."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from duban.plans.models import Plan, Responsibility
from duban.units.models import Unit

from .conftest import Account


@pytest.mark.browser
def test_it_imports_a_document_corrects_a_unit_and_exports_the_units_list(
    page: Page,
    live_server: Any,
    manager: Account,
    login: Callable[[str, str], None],
    demo_documents: Path,
    tmp_path: Path,
    screenshot: Callable[[str], Path],
) -> None:
    city_police = Unit.objects.create(name="南京市公安局")
    login(manager.username, manager.password)

    page.goto("/plans/import/")
    page.locator('input[type="file"]').set_input_files(str(demo_documents / "000_55d7ae63096c07d6.txt"))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name=re.compile("导入预览"))).to_be_visible()
    expect(page.get_by_role("cell", name="畅通公众诉求表达渠道").first).to_be_visible()

    # The document prints 市公安局; in this directory that body is 南京市公安局. The field searches
    # the directory as one types (/api/units) and the pick fills the row's hidden unit id.
    field = page.get_by_label("市公安局 对应单位", exact=True)
    field.fill("南京市公安")
    page.get_by_role("option", name="南京市公安局").click()
    expect(field).to_have_value("南京市公安局")
    expect(page.get_by_role("option")).to_have_count(0)
    row = page.locator("tr", has=field)
    expect(row.locator('input[type="hidden"]')).to_have_value(str(city_police.pk))
    page.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/$"))
    plan = Plan.objects.get()
    assert Responsibility.objects.filter(task__plan=plan, unit=city_police).count() > 0
    assert not Unit.objects.filter(name="市公安局").exists()

    page.get_by_label("搜索").fill("户籍制度")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("积极稳妥推进户籍制度改革")).to_be_visible()
    expect(page.get_by_text("畅通公众诉求表达渠道")).to_have_count(0)
    screenshot("plan-search")

    page.goto(f"/units/{city_police.pk}/")
    expect(page.get_by_role("heading", name=re.compile("南京市公安局"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    path = tmp_path / "unit.xlsx"
    download_info.value.save_as(path)
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "积极稳妥推进户籍制度改革" in text and "南京市公安局" in text


@pytest.mark.browser
def test_it_picks_a_unit_with_the_keyboard_and_offers_a_new_unit(
    page: Page,
    live_server: Any,
    manager: Account,
    login: Callable[[str, str], None],
    demo_documents: Path,
    screenshot: Callable[[str], Path],
) -> None:
    city_police = Unit.objects.create(name="南京市公安局")
    for i in range(30):  # more hits than the search shows: it says how many are left
        Unit.objects.create(name=f"南京市公安局第{i:02d}分局")
    login(manager.username, manager.password)
    page.goto("/plans/import/")
    page.locator('input[type="file"]').set_input_files(str(demo_documents / "000_55d7ae63096c07d6.txt"))
    page.get_by_role("button", name="上传并预览").click()

    field = page.get_by_label("市公安局 对应单位", exact=True)
    field.fill("南京市公安局")
    expect(page.get_by_role("option").first).to_have_text("南京市公安局")  # the exact name first
    expect(page.get_by_text("另有 11 个，请输入更多文字")).to_be_visible()
    screenshot("unit-search")
    field.press("ArrowDown")
    field.press("Enter")  # picks the highlighted unit; does not submit the import
    expect(field).to_have_value("南京市公安局")
    expect(page).to_have_url(re.compile(r"/plans/import/\d+/$"))
    row = page.locator("tr", has=field)
    expect(row.locator('input[type="hidden"]')).to_have_value(str(city_police.pk))

    field.fill("市公安")
    page.get_by_role("option", name="新建单位").click()
    expect(field).to_have_value("")
    expect(row.locator('input[type="hidden"]')).to_have_value("new")
    page.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/$"))
    assert Unit.objects.filter(name="市公安局").exists()
    assert not Responsibility.objects.filter(unit=city_police).exists()
