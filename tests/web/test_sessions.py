"""duban.accounts.sessions: Django's database sessions read with one plain SELECT behave as
Django's: a live session authenticates, an expired, unknown or logged-out one does not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from duban.accounts.models import User

pytestmark = pytest.mark.django_db
PAGE = "/plans/"


def _logged_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    assert c.get(PAGE).status_code == 200
    return c


def test_it_is_the_session_engine_and_reads_a_live_session(users: dict[str, User]) -> None:
    assert settings.SESSION_ENGINE == "duban.accounts.sessions"
    c = _logged_in(users["manager"])
    response = c.get(PAGE)
    assert response.wsgi_request.user == users["manager"]


def test_an_expired_session_is_not_read(users: dict[str, User]) -> None:
    c = _logged_in(users["manager"])
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = c.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_an_unknown_or_logged_out_session_is_not_read(users: dict[str, User]) -> None:
    c = _logged_in(users["manager"])
    key = c.cookies[settings.SESSION_COOKIE_NAME].value
    c.post("/accounts/logout/")
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = key  # a copy of the cookie kept from before
    assert stale.get(PAGE).status_code == 302
    stale.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert stale.get(PAGE).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
