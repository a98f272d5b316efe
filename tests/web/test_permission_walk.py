"""Every URL and API route, with every role: who gets what.

The routes are read from the URL resolver, so a new page without a row in EXPECTED fails the
walk until someone decides who may see it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from duban.accounts.models import User
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.plans.models import ImportDraft, Plan
from duban.tokens.actions import do_create_token
from duban.units.models import Unit

ROLES = ("anonymous", "admin", "manager", "other_manager", "reporter", "other_reporter", "leader", "outsider")

# GET status per route and role, for the objects of the `world` fixture: the plan is managed by
# `manager`; `reporter`'s unit (区公安分局) is a partner of task 1; `other_reporter`'s unit leads task 2
# (so it may see the plan but not task 1); the draft is `manager`'s; the token is `reporter`'s.
A, M, OM, R = "admin", "manager", "other_manager", "reporter"


def row(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


LOGIN = 302  # pages send anonymous visitors to the login page
EXPECTED: dict[str, dict[str, int]] = {
    "home": row(302),
    "accounts:login": row(200),
    "accounts:password_change": row(200, anonymous=LOGIN),
    "plans:list": row(200, anonymous=LOGIN),
    "plans:detail": row(200, anonymous=LOGIN, other_manager=404, outsider=404),
    "plans:source": row(200, anonymous=LOGIN, other_manager=404, outsider=404),
    "plans:diff": row(200, anonymous=LOGIN, other_manager=404, outsider=404),
    "plans:settings": row(404, anonymous=LOGIN, admin=200, manager=200),
    "plans:task_parent": row(404, anonymous=LOGIN, admin=405, manager=405),
    "plans:task": row(200, anonymous=LOGIN, other_manager=404, other_reporter=404, outsider=404),
    "plans:import": row(404, anonymous=LOGIN, admin=200, manager=200, other_manager=200),
    "plans:import_preview": row(404, anonymous=LOGIN, admin=200, manager=200),
    "plans:import_edit": row(404, anonymous=LOGIN, admin=405, manager=405),
    "plans:import_confirm": row(404, anonymous=LOGIN, admin=405, manager=405),
    "plans:import_cancel": row(404, anonymous=LOGIN, admin=405, manager=405),
    "plans:import_revise": row(404, anonymous=LOGIN, admin=405, manager=405),
    "units:list": row(200, anonymous=LOGIN),
    # The directory and its merges are the administrator's (issue 11), its suggestions too.
    "units:create": row(404, anonymous=LOGIN, admin=200),
    "units:merge_suggestions": row(404, anonymous=LOGIN, admin=200),
    "units:workload": row(404, anonymous=LOGIN, admin=200, manager=200, other_manager=200, leader=200),
    "units:detail": row(200, anonymous=LOGIN, other_reporter=404, outsider=404),
    "units:edit": row(404, anonymous=LOGIN, admin=200),
    "units:add_alias": row(405, anonymous=LOGIN),  # POST only: see the POST walk below
    # Without ?into= the merge page sends the user back to the unit page.
    "units:merge": row(404, anonymous=LOGIN, admin=302),
    "units:members": row(405, anonymous=LOGIN),
    # The plan's trail, through the plan's own access helper: whoever may see the plan
    # (tests/web/test_rights.py walks the other audited types).
    "audit:object": row(200, anonymous=LOGIN, other_manager=404, outsider=404),
    "audit:trail": row(404, anonymous=LOGIN, admin=200),
    "exports:plans": row(200, anonymous=LOGIN),
    "exports:plan": row(200, anonymous=LOGIN, other_manager=404, outsider=404),
    "exports:unit": row(200, anonymous=LOGIN, other_reporter=404, outsider=404),
    "exports:units": row(200, anonymous=LOGIN),
    "exports:workload": row(404, anonymous=LOGIN, admin=200, manager=200, other_manager=200, leader=200),
    "tokens:list": row(200, anonymous=LOGIN),
    "tokens:revoke": row(
        405, anonymous=LOGIN
    ),  # POST only; the method is refused before the token is looked up
    "tracking:home": row(200, anonymous=LOGIN),
    "tracking:periods": row(200, anonymous=LOGIN, other_manager=404, outsider=404),
    "tracking:task": row(200, anonymous=LOGIN, other_manager=404, other_reporter=404, outsider=404),
    "tracking:review": row(200, anonymous=LOGIN),
    "tracking:orders": row(200, anonymous=LOGIN),
    "notifications:inbox": row(200, anonymous=LOGIN),
    "notifications:deliveries": row(404, anonymous=LOGIN, admin=200),
    "notifications:channels": row(404, anonymous=LOGIN, admin=200),
    **{
        f"tracking:{n}": row(404, anonymous=LOGIN)
        for n in (
            "period",
            "period_xlsx",
            "period_docx",
            "bulk_download",
            "report_new",
            "report",
            "evidence",
            "order",
            "order_docx",
        )
    },
    **{
        f"tracking:{n}": row(405, anonymous=LOGIN)
        for n in (
            "bulk_upload",
            "order_issue",
            "report_review",
            "report_correct",
            "evidence_remove",
            "order_reply",
            "order_close",
            "order_escalate",
        )
    },
    "notifications:notification": row(404, anonymous=LOGIN),
    **{f"notifications:{n}": row(405, anonymous=LOGIN) for n in ("inbox_read", "delivery_retry")},
    "api:openapi-json": row(200),
    "api:openapi-view": row(200),
    "api:api-root": row(404),
    "api:docs-asset": row(200),
    "api:list_plans": row(200, anonymous=401),
    "api:get_plan": row(200, anonymous=401, other_manager=404, outsider=404),
    "api:list_plan_tasks": row(200, anonymous=401, other_manager=404, outsider=404),
    "api:export_plan": row(200, anonymous=401, other_manager=404, outsider=404),
    "api:get_task": row(200, anonymous=401, other_manager=404, other_reporter=404, outsider=404),
    "api:list_units": row(200, anonymous=401),
    "api:get_unit": row(200, anonymous=401, other_reporter=404, outsider=404),
    "api:upload_document": row(405),  # POST only
    "api:get_draft": row(404, anonymous=401, admin=200, manager=200),
    "api:confirm_import": row(405),  # POST only
    "api:cancel_import": row(405),  # POST only
    "api:me": row(200, anonymous=401),
    "api:list_periods": row(200, anonymous=401),
    "api:get_period": row(404, anonymous=401),  # no period in this world: tests/web/test_api.py
    "api:start_report": row(405),  # POST only
    "api:list_reports": row(200, anonymous=401),
    "api:get_report": row(404, anonymous=401),  # likewise
    "api:save_report": row(404, anonymous=401),  # the same path as get_report: its GET
    "api:list_review_queue": row(200, anonymous=401),
    "api:review_report": row(405),  # POST only
    "api:list_orders": row(200, anonymous=401),
    "api:get_order": row(404, anonymous=401),  # no order in this world: tests/web/test_api.py
    "api:issue_order": row(405),  # POST only
    "api:reply_order": row(405),
    "api:close_order": row(405),
    "api:escalate_order": row(405),
    "api:list_inbox": row(200, anonymous=401),
    "api:mark_read": row(405),
    "api:list_tokens": row(200, anonymous=401),  # the same path as create_token: its GET
    "api:create_token": row(200, anonymous=401),
    "api:revoke_token": row(405),
    # Assessment: the world holds no scheme or assessment (url_for gives their ids as 0), so every
    # page of one is a 404; creating a scheme is for whoever may import plans.
    "assessment:home": row(200, anonymous=LOGIN),
    "assessment:scheme_new": row(404, anonymous=LOGIN, admin=200, manager=200, other_manager=200),
    "assessment:scheme": row(404, anonymous=LOGIN),
    "assessment:scheme_settings": row(405, anonymous=LOGIN),  # POST only
    "assessment:item_edit": row(405, anonymous=LOGIN),  # POST only
    "assessment:item_add": row(405, anonymous=LOGIN),  # POST only
    "assessment:item_remove": row(405, anonymous=LOGIN),  # POST only
    "assessment:rule_add": row(404, anonymous=LOGIN),
    "assessment:rule_edit": row(404, anonymous=LOGIN),
    "assessment:rule_remove": row(405, anonymous=LOGIN),  # POST only
    "assessment:veto_edit": row(405, anonymous=LOGIN),  # POST only
    "assessment:veto_remove": row(405, anonymous=LOGIN),  # POST only
    "assessment:bonus_edit": row(405, anonymous=LOGIN),  # POST only
    "assessment:bonus_remove": row(405, anonymous=LOGIN),  # POST only
    "assessment:veto_add": row(405, anonymous=LOGIN),  # POST only
    "assessment:bonus_add": row(405, anonymous=LOGIN),  # POST only
    "assessment:scheme_activate": row(405, anonymous=LOGIN),  # POST only
    "assessment:scheme_run": row(405, anonymous=LOGIN),  # POST only
    "assessment:assessment": row(404, anonymous=LOGIN),
    "assessment:ranking_xlsx": row(404, anonymous=LOGIN),
    "assessment:report_docx": row(404, anonymous=LOGIN),
    "assessment:run": row(405, anonymous=LOGIN),  # POST only
    "assessment:close": row(405, anonymous=LOGIN),  # POST only
    "assessment:reopen": row(405, anonymous=LOGIN),  # POST only
    "assessment:publish": row(405, anonymous=LOGIN),  # POST only
    "assessment:incident_add": row(405, anonymous=LOGIN),  # POST only
    "assessment:incident_remove": row(405, anonymous=LOGIN),  # POST only
    "assessment:incident_evidence": row(404, anonymous=LOGIN),
    "assessment:grades": row(404, anonymous=LOGIN),
    "assessment:appeals": row(404, anonymous=LOGIN),
    "assessment:result": row(404, anonymous=LOGIN),
    "assessment:result_xlsx": row(404, anonymous=LOGIN),
    "assessment:appeal_file": row(405, anonymous=LOGIN),  # POST only
    "assessment:appeal_decide": row(405, anonymous=LOGIN),  # POST only
}


def routes() -> list[tuple[str, URLPattern]]:
    out: list[tuple[str, URLPattern]] = []

    def walk(patterns: list[Any], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif p.name:
                out.append((f"{ns}{p.name}", p))

    walk(get_resolver().url_patterns, "")
    return [(name, p) for name, p in out if name != "accounts:logout"]


SMALL = (
    "XX区平安建设任务分解方案\n一、基层治理\n"
    "1、完善网格化管理。（区委政法委牵头，区民政局、区公安分局配合）\n"
    "2、建立矛盾纠纷排查机制。（区司法局牵头，区信访局配合）\n"
).encode()


@pytest.fixture
def world(users: dict[str, User]) -> dict[str, Any]:
    manager = users["manager"]
    plan = do_confirm_import(do_upload_document("a.txt", SMALL, acting_user=manager), {}, acting_user=manager)
    v2 = do_confirm_import(
        do_upload_document("b.txt", SMALL, revises=plan, acting_user=manager), {}, acting_user=manager
    )
    draft = do_upload_document("c.txt", SMALL, acting_user=manager)
    _token, raw = do_create_token("walk", acting_user=users["reporter"])
    return {
        "plan": v2,
        "other": plan,
        "task": v2.tasks.get(number="1"),
        "unit": Unit.objects.get(name="区公安分局"),
        "draft": draft,
        "token": _token,
        "raw": raw,
    }


def url_for(name: str, pattern: URLPattern, w: dict[str, Any]) -> str:
    return reverse(name, kwargs=url_kwargs(name, pattern, w))


def url_kwargs(name: str, pattern: URLPattern, w: dict[str, Any]) -> dict[str, Any]:
    """The route's path arguments for the objects of the `world` fixture."""
    values = {
        "plan_id": w["plan"].pk,
        "other_id": w["other"].pk,
        "task_id": w["task"].pk,
        "unit_id": w["unit"].pk,
        "draft_id": w["draft"].pk,
        "token_id": w["token"].pk,
        "object_type": "plans.plan",
        "object_id": str(w["plan"].pk),
        "fmt": "xlsx" if name.startswith("exports:") else "json",
        "name": "swagger-ui.css",
        # Assessment objects the world does not hold: no object has id 0.
        "scheme_id": 0,
        "item_id": 0,
        "assessment_id": 0,
        "incident_id": 0,
        "result_id": 0,
        "appeal_id": 0,
        "rule_id": 0,
        "veto_id": 0,
        "bonus_id": 0,
        # Likewise periods, reports, orders, messages and deliveries: tests/tracking/test_views.py walks
        # real ones per role.
        **dict.fromkeys(
            ("period_id", "report_id", "evidence_id", "order_id", "notification_id", "delivery_id"), 999999
        ),
    }
    kwargs = {k: values[k] for k in pattern.pattern.converters}
    if name == "api:docs-asset":
        kwargs["name"] = "swagger-ui.css"
    return kwargs


