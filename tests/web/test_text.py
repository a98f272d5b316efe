"""The words on every page: role labels without nested brackets, the full-width colon after form
labels, API tokens in the user's menu rather than the top bar, one page behind the brand and the
nav item 督办."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.utils import translation

from duban.accounts.models import Role, User

LOCALE = Path(__file__).resolve().parents[2] / "src" / "duban" / "locale"


@pytest.mark.parametrize("label", [label for _, label in Role.choices])
def test_it_labels_each_role_without_brackets(label: str) -> None:
    # The top bar prints 姓名（角色）: a bracket in the role would nest ("督查室（方案管理员（督查室））").
    assert "（" not in label and "(" not in label


def test_it_prints_the_managers_name_and_role_once(users: dict[str, User]) -> None:
    manager = users["manager"]
    manager.display_name = "督查室"
    manager.save()
    client = Client()
    client.force_login(manager)
    html = client.get("/plans/").content.decode()
    assert "督查室（方案管理员）" in html
    assert "（督查室））" not in html


def test_it_puts_api_tokens_in_the_user_menu_not_the_top_bar(users: dict[str, User]) -> None:
    for role in ("admin", "manager", "reporter", "leader"):
        client = Client()
        client.force_login(users[role])
        html = client.get("/plans/").content.decode()
        menu = re.search(r'<details class="user-menu">(.*?)</details>', html, re.S)
        assert menu is not None, role
        assert "API 令牌" in menu.group(1) and "修改密码" in menu.group(1) and "退出" in menu.group(1)
        assert html.count("API 令牌") == 1, role


def test_the_brand_and_the_nav_item_lead_to_the_same_page(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["reporter"])
    html = client.get("/plans/").content.decode()
    brand = re.search(r'<a class="brand" href="([^"]+)"', html)
    nav = re.search(r'<a href="([^"]+)">督办</a>', html)
    assert brand is not None and nav is not None
    landed = client.get(brand.group(1))
    assert landed.status_code == 302 and landed["Location"] == nav.group(1)
    assert client.get(nav.group(1)).status_code == 200


def test_it_ends_form_labels_with_the_full_width_colon() -> None:
    class F(forms.Form):
        name = forms.CharField(label="名称")

    with translation.override("zh-hans"):
        html = str(F().as_div())
    assert "名称：</label>" in html and "名称:</label>" not in html


def test_it_renders_a_real_page_s_form_with_the_full_width_colon(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["admin"])
    html = client.get("/tracking/channels/").content.decode()
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", html)
    assert labels and all(not text.endswith(":") for text in labels)
    assert any(text.endswith("：") for text in labels)


def test_the_compiled_catalog_says_what_its_source_says() -> None:
    source = (LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    pairs = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, re.M))
    with (LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    assert pairs == {":": "："}
    assert {k: compiled.gettext(k) for k in pairs} == pairs
