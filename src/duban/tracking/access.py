"""Every permission-checked read of tracking records. Missing and forbidden both give 404.

Who sees what:
- administrator and leader: every report (drafts excepted) and order;
- plan manager: the reports and orders of the plans it manages (drafts excepted);
- unit reporter: its own unit's reports (drafts too); on tasks its unit answers for, the task
  reports of the lead unit; and, as the lead unit, the partners' contributions; the orders
  addressed to its unit.
A draft is the unit's own until it is submitted. Evidence files go with their report: whoever
may see the report may download them, nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.access import can_manage, visible_plans
from duban.plans.models import Role, Task
from duban.tracking.models import (
    ANSWERED,
    Evidence,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
)
from duban.tracking.transitions import Actor, actors_of_report, kind_for, order_actors, task_roles


def visible_reports(user: User) -> QuerySet[ProgressReport]:
    reports = ProgressReport.objects.all()
    if not user.is_authenticated or not user.is_active:
        return reports.none()
    own = Q(unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    if user.is_admin or user.is_leader:
        return reports.filter(own | ~Q(status=ReportStatus.DRAFT))
    if user.is_manager:
        return reports.filter(own | (Q(task__plan__managers=user) & ~Q(status=ReportStatus.DRAFT))).distinct()
    if not user.unit_id:
        return reports.none()
    on_my_tasks = Q(task__responsibilities__unit_id=user.unit_id)
    as_lead = Q(task__responsibilities__unit_id=user.unit_id, task__responsibilities__role=Role.LEAD)
    others = ~Q(status=ReportStatus.DRAFT) & (
        (on_my_tasks & Q(kind=ReportKind.REPORT)) | (as_lead & Q(kind=ReportKind.CONTRIBUTION))
    )
    return reports.filter(own | others).distinct()


def access_report(user: User, report_id: int) -> ProgressReport:
    try:
        return visible_reports(user).select_related("task__plan", "period", "unit").get(pk=report_id)
    except (ProgressReport.DoesNotExist, ValueError, TypeError):
        raise Http404("报告不存在或无权访问") from None


def access_evidence(user: User, evidence_id: int) -> Evidence:
    """An evidence file, for download: only if its report is visible to the user."""
    try:
        return Evidence.objects.select_related("report").get(
            pk=evidence_id, report__in=visible_reports(user).values("pk")
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("文件不存在或无权访问") from None


def can_edit_report(user: User, report: ProgressReport) -> bool:
    return report.status == ReportStatus.DRAFT and Actor.OWNER in actors_of_report(user, report)


def can_review_report(user: User, report: ProgressReport) -> bool:
    return report.status == ReportStatus.SUBMITTED and Actor.REVIEWER in actors_of_report(user, report)


def can_correct_report(user: User, report: ProgressReport) -> bool:
    return report.status in ANSWERED and Actor.OWNER in actors_of_report(user, report)


def review_queue(user: User) -> QuerySet[ProgressReport]:
    """Submitted reports waiting for this user's review: task reports of the plans it manages
    (every plan for the administrator); for a lead unit's reporter, its partners' contributions."""
    submitted = visible_reports(user).filter(status=ReportStatus.SUBMITTED)
    if not user.is_authenticated or not user.is_active:
        return submitted.none()
    if user.is_admin:
        return submitted.filter(kind=ReportKind.REPORT)
    if user.is_manager:
        return submitted.filter(kind=ReportKind.REPORT, task__plan__managers=user)
    if user.is_reporter and user.unit_id:
        return submitted.filter(
            kind=ReportKind.CONTRIBUTION,
            task__responsibilities__unit_id=user.unit_id,
            task__responsibilities__role=Role.LEAD,
        )
    return submitted.none()


def visible_periods(user: User) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(plan__in=visible_plans(user).values("pk"))


def access_period(user: User, period_id: int) -> ReportingPeriod:
    try:
        return visible_periods(user).select_related("plan").get(pk=period_id)
    except (ReportingPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404("报送周期不存在或无权访问") from None


@dataclass(frozen=True)
class ReportEntry:
    task: Task
    period: ReportingPeriod
    kind: str  # ReportKind: what the user's unit sends on the task


def access_report_entry(user: User, task_id: int, period_id: int) -> ReportEntry:
    """The form where a unit starts its report (or contribution) on a task for a period: only for
    an active reporter whose unit the task names. Such a task is always among visible_tasks (they
    show a reporter every task naming its unit), so the names are the whole check; the task's
    roles, read here once (Task.role_pairs), serve the write that follows."""
    if not (user.is_authenticated and user.is_active and user.is_reporter and user.unit_id):
        raise Http404("任务不存在或无权访问")
    try:
        task = Task.objects.get(pk=task_id)
        period = ReportingPeriod.objects.get(pk=period_id, plan_id=task.plan_id)
    except (Task.DoesNotExist, ReportingPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404("任务不存在或无权访问") from None
    kind = kind_for(task_roles(task), user.unit_id)
    if kind is None:
        raise Http404("任务不存在或无权访问")
    return ReportEntry(task, period, kind)


def visible_orders(user: User) -> QuerySet[SupervisionOrder]:
    orders = SupervisionOrder.objects.all()
    if not user.is_authenticated or not user.is_active:
        return orders.none()
    if user.is_admin or user.is_leader:
        return orders
    if user.is_manager:
        return orders.filter(task__plan__managers=user).distinct()
    if not user.unit_id:
        return orders.none()
    return orders.filter(units=user.unit_id).distinct()


def access_order(user: User, order_id: int) -> SupervisionOrder:
    try:
        return visible_orders(user).select_related("task__plan").get(pk=order_id)
    except (SupervisionOrder.DoesNotExist, ValueError, TypeError):
        raise Http404("督办单不存在或无权访问") from None


def can_reply_order(user: User, order: SupervisionOrder) -> bool:
    return Actor.ORDER_UNIT in order_actors(user, order.task, order)


def can_manage_order(user: User, order: SupervisionOrder) -> bool:
    return Actor.MANAGER in order_actors(user, order.task, order)


# --- audit events -----------------------------------------------------------------------------

# What happens to a report while it is a draft (its saves, its files added and removed): the
# unit's own, as the draft is, also once the report is submitted (its final text and files are
# what the others read).
DRAFT_ACTIONS = ("save_draft", "add_evidence", "remove_evidence")


def hidden_report_events(user: User, report: ProgressReport) -> Q:
    """The events of a report `user` may read that it may not see: another unit's drafting."""
    if user.unit_id is not None and user.unit_id == report.unit_id:
        return Q(pk__in=[])
    return Q(action__in=DRAFT_ACTIONS)


