"""Who owes which task report for a period: the one rule behind the overview, the missing list,
the sections, the lights and the reminders.

Who reports a task (transitions.reporting_unit_ids): its lead units; where the document names no
lead, its responsible and implementing units. A task with only partner units, or with no unit,
has nobody obliged to report: it is listed as such (the plan page and the period overview flag
it), never silently left out.

A task's report is due for a period from each unit that reports it, unless the task had been
closed (销号) before the period began. Closures are kept when a task is reopened
(TaskClosure.reopened_at), so what a period owed is settled when it begins: closing or reopening
the task later changes nothing about it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from duban.plans.models import Responsibility, Task, reporting_unit_ids
from duban.tracking.models import ReportingPeriod, TaskClosure


def period_begins(period: ReportingPeriod) -> dt.datetime:
    """The moment a period begins: local midnight of its first day."""
    return timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))


def closed_when_begun(
    closures: Iterable[tuple[dt.datetime, dt.datetime | None]], period: ReportingPeriod
) -> bool:
    """Whether a task with these closures ((closed at, reopened at or None), …) was closed (销号)
    when the period began."""
    begins = period_begins(period)
    return any(c < begins and (r is None or r >= begins) for c, r in closures)


@dataclass
class Duties:
    """The tasks of some plans, who reports each, and which were closed when each period began."""

    tasks: dict[int, list[Task]] = field(default_factory=lambda: defaultdict(list))  # plan → tasks
    reporters: dict[int, list[int]] = field(default_factory=dict)  # task → units, by name
    names: dict[int, str] = field(default_factory=dict)  # unit → name
    # task → [(closed at, reopened at or None), …]
    closures: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def owed(self, period: ReportingPeriod) -> Iterator[tuple[Task, int]]:
        """(task, unit) for every task report due for the period, in plan order."""
        for task in self.tasks[period.plan_id]:
            if self.reporters[task.pk] and not closed_when_begun(self.closures[task.pk], period):
                for unit_id in self.reporters[task.pk]:
                    yield task, unit_id

    def nobody(self, plan_id: int) -> list[Task]:
        """The plan's tasks that nobody is obliged to report (only partners, or no unit)."""
        return [t for t in self.tasks[plan_id] if not self.reporters[t.pk]]


def load_duties(plan_ids: Iterable[int]) -> Duties:
    """Duties of the plans' tasks: three queries however many plans and tasks."""
    plan_ids = set(plan_ids)
    duties = Duties()
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, role, name in Responsibility.objects.filter(task__plan_id__in=plan_ids).values_list(
        "task_id", "unit_id", "role", "unit__name"
    ):
        roles[task_id].append((unit_id, role))
        duties.names[unit_id] = name
    for task in Task.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "order", "pk"):
        duties.tasks[task.plan_id].append(task)
        duties.reporters[task.pk] = sorted(
            reporting_unit_ids(roles[task.pk]), key=lambda u: (duties.names[u], u)
        )
    for task_id, closed_at, reopened_at in TaskClosure.objects.filter(task__plan_id__in=plan_ids).values_list(
        "task_id", "closed_at", "reopened_at"
    ):
        duties.closures[task_id].append((closed_at, reopened_at))
    return duties
