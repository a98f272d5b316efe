"""Which of a plan's tasks a page shows: the plan page, its downloads and the API select them
here, through `plan_tasks`, so that a download or an API answer never holds more (or other) than
the page it mirrors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from duban.accounts.models import User
from duban.plans.access import visible_tasks
from duban.plans.models import Plan, Role, Task


@dataclass(frozen=True)
class TaskFilter:
    unit: int | None = None
    role: str | None = None
    section: int | None = None
    has_target: bool | None = None
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> TaskFilter:
        """Read a query string; bad values are ignored rather than failing the page."""

        def num(key: str) -> int | None:
            v = params.get(key, "")
            return int(v) if v.isdigit() else None

        def day(key: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(params.get(key, ""))
            except ValueError:
                return None

        role = params.get("role") or None
        has = params.get("has_target", "")
        return cls(
            unit=num("unit"),
            role=role if role in Role.values else None,
            section=num("section"),
            has_target=True if has == "1" else False if has == "0" else None,
            deadline_from=day("deadline_from"),
            deadline_to=day("deadline_to"),
            q=(params.get("q") or "").strip()[:100],
        )

    def apply(self, tasks: QuerySet[Task]) -> QuerySet[Task]:
        if self.unit is not None or self.role:
            cond = Q()
            if self.unit is not None:
                cond &= Q(responsibilities__unit_id=self.unit)
            if self.role:
                cond &= Q(responsibilities__role=self.role)
            tasks = tasks.filter(cond)
        if self.section is not None:
            tasks = tasks.filter(Q(section_id=self.section) | Q(section__parent_id=self.section))
        if self.has_target is not None:
            tasks = tasks.filter(targets__isnull=not self.has_target)
        if self.deadline_from:
            tasks = tasks.filter(deadline__gte=self.deadline_from)
        if self.deadline_to:
            tasks = tasks.filter(deadline__lte=self.deadline_to)
        if self.q:
            # icontains is a substring search on both SQLite (LIKE) and PostgreSQL (ILIKE):
            # Chinese needs no word segmentation for it.
            tasks = tasks.filter(
                Q(title__icontains=self.q)
                | Q(text__icontains=self.q)
                | Q(number=self.q)
                | Q(responsibilities__unit__name__icontains=self.q)
            )
        if self.is_empty():
            return tasks
        # Joins through responsibilities and targets repeat a task; select the ids instead of
        # DISTINCT over whole rows, which makes PostgreSQL sort every task's text.
        return Task.objects.filter(pk__in=tasks.values("pk"))

    def is_empty(self) -> bool:
        return self == TaskFilter()


@dataclass(frozen=True)
class PlanTasks:
    """A plan's tasks as its page shows them."""

    visible: QuerySet[Task]  # every task of the plan the user may see
    filter: TaskFilter  # the page's filters, as read from its query string
    tasks: QuerySet[Task]  # `visible` narrowed by `filter`


def plan_tasks(user: User, plan: Plan, params: Mapping[str, str]) -> PlanTasks:
    """The plan's tasks the user may see, narrowed by the plan page's filters in `params`."""
    visible = visible_tasks(user).filter(plan=plan)
    task_filter = TaskFilter.from_params(params)
    return PlanTasks(visible, task_filter, task_filter.apply(visible))
