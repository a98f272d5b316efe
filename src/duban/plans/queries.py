"""Which of a plan's tasks a page shows: the plan page, its downloads and the API select them
here, through `plan_tasks`, so that a download or an API answer never holds more (or other) than
the page it mirrors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from duban.accounts.models import User
from duban.params import choice_param, date_param, flag_param, id_param, text_param
from duban.plans.access import visible_tasks
from duban.plans.models import Plan, Role, Task

# The search box's longest text (its form field says the same: plans.forms.TaskFilterForm).
SEARCH_LENGTH = 100


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
        """Read a query string; a value a filter cannot take is refused (duban.params: a 400
        naming it), so a list is never shown unfiltered as if it were the filtered one."""
        return cls(
            unit=id_param(params, "unit", "单位"),
            role=choice_param(params, "role", "角色", Role.values) or None,
            section=id_param(params, "section", "部分"),
            has_target=flag_param(params, "has_target", "量化目标"),
            deadline_from=date_param(params, "deadline_from", "时限自"),
            deadline_to=date_param(params, "deadline_to", "时限至"),
            q=text_param(params, "q", "搜索", SEARCH_LENGTH),
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
