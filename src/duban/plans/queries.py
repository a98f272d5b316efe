"""Task filters shared by the plan page, its exports and the API: one place for the logic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from duban.plans.models import Role, Task


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
