"""The tracking cycle in a real browser: the office sets the periods; a unit submits its report
with an evidence file; the office returns it with a comment; the unit reads the comment and
submits a correction; the office accepts it. Then an order is issued, its reply deadline passes,
the reminder run escalates it (on a frozen clock) to red, and the task page shows red with the
rule that made it so. Charts are drawn by the vendored ECharts; nothing is fetched elsewhere."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from duban import clock
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.tracking.models import OrderLevel, ProgressReport, ReportStatus, SupervisionOrder, TaskClosure
from duban.tracking.reminders import run_due_reminders
from hostile.real_files import real_pdf

from .conftest import Account

PLAN = (
    "XX区平安建设任务分解方案\n一、基层治理\n"
    "1、完善网格化管理，到2025年网格覆盖率达100%。（区委政法委牵头，区民政局、区公安分局配合）\n"
    "2、建立矛盾纠纷排查机制。（区司法局牵头，区信访局配合）\n"
).encode()
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = real_pdf()  # evidence is looked into whole: a real PDF


@pytest.fixture
def frozen_clock() -> Iterator[Callable[[dt.datetime], None]]:
    """The live server runs in this process: freezing the one clock freezes the server's too."""
    clock.freeze(dt.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI))
    yield clock.freeze
    clock.freeze(None)


