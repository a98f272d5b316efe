"""The REST API under /api/: every route for every role, token and session auth, imports, the
OpenAPI schema and docs page, pagination, and pinned query counts."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.test import Client

from duban.accounts.models import User
from duban.api.docs import NINJA_STATIC
from duban.audit.models import AuditEvent
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.plans.models import ImportDraft, ImportStatus, Plan, Responsibility, SourceDocument, Task
from duban.tokens.actions import do_create_token, do_revoke_token
from duban.tokens.models import ApiToken
from duban.tracking.actions.orders import do_issue_order
from duban.tracking.actions.periods import do_create_periods
from duban.tracking.actions.report_data import ReportData
from duban.tracking.actions.reports import do_save_report
from duban.tracking.models import Frequency, ProgressReport, ReportingPeriod, SupervisionOrder
from duban.units.models import Unit

from .conftest import CORPUS, SMALL_PLAN

ROLES = ["admin", "manager", "other_manager", "reporter", "other_reporter", "leader", "outsider", "anonymous"]
ALL_UNITS = ["区信访局", "区公安分局", "区司法局", "区委政法委", "区民政局"]
PLAN_TITLE = "XX区平安建设任务分解方案"


@dataclass
class World:
    """The small plan (managed by `manager`) and a pending draft uploaded by `manager`."""

    users: dict[str, User]
    plan: Plan
    draft: ImportDraft
    period: ReportingPeriod
    report: ProgressReport  # submitted by other_reporter (区司法局) on task 2, which it leads
    order: SupervisionOrder  # issued by manager on task 2 to 区司法局

    @property
    def ids(self) -> dict[str, int]:
        tasks = {t.number: t.pk for t in self.plan.tasks.all()}
        return {
            "plan": self.plan.pk,
            "task1": tasks["1"],
            "task2": tasks["2"],
            "draft": self.draft.pk,
            "police": Unit.objects.get(name="区公安分局").pk,
            "period": self.period.pk,
            "report": self.report.pk,
            "order": self.order.pk,
            "justice": Unit.objects.get(name="区司法局").pk,
            "nothing": 999999,
        }

    def client(self, role: str, **kwargs: Any) -> Client:
        client = Client(**kwargs)
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


@pytest.fixture
def world(users: dict[str, User], small_plan: Plan) -> World:
    draft = do_upload_document("draft.txt", SMALL_PLAN, acting_user=users["manager"])
    small_plan.date = dt.date(2025, 1, 1)
    small_plan.save(update_fields=["date"])
    period = do_create_periods(small_plan, 2025, Frequency.QUARTERLY, 10, acting_user=users["manager"])[0]
    task2 = small_plan.tasks.get(number="2")
    report = do_save_report(
        task2,
        period,
        ReportData(narrative="已排查纠纷。", percent=50),
        submit=True,
        acting_user=users["other_reporter"],
    ).report
    order = do_issue_order(
        task2,
        [Unit.objects.get(name="区司法局")],
        "请加快排查",
        dt.date(2030, 1, 1),
        acting_user=users["manager"],
    )
    return World(users, small_plan, draft, period, report, order)


def upload(name: str = "small.txt", data: bytes = SMALL_PLAN) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")}


# ─── every route for every role ─────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Route:
    method: str
    url: str
    # What the caller got, reduced to something a table can state.
    what: Callable[[Any], Any]
    body: Callable[[World], dict[str, Any]] | None = None
    json_body: dict[str, Any] | None = None
    json_for: Callable[[World], dict[str, Any]] | None = None  # a JSON body naming the world's ids


ROUTES = {
    "GET /api/plans": Route("get", "/api/plans", lambda d: [p["title"] for p in d["items"]]),
    "GET /api/plans/{id}": Route("get", "/api/plans/{plan}", lambda d: [s["title"] for s in d["sections"]]),
    "GET /api/plans/{id}/tasks": Route(
        "get", "/api/plans/{plan}/tasks", lambda d: [t["number"] for t in d["items"]]
    ),
    "GET /api/plans/{id}/export": Route(
        "get", "/api/plans/{plan}/export", lambda d: [t["id"] for t in d["tasks"]]
    ),
    "GET /api/tasks/{id}": Route("get", "/api/tasks/{task1}", lambda d: (d["number"], d["plan_title"])),
    "GET /api/units": Route("get", "/api/units", lambda d: sorted(u["name"] for u in d["items"])),
    "GET /api/units/{id}": Route(
        "get", "/api/units/{police}", lambda d: [(r["task_number"], r["role"]) for r in d["responsibilities"]]
    ),
    "POST /api/imports": Route(
        "post", "/api/imports", lambda d: (d["source_name"], d["status"]), body=lambda w: upload()
    ),
    "GET /api/imports/{id}": Route("get", "/api/imports/{draft}", lambda d: (d["source_name"], d["status"])),
    "POST /api/imports/{id}/confirm": Route(
        "post", "/api/imports/{draft}/confirm", lambda d: (d["title"], d["version"]), json_body={"units": {}}
    ),
    "POST /api/imports/{id}/cancel": Route("post", "/api/imports/{draft}/cancel", lambda d: d["status"]),
    "GET /api/me": Route("get", "/api/me", lambda d: d["role"]),
    "GET /api/periods": Route("get", "/api/periods", lambda d: d["count"]),
    "GET /api/periods/{id}": Route("get", "/api/periods/{period}", lambda d: d["name"]),
    "POST /api/tasks/{id}/periods/{id}/report": Route(
        "post",
        "/api/tasks/{task1}/periods/{period}/report",
        lambda d: (d["report"]["kind"], d["report"]["status"]),
        body=lambda w: {"narrative": "配合排查", "percent": "30"},
    ),
    "POST /api/reports/{id}": Route(
        "post", "/api/reports/{report}", lambda d: d["report"]["status"], body=lambda w: {"narrative": "改"}
    ),
    "GET /api/reports": Route("get", "/api/reports", lambda d: [r["status"] for r in d["items"]]),
    "GET /api/reports/{id}": Route("get", "/api/reports/{report}", lambda d: (d["unit_name"], d["status"])),
    "GET /api/review-queue": Route("get", "/api/review-queue", lambda d: d["count"]),
    "GET /api/orders": Route("get", "/api/orders", lambda d: [o["level"] for o in d["items"]]),
    "GET /api/orders/{id}": Route("get", "/api/orders/{order}", lambda d: [u["name"] for u in d["units"]]),
    "POST /api/tasks/{id}/orders": Route(
        "post",
        "/api/tasks/{task2}/orders",
        lambda d: (d["level"], d["status"]),
        json_for=lambda w: {"units": [w.ids["justice"]], "text": "再督办", "reply_deadline": "2030-01-01"},
    ),
    "POST /api/orders/{id}/reply": Route(
        "post", "/api/orders/{order}/reply", lambda d: d["status"], json_body={"text": "已办理"}
    ),
    "POST /api/orders/{id}/close": Route(
        "post", "/api/orders/{order}/close", lambda d: d["status"], json_body={"comment": "办结"}
    ),
    "POST /api/orders/{id}/escalate": Route("post", "/api/orders/{order}/escalate", lambda d: d["level"]),
    "GET /api/inbox": Route("get", "/api/inbox", lambda d: sorted({n["kind"] for n in d["items"]})),
    "POST /api/inbox/read": Route("post", "/api/inbox/read", lambda d: d["marked"], json_body={"ids": []}),
    "GET /api/tokens": Route("get", "/api/tokens", lambda d: d["count"]),
    "POST /api/tokens": Route(
        "post", "/api/tokens", lambda d: (d["token"]["name"], d["raw"][:6]), json_body={"name": "脚本"}
    ),
    "POST /api/tokens/{id}/revoke": Route("post", "/api/tokens/{nothing}/revoke", lambda d: d),
    "POST /api/reports/{id}/review": Route(
        "post",
        "/api/reports/{report}/review",
        lambda d: d["status"],
        json_body={"decision": "accept", "comment": "同意"},
    ),
}

SEES_PLAN = [PLAN_TITLE]
IMPORTED = (PLAN_TITLE, 1)
Q1 = "2025年第一季度"
# route → role → (status, what the caller gets); 401 for anyone not signed in, 404 for forbidden.
EXPECTED: dict[str, dict[str, tuple[int, Any]]] = {
    "GET /api/plans": {
        "admin": (200, SEES_PLAN),
        "manager": (200, SEES_PLAN),
        "other_manager": (200, []),
        "reporter": (200, SEES_PLAN),
        "other_reporter": (200, SEES_PLAN),
        "leader": (200, SEES_PLAN),
        "outsider": (200, []),
        "anonymous": (401, None),
    },
    "GET /api/plans/{id}": {
        "admin": (200, ["一、基层治理"]),
        "manager": (200, ["一、基层治理"]),
        "other_manager": (404, None),
        "reporter": (200, ["一、基层治理"]),
        "other_reporter": (200, ["一、基层治理"]),
        "leader": (200, ["一、基层治理"]),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/plans/{id}/tasks": {
        "admin": (200, ["1", "2"]),
        "manager": (200, ["1", "2"]),
        "other_manager": (404, None),
        "reporter": (200, ["1"]),
        "other_reporter": (200, ["2"]),
        "leader": (200, ["1", "2"]),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/plans/{id}/export": {
        "admin": (200, ["1", "2"]),
        "manager": (200, ["1", "2"]),
        "other_manager": (404, None),
        "reporter": (200, ["1"]),
        "other_reporter": (200, ["2"]),
        "leader": (200, ["1", "2"]),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/tasks/{id}": {
        "admin": (200, ("1", PLAN_TITLE)),
        "manager": (200, ("1", PLAN_TITLE)),
        "other_manager": (404, None),
        "reporter": (200, ("1", PLAN_TITLE)),
        "other_reporter": (404, None),
        "leader": (200, ("1", PLAN_TITLE)),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/units": {
        "admin": (200, ALL_UNITS),
        "manager": (200, ALL_UNITS),
        "other_manager": (200, ALL_UNITS),
        "reporter": (200, ["区公安分局"]),
        "other_reporter": (200, ["区司法局"]),
        "leader": (200, ALL_UNITS),
        "outsider": (200, []),
        "anonymous": (401, None),
    },
    "GET /api/units/{id}": {
        "admin": (200, [("1", "partner")]),
        "manager": (200, [("1", "partner")]),
        # Sees the directory, but none of the tasks of a plan it does not manage.
        "other_manager": (200, []),
        "reporter": (200, [("1", "partner")]),
        "other_reporter": (404, None),
        "leader": (200, [("1", "partner")]),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "POST /api/imports": {
        "admin": (201, ("small.txt", "pending")),
        "manager": (201, ("small.txt", "pending")),
        "other_manager": (201, ("small.txt", "pending")),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/imports/{id}": {
        "admin": (200, ("draft.txt", "pending")),
        "manager": (200, ("draft.txt", "pending")),
        # Another manager's upload is not theirs to see.
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "POST /api/imports/{id}/confirm": {
        "admin": (201, IMPORTED),
        "manager": (201, IMPORTED),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "POST /api/imports/{id}/cancel": {
        "admin": (200, "cancelled"),
        "manager": (200, "cancelled"),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/me": {
        "admin": (200, "admin"),
        "manager": (200, "manager"),
        "other_manager": (200, "manager"),
        "reporter": (200, "reporter"),
        "other_reporter": (200, "reporter"),
        "leader": (200, "leader"),
        "outsider": (200, "reporter"),
        "anonymous": (401, None),
    },
    "GET /api/periods": {
        "admin": (200, 4),
        "manager": (200, 4),
        "other_manager": (200, 0),
        "reporter": (200, 4),
        "other_reporter": (200, 4),
        "leader": (200, 4),
        "outsider": (200, 0),
        "anonymous": (401, None),
    },
    "GET /api/periods/{id}": {
        "admin": (200, Q1),
        "manager": (200, Q1),
        "other_manager": (404, None),
        "reporter": (200, Q1),
        "other_reporter": (200, Q1),
        "leader": (200, Q1),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    # Only a reporter whose unit the task names starts a report: 区公安分局 is a partner of task 1.
    "POST /api/tasks/{id}/periods/{id}/report": {
        "admin": (404, None),
        "manager": (404, None),
        "other_manager": (404, None),
        "reporter": (201, ("contribution", "draft")),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    # A submitted report is no longer its unit's to edit.
    "POST /api/reports/{id}": {
        "admin": (404, None),
        "manager": (404, None),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/reports": {
        "admin": (200, ["submitted"]),
        "manager": (200, ["submitted"]),
        "other_manager": (200, []),
        "reporter": (200, []),
        "other_reporter": (200, ["submitted"]),
        "leader": (200, ["submitted"]),
        "outsider": (200, []),
        "anonymous": (401, None),
    },
    "GET /api/reports/{id}": {
        "admin": (200, ("区司法局", "submitted")),
        "manager": (200, ("区司法局", "submitted")),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (200, ("区司法局", "submitted")),
        "leader": (200, ("区司法局", "submitted")),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/review-queue": {
        "admin": (200, 1),
        "manager": (200, 1),
        "other_manager": (200, 0),
        "reporter": (200, 0),
        "other_reporter": (200, 0),
        "leader": (200, 0),
        "outsider": (200, 0),
        "anonymous": (401, None),
    },
    "POST /api/reports/{id}/review": {
        "admin": (200, "accepted"),
        "manager": (200, "accepted"),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "GET /api/orders": {
        "admin": (200, ["blue"]),
        "manager": (200, ["blue"]),
        "other_manager": (200, []),
        "reporter": (200, []),
        "other_reporter": (200, ["blue"]),
        "leader": (200, ["blue"]),
        "outsider": (200, []),
        "anonymous": (401, None),
    },
    "GET /api/orders/{id}": {
        "admin": (200, ["区司法局"]),
        "manager": (200, ["区司法局"]),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (200, ["区司法局"]),
        "leader": (200, ["区司法局"]),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "POST /api/tasks/{id}/orders": {
        "admin": (201, ("blue", "open")),
        "manager": (201, ("blue", "open")),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "POST /api/orders/{id}/reply": {
        "admin": (404, None),
        "manager": (404, None),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (200, "replied"),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "POST /api/orders/{id}/close": {
        "admin": (200, "closed"),
        "manager": (200, "closed"),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    "POST /api/orders/{id}/escalate": {
        "admin": (200, "yellow"),
        "manager": (200, "yellow"),
        "other_manager": (404, None),
        "reporter": (404, None),
        "other_reporter": (404, None),
        "leader": (404, None),
        "outsider": (404, None),
        "anonymous": (401, None),
    },
    # Notices go out on commit, which this table's transactions never reach: each inbox is empty
    # (tests/web/test_api_inbox.py reads real ones).
    "GET /api/inbox": {
        **{role: (200, []) for role in ROLES if role != "anonymous"},
        "anonymous": (401, None),
    },
    "POST /api/inbox/read": {
        **{role: (200, 0) for role in ROLES if role != "anonymous"},
        "anonymous": (401, None),
    },
    "GET /api/tokens": {
        **{role: (200, 0) for role in ROLES if role != "anonymous"},
        "anonymous": (401, None),
    },
    # From a signed-in session (this table's callers): each makes a token of its own.
    "POST /api/tokens": {
        **{role: (201, ("脚本", "duban_")) for role in ROLES if role != "anonymous"},
        "anonymous": (401, None),
    },
    "POST /api/tokens/{id}/revoke": {
        **{role: (404, None) for role in ROLES if role != "anonymous"},
        "anonymous": (401, None),
    },
}
TABLE = [(route, role, *EXPECTED[route][role]) for route in ROUTES for role in ROLES]


def test_it_covers_every_route_and_role_in_the_table() -> None:
    assert set(EXPECTED) == set(ROUTES)
    assert all(set(by_role) == set(ROLES) for by_role in EXPECTED.values())


@pytest.mark.parametrize(("route", "role", "status", "what"), TABLE, ids=[f"{r}-{o}" for r, o, *_ in TABLE])
def test_it_answers_each_role_with_what_it_may_see(
    world: World, route: str, role: str, status: int, what: Any
) -> None:
    r = ROUTES[route]
    client = world.client(role)
    url = r.url.format(**world.ids)
    if r.json_body is not None or r.json_for is not None:
        body = r.json_for(world) if r.json_for else r.json_body
        response = client.post(url, body, content_type="application/json")
    else:
        response = getattr(client, r.method)(url, r.body(world) if r.body else None)
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    if status < 400:
        assert r.what(data) == what
    else:
        # Errors are {"detail": "…"} in Chinese; 404 never says whether the object exists.
        assert re.search(r"[\u4e00-\u9fff]", data["detail"]), data


def test_it_says_404_alike_for_missing_and_forbidden_plans(world: World) -> None:
    client = world.client("other_manager")
    forbidden = client.get(f"/api/plans/{world.plan.pk}")
    missing = client.get("/api/plans/999999")
    assert (forbidden.status_code, forbidden.json()) == (missing.status_code, missing.json())
    assert forbidden.json() == {"detail": "方案不存在或无权访问"}


def test_it_tells_an_anonymous_caller_how_to_authenticate(world: World) -> None:
    response = Client().get("/api/plans")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "API 令牌" in response.json()["detail"]


# ─── tokens and sessions ────────────────────────────────────────────────────────────────────


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(
    ("role", "tasks"), [("reporter", ["1"]), ("other_reporter", ["2"]), ("manager", ["1", "2"])]
)
def test_it_accepts_a_bearer_token_as_its_owner(world: World, role: str, tasks: list[str]) -> None:
    _, raw = do_create_token("脚本", acting_user=world.users[role])
    response = Client().get(f"/api/plans/{world.plan.pk}/tasks", headers=bearer(raw))
    assert response.status_code == 200
    assert [t["number"] for t in response.json()["items"]] == tasks


def _revoked(token: ApiToken, raw: str) -> str:
    do_revoke_token(token, acting_user=token.user)
    return raw


def _owner_disabled(token: ApiToken, raw: str) -> str:
    User.objects.filter(pk=token.user_id).update(is_active=False)
    return raw


SPOILED: dict[str, Callable[[ApiToken, str], str]] = {
    "revoked": _revoked,
    "owner-disabled": _owner_disabled,
    "altered": lambda token, raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
    "hash-as-token": lambda token, raw: token.token_hash,
    "empty": lambda token, raw: "",
}


@pytest.mark.parametrize("case", list(SPOILED))
def test_it_refuses_a_token_that_is_not_valid(world: World, case: str) -> None:
    token, raw = do_create_token("脚本", acting_user=world.users["manager"])
    response = Client().get("/api/plans", headers=bearer(SPOILED[case](token, raw)))
    assert (response.status_code, response.json()) == (401, {"detail": "API 令牌无效或已吊销"})


def test_it_refuses_a_revoked_token_that_worked_before(world: World) -> None:
    user = world.users["manager"]
    token, raw = do_create_token("脚本", acting_user=user)
    assert Client().get("/api/plans", headers=bearer(raw)).status_code == 200
    do_revoke_token(token, acting_user=user)
    response = Client().get("/api/plans", headers=bearer(raw))
    assert (response.status_code, response.json()) == (401, {"detail": "API 令牌无效或已吊销"})


def test_it_does_not_fall_back_to_the_session_when_a_bad_token_is_sent(world: World) -> None:
    client = world.client("manager")
    assert client.get("/api/plans").status_code == 200
    assert client.get("/api/plans", headers=bearer("duban_not-a-token")).status_code == 401


def test_it_needs_no_csrf_token_with_a_bearer_token(world: World) -> None:
    _, raw = do_create_token("脚本", acting_user=world.users["manager"])
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/imports", upload(), headers=bearer(raw))
    assert response.status_code == 201, response.content.decode()


def test_it_requires_csrf_for_unsafe_methods_in_a_session(world: World) -> None:
    client = world.client("manager", enforce_csrf_checks=True)
    drafts = ImportDraft.objects.count()
    response = client.post("/api/imports", upload())
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"] and "X-CSRFToken" in response.json()["detail"]
    assert ImportDraft.objects.count() == drafts
    # With the token from the cookie, as the docs page and htmx send it, the same request passes.
    client.get("/api/docs")
    response = client.post(
        "/api/imports", upload(), headers={"X-CSRFToken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 201, response.content.decode()


def test_it_answers_401_not_403_to_an_anonymous_unsafe_request(world: World) -> None:
    response = Client(enforce_csrf_checks=True).post("/api/imports", upload())
    assert response.status_code == 401


# ─── imports ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("empty.txt", b"", "文件为空"),
        ("broken.docx", b"PK\x03\x04 not really a docx", "broken.docx"),
        ("news.txt", "今天天气很好。我们去公园散步。".encode(), "未识别出任务"),
    ],
)
def test_it_rejects_a_bad_upload_with_400_and_stores_nothing(
    users: dict[str, User], client: Client, name: str, data: bytes, message: str
) -> None:
    client.force_login(users["manager"])
    response = client.post("/api/imports", upload(name, data))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert name in detail and message in detail
    assert not SourceDocument.objects.exists() and not ImportDraft.objects.exists()
    assert not AuditEvent.objects.exclude(object_type="accounts.user").exists()


def test_it_rejects_an_oversized_upload_before_reading_it(
    users: dict[str, User], client: Client, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(users["manager"])
    response = client.post("/api/imports", upload("big.txt", SMALL_PLAN * 10))
    assert response.status_code == 400 and "文件过大" in response.json()["detail"]
    assert not SourceDocument.objects.exists()


def test_it_imports_a_document_end_to_end_through_the_api(users: dict[str, User]) -> None:
    civil = Unit.objects.create(name="区民政局机关")
    _, raw = do_create_token("导入脚本", acting_user=users["manager"])
    client = Client()
    auth = bearer(raw)

    created = client.post("/api/imports", upload(), headers=auth)
    assert created.status_code == 201
    draft = created.json()
    assert [t["id"] for t in draft["plan"]["tasks"]] == ["1", "2"]
    matches = {m["printed"]: m["how"] for m in draft["units"]}
    assert matches["区公安分局"] == "exact" and matches["区司法局"] == "exact"
    assert matches["区民政局"] == "near" and matches["区信访局"] == "new"
    assert not Plan.objects.exists()

    assert client.get(f"/api/imports/{draft['id']}", headers=auth).json() == draft

    confirmed = client.post(
        f"/api/imports/{draft['id']}/confirm",
        {"units": {"区民政局": civil.pk, "区信访局": "区人民信访局"}},
        content_type="application/json",
        headers=auth,
    )
    assert confirmed.status_code == 201, confirmed.content.decode()
    plan = confirmed.json()
    assert (plan["title"], plan["version"], [s["title"] for s in plan["sections"]]) == (
        PLAN_TITLE,
        1,
        ["一、基层治理"],
    )

    tasks = client.get(f"/api/plans/{plan['id']}/tasks", headers=auth).json()["items"]
    assert [[r["unit_name"] for r in t["responsibilities"]] for t in tasks] == [
        ["区委政法委", "区民政局机关", "区公安分局"],
        ["区司法局", "区人民信访局"],
    ]
    assert Responsibility.objects.filter(task__plan_id=plan["id"], unit=civil).count() == 1
    assert not Unit.objects.filter(name="区民政局").exists()
    assert client.get(f"/api/imports/{draft['id']}", headers=auth).json()["result_id"] == plan["id"]
    # Confirmed once: a second confirmation is refused.
    again = client.post(
        f"/api/imports/{draft['id']}/confirm", {}, content_type="application/json", headers=auth
    )
    assert again.status_code == 400 and "已确认或取消" in again.json()["detail"]


def test_it_imports_a_revision_as_the_next_version(world: World) -> None:
    client = world.client("manager")
    created = client.post("/api/imports", {**upload("v2.txt"), "revises": world.plan.pk})
    assert created.status_code == 201 and created.json()["revises_id"] == world.plan.pk
    confirmed = client.post(
        f"/api/imports/{created.json()['id']}/confirm", {}, content_type="application/json"
    )
    assert confirmed.json()["version"] == 2
    assert [p["version"] for p in client.get("/api/plans").json()["items"]] == [2]
    assert sorted(p["version"] for p in client.get("/api/plans?current=false").json()["items"]) == [1, 2]


def test_it_refuses_to_revise_a_plan_the_caller_does_not_manage(world: World) -> None:
    sources = SourceDocument.objects.count()
    response = world.client("other_manager").post("/api/imports", {**upload(), "revises": world.plan.pk})
    assert (response.status_code, response.json()) == (404, {"detail": "方案不存在或无权访问"})
    assert SourceDocument.objects.count() == sources


def test_it_cancels_an_import_leaving_no_plan(world: World) -> None:
    client = world.client("manager")
    plans_before = Plan.objects.count()
    assert client.post(f"/api/imports/{world.draft.pk}/cancel").json()["status"] == ImportStatus.CANCELLED
    assert Plan.objects.count() == plans_before
    confirm = client.post(f"/api/imports/{world.draft.pk}/confirm", {}, content_type="application/json")
    assert confirm.status_code == 400


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ({"区统计局": None}, "文档中没有这些单位：区统计局"),
        ({"区民政局": 999999}, "“区民政局”对应的单位不存在"),
    ],
)
def test_it_rejects_a_confirmation_with_bad_unit_choices(
    world: World, units: dict[str, Any], message: str
) -> None:
    response = world.client("manager").post(
        f"/api/imports/{world.draft.pk}/confirm", {"units": units}, content_type="application/json"
    )
    assert (response.status_code, response.json()["detail"]) == (400, message)
    assert ImportDraft.objects.get(pk=world.draft.pk).status == ImportStatus.PENDING


# ─── filters and pagination ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("", ["1", "2"]),
        ("role=lead&unit={justice}", ["2"]),
        ("role=partner&unit={justice}", []),
        ("unit={police}", ["1"]),
        ("has_target=1", ["1"]),
        ("has_target=0", ["2"]),
        ("q=网格", ["1"]),
        ("q=区信访局", ["2"]),
    ],
)
def test_it_filters_tasks_like_the_plan_page(world: World, query: str, numbers: list[str]) -> None:
    ids = {"police": Unit.objects.get(name="区公安分局").pk, "justice": Unit.objects.get(name="区司法局").pk}
    client = world.client("admin")
    url = f"/api/plans/{world.plan.pk}/tasks?{query.format(**ids)}"
    assert [t["number"] for t in client.get(url).json()["items"]] == numbers
    export = client.get(f"/api/plans/{world.plan.pk}/export?{query.format(**ids)}").json()
    assert [t["id"] for t in export["tasks"]] == numbers


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("unit=abc", "unit"),
        ("role=boss", "role"),
        ("deadline_from=someday", "deadline_from"),
        ("unit=%C2%B3", "unit"),  # "³": isdigit() is true, int() refuses it
        ("section=9223372036854775808", "section"),  # 2**63: beyond a 64-bit id
        ("has_target=2", "has_target"),
    ],
)
def test_it_refuses_a_bad_filter_with_400_naming_it_as_the_page_does(
    world: World, query: str, param: str
) -> None:
    client = world.client("admin")
    for url in (f"/api/plans/{world.plan.pk}/tasks?{query}", f"/api/plans/{world.plan.pk}/export?{query}"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["param"] == param and param in response.json()["detail"]
    page = client.get(f"/plans/{world.plan.pk}/?{query}")
    assert page.status_code == 400 and f"参数 {param}" in page.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=18446744073709551616", "offset"),
        ("offset=-1", "offset"),
        ("limit=%D9%A3", "limit"),
        ("limit=0", "limit"),
    ],
)
def test_it_refuses_a_bad_page_parameter_with_400_naming_it(world: World, query: str, field: str) -> None:
    response = world.client("admin").get(f"/api/units?{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert f"字段 {field}" in response.json()["detail"]


@pytest.mark.parametrize(("limit", "offset"), [(2, 0), (2, 2), (2, 4), (1, 3), (3, 9), (500, 0)])
def test_it_pages_lists_with_limit_and_offset(world: World, limit: int, offset: int) -> None:
    client = world.client("admin")
    everything = [u["name"] for u in client.get("/api/units").json()["items"]]
    assert sorted(everything) == ALL_UNITS
    page = client.get(f"/api/units?limit={limit}&offset={offset}").json()
    assert ([u["name"] for u in page["items"]], page["count"]) == (everything[offset : offset + limit], 5)


@pytest.mark.parametrize(
    ("query", "names"), [("q=公安", ["区公安分局"]), ("q=区", ALL_UNITS), ("kind=district", [])]
)
def test_it_searches_units_like_the_unit_list(world: World, query: str, names: list[str]) -> None:
    data = world.client("admin").get(f"/api/units?{query}").json()
    assert (sorted(u["name"] for u in data["items"]), data["count"]) == (names, len(names))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=501", "字段 limit 不能大于 500"),
        ("limit=0", "字段 limit 不能小于 1"),
        ("offset=-1", "字段 offset 不能小于 0"),
    ],
)
def test_it_refuses_a_page_beyond_the_limits(world: World, query: str, message: str) -> None:
    # A query parameter: 400 as on the pages, in Chinese, naming it (a body field would be 422).
    response = world.client("admin").get(f"/api/plans?{query}")
    assert response.status_code == 400
    assert response.json()["detail"] == message


# ─── the schema and the docs page ───────────────────────────────────────────────────────────

ALL_OPERATIONS = {
    ("get", "/api/plans"),
    ("get", "/api/plans/{plan_id}"),
    ("get", "/api/plans/{plan_id}/tasks"),
    ("get", "/api/plans/{plan_id}/export"),
    ("get", "/api/tasks/{task_id}"),
    ("get", "/api/units"),
    ("get", "/api/units/{unit_id}"),
    ("post", "/api/imports"),
    ("get", "/api/imports/{draft_id}"),
    ("post", "/api/imports/{draft_id}/confirm"),
    ("post", "/api/imports/{draft_id}/cancel"),
    ("get", "/api/me"),
    ("get", "/api/periods"),
    ("get", "/api/periods/{period_id}"),
    ("post", "/api/tasks/{task_id}/periods/{period_id}/report"),
    ("post", "/api/reports/{report_id}"),
    ("get", "/api/reports"),
    ("get", "/api/reports/{report_id}"),
    ("get", "/api/review-queue"),
    ("post", "/api/reports/{report_id}/review"),
    ("get", "/api/orders"),
    ("get", "/api/orders/{order_id}"),
    ("post", "/api/tasks/{task_id}/orders"),
    ("post", "/api/orders/{order_id}/reply"),
    ("post", "/api/orders/{order_id}/close"),
    ("post", "/api/orders/{order_id}/escalate"),
    ("get", "/api/inbox"),
    ("post", "/api/inbox/read"),
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("post", "/api/tokens/{token_id}/revoke"),
}


def test_it_lists_every_route_in_the_openapi_schema(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    operations = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert operations == ALL_OPERATIONS
    assert {s["type"] for s in schema["components"]["securitySchemes"].values()} == {"http", "apiKey"}
    assert all(op.get("security") for ops in schema["paths"].values() for op in ops.values())


def test_it_covers_every_schema_operation_in_the_role_table() -> None:
    tabled = {(r.method, re.sub(r"\{\w+\}", "{}", r.url)) for r in ROUTES.values()}
    assert tabled == {(m, re.sub(r"\{\w+\}", "{}", p)) for m, p in ALL_OPERATIONS}


def docs_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_it_serves_the_docs_page_with_no_url_outside_the_site(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.findall(r"https?://", html), "the docs page must not load anything from outside the site"
    assert not re.findall(r"""(?:src|href)=["']//""", html)
    settings = json.loads(
        re.search(r'<script id="swagger-settings" type="application/json">(.*?)</script>', html, re.S).group(
            1
        )
    )  # type: ignore[union-attr]
    # Swagger UI would otherwise post the schema to validator.swagger.io.
    assert settings["validatorUrl"] is None and settings["url"] == "/api/openapi.json"


