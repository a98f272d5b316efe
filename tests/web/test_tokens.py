"""API tokens: made and revoked on one's own page, shown once, stored only as a hash, audited."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.test import Client

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
    assert (token.user, token.name, token.token_hash) == (users["reporter"], "统计脚本", hashlib.sha256(raw.encode()).hexdigest())
    # The prefix tells tokens apart and gives away 6 of the 43 random characters, no more.
    assert raw.startswith(token.prefix) and len(token.prefix) == len("duban_") + 6
    stored = [str(v) for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.concrete_fields]).get()]
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
    assert (event.actor, event.object_type, event.object_id) == (users["manager"], "tokens.apitoken", str(token.pk))


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


@pytest.mark.parametrize(("method", "url"), [("get", "/tokens/"), ("post", "/tokens/"), ("post", "/tokens/1/revoke/")])
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
