"""The data the items need, as of the assessment's date: completed reports, indicator figures,
grades and incidents, in a fixed number of queries whatever the number of units (the rules of
what counts are in the engine package's docstring).

At province scale the report queries return a row per unit, task and period (hundreds of
thousands), so they are read as the driver gives them (rows()) and filtered in SQL where the
database can do it faster than Python (on_time()).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from itertools import chain
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from duban.assessment.engine.specs import ItemSpec
from duban.assessment.models import Assessment, Incident, ManualGrade, Method, Scheme
from duban.assessment.scoring import D
from duban.tracking.models import (
    IndicatorValue,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)

Periods = Mapping[int, tuple[dt.date, dt.date]]  # period id → (due, end)


def cutoff_of(as_of: dt.date) -> dt.datetime:
    """The end of `as_of` in local time: whatever happened before counts."""
    return timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))


def _accepted_by_then(candidates: Iterable[int], cutoff: dt.datetime) -> set[int]:
    """Of the SUPERSEDED reports reviewed before the cutoff, those that were then the accepted
    answer: accepted before the cutoff (accepted_at: a returned report is reviewed too) and not
    yet replaced by the submission of their correction."""
    ids = list(candidates)
    accepted: set[int] = set()
    replaced: set[int] = set()
    for n in range(0, len(ids), 10000):  # corrections are few; the chunks keep any IN list bounded
        chunk = ids[n : n + 10000]
        reports = ProgressReport.objects
        accepted |= set(reports.filter(pk__in=chunk, accepted_at__lt=cutoff).values_list("pk", flat=True))
        corrections = reports.filter(previous_id__in=chunk, submitted_at__lt=cutoff)
        replaced |= set(corrections.values_list("previous_id", flat=True))
    return accepted - replaced


def _on_time(items: Sequence[ItemSpec], periods: Periods) -> Case:
    """Submitted by the task's deadline, or without one by the period's due date (local days), as
    an SQL expression: the database compares, rather than Python converting every timestamp."""
    by_deadline: dict[dt.date, list[int]] = defaultdict(list)
    undated: list[int] = []
    for i in items:
        if i.task_id is not None:
            (by_deadline[i.deadline] if i.deadline else undated).append(i.task_id)
    conditions = [Q(task_id__in=ids, submitted_at__lt=cutoff_of(day)) for day, ids in by_deadline.items()]
    if undated:
        conditions += [
            Q(task_id__in=undated, period_id=pk, submitted_at__lt=cutoff_of(due))
            for pk, (due, _) in periods.items()
        ]
    return Case(
        When(reduce(operator.or_, conditions), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list() query as the driver gives them, without Django's per-value
    converters: the two report queries return a row per unit, task and period (hundreds of
    thousands at province scale) and only a few of their values are used. On SQLite a boolean
    comes as 0/1 and a decimal as int or float: callers convert what they keep with D()."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a condition no row can meet (an empty list of ids)
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass
class Facts:
    """The data the items need, by item key, then by unit (so each item is scored in one pass)."""

    # task → (unit → report on time, unit → report late): each unit in one of them
    done: dict[int, tuple[dict[int, int], dict[int, int]]] = field(
        default_factory=lambda: defaultdict(lambda: ({}, {}))
    )
    # target → unit → (value, report id)
    values: dict[int, dict[int, tuple[Decimal, int]]] = field(default_factory=lambda: defaultdict(dict))
    # item → unit → (grade id, score, criteria met, reason)
    grades: dict[int, dict[int, tuple[int, Decimal | None, frozenset[int], str]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    incidents: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def gather(
    scheme: Scheme,
    assessment: Assessment | None,
    items: Sequence[ItemSpec],
    plan_ids: set[int],
    as_of: dt.date,
    unit_ids: set[int] | None,
    wanted: Mapping[int, frozenset[int]] | None = None,
) -> Facts:
    """Everything the items need, in a fixed number of queries (the indicators' figures: at most
    one per reporting period). `unit_ids`: only these units'. `wanted`: unit → the targets whose
    figure it needs, when known (the search for figures stops once each has one)."""
    facts = Facts()
    periods = {
        pk: (due, end)
        for pk, due, end in ReportingPeriod.objects.filter(
            plan_id__in=plan_ids, end__gte=scheme.period_start, end__lte=scheme.period_end
        ).values_list("pk", "due", "end")
    }
    done_items = [i for i in items if i.method == Method.COMPLETION and i.task_id]
    if done_items and periods:
        _gather_done(facts, done_items, periods, as_of, unit_ids)
    indicators = [i for i in items if i.method == Method.INDICATOR and i.target_id]
    if indicators and periods:
        _gather_values(facts, indicators, periods, as_of, unit_ids, wanted)
    if assessment is not None:
        _gather_grades(facts, assessment, items, unit_ids)
        _gather_incidents(facts, assessment, unit_ids)
    return facts


def _gather_done(
    facts: Facts, items: Sequence[ItemSpec], periods: Periods, as_of: dt.date, unit_ids: set[int] | None
) -> None:
    """Each unit's report of each task claiming 已完成, accepted by then: the most favourable (on
    time first, then the earliest)."""
    cutoff = cutoff_of(as_of)
    done_reports = (
        ProgressReport.objects.filter(
            Q() if unit_ids is None else Q(unit_id__in=unit_ids),
            task_id__in=[i.task_id for i in items],
            period_id__in=list(periods),
            kind=ReportKind.REPORT,
            progress=Progress.DONE,
            reviewed_at__lt=cutoff,
        )
        .annotate(on_time=_on_time(items, periods))
        .values_list("pk", "task_id", "unit_id", "on_time")
        .order_by()
    )
    # The accepted apart from the corrected (few): a column less in every row.
    corrected = rows(done_reports.filter(status=ReportStatus.SUPERSEDED))
    ok = _accepted_by_then((r[0] for r in corrected), cutoff)
    accepted = rows(done_reports.filter(status=ReportStatus.ACCEPTED))
    done = facts.done
    for pk, task_id, unit_id, on_time in chain(accepted, (r for r in corrected if r[0] in ok)):
        timely, late = done[task_id]
        if on_time:
            if pk < timely.get(unit_id, pk + 1):
                timely[unit_id] = pk
                late.pop(unit_id, None)
        elif unit_id not in timely and pk < late.get(unit_id, pk + 1):
            late[unit_id] = pk


def _gather_values(
    facts: Facts,
    items: Sequence[ItemSpec],
    periods: Periods,
    as_of: dt.date,
    unit_ids: set[int] | None,
    wanted: Mapping[int, frozenset[int]] | None,
) -> None:
    """The figure of each target for each unit in its latest accepted report: the reports of the
    latest period first, then of each earlier one for the units still lacking a figure they need.
    Units give their figures every period, so the first query usually finds them all: it returns
    a quarter of the rows of a query over a year of quarters, and rows cost more than the search.
    """
    cutoff = cutoff_of(as_of)
    # The period by its end date, not its id: with a condition on the report's period, SQLite
    # reads every report of the period through its (period, status) index instead of the values
    # of these targets. The tasks are implied by the targets; naming them lets PostgreSQL read
    # those tasks' reports by index rather than the whole table.
    base = IndicatorValue.objects.filter(
        Q() if unit_ids is None else Q(report__unit_id__in=unit_ids),
        target_id__in=[i.target_id for i in items],
        as_of__lte=as_of,
        report__kind=ReportKind.REPORT,
        report__task_id__in=[i.task_id for i in items if i.task_id],
        report__status__in=[ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED],
        report__reviewed_at__lt=cutoff,
    ).order_by()
    decimals: dict[Any, Decimal] = {}  # the driver's numbers, converted once each
    lacking: list[int] | None = None  # None: every unit
    for end in sorted({end for _, end in periods.values()}, reverse=True):
        qs = base.filter(report__period__end=end)
        if lacking is not None:
            qs = qs.filter(report__unit_id__in=lacking)
        found = _latest_figures(qs, cutoff)
        for (target_id, unit_id), (report_id, value) in found.items():
            figures = facts.values[target_id]
            if unit_id not in figures:  # a later period's figure stands
                if (number := decimals.get(value)) is None:
                    number = decimals[value] = D(value)
                figures[unit_id] = (number, report_id)
        if wanted is not None:
            lacking = [u for u, ts in wanted.items() if any(u not in facts.values.get(t, ()) for t in ts)]
            if not lacking:
                break
            if len(lacking) > 500:  # a long list of ids would cost more than it saves
                lacking = None


def _latest_figures(
    qs: QuerySet[IndicatorValue], cutoff: dt.datetime
) -> dict[tuple[int, int], tuple[int, Any]]:
    """(target, unit) → (report, value) of one period's figures: of each report the version
    accepted by then, the latest (a later version of a report has a larger id)."""
    superseded = str(ReportStatus.SUPERSEDED)
    got = rows(qs.values_list("target_id", "report__unit_id", "report_id", "report__status", "value"))
    ok = _accepted_by_then((r[2] for r in got if r[3] == superseded), cutoff)
    found: dict[tuple[int, int], tuple[int, Any]] = {}
    for target_id, unit_id, report_id, status, value in got:
        if status == superseded and report_id not in ok:
            continue
        seen = found.get((target_id, unit_id))
        if seen is None or report_id > seen[0]:
            found[(target_id, unit_id)] = (report_id, value)
    return found


def _gather_grades(
    facts: Facts, assessment: Assessment, items: Sequence[ItemSpec], unit_ids: set[int] | None
) -> None:
    """Manual scores and checklists, as the driver gives them (see rows(): 45,000 grades at
    province scale), each distinct value converted once."""
    graded = ManualGrade.objects.filter(assessment=assessment)
    if unit_ids is not None:
        graded = graded.filter(unit_id__in=unit_ids)
    decimals: dict[Any, Decimal] = {}
    manual = graded.filter(item_id__in=[i.id for i in items if i.method == Method.MANUAL])
    for pk, item_id, unit_id, score, reason in rows(
        manual.values_list("pk", "item_id", "unit_id", "score", "reason").order_by()
    ):
        if score is not None and (got := decimals.get(score)) is None:
            got = decimals[score] = D(score)
        facts.grades[item_id][unit_id] = (pk, None if score is None else got, frozenset(), reason)
    sets: dict[Any, frozenset[int]] = {}
    checklists = graded.filter(item_id__in=[i.id for i in items if i.method == Method.CHECKLIST])
    for pk, item_id, unit_id, met in rows(
        checklists.values_list("pk", "item_id", "unit_id", "met").order_by()
    ):
        if (chosen := sets.get(met)) is None:
            chosen = sets[met] = frozenset((json.loads(met) if isinstance(met, str) else met) or ())
        facts.grades[item_id][unit_id] = (pk, None, chosen, "")


def _gather_incidents(facts: Facts, assessment: Assessment, unit_ids: set[int] | None) -> None:
    incidents = Incident.objects.filter(assessment=assessment).order_by("recorded_at", "id")
    if unit_ids is not None:
        incidents = incidents.filter(unit_id__in=unit_ids)
    for row in incidents.values(
        "pk", "unit_id", "kind", "rule_id", "veto_id", "bonus_id", "level", "count", "rate", "note"
    ):
        facts.incidents.setdefault(row["unit_id"], []).append(dict(row))
