"""Compute an assessment: every assessed unit's score from the scheme and the data as of a date.

The arithmetic is duban.assessment.scoring's; this module only gathers what it needs, in a fixed
number of bulk queries whatever the number of units and items; duban.assessment.storage stores
what comes out.

Who scores what:
- LEAD: the units that report on the scheme's tasks (their leads, or where a task names no lead,
  its responsible units) are assessed, and score those items themselves; ALL: every unit named on
  a task is. A unit that is not a task's reporting unit shares its leads' points on it
  (partner_share × the scheme's coefficient; with several leads, their mean); with a coefficient
  of 0, or a task without a reporting unit, it gets no line for the task. A group ("各区县")
  stands for its members. Items without a task are scored by every assessed unit. A unit with no
  line is not assessed.
- DISTRICTS: every district (unit of kind district) named on the plan, or a member of a group
  named on it, scores every item itself; if the plan names none, every active district.

What counts, as of the assessment's date (the end of that day, local time):
- completion: a task report (not a partner's contribution) of a reporting period ending within
  the scheme's period, claiming 已完成, accepted by then: on time when submitted by the task's
  deadline, or without one by the period's due date; late earns the scheme's late fraction;
- indicator: the figure for the item's target in the latest such accepted report;
- a report accepted by then and corrected later still counts in the version accepted by then,
  and a report accepted after then does not count, so a closed assessment can be recomputed
  (after an appeal) without later edits creeping in;
- manual grades, checklists and incidents entered for this assessment.

Grades are bands of the share of the unit's maximum (a unit's maximum is the points of the items
it scores, partner items at the coefficient); the ranking is by total points (scoring.rank).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial, reduce
from itertools import chain, repeat
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from duban.assessment import scoring
from duban.assessment.models import (
    Assessed,
    Assessment,
    AssessmentStatus,
    BonusItem,
    DeductionRule,
    Incident,
    IncidentKind,
    ManualGrade,
    Method,
    Result,
    Scheme,
    SchemeItem,
    VetoItem,
)
from duban.assessment.scoring import D, Line, Rule, Score
from duban.plans.models import Responsibility, Target, Task
from duban.tracking.models import (
    IndicatorValue,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)
from duban.tracking.transitions import reporting_unit_ids
from duban.units.models import Kind, Unit

ZERO = Decimal(0)
CENT = Decimal("0.01")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while a computation makes its million small tuples,
    none of which can form a cycle: each collection would walk them all again, a third of the
    time of a full recomputation. Reference counting still frees everything as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def tidy(d: Decimal) -> Decimal:
    """Without trailing zeros, and never in exponent form: the reasons show 20, not 20.00 or 2E+1
    (the database gives every decimal at its column's scale)."""
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


class AssessmentError(Exception):
    """An assessment write that was refused; the message says why, in Chinese. Nothing was changed."""


# ---------------------------------------------------------------------------------------------
# What comes out


class Entry(NamedTuple):
    """A line with where it comes from (a tuple: there is one per unit and item)."""

    line: Line
    section: str
    max_points: Decimal | None
    item_id: int | None
    report_id: int | None = None
    grade_id: int | None = None
    source: str | None = None  # the other sources, as JSON (ResultLine.source)
    text: str = ""  # what the entry says: line_sig(), the sig of its LineText
    sig: str = ""  # what it says and its sources, for the digest of a unit's lines (see entry())
    cents: int | None = 0  # line.points in hundredths, None if not whole ones (see cents())


# Fields of many entries at once, without a Python loop (map(SIG, entries)).
SIG = operator.itemgetter(Entry._fields.index("sig"))
CENTS = operator.itemgetter(Entry._fields.index("cents"))
TEXT = operator.itemgetter(Entry._fields.index("text"))
NEW_ENTRY = partial(
    tuple.__new__, Entry
)  # Entry(*fields) from one iterable, without Entry._make's Python call
REPORT = operator.itemgetter(Entry._fields.index("report_id"))
GRADE = operator.itemgetter(Entry._fields.index("grade_id"))
SOURCE = operator.itemgetter(Entry._fields.index("source"))


def cents(points: Decimal) -> int | None:
    """Points as a whole number of hundredths, or None: summing 300,000 lines' points as ints
    takes a tenth of the time of Decimals, and gives the same sum when every line has one."""
    n = points * 100
    return int(n) if n == n.to_integral_value() else None


def line_sig(line: Line, section: str, max_points: Decimal | None, item_id: int | None) -> str:
    """A stable signature of what a line says where it stands (the same in every process): the
    key of its LineText."""
    text = f"{line!r}\x1e{section}\x1e{max_points}\x1e{item_id}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def entry(line: Line, section: str, max_points: Decimal | None, item_id: int | None, *, text: str,
          report_id: int | None = None, grade_id: int | None = None, extra: Mapping[str, Any] | None = None,
          ) -> Entry:  # fmt: skip
    """An entry saying `text` (its line_sig, as registered with Texts.add); `extra`: its other
    sources (ResultLine.source)."""
    source = None if extra is None else json.dumps(extra)
    return Entry(line, section, max_points, item_id, report_id, grade_id, source, text,
                 f"{text}|{report_id}|{grade_id}|{source}", cents(line.points))  # fmt: skip


