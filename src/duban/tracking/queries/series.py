"""The task page's target charts: each target's figures against its trajectory."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from duban.plans.models import Comparator, Target, Task
from duban.tracking.lights import plan_start, task_deadline
from duban.tracking.models import (
    IndicatorValue,
    ProgressReport,
    ReportKind,
    ReportStatus,
)

# The reports whose figures count for the light.
COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class TargetSeries:
    target: Target
    deadline: dt.date | None
    figures: list[tuple[dt.date, Decimal]]
    # The straight line the light judges by, from the baseline to the goal at the deadline
    # (lights.behind_trajectory); empty when there is none to draw.
    trajectory: list[tuple[dt.date, Decimal]]


def target_series(task: Task, reports: QuerySet[ProgressReport]) -> list[TargetSeries]:
    """Each target of the task with the figures of the given reports that count for the light
    (submitted and accepted task reports), and the trajectory it is judged against."""
    targets = list(task.targets.all())
    figures: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for target_id, value, as_of in (
        IndicatorValue.objects.filter(
            report__in=reports.filter(kind=ReportKind.REPORT, status__in=COUNTED).values("pk")
        )
        .order_by("as_of", "report_id")
        .values_list("target_id", "value", "as_of")
    ):
        figures[target_id].append((as_of, value))
    start = plan_start(task.plan)
    fallback = task_deadline(task, targets)
    out = []
    for t in targets:
        deadline = dt.date(t.by_year, 12, 31) if t.by_year else fallback
        figs = figures[t.pk]
        line: list[tuple[dt.date, Decimal]] = []
        if deadline is not None:
            # The baseline as lights.behind_trajectory takes it.
            base, base_day = (figs[0][1], figs[0][0]) if len(figs) >= 2 else (Decimal(0), start)
            rising = t.cmp in (Comparator.GE, Comparator.GT) or (t.cmp == Comparator.EQ and t.value >= base)
            if (len(figs) >= 2 or rising) and deadline > base_day:
                line = [(base_day, base), (deadline, t.value)]
        out.append(TargetSeries(t, deadline, figs, line))
    return out