@pytest.mark.parametrize("index", range(4))
def test_it_serves_every_file_the_docs_page_needs_from_the_package(client: Client, index: int) -> None:
    url = docs_urls(client.get("/api/docs").content.decode())[index]
    assert url.startswith("/api/docs/assets/")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (NINJA_STATIC / Path(url).name).read_bytes()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["swagger-ui-bundle.js.map", "..%2F..%2Fmain.py", "redoc.standalone.js"])
def test_it_serves_no_other_file_as_a_docs_asset(client: Client, name: str) -> None:
    assert client.get(f"/api/docs/assets/{name}").status_code == 404


# ─── query counts ───────────────────────────────────────────────────────────────────────────

# A session request costs 2 queries (session, user) before the route's own. The same for a plan of
# two tasks and one of sixty: no query per row.
QUERIES = {
    "/api/plans": 2 + 2,  # count, page
    "/api/plans/{plan}": 2 + 3,  # plan, source, sections
    "/api/plans/{plan}/tasks": 2 + 5,  # plan, count, page, responsibilities with units, targets
    # plan, visible tasks, tasks, responsibilities, units, targets, source, deductions
    "/api/plans/{plan}/export": 2 + 8,
    "/api/tasks/{task}": 2 + 3,  # task with plan and section, responsibilities with units, targets
    "/api/units": 2 + 3,  # count, page with counts, aliases
    # unit, groups, responsibilities, the tasks' responsibilities, targets, aliases
    "/api/units/{unit}": 2 + 6,
}