class Texts(dict[str, Entry]):
    """What the lines of one computation say: sig → an entry saying it. Registered where the
    lines are made (a few thousand, against hundreds of thousands of entries), so that storing
    needs no pass over every entry to find them."""

    def add(self, line: Line, section: str, max_points: Decimal | None, item_id: int | None) -> str:
        sig = line_sig(line, section, max_points, item_id)
        if sig not in self:
            self[sig] = Entry(line, section, max_points, item_id, text=sig, cents=cents(line.points))
        return sig


@dataclass
class Outcome:
    unit_id: int
    unit_name: str
    entries: list[Entry]
    vetoed: str | None
    texts: Texts  # what the entries say (shared by all outcomes of a computation)
    total: Decimal  # never below 0, 0 when vetoed
    max_points: Decimal
    item_points: Decimal
    deductions: Decimal
    bonus: Decimal
    sections: list[dict[str, str]]
    grade: str = ""
    rank: int = 0
    previous_total: Decimal | None = None
    previous_rank: int | None = None


# ---------------------------------------------------------------------------------------------
# The scheme, read once


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
    cmp: str
    target: Decimal | None
    change: str | None
    bands: tuple[tuple[Decimal, Decimal], ...]
    baseline: Decimal | None
    baselines: Mapping[str, Decimal]
    criteria: tuple[tuple[str, Decimal], ...]


def _item_specs(items: Sequence[SchemeItem]) -> list[ItemSpec]:
    target_ids = [i.indicator_target_id for i in items if i.indicator_target_id]
    targets = {t.pk: t for t in Target.objects.filter(pk__in=target_ids)}
    deadlines = dict(Task.objects.filter(pk__in=[i.task_id for i in items if i.task_id])
                     .values_list("pk", "deadline"))  # fmt: skip
    out = []
    for i in items:
        t = targets.get(i.indicator_target_id) if i.indicator_target_id else None
        conf = i.bands or {}
        baseline = conf.get("baseline")
        out.append(ItemSpec(
            id=i.pk, label=str(i), section=i.section, points=tidy(i.points), method=i.method, task_id=i.task_id,
            deadline=deadlines.get(i.task_id) if i.task_id else None,
            target_id=t.pk if t else None, cmp=t.cmp if t else ">=", target=tidy(t.value) if t else None,
            change=(t.change or None) if t else None,
            bands=tuple((tidy(D(r)), tidy(D(s))) for r, s in conf.get("bands") or ()),
            baseline=None if baseline is None else tidy(D(baseline)),
            baselines={str(k): tidy(D(v)) for k, v in (conf.get("baselines") or {}).items()},
            criteria=tuple((str(c["name"]), tidy(D(c["points"]))) for c in i.criteria or ()),
        ))  # fmt: skip
    return out


def _plan_ids(items: Sequence[ItemSpec], scheme: Scheme) -> set[int]:
    task_ids = [i.task_id for i in items if i.task_id]
    return {
        scheme.plan_id,
        *Task.objects.filter(pk__in=task_ids).values_list("plan_id", flat=True).distinct(),
    }


# ---------------------------------------------------------------------------------------------
# Who scores what


@dataclass
class Scoring:
    """unit → [(item, None: scores it itself | the lead units whose points it shares)]."""

    units: dict[int, list[tuple[ItemSpec, tuple[int, ...] | None]]] = field(default_factory=dict)

    def leads_needed(self, unit_ids: Iterable[int]) -> set[int]:
        return {lead for u in unit_ids for _, leads in self.units.get(u, ()) if leads for lead in leads}


