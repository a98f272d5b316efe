"""The review of a submitted report: returned to its unit with a comment, or accepted."""

from __future__ import annotations

from django.db import transaction

from duban import limits
from duban.accounts.actors import Actor
from duban.audit.record import record
from duban.clock import now
from duban.limits import too_long
from duban.notifications.notify import Message, resolve_on_commit, send_on_commit
from duban.tracking.actions.closeouts import close_if_done
from duban.tracking.actions.report_data import (
    lock_report,
)
from duban.tracking.actions.submissions import review_topic
from duban.tracking.links import report_link
from duban.tracking.models import (
    NotificationKind,
    ProgressReport,
)
from duban.tracking.transitions import (
    InvalidInput,
    ReportAction,
    actors_of_report,
    check_report,
    person,
)


@transaction.atomic
def do_return_report(report: ProgressReport, comment: str, *, acting_user: Actor) -> ProgressReport:
    """Return a submitted report to its unit with a comment (required)."""
    report = lock_report(report)
    after = check_report(report.status, ReportAction.RETURN, actors_of_report(acting_user, report))
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput("退回时必须填写退回意见")
    if problem := too_long("审核意见", comment, limits.COMMENT):
        raise InvalidInput(problem)
    report.status, report.reviewed_at, report.reviewed_by = after, now(), person(acting_user)
    report.review_comment = comment
    report.returned_count += 1
    report.updated_at = report.reviewed_at
    report.save(
        update_fields=[
            "status",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "returned_count",
            "updated_at",
        ]
    )
    record(
        acting_user,
        "return_report",
        report,
        summary=f"退回 {report.task} {report.period}：{comment}",
        after={"status": report.status, "comment": comment, "returned_count": report.returned_count},
    )
    resolve_on_commit(review_topic(report))
    send_on_commit(
        _unit_message(
            report,
            NotificationKind.REPORT_RETURNED,
            f"{report.get_kind_display()}被退回",
            f"{report.period} · 任务{report.task}：第 {report.version} 版被退回。意见：{comment}",
            # The unit's work: a correction (done when a new version is submitted).
            topic=f"correct:r{report.pk}",
        )
    )
    return report


@transaction.atomic
def do_accept_report(report: ProgressReport, *, comment: str = "", acting_user: Actor) -> ProgressReport:
    """Accept a submitted report. Accepting a task report that claims 已完成 closes the task (销号)
    once every unit that reports on it has had such a report accepted."""
    report = lock_report(report)
    after = check_report(report.status, ReportAction.ACCEPT, actors_of_report(acting_user, report))
    reviewer = person(acting_user)
    if problem := too_long("审核意见", (comment or "").strip(), limits.COMMENT):
        raise InvalidInput(problem)
    report.status, report.reviewed_at, report.reviewed_by = after, now(), reviewer
    report.review_comment = (comment or "").strip()
    report.accepted_at = report.updated_at = report.reviewed_at
    report.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "accepted_at", "updated_at"]
    )
    closed = close_if_done(report, reviewer)
    record(
        acting_user,
        "accept_report",
        report,
        summary=f"审核通过 {report.task} {report.period}",
        after={"status": report.status, "comment": report.review_comment, "closes_task": closed},
    )
    resolve_on_commit(review_topic(report))
    send_on_commit(
        _unit_message(
            report,
            NotificationKind.REPORT_ACCEPTED,
            f"{report.get_kind_display()}已通过审核",
            f"{report.period} · 任务{report.task}：第 {report.version} 版已通过审核。"
            + ("任务已销号。" if closed else ""),
        )
    )
    return report


def _unit_message(report: ProgressReport, kind: str, title: str, text: str, *, topic: str = "") -> Message:
    return Message(
        key=f"{kind}:r{report.pk}",
        kind=kind,
        title=title,
        text=text,
        link=report_link(report.pk),
        units=(report.unit_id,),
        topic=topic,
    )
