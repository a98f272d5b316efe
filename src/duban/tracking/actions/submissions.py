"""Submitting a draft, which makes it the unit's answer for the period (the version it corrects
is superseded), and a new report saved and submitted in one step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record, record_many
from duban.clock import now
from duban.dbinsert import insert_rows
from duban.evidence import check_evidence, file_name
from duban.notifications.notify import Message, resolve_on_commit, send_on_commit
from duban.plans.models import Task
from duban.tracking.actions.closeouts import reopen_task
from duban.tracking.actions.evidence import evidence_facts, store_evidence
from duban.tracking.actions.report_data import (
    STALE_DRAFT,
    EvidenceInput,
    ReportData,
    check_complete,
    check_data,
    lock_report,
    reporting_unit,
    snapshot,
    store_values,
    submit_problem,
)
from duban.tracking.links import report_link
from duban.tracking.models import (
    ANSWERED,
    NotificationKind,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)
from duban.tracking.transitions import (
    ConflictError,
    InvalidInput,
    ReportAction,
    actors_of_report,
    check_report,
    person,
    report_actors,
    reporting_unit_ids,
    task_roles,
)


@transaction.atomic
def do_submit_report(
    report: ProgressReport, *, lock_version: int | None = None, acting_user: Actor
) -> ProgressReport:
    """Submit a draft. It becomes immutable; the version it corrects (if any) is SUPERSEDED."""
    report = lock_report(report)
    after = check_report(report.status, ReportAction.SUBMIT, actors_of_report(acting_user, report))
    if lock_version is not None and lock_version != report.lock_version:
        raise ConflictError(STALE_DRAFT)
    check_complete(report)
    at = now()
    # Before the new version becomes the answer: at most one answer per unit, task and period.
    replaced = list(
        ProgressReport.objects.select_for_update(of=("self",))
        .filter(
            task_id=report.task_id, period_id=report.period_id, unit_id=report.unit_id, status__in=ANSWERED
        )
        .order_by()
        .values_list("pk", "version", "status", "progress")
    )
    ProgressReport.objects.filter(pk__in=[pk for pk, *_ in replaced]).update(
        status=ReportStatus.SUPERSEDED, updated_at=at
    )
    report.status, report.submitted_at, report.submitted_by = after, at, person(acting_user)
    report.lock_version += 1
    report.updated_at = at
    report.save(update_fields=["status", "submitted_at", "submitted_by", "lock_version", "updated_at"])
    record(
        acting_user,
        "submit_report",
        report,
        summary=f"报送{report.get_kind_display()} {report.task} {report.period}（第 {report.version} 版）",
        after={"status": report.status, "supersedes": [v for _, v, *_ in replaced]},
    )
    if report.kind == ReportKind.REPORT and any(
        st == ReportStatus.ACCEPTED and progress == Progress.DONE for *_, st, progress in replaced
    ):
        reopen_task(report, person(acting_user))
    send_on_commit(_reviewer_message(report))
    # The versions it replaces need no review and no correction any more.
    resolve_on_commit(*(f"{work}:r{pk}" for pk, *_ in replaced for work in ("review", "correct")))
    return report


def do_submit_new_report(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    *,
    kind: str = ReportKind.REPORT,
    files: Iterable[EvidenceInput] = (),
    acting_user: Actor,
) -> ProgressReport:
    """Save and submit at once a report (or contribution) the unit has not begun: the form's 报送
    button on a new report. The same checks and the same audit trail as do_save_draft, do_add_evidence
    and do_submit_report one after the other, in one transaction and a third of the statements: it is
    the path every unit takes at every period's end. Call it inside files_kept_only_on_commit() when
    files are given, so that a rollback leaves none on disk.

    The unit's first version is written without a read before: if the unit has begun or sent the
    report meanwhile, the unique constraints on its versions refuse the row, and only then is what
    stands in the way read, to say so."""
    user, unit_id = reporting_unit(task, period, acting_user)
    try:
        return _submit_new(task, period, data, kind, files, user, unit_id)
    except IntegrityError as exc:
        refused = exc
    statuses = set(
        ProgressReport.objects.filter(task=task, period=period, unit_id=unit_id).values_list(
            "status", flat=True
        )
    )
    if not statuses:
        raise refused
    if ReportStatus.DRAFT not in statuses:
        answered = next((st for st in statuses if st in ANSWERED), None)
        check_report(answered, ReportAction.SAVE, report_actors(user, task, unit_id, kind))
    raise ConflictError(STALE_DRAFT) from None  # begun by someone else since the form was opened


@transaction.atomic
def _submit_new(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    kind: str,
    files: Iterable[EvidenceInput],
    user: User,
    unit_id: int,
) -> ProgressReport:
    actors = report_actors(user, task, unit_id, kind)
    check_report(None, ReportAction.SAVE, actors)
    after = check_report(ReportStatus.DRAFT, ReportAction.SUBMIT, actors)
    check_data(data)
    problem = submit_problem(kind, task, data)
    if problem:
        raise InvalidInput(problem)
    named = [(file_name(f.name), f.data) for f in files]
    types = [check_evidence(name, content) for name, content in named]
    report = _first_version(task, period, data, kind, after, user, unit_id)
    assert user.unit is not None  # read with the user (accounts.backends): the message below names it
    report.unit = user.unit
    # IntegrityError if the unit has any version already. A plain INSERT: no signal listens.
    ((report.pk,),) = insert_rows(ProgressReport, [report], returning=("id",))
    report._state.adding = False
    store_values(report, data, new=True)
    draft = {**snapshot(report), "lock_version": 0}
    events: list[tuple[str, Any, str, dict[str, Any] | None]] = [
        ("save_draft", report, f"新建{report.get_kind_display()}草稿 {task} {period}", draft)
    ]
    for (name, content), content_type in zip(named, types, strict=True):
        evidence = store_evidence(report, name, content, content_type, user)
        events.append(("add_evidence", report, f"上传佐证材料 {name}", evidence_facts(evidence)))
    submitted = f"报送{report.get_kind_display()} {task} {period}（第 {report.version} 版）"
    events.append(("submit_report", report, submitted, {"status": report.status, "supersedes": []}))
    record_many(user, events)
    send_on_commit(_reviewer_message(report))
    return report


def _first_version(
    task: Task, period: ReportingPeriod, data: ReportData, kind: str, status: str, user: User, unit_id: int
) -> ProgressReport:
    """The unit's first version of its report, submitted as it is made (not saved yet)."""
    at = now()
    return ProgressReport(
        task=task,
        period=period,
        unit_id=unit_id,
        kind=kind,
        status=status,
        version=1,
        created_at=at,
        created_by=user,
        updated_at=at,
        submitted_at=at,
        submitted_by=user,
        lock_version=1,
        progress=data.progress,
        reason=data.reason.strip(),
        percent=data.percent,
        narrative=data.narrative.strip(),
    )


def _reviewer_message(report: ProgressReport) -> Message:
    task = report.task
    addresses: tuple[tuple[int, str], ...] = ()
    if report.kind == ReportKind.REPORT:
        addresses = tuple(
            User.objects.filter(managed_plans=task.plan_id, is_active=True)
            .order_by()
            .values_list("pk", "email")
        )
        units: tuple[int, ...] = ()
    else:
        units = tuple(reporting_unit_ids(task_roles(task)))
    return Message(
        key=f"submitted:r{report.pk}",
        kind=NotificationKind.REPORT_SUBMITTED,
        title=f"{report.unit}报送了{report.get_kind_display()}",
        link=report_link(report.pk),
        text=f"{report.period} · 任务{task}：{report.unit}报送了第 {report.version} 版{report.get_kind_display()}，请审核。",
        users=tuple(pk for pk, _ in addresses),
        units=units,
        addresses=addresses,
        topic=review_topic(report),
    )


def review_topic(report: ProgressReport) -> str:
    """The work a submitted report asks for: its review (done when accepted or returned)."""
    return f"review:r{report.pk}"