def log_out(page: Page) -> None:
    page.locator("details.user-menu > summary").click()  # 退出 sits in the user's menu
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def fits_a_phone(page: Page) -> bool:
    """Whether the page, loaded on a phone-wide screen, needs no sideways scrolling."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    fits = bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    return fits


@pytest.mark.browser
def test_it_runs_a_report_through_review_and_an_order_through_escalation(
    page: Page,
    live_server: Any,
    manager: Account,
    make_account: Callable[..., Account],
    login: Callable[[str, str], None],
    frozen_clock: Callable[[dt.datetime], None],
    tmp_path: Path,
    screenshot: Callable[[str], Path],
    requests_seen: list[str],
) -> None:
    plan = do_confirm_import(
        do_upload_document("平安建设.txt", PLAN, acting_user=manager.user), {}, acting_user=manager.user
    )
    task = plan.tasks.get(number="1")
    reporter = make_account("reporter", username="zfw", unit="区委政法委", display_name="政法委填报员")
    evidence = tmp_path / "网格员名单.pdf"
    evidence.write_bytes(PDF)

    # The office sets the year's quarterly periods.
    login(manager.username, manager.password)
    page.goto(f"/tracking/plans/{plan.pk}/periods/")
    page.get_by_label("年度").fill("2025")
    page.get_by_label("报送周期").select_option("quarterly")
    page.get_by_label("次月报送截止日").fill("10")
    page.get_by_role("button", name="生成报送周期").click()
    expect(page.get_by_role("link", name="2025年第一季度")).to_be_visible()
    log_out(page)

    # The unit finds what it owes on the overview and submits its report with a file.
    login(reporter.username, reporter.password)
    page.goto("/tracking/")
    expect(page.get_by_role("heading", name="本单位待报送")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"2025年第一季度 · 任务 1")).click()
    assert fits_a_phone(page), "the report form overflows a phone's width"
    page.get_by_label("工作进展").fill("已完成全区网格划分，配齐专职网格员 120 名。")
    page.get_by_label("完成比例（%）").fill("40")
    page.get_by_label("网格覆盖率 当前值").fill("45")
    page.get_by_label("网格覆盖率 数据截至").fill("2025-03-01")
    page.locator('input[type="file"]').set_input_files(str(evidence))
    screenshot("report-form")
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("已报送第 1 版任务报告")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("已报送"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="网格员名单.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    log_out(page)

    # The office returns it with a comment.
    login(manager.username, manager.password)
    page.goto("/tracking/review/")
    page.get_by_role("link", name=re.compile(r"1 完善网格化管理")).click()
    page.get_by_label("审核意见（退回时必填）").fill("请附网格员名单的签字版。")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_role("heading", name=re.compile("已退回"))).to_be_visible()
    log_out(page)

    # The unit is told, reads the comment, and submits a correction.
    login(reporter.username, reporter.password)
    page.goto("/tracking/inbox/")
    expect(page.locator("header .badge")).to_have_text("1")
    page.get_by_role("link", name="任务报告被退回").click()
    expect(page.get_by_role("note")).to_contain_text("请附网格员名单的签字版。")
    page.get_by_role("button", name="提交更正（新版本）").click()
    expect(page.get_by_text("已新建第 2 版（更正）")).to_be_visible()
    page.get_by_label("工作进展").fill("已完成全区网格划分，配齐专职网格员 120 名，附签字名单。")
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("已报送第 2 版任务报告")).to_be_visible()
    log_out(page)

    # The office accepts the correction.
    login(manager.username, manager.password)
    page.goto("/tracking/review/")
    page.get_by_role("link", name=re.compile(r"1 完善网格化管理")).click()
    expect(page.get_by_role("heading", name=re.compile("已报送"))).to_be_visible()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("heading", name=re.compile("已通过"))).to_be_visible()
    versions = list(
        ProgressReport.objects.filter(task=task).order_by("version").values_list("version", "status")
    )
    assert versions == [(1, ReportStatus.SUPERSEDED), (2, ReportStatus.ACCEPTED)]
    assert not TaskClosure.objects.filter(task=task).exists()  # 推进中 closes nothing

    # An order on the task, answered by nobody.
    page.goto(f"/tracking/tasks/{task.pk}/")
    expect(page.locator("[data-light]")).to_have_attribute("data-light", "green")
    expect(page.locator("#chart-target-0[data-drawn]")).to_be_visible()  # ECharts, from this server
    page.get_by_text("签发督办单").click()
    page.get_by_label("区委政法委（牵头）").check()
    page.get_by_label("督办事项").fill("网格员配备不足，请说明整改措施。")
    page.get_by_label("回复期限").fill("2025-03-05")
    page.get_by_role("button", name="签发").click()
    expect(page.get_by_role("heading", name=re.compile(r"督办单 督〔2025〕1号"))).to_be_visible()

    # Its deadline passes: the reminder run raises it to yellow, and after the next deadline to red.
    frozen_clock(dt.datetime(2025, 3, 6, 8, 0, tzinfo=SHANGHAI))
    assert run_due_reminders().escalated == 1
    frozen_clock(dt.datetime(2025, 3, 12, 8, 0, tzinfo=SHANGHAI))
    assert run_due_reminders().escalated == 1
    order = SupervisionOrder.objects.get()
    assert order.level == OrderLevel.RED and len(order.escalations) == 2

    page.goto(f"/tracking/tasks/{task.pk}/")
    expect(page.locator("[data-light]")).to_have_attribute("data-light", "red")
    expect(page.locator(".light-line .rule")).to_contain_text("有未办结的红色督办单（督〔2025〕1号）")
    assert fits_a_phone(page), "the task page overflows a phone's width"
    screenshot("task-red")
    page.goto(f"/tracking/orders/{order.pk}/")
    expect(page.get_by_text("由黄色升级为红色")).to_be_visible()

    # The period page draws its charts offline too.
    period = plan.periods.order_by("start").first()
    assert period is not None
    page.goto(f"/tracking/periods/{period.pk}/")
    expect(page.locator("#chart-unit-rate[data-drawn]")).to_be_visible()
    screenshot("period")
    for path in (
        f"/tracking/periods/{period.pk}/",
        "/tracking/",
        "/tracking/orders/",
        "/tracking/inbox/",
        f"/tracking/orders/{order.pk}/",
    ):
        page.goto(path)
        assert fits_a_phone(page), f"{path} overflows a phone's width"
    page.goto("/tracking/")
    screenshot("home")
    assert any(u.endswith("/static/vendor/echarts/echarts.min.js") for u in requests_seen)
