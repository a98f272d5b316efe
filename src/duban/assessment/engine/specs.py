"""The scheme's items, read once: what each is worth and how it is scored, with its task's
deadline and its target, in plain values (the computation scores each item for every unit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, cast

from duban.assessment.engine.entries import tidy
from duban.assessment.models import Scheme, SchemeItem
from duban.assessment.scoring import Cmp, D
from duban.plans.models import Target, Task


@dataclass(frozen=True)
class ItemSpec:
    id: int
    label: str
    section: str
    points: Decimal
    method: str
    task_id: int | None
    deadline: dt.date | None
    target_id: int | None
    cmp: Cmp
    target: Decimal | None
    change: Literal["increase", "decrease"] | None
    bands: tuple[tuple[Decimal, Decimal], ...]
    baseline: Decimal | None
    baselines: Mapping[str, Decimal]
    criteria: tuple[tuple[str, Decimal], ...]


def item_specs(items: Sequence[SchemeItem]) -> list[ItemSpec]:
    target_ids = [i.indicator_target_id for i in items if i.indicator_target_id]
    targets = {t.pk: t for t in Target.objects.filter(pk__in=target_ids)}
    tasks = Task.objects.filter(pk__in=[i.task_id for i in items if i.task_id])
    deadlines = dict(tasks.values_list("pk", "deadline"))
    return [_spec(i, targets.get(i.indicator_target_id or 0), deadlines) for i in items]


def _spec(item: SchemeItem, target: Target | None, deadlines: Mapping[int, dt.date | None]) -> ItemSpec:
    conf = item.bands or {}
    baseline = conf.get("baseline")
    return ItemSpec(
        id=item.pk,
        label=str(item),
        section=item.section,
        points=tidy(item.points),
        method=item.method,
        task_id=item.task_id,
        deadline=deadlines.get(item.task_id) if item.task_id else None,
        target_id=target.pk if target else None,
        cmp=cast(Cmp, target.cmp) if target else ">=",
        target=tidy(target.value) if target else None,
        change=cast(Literal["increase", "decrease"], target.change or None) if target else None,
        bands=tuple((tidy(D(r)), tidy(D(s))) for r, s in conf.get("bands") or ()),
        baseline=None if baseline is None else tidy(D(baseline)),
        baselines={str(k): tidy(D(v)) for k, v in (conf.get("baselines") or {}).items()},
        criteria=tuple((str(c["name"]), tidy(D(c["points"]))) for c in item.criteria or ()),
    )


def plan_ids(items: Sequence[ItemSpec], scheme: Scheme) -> set[int]:
    """The scheme's plan and the plans of its items' tasks (a bundled child plan's)."""
    task_ids = [i.task_id for i in items if i.task_id]
    return {
        scheme.plan_id,
        *Task.objects.filter(pk__in=task_ids).values_list("plan_id", flat=True).distinct(),
    }