@pytest.fixture
def big_plan(users: dict[str, User]) -> Plan:
    """A real decomposition document with many tasks, units, targets and deductions, so that a
    query per row would show."""
    name = "004_8589ef9e036e82d9.txt"
    plan = do_confirm_import(
        do_upload_document(name, (CORPUS / name).read_bytes(), acting_user=users["manager"]),
        {},
        acting_user=users["manager"],
    )
    assert plan.tasks.count() > 50 and plan.deductions.exists()
    return plan


@pytest.mark.parametrize("size", ["small", "big"])
@pytest.mark.parametrize("url", list(QUERIES))
def test_it_answers_in_a_fixed_number_of_queries(
    users: dict[str, User],
    small_plan: Plan,
    big_plan: Plan,
    django_assert_num_queries: Any,
    url: str,
    size: str,
) -> None:
    plan = small_plan if size == "small" else big_plan
    task = Task.objects.filter(plan=plan).order_by("order").first()
    # The unit with the most tasks in the plan.
    unit = (
        Unit.objects.filter(responsibilities__task__plan=plan)
        .annotate(n=Count("responsibilities"))
        .order_by("-n")
        .first()
    )
    assert task is not None and unit is not None
    client = Client()
    client.force_login(users["admin"])
    with django_assert_num_queries(QUERIES[url]):
        response = client.get(url.format(plan=plan.pk, task=task.pk, unit=unit.pk))
    assert response.status_code == 200
    if size == "big" and url in ("/api/plans/{plan}/tasks", "/api/units/{unit}"):
        data = response.json()
        assert len(data.get("items", data.get("responsibilities", []))) > 20


def test_it_costs_a_token_request_one_query_to_authenticate(
    users: dict[str, User], small_plan: Plan, django_assert_num_queries: Any
) -> None:
    _, raw = do_create_token("脚本", acting_user=users["admin"])
    with django_assert_num_queries(1 + 2):
        assert Client().get("/api/plans", headers=bearer(raw)).status_code == 200
