"""A new report saved and submitted in one step (do_submit_new_report, the form's 报送 button on a
report not begun): the same end state, checks and audit trail as saving then submitting; and
evidence files never left on disk by a write that rolled back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.evidence import EvidenceRejected, files_kept_only_on_commit
from duban.notifications.models import Notification
from duban.plans.models import Task
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.evidence import do_add_evidence
from duban.tracking.actions.report_data import EvidenceInput
from duban.tracking.actions.submissions import do_submit_new_report, do_submit_report
from duban.tracking.models import (
    Evidence,
    NotificationKind,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)
from duban.tracking.transitions import ConflictError, InvalidInput, TransitionError
from hostile.real_files import real_pdf

from .conftest import filled

PDF = real_pdf()  # evidence is looked into whole: a real PDF


def _trail(report: ProgressReport) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="tracking.progressreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _shape(report: ProgressReport) -> tuple[Any, ...]:
    r = ProgressReport.objects.get(pk=report.pk)
    return (
        r.status,
        r.version,
        r.lock_version,
        r.kind,
        r.submitted_by_id is not None,
        r.submitted_at == r.created_at,
        r.previous_id,
        r.returned_count,
    )


def test_it_ends_as_saving_then_submitting_would(
    users: dict[str, User],
    lead_reporter: User,
    task1: Task,
    q1: ReportingPeriod,
    periods: list[ReportingPeriod],
    django_capture_on_commit_callbacks: Any,
) -> None:
    q2 = periods[1]
    with django_capture_on_commit_callbacks(execute=True):
        at_once = do_submit_new_report(task1, q1, filled(task1, value="72.5"), acting_user=lead_reporter)
        draft = do_save_draft(task1, q2, filled(task1, value="72.5"), acting_user=lead_reporter)
        two_steps = do_submit_report(draft, acting_user=lead_reporter)
    assert (
        _shape(at_once)
        == _shape(two_steps)
        == (ReportStatus.SUBMITTED, 1, 1, ReportKind.REPORT, True, True, None, 0)
    )
    (value,) = at_once.values.all()
    assert (value.value, value.unit, value.as_of) == (Decimal("72.5"), "%", dt.date(2025, 3, 1))
    assert _trail(at_once) == _trail(two_steps) == ["save_draft", "submit_report"]
    events = AuditEvent.objects.filter(object_id=str(at_once.pk), object_type="tracking.progressreport")
    assert {e.actor_id for e in events} == {lead_reporter.pk}
    notices = Notification.objects.filter(kind=NotificationKind.REPORT_SUBMITTED, recipient=users["manager"])
    assert sorted(n.link for n in notices) == sorted(
        [f"/tracking/reports/{r.pk}/" for r in (at_once, two_steps)]
    )
    assert notices.get(link=f"/tracking/reports/{at_once.pk}/").title == "区委政法委报送了任务报告"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"narrative": " "}, "请填写工作进展后再报送"),
        ({"progress": Progress.LAGGING}, "必须说明原因"),
        ({"progress": Progress.DONE, "percent": 90}, "完成比例应为 100%"),
        ({"values": {}}, "请填写指标的当前值"),
        ({"percent": 101}, "完成比例应为 0–100"),
    ],
)
def test_it_refuses_an_incomplete_or_bad_report_and_stores_nothing(
    lead_reporter: User, task1: Task, q1: ReportingPeriod, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        do_submit_new_report(task1, q1, filled(task1, **data), acting_user=lead_reporter)
    assert (
        not ProgressReport.objects.exists() and not AuditEvent.objects.filter(action="submit_report").exists()
    )


def test_it_refuses_when_the_report_was_begun_or_sent_meanwhile(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    draft = do_save_draft(task1, q1, filled(task1, narrative="同事的草稿"), acting_user=lead_reporter)
    with pytest.raises(ConflictError):
        do_submit_new_report(task1, q1, filled(task1), acting_user=lead_reporter)
    do_submit_report(draft, acting_user=lead_reporter)
    with pytest.raises(TransitionError, match="已报送的报告不能修改"):
        do_submit_new_report(task1, q1, filled(task1), acting_user=lead_reporter)
    assert list(ProgressReport.objects.values_list("narrative", "status")) == [
        ("同事的草稿", ReportStatus.SUBMITTED)
    ]


def test_it_lets_only_the_tasks_units_send_their_own_kind(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    partner = users["reporter"]  # 区公安分局, a partner of task 1
    with pytest.raises(TransitionError, match="无权保存草稿"):
        do_submit_new_report(task1, q1, filled(task1), acting_user=partner)  # not the lead: no report
    for outsider in (users["other_reporter"], users["manager"]):
        with pytest.raises(TransitionError):
            do_submit_new_report(task1, q1, filled(task1), kind=ReportKind.CONTRIBUTION, acting_user=outsider)
    contribution = do_submit_new_report(
        task1, q1, filled(task1, values={}), kind=ReportKind.CONTRIBUTION, acting_user=partner
    )
    assert (contribution.kind, contribution.status) == (ReportKind.CONTRIBUTION, ReportStatus.SUBMITTED)


def test_it_stores_the_evidence_and_audits_each_file(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    report = do_submit_new_report(
        task1, q1, filled(task1), acting_user=lead_reporter, files=[EvidenceInput("C:\\材料\\台账.pdf", PDF)]
    )
    (evidence,) = report.evidence.all()
    assert (evidence.name, evidence.size, len(evidence.sha256)) == ("台账.pdf", len(PDF), 64)
    assert _trail(report) == ["save_draft", "add_evidence", "submit_report"]


def test_a_bad_file_stores_nothing_and_leaves_no_file_on_disk(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    before = _stored_files()
    with pytest.raises(EvidenceRejected, match="不是 pdf 格式"), files_kept_only_on_commit():
        do_submit_new_report(
            task1,
            q1,
            filled(task1),
            acting_user=lead_reporter,
            files=[EvidenceInput("好.pdf", PDF), EvidenceInput("伪装.pdf", b"MZ")],
        )
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert _stored_files() == before


def test_files_written_in_a_transaction_that_rolls_back_are_deleted(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    draft = do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter)
    before = _stored_files()
    with pytest.raises(RuntimeError), files_kept_only_on_commit(), transaction.atomic():
        do_add_evidence(draft, "一.pdf", PDF, acting_user=lead_reporter)
        do_add_evidence(draft, "二.pdf", PDF, acting_user=lead_reporter)
        assert len(_stored_files() - before) == 2
        raise RuntimeError("a later step of the same write failed")
    assert _stored_files() == before and not Evidence.objects.exists()
    kept = do_add_evidence(
        draft, "三.pdf", PDF, acting_user=lead_reporter
    )  # a write that commits keeps its file
    assert Path(kept.file.path).read_bytes() == PDF


def _form(task: Task, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "progress": "in_progress",
        "percent": "40",
        "narrative": "已完成网格划分。",
        "reason": "",
        "action": "submit",
    }
    for t in task.targets.all():
        data.update({f"value_{t.pk}": "40", f"unit_{t.pk}": t.unit, f"as_of_{t.pk}": "2025-06-30"})
    return {**data, **extra}


def test_the_form_sends_a_new_report_in_one_step_with_a_pinned_number_of_queries(
    lead_reporter: User,
    task1: Task,
    q1: ReportingPeriod,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    c = Client()
    c.force_login(lead_reporter)
    path = f"/tracking/tasks/{task1.pk}/periods/{q1.pk}/report/"
    # Session, user with unit, task, period, roles, targets; the write (report with no read
    # before it, figures, audit, reviewers with their addresses) in one transaction; the
    # reviewers' notice and its delivery in another.
    form = _form(task1)
    with django_assert_num_queries(16), django_capture_on_commit_callbacks(execute=True):
        response = c.post(path, form)
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tracking/reports/{report.pk}/"
    assert (report.status, report.percent, report.narrative) == (
        ReportStatus.SUBMITTED,
        40,
        "已完成网格划分。",
    )
    assert _trail(report) == ["save_draft", "submit_report"]


def test_the_form_rejects_a_bad_file_of_a_new_report_leaving_nothing(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    c = Client()
    c.force_login(lead_reporter)
    before = _stored_files()
    files = [SimpleUploadedFile("台账.pdf", PDF), SimpleUploadedFile("伪装.pdf", b"MZ")]
    response = c.post(f"/tracking/tasks/{task1.pk}/periods/{q1.pk}/report/", _form(task1, evidence=files))
    assert response.status_code == 400 and "伪装.pdf：文件内容不是 pdf 格式" in response.content.decode()
    assert not ProgressReport.objects.exists() and _stored_files() == before
