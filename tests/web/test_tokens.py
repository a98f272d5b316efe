"""API tokens: made and revoked on one's own page, shown once, stored only as a hash, audited,
and refused by the API once they expire."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from duban import clock
from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.tokens.actions import TokenError, do_create_token, do_revoke_token
from duban.tokens.models import ApiToken

RAW = re.compile(r"duban_[A-Za-z0-9_-]{40,}")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_the_raw_token_once_and_stores_only_its_hash(users: dict[str, User]) -> None:
    client = signed_in(users["reporter"])
    response = client.post("/tokens/", {"name": "统计脚本"})
    assert response.status_code == 200
    (raw,) = set(RAW.findall(response.content.decode()))
    assert "no-store" in response["Cache-Control"]

    token = ApiToken.objects.get()
    assert (token.user, token.name, token.token_hash) == (
        users["reporter"],
        "统计脚本",
        hashlib.sha256(raw.encode()).hexdigest(),
    )
    # The prefix tells tokens apart and gives away 6 of the 43 random characters, no more.
    assert raw.startswith(token.prefix) and len(token.prefix) == len("duban_") + 6
    stored = [
        str(v)
        for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.concrete_fields]).get()
    ]
    assert not any(raw in v for v in stored)
    assert not any(raw in str(e.before) + str(e.after) + e.summary for e in AuditEvent.objects.all())

    # Never again: the list shows the prefix only.
    again = client.get("/tokens/").content.decode()
    assert raw not in again and f"{token.prefix}…" in again


def test_it_makes_a_different_token_each_time(users: dict[str, User]) -> None:
    raws = {do_create_token("x", acting_user=users["manager"])[1] for _ in range(3)}
    assert len(raws) == 3 and ApiToken.objects.count() == 3


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_it_requires_a_name(users: dict[str, User], name: str) -> None:
    with pytest.raises(TokenError, match="名称"):
        do_create_token(name, acting_user=users["manager"])
    response = signed_in(users["manager"]).post("/tokens/", {"name": name})
    assert response.status_code == 200 and not RAW.search(response.content.decode())
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("action", ["create_token", "revoke_token"])
def test_it_audits_every_token_write(users: dict[str, User], action: str) -> None:
    token, _ = do_create_token("统计脚本", acting_user=users["manager"])
    do_revoke_token(token, acting_user=users["manager"])
    event = AuditEvent.objects.get(action=action)
    assert (event.actor, event.object_type, event.object_id) == (
        users["manager"],
        "tokens.apitoken",
        str(token.pk),
    )


def test_it_revokes_ones_own_token_from_the_page(users: dict[str, User]) -> None:
    token, raw = do_create_token("统计脚本", acting_user=users["reporter"])
    client = signed_in(users["reporter"])
    response = client.post(f"/tokens/{token.pk}/revoke/", follow=True)
    assert response.status_code == 200 and "已吊销" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/plans", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_it_refuses_to_revoke_a_token_twice(users: dict[str, User]) -> None:
    token, _ = do_create_token("统计脚本", acting_user=users["manager"])
    do_revoke_token(token, acting_user=users["manager"])
    with pytest.raises(TokenError, match="已吊销"):
        do_revoke_token(token, acting_user=users["manager"])
    assert AuditEvent.objects.filter(action="revoke_token").count() == 1


@pytest.mark.parametrize("viewer", ["admin", "manager", "other_reporter", "outsider"])
def test_it_hides_other_peoples_tokens(users: dict[str, User], viewer: str) -> None:
    token, _ = do_create_token("公安分局脚本", acting_user=users["reporter"])
    client = signed_in(users[viewer])
    assert "公安分局脚本" not in client.get("/tokens/").content.decode()
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("method", "url"), [("get", "/tokens/"), ("post", "/tokens/"), ("post", "/tokens/1/revoke/")]
)
def test_it_sends_an_anonymous_visitor_to_sign_in(db: Any, method: str, url: str) -> None:
    response = getattr(Client(), method)(url, {"name": "x"} if method == "post" else None)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not ApiToken.objects.exists()


def test_it_only_revokes_with_post(users: dict[str, User]) -> None:
    token, _ = do_create_token("统计脚本", acting_user=users["manager"])
    assert signed_in(users["manager"]).get(f"/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_needs_the_csrf_token_to_make_a_token(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["manager"])
    assert client.post("/tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


# ─── expiry ──────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def clock_at() -> Iterator[Callable[[dt.datetime], None]]:
    clock.freeze(START)
    yield clock.freeze
    clock.freeze(None)


START = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)  # 17:30 in Beijing


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(("posted", "days"), [({}, 90), ({"days": "30"}, 30), ({"days": "365"}, 365)])
def test_it_makes_a_token_that_expires_after_the_chosen_days(
    users: dict[str, User], clock_at: Any, posted: dict[str, str], days: int
) -> None:
    response = signed_in(users["reporter"]).post("/tokens/", {"name": "统计脚本", **posted})
    assert response.status_code == 200 and RAW.search(response.content.decode())
    token = ApiToken.objects.get()
    assert (token.created_at, token.expires_at) == (START, START + dt.timedelta(days=days))
    expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    assert f"有效至 {expires}" in response.content.decode()


def test_it_offers_30_90_and_365_days_with_90_chosen(users: dict[str, User]) -> None:
    html = signed_in(users["reporter"]).get("/tokens/").content.decode()
    assert re.findall(r'<option value="(\d+)"( selected)?>', html) == [
        ("30", ""),
        ("90", " selected"),
        ("365", ""),
    ]


@pytest.mark.parametrize("days", ["0", "366", "1000", "x"])
def test_it_refuses_a_lifetime_it_does_not_offer(users: dict[str, User], days: str) -> None:
    response = signed_in(users["reporter"]).post("/tokens/", {"name": "统计脚本", "days": days})
    assert response.status_code == 200 and not RAW.search(response.content.decode())
    assert list(response.context["form"].errors) == ["days"] and not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, -1, 366])
def test_it_caps_the_lifetime_at_a_year(users: dict[str, User], days: int) -> None:
    with pytest.raises(TokenError, match="1 至 365 天"):
        do_create_token("脚本", days=days, acting_user=users["manager"])
    assert (
        not ApiToken.objects.exists()
        and not AuditEvent.objects.filter(object_type="tokens.apitoken").exists()
    )


def test_it_audits_the_expiry_of_a_new_token(users: dict[str, User], clock_at: Any) -> None:
    token, _ = do_create_token("统计脚本", days=30, acting_user=users["manager"])
    event = AuditEvent.objects.get(action="create_token")
    assert event.after == {
        "name": "统计脚本",
        "prefix": token.prefix,
        "days": 30,
        "read_only": False,
        "expires_at": (START + dt.timedelta(days=30)).isoformat(),
    }
    assert "有效期 30 天" in event.summary


def test_it_refuses_a_token_once_it_has_expired(
    users: dict[str, User], clock_at: Callable[[dt.datetime], None]
) -> None:
    _, raw = do_create_token("统计脚本", days=30, acting_user=users["manager"])
    clock_at(START + dt.timedelta(days=30) - dt.timedelta(seconds=1))
    assert Client().get("/api/plans", headers=bearer(raw)).status_code == 200
    clock_at(START + dt.timedelta(days=30))
    response = Client().get("/api/plans", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "API 令牌已于 2025-03-31 17:30 过期：请在「API 令牌」页面（/tokens/）创建新令牌"
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="duban"'


def test_it_says_revoked_rather_than_expired_for_a_revoked_token(
    users: dict[str, User], clock_at: Callable[[dt.datetime], None]
) -> None:
    token, raw = do_create_token("统计脚本", days=30, acting_user=users["manager"])
    do_revoke_token(token, acting_user=users["manager"])
    clock_at(START + dt.timedelta(days=31))
    response = Client().get("/api/plans", headers=bearer(raw))
    assert (response.status_code, response.json()) == (401, {"detail": "API 令牌无效或已吊销"})


def test_it_does_not_fall_back_to_the_session_with_an_expired_token(
    users: dict[str, User], clock_at: Callable[[dt.datetime], None]
) -> None:
    _, raw = do_create_token("统计脚本", days=30, acting_user=users["manager"])
    clock_at(START + dt.timedelta(days=40))
    client = signed_in(users["manager"])
    assert client.get("/api/plans").status_code == 200
    assert client.get("/api/plans", headers=bearer(raw)).status_code == 401


def test_it_shows_each_tokens_expiry_and_state(
    users: dict[str, User], clock_at: Callable[[dt.datetime], None]
) -> None:
    owner = users["reporter"]
    do_create_token("到期的", days=30, acting_user=owner)
    revoked, _ = do_create_token("吊销的", days=365, acting_user=owner)
    do_revoke_token(revoked, acting_user=owner)
    do_create_token("快到期的", days=90, acting_user=owner)
    do_create_token("长期的", days=365, acting_user=owner)
    clock_at(START + dt.timedelta(days=80))
    html = signed_in(owner).get("/tokens/").content.decode()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"<tr>\s*<td>([^<]+)</td>(.*?)</tr>", html, re.S)}
    assert "2025-03-31 17:30" in rows["到期的"] and "已过期" in rows["到期的"]
    assert "已吊销" in rows["吊销的"]
    assert "2025-05-30 17:30" in rows["快到期的"] and "10 天后到期" in rows["快到期的"]
    assert "2026-03-01 17:30" in rows["长期的"] and "有效" in rows["长期的"]
    # Only a token that still works can be revoked.
    assert [
        "吊销" in r and "<button" in r
        for r in (rows["到期的"], rows["吊销的"], rows["快到期的"], rows["长期的"])
    ] == [
        False,
        False,
        True,
        True,
    ]


def test_it_gives_tokens_made_before_expiry_existed_90_days_from_the_migration(transactional_db: Any) -> None:
    """The tokens app migrated back before 0002, a token made then, and the app migrated again."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    before = [("tokens", "0001_initial")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        user = old.get_model("accounts", "User").objects.create(username="old-script-owner", password="x")
        made = timezone.now() - dt.timedelta(days=400)
        old.get_model("tokens", "ApiToken").objects.create(
            user=user, name="老脚本", prefix="duban_abcdef", token_hash="0" * 64, created_at=made
        )
        started = timezone.now()
    finally:
        # Back to the latest schema whatever happened: the rest of the suite runs on it.
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    token = ApiToken.objects.get()
    assert started + dt.timedelta(days=90) <= token.expires_at <= timezone.now() + dt.timedelta(days=90)
    assert token.created_at == made and token.is_active