def hidden_period_events(user: User, period: ReportingPeriod) -> Q:
    """A period's bulk uploads are each unit's: another unit's is hidden, except from the office
    once it submitted reports (a bulk save of drafts stays the unit's own)."""
    office = user.is_admin or user.is_leader or (user.is_manager and can_manage(user, period.plan))
    hidden = []
    for pk, after in AuditEvent.objects.filter(
        object_type="tracking.reportingperiod", object_id=str(period.pk), action="bulk_upload"
    ).values_list("pk", "after"):
        facts = after if isinstance(after, dict) else {}
        if facts.get("unit") != user.unit_id and not (office and facts.get("submit")):
            hidden.append(pk)
    return Q(pk__in=hidden)


def task_events(user: User, task: Task) -> QuerySet[AuditEvent]:
    """The audit events of a task, and of its reports and orders that `user` may see (less other
    units' drafting): the task page's history."""
    reports = list(visible_reports(user).filter(task=task).values_list("pk", "unit_id"))
    own = [str(pk) for pk, unit_id in reports if user.unit_id is not None and unit_id == user.unit_id]
    others = [str(pk) for pk, unit_id in reports if str(pk) not in own]
    orders = [str(pk) for pk in visible_orders(user).filter(task=task).values_list("pk", flat=True)]
    report = Q(object_type="tracking.progressreport")
    return AuditEvent.objects.filter(
        Q(object_type="plans.task", object_id=str(task.pk))
        | (report & Q(object_id__in=own))
        | (report & Q(object_id__in=others) & ~Q(action__in=DRAFT_ACTIONS))
        | Q(object_type="tracking.supervisionorder", object_id__in=orders)
    ).select_related("actor")
