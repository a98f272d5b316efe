"""A task's timeline: the audit events of the task, its reports and its orders."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duban.audit.models import AuditEvent
from duban.plans.models import Task
from duban.tracking.models import (
    ProgressReport,
    SupervisionOrder,
)


def task_timeline(task: Task) -> QuerySet[AuditEvent]:
    """The audit events of a task and of its reports and orders, newest first."""
    report_ids = [str(pk) for pk in ProgressReport.objects.filter(task=task).values_list("pk", flat=True)]
    order_ids = [str(pk) for pk in SupervisionOrder.objects.filter(task=task).values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="plans.task", object_id=str(task.pk))
        | Q(object_type="tracking.progressreport", object_id__in=report_ids)
        | Q(object_type="tracking.supervisionorder", object_id__in=order_ids)
    ).select_related("actor")
