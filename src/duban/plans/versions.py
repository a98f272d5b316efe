"""A plan's relatives: the versions of its series, the lists bundled with it and its parent plan;
the number the next version of a series takes. Read by the plan page, the import preview and the
import itself, so all three count versions alike."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Max, Q

from duban.accounts.models import User
from duban.plans.access import visible_plans
from duban.plans.models import Plan


@dataclass(frozen=True)
class Related:
    versions: list[Plan]  # every version of the plan's series the user sees, oldest first
    previous: Plan | None  # the version before this one
    children: list[Plan]  # plans under this one that are no versions of it (bundled lists)
    parent: Plan | None


def related_plans(user: User, plan: Plan) -> Related:
    """The plan's relatives the user may see, in one query."""
    related = list(
        visible_plans(user)
        .filter(Q(series=plan.series) | Q(parent=plan) | Q(pk=plan.parent_id))
        .order_by("version", "title")
    )
    return Related(
        versions=[p for p in related if p.series == plan.series],
        previous=max(
            (p for p in related if p.series == plan.series and p.version < plan.version),
            key=lambda p: p.version,
            default=None,
        ),
        children=[p for p in related if p.parent_id == plan.pk and p.series != plan.series],
        parent=next((p for p in related if p.pk == plan.parent_id), None),
    )


def next_version(series: uuid.UUID) -> int:
    """The version number a new version of `series` takes (lock the series first when storing)."""
    return (Plan.objects.filter(series=series).aggregate(v=Max("version"))["v"] or 0) + 1
