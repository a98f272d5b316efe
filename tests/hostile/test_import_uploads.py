"""Every hostile file against the plan import, on its page and through the API, as a plan
manager (who may import): a clear Chinese refusal naming the file and the limit, nothing stored,
the worker's memory and the time bounded."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from web import conftest as platform  # pytest imports tests/web/conftest.py as web.conftest

from .answers import IMPORT
from .bounds import hostile, measured
from .files import MAKERS

users = platform.users


SMALL_PLAN = "XX区任务分解方案\n一、基层治理\n1、完善网格化管理。（区民政局牵头）\n".encode()


def test_every_maker_has_an_expected_answer() -> None:
    assert set(IMPORT) == set(MAKERS)


def _page(client: Client, name: str, data: bytes) -> tuple[int, str]:
    response = client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data)})
    return response.status_code, response.content.decode()


def _api(client: Client, name: str, data: bytes) -> tuple[int, str]:
    response = client.post("/api/imports", {"file": SimpleUploadedFile(name, data)})
    return response.status_code, response.json().get("detail", "") if response.status_code == 400 else ""


@pytest.fixture
def manager(users: dict[str, User], db: Any) -> Client:
    client = Client()
    client.force_login(users["manager"])
    # Warm: the first import starts the fork server and imports what a first upload needs.
    _page(client, "方案.txt", SMALL_PLAN)
    return client


@pytest.mark.parametrize("maker", sorted(MAKERS))
@pytest.mark.parametrize("route", [_page, _api], ids=["page", "api"])
def test_it_refuses_a_hostile_document_clearly_and_stores_nothing(
    manager: Client, maker: str, route: Any
) -> None:
    name, data = hostile(maker)
    with measured() as cost:
        status, text = route(manager, name, data)
    assert status == 400
    assert IMPORT[maker] in text
    cost.assert_nothing_stored()
    cost.assert_bounded(data)
