"""Error pages: Chinese, in the site's layout with its navigation, for 400, 403, 404, 405 and 500;
logging out by its address asks to confirm instead of a blank 405."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from duban.accounts.models import User


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# The site's own URLs plus one view that fails, to see the 500 page a bug would show.
urlpatterns = [path("boom/", _boom), path("", include("duban.web.urls"))]
handler500 = "duban.web.errors.server_error"


def signed_in(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_it_answers_a_missing_page_in_chinese_with_the_navigation(users: dict[str, User]) -> None:
    r = signed_in(users["manager"]).get("/no-such-page/")
    html = r.content.decode()
    assert r.status_code == 404
    assert "页面不存在" in html and "Not Found" not in html
    assert 'href="/plans/"' in html and "分解方案" in html  # the site's navigation
    assert '<html lang="zh-Hans">' in html


def test_it_answers_a_missing_object_with_the_same_page(users: dict[str, User]) -> None:
    r = signed_in(users["reporter"]).get("/plans/999999/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


def test_it_shows_an_anonymous_visitor_the_login_link_on_a_404(db: Any) -> None:
    r = Client().get("/no-such-page/")
    assert r.status_code == 404
    assert "/accounts/login/" in r.content.decode()


def test_it_explains_a_wrong_method_instead_of_a_blank_405(users: dict[str, User]) -> None:
    r = signed_in(users["manager"]).get("/tracking/inbox/read/")  # POST only
    html = r.content.decode()
    assert r.status_code == 405
    assert "不支持此操作方式" in html and "消息" in html
    assert r["Allow"] == "POST"


def test_it_leaves_the_api_s_405_to_the_api(users: dict[str, User]) -> None:
    r = signed_in(users["manager"]).get("/api/imports")
    assert r.status_code == 405
    assert "不支持此操作方式" not in r.content.decode()


def test_it_asks_to_confirm_logging_out_opened_by_its_address(users: dict[str, User]) -> None:
    client = signed_in(users["reporter"])
    r = client.get("/accounts/logout/")
    assert r.status_code == 200
    assert "确定要退出吗" in r.content.decode()
    assert client.get("/plans/").status_code == 200  # still signed in: GET never logs out
    client.post("/accounts/logout/")
    assert client.get("/plans/").status_code == 302


def test_it_sends_an_anonymous_logout_to_the_login_page(db: Any) -> None:
    r = Client().get("/accounts/logout/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_it_answers_a_form_without_its_token_with_the_chinese_403(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["manager"])
    r = client.post("/tracking/inbox/read/", {"all": "1"})
    html = r.content.decode()
    assert r.status_code == 403
    assert "无权操作" in html and "表单已过期" in html and "CSRF" not in html


def test_it_answers_a_bad_host_with_the_chinese_400(db: Any) -> None:
    r = Client().get("/", HTTP_HOST="evil.example")
    assert r.status_code == 400
    assert "请求有误" in r.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_it_shows_the_chinese_500_page_with_the_navigation(users: dict[str, User]) -> None:
    r = signed_in(users["manager"]).get("/boom/")
    html = r.content.decode()
    assert r.status_code == 500
    assert "系统出错" in html and 'href="/plans/"' in html


@override_settings(ROOT_URLCONF=__name__)
def test_it_still_answers_a_500_when_the_layout_itself_fails(
    users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from duban.web import errors

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("the database is down")

    monkeypatch.setattr(errors, "render_to_string", broken)
    r = signed_in(users["manager"]).get("/boom/")
    assert r.status_code == 500
    assert "系统出错" in r.content.decode()
