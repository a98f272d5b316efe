"""Supervision orders through the API (issue 15): the office issues on a task, the unit replies,
the office escalates and closes; each write by whoever may make it, audited, 404 to others."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.test import Client
from docx import Document

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.models import Task
from duban.tokens.actions import do_create_token
from duban.tracking.models import SupervisionOrder
from duban.units.models import Unit


def client_for(user: User) -> tuple[Client, dict[str, str]]:
    _token, raw = do_create_token("OA", acting_user=user)
    return Client(), {"Authorization": f"Bearer {raw}"}


def post(client: Client, auth: dict[str, str], url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, "application/json", headers=auth)


def test_an_order_is_issued_replied_escalated_and_closed(users: dict[str, User], task2: Task) -> None:
    office, office_auth = client_for(users["manager"])
    justice = Unit.objects.get(name="区司法局")
    issued = post(
        office,
        office_auth,
        f"/api/tasks/{task2.pk}/orders",
        {"units": [justice.pk], "text": "请加快矛盾纠纷排查", "reply_deadline": "2025-03-10"},
    )
    assert issued.status_code == 201, issued.content
    order = issued.json()
    assert (order["level"], order["status"], [u["name"] for u in order["units"]]) == (
        "blue",
        "open",
        ["区司法局"],
    )
    assert order["serial"] == SupervisionOrder.objects.get().serial
    unit, unit_auth = client_for(users["other_reporter"])  # 区司法局
    assert unit.get("/api/orders", headers=unit_auth).json()["count"] == 1
    # A unit may not escalate or close; the office may not reply for the unit.
    assert post(unit, unit_auth, f"/api/orders/{order['id']}/escalate").status_code == 404
    assert post(unit, unit_auth, f"/api/orders/{order['id']}/close").status_code == 404
    assert post(office, office_auth, f"/api/orders/{order['id']}/reply", {"text": "代答"}).status_code == 404
    escalated = post(office, office_auth, f"/api/orders/{order['id']}/escalate").json()
    assert escalated["level"] == "yellow" and len(escalated["escalations"]) == 1
    replied = post(unit, unit_auth, f"/api/orders/{order['id']}/reply", {"text": "已排查 12 起纠纷"})
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    closed = post(office, office_auth, f"/api/orders/{order['id']}/close", {"comment": "办结"}).json()
    assert closed["status"] == "closed"
    actions = list(
        AuditEvent.objects.filter(object_type="tracking.supervisionorder").values_list("action", flat=True)
    )
    assert sorted(actions) == ["close_order", "escalate_order", "issue_order", "reply_order"]
    docx = unit.get(order["docx_url"], headers=unit_auth)
    assert docx.status_code == 200
    assert any(order["serial"] in p.text for p in Document(io.BytesIO(docx.content)).paragraphs)


def test_an_order_is_refused_in_chinese_when_its_fields_are_wrong(
    users: dict[str, User], task2: Task
) -> None:
    office, auth = client_for(users["manager"])
    police = Unit.objects.get(name="区公安分局")  # not a unit of task 2
    wrong_unit = post(
        office,
        auth,
        f"/api/tasks/{task2.pk}/orders",
        {"units": [police.pk], "text": "x", "reply_deadline": "2025-03-10"},
    )
    assert (wrong_unit.status_code, wrong_unit.json()["detail"]) == (
        400,
        "督办单位必须是该任务的责任单位：区公安分局",
    )
    past = post(
        office,
        auth,
        f"/api/tasks/{task2.pk}/orders",
        {
            "units": [Unit.objects.get(name="区司法局").pk],
            "text": "x",
            "reply_deadline": str(dt.date(2025, 2, 1)),
        },
    )
    assert past.status_code == 400 and "早于今天" in past.json()["detail"]
    empty = post(
        office,
        auth,
        f"/api/tasks/{task2.pk}/orders",
        {"units": [], "text": "", "reply_deadline": "2025-03-10"},
    )
    assert empty.status_code == 422
    assert not SupervisionOrder.objects.exists()


def test_only_the_plans_office_issues(users: dict[str, User], task2: Task) -> None:
    justice = Unit.objects.get(name="区司法局")
    body = {"units": [justice.pk], "text": "请加快", "reply_deadline": "2025-03-10"}
    for role in ("other_manager", "other_reporter", "leader", "outsider"):
        client, auth = client_for(users[role])
        assert post(client, auth, f"/api/tasks/{task2.pk}/orders", body).status_code == 404, role
    assert not SupervisionOrder.objects.exists()
