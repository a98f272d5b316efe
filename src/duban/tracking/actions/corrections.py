"""A correction: a new draft version of a submitted, returned or accepted report."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from duban.accounts.actors import Actor
from duban.audit.record import record
from duban.clock import now
from duban.tracking.actions.report_data import (
    lock_report,
)
from duban.tracking.models import (
    Evidence,
    IndicatorValue,
    ProgressReport,
    ReportStatus,
)
from duban.tracking.transitions import (
    ConflictError,
    ReportAction,
    actors_of_report,
    check_report,
    person,
)


@transaction.atomic
def do_correct_report(report: ProgressReport, *, acting_user: Actor) -> ProgressReport:
    """Start a correction: a new draft version with the same content, values and evidence. The
    corrected version stays as it is until the correction is submitted."""
    report = lock_report(report)
    check_report(report.status, ReportAction.CORRECT, actors_of_report(acting_user, report))
    siblings = ProgressReport.objects.filter(
        task_id=report.task_id, period_id=report.period_id, unit_id=report.unit_id
    )
    if siblings.filter(status=ReportStatus.DRAFT).exists():
        raise ConflictError("已有未报送的更正草稿，请在该草稿中修改")
    at = now()
    new = ProgressReport(
        task_id=report.task_id,
        period_id=report.period_id,
        unit_id=report.unit_id,
        kind=report.kind,
        status=ReportStatus.DRAFT,
        progress=report.progress,
        reason=report.reason,
        percent=report.percent,
        narrative=report.narrative,
        version=(siblings.aggregate(v=Max("version"))["v"] or 0) + 1,
        previous=report,
        returned_count=report.returned_count,
        created_at=at,
        created_by=person(acting_user),
        updated_at=at,
    )
    try:
        with transaction.atomic():
            new.save(force_insert=True)
    except IntegrityError:
        raise ConflictError("已有未报送的更正草稿，请在该草稿中修改") from None
    _copy_figures_and_files(report, new)
    record(
        acting_user,
        "correct_report",
        new,
        summary=f"更正 {report.task} {report.period}（第 {new.version} 版）",
        after={"corrects": report.pk, "version": new.version},
    )
    return new


def _copy_figures_and_files(report: ProgressReport, new: ProgressReport) -> None:
    """The corrected version's figures and evidence, now the correction's too (the files themselves
    are shared, not copied: do_remove_evidence deletes a file only when no report names it)."""
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(report=new, target_id=v.target_id, value=v.value, unit=v.unit, as_of=v.as_of)
            for v in report.values.all()
        ]
    )
    Evidence.objects.bulk_create([_evidence_copy(e, new) for e in report.evidence.all()])


def _evidence_copy(e: Evidence, report: ProgressReport) -> Evidence:
    return Evidence(
        report=report,
        file=e.file.name,
        name=e.name,
        sha256=e.sha256,
        size=e.size,
        content_type=e.content_type,
        uploaded_at=e.uploaded_at,
        uploaded_by_id=e.uploaded_by_id,
    )
