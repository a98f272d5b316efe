"""The task page's grid: per period, each unit's current answer and any draft."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from duban.plans.models import Task, reporting_unit_ids
from duban.tracking.models import (
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)


@dataclass(frozen=True)
class GridCell:
    """One unit's report for one period on a task: its current answer and any draft in progress."""

    unit_id: int
    unit_name: str
    kind: str  # ReportKind: what this unit files for the task
    answer: ProgressReport | None
    draft: ProgressReport | None


@dataclass(frozen=True)
class GridRow:
    period: ReportingPeriod
    cells: list[GridCell]


def report_grid(
    task: Task, periods: Iterable[ReportingPeriod], reports: QuerySet[ProgressReport]
) -> list[GridRow]:
    """Per period, each unit of the task (reporting units first) with the given reports."""
    resps = list(task.responsibilities.select_related("unit").order_by("order"))
    reporters = reporting_unit_ids([(r.unit_id, r.role) for r in resps])
    units: dict[int, tuple[str, str]] = {}
    for r in sorted(resps, key=lambda r: r.unit_id not in reporters):
        kind = ReportKind.REPORT if r.unit_id in reporters else ReportKind.CONTRIBUTION
        units.setdefault(r.unit_id, (r.unit.name, kind))
    answers: dict[tuple[int, int], ProgressReport] = {}
    drafts: dict[tuple[int, int], ProgressReport] = {}
    for rep in reports.filter(task=task).exclude(status=ReportStatus.SUPERSEDED).order_by("version"):
        key = (rep.period_id, rep.unit_id)
        (drafts if rep.status == ReportStatus.DRAFT else answers)[key] = rep
    return [
        GridRow(
            p,
            [
                GridCell(u, name, kind, answers.get((p.pk, u)), drafts.get((p.pk, u)))
                for u, (name, kind) in units.items()
            ],
        )
        for p in periods
    ]
