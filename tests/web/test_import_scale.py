"""The import preview at province scale: its unit matching must not list the directory.

Before the search field, every row held a <select> of every active unit: with 3,000 units a
preview of 31 printed names weighed 4.4 MB, and one of 301 names 42.6 MB.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duban.accounts.models import User
from duban.plans.actions import do_upload_document
from duban.plans.models import ImportDraft, Plan, Responsibility
from duban.units.models import Alias, Unit

from .conftest import SMALL_PLAN

DIRECTORY = 3000
DIGITS = "零一二三四五六七八九"


def province_plan(rows: int) -> bytes:
    """A plan whose every task is led by a unit of its own (省零零一号委员会…), with one partner."""
    names = ("省" + "".join(DIGITS[int(c)] for c in f"{i:03d}") + "号委员会" for i in range(1, rows + 1))
    lines = ["某省平安建设任务分解方案", "一、基层治理"]
    lines += [f"{i}、开展第{i}项工作。（{name}牵头，省公安厅配合）" for i, name in enumerate(names, 1)]
    return "\n".join(lines).encode()


def fill_directory(n: int) -> None:
    # Names that match none of the printed ones, so the rows themselves stay the same.
    Unit.objects.bulk_create([Unit(name=f"目录单位{i:05d}") for i in range(n)])


def preview(user: User, draft: ImportDraft) -> tuple[int, int, Any]:
    """(bytes, queries, response) of the preview page."""
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    assert response.status_code == 200
    return len(response.content), len(queries), response


@pytest.mark.parametrize("document", [SMALL_PLAN, province_plan(60)], ids=["small", "60-rows"])
def test_it_does_not_grow_the_preview_with_the_directory(users: dict[str, User], document: bytes) -> None:
    draft = do_upload_document("plan.txt", document, acting_user=users["manager"])
    small_bytes, small_queries, small = preview(users["manager"], draft)
    fill_directory(DIRECTORY)
    big_bytes, big_queries, big = preview(users["manager"], draft)
    assert [r.typed for r in big.context["unit_rows"]] == [r.typed for r in small.context["unit_rows"]]
    # The same page: only the CSRF token differs, and it keeps its length.
    assert big_bytes == small_bytes, (small_bytes, big_bytes)
    assert big_queries == small_queries
    assert "目录单位" not in big.content.decode()


def test_it_confirms_a_choice_typed_among_a_large_directory(users: dict[str, User]) -> None:
    fill_directory(DIRECTORY)
    target = Unit.objects.create(name="省委政法委员会")
    Alias.objects.create(unit=target, name="省委政法委")
    draft = do_upload_document("plan.txt", province_plan(3), acting_user=users["manager"])
    client = Client()
    client.force_login(users["manager"])
    rows = client.get(reverse("plans:import_preview", args=[draft.pk])).context["unit_rows"]
    choices = {}
    for r in rows:
        choices[f"unit-{r.index}"], choices[f"match-{r.index}"], choices[f"name-{r.index}"] = (
            r.selected,
            r.typed,
            r.new_name,
        )
    choices[f"match-{rows[0].index}"] = "省委政法委"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("plans:import_confirm", args=[draft.pk]), choices)
    assert response.status_code == 302
    assert Responsibility.objects.filter(task__plan=Plan.objects.get(), unit=target).count() == 1
    # Resolving the typed names reads a few rows, not the directory: no query per directory unit.
    assert len(queries) < 150


def test_it_finds_a_unit_among_a_large_directory_through_the_api_search(users: dict[str, User]) -> None:
    """The request unit_search.js makes, with the manager's session."""
    fill_directory(DIRECTORY)
    target = Unit.objects.create(name="南京市公安局")
    Alias.objects.create(unit=target, name="市局")
    client = Client()
    client.force_login(users["manager"])
    for q in ("南京市公安", "市局"):
        response = client.get("/api/units", {"q": q, "limit": 20})
        assert response.status_code == 200
        body = response.json()
        assert [(u["id"], u["name"], u["active"]) for u in body["items"]] == [
            (target.pk, "南京市公安局", True)
        ]
        assert body["items"][0]["aliases"] == ["市局"]
    response = client.get("/api/units", {"q": "目录单位", "limit": 20})
    assert (len(response.json()["items"]), response.json()["count"]) == (20, DIRECTORY)
    assert len(response.content) < 10_000
