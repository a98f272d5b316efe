"""The report form's one action, do_save_report: a draft saved with its files and submitted if
asked, all in one transaction; a refused submission keeps the saved draft and says why."""

from __future__ import annotations

import pytest

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.evidence import EvidenceRejected
from duban.plans.models import Task
from duban.tracking.actions.drafts import do_edit_draft, do_save_draft
from duban.tracking.actions.report_data import EvidenceInput
from duban.tracking.actions.reports import do_save_report
from duban.tracking.models import ProgressReport, ReportingPeriod, ReportKind, ReportStatus
from duban.tracking.transitions import ConflictError
from hostile.real_files import real_pdf

from .conftest import filled

PDF = real_pdf()  # evidence is looked into whole: a real PDF


def _trail(report: ProgressReport) -> list[str]:
    events = AuditEvent.objects.filter(object_type="tracking.progressreport", object_id=str(report.pk))
    return list(events.order_by("id").values_list("action", flat=True))


def test_it_saves_a_new_draft_with_its_files(lead_reporter: User, task1: Task, q1: ReportingPeriod) -> None:
    saved = do_save_report(
        task1, q1, filled(task1), files=[EvidenceInput("台账.pdf", PDF)], acting_user=lead_reporter
    )
    assert (saved.submitted, saved.refusal, saved.report.status) == (False, "", ReportStatus.DRAFT)
    assert list(saved.report.evidence.values_list("name", flat=True)) == ["台账.pdf"]
    assert _trail(saved.report) == ["save_draft", "add_evidence"]


def test_it_sends_a_complete_new_report_at_once(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    saved = do_save_report(task1, q1, filled(task1), submit=True, acting_user=lead_reporter)
    assert (saved.submitted, saved.report.status, saved.report.version) == (True, ReportStatus.SUBMITTED, 1)
    assert _trail(saved.report) == ["save_draft", "submit_report"]


def test_it_keeps_the_draft_and_says_why_a_submission_is_refused(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    saved = do_save_report(task1, q1, filled(task1, narrative=""), submit=True, acting_user=lead_reporter)
    assert (saved.submitted, saved.refusal) == (False, "请填写工作进展后再报送")
    assert ProgressReport.objects.get().status == ReportStatus.DRAFT
    assert _trail(saved.report) == ["save_draft"]


def test_it_edits_and_submits_a_draft(lead_reporter: User, task1: Task, q1: ReportingPeriod) -> None:
    draft = do_save_draft(task1, q1, filled(task1, narrative="初稿"), acting_user=lead_reporter)
    saved = do_save_report(
        task1,
        q1,
        filled(task1, narrative="定稿"),
        draft=draft,
        lock_version=draft.lock_version,
        submit=True,
        acting_user=lead_reporter,
    )
    assert (saved.submitted, saved.report.pk, saved.report.narrative) == (True, draft.pk, "定稿")
    assert _trail(draft) == ["save_draft", "save_draft", "submit_report"]


def test_it_adds_files_to_an_unchanged_draft_without_a_new_version(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    draft = do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter)
    saved = do_save_report(
        task1,
        q1,
        filled(task1),
        draft=draft,
        lock_version=draft.lock_version,
        changed=False,
        files=[EvidenceInput("a.pdf", PDF)],
        acting_user=lead_reporter,
    )
    assert saved.report.lock_version == draft.lock_version
    assert _trail(draft) == ["save_draft", "add_evidence"]


def test_a_rejected_file_leaves_the_draft_as_it_was(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    draft = do_save_draft(task1, q1, filled(task1, narrative="原文"), acting_user=lead_reporter)
    with pytest.raises(EvidenceRejected):
        do_save_report(
            task1,
            q1,
            filled(task1, narrative="新文"),
            draft=draft,
            lock_version=draft.lock_version,
            files=[EvidenceInput("伪装.pdf", b"MZ")],
            acting_user=lead_reporter,
        )
    draft.refresh_from_db()
    assert draft.narrative == "原文" and not draft.evidence.exists()


@pytest.mark.parametrize("changed", [True, False])
def test_a_draft_saved_by_someone_else_meanwhile_stores_nothing(
    lead_reporter: User, task1: Task, q1: ReportingPeriod, changed: bool
) -> None:
    draft = do_save_draft(task1, q1, filled(task1, narrative="初稿"), acting_user=lead_reporter)
    seen = draft.lock_version
    do_edit_draft(draft, filled(task1, narrative="同事的修改"), lock_version=seen, acting_user=lead_reporter)
    with pytest.raises(ConflictError):
        do_save_report(
            task1,
            q1,
            filled(task1, narrative="我的修改"),
            draft=draft,
            lock_version=seen,
            changed=changed,
            files=[EvidenceInput("a.pdf", PDF)],
            submit=True,
            acting_user=lead_reporter,
        )
    draft.refresh_from_db()
    assert (draft.narrative, draft.status) == (
        "同事的修改",
        ReportStatus.DRAFT,
    ) and not draft.evidence.exists()


def test_a_partner_saves_a_contribution(users: dict[str, User], task1: Task, q1: ReportingPeriod) -> None:
    saved = do_save_report(
        task1,
        q1,
        filled(task1, values={}),
        kind=ReportKind.CONTRIBUTION,
        submit=True,
        acting_user=users["reporter"],
    )
    assert (saved.report.kind, saved.report.status) == (ReportKind.CONTRIBUTION, ReportStatus.SUBMITTED)