def test_it_has_an_expectation_for_every_route() -> None:
    names = {name for name, _ in routes()}
    assert names - EXPECTED.keys() == set(), "new routes need a row in EXPECTED"
    assert EXPECTED.keys() - names == set(), "EXPECTED names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_every_role_what_it_may_see_on_every_route(
    users: dict[str, User], world: dict[str, Any], role: str
) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    got = {}
    for name, pattern in routes():
        if name not in EXPECTED:
            continue
        got[name] = client.get(url_for(name, pattern, world)).status_code
    want = {name: EXPECTED[name][role] for name in got}
    wrong = {name: (got[name], want[name]) for name in got if got[name] != want[name]}
    assert wrong == {}, f"{role}: (got, expected) {wrong}"
    assert ImportDraft.objects.filter(pk=world["draft"].pk).exists() and Plan.objects.count() == 2


# Writes: a POST by someone without the right changes nothing and gets the same 404 as a missing
# object (anonymous visitors are sent to log in).
WRITES = {
    "plans:settings": ({"shared_with_all": "on"}, (A, M)),
    "plans:import_edit": (
        {"part": "0", "index": "0", "id": "9", "title": "改", "text": "改", "deadline_text": ""},
        (A, M),
    ),
    "plans:import_cancel": ({}, (A, M)),
    "units:create": ({"name": "新建局", "kind": "department"}, (A,)),
    "units:edit": ({"name": "改名局", "kind": "department"}, (A,)),
    "units:add_alias": ({"name": "公安分局别名"}, (A,)),
    "units:members": ({"members": []}, (A,)),
    "units:merge": ({"into": "1", "confirm_users": "on"}, (A,)),
    "tokens:revoke": ({}, (R,)),
}


