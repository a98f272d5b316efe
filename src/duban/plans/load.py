"""Store an extracted `duban.plan/1` plan: one Plan with its sections, tasks, units and targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from duban.clock import now
from duban.plans.models import Deduction, Plan, Responsibility, Section, SourceDocument, Target, Task
from duban.units.models import Unit


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def roles_of(task: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(printed unit, role) in document order: leads, partners, then the others."""
    units = list(task.get("units") or [])
    lead = task.get("lead")
    partners = task.get("partners")
    if lead is None and partners is None:
        return [(u, "responsible") for u in units]
    out = [(u, "lead") for u in lead or []] + [(u, "partner") for u in partners or []]
    rest = list(units)
    for u, _ in out:
        if u in rest:
            rest.remove(u)
    return out + [(u, "responsible") for u in rest]


def store_plan(
    data: Mapping[str, Any],
    *,
    unit_ids: Mapping[str, int],
    source: SourceDocument | None,
    series: Any = None,
    version: int = 1,
) -> Plan:
    """Create the plan. `unit_ids` maps every printed unit name to a directory unit."""
    plan = Plan.objects.create(
        series=series or Plan._meta.get_field("series").get_default(),
        version=version,
        title=(data.get("title") or (source.name if source else "未命名方案"))[:300],
        doc_number=data.get("doc_number") or "",
        date=_date(data.get("date")),
        total_points=_decimal(data.get("total_points")),
        source=source,
        created_at=now(),
        warnings=list(data.get("warnings") or []),
    )
    sections: dict[tuple[str, ...], Section] = {}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=set(unit_ids.values()))}
    tasks, resps, targets = [], [], []
    for order, t in enumerate(data.get("tasks") or []):
        section = _section(plan, tuple(t.get("path") or ()), sections)
        task = Task(
            plan=plan,
            section=section,
            number=str(t.get("id") or order + 1)[:32],
            title=(t.get("title") or "")[:300],
            text=t.get("text") or "",
            points=_decimal(t.get("points")),
            deadline=_date(t.get("deadline")),
            deadline_text=(t.get("deadline_text") or "")[:100],
            order=order,
        )
        tasks.append((task, t))
    Task.objects.bulk_create([t for t, _ in tasks])
    for task, t in tasks:
        for i, (printed, role) in enumerate(roles_of(t)):
            resps.append(Responsibility(task=task, unit=units[unit_ids[printed]], role=role, order=i))
        for i, x in enumerate(t.get("targets") or []):
            by = str(x.get("by") or "")[:4]
            targets.append(
                Target(
                    task=task,
                    metric=(x.get("metric") or "")[:200],
                    cmp=x["cmp"],
                    value=Decimal(str(x["value"])),
                    unit=x.get("unit") or "",
                    change=x.get("change") or "",
                    by_year=int(by) if by.isdigit() else None,
                    order=i,
                )
            )
    Responsibility.objects.bulk_create(resps)
    Target.objects.bulk_create(targets)
    Deduction.objects.bulk_create(
        [
            Deduction(
                plan=plan,
                number=str(d.get("id") or ""),
                item=str(d.get("item") or "")[:300],
                rules=list(d.get("rules") or []),
                order=i,
            )
            for i, d in enumerate(data.get("deductions") or [])
        ]
    )
    return plan


def _section(plan: Plan, path: tuple[str, ...], cache: dict[tuple[str, ...], Section]) -> Section | None:
    parent: Section | None = None
    for depth in range(1, len(path) + 1):
        key = path[:depth]
        if key not in cache:
            cache[key] = Section.objects.create(
                plan=plan, parent=parent, title=key[-1][:300], order=len(cache)
            )
        parent = cache[key]
    return parent


def printed_units(data: Mapping[str, Any]) -> list[str]:
    """Every printed unit name of a plan, in first-seen order."""
    seen: dict[str, None] = {}
    for t in data.get("tasks") or []:
        for u in t.get("units") or []:
            seen.setdefault(u, None)
        for u in (t.get("lead") or []) + (t.get("partners") or []):
            seen.setdefault(u, None)
    return list(seen)
