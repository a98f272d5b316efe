"""A task's timeline: the audit events of the task, its reports and its orders that the viewer
may see (the rule is tracking.access.task_events, beside the rules for the reports themselves)."""

from __future__ import annotations

from django.db.models import QuerySet

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.models import Task
from duban.tracking.access import task_events


def task_timeline(task: Task, user: User) -> QuerySet[AuditEvent]:
    """The events `user` may see, newest first."""
    return task_events(user, task).order_by("-at", "-id")