@pytest.mark.parametrize(
    ("name", "role"),
    [(n, r) for n in sorted(WRITES) for r in ROLES if r != "anonymous" and r not in WRITES[n][1]],
)
def test_it_refuses_writes_to_whoever_may_not_make_them(
    users: dict[str, User], world: dict[str, Any], name: str, role: str
) -> None:
    from duban.audit.models import AuditEvent

    data, _allowed = WRITES[name]
    pattern = dict(routes())[name]
    client = Client()
    client.force_login(users[role])
    before = AuditEvent.objects.count()
    response = client.post(url_for(name, pattern, world), data)
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


# Downloads a script may fetch with an API token (issue 15): with a token and no session, these
# give each role what its session gets; every other page still sends the caller to log in.
DOWNLOADS = {
    "exports:plans",
    "exports:plan",
    "exports:unit",
    "exports:units",
    "exports:workload",
    "tracking:period_xlsx",
    "tracking:period_docx",
    "tracking:bulk_download",
    "tracking:order_docx",
    "assessment:ranking_xlsx",
    "assessment:report_docx",
    "assessment:result_xlsx",
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_a_token_opens_the_downloads_its_user_may_see_and_no_other_page(
    users: dict[str, User], world: dict[str, Any], role: str
) -> None:
    _token, raw = do_create_token("下载", acting_user=users[role])
    client = Client()
    got, want = {}, {}
    for name, pattern in routes():
        if name.startswith("api:") or name not in EXPECTED:
            continue  # the API's own walk is tests/web/test_api.py
        got[name] = client.get(
            url_for(name, pattern, world), headers={"Authorization": f"Bearer {raw}"}
        ).status_code
        want[name] = EXPECTED[name][role] if name in DOWNLOADS else EXPECTED[name]["anonymous"]
    assert got.keys() >= DOWNLOADS
    wrong = {name: (got[name], want[name]) for name in got if got[name] != want[name]}
    assert wrong == {}, f"{role}: (got, expected) {wrong}"


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_a_download_refuses_a_bad_token_and_any_write(
    users: dict[str, User], world: dict[str, Any], name: str
) -> None:
    url = url_for(name, dict(routes())[name], world)
    bad = Client().get(url, headers={"Authorization": "Bearer duban_not-a-token"})
    assert (bad.status_code, bad.json()) == (401, {"detail": "API 令牌无效或已吊销"})
    _token, raw = do_create_token("下载", acting_user=users["admin"])
    posted = Client().post(url, headers={"Authorization": f"Bearer {raw}"})
    assert posted.status_code == 405
