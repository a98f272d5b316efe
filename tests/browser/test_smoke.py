"""The platform in a real browser: log in, see the plan list in Chinese, nothing fetched from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from duban.plans.actions import do_confirm_import, do_upload_document

from .conftest import Account, offsite_requests

PLAN = (
    "XX区平安建设任务分解方案\n一、基层治理\n"
    "1、完善网格化管理，到2025年网格覆盖率达100%。（区委政法委牵头，区民政局、区公安分局配合）\n"
).encode()


@pytest.mark.browser
def test_it_logs_a_manager_in_and_shows_the_plan_list_in_chinese(
    page: Page,
    live_server: Any,
    manager: Account,
    login: Callable[[str, str], None],
    requests_seen: list[str],
    screenshot: Callable[[str], Path],
) -> None:
    draft = do_upload_document("平安建设.txt", PLAN, acting_user=manager.user)
    do_confirm_import(draft, {}, acting_user=manager.user)

    login(manager.username, manager.password)

    # Every role lands on the supervision overview, where the brand leads too.
    expect(page).to_have_url(re.compile(r"/tracking/$"))
    expect(page.get_by_role("heading", name="督办概览")).to_be_visible()
    page.goto("/plans/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", name="分解方案")).to_be_visible()
    expect(page.get_by_role("cell", name="XX区平安建设任务分解方案")).to_be_visible()
    expect(page.get_by_text("督查室（方案管理员）")).to_be_visible()
    # API tokens, the password and logging out sit in the user's menu, shut until opened.
    tokens = page.get_by_role("link", name="API 令牌")
    expect(tokens).to_be_hidden()
    page.get_by_text("督查室（方案管理员）").click()
    expect(tokens).to_be_visible()
    expect(page.get_by_role("link", name="修改密码")).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    shot = screenshot("plan-list")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert any(u.endswith("/static/duban/duban.css") for u in requests_seen), requests_seen
    assert offsite_requests(requests_seen, live_server.url) == []


@pytest.mark.browser
def test_it_keeps_a_wrong_password_on_the_login_page(
    page: Page,
    manager: Account,
    requests_seen: list[str],
) -> None:
    page.goto("/plans/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/plans/$"))
    page.get_by_label("用户名").fill(manager.username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确。")).to_be_visible()


def test_it_counts_only_other_hosts_as_offsite() -> None:
    seen = [
        "http://localhost:8081/plans/",
        "http://localhost:8081/static/duban/duban.css",
        "data:image/png;base64,AA",
        "https://cdn.example.com/htmx.js",
        "http://localhost:9999/",
        "http://127.0.0.1:8081/",
    ]
    assert offsite_requests(seen, "http://localhost:8081") == [
        "https://cdn.example.com/htmx.js",
        "http://localhost:9999/",
        "http://127.0.0.1:8081/",
    ]


@pytest.mark.browser
def test_it_shows_the_api_docs_under_the_content_security_policy(
    page: Page, manager: Account, login: Callable[[str, str], None]
) -> None:
    """The API docs page runs Swagger UI, the only third-party page code: nothing of it may be
    blocked by the policy (the page fixture fails on any violation) and it must render."""
    login(manager.username, manager.password)
    page.goto("/api/docs")
    expect(page.get_by_text("/api/plans").first).to_be_visible()
