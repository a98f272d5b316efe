"""Brute force, password rules and the audit of accounts: lockout per account and per address,
logins and failures audited, account changes audited wherever they are made (also the CLI),
tokens revoked when a password changes."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory

from duban.accounts.lockout import client_ip
from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.tokens.actions import do_create_token
from duban.tokens.models import ApiToken

PASSWORD = "Lang-Ma-7391"
LIMIT = 5


@pytest.fixture
def clerk(db: Any) -> User:
    return User.objects.create_user("clerk", password=PASSWORD, role="reporter")


def attempt(username: str, password: str, address: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})


def actions(user: User | None = None, action: str | None = None) -> list[str]:
    events = AuditEvent.objects.filter(object_type="accounts.user")
    if user is not None:
        events = events.filter(object_id=str(user.pk))
    if action is not None:
        events = events.filter(action=action)
    return list(events.order_by("id").values_list("action", flat=True))


def test_it_lets_the_right_password_in_and_audits_the_login(clerk: User) -> None:
    response = attempt("clerk", PASSWORD)
    assert response.status_code == 302
    assert actions(clerk, "login") == ["login"]


def test_it_locks_an_account_after_repeated_wrong_passwords_even_for_the_right_one(clerk: User) -> None:
    for k in range(LIMIT - 1):
        assert attempt("clerk", f"wrong-{k}", address=f"10.0.1.{k}").status_code == 200
    assert attempt("clerk", "wrong", address="10.0.1.9").status_code == 429  # the last one allowed
    locked = attempt("clerk", PASSWORD, address="10.0.2.1")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode() and "30 分钟" in locked.content.decode()
    # Refused while locked, the right password counts as a failed login too.
    assert actions(clerk, "login_failed") == ["login_failed"] * (LIMIT + 1)
    assert "lockout" in actions(clerk)
    assert not actions(clerk, "login")


def test_it_locks_an_address_that_tries_many_accounts(clerk: User) -> None:
    for k in range(LIMIT):
        attempt(f"guess{k}", "wrong", address="10.9.9.9")
    assert attempt("clerk", PASSWORD, address="10.9.9.9").status_code == 429
    assert attempt("clerk", PASSWORD, address="10.9.9.8").status_code == 302  # another address
    # Names that are no account's are audited as what was tried.
    assert AuditEvent.objects.filter(action="login_failed", summary__contains="guess0").exists()


def test_a_successful_login_starts_the_count_again(clerk: User) -> None:
    for k in range(LIMIT - 1):
        attempt("clerk", "wrong", address=f"10.0.3.{k}")
    assert attempt("clerk", PASSWORD, address="10.0.3.9").status_code == 302
    for k in range(LIMIT - 1):
        attempt("clerk", "wrong", address=f"10.0.4.{k}")
    assert attempt("clerk", PASSWORD, address="10.0.4.9").status_code == 302


def test_it_trusts_the_proxy_header_only_when_told(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "10.1.2.3"  # the proxy's own entry, not what the client wrote


@pytest.mark.parametrize(
    ("password", "why"),
    [("1", "太短"), ("7391046285", "只包含数字"), ("clerk-2024-abc", "用户名"), ("password123", "太常见")],
)
def test_it_refuses_weak_passwords(clerk: User, password: str, why: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_password(password, clerk)
    assert why in " ".join(info.value.messages)


def test_createsuperuser_refuses_a_weak_password_without_a_prompt(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(os.environ, "DJANGO_SUPERUSER_PASSWORD", "1")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.invalid")
    assert not User.objects.filter(username="root").exists()


def test_account_changes_from_the_command_line_are_audited(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(os.environ, "DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.invalid")
    root = User.objects.get(username="root")
    assert actions(root) == ["create_user"]
    root.set_password("Another-Pass-5826")
    root.is_active = False
    root.save()
    assert actions(root) == ["create_user", "change_user", "change_password"]
    change = AuditEvent.objects.get(object_id=str(root.pk), action="change_user")
    assert change.before == {"is_active": True} and change.after == {"is_active": False}
    # The hash never reaches the trail.
    assert not AuditEvent.objects.filter(after__icontains="pbkdf2").exists()


def test_a_new_password_revokes_the_accounts_tokens(clerk: User) -> None:
    token, _raw = do_create_token("脚本", acting_user=clerk)
    clerk.set_password("Another-Pass-5826")
    clerk.save()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="revoke_token", object_id=str(token.pk)).exists()


def test_the_password_page_changes_it_and_names_who_did(clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    weak = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    done = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Pass-5826",
            "new_password2": "Another-Pass-5826",
        },
    )
    assert done.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Another-Pass-5826")
    event = AuditEvent.objects.get(object_id=str(clerk.pk), action="change_password")
    assert event.actor_id == clerk.pk
    assert not ApiToken.objects.filter(user=clerk, revoked_at__isnull=True).exists()
