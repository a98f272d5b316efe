"""Tracking pages: who sees what on every page (forbidden and missing both 404), the report form
(draft, conflict, submit, evidence), review, corrections, orders, inbox, administration, the
charts' figures, and the query counts of the list pages.

The world: small_plan's four 2025 quarters; 区委政法委 (`lead`) has submitted its Q1 report on
task 1 with a PDF; 区公安分局 (`reporter`, a partner of task 1) has a contribution draft; a blue
order on task 1 to both; a message in `reporter`'s inbox; a failed robot delivery.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.notifications.actions import do_set_unit_channel
from duban.notifications.models import Delivery, DeliveryStatus, Notification, UnitChannel
from duban.notifications.notify import Message, send
from duban.plans.models import Plan, Responsibility, Target, Task
from duban.tracking.actions.drafts import do_add_contribution, do_edit_draft, do_save_draft
from duban.tracking.actions.evidence import do_add_evidence
from duban.tracking.actions.orders import do_issue_order
from duban.tracking.actions.report_data import STALE_DRAFT
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import (
    Evidence,
    NotificationKind,
    OrderLevel,
    OrderStatus,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    SupervisionOrder,
    TaskClosure,
)
from duban.units.models import Unit
from hostile.real_files import real_pdf, real_picture

from .conftest import filled

PDF = real_pdf()  # evidence is looked into whole: a real PDF
ROLES = (
    "anonymous",
    "admin",
    "manager",
    "other_manager",
    "reporter",
    "other_reporter",
    "lead",
    "leader",
    "outsider",
)
LOGIN = 302


def client_for(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def people(users: dict[str, User], lead_reporter: User) -> dict[str, User | None]:
    return {**users, "lead": lead_reporter, "anonymous": None}


@pytest.fixture
def world(
    users: dict[str, User],
    lead_reporter: User,
    task1: Task,
    task2: Task,
    periods: list[ReportingPeriod],
    django_capture_on_commit_callbacks: Any,
) -> dict[str, Any]:
    q1, q2 = periods[0], periods[1]
    police, zfw = Unit.objects.get(name="区公安分局"), Unit.objects.get(name="区委政法委")
    with django_capture_on_commit_callbacks(execute=True):
        draft = do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter)
        evidence = do_add_evidence(draft, "现场照片.pdf", PDF, acting_user=lead_reporter)
        report = do_submit_report(draft, acting_user=lead_reporter)
        contribution = do_add_contribution(
            task1, q1, filled(task1, narrative="公安配合情况"), acting_user=users["reporter"]
        )
        order = do_issue_order(
            task1,
            [zfw, police],
            "请报送网格员配备整改措施",
            dt.date(2025, 3, 10),
            acting_user=users["manager"],
        )
    note = Notification.objects.filter(recipient=users["reporter"]).get()
    do_set_unit_channel(
        zfw, "wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", acting_user=users["admin"]
    )
    robot = send(
        [Message(key="test:failed", kind=NotificationKind.DIGEST, title="汇总", text="待办", units=(zfw.pk,))]
    )
    failed = Delivery.objects.get(notification__in=robot, channel="wecom")
    Delivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, attempts=6, last_error="HTTP 500"
    )
    return {
        "plan": task1.plan,
        "task": task1,
        "task2": task2,
        "q1": q1,
        "q2": q2,
        "report": report,
        "evidence": evidence,
        "contribution": contribution,
        "order": order,
        "note": note,
        "delivery": failed,
        "police": police,
        "zfw": zfw,
    }


# Pages of duban.notifications, mounted under /tracking/ beside tracking's own.
NOTIFICATION_PAGES = {"inbox", "inbox_read", "notification", "deliveries", "delivery_retry", "channels"}


def url(name: str, w: dict[str, Any]) -> str:
    args = {
        "home": [],
        "review": [],
        "orders": [],
        "inbox": [],
        "inbox_read": [],
        "deliveries": [],
        "channels": [],
        "periods": [w["plan"].pk],
        "period": [w["q1"].pk],
        "period_xlsx": [w["q1"].pk],
        "period_docx": [w["q1"].pk],
        "bulk_download": [w["q1"].pk],
        "bulk_upload": [w["q1"].pk],
        "task": [w["task"].pk],
        "report_new": [w["task"].pk, w["q2"].pk],
        "order_issue": [w["task"].pk],
        "report": [w["report"].pk],
        "report_review": [w["report"].pk],
        "report_correct": [w["report"].pk],
        "evidence": [w["evidence"].pk],
        "evidence_remove": [w["evidence"].pk],
        "order": [w["order"].pk],
        "order_reply": [w["order"].pk],
        "order_close": [w["order"].pk],
        "order_escalate": [w["order"].pk],
        "order_docx": [w["order"].pk],
        "notification": [w["note"].pk],
        "delivery_retry": [w["delivery"].pk],
    }[name]
    return reverse(f"{'notifications' if name in NOTIFICATION_PAGES else 'tracking'}:{name}", args=args)


def row(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


# Who sees the plan: everyone but other_manager and outsider. Who sees task 1: the office, the
# leader, and task 1's units (lead and reporter). Who sees the Q1 report and its evidence: the
# same. The order goes to lead's and reporter's units.
PLAN_SEEN = row(200, anonymous=LOGIN, other_manager=404, outsider=404)
TASK1_SEEN = row(200, anonymous=LOGIN, other_manager=404, other_reporter=404, outsider=404)
POST_ONLY = row(405, anonymous=LOGIN)
GET_EXPECTED: dict[str, dict[str, int]] = {
    "home": row(200, anonymous=LOGIN),
    "periods": PLAN_SEEN,
    "period": PLAN_SEEN,
    "period_xlsx": PLAN_SEEN,
    "period_docx": row(404, anonymous=LOGIN, admin=200, manager=200),
    # A unit's own template: for reporters of units that see the plan.
    "bulk_download": row(404, anonymous=LOGIN, reporter=200, lead=200, other_reporter=200),
    "bulk_upload": POST_ONLY,
    "task": TASK1_SEEN,
    "report_new": row(404, anonymous=LOGIN, reporter=200, lead=200),
    "order_issue": POST_ONLY,
    "report": TASK1_SEEN,
    "report_review": POST_ONLY,
    "report_correct": POST_ONLY,
    "evidence": TASK1_SEEN,
    "evidence_remove": POST_ONLY,
    "review": row(200, anonymous=LOGIN),
    "orders": row(200, anonymous=LOGIN),
    "order": TASK1_SEEN,
    "order_reply": POST_ONLY,
    "order_close": POST_ONLY,
    "order_escalate": POST_ONLY,
    "order_docx": TASK1_SEEN,
    "inbox": row(200, anonymous=LOGIN),
    "inbox_read": POST_ONLY,
    "notification": row(404, anonymous=LOGIN, reporter=302),
    "deliveries": row(404, anonymous=LOGIN, admin=200),
    "delivery_retry": POST_ONLY,
    "channels": row(404, anonymous=LOGIN, admin=200),
}


def test_it_has_an_expectation_for_every_tracking_route() -> None:
    from duban.notifications.urls import urlpatterns as notification_patterns
    from duban.tracking.urls import urlpatterns

    assert {p.name for p in [*urlpatterns, *notification_patterns]} == set(GET_EXPECTED)
    assert {p.name for p in notification_patterns} == NOTIFICATION_PAGES


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(GET_EXPECTED))
def test_it_shows_each_page_only_to_whoever_may_see_it(
    people: dict[str, User | None], world: dict[str, Any], name: str, role: str
) -> None:
    response = client_for(people[role]).get(url(name, world))
    assert response.status_code == GET_EXPECTED[name][role]


# Writes: a POST by someone without the right changes nothing (no audit row) and gets the same
# 404 as a missing object.
WRITES: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "periods": (
        {"kind": "year", "year-year": "2026", "year-frequency": "quarterly", "year-due_day": "10"},
        ("admin", "manager"),
    ),
    "order_issue": (
        {"units": [], "text": "请说明", "reply_deadline": "2025-03-20", "level": "blue"},
        ("admin", "manager"),
    ),
    "report_review": ({"decision": "accept"}, ("admin", "manager")),
    "report_correct": ({}, ("lead",)),
    "order_reply": ({"text": "已整改"}, ("reporter", "lead")),
    "order_close": ({"comment": ""}, ("admin", "manager")),
    "order_escalate": ({}, ("admin", "manager")),
    "delivery_retry": ({}, ("admin",)),
    "channels": ({"unit": "", "channel": "email", "email": "a@example.com"}, ("admin",)),
    "evidence_remove": ({}, ()),  # its report is submitted: nobody may remove the file any more
}


@pytest.mark.parametrize(
    ("name", "role"),
    [(n, r) for n in sorted(WRITES) for r in ROLES if r != "anonymous" and r not in WRITES[n][1]],
)
def test_it_refuses_writes_to_whoever_may_not_make_them(
    people: dict[str, User | None], world: dict[str, Any], name: str, role: str
) -> None:
    data, _allowed = WRITES[name]
    signed_in = client_for(people[role])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    response = signed_in.post(url(name, world), data)
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "role", ["admin", "manager", "other_manager", "reporter", "other_reporter", "leader", "outsider"]
)
def test_it_refuses_a_save_of_another_units_report_or_draft(
    people: dict[str, User | None], world: dict[str, Any], role: str
) -> None:
    report = world["report"]
    report_url = reverse(
        "tracking:report", args=[world["contribution"].pk if role != "reporter" else report.pk]
    )
    signed_in = client_for(people[role])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    response = signed_in.post(report_url, {"progress": "in_progress", "percent": "1", "narrative": "改"})
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


# ─── pages show what they should ──────────────────────────────────────────────────────────────


def test_it_shows_the_home_overview_of_the_current_period(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    response = client_for(people["manager"]).get("/tracking/")
    (summary,) = response.context["rows"]
    assert summary.period == world["q1"]  # 2025-03-01: Q1 has started and is not yet due
    assert (summary.overview.expected, summary.overview.reported) == (2, 1)  # task 2's lead has not reported
    assert summary.open_orders == {"blue": 1}
    assert [m.unit_name for m in summary.overview.missing] == ["区司法局"]
    assert "各单位报送率" in response.content.decode()


@pytest.mark.parametrize(("role", "owes"), [("other_reporter", ["2"]), ("lead", []), ("manager", [])])
def test_it_lists_a_reporters_own_outstanding_reports_on_the_home_page(
    people: dict[str, User | None], world: dict[str, Any], role: str, owes: list[str]
) -> None:
    response = client_for(people[role]).get("/tracking/")
    assert [m.task.number for m in response.context["mine"]] == owes


def test_it_shows_the_light_with_its_rule_on_the_task_page(
    people: dict[str, User | None], world: dict[str, Any], frozen: Any
) -> None:
    SupervisionOrder.objects.filter(pk=world["order"].pk).update(level=OrderLevel.RED)
    body = client_for(people["reporter"]).get(url("task", world)).content.decode()
    assert 'data-light="red"' in body
    assert f"有未办结的红色督办单（{world['order'].serial}）" in body
    assert "红灯：超过完成时限未销号" in body  # the legend


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        ("lead", ["填写报告"]),  # Q1 is submitted; Q2–Q4 are to write
        ("reporter", ["继续填写配合材料", "填写配合材料"]),  # its Q1 contribution is a draft
        ("manager", []),
        ("leader", []),
    ],
)
def test_it_offers_each_unit_its_own_report_actions_on_the_task_page(
    people: dict[str, User | None], world: dict[str, Any], role: str, actions: list[str]
) -> None:
    response = client_for(people[role]).get(url("task", world))
    offered = sorted({c.action[0] for _period, cells in response.context["grid"] for c in cells if c.action})
    assert offered == sorted(actions)
    assert (response.context["issue_form"] is not None) == (role == "manager")


def test_it_shows_a_contribution_draft_only_to_its_unit(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    draft_url = reverse("tracking:report", args=[world["contribution"].pk])
    assert client_for(people["reporter"]).get(draft_url).status_code == 200
    assert client_for(people["lead"]).get(draft_url).status_code == 404
    assert client_for(people["manager"]).get(draft_url).status_code == 404


# ─── the report form ──────────────────────────────────────────────────────────────────────────


def _form(task: Task, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "progress": "in_progress",
        "percent": "40",
        "narrative": "已完成网格划分。",
        "reason": "",
    }
    for t in task.targets.all():
        data.update({f"value_{t.pk}": "40", f"unit_{t.pk}": t.unit, f"as_of_{t.pk}": "2025-06-30"})
    data.update(extra)
    return data


def test_it_saves_a_new_draft_from_the_task_page_entry(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    c = client_for(people["lead"])
    response = c.post(url("report_new", world), _form(world["task"], action="save"))
    report = ProgressReport.objects.get(task=world["task"], period=world["q2"])
    assert response.status_code == 302 and response["Location"] == f"/tracking/reports/{report.pk}/"
    assert (report.status, report.percent, report.narrative) == (ReportStatus.DRAFT, 40, "已完成网格划分。")
    assert [(v.value, v.as_of) for v in report.values.all()] == [(Decimal(40), dt.date(2025, 6, 30))]
    # Opening the entry again goes to the draft.
    assert c.get(url("report_new", world))["Location"] == f"/tracking/reports/{report.pk}/"


@pytest.mark.parametrize("action", ["save", "submit"])
def test_it_keeps_the_users_input_and_says_so_when_someone_saved_the_draft_first(
    people: dict[str, User | None], world: dict[str, Any], action: str
) -> None:
    lead, task, q2 = people["lead"], world["task"], world["q2"]
    draft = do_save_draft(task, q2, filled(task, narrative="初稿"), acting_user=lead)
    seen = draft.lock_version
    do_edit_draft(draft, filled(task, narrative="同事先保存的内容"), lock_version=seen, acting_user=lead)
    response = client_for(lead).post(
        f"/tracking/reports/{draft.pk}/",
        _form(task, narrative="我的修改，不能丢", lock_version=str(seen), action=action),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert STALE_DRAFT in body
    assert "我的修改，不能丢</textarea>" in body  # the user's input, kept in the form
    assert "同事先保存的内容" in body  # and what is stored now, to compare
    draft.refresh_from_db()
    assert (draft.narrative, draft.status) == ("同事先保存的内容", ReportStatus.DRAFT)


def test_it_submits_a_draft_and_then_shows_it_read_only(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    lead, task = people["lead"], world["task"]
    draft = do_save_draft(task, world["q2"], filled(task), acting_user=lead)
    c = client_for(lead)
    response = c.post(
        f"/tracking/reports/{draft.pk}/", _form(task, lock_version=str(draft.lock_version), action="submit")
    )
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.status == ReportStatus.SUBMITTED
    page = c.get(f"/tracking/reports/{draft.pk}/")
    assert page.context["form"] is None and 'name="narrative"' not in page.content.decode()
    assert "提交更正（新版本）" in page.content.decode()
    # A save posted to a submitted report is refused: it is immutable.
    again = c.post(f"/tracking/reports/{draft.pk}/", _form(task, narrative="改", action="save"))
    assert again.status_code == 404
    draft.refresh_from_db()
    assert draft.narrative == "已完成网格划分。"  # as submitted


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"narrative": ""}, "请填写工作进展后再报送"),
        ({"progress": "lagging", "reason": ""}, "必须说明原因"),
        ({"progress": "done", "percent": "80"}, "完成比例应为 100%"),
    ],
)
def test_it_keeps_the_draft_and_says_why_when_a_submission_is_incomplete(
    people: dict[str, User | None], world: dict[str, Any], extra: dict[str, str], message: str
) -> None:
    c = client_for(people["lead"])
    response = c.post(url("report_new", world), _form(world["task"], action="submit", **extra), follow=True)
    report = ProgressReport.objects.get(task=world["task"], period=world["q2"])
    assert report.status == ReportStatus.DRAFT
    assert message in response.content.decode() and "草稿已保存，但未能报送" in response.content.decode()


def test_it_uploads_evidence_with_the_draft(people: dict[str, User | None], world: dict[str, Any]) -> None:
    data = _form(
        world["task"],
        action="save",
        evidence=[
            SimpleUploadedFile("台账.pdf", PDF),
            SimpleUploadedFile("现场.png", real_picture("PNG")),
        ],
    )
    client_for(people["lead"]).post(url("report_new", world), data)
    report = ProgressReport.objects.get(task=world["task"], period=world["q2"])
    assert sorted(report.evidence.values_list("name", flat=True)) == ["台账.pdf", "现场.png"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("页面.html", b"<script>alert(1)</script>", "不支持的文件类型“.html”"),
        ("伪装.pdf", b"MZ", "不是 pdf 格式"),
    ],
)
def test_it_rejects_a_bad_evidence_file_and_saves_nothing(
    people: dict[str, User | None], world: dict[str, Any], name: str, content: bytes, message: str
) -> None:
    lead, task = people["lead"], world["task"]
    draft = do_save_draft(task, world["q2"], filled(task, narrative="原文"), acting_user=lead)
    data = _form(
        task,
        narrative="新文",
        lock_version=str(draft.lock_version),
        action="save",
        evidence=SimpleUploadedFile(name, content),
    )
    response = client_for(lead).post(f"/tracking/reports/{draft.pk}/", data)
    assert response.status_code == 400 and message in response.content.decode()
    draft.refresh_from_db()
    assert draft.narrative == "原文" and not draft.evidence.exists()


def test_it_removes_evidence_from_a_draft(people: dict[str, User | None], world: dict[str, Any]) -> None:
    lead, task = people["lead"], world["task"]
    draft = do_save_draft(task, world["q2"], filled(task), acting_user=lead)
    evidence = do_add_evidence(draft, "a.pdf", PDF, acting_user=lead)
    response = client_for(lead).post(reverse("tracking:evidence_remove", args=[evidence.pk]))
    assert response.status_code == 302 and not Evidence.objects.filter(pk=evidence.pk).exists()


# ─── evidence downloads ───────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("role", ["admin", "manager", "leader", "lead", "reporter"])
def test_it_serves_evidence_as_an_attachment_to_those_allowed(
    people: dict[str, User | None], world: dict[str, Any], role: str
) -> None:
    response = client_for(people[role]).get(url("evidence", world))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.pdf" in response["Content-Disposition"]  # 现场照片.pdf
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["other_manager", "other_reporter", "outsider"])
def test_it_never_serves_evidence_to_others(
    people: dict[str, User | None], world: dict[str, Any], role: str
) -> None:
    assert client_for(people[role]).get(url("evidence", world)).status_code == 404


def test_it_never_serves_a_drafts_evidence_outside_its_unit(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    contribution = world["contribution"]
    evidence = do_add_evidence(contribution, "配合.pdf", PDF, acting_user=people["reporter"])
    link = reverse("tracking:evidence", args=[evidence.pk])
    assert client_for(people["reporter"]).get(link).status_code == 200
    assert {
        r: client_for(people[r]).get(link).status_code for r in ("lead", "manager", "admin")
    } == dict.fromkeys(("lead", "manager", "admin"), 404)


# ─── review and corrections ───────────────────────────────────────────────────────────────────


def test_it_requires_a_comment_to_return_a_report(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    report = world["report"]
    response = client_for(people["manager"]).post(
        url("report_review", world), {"decision": "return", "comment": " "}
    )
    assert response.status_code == 400 and "退回时必须填写退回意见" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_it_returns_a_report_with_a_comment_the_unit_then_sees(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    client_for(people["manager"]).post(
        url("report_review", world), {"decision": "return", "comment": "请补充照片"}
    )
    report = world["report"]
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "请补充照片")
    page = client_for(people["lead"]).get(url("report", world)).content.decode()
    assert "审核意见：</strong>请补充照片" in page


def test_it_starts_a_correction_as_a_new_version(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    do_return_report(world["report"], "请补充", acting_user=people["manager"])
    response = client_for(people["lead"]).post(url("report_correct", world))
    new = ProgressReport.objects.get(
        task=world["task"], period=world["q1"], unit=world["zfw"], status="draft"
    )
    assert response["Location"] == f"/tracking/reports/{new.pk}/" and new.version == 2
    assert new.evidence.count() == 1  # the file comes along


def test_it_closes_the_task_when_the_manager_accepts_a_completion_report(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    lead, task = people["lead"], world["task"]
    draft = do_save_draft(
        task, world["q2"], filled(task, "100", progress=Progress.DONE, percent=100), acting_user=lead
    )
    done = do_submit_report(draft, acting_user=lead)
    response = client_for(people["manager"]).post(
        reverse("tracking:report_review", args=[done.pk]), {"decision": "accept"}, follow=True
    )
    assert TaskClosure.objects.filter(task=task, report=done).exists()
    assert "任务已销号" in response.content.decode()
    assert client_for(people["manager"]).get(url("task", world)).context["light"].rule == "已销号"


def test_it_lists_submitted_reports_for_review(people: dict[str, User | None], world: dict[str, Any]) -> None:
    submitted = do_submit_report(world["contribution"], acting_user=people["reporter"])
    queues = {
        r: list(client_for(people[r]).get("/tracking/review/").context["reports"])
        for r in ("admin", "manager", "other_manager", "lead", "reporter", "leader")
    }
    assert queues == {
        "admin": [world["report"]],
        "manager": [world["report"]],
        "other_manager": [],
        "lead": [submitted],  # the lead unit reviews its partners' contributions
        "reporter": [],
        "leader": [],
    }
    do_accept_report(world["report"], acting_user=people["manager"])
    assert list(client_for(people["manager"]).get("/tracking/review/").context["reports"]) == []


# ─── orders ───────────────────────────────────────────────────────────────────────────────────


def test_it_issues_an_order_from_the_task_page(people: dict[str, User | None], world: dict[str, Any]) -> None:
    data = {
        "units": [str(world["zfw"].pk)],
        "text": "请于三日内说明",
        "reply_deadline": "2025-03-04",
        "level": "yellow",
    }
    response = client_for(people["manager"]).post(url("order_issue", world), data)
    order = SupervisionOrder.objects.exclude(pk=world["order"].pk).get()
    assert response["Location"] == f"/tracking/orders/{order.pk}/"
    assert (order.level, list(order.units.all())) == (OrderLevel.YELLOW, [world["zfw"]])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"units": ["zfw"], "text": "请说明", "reply_deadline": "2025-02-01", "level": "blue"}, "早于今天"),
        (
            {"units": [], "text": "请说明", "reply_deadline": "2025-03-04", "level": "blue"},
            "这个字段是必填项",
        ),
    ],
)
def test_it_shows_why_an_order_cannot_be_issued(
    people: dict[str, User | None], world: dict[str, Any], data: dict[str, Any], message: str
) -> None:
    data = {**data, "units": [str(world["zfw"].pk) for _ in data["units"]]}
    response = client_for(people["manager"]).post(url("order_issue", world), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert SupervisionOrder.objects.count() == 1


def test_it_lets_a_unit_reply_and_the_office_close_an_order(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    order = world["order"]
    client_for(people["reporter"]).post(url("order_reply", world), {"text": "已配齐网格员"})
    order.refresh_from_db()
    assert (order.status, order.reply_text, order.reply_unit) == (
        OrderStatus.REPLIED,
        "已配齐网格员",
        world["police"],
    )
    client_for(people["manager"]).post(url("order_close", world), {"comment": "同意办结"})
    order.refresh_from_db()
    assert (order.status, order.close_comment) == (OrderStatus.CLOSED, "同意办结")


def test_it_requires_reply_text(people: dict[str, User | None], world: dict[str, Any]) -> None:
    response = client_for(people["reporter"]).post(url("order_reply", world), {"text": ""})
    assert response.status_code == 400
    world["order"].refresh_from_db()
    assert world["order"].status == OrderStatus.OPEN


def test_it_escalates_an_order_by_hand(people: dict[str, User | None], world: dict[str, Any]) -> None:
    client_for(people["manager"]).post(url("order_escalate", world))
    world["order"].refresh_from_db()
    assert world["order"].level == OrderLevel.YELLOW


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 2),
        ("?level=blue", 1),
        ("?level=red", 1),
        ("?status=closed", 0),
        ("?q=整改", 1),
    ],
)
def test_it_filters_the_order_list(
    people: dict[str, User | None], world: dict[str, Any], query: str, expected: int
) -> None:
    do_issue_order(
        world["task"],
        [world["zfw"]],
        "紧急事项",
        dt.date(2025, 3, 4),
        level=OrderLevel.RED,
        acting_user=people["manager"],
    )
    response = client_for(people["manager"]).get(f"/tracking/orders/{query}")
    assert len(response.context["orders"]) == expected


def test_it_refuses_an_order_filter_it_cannot_apply(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    # Ignoring it would show every order as if they were the filtered ones (duban.params).
    response = client_for(people["manager"]).get("/tracking/orders/?level=nonsense")
    assert response.status_code == 400 and "参数 level（级别）应为" in response.content.decode()


# ─── inbox and administration ─────────────────────────────────────────────────────────────────


def test_it_counts_unread_messages_and_marks_them_read(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    c = client_for(people["reporter"])
    assert str(c.get("/tracking/inbox/").context["inbox_unread"]) == "1"
    response = c.get(url("notification", world))
    assert response["Location"] == f"/tracking/orders/{world['order'].pk}/"
    assert Notification.objects.get(pk=world["note"].pk).read_at is not None
    assert str(c.get("/tracking/inbox/").context["inbox_unread"]) == "0"


def test_it_marks_all_messages_read(people: dict[str, User | None], world: dict[str, Any]) -> None:
    client_for(people["reporter"]).post("/tracking/inbox/read/", {"all": "1"})
    assert not Notification.objects.filter(recipient=people["reporter"], read_at__isnull=True).exists()


@pytest.mark.parametrize("link", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"])
def test_it_never_follows_a_message_link_off_the_site(
    people: dict[str, User | None], world: dict[str, Any], link: str
) -> None:
    Notification.objects.filter(pk=world["note"].pk).update(link=link)
    assert client_for(people["reporter"]).get(url("notification", world))["Location"] == "/tracking/inbox/"


def test_it_retries_a_failed_delivery(people: dict[str, User | None], world: dict[str, Any]) -> None:
    response = client_for(people["admin"]).post(url("delivery_retry", world))
    assert response.status_code == 302
    assert Delivery.objects.get(pk=world["delivery"].pk).status == DeliveryStatus.PENDING


def test_it_sets_a_units_channel(people: dict[str, User | None], world: dict[str, Any]) -> None:
    data = {
        "unit": str(world["zfw"].pk),
        "channel": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?x=1",
        "secret": "SEC123",
        "active": "on",
    }
    response = client_for(people["admin"]).post("/tracking/channels/", data)
    assert response.status_code == 302
    row = UnitChannel.objects.get(unit=world["zfw"], channel="dingtalk")
    assert (row.url, row.secret, row.active) == ("https://oapi.dingtalk.com/robot/send?x=1", "SEC123", True)
    page = client_for(people["admin"]).get("/tracking/channels/").content.decode()
    assert "SEC123" not in page  # the secret is never shown back


def test_it_says_why_a_channel_address_is_refused(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    data = {"unit": str(world["zfw"].pk), "channel": "wecom", "url": "ftp://x"}
    response = client_for(people["admin"]).post("/tracking/channels/", data)
    assert response.status_code == 400 and "Webhook 地址“ftp://x”无效" in response.content.decode()


# ─── periods ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (
            {"kind": "year", "year-year": "2026", "year-frequency": "half_yearly", "year-due_day": "5"},
            ["2026年上半年", "2026年下半年"],
        ),
        (
            {
                "kind": "custom",
                "custom-name": "青奥会专项",
                "custom-start": "2026-05-01",
                "custom-end": "2026-08-31",
                "custom-due": "2026-09-05",
            },
            ["青奥会专项"],
        ),
    ],
)
def test_it_lets_the_manager_create_periods(
    people: dict[str, User | None], world: dict[str, Any], data: dict[str, str], names: list[str]
) -> None:
    response = client_for(people["manager"]).post(url("periods", world), data)
    assert response.status_code == 302
    assert list(ReportingPeriod.objects.filter(start__year=2026).values_list("name", flat=True)) == names


def test_it_says_why_a_custom_period_is_refused(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    data = {
        "kind": "custom",
        "custom-name": "倒置",
        "custom-start": "2026-05-01",
        "custom-end": "2026-04-01",
        "custom-due": "2026-09-05",
    }
    response = client_for(people["manager"]).post(url("periods", world), data)
    assert response.status_code == 400 and "早于开始日期" in response.content.decode()


# ─── charts ───────────────────────────────────────────────────────────────────────────────────


def charts_of(body: str) -> dict[str, dict[str, Any]]:
    match = re.search(r'<script id="tracking-charts" type="application/json">(.*?)</script>', body, re.S)
    assert match, "no chart data on the page"
    return {c["id"]: c for c in json.loads(match.group(1))}


def test_it_writes_the_period_charts_figures(people: dict[str, User | None], world: dict[str, Any]) -> None:
    body = client_for(people["manager"]).get(url("period", world)).content.decode()
    charts = charts_of(body)
    rate = charts["chart-unit-rate"]
    assert dict(zip(rate["categories"], rate["series"][0]["data"], strict=True)) == {
        "区司法局": 0.0,
        "区委政法委": 100.0,
    }
    lights = charts["chart-unit-lights"]
    assert lights["categories"] == ["区司法局", "区委政法委"] and lights["stack"] is True
    assert [s["name"] for s in lights["series"]] == ["绿灯", "黄灯", "红灯"]
    sections = charts["chart-section-rate"]
    assert sections["categories"] == ["一、基层治理"] and sections["series"][0]["data"] == [50.0]
    received = charts["chart-received"]
    assert received["series"][0]["data"] == [["2025-01-01", 0], ["2025-03-01", 1]]  # from the start, to today
    assert received["marks_x"] == [{"name": "报送截止", "value": "2025-04-10"}]
    assert received["marks_y"] == [{"name": "应报", "value": 2}]


def test_it_writes_each_targets_figures_and_trajectory(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    body = client_for(people["manager"]).get(url("task", world)).content.decode()
    (chart,) = charts_of(body).values()
    reported, line = chart["series"]
    assert reported["data"] == [["2025-03-01", 60.0]]  # filled(): 60, as of the clock's day
    assert line["dashed"] is True
    assert line["data"] == [
        ["2025-01-01", 0.0],
        ["2025-12-31", 100.0],
    ]  # 0 at the plan's date → goal at the deadline
    assert chart["marks_x"] == [{"name": "期限", "value": "2025-12-31"}]


def test_it_escapes_document_text_in_the_chart_data(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    Unit.objects.filter(pk=world["zfw"].pk).update(name="</script><script>alert(1)</script>")
    body = client_for(people["manager"]).get(url("period", world)).content.decode()
    assert "<script>alert(1)" not in body
    assert "</script><script>alert(1)</script>" in charts_of(body)["chart-unit-rate"]["categories"]


@pytest.mark.parametrize("page", ["home", "period", "task", "report", "order", "orders", "inbox", "review"])
def test_it_loads_nothing_from_outside_the_site(
    people: dict[str, User | None], world: dict[str, Any], page: str
) -> None:
    body = client_for(people["admin"]).get(url(page, world)).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]*)"', body)
    assert sources and all(s.startswith(("/", "?", "#")) for s in sources), sources
    if page in ("period", "task"):
        assert "/static/vendor/echarts/echarts.min.js" in sources and "/static/duban/charts.js" in sources


def test_it_escapes_document_text_on_the_pages(people: dict[str, User | None], world: dict[str, Any]) -> None:
    Task.objects.filter(pk=world["task"].pk).update(title="<img src=x onerror=alert(1)>")
    for page in ("task", "report", "order", "orders", "period"):
        body = client_for(people["manager"]).get(url(page, world)).content.decode()
        assert "<img src=x" not in body, page


# ─── query counts ─────────────────────────────────────────────────────────────────────────────


def _more_orders(n: int, task: Task, manager: User, units: list[Unit]) -> None:
    for i in range(n):
        do_issue_order(task, units, f"事项{i}", dt.date(2025, 3, 20), acting_user=manager)


def _more_plans(n: int, manager: User) -> None:
    unit = Unit.objects.get(name="区司法局")
    for i in range(n):
        plan = Plan.objects.create(title=f"方案{i}", created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        plan.managers.add(manager)
        task = Task.objects.create(plan=plan, number="1", text="任务", order=1)
        Responsibility.objects.create(task=task, unit=unit, role="lead")
        Target.objects.create(task=task, metric="覆盖率", cmp=">=", value=Decimal(90), unit="%", by_year=2025)
        ReportingPeriod.objects.create(
            plan=plan,
            name="2025年第一季度",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 3, 31),
            due=dt.date(2025, 4, 10),
        )
        do_issue_order(task, [unit], "请说明", dt.date(2025, 3, 20), acting_user=manager)


def _more_messages(n: int, user: User) -> None:
    send(
        [
            Message(
                key=f"m{i}", kind=NotificationKind.DIGEST, title=f"消息{i}", text="内容", users=(user.pk,)
            )
            for i in range(n)
        ]
    )


def _more_reports(n: int, manager: User) -> None:
    unit = Unit.objects.get(name="区司法局")
    reporter = User.objects.get(username="justice")
    plan = Plan.objects.get(title="XX区平安建设任务分解方案")
    q1 = plan.periods.order_by("start").first()
    assert q1 is not None
    for i in range(n):
        task = Task.objects.create(plan=plan, number=f"r{i}", text="任务", order=10 + i)
        Responsibility.objects.create(task=task, unit=unit, role="lead")
        draft = do_save_draft(task, q1, filled(task), acting_user=reporter)
        do_submit_report(draft, acting_user=reporter)


def _more_periods(n: int, plan: Plan) -> None:
    for i in range(n):
        ReportingPeriod.objects.create(
            plan=plan,
            name=f"专项{i}",
            start=dt.date(2026, 1, 1 + i),
            end=dt.date(2026, 2, 1),
            due=dt.date(2026, 2, 10),
        )


def _more_failures(n: int, unit: Unit) -> None:
    made = send(
        [
            Message(
                key=f"f{i}", kind=NotificationKind.DIGEST, title=f"汇总{i}", text="待办", units=(unit.pk,)
            )
            for i in range(n)
        ]
    )
    Delivery.objects.filter(notification__in=made, channel="wecom").update(
        status=DeliveryStatus.FAILED, attempts=6, last_error="超时"
    )


def _more_channels(n: int, admin: User) -> None:
    for i in range(n):
        unit = Unit.objects.create(name=f"街道{i}")
        do_set_unit_channel(unit, "email", email=f"s{i}@example.com", acting_user=admin)


# session, user, the page's own queries, and the unread count of the navigation
QUERY_PAGES = {
    # name: (role, how to add rows, queries)
    "home": ("manager", lambda w, p, n: _more_plans(n, p["manager"]), 13),
    "orders": (
        "manager",
        lambda w, p, n: _more_orders(n, w["task"], p["manager"], [w["zfw"], w["police"]]),
        6,
    ),
    "review": ("manager", lambda w, p, n: _more_reports(n, p["manager"]), 4),
    "inbox": (
        "reporter",
        lambda w, p, n: _more_messages(n, p["reporter"]),
        5,
    ),  # the unit comes with the user; the pager counts the messages once
    "periods": ("manager", lambda w, p, n: _more_periods(n, w["plan"]), 6),
    "deliveries": ("admin", lambda w, p, n: _more_failures(n, w["zfw"]), 4),
    "channels": ("admin", lambda w, p, n: _more_channels(n, p["admin"]), 5),
}


@pytest.mark.parametrize("more", [0, 4])
@pytest.mark.parametrize("name", sorted(QUERY_PAGES))
def test_it_pins_the_query_count_of_each_list_page(
    people: dict[str, User | None],
    world: dict[str, Any],
    django_assert_num_queries: Any,
    name: str,
    more: int,
) -> None:
    role, add, queries = QUERY_PAGES[name]
    add(world, people, more)
    c = client_for(people[role])
    with django_assert_num_queries(queries):
        response = c.get(url(name, world))
    assert response.status_code == 200


def _more_tasks(n: int, plan: Plan, users: dict[str, User | None]) -> None:
    """Tasks with reports, orders and targets: what the period and task pages summarise."""
    justice = Unit.objects.get(name="区司法局")
    reporter, manager = users["other_reporter"], users["manager"]
    q1 = plan.periods.order_by("start").first()
    assert q1 is not None and reporter is not None and manager is not None
    for i in range(n):
        task = Task.objects.create(plan=plan, number=f"n{i}", text="新增任务", order=20 + i)
        Responsibility.objects.create(task=task, unit=justice, role="lead")
        Target.objects.create(task=task, metric="覆盖率", cmp=">=", value=Decimal(90), unit="%", by_year=2025)
        do_submit_report(do_save_draft(task, q1, filled(task), acting_user=reporter), acting_user=reporter)
        do_issue_order(task, [justice], "请说明", dt.date(2025, 3, 20), acting_user=manager)


@pytest.mark.parametrize("page", ["period", "task"])
def test_it_draws_the_period_and_task_pages_in_a_fixed_number_of_queries(
    people: dict[str, User | None], world: dict[str, Any], page: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(people["manager"])
    with CaptureQueriesContext(connection) as small:
        assert c.get(url(page, world)).status_code == 200
    _more_tasks(6, world["plan"], people)
    for _ in range(3):  # more reports and orders on the task itself, too
        do_issue_order(
            world["task"], [world["zfw"]], "再次督办", dt.date(2025, 3, 20), acting_user=people["manager"]
        )
    with CaptureQueriesContext(connection) as big:
        assert c.get(url(page, world)).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(("role", "listed"), [("manager", ["2"]), ("reporter", [])])
def test_it_lists_only_the_tasks_the_viewer_may_see_but_counts_the_whole_plan(
    people: dict[str, User | None], world: dict[str, Any], role: str, listed: list[str]
) -> None:
    response = client_for(people[role]).get(url("period", world))
    assert [m.task.number for m in response.context["r"].missing] == listed
    assert "1 个单位 1 份报告尚未报送。" in response.context["summary"]
