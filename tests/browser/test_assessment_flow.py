"""The assessment in a real browser, on the demo's data (`duban demo`: the 004 plan assessed over
two periods, both published): the office reopens the 2023 assessment, records a bonus for 综治办
with its evidence file, recomputes, closes and publishes it. 综治办's reporter is told in its inbox,
follows the message to its breakdown, downloads the evidence recorded against it and appeals;
the office is told, accepts the appeal; the unit is told, and the ranking page shows, drawn by
the vendored ECharts. Nothing is fetched from anywhere but the server."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from duban.assessment.models import Appeal, AppealStatus, Assessment, AssessmentStatus, Incident
from duban.notifications.models import Notification
from duban.web import demo
from hostile.real_files import real_pdf

PDF = real_pdf()  # evidence is looked into whole: a real PDF
UNIT = "综治办"  # the demo's `zongzhi` reports for it


@pytest.fixture
def demo_passwords(transactional_db: None) -> dict[str, str]:
    """The demo's accounts (username → password), its plans and its two published assessments."""
    with transaction.atomic():  # as `duban demo` seeds: the notices go out once it commits
        passwords = demo._seed(io.StringIO())
    return {username: pw for (username, *_), pw in zip(demo.DEMO_ACCOUNTS, passwords, strict=True)}


def log_out(page: Page) -> None:
    page.locator("details.user-menu > summary").click()  # 退出 sits in the user's menu
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def submit(page: Page, button: str) -> None:
    """Click a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


@pytest.mark.browser
def test_it_publishes_an_assessment_and_takes_a_units_appeal_through_to_the_ranking(
    page: Page,
    live_server: Any,
    demo_passwords: dict[str, str],
    login: Callable[[str, str], None],
    tmp_path: Path,
    screenshot: Callable[[str], Path],
    requests_seen: list[str],
) -> None:
    assessment = Assessment.objects.order_by("as_of").last()
    assert assessment is not None and assessment.status == AssessmentStatus.PUBLISHED
    evidence = tmp_path / "表彰文件.pdf"
    evidence.write_bytes(PDF)

    # The office reopens the published assessment to record a late award, with its file.
    login("manager", demo_passwords["manager"])
    page.goto(f"/assessment/{assessment.pk}/")
    reopen = page.locator("form", has=page.get_by_role("button", name="重新打开"))
    reopen.get_by_label("理由").fill("补登综治办国家级表彰")
    submit(page, "重新打开")
    expect(page.get_by_text("考核已重新打开")).to_be_visible()
    page.locator("summary", has_text="登记事项").click()
    record = page.locator("form[action$='/incidents/']")
    record.get_by_label("单位").select_option(label=UNIT)
    record.get_by_label("事项").select_option(label="国家级表彰（每项 3 分）")
    record.get_by_label("件数").fill("1")
    record.get_by_label("说明（不得填写个人信息）").fill("2023年12月获国家级表彰")
    record.locator('input[type="file"]').set_input_files(str(evidence))
    submit(page, "登记")
    expect(page.get_by_text("已登记")).to_be_visible()
    expect(page.get_by_text("评分或登记事项已变更，需重新计算")).to_be_visible()

    # It recomputes, closes and publishes: every assessed unit is told.
    submit(page, "重新计算")
    expect(page.get_by_text("已重新计算")).to_be_visible()
    submit(page, "定稿")
    expect(page.get_by_text("考核已定稿")).to_be_visible()
    submit(page, "公布排名")
    expect(page.get_by_text("考核结果已公布：各单位可查看排名")).to_be_visible()
    screenshot("assessment-published")
    log_out(page)

    # The unit follows the message to its breakdown, downloads the evidence and appeals.
    login("zongzhi", demo_passwords["zongzhi"])
    page.goto("/tracking/inbox/")
    page.get_by_role("link", name=re.compile("考核结果已公布")).first.click()
    expect(page.get_by_role("heading", name=f"{UNIT} 得分明细")).to_be_visible()
    expect(page.get_by_role("heading", name="本单位登记事项")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="表彰文件.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    page.locator("form", has=page.get_by_role("button", name="提出申诉")).get_by_label("理由").fill(
        "国家级表彰应计 3 次，请复核加分。"
    )
    submit(page, "提出申诉")
    expect(page.get_by_text("申诉已提交，请等待考核办处理")).to_be_visible()
    screenshot("breakdown-appealed")
    log_out(page)

    # The office is told, opens the appeals from the message and accepts it.
    login("manager", demo_passwords["manager"])
    page.goto("/tracking/inbox/")
    page.get_by_role("link", name=f"{UNIT}提出考核申诉").click()
    expect(page.get_by_role("heading", name="申诉")).to_be_visible()
    page.get_by_label("采纳（重新计算）").check()
    submit(page, "提交")
    expect(page.get_by_text(f"已采纳{UNIT}的申诉")).to_be_visible()
    appeal = Appeal.objects.get(result__assessment=assessment, result__unit__name=UNIT)
    assert appeal.status == AppealStatus.ACCEPTED
    log_out(page)

    # The unit is told of the decision, and the published ranking shows with its charts.
    login("zongzhi", demo_passwords["zongzhi"])
    page.goto("/tracking/inbox/")
    page.get_by_role("link", name="考核申诉已采纳").click()
    expect(page.get_by_role("heading", name=f"{UNIT} 得分明细")).to_be_visible()
    page.get_by_role("link", name=assessment.scheme.name).click()
    expect(page.get_by_role("heading", name="排名")).to_be_visible()
    expect(page.locator("table.ranking")).to_contain_text(UNIT)
    expect(page.locator("#chart-ranking[data-drawn]")).to_be_visible()
    screenshot("ranking")

    incident = Incident.objects.get(assessment=assessment, evidence_name="表彰文件.pdf")
    assert incident.unit.name == UNIT
    # The demo's two publications and this one, each told once.
    published = Notification.objects.filter(recipient__username="zongzhi", title__startswith="考核结果已公布")
    assert published.count() == 3
    assert any(u.endswith("/static/vendor/echarts/echarts.min.js") for u in requests_seen)