def _group_members(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each group among `unit_ids` → its active members (a group stands for them)."""
    groups = set(Unit.objects.filter(pk__in=set(unit_ids), kind=Kind.GROUP).values_list("pk", flat=True))
    members: dict[int, list[int]] = {g: [] for g in groups}
    through = Unit.members.through
    for group_id, member_id in through.objects.filter(
        from_unit_id__in=groups, to_unit__active=True
    ).values_list("from_unit_id", "to_unit_id"):
        members[group_id].append(member_id)
    return members


def who_scores(scheme: Scheme, items: Sequence[ItemSpec], plan_ids: set[int]) -> Scoring:
    out = Scoring()
    if scheme.assessed == Assessed.DISTRICTS:
        # Per district "is it named (or a member of a group named) on the plan": an index lookup
        # each, where collecting the plan's named units would read every responsibility.
        named = Responsibility.objects.filter(task__plan_id__in=plan_ids)
        districts = Unit.objects.filter(kind=Kind.DISTRICT, active=True)
        chosen = list(districts.filter(
            Exists(named.filter(unit_id=OuterRef("pk"))) | Exists(named.filter(unit__members=OuterRef("pk")))
        ).values_list("pk", flat=True)) or list(districts.values_list("pk", flat=True))  # fmt: skip
        every: list[tuple[ItemSpec, tuple[int, ...] | None]] = [(item, None) for item in items]
        out.units = dict.fromkeys(chosen, every)  # one list for all: it is only read
        return out
    task_ids = [i.task_id for i in items if i.task_id]
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, role in (
        Responsibility.objects.filter(task_id__in=task_ids)
        .values_list("task_id", "unit_id", "role")
        .order_by("task_id", "order")
    ):
        roles[task_id].append((unit_id, role))
    members = _group_members(u for rs in roles.values() for u, _ in rs)

    def expand(ids: Iterable[int]) -> list[int]:
        return list(dict.fromkeys(m for u in ids for m in members.get(u, [u])))

    # With a coefficient of 0 partners earn nothing: they are not given partner lines at all.
    share = scheme.partner_coefficient > 0
    per_unit: dict[int, list[tuple[ItemSpec, tuple[int, ...] | None]]] = defaultdict(list)
    untasked: list[tuple[ItemSpec, tuple[int, ...] | None]] = []
    for item in items:  # in the scheme's order, so each unit's lines are too
        if item.task_id is None:
            untasked.append((item, None))
            continue
        task_roles = roles.get(item.task_id, [])
        reporting = reporting_unit_ids(task_roles)
        leads = tuple(expand(u for u, _ in task_roles if u in reporting))
        for unit_id in leads:
            per_unit[unit_id].append((item, None))
        if share and leads:  # without a reporting unit there are no points to share
            for unit_id in expand(u for u, _ in task_roles if u not in reporting):
                if unit_id not in leads:
                    per_unit[unit_id].append((item, leads))
    if scheme.assessed == Assessed.LEAD:
        assessed = [u for u, pairs in per_unit.items() if any(leads is None for _, leads in pairs)]
    else:
        assessed = list(per_unit)
    order = {item.id: n for n, item in enumerate(items)}
    for unit_id in assessed:
        pairs = per_unit[unit_id] + untasked
        out.units[unit_id] = sorted(pairs, key=lambda p: order[p[0].id]) if untasked else pairs
    return out


def _targets_wanted(who: Scoring, unit_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """unit → the targets of the indicator items it scores itself (a partner's share comes from
    its leads' figures, and the leads score those items themselves)."""
    per_list: dict[int, frozenset[int]] = {}  # units sharing a list of items share its targets
    out = {}
    for unit_id in unit_ids:
        pairs = who.units.get(unit_id)
        if pairs is None:
            continue
        targets = per_list.get(id(pairs))
        if targets is None:
            targets = per_list[id(pairs)] = frozenset(
                item.target_id for item, leads in pairs
                if leads is None and item.method == Method.INDICATOR and item.target_id
            )  # fmt: skip
        if targets:
            out[unit_id] = targets
    return out


def direct_scorers(scheme: Scheme, item: SchemeItem, assessment: Assessment) -> set[int]:
    """The assessed units that score `item` themselves (not as a partner's share)."""
    assessed = set(Result.objects.filter(assessment=assessment).values_list("unit_id", flat=True))
    if scheme.assessed == Assessed.DISTRICTS or item.task_id is None:
        return assessed
    roles = list(Responsibility.objects.filter(task_id=item.task_id).values_list("unit_id", "role"))
    reporting = reporting_unit_ids(roles)
    members = _group_members(reporting)
    return {m for u in reporting for m in members.get(u, [u])} & assessed


# ---------------------------------------------------------------------------------------------
# The data, as of the date


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
        accepted |= set(ProgressReport.objects.filter(pk__in=chunk, accepted_at__lt=cutoff)
                        .values_list("pk", flat=True))  # fmt: skip
        replaced |= set(ProgressReport.objects.filter(previous_id__in=chunk, submitted_at__lt=cutoff)
                        .values_list("previous_id", flat=True))  # fmt: skip
    return accepted - replaced


def _on_time(items: Sequence[ItemSpec], periods: Mapping[int, tuple[dt.date, dt.date]]) -> Case:
    """Submitted by the task's deadline, or without one by the period's due date (local days), as
    an SQL expression: the database compares, rather than Python converting every timestamp."""
    by_deadline: dict[dt.date, list[int]] = defaultdict(list)
    undated: list[int] = []
    for i in items:
        if i.task_id is not None:
            (by_deadline[i.deadline] if i.deadline else undated).append(i.task_id)
    conditions = [Q(task_id__in=ids, submitted_at__lt=cutoff_of(day)) for day, ids in by_deadline.items()]
    if undated:
        conditions += [Q(task_id__in=undated, period_id=pk, submitted_at__lt=cutoff_of(due))
                       for pk, (due, _) in periods.items()]  # fmt: skip
    return Case(When(reduce(operator.or_, conditions), then=Value(True)), default=Value(False),
                output_field=BooleanField())  # fmt: skip


def _rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
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
    cutoff = cutoff_of(as_of)
    periods = {pk: (due, end) for pk, due, end in ReportingPeriod.objects.filter(
        plan_id__in=plan_ids, end__gte=scheme.period_start, end__lte=scheme.period_end
    ).values_list("pk", "due", "end")}  # fmt: skip
    done_items = [i for i in items if i.method == Method.COMPLETION and i.task_id]
    if done_items and periods:
        done_reports = (
            ProgressReport.objects.filter(
                Q() if unit_ids is None else Q(unit_id__in=unit_ids),
                task_id__in=[i.task_id for i in done_items],
                period_id__in=list(periods),
                kind=ReportKind.REPORT,
                progress=Progress.DONE,
                reviewed_at__lt=cutoff,
            )
            .annotate(on_time=_on_time(done_items, periods))
            .values_list("pk", "task_id", "unit_id", "on_time")
            .order_by()
        )
        # The accepted apart from the corrected (few): a column less in every row.
        corrected = _rows(done_reports.filter(status=ReportStatus.SUPERSEDED))
        ok = _accepted_by_then((r[0] for r in corrected), cutoff)
        done = facts.done
        for pk, task_id, unit_id, on_time in chain(_rows(done_reports.filter(status=ReportStatus.ACCEPTED)),
                                                   (r for r in corrected if r[0] in ok)):  # fmt: skip
            # The most favourable: on time first, then the earliest report.
            timely, late = done[task_id]
            if on_time:
                if pk < timely.get(unit_id, pk + 1):
                    timely[unit_id] = pk
                    late.pop(unit_id, None)
            elif unit_id not in timely and pk < late.get(unit_id, pk + 1):
                late[unit_id] = pk
    indicators = [i for i in items if i.method == Method.INDICATOR and i.target_id]
    if indicators and periods:
        _gather_values(facts, indicators, periods, as_of, unit_ids, wanted)
    if assessment is not None:
        graded = ManualGrade.objects.filter(assessment=assessment)
        if unit_ids is not None:
            graded = graded.filter(unit_id__in=unit_ids)
        # As the driver gives them (see _rows: 45,000 grades at province scale), converted once
        # per distinct value.
        decimals: dict[Any, Decimal] = {}
        manual = [i.id for i in items if i.method == Method.MANUAL]
        for pk, item_id, unit_id, score, reason in _rows(graded.filter(item_id__in=manual).values_list(
            "pk", "item_id", "unit_id", "score", "reason"
        ).order_by()):  # fmt: skip
            if score is not None and (got := decimals.get(score)) is None:
                got = decimals[score] = D(score)
            facts.grades[item_id][unit_id] = (pk, None if score is None else got, frozenset(), reason)
        sets: dict[Any, frozenset[int]] = {}
        checklists = [i.id for i in items if i.method == Method.CHECKLIST]
        for pk, item_id, unit_id, met in _rows(graded.filter(item_id__in=checklists).values_list(
            "pk", "item_id", "unit_id", "met"
        ).order_by()):  # fmt: skip
            if (chosen := sets.get(met)) is None:
                chosen = sets[met] = frozenset((json.loads(met) if isinstance(met, str) else met) or ())
            facts.grades[item_id][unit_id] = (pk, None, chosen, "")
        incidents = Incident.objects.filter(assessment=assessment).order_by("recorded_at", "id")
        if unit_ids is not None:
            incidents = incidents.filter(unit_id__in=unit_ids)
        for row in incidents.values(
            "pk", "unit_id", "kind", "rule_id", "veto_id", "bonus_id", "level", "count", "rate", "note"
        ):
            facts.incidents.setdefault(row["unit_id"], []).append(dict(row))
    return facts


def _gather_values(
    facts: Facts,
    items: Sequence[ItemSpec],
    periods: Mapping[int, tuple[dt.date, dt.date]],
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
        target_id__in=[i.target_id for i in items], as_of__lte=as_of, report__kind=ReportKind.REPORT,
        report__task_id__in=[i.task_id for i in items if i.task_id],
        report__status__in=[ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED], report__reviewed_at__lt=cutoff,
    ).order_by()  # fmt: skip
    superseded = str(ReportStatus.SUPERSEDED)
    values = facts.values
    decimals: dict[Any, Decimal] = {}  # the driver's numbers, converted once each
    lacking: list[int] | None = None  # None: every unit
    for end in sorted({end for _, end in periods.values()}, reverse=True):
        qs = base.filter(report__period__end=end)
        if lacking is not None:
            qs = qs.filter(report__unit_id__in=lacking)
        rows = _rows(qs.values_list("target_id", "report__unit_id", "report_id", "report__status", "value"))
        ok = _accepted_by_then((r[2] for r in rows if r[3] == superseded), cutoff)
        found: dict[tuple[int, int], tuple[int, Any]] = {}
        for target_id, unit_id, report_id, status, value in rows:
            if status == superseded and report_id not in ok:
                continue
            # Within a period the latest version (a later version of a report has a larger id).
            seen = found.get((target_id, unit_id))
            if seen is None or report_id > seen[0]:
                found[(target_id, unit_id)] = (report_id, value)
        for (target_id, unit_id), (report_id, value) in found.items():
            figures = values[target_id]
            if unit_id not in figures:  # a later period's figure stands
                if (number := decimals.get(value)) is None:
                    number = decimals[value] = D(value)
                figures[unit_id] = (number, report_id)
        if wanted is not None:
            lacking = [u for u, targets in wanted.items() if any(u not in values.get(t, ()) for t in targets)]
            if not lacking:
                break
            if len(lacking) > 500:  # a long list of ids would cost more than it saves
                lacking = None


# ---------------------------------------------------------------------------------------------
# Lines


class Scorer:
    """Scores one item for every unit at once: units with data get their line (shared between
    units in the same state: the arithmetic is pure), the others one common line."""

    def __init__(self, scheme: Scheme, facts: Facts) -> None:
        self.facts = facts
        self.texts = Texts()
        self.late = tidy(scheme.late_fraction)
        self.coefficient = tidy(scheme.partner_coefficient)

    def column(self, item: ItemSpec) -> tuple[dict[int, Entry], Entry]:
        """unit → its entry for the item, and the entry of a unit without data."""
        label, section, mx = item.label, item.section, item.points
        out: dict[int, Entry] = {}

        def fill(line: Line, refs: Mapping[int, int], *, graded: bool = False) -> None:
            """Every unit of `refs` says `line`, from its report (or, graded, its grade): built
            column by column, as a Python loop over 300,000 entries would cost a tenth of a
            second more."""
            sig, n = self.texts.add(line, section, mx, item.id), len(refs)
            ids = list(refs.values())
            out.update(zip(refs, map(NEW_ENTRY, zip(
                repeat(line, n), repeat(section, n), repeat(mx, n), repeat(item.id, n),
                repeat(None, n) if graded else ids, ids if graded else repeat(None, n), repeat(None, n),
                repeat(sig, n), map(f"{sig}||{{}}".format if graded else f"{sig}|{{}}".format, ids),
                repeat(cents(line.points), n), strict=True,
            )), strict=True))  # fmt: skip

        if item.method == Method.COMPLETION:
            on_time, late = self.facts.done.get(item.task_id or 0, ({}, {}))
            for state, refs in ((True, on_time), (False, late)):
                if refs:
                    fill(
                        scoring.completion(label, mx, accepted=True, on_time=state, late_fraction=self.late),
                        refs,
                    )
            none = scoring.completion(label, mx, accepted=False, on_time=False)
        elif item.method == Method.INDICATOR:

            def line_for(value: Decimal | None, baseline: Decimal | None) -> Line:
                if item.target is None:
                    return Line(label, ZERO, "未设定考核指标：0 分")
                return scoring.indicator(
                    label,
                    mx,
                    cmp=item.cmp,  # type: ignore[arg-type]
                    target=item.target,
                    value=value,
                    change=item.change,  # type: ignore[arg-type]
                    baseline=baseline,
                    bands=item.bands,
                )

            figures: dict[tuple[Decimal, Decimal | None], dict[int, int]] = defaultdict(dict)
            for unit_id, (value, report_id) in self.facts.values.get(item.target_id or 0, {}).items():
                baseline = item.baselines.get(str(unit_id), item.baseline) if item.change else None
                figures[(value, baseline)][unit_id] = report_id
            for (value, baseline), refs in figures.items():
                fill(line_for(tidy(value), baseline), refs)
            none = line_for(None, None)
        elif item.method == Method.CHECKLIST:
            checked: dict[frozenset[int], dict[int, int]] = defaultdict(dict)
            for unit_id, (grade_id, _, met, _) in self.facts.grades.get(item.id, {}).items():
                checked[met][unit_id] = grade_id
            for met, refs in checked.items():
                fill(scoring.checklist(label, [(name, pts, n in met) for n, (name, pts) in enumerate(item.criteria)]),
                     refs, graded=True)  # fmt: skip
            none = scoring.checklist(label, [(name, pts, False) for name, pts in item.criteria])
        else:
            graded: dict[tuple[Decimal, str], dict[int, int]] = defaultdict(dict)
            for unit_id, (grade_id, score, _, reason) in self.facts.grades.get(item.id, {}).items():
                if score is not None:
                    graded[(score, reason)][unit_id] = grade_id
            for (score, reason), refs in graded.items():
                try:
                    line = scoring.manual(label, mx, tidy(score), reason or "（未写理由）")
                except ValueError as exc:
                    raise AssessmentError(f"{exc}：该项分值已调整，请重新评分") from exc
                fill(line, refs, graded=True)
            none = Line(label, ZERO, "尚未评分：0 分")
        return out, entry(none, section, mx, item.id, text=self.texts.add(none, section, mx, item.id))

    def shared(self, item: ItemSpec, leads: tuple[int, ...], column: tuple[dict[int, Entry], Entry],
               memo: dict[tuple[Decimal, ...], tuple[Line, Decimal, str]]) -> Entry:  # fmt: skip
        """A partner's entry: the coefficient's share of the leads' points (their mean)."""
        got, none = column
        points = tuple(got.get(lead, none).line.points for lead in leads)
        known = memo.get(points)
        if known is None:
            if not points:
                line = Line(item.label, ZERO, "无牵头单位得分可分享：0 分")
            else:
                mean = tidy((sum(points, ZERO) / len(points)).quantize(CENT))
                line = scoring.partner_share(Line(item.label, mean, ""), self.coefficient)
            mx = (item.points * self.coefficient).quantize(CENT)
            known = memo[points] = (line, mx, self.texts.add(line, item.section, mx, item.id))
        line, mx, text = known
        return entry(line, item.section, mx, item.id, text=text, extra={"leads": list(leads)})


def _deduction_lines(
    rules: Mapping[int, DeductionRule], incidents: Sequence[Mapping[str, Any]]
) -> list[tuple[Line, dict[str, Any]]]:
    counts: dict[tuple[int, str], int] = defaultdict(int)
    count_ids: dict[tuple[int, str], list[int]] = defaultdict(list)
    rates: dict[int, tuple[Decimal, int]] = {}
    for inc in incidents:
        if inc["kind"] != IncidentKind.DEDUCTION:
            continue
        if inc["rate"] is not None:
            rates[inc["rule_id"]] = (tidy(inc["rate"]), inc["pk"])  # the latest rate stands
        else:
            counts[(inc["rule_id"], inc["level"])] += inc["count"] or 0
            count_ids[(inc["rule_id"], inc["level"])].append(inc["pk"])
    out = []
    for rule_id, rule in rules.items():
        parsed = [Rule.from_dict(r) for r in rule.rules]
        for (rid, level), count in counts.items():
            if rid != rule_id:
                continue
            match = next((r for r in parsed if r.threshold is None and (r.level or "") == level), None)
            if match is not None and count:
                out.append(
                    (
                        scoring.per_incident(rule.item, match, count),
                        {"rule": rule_id, "incidents": count_ids[(rid, level)]},
                    )
                )
        if rule_id in rates:
            limit = next((r for r in parsed if r.threshold is not None), None)
            if limit is not None:
                rate, pk = rates[rule_id]
                out.append((scoring.threshold(rule.item, limit, rate), {"rule": rule_id, "incidents": [pk]}))
    return out


def _bonus_lines(
    bonuses: Mapping[int, BonusItem], cap: Decimal | None, incidents: Sequence[Mapping[str, Any]]
) -> list[tuple[Line, dict[str, Any]]]:
    counts: dict[int, int] = defaultdict(int)
    ids: dict[int, list[int]] = defaultdict(list)
    for inc in incidents:
        if inc["kind"] == IncidentKind.BONUS:
            counts[inc["bonus_id"]] += inc["count"] or 0
            ids[inc["bonus_id"]].append(inc["pk"])
    claimed, details = [], []
    for bonus_id, item in bonuses.items():
        if not counts.get(bonus_id):
            continue
        n, each = counts[bonus_id], tidy(item.points)
        pts = each * n
        detail = f"{n} 项 × {each:g} 分"
        if item.cap is not None and pts > item.cap:
            pts = tidy(item.cap)
            detail += f"，本项最多 {pts:g} 分"
        claimed.append((item.name, pts))
        details.append((detail, bonus_id))
    cap = None if cap is None else tidy(cap)
    lines = scoring.bonus(claimed, cap)
    return [
        (
            replace(
                ln,
                reason=f"{detail}；{ln.reason}"
                + (f"（加分合计上限 {cap:g} 分）" if "上限" in ln.reason else ""),
            ),
            {"bonus": bonus_id, "incidents": ids[bonus_id]},
        )
        for ln, (detail, bonus_id) in zip(lines, details, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# The computation


@dataclass(frozen=True)
class Layout:
    """What a list of (item, leads) needs, worked out once for all the units that share it
    (every district shares one): each step's column and section, the sections touched and
    their maxima, and the runs of consecutive steps in one section (summed at once)."""

    steps: list[tuple[dict[int, Entry], Entry, ItemSpec, tuple[int, ...] | None]]
    # The columns and their entries for a unit without data, when no step is a partner's share.
    direct: tuple[list[dict[int, Entry]], list[Entry]] | None
    runs: list[tuple[int, int, int]]  # (section, first step, step after the last)
    touched: list[int]
    maxima: list[Decimal]


def _layout(
    pairs: Sequence[tuple[ItemSpec, tuple[int, ...] | None]],
    section_of: Mapping[int, int],
    sections: int,
    columns: Mapping[int, tuple[dict[int, Entry], Entry]],
    coefficient: Decimal,
) -> Layout:
    maxima = [ZERO] * sections
    touched: dict[int, None] = {}
    steps = []
    runs: list[tuple[int, int, int]] = []
    for k, (item, leads) in enumerate(pairs):
        n = section_of[item.id]
        touched[n] = None
        maxima[n] += item.points if leads is None else (item.points * coefficient).quantize(CENT)
        got, none = columns[item.id]
        steps.append((got, none, item, leads))
        if runs and runs[-1][0] == n:
            runs[-1] = (n, runs[-1][1], k + 1)
        else:
            runs.append((n, k, k + 1))
    direct = None if any(leads for _, leads in pairs) else ([s[0] for s in steps], [s[1] for s in steps])
    return Layout(steps, direct, runs, list(touched), maxima)


def light(name: str, total: Decimal, vetoed: str | None) -> Score:
    """A Score of one line holding the total: scoring.rank and Grades ask for the total several
    times per unit, and a full Score sums its lines on every call."""
    return Score(name, (Line("合计", total, ""),), vetoed=vetoed)


def compute(
    scheme: Scheme,
    as_of: dt.date,
    *,
    assessment: Assessment | None = None,
    only_units: set[int] | None = None,
) -> list[Outcome]:
    """Every assessed unit's outcome, ranked and graded (with only_units: those units', unranked)."""
    with paused_gc():
        return _compute(scheme, as_of, assessment, only_units)


def _compute(
    scheme: Scheme, as_of: dt.date, assessment: Assessment | None, only_units: set[int] | None
) -> list[Outcome]:
    items = _item_specs(list(SchemeItem.objects.filter(scheme=scheme)))
    plan_ids = _plan_ids(items, scheme)
    who = who_scores(scheme, items, plan_ids)
    unit_ids = set(who.units) if only_units is None else only_units & set(who.units)
    needed = None if only_units is None else unit_ids | who.leads_needed(unit_ids)
    facts = gather(scheme, assessment, items, plan_ids, as_of, needed,
                   _targets_wanted(who, unit_ids if needed is None else needed))  # fmt: skip
    scorer = Scorer(scheme, facts)
    texts = scorer.texts
    columns = {item.id: scorer.column(item) for item in items}
    share_memo: dict[int, dict[tuple[Decimal, ...], tuple[Line, Decimal, str]]] = defaultdict(dict)
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    rules = {r.pk: r for r in DeductionRule.objects.filter(scheme=scheme)}
    vetoes = {v.pk: v for v in VetoItem.objects.filter(scheme=scheme)}
    bonuses = {b.pk: b for b in BonusItem.objects.filter(scheme=scheme)}
    bands = [(D(b["min"]), str(b["grade"])) for b in scheme.grade_bands]
    section_names = list(dict.fromkeys(item.section for item in items))
    section_of = {item.id: section_names.index(item.section) for item in items}
    # Per list of (item, leads), which sections it touches and their maxima: the same for every
    # unit sharing the list (all of them, for districts).
    layouts: dict[int, Layout] = {}
    outcomes = []
    for unit_id in sorted(unit_ids, key=lambda u: names[u]):
        pairs = who.units[unit_id]
        layout = layouts.get(id(pairs))
        if layout is None:
            layout = layouts[id(pairs)] = _layout(
                pairs, section_of, len(section_names), columns, scorer.coefficient
            )
        if layout.direct is not None:  # column by column, without a Python loop
            entries = list(map(dict.get, layout.direct[0], repeat(unit_id), layout.direct[1]))
        else:
            entries = [got.get(unit_id, none) if leads is None else scorer.shared(item, leads, (got, none),
                                                                                  share_memo[item.id])
                       for got, none, item, leads in layout.steps]  # fmt: skip
        points = [ZERO] * len(section_names)
        for n, first, after in layout.runs:
            run = entries[first:after]
            try:
                points[n] += Decimal(sum(map(CENTS, run))).scaleb(-2)
            except TypeError:  # a line with a fraction of a hundredth (None)
                points[n] += sum((e.line.points for e in run), ZERO)
        sections = {section_names[n]: (points[n], layout.maxima[n]) for n in layout.touched}
        item_points = sum((v[0] for v in sections.values()), ZERO)
        incidents = facts.incidents.get(unit_id, [])
        deductions = bonus = ZERO
        for line, extra in _deduction_lines(rules, incidents):
            entries.append(
                entry(line, "负面清单", None, None, text=texts.add(line, "负面清单", None, None), extra=extra)
            )
            deductions += line.points
        for line, extra in _bonus_lines(bonuses, scheme.bonus_cap, incidents):
            entries.append(
                entry(line, "加分项", None, None, text=texts.add(line, "加分项", None, None), extra=extra)
            )
            bonus += line.points
        vetoed = None
        for inc in incidents:
            if inc["kind"] == IncidentKind.VETO and inc["veto_id"] in vetoes:
                name = vetoes[inc["veto_id"]].name
                vetoed = vetoed or name
                why = f"一票否决：{inc['note']}" if inc["note"] else "一票否决：总分计 0 分，等次为最低等次"
                line = Line(name, ZERO, why, "veto")
                entries.append(entry(line, "一票否决", None, None, text=texts.add(line, "一票否决", None, None),
                                     extra={"veto": inc["veto_id"], "incidents": [inc["pk"]]}))  # fmt: skip
        # What Score.total would give (never below 0, 0 when vetoed), without summing the lines.
        total = ZERO if vetoed else max(ZERO, item_points + deductions + bonus)
        max_points = sum((v[1] for v in sections.values()), ZERO)
        outcomes.append(Outcome(
            unit_id, names[unit_id], entries, vetoed, texts, total, max_points, item_points, deductions, bonus,
            [{"section": s, "points": f"{v[0]:.2f}", "max": f"{v[1]:.2f}"} for s, v in sections.items()],
            grade=grade_of(light(names[unit_id], total, vetoed), max_points, bands, scheme.lowest_grade),
        ))  # fmt: skip
    if only_units is None:
        by_name = {o.unit_name: o for o in outcomes}
        for place, s in scoring.rank([light(o.unit_name, o.total, o.vetoed) for o in outcomes]):
            by_name[s.unit].rank = place
        outcomes.sort(key=lambda o: (o.rank, o.unit_name))
    return outcomes


def grade_of(score: Score, max_points: Decimal, bands: Sequence[tuple[Decimal, str]], lowest: str) -> str:
    """The grade for the share of the unit's maximum: bands are percentages of it."""
    if max_points <= 0:
        return lowest
    return scoring.Grades(tuple((share * max_points / 100, name) for share, name in bands), lowest).grade(
        score
    )


def previous_of(assessment: Assessment) -> Assessment | None:
    """The closed or published assessment of the latest earlier period of the same plan (any version)."""
    scheme = assessment.scheme
    return (
        Assessment.objects.filter(
            scheme__plan__series=scheme.plan.series, scheme__period_end__lt=scheme.period_start,
            status__in=[AssessmentStatus.CLOSED, AssessmentStatus.PUBLISHED],
        ).exclude(pk=assessment.pk).order_by("-scheme__period_end", "-id").first()
    )  # fmt: skip
