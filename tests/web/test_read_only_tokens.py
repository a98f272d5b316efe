"""Read-only API tokens (issue 15): they read and download; every write is refused with 403 and
changes nothing. Made on the tokens page with a checkbox, and shown there as 只读."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.actions import do_upload_document
from duban.plans.models import ImportDraft, Plan
from duban.tokens.actions import do_create_token
from duban.tokens.models import ApiToken

from .conftest import SMALL_PLAN


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_a_read_only_token_reads_but_every_write_is_refused(users: dict[str, User], small_plan: Plan) -> None:
    manager = users["manager"]
    draft = do_upload_document("d.txt", SMALL_PLAN, acting_user=manager)
    _token, raw = do_create_token("大屏", read_only=True, acting_user=manager)
    client = Client()
    assert client.get("/api/plans", headers=bearer(raw)).json()["count"] == 1
    before = (Plan.objects.count(), ImportDraft.objects.count(), AuditEvent.objects.count())
    writes = [
        client.post("/api/imports", {"file": SimpleUploadedFile("s.txt", SMALL_PLAN)}, headers=bearer(raw)),
        client.post(
            f"/api/imports/{draft.pk}/confirm", {"units": {}}, "application/json", headers=bearer(raw)
        ),
        client.post(f"/api/imports/{draft.pk}/cancel", headers=bearer(raw)),
    ]
    for response in writes:
        assert response.status_code == 403
        assert "只读令牌" in response.json()["detail"]
    assert (Plan.objects.count(), ImportDraft.objects.count(), AuditEvent.objects.count()) == before
    assert ImportDraft.objects.get(pk=draft.pk).status == "pending"


def test_a_read_write_token_still_writes(users: dict[str, User]) -> None:
    _token, raw = do_create_token("导入脚本", acting_user=users["manager"])
    response = Client().post(
        "/api/imports", {"file": SimpleUploadedFile("s.txt", SMALL_PLAN)}, headers=bearer(raw)
    )
    assert response.status_code == 201


@pytest.mark.parametrize(("checked", "label"), [(True, "只读"), (False, "读写")])
def test_the_tokens_page_makes_and_shows_read_only_tokens(
    users: dict[str, User], checked: bool, label: str
) -> None:
    client = Client()
    client.force_login(users["reporter"])
    data = {"name": "统计", "days": "30", **({"read_only": "on"} if checked else {})}
    page = client.post("/tokens/", data)
    assert page.status_code == 200
    token = ApiToken.objects.get(user=users["reporter"])
    assert token.read_only is checked
    assert f"<td>{label}</td>" in page.content.decode()
    event = AuditEvent.objects.filter(action="create_token").latest("id")
    assert event.after["read_only"] is checked
