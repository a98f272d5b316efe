"""The task reports not yet in: per period, task and reporting unit (queries.obligations says
which are owed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from duban.plans.models import Task
from duban.tracking.models import (
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)
from duban.tracking.queries.obligations import Duties, load_duties


@dataclass(frozen=True)
class Missing:
    period: ReportingPeriod
    task: Task
    unit_id: int
    unit_name: str


def answered_reports(periods: Iterable[ReportingPeriod]) -> set[tuple[int, int, int]]:
    """(task, period, unit) of the task reports that stand submitted or accepted (a returned
    report waits for its correction: not in until then)."""
    return set(
        ProgressReport.objects.filter(
            period__in=[p.pk for p in periods],
            kind=ReportKind.REPORT,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        ).values_list("task_id", "period_id", "unit_id")
    )


def missing_reports(periods: Iterable[ReportingPeriod], duties: Duties | None = None) -> list[Missing]:
    """Every task report owed for the periods (queries.obligations) and not submitted or
    accepted, by period due date, then plan order and unit name. A few queries for any number of
    periods."""
    periods = list(periods)
    if not periods:
        return []
    duties = duties or load_duties({p.plan_id for p in periods})
    answered = answered_reports(periods)
    return [
        Missing(period, task, unit_id, duties.names[unit_id])
        for period in sorted(periods, key=lambda p: (p.due, p.pk))
        for task, unit_id in duties.owed(period)
        if (task.pk, period.pk, unit_id) not in answered
    ]
