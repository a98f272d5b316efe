"""Closing a task (销号) when every unit answering for it has had a completion report accepted,
and reopening it when such a report is corrected. Called inside the review and submission
actions, in their transaction."""

from __future__ import annotations

from duban.accounts.models import User
from duban.audit.record import record
from duban.clock import now
from duban.tracking.models import (
    Progress,
    ProgressReport,
    ReportKind,
    ReportStatus,
    TaskClosure,
)
from duban.tracking.transitions import (
    reporting_unit_ids,
    task_roles,
)


def close_if_done(report: ProgressReport, reviewer: User) -> bool:
    """Close the report's task if it is a completion and every unit answering for the task has now
    had one accepted; whether it did."""
    if report.kind != ReportKind.REPORT or report.progress != Progress.DONE:
        return False
    task = report.task
    if TaskClosure.current().filter(task=task).exists():
        return False
    done = set(
        ProgressReport.objects.filter(
            task=task, kind=ReportKind.REPORT, status=ReportStatus.ACCEPTED, progress=Progress.DONE
        ).values_list("unit_id", flat=True)
    )
    if not reporting_unit_ids(task_roles(task)) <= done:
        return False
    closure = TaskClosure.objects.create(
        task=task, report=report, closed_at=report.reviewed_at or now(), closed_by=reviewer
    )
    record(
        reviewer,
        "close_task",
        task,
        summary=f"销号 {task}",
        after={"report": report.pk, "closure": closure.pk},
    )
    return True


def reopen_task(correction: ProgressReport, acting_user: User) -> None:
    """A correction now stands where an accepted completion stood: the task it closed (销号) is
    open again until the correction is reviewed (accepting a completion closes it anew)."""
    task = correction.task
    closure = TaskClosure.current().select_for_update().filter(task=task).first()
    if closure is None:
        return
    # Kept, marked reopened: the periods that began while it was in force stay as they were.
    closure.reopened_at, closure.reopened_by = now(), acting_user
    closure.save(update_fields=["reopened_at", "reopened_by"])
    record(
        acting_user,
        "reopen_task",
        task,
        summary=f"撤销销号 {task}：已通过的完成报告被更正（第 {correction.version} 版）",
        before={"closure": closure.pk, "report": closure.report_id},
        after={"correction": correction.pk},
    )
