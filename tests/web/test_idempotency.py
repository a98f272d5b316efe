"""Idempotency-Key on the API's creating calls (issue 15): a retried POST gets the first answer
and creates nothing twice; a key is the caller's own; a reused key on another request is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from duban import clock
from duban.accounts.models import User
from duban.api.models import IdempotentRequest
from duban.plans.models import ImportDraft
from duban.tokens.actions import do_create_token

from .conftest import SMALL_PLAN

START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    clock.freeze(START)
    yield
    clock.freeze(None)


def token_of(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {do_create_token('OA', acting_user=user)[1]}"}


def upload(client: Client, headers: dict[str, str], name: str = "s.txt") -> Any:
    return client.post("/api/imports", {"file": SimpleUploadedFile(name, SMALL_PLAN)}, headers=headers)


def test_a_retried_upload_gets_the_first_answer_and_makes_one_draft(users: dict[str, User]) -> None:
    auth = {**token_of(users["manager"]), "Idempotency-Key": "导入-0001"}
    first, again = upload(Client(), auth), upload(Client(), auth)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert ImportDraft.objects.count() == 1


def test_without_a_key_each_call_creates(users: dict[str, User]) -> None:
    auth = token_of(users["manager"])
    upload(Client(), auth)
    upload(Client(), auth)
    assert ImportDraft.objects.count() == 2


def test_a_key_is_the_callers_own(users: dict[str, User]) -> None:
    upload(Client(), {**token_of(users["manager"]), "Idempotency-Key": "k1"})
    other = upload(Client(), {**token_of(users["other_manager"]), "Idempotency-Key": "k1"})
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert ImportDraft.objects.count() == 2


def test_the_same_key_on_another_request_is_refused(users: dict[str, User]) -> None:
    auth = {**token_of(users["manager"]), "Idempotency-Key": "k2"}
    draft = upload(Client(), auth).json()
    response = Client().post(f"/api/imports/{draft['id']}/cancel", headers=auth)
    assert response.status_code == 422
    assert "已用于另一个请求" in response.json()["detail"]
    assert ImportDraft.objects.get().status == "pending"


def test_a_refusal_is_kept_and_given_again(users: dict[str, User]) -> None:
    auth = token_of(users["manager"])
    draft = upload(Client(), auth).json()
    Client().post(f"/api/imports/{draft['id']}/cancel", headers=auth)
    keyed = {**auth, "Idempotency-Key": "cancel-again"}
    first = Client().post(f"/api/imports/{draft['id']}/cancel", headers=keyed)
    again = Client().post(f"/api/imports/{draft['id']}/cancel", headers=keyed)
    assert (first.status_code, again.status_code) == (400, 400)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["", " ", "x" * 201])
def test_a_malformed_key_is_a_422(users: dict[str, User], key: str) -> None:
    response = upload(Client(), {**token_of(users["manager"]), "Idempotency-Key": key})
    assert response.status_code == 422
    assert not ImportDraft.objects.exists()


def test_a_key_is_kept_a_day(users: dict[str, User]) -> None:
    auth = {**token_of(users["manager"]), "Idempotency-Key": "k3"}
    upload(Client(), auth)
    clock.freeze(START + dt.timedelta(hours=23))
    upload(Client(), auth)
    assert ImportDraft.objects.count() == 1
    clock.freeze(START + dt.timedelta(hours=25))
    upload(Client(), auth)
    assert ImportDraft.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1  # the old answer is gone


def test_a_signed_in_browser_session_uses_keys_too(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=False)
    client.force_login(users["manager"])
    for _ in range(2):
        response = client.post(
            "/api/imports",
            {"file": SimpleUploadedFile("s.txt", SMALL_PLAN)},
            headers={"Idempotency-Key": "k4"},
        )
        assert response.status_code == 201
    assert ImportDraft.objects.count() == 1


def test_the_schema_offers_the_key_on_every_post(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    posts = [ops["post"] for ops in schema["paths"].values() if "post" in ops]
    assert len(posts) >= 8
    for post in posts:
        names = [p["name"] for p in post["parameters"] if p["in"] == "header"]
        assert names == ["Idempotency-Key"]
        assert "409" in post["responses"]
