"""A unit's draft report (lead unit) or contribution (partner unit) on a task for a period:
created, or edited under optimistic versioning (lock_version)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record
from duban.clock import now
from duban.plans.models import Task
from duban.tracking.actions.report_data import (
    STALE_DRAFT,
    ReportData,
    check_data,
    lock_report,
    reporting_unit,
    snapshot,
    store_values,
)
from duban.tracking.models import (
    ANSWERED,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)
from duban.tracking.transitions import (
    ConflictError,
    ReportAction,
    actors_of_report,
    check_report,
    report_actors,
)


def _save(
    kind: str,
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    lock_version: int | None,
    acting_user: Actor,
) -> ProgressReport:
    user, unit_id = reporting_unit(task, period, acting_user)
    actors = report_actors(user, task, unit_id, kind)
    rows = list(
        ProgressReport.objects.select_for_update(of=("self",))
        .filter(task=task, period=period, unit_id=unit_id)
        .order_by()
    )
    draft = next((r for r in rows if r.status == ReportStatus.DRAFT), None)
    if draft is not None:
        return _edit(draft, data, lock_version, acting_user)
    answered = next((r for r in rows if r.status in ANSWERED), None)
    check_report(answered.status if answered else None, ReportAction.SAVE, actors)
    check_data(data)
    if lock_version is not None:
        # The form was of a draft that has since been submitted or replaced by someone else.
        raise ConflictError(STALE_DRAFT)
    version = max((r.version for r in rows), default=0) + 1
    return _create(kind, task, period, data, version, user, unit_id)


def _create(
    kind: str, task: Task, period: ReportingPeriod, data: ReportData, version: int, user: User, unit_id: int
) -> ProgressReport:
    at = now()
    report = ProgressReport(
        task=task,
        period=period,
        unit_id=unit_id,
        kind=kind,
        status=ReportStatus.DRAFT,
        version=version,
        created_at=at,
        created_by=user,
        updated_at=at,
        progress=data.progress,
        reason=data.reason.strip(),
        percent=data.percent,
        narrative=data.narrative.strip(),
    )
    try:
        with transaction.atomic():  # two people starting the same report at once: one wins
            report.save(force_insert=True)
    except IntegrityError:
        raise ConflictError(STALE_DRAFT) from None
    store_values(report, data, new=True)
    summary = f"新建{report.get_kind_display()}草稿 {task} {period}"
    record(user, "save_draft", report, summary=summary, after=snapshot(report))
    return report


def _edit(
    draft: ProgressReport, data: ReportData, lock_version: int | None, acting_user: Actor
) -> ProgressReport:
    check_report(draft.status, ReportAction.SAVE, actors_of_report(acting_user, draft))
    check_data(data)
    if lock_version != draft.lock_version:
        raise ConflictError(STALE_DRAFT)
    before = snapshot(draft)
    fields = {
        "progress": data.progress,
        "reason": data.reason.strip(),
        "percent": data.percent,
        "narrative": data.narrative.strip(),
    }
    # The version check and the write are one statement, so no second writer slips in between
    # (on SQLite there is no row lock behind select_for_update).
    updated = ProgressReport.objects.filter(pk=draft.pk, lock_version=lock_version).update(
        lock_version=lock_version + 1, updated_at=now(), **fields
    )
    if updated != 1:
        raise ConflictError(STALE_DRAFT)
    draft.refresh_from_db()
    store_values(draft, data)
    record(
        acting_user,
        "save_draft",
        draft,
        summary=f"保存草稿 {draft.task} {draft.period}",
        before=before,
        after=snapshot(draft),
    )
    return draft


@transaction.atomic
def do_save_draft(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    *,
    lock_version: int | None = None,
    acting_user: Actor,
) -> ProgressReport:
    """Create or update the acting user's unit's draft report on the task for the period.

    `lock_version` is the draft's lock_version as the form showed it (None for a new report);
    if anyone saved the draft since, ConflictError and nothing is stored.
    """
    return _save(ReportKind.REPORT, task, period, data, lock_version, acting_user)


@transaction.atomic
def do_add_contribution(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    *,
    lock_version: int | None = None,
    acting_user: Actor,
) -> ProgressReport:
    """A partner unit's contribution to the lead unit's report: a draft, submitted like a report."""
    return _save(ReportKind.CONTRIBUTION, task, period, data, lock_version, acting_user)


@transaction.atomic
def do_edit_draft(
    report: ProgressReport, data: ReportData, *, lock_version: int | None, acting_user: Actor
) -> ProgressReport:
    """Save a given draft (report or contribution); `lock_version` as in do_save_draft."""
    return _edit(lock_report(report), data, lock_version, acting_user)
