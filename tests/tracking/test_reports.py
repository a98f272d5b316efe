"""Reporting: periods, drafts with optimistic versioning, submission rules, corrections, close-out,
evidence files and who may see what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.http import Http404
from docx import Document

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.evidence import EvidenceRejected, check_evidence
from duban.plans.models import Plan, Task
from duban.tracking.access import (
    access_evidence,
    access_report,
    can_edit_report,
    can_review_report,
    visible_reports,
)
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.drafts import do_add_contribution, do_edit_draft, do_save_draft
from duban.tracking.actions.evidence import do_add_evidence, do_remove_evidence
from duban.tracking.actions.periods import do_add_period, do_create_periods
from duban.tracking.actions.report_data import STALE_DRAFT, IndicatorInput, ReportData
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import (
    Evidence,
    Frequency,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    TaskClosure,
    period_specs,
)
from duban.tracking.transitions import ConflictError, InvalidInput, TransitionError
from hostile.real_files import real_pdf, real_picture

from .conftest import filled

# ---------------------------------------------------------------------------------------------
# Periods


@pytest.mark.parametrize(
    ("frequency", "count", "first", "last"),
    [
        (
            Frequency.MONTHLY,
            12,
            ("2025年1月", "2025-01-01", "2025-01-31", "2025-02-05"),
            ("2025年12月", "2025-12-01", "2025-12-31", "2026-01-05"),
        ),
        (
            Frequency.QUARTERLY,
            4,
            ("2025年第一季度", "2025-01-01", "2025-03-31", "2025-04-05"),
            ("2025年第四季度", "2025-10-01", "2025-12-31", "2026-01-05"),
        ),
        (
            Frequency.HALF_YEARLY,
            2,
            ("2025年上半年", "2025-01-01", "2025-06-30", "2025-07-05"),
            ("2025年下半年", "2025-07-01", "2025-12-31", "2026-01-05"),
        ),
        (
            Frequency.YEARLY,
            1,
            ("2025年度", "2025-01-01", "2025-12-31", "2026-01-05"),
            ("2025年度", "2025-01-01", "2025-12-31", "2026-01-05"),
        ),
    ],
)
def test_it_generates_the_periods_of_a_year(
    frequency: str, count: int, first: tuple[str, ...], last: tuple[str, ...]
) -> None:
    specs = period_specs(2025, frequency, 5)
    assert len(specs) == count
    for spec, want in ((specs[0], first), (specs[-1], last)):
        assert (spec.name, str(spec.start), str(spec.end), str(spec.due)) == want


def test_it_clamps_the_due_day_to_the_month() -> None:
    jan = period_specs(2025, Frequency.MONTHLY, 31)[0]
    assert jan.due == dt.date(2025, 2, 28)


def test_it_creates_periods_once_and_only_for_the_manager(small_plan: Plan, users: dict[str, User]) -> None:
    do_create_periods(small_plan, 2025, Frequency.QUARTERLY, 10, acting_user=users["manager"])
    do_create_periods(small_plan, 2025, Frequency.QUARTERLY, 10, acting_user=users["manager"])
    assert ReportingPeriod.objects.filter(plan=small_plan).count() == 4
    with pytest.raises(TransitionError):
        do_create_periods(small_plan, 2026, Frequency.QUARTERLY, 10, acting_user=users["other_manager"])
    with pytest.raises(InvalidInput, match="结束日期"):
        do_add_period(
            small_plan,
            "专项",
            dt.date(2025, 5, 1),
            dt.date(2025, 4, 1),
            dt.date(2025, 5, 5),
            acting_user=users["manager"],
        )
    special = do_add_period(
        small_plan,
        "青奥会专项",
        dt.date(2025, 5, 1),
        dt.date(2025, 8, 31),
        dt.date(2025, 9, 5),
        acting_user=users["manager"],
    )
    assert special.due == dt.date(2025, 9, 5)


# ---------------------------------------------------------------------------------------------
# Drafts and optimistic versioning


def test_it_refuses_a_save_from_a_stale_form_and_keeps_the_first_save(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    alice = users["other_reporter"]
    bob = User.objects.create_user("justice2", password="pw-justice-123", role="reporter", unit=alice.unit)
    draft = do_save_draft(task2, q1, filled(task2, narrative="初稿"), acting_user=alice)
    seen = draft.lock_version  # both open the form now
    do_save_draft(task2, q1, filled(task2, narrative="甲的修改"), lock_version=seen, acting_user=alice)
    with pytest.raises(ConflictError) as info:
        do_save_draft(task2, q1, filled(task2, narrative="乙的修改"), lock_version=seen, acting_user=bob)
    assert str(info.value) == "该草稿已被他人修改，请刷新后重试" == STALE_DRAFT
    draft.refresh_from_db()
    assert (draft.narrative, draft.lock_version) == ("甲的修改", seen + 1)


def test_it_refuses_to_start_a_second_draft_over_one_just_started(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    alice = users["other_reporter"]
    do_save_draft(task2, q1, filled(task2, narrative="甲"), acting_user=alice)
    with pytest.raises(ConflictError, match="该草稿已被他人修改"):
        do_save_draft(task2, q1, filled(task2, narrative="乙"), lock_version=None, acting_user=alice)
    assert ProgressReport.objects.get().narrative == "甲"


def test_it_refuses_a_stale_save_of_a_draft_submitted_meanwhile(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    alice = users["other_reporter"]
    draft = do_save_draft(task2, q1, filled(task2), acting_user=alice)
    seen = draft.lock_version
    do_submit_report(draft, acting_user=alice)
    with pytest.raises(TransitionError, match="已报送"):
        do_edit_draft(draft, filled(task2, narrative="迟到的修改"), lock_version=seen, acting_user=alice)
    with pytest.raises(TransitionError, match="报告当前状态为“已报送”"):
        do_submit_report(ProgressReport.objects.get(pk=draft.pk), lock_version=seen, acting_user=alice)


def test_it_refuses_to_submit_a_report_someone_changed_since_it_was_shown(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    alice = users["other_reporter"]
    draft = do_save_draft(task2, q1, filled(task2), acting_user=alice)
    shown = draft.lock_version
    do_edit_draft(draft, filled(task2, narrative="别人改过"), lock_version=shown, acting_user=alice)
    with pytest.raises(ConflictError):
        do_submit_report(draft, lock_version=shown, acting_user=alice)
    assert ProgressReport.objects.get(pk=draft.pk).status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (dict(narrative=""), "请填写工作进展"),
        (dict(progress=Progress.LAGGING), "进展为“滞后”时必须说明原因"),
        (dict(progress=Progress.PAUSED, reason="  "), "进展为“暂缓”时必须说明原因"),
        (dict(progress=Progress.DONE, percent=90), "完成比例应为 100%"),
        (dict(values={}), "请填写指标的当前值"),
    ],
)
def test_it_refuses_to_submit_an_incomplete_report(
    users: dict[str, User],
    lead_reporter: User,
    task1: Task,
    q1: ReportingPeriod,
    data: dict[str, object],
    message: str,
) -> None:
    draft = do_save_draft(task1, q1, filled(task1, **data), acting_user=lead_reporter)
    with pytest.raises(InvalidInput, match=message):
        do_submit_report(draft, acting_user=lead_reporter)
    assert ProgressReport.objects.get(pk=draft.pk).status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ReportData(percent=101), "完成比例应为 0–100"),
        (ReportData(percent=-1), "完成比例应为 0–100"),
        (ReportData(progress="finished"), "未知的进展状态"),
        (ReportData(values={999999: IndicatorInput(Decimal(1))}), "不属于该任务"),
        (ReportData(values={1: IndicatorInput(Decimal("NaN"))}), "无效"),
    ],
)
def test_it_refuses_bad_draft_data_and_stores_nothing(
    lead_reporter: User, task1: Task, q1: ReportingPeriod, data: ReportData, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        do_save_draft(task1, q1, data, acting_user=lead_reporter)
    assert not ProgressReport.objects.exists()


def test_it_stores_the_figures_with_the_targets_unit_and_the_periods_end(
    lead_reporter: User, task1: Task, q1: ReportingPeriod, frozen: object
) -> None:
    draft = do_save_draft(task1, q1, filled(task1, value="72.5"), acting_user=lead_reporter)
    (v,) = draft.values.all()
    assert (v.value, v.unit, v.as_of) == (
        Decimal("72.5"),
        "%",
        dt.date(2025, 3, 1),
    )  # the period has not ended


# ---------------------------------------------------------------------------------------------
# Review, corrections, close-out


def test_it_keeps_every_submitted_version_and_supersedes_on_resubmission(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner, manager = users["other_reporter"], users["manager"]
    v1 = do_submit_report(
        do_save_draft(task2, q1, filled(task2, narrative="第一版"), acting_user=owner), acting_user=owner
    )
    do_return_report(v1, "请补充数据来源", acting_user=manager)
    v2 = do_correct_report(v1, acting_user=owner)
    assert ProgressReport.objects.get(pk=v1.pk).status == ReportStatus.RETURNED  # until v2 is submitted
    v2 = do_edit_draft(v2, filled(task2, narrative="第二版"), lock_version=v2.lock_version, acting_user=owner)
    do_submit_report(v2, acting_user=owner)
    rows = list(
        ProgressReport.objects.order_by("version").values_list(
            "version", "status", "narrative", "returned_count"
        )
    )
    assert rows == [(1, ReportStatus.SUPERSEDED, "第一版", 1), (2, ReportStatus.SUBMITTED, "第二版", 1)]


def test_it_keeps_on_the_report_when_it_was_accepted_even_once_superseded(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner, manager = users["other_reporter"], users["manager"]
    returned = do_submit_report(do_save_draft(task2, q1, filled(task2), acting_user=owner), acting_user=owner)
    returned = do_return_report(returned, "请补充材料", acting_user=manager)
    assert returned.reviewed_at is not None and returned.accepted_at is None  # reviewed, not accepted
    v2 = do_correct_report(returned, acting_user=owner)
    v2 = do_accept_report(do_submit_report(v2, acting_user=owner), acting_user=manager)
    assert v2.accepted_at is not None and v2.accepted_at == v2.reviewed_at
    v3 = do_correct_report(v2, acting_user=owner)
    do_submit_report(v3, acting_user=owner)
    rows = list(ProgressReport.objects.order_by("version").values_list("status", "accepted_at"))
    assert rows == [
        (ReportStatus.SUPERSEDED, None),
        (ReportStatus.SUPERSEDED, v2.accepted_at),
        (ReportStatus.SUBMITTED, None),
    ]


def test_it_requires_a_comment_to_return_a_report(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    report = do_submit_report(do_save_draft(task2, q1, filled(task2), acting_user=owner), acting_user=owner)
    with pytest.raises(InvalidInput, match="必须填写退回意见"):
        do_return_report(report, "   ", acting_user=users["manager"])
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_it_allows_one_correction_draft_at_a_time(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    report = do_submit_report(do_save_draft(task2, q1, filled(task2), acting_user=owner), acting_user=owner)
    do_correct_report(report, acting_user=owner)
    with pytest.raises(ConflictError, match="已有未报送的更正草稿"):
        do_correct_report(report, acting_user=owner)


def test_it_closes_the_task_when_a_completion_claim_is_accepted(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    report = do_save_draft(
        task1, q1, filled(task1, progress=Progress.DONE, percent=100, value="100"), acting_user=lead_reporter
    )
    report = do_submit_report(report, acting_user=lead_reporter)
    assert not TaskClosure.objects.exists()  # not before review
    do_accept_report(report, acting_user=users["manager"])
    closure = TaskClosure.objects.get(task=task1)
    assert (closure.report_id, closure.closed_by) == (report.pk, users["manager"])
    assert AuditEvent.objects.filter(action="close_task", object_id=str(task1.pk)).exists()


def test_a_submitted_correction_of_the_closing_report_reopens_the_task_until_reviewed(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    done = filled(task1, progress=Progress.DONE, percent=100, value="100")
    report = do_submit_report(
        do_save_draft(task1, q1, done, acting_user=lead_reporter), acting_user=lead_reporter
    )
    do_accept_report(report, acting_user=users["manager"])
    correction = do_correct_report(report, acting_user=lead_reporter)
    assert TaskClosure.objects.filter(task=task1).exists()  # a correction not yet sent changes nothing
    do_edit_draft(
        correction,
        filled(task1, progress=Progress.IN_PROGRESS, percent=80, value="90"),
        lock_version=correction.lock_version,
        acting_user=lead_reporter,
    )
    correction = do_submit_report(correction, acting_user=lead_reporter)
    assert not TaskClosure.current().filter(task=task1).exists()
    # The closure is kept, marked reopened: the periods begun while it stood keep their figures.
    kept = TaskClosure.objects.get(task=task1)
    assert (kept.report_id, kept.reopened_by) == (report.pk, lead_reporter) and kept.reopened_at is not None
    event = AuditEvent.objects.get(action="reopen_task", object_id=str(task1.pk))
    assert event.before == {"closure": kept.pk, "report": report.pk}
    do_accept_report(correction, acting_user=users["manager"])  # still in progress: stays open
    assert not TaskClosure.current().exists()
    # Completed after all: accepting the next correction closes the task again.
    again = do_correct_report(correction, acting_user=lead_reporter)
    do_edit_draft(again, done, lock_version=again.lock_version, acting_user=lead_reporter)
    do_accept_report(do_submit_report(again, acting_user=lead_reporter), acting_user=users["manager"])
    assert TaskClosure.current().get(task=task1).report_id == again.pk
    assert TaskClosure.objects.filter(task=task1).count() == 2


def test_it_does_not_close_the_task_on_an_accepted_progress_report_or_contribution(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    report = do_submit_report(
        do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter), acting_user=lead_reporter
    )
    do_accept_report(report, acting_user=users["manager"])
    partner = users["reporter"]
    c = do_add_contribution(
        task1, q1, filled(task1, progress=Progress.DONE, percent=100), acting_user=partner
    )
    do_accept_report(do_submit_report(c, acting_user=partner), acting_user=lead_reporter)
    assert not TaskClosure.objects.exists()


# ---------------------------------------------------------------------------------------------
# Evidence


def _docx() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("台账.pdf", real_pdf(), "application/pdf"),
        ("现场.png", real_picture("PNG"), "image/png"),
        ("现场.JPG", real_picture("JPEG"), "image/jpeg"),
        ("说明.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("统计.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_it_accepts_the_allowed_evidence_types(name: str, data: bytes, content_type: str) -> None:
    assert check_evidence(name, data) == content_type


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "不支持的文件类型“.exe”"),
        ("说明.txt", "文字".encode(), "不支持的文件类型“.txt”"),
        ("无扩展名", b"%PDF-1.4", "无扩展名"),
        ("伪装.png", b"%PDF-1.4", "不是 png 格式"),
        ("伪装.docx", _xlsx(), "不是 docx 格式"),
        ("坏的.xlsx", b"PK\x03\x04 truncated", "已损坏"),
        ("空.pdf", b"", "文件为空"),
    ],
)
def test_it_rejects_evidence_of_other_types(name: str, data: bytes, message: str) -> None:
    with pytest.raises(EvidenceRejected, match=message):
        check_evidence(name, data)


def test_it_enforces_the_upload_size_limit_at_and_around_it(settings: object) -> None:
    pdf = real_pdf()
    limit = len(pdf) + 64
    settings.MAX_UPLOAD_BYTES = limit  # type: ignore[attr-defined]
    padded = pdf + b"%" + b"x" * (limit - len(pdf) - 1)  # a comment after the end: still the PDF
    assert len(padded) == limit and check_evidence("a.pdf", padded) == "application/pdf"
    with pytest.raises(EvidenceRejected, match="文件过大"):
        check_evidence("a.pdf", padded + b"x")


def test_it_stores_evidence_with_its_hash_and_keeps_it_on_a_correction(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    draft = do_save_draft(task2, q1, filled(task2), acting_user=owner)
    evidence = do_add_evidence(draft, "C:\\材料\\台账.pdf", real_pdf(), acting_user=owner)
    assert evidence.name == "台账.pdf" and len(evidence.sha256) == 64 and evidence.size == len(real_pdf())
    assert "台账" not in evidence.file.name  # stored under a random name
    with pytest.raises(EvidenceRejected):
        do_add_evidence(draft, "x.exe", b"MZ", acting_user=owner)
    assert Evidence.objects.count() == 1
    report = do_submit_report(draft, acting_user=owner)
    with pytest.raises(TransitionError):
        do_add_evidence(report, "晚到.pdf", real_pdf(), acting_user=owner)
    with pytest.raises(TransitionError):
        do_remove_evidence(evidence, acting_user=owner)
    correction = do_correct_report(report, acting_user=owner)
    (copy,) = correction.evidence.all()
    assert copy.file.name == evidence.file.name
    do_remove_evidence(copy, acting_user=owner)
    evidence.file.open("rb")  # the submitted version's file is still there
    assert evidence.file.read() == real_pdf()
    evidence.file.close()


# ---------------------------------------------------------------------------------------------
# Who sees what


def test_it_shows_a_draft_only_to_its_own_unit(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    draft = do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter)
    assert access_report(lead_reporter, draft.pk) == draft
    for who in ("admin", "manager", "leader", "reporter", "other_reporter", "outsider"):
        with pytest.raises(Http404):
            access_report(users[who], draft.pk)


def test_it_shows_a_submitted_report_to_the_office_the_leaders_and_the_tasks_units(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    report = do_submit_report(
        do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter), acting_user=lead_reporter
    )
    for who in ("admin", "manager", "leader", "reporter"):  # reporter: a partner of task 1
        assert access_report(users[who], report.pk) == report
    for who in ("other_manager", "other_reporter", "outsider"):
        with pytest.raises(Http404, match="报告不存在或无权访问"):
            access_report(users[who], report.pk)
    with pytest.raises(Http404, match="报告不存在或无权访问"):
        access_report(users["manager"], 999999)


def test_it_shows_a_contribution_to_the_lead_unit_but_not_to_other_partners(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    c = do_add_contribution(task1, q1, filled(task1), acting_user=users["reporter"])
    c = do_submit_report(c, acting_user=users["reporter"])
    other_partner = User.objects.create_user(
        "mz",
        password="pw-mz-123456",
        role="reporter",
        unit=task1.responsibilities.get(unit__name="区民政局").unit,
    )
    assert c in visible_reports(lead_reporter)
    assert c not in visible_reports(other_partner)
    assert can_review_report(lead_reporter, c) and not can_review_report(users["manager"], c)


def test_it_serves_evidence_only_to_those_who_may_see_the_report(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    draft = do_save_draft(task2, q1, filled(task2), acting_user=owner)
    evidence = do_add_evidence(draft, "台账.pdf", real_pdf(), acting_user=owner)
    assert can_edit_report(owner, draft)
    assert access_evidence(owner, evidence.pk) == evidence
    with pytest.raises(Http404):
        access_evidence(users["manager"], evidence.pk)  # still a draft
    do_submit_report(draft, acting_user=owner)
    assert access_evidence(users["manager"], evidence.pk) == evidence
    for who in ("reporter", "outsider", "other_manager"):
        with pytest.raises(Http404, match="文件不存在或无权访问"):
            access_evidence(users[who], evidence.pk)


def test_it_audits_every_report_write(users: dict[str, User], task2: Task, q1: ReportingPeriod) -> None:
    owner = users["other_reporter"]
    draft = do_save_draft(task2, q1, filled(task2), acting_user=owner)
    do_edit_draft(draft, filled(task2, narrative="改"), lock_version=draft.lock_version, acting_user=owner)
    do_add_evidence(draft, "a.pdf", real_pdf(), acting_user=owner)
    report = do_submit_report(draft, acting_user=owner)
    do_return_report(report, "不全", acting_user=users["manager"])
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-5:] == ["save_draft", "save_draft", "add_evidence", "submit_report", "return_report"]
