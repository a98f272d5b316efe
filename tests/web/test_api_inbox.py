"""The inbox and one's own tokens through the API (issue 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.notifications.models import Notification
from duban.plans.models import Plan
from duban.tokens.actions import do_create_token
from duban.tokens.models import ApiToken
from duban.tracking.actions.orders import do_issue_order
from duban.units.models import Unit


def bearer(user: User, **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {do_create_token('OA', acting_user=user, **kw)[1]}"}


def test_a_unit_reads_its_notices_and_marks_them_read(
    users: dict[str, User], small_plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    task2 = small_plan.tasks.get(number="2")
    with django_capture_on_commit_callbacks(execute=True):
        do_issue_order(
            task2,
            [Unit.objects.get(name="区司法局")],
            "请加快",
            dt.date(2030, 1, 1),
            acting_user=users["manager"],
        )
    auth = bearer(users["other_reporter"])
    client = Client()
    unread = client.get("/api/inbox?unread=true", headers=auth).json()
    assert [n["kind"] for n in unread["items"]] == ["order_issued"]
    assert "请加快" in unread["items"][0]["text"]
    # Somebody else's notice cannot be marked read by this caller.
    others = list(
        Notification.objects.exclude(recipient=users["other_reporter"]).values_list("pk", flat=True)
    )
    mine = [n["id"] for n in unread["items"]]
    marked = client.post("/api/inbox/read", {"ids": mine + others}, "application/json", headers=auth).json()
    assert marked == {"marked": 1}
    assert client.get("/api/inbox?unread=true", headers=auth).json()["count"] == 0
    assert Notification.objects.filter(pk__in=others, read_at__isnull=False).count() == 0
    # The police see none of it.
    assert Client().get("/api/inbox", headers=bearer(users["reporter"])).json()["count"] == 0


def test_tokens_are_listed_and_revoked_but_not_made_by_a_token(users: dict[str, User]) -> None:
    auth = bearer(users["reporter"])
    client = Client()
    listed = client.get("/api/tokens", headers=auth).json()
    assert [t["name"] for t in listed["items"]] == ["OA"] and listed["items"][0]["active"] is True
    refused = client.post("/api/tokens", {"name": "再来一个"}, "application/json", headers=auth)
    assert refused.status_code == 403 and "令牌不能再创建令牌" in refused.json()["detail"]
    assert ApiToken.objects.count() == 1
    browser = Client()
    browser.force_login(users["reporter"])
    made = browser.post(
        "/api/tokens", {"name": "只读大屏", "days": 30, "read_only": True}, "application/json"
    )
    assert made.status_code == 201
    assert made.json()["raw"].startswith("duban_") and made.json()["token"]["read_only"] is True
    other = ApiToken.objects.get(name="只读大屏")
    revoked = client.post(f"/api/tokens/{other.pk}/revoke", headers=auth)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    # Another user's token is not there to revoke.
    foreign = ApiToken.objects.get(pk=do_create_token("x", acting_user=users["manager"])[0].pk)
    assert client.post(f"/api/tokens/{foreign.pk}/revoke", headers=auth).status_code == 404
    assert AuditEvent.objects.filter(action="revoke_token").count() == 1
