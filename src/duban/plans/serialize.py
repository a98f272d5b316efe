"""A stored plan back into the extraction model (`duban.plan/1`), so every export format the
extractor has (xlsx responsibility table, csv, md, json) serves stored plans too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from duban.extract.model import Change, Comparator, Deduction, DeductionRule, Target, Warning
from duban.extract.model import Plan as XPlan
from duban.extract.model import Task as XTask
from duban.plans.models import Plan, Role, Task


def _num(v: object) -> float | None:
    return None if v is None else float(str(v))


def task_to_x(t: Task, path: tuple[str, ...]) -> XTask:
    resps = list(t.responsibilities.all())
    has_roles = any(r.role in (Role.LEAD, Role.PARTNER) for r in resps)
    return XTask(
        id=t.number,
        path=path,
        text=t.text,
        title=t.title or None,
        units=tuple(r.unit.name for r in resps),
        lead=tuple(r.unit.name for r in resps if r.role == Role.LEAD) if has_roles else None,
        partners=tuple(r.unit.name for r in resps if r.role == Role.PARTNER) if has_roles else None,
        points=_num(t.points),
        deadline=t.deadline.isoformat() if t.deadline else None,
        deadline_text=t.deadline_text or None,
        targets=tuple(
            Target(
                metric=x.metric,
                cmp=cast(Comparator, x.cmp),
                value=float(x.value),
                unit=x.unit or None,
                change=cast(Change, x.change) if x.change else None,
                by=str(x.by_year) if x.by_year else None,
            )
            for x in t.targets.all()
        ),
    )


def section_path(t: Task) -> tuple[str, ...]:
    out: list[str] = []
    s = t.section
    while s is not None:
        out.append(s.title)
        s = s.parent
    return tuple(reversed(out))


def plan_to_x(plan: Plan, tasks: Iterable[Task] | None = None) -> XPlan:
    """`tasks` narrows the export to what a filtered page shows."""
    if tasks is None:
        tasks = plan.tasks.all()
    tasks = list(
        Task.objects.filter(pk__in=[t.pk for t in tasks])
        .select_related("section__parent__parent")
        .prefetch_related("responsibilities__unit", "targets")
        .order_by("order")
    )
    return XPlan(
        source=plan.source.name if plan.source else None,
        tasks=tuple(task_to_x(t, section_path(t)) for t in tasks),
        title=plan.title,
        doc_number=plan.doc_number or None,
        date=plan.date.isoformat() if plan.date else None,
        total_points=_num(plan.total_points),
        deductions=tuple(
            Deduction(id=d.number, item=d.item, rules=tuple(DeductionRule.from_dict(r) for r in d.rules))
            for d in plan.deductions.all()
        ),
        warnings=tuple(Warning.from_dict(w) for w in plan.warnings or []),
    )
