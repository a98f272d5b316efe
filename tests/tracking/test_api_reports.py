"""Reporting through the API (issue 15): a unit starts, saves, uploads evidence and submits its
report in one call, the office reviews it; the same checks, the same access and the same audit
as the report form."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.models import Task
from duban.tokens.actions import do_create_token
from duban.tracking.models import Evidence, ProgressReport, ReportingPeriod


def docx_bytes(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def client_for(user: User) -> tuple[Client, dict[str, str]]:
    _token, raw = do_create_token("单位OA", acting_user=user)
    return Client(), {"Authorization": f"Bearer {raw}"}


def complete(task: Task, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"progress": "in_progress", "percent": "60", "narrative": "已完成网格划分。"}
    for target in task.targets.all():
        data[f"value_{target.pk}"] = "96.5"
        data[f"as_of_{target.pk}"] = "2025-02-28"
    return {**data, **extra}


def test_a_unit_submits_its_report_with_evidence_in_one_call(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    client, auth = client_for(lead_reporter)
    data = complete(task1, submit="true", evidence=SimpleUploadedFile("台账.docx", docx_bytes("网格员台账")))
    response = client.post(f"/api/tasks/{task1.pk}/periods/{q1.pk}/report", data, headers=auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["submitted"] is True and body["refusal"] == ""
    report = ProgressReport.objects.get(pk=body["report"]["id"])
    assert (report.status, report.percent, report.narrative) == ("submitted", 60, "已完成网格划分。")
    assert [(v["value"], v["as_of"]) for v in body["report"]["values"]] == [(96.5, "2025-02-28")]
    (evidence,) = Evidence.objects.filter(report=report)
    assert evidence.name == "台账.docx" and body["report"]["evidence"][0]["sha256"] == evidence.sha256
    assert AuditEvent.objects.filter(action="submit_report", object_id=str(report.pk)).exists()
    # The same unit starting again is told to edit the report it has.
    again = client.post(f"/api/tasks/{task1.pk}/periods/{q1.pk}/report", complete(task1), headers=auth)
    assert again.status_code == 409


def test_a_draft_is_saved_then_edited_with_its_lock_version_then_submitted(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    client, auth = client_for(lead_reporter)
    first = client.post(
        f"/api/tasks/{task1.pk}/periods/{q1.pk}/report", complete(task1, narrative="初稿"), headers=auth
    ).json()
    assert (first["submitted"], first["report"]["status"]) == (False, "draft")
    report_id, lock = first["report"]["id"], first["report"]["lock_version"]
    second = client.post(
        f"/api/reports/{report_id}", complete(task1, narrative="第二稿", lock_version=str(lock)), headers=auth
    )
    assert second.status_code == 200
    conflict = client.post(
        f"/api/reports/{report_id}", complete(task1, narrative="第三稿", lock_version=str(lock)), headers=auth
    )
    assert conflict.status_code == 409 and "修改" in conflict.json()["detail"]
    lock = second.json()["report"]["lock_version"]
    sent = client.post(
        f"/api/reports/{report_id}", complete(task1, lock_version=str(lock), submit="true"), headers=auth
    ).json()
    assert sent["submitted"] is True
    assert ProgressReport.objects.get(pk=report_id).narrative == "已完成网格划分。"


def test_the_form_refuses_what_the_page_refuses_field_by_field(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    client, auth = client_for(lead_reporter)
    target = task1.targets.get()
    response = client.post(
        f"/api/tasks/{task1.pk}/periods/{q1.pk}/report",
        complete(task1, percent="180", **{f"value_{target.pk}": "很多"}),
        headers=auth,
    )
    assert response.status_code == 422
    fields = {(e["in"], e["field"]) for e in response.json()["errors"]}
    assert fields == {("form", "percent"), ("form", f"value_{target.pk}")}
    assert not ProgressReport.objects.exists()


def test_a_submission_the_rules_refuse_keeps_the_draft_and_says_why(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    client, auth = client_for(lead_reporter)
    body = client.post(
        f"/api/tasks/{task1.pk}/periods/{q1.pk}/report",
        {"progress": "in_progress", "percent": "10", "narrative": "", "submit": "true"},
        headers=auth,
    ).json()
    assert body["submitted"] is False and body["refusal"]
    assert ProgressReport.objects.get(pk=body["report"]["id"]).status == "draft"


def test_a_unit_not_named_on_the_task_gets_404(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    client, auth = client_for(users["reporter"])  # 区公安分局 is not on task 2
    response = client.post(f"/api/tasks/{task2.pk}/periods/{q1.pk}/report", complete(task2), headers=auth)
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_the_office_reviews_from_its_queue(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    client, auth = client_for(lead_reporter)
    sent = client.post(
        f"/api/tasks/{task1.pk}/periods/{q1.pk}/report", complete(task1, submit="true"), headers=auth
    ).json()
    office, office_auth = client_for(users["manager"])
    queue = office.get("/api/review-queue", headers=office_auth).json()
    assert [r["id"] for r in queue["items"]] == [sent["report"]["id"]]
    # A reporter may not review.
    refused = client.post(
        f"/api/reports/{sent['report']['id']}/review",
        {"decision": "accept"},
        "application/json",
        headers=auth,
    )
    assert refused.status_code == 404
    returned = office.post(
        f"/api/reports/{sent['report']['id']}/review",
        {"decision": "return"},
        "application/json",
        headers=office_auth,
    )
    assert returned.status_code == 400 and "退回意见" in returned.json()["detail"]
    accepted = office.post(
        f"/api/reports/{sent['report']['id']}/review",
        {"decision": "accept", "comment": "同意"},
        "application/json",
        headers=office_auth,
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted" and accepted.json()["accepted_at"]
    assert office.get("/api/review-queue", headers=office_auth).json()["count"] == 0


def test_me_and_periods(users: dict[str, User], lead_reporter: User, q1: ReportingPeriod) -> None:
    client, auth = client_for(lead_reporter)
    me = client.get("/api/me", headers=auth).json()
    assert (me["username"], me["role"], me["unit_name"]) == ("zfw", "reporter", "区委政法委")
    periods = client.get(f"/api/periods?plan={q1.plan_id}", headers=auth).json()
    assert periods["items"][0]["name"] == q1.name and periods["count"] == 4
    outsider, outsider_auth = client_for(users["outsider"])
    assert outsider.get(f"/api/periods/{q1.pk}", headers=outsider_auth).status_code == 404
    assert outsider.get("/api/periods", headers=outsider_auth).json()["count"] == 0


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_reports_of_other_units_stay_hidden(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod, who: str
) -> None:
    client, auth = client_for(lead_reporter)
    rid = client.post(f"/api/tasks/{task1.pk}/periods/{q1.pk}/report", complete(task1), headers=auth).json()[
        "report"
    ]["id"]
    other, other_auth = client_for(users[who])
    assert other.get(f"/api/reports/{rid}", headers=other_auth).status_code == 404
    assert other.post(f"/api/reports/{rid}", complete(task1), headers=other_auth).status_code == 404
    assert rid not in [r["id"] for r in other.get("/api/reports", headers=other_auth).json()["items"]]
