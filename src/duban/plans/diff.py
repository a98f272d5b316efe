"""The difference between two versions of a plan: tasks added, removed, changed; units moved."""

from __future__ import annotations

from dataclasses import dataclass, field

from duban.plans.models import Plan, Task


@dataclass
class TaskChange:
    number: str
    fields: list[str]
    units_added: list[str] = field(default_factory=list)
    units_removed: list[str] = field(default_factory=list)


@dataclass
class PlanDiff:
    added: list[Task]
    removed: list[Task]
    changed: list[TaskChange]


def _key(t: Task) -> str:
    return t.number


def _units(t: Task) -> set[str]:
    return {f"{r.unit.name}（{r.get_role_display()}）" for r in t.responsibilities.all()}


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    def load(p: Plan) -> dict[str, Task]:
        return {_key(t): t for t in p.tasks.prefetch_related("responsibilities__unit", "targets")}

    a, b = load(old), load(new)
    changed = []
    for k in a.keys() & b.keys():
        x, y = a[k], b[k]
        fields = [f for f in ("title", "text", "points", "deadline") if getattr(x, f) != getattr(y, f)]
        tx = {str(t) for t in x.targets.all()}
        ty = {str(t) for t in y.targets.all()}
        if tx != ty:
            fields.append("targets")
        ux, uy = _units(x), _units(y)
        if fields or ux != uy:
            changed.append(TaskChange(k, fields, sorted(uy - ux), sorted(ux - uy)))
    order = {k: i for i, k in enumerate(b)}
    changed.sort(key=lambda c: order.get(c.number, 0))
    return PlanDiff(
        added=[b[k] for k in b if k not in a],
        removed=[a[k] for k in a if k not in b],
        changed=changed,
    )
