"""Compute an assessment: every assessed unit's score from the scheme and the data as of a date.

The arithmetic is duban.assessment.scoring's; this module only gathers what it needs, in a fixed
number of bulk queries whatever the number of units and items, and stores what comes out.

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
from functools import reduce
from typing import Any, NamedTuple

from django.db import connections, router, transaction
from django.db.models import BooleanField, Case, Exists, Field, Model, OuterRef, Q, QuerySet, Value, When
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
    ResultLine,
    Scheme,
    SchemeItem,
    VetoItem,
)
from duban.assessment.scoring import D, Line, Rule, Score
from duban.audit.models import AuditEvent
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
    extra: Mapping[str, Any] | None = None  # the other sources (ResultLine.source)
    sig: str = ""  # what the entry says, for the digest of a unit's lines (see entry())


def line_sig(line: Line, section: str, max_points: Decimal | None, item_id: int | None) -> str:
    """A short stable signature of a line where it stands (the same in every process)."""
    text = f"{line!r}\x1e{section}\x1e{max_points}\x1e{item_id}"
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def entry(line: Line, section: str, max_points: Decimal | None, item_id: int | None, report_id: int | None = None,
          grade_id: int | None = None, extra: Mapping[str, Any] | None = None) -> Entry:  # fmt: skip
    sig = f"{line_sig(line, section, max_points, item_id)}|{report_id}|{grade_id}|{extra}"
    return Entry(line, section, max_points, item_id, report_id, grade_id, extra, sig)


@dataclass
class Outcome:
    unit_id: int
    unit_name: str
    entries: list[Entry]
    score: Score
    total: Decimal  # score.total, computed once (Score sums its lines on every call)
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
    return {scheme.plan_id, *Task.objects.filter(pk__in=task_ids).values_list("plan_id", flat=True).distinct()}


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
    for task_id, unit_id, role in Responsibility.objects.filter(task_id__in=task_ids).values_list(
        "task_id", "unit_id", "role"
    ).order_by("task_id", "order"):
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
    answer: accepted (the audit trail says so: a returned report is reviewed too) and not yet
    replaced by the submission of their correction."""
    ids = list(candidates)
    accepted: set[int] = set()
    replaced: set[int] = set()
    for n in range(0, len(ids), 10000):  # corrections are few; the chunks keep any IN list bounded
        chunk = ids[n:n + 10000]
        accepted |= {int(x) for x in AuditEvent.objects.filter(
            object_type=ProgressReport._meta.label_lower, action="accept_report", at__lt=cutoff,
            object_id__in=[str(pk) for pk in chunk],
        ).values_list("object_id", flat=True)}  # fmt: skip
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
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass
class Facts:
    """The data the items need, by item key, then by unit (so each item is scored in one pass)."""

    # task → unit → (report id, on time)
    done: dict[int, dict[int, tuple[int, bool]]] = field(default_factory=lambda: defaultdict(dict))
    # target → unit → (value, report id)
    values: dict[int, dict[int, tuple[Decimal, int]]] = field(default_factory=lambda: defaultdict(dict))
    # item → unit → (grade id, score, criteria met, reason)
    grades: dict[int, dict[int, tuple[int, Decimal | None, frozenset[int], str]]] = field(
        default_factory=lambda: defaultdict(dict))
    incidents: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def gather(
    scheme: Scheme, assessment: Assessment | None, items: Sequence[ItemSpec], plan_ids: set[int], as_of: dt.date,
    unit_ids: set[int] | None,
) -> Facts:
    """Everything the items need, in a fixed number of queries. `unit_ids`: only these units'."""
    facts = Facts()
    cutoff = cutoff_of(as_of)
    periods = {pk: (due, end) for pk, due, end in ReportingPeriod.objects.filter(
        plan_id__in=plan_ids, end__gte=scheme.period_start, end__lte=scheme.period_end
    ).values_list("pk", "due", "end")}  # fmt: skip
    done_items = [i for i in items if i.method == Method.COMPLETION and i.task_id]
    if done_items and periods:
        rows = _rows(ProgressReport.objects.filter(
            Q() if unit_ids is None else Q(unit_id__in=unit_ids),
            task_id__in=[i.task_id for i in done_items], period_id__in=list(periods), kind=ReportKind.REPORT,
            progress=Progress.DONE, status__in=[ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED],
            reviewed_at__lt=cutoff,
        ).annotate(on_time=_on_time(done_items, periods)).values_list(
            "pk", "task_id", "unit_id", "status", "on_time").order_by())  # fmt: skip
        superseded = str(ReportStatus.SUPERSEDED)
        ok = _accepted_by_then((r[0] for r in rows if r[3] == superseded), cutoff)
        done = facts.done
        for pk, task_id, unit_id, status, on_time in rows:
            if status == superseded and pk not in ok:
                continue
            by_unit = done[task_id]
            have = by_unit.get(unit_id)
            # The most favourable: on time first, then the earliest report.
            if have is None or (on_time, -pk) > (have[1], -have[0]):
                by_unit[unit_id] = (pk, bool(on_time))
    target_ids = [i.target_id for i in items if i.method == Method.INDICATOR and i.target_id]
    if target_ids and periods:
        # No condition on the report's period (the window is checked below): with one, SQLite
        # reads every report of the period through its (period, status) index instead of the
        # values of these targets. The tasks are implied by the targets; naming them lets
        # PostgreSQL read those tasks' reports by index rather than the whole table.
        vrows = _rows(IndicatorValue.objects.filter(
            Q() if unit_ids is None else Q(report__unit_id__in=unit_ids),
            target_id__in=target_ids, as_of__lte=as_of, report__kind=ReportKind.REPORT,
            report__task_id__in=[i.task_id for i in items if i.method == Method.INDICATOR and i.task_id],
            report__status__in=[ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED], report__reviewed_at__lt=cutoff,
        ).values_list("target_id", "report__unit_id", "report_id", "report__status", "report__period_id",
                      "value").order_by())  # fmt: skip
        superseded = str(ReportStatus.SUPERSEDED)
        ok = _accepted_by_then((r[2] for r in vrows if r[3] == superseded), cutoff)
        latest: dict[tuple[int, int], tuple[dt.date, int]] = {}
        ends = {pk: end for pk, (_, end) in periods.items()}
        values = facts.values
        for target_id, unit_id, report_id, status, period_id, value in vrows:
            end = ends.get(period_id)
            if end is None or (status == superseded and report_id not in ok):
                continue
            # The latest period's figure (a later version of a report has a larger id).
            key, when = (target_id, unit_id), (end, report_id)
            seen = latest.get(key)
            if seen is None or when > seen:
                latest[key] = when
                values[target_id][unit_id] = (value, report_id)
        for figures in facts.values.values():
            for unit_id, (value, report_id) in figures.items():
                figures[unit_id] = (D(value), report_id)
    if assessment is not None:
        graded = ManualGrade.objects.filter(assessment=assessment)
        if unit_ids is not None:
            graded = graded.filter(unit_id__in=unit_ids)
        manual = [i.id for i in items if i.method == Method.MANUAL]
        for pk, item_id, unit_id, score, reason in graded.filter(item_id__in=manual).values_list(
            "pk", "item_id", "unit_id", "score", "reason"
        ):
            facts.grades[item_id][unit_id] = (pk, score, frozenset(), reason)
        checklists = [i.id for i in items if i.method == Method.CHECKLIST]
        for pk, item_id, unit_id, met in graded.filter(item_id__in=checklists).values_list(
            "pk", "item_id", "unit_id", "met"
        ):
            facts.grades[item_id][unit_id] = (pk, None, frozenset(met or ()), "")
        incidents = Incident.objects.filter(assessment=assessment).order_by("recorded_at", "id")
        if unit_ids is not None:
            incidents = incidents.filter(unit_id__in=unit_ids)
        for row in incidents.values("pk", "unit_id", "kind", "rule_id", "veto_id", "bonus_id", "level", "count",
                                    "rate", "note"):
            facts.incidents.setdefault(row["unit_id"], []).append(dict(row))
    return facts


# ---------------------------------------------------------------------------------------------
# Lines


class Scorer:
    """Scores one item for every unit at once: units with data get their line (shared between
    units in the same state: the arithmetic is pure), the others one common line."""

    def __init__(self, scheme: Scheme, facts: Facts) -> None:
        self.facts = facts
        self.late = tidy(scheme.late_fraction)
        self.coefficient = tidy(scheme.partner_coefficient)

    def column(self, item: ItemSpec) -> tuple[dict[int, Entry], Entry]:
        """unit → its entry for the item, and the entry of a unit without data."""
        label, section, mx = item.label, item.section, item.points
        memo: dict[Any, tuple[Line, str]] = {}  # state → its line and the line's signature
        out: dict[int, Entry] = {}
        make = Entry._make  # tuple.__new__: a NamedTuple's own __new__ is a Python function

        def remember(key: Any, line: Line) -> tuple[Line, str]:
            memo[key] = (line, line_sig(line, section, mx, item.id))
            return memo[key]

        if item.method == Method.COMPLETION:
            for state in (True, False):
                remember(state, scoring.completion(label, mx, accepted=True, on_time=state, late_fraction=self.late))
            for unit_id, (report_id, on_time) in self.facts.done.get(item.task_id or 0, {}).items():
                line, sig = memo[on_time]
                out[unit_id] = make((line, section, mx, item.id, report_id, None, None, f"{sig}|{report_id}"))
            none = scoring.completion(label, mx, accepted=False, on_time=False)
        elif item.method == Method.INDICATOR:
            def line_for(value: Decimal | None, baseline: Decimal | None) -> Line:
                if item.target is None:
                    return Line(label, ZERO, "未设定考核指标：0 分")
                return scoring.indicator(
                    label, mx, cmp=item.cmp, target=item.target, value=value,  # type: ignore[arg-type]
                    change=item.change, baseline=baseline, bands=item.bands,  # type: ignore[arg-type]
                )

            for unit_id, (value, report_id) in self.facts.values.get(item.target_id or 0, {}).items():
                baseline = item.baselines.get(str(unit_id), item.baseline) if item.change else None
                got = memo.get((value, baseline)) or remember((value, baseline), line_for(tidy(value), baseline))
                out[unit_id] = make((got[0], section, mx, item.id, report_id, None, None, f"{got[1]}|{report_id}"))
            none = line_for(None, None)
        elif item.method == Method.CHECKLIST:
            for unit_id, (grade_id, _, met, _) in self.facts.grades.get(item.id, {}).items():
                got = memo.get(met) or remember(met, scoring.checklist(
                    label, [(name, pts, n in met) for n, (name, pts) in enumerate(item.criteria)]))
                out[unit_id] = make((got[0], section, mx, item.id, None, grade_id, None, f"{got[1]}||{grade_id}"))
            none = scoring.checklist(label, [(name, pts, False) for name, pts in item.criteria])
        else:
            for unit_id, (grade_id, score, _, reason) in self.facts.grades.get(item.id, {}).items():
                if score is None:
                    continue
                key = (score, reason)
                if key not in memo:
                    try:
                        remember(key, scoring.manual(label, mx, tidy(score), reason or "（未写理由）"))
                    except ValueError as exc:
                        raise AssessmentError(f"{exc}：该项分值已调整，请重新评分") from exc
                got = memo[key]
                out[unit_id] = make((got[0], section, mx, item.id, None, grade_id, None, f"{got[1]}||{grade_id}"))
            none = Line(label, ZERO, "尚未评分：0 分")
        return out, entry(none, section, mx, item.id)

    def shared(self, item: ItemSpec, leads: tuple[int, ...], column: tuple[dict[int, Entry], Entry],
               memo: dict[tuple[Decimal, ...], Line]) -> Entry:  # fmt: skip
        """A partner's entry: the coefficient's share of the leads' points (their mean)."""
        got, none = column
        points = tuple(got.get(lead, none).line.points for lead in leads)
        line = memo.get(points)
        if line is None:
            if not points:
                line = Line(item.label, ZERO, "无牵头单位得分可分享：0 分")
            else:
                mean = tidy((sum(points, ZERO) / len(points)).quantize(CENT))
                line = scoring.partner_share(Line(item.label, mean, ""), self.coefficient)
            memo[points] = line
        mx = (item.points * self.coefficient).quantize(CENT)
        return entry(line, item.section, mx, item.id, extra={"leads": list(leads)})


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
                out.append((scoring.per_incident(rule.item, match, count),
                            {"rule": rule_id, "incidents": count_ids[(rid, level)]}))
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
        (replace(ln, reason=f"{detail}；{ln.reason}" + (f"（加分合计上限 {cap:g} 分）" if "上限" in ln.reason else "")),
         {"bonus": bonus_id, "incidents": ids[bonus_id]})
        for ln, (detail, bonus_id) in zip(lines, details, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# The computation


@dataclass(frozen=True)
class Layout:
    """What a list of (item, leads) needs, worked out once for all the units that share it
    (every district shares one): each step's column and section, the sections touched and
    their maxima."""

    steps: list[tuple[dict[int, Entry], Entry, int, ItemSpec, tuple[int, ...] | None]]
    touched: list[int]
    maxima: list[Decimal]


def _layout(
    pairs: Sequence[tuple[ItemSpec, tuple[int, ...] | None]], section_of: Mapping[int, int], sections: int,
    columns: Mapping[int, tuple[dict[int, Entry], Entry]], coefficient: Decimal,
) -> Layout:
    maxima = [ZERO] * sections
    touched: dict[int, None] = {}
    steps = []
    for item, leads in pairs:
        n = section_of[item.id]
        touched[n] = None
        maxima[n] += item.points if leads is None else (item.points * coefficient).quantize(CENT)
        got, none = columns[item.id]
        steps.append((got, none, n, item, leads))
    return Layout(steps, list(touched), maxima)


def _light(name: str, total: Decimal, vetoed: str | None) -> Score:
    """A Score of one line holding the total: scoring.rank and Grades ask for the total several
    times per unit, and a full Score sums its lines on every call."""
    return Score(name, (Line("合计", total, ""),), vetoed=vetoed)


def compute(
    scheme: Scheme, as_of: dt.date, *, assessment: Assessment | None = None, only_units: set[int] | None = None
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
    facts = gather(scheme, assessment, items, plan_ids, as_of, needed)
    scorer = Scorer(scheme, facts)
    columns = {item.id: scorer.column(item) for item in items}
    share_memo: dict[int, dict[tuple[Decimal, ...], Line]] = defaultdict(dict)
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
            layout = layouts[id(pairs)] = _layout(pairs, section_of, len(section_names), columns, scorer.coefficient)
        entries: list[Entry] = []
        points = [ZERO] * len(section_names)
        for got, none, n, item, leads in layout.steps:
            e = got.get(unit_id, none) if leads is None else scorer.shared(item, leads, (got, none),
                                                                           share_memo[item.id])  # fmt: skip
            entries.append(e)
            points[n] += e.line.points
        sections = {section_names[n]: (points[n], layout.maxima[n]) for n in layout.touched}
        item_points = sum((v[0] for v in sections.values()), ZERO)
        incidents = facts.incidents.get(unit_id, [])
        deductions = bonus = ZERO
        for line, extra in _deduction_lines(rules, incidents):
            entries.append(entry(line, "负面清单", None, None, extra=extra))
            deductions += line.points
        for line, extra in _bonus_lines(bonuses, scheme.bonus_cap, incidents):
            entries.append(entry(line, "加分项", None, None, extra=extra))
            bonus += line.points
        vetoed = None
        for inc in incidents:
            if inc["kind"] == IncidentKind.VETO and inc["veto_id"] in vetoes:
                name = vetoes[inc["veto_id"]].name
                vetoed = vetoed or name
                why = f"一票否决：{inc['note']}" if inc["note"] else "一票否决：总分计 0 分，等次为最低等次"
                entries.append(entry(Line(name, ZERO, why, "veto"), "一票否决", None, None,
                                     extra={"veto": inc["veto_id"], "incidents": [inc["pk"]]}))
        score = Score(names[unit_id], tuple(e.line for e in entries), vetoed=vetoed)
        # What Score.total gives (never below 0, 0 when vetoed), without summing the lines again.
        total = ZERO if vetoed else max(ZERO, item_points + deductions + bonus)
        max_points = sum((v[1] for v in sections.values()), ZERO)
        outcomes.append(Outcome(
            unit_id, names[unit_id], entries, score, total, max_points, item_points, deductions, bonus,
            [{"section": s, "points": f"{v[0]:.2f}", "max": f"{v[1]:.2f}"} for s, v in sections.items()],
            grade=grade_of(_light(names[unit_id], total, vetoed), max_points, bands, scheme.lowest_grade),
        ))  # fmt: skip
    if only_units is None:
        by_name = {o.unit_name: o for o in outcomes}
        for place, s in scoring.rank([_light(o.unit_name, o.total, o.score.vetoed) for o in outcomes]):
            by_name[s.unit].rank = place
        outcomes.sort(key=lambda o: (o.rank, o.unit_name))
    return outcomes


def grade_of(score: Score, max_points: Decimal, bands: Sequence[tuple[Decimal, str]], lowest: str) -> str:
    """The grade for the share of the unit's maximum: bands are percentages of it."""
    if max_points <= 0:
        return lowest
    return scoring.Grades(tuple((share * max_points / 100, name) for share, name in bands), lowest).grade(score)


# ---------------------------------------------------------------------------------------------
# Storing


RESULT_FIELDS = ["total", "max_points", "item_points", "deductions", "bonus", "vetoed", "sections", "grade", "rank",
                 "previous_total", "previous_rank", "computed_at", "digest"]  # fmt: skip
COMPARED = RESULT_FIELDS[:-2]
LINE_FIELDS = ["result", "order", "section", "label", "kind", "points", "max_points", "reason", "item_ref",
               "report_ref", "grade_ref", "source"]  # fmt: skip


def previous_of(assessment: Assessment) -> Assessment | None:
    """The closed or published assessment of the latest earlier period of the same plan (any version)."""
    scheme = assessment.scheme
    return (
        Assessment.objects.filter(
            scheme__plan__series=scheme.plan.series, scheme__period_end__lt=scheme.period_start,
            status__in=[AssessmentStatus.CLOSED, AssessmentStatus.PUBLISHED],
        ).exclude(pk=assessment.pk).order_by("-scheme__period_end", "-id").first()
    )  # fmt: skip


def digest(entries: Sequence[Entry]) -> str:
    """What the lines say, hashed: equal digests, equal lines."""
    return hashlib.blake2b("\x1f".join([e.sig for e in entries]).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Stored:
    results_written: int
    lines_written: int


def store(assessment: Assessment, outcomes: Sequence[Outcome], *, at: dt.datetime, partial: bool = False) -> Stored:
    """Write the outcomes as the assessment's results and lines.

    Results are kept row for row (an appeal points at its result) and written only where they
    changed; the lines of a unit are rewritten only when they changed (its digest), so recomputing
    after a few grades or incidents writes a few units' lines, not every unit's.

    partial: only these units' results are replaced; the others keep theirs."""
    with paused_gc():
        return _store(assessment, outcomes, at, partial)


def _store(assessment: Assessment, outcomes: Sequence[Outcome], at: dt.datetime, partial: bool) -> Stored:
    previous: dict[int, tuple[Decimal, int]] = {}
    if assessment.previous_id:
        previous = {u: (t, r) for u, t, r in Result.objects.filter(assessment_id=assessment.previous_id)
                    .values_list("unit_id", "total", "rank")}  # fmt: skip
    existing = {row[0]: row[1:] for row in Result.objects.filter(assessment=assessment).values_list(
        "unit_id", "pk", "digest", *COMPARED)}  # fmt: skip
    rows: list[Result] = []
    moved: list[tuple[int, int]] = []
    rewrite: list[Outcome] = []
    rank_at = COMPARED.index("rank")
    for o in outcomes:
        o.previous_total, o.previous_rank = previous.get(o.unit_id, (None, None))
        d = digest(o.entries)
        values = (o.total, o.max_points, o.item_points, o.deductions, o.bonus, o.score.vetoed or "", o.sections,
                  o.grade, o.rank, o.previous_total, o.previous_rank)  # fmt: skip
        old = existing.get(o.unit_id)
        if old is None or old[1] != d:
            rewrite.append(o)
        elif tuple(old[2:]) == values:
            continue  # unchanged
        elif all(a == b for n, (a, b) in enumerate(zip(old[2:], values, strict=True)) if n != rank_at):
            # Only moved in the ranking (another unit's score changed): an UPDATE of the rank, not
            # a rewrite of the whole row.
            moved.append((old[0], o.rank))
            continue
        rows.append(Result(assessment=assessment, unit_id=o.unit_id, computed_at=at, digest=d,
                           **dict(zip(COMPARED, values, strict=True))))  # fmt: skip
    set_ranks(moved, at)
    if not partial:
        kept = {o.unit_id for o in outcomes}
        gone = [old[0] for unit_id, old in existing.items() if unit_id not in kept]
        if gone:
            if Result.objects.filter(pk__in=gone, appeals__isnull=False).exists():
                raise AssessmentError("有单位不再属于考核对象，但其考核结果有申诉记录：请先处理申诉或恢复考核对象")
            ResultLine.objects.filter(result_id__in=gone).delete()
            Result.objects.filter(pk__in=gone).delete()
    # One statement a batch: new units are inserted, the others updated in place (by the unique
    # assessment + unit), so appeals keep pointing at their result.
    Result.objects.bulk_create(rows, update_conflicts=True, unique_fields=["assessment", "unit"],
                               update_fields=RESULT_FIELDS, batch_size=500)  # fmt: skip
    ids = {unit_id: old[0] for unit_id, old in existing.items()}
    ids.update({r.unit_id: r.pk for r in rows if r.pk is not None})
    if any(o.unit_id not in ids for o in rewrite):  # a database that does not return ids from an upsert
        ids = dict(Result.objects.filter(assessment=assessment).values_list("unit_id", "pk"))
    stale = [ids[o.unit_id] for o in rewrite if o.unit_id in existing]
    if stale and len(stale) == len(existing) and not partial:
        ResultLine.objects.filter(result__assessment=assessment).delete()
    else:
        for n in range(0, len(stale), 500):
            ResultLine.objects.filter(result_id__in=stale[n:n + 500]).delete()
    insert_rows(ResultLine, LINE_FIELDS, (
        (ids[o.unit_id], n, e.section[:200], e.line.item[:300], e.line.kind, e.line.points, e.max_points,
         e.line.reason, e.item_id, e.report_id, e.grade_id, None if e.extra is None else json.dumps(e.extra))
        for o in rewrite for n, e in enumerate(o.entries)
    ))  # fmt: skip
    return Stored(len(rows) + len(moved), sum(len(o.entries) for o in rewrite))


def rerank(assessment: Assessment) -> None:
    """Ranks again from the stored totals (after one unit's result changed)."""
    rows = list(Result.objects.filter(assessment=assessment).values_list("pk", "unit__name", "total", "vetoed",
                                                                            "rank"))  # fmt: skip
    places = {s.unit: place for place, s in scoring.rank([_light(name, total, vetoed or None)
                                                          for _, name, total, vetoed, _ in rows])}  # fmt: skip
    set_ranks([(pk, places[name]) for pk, name, _, _, rank in rows if places[name] != rank], None)


def set_ranks(ranks: Sequence[tuple[int, int]], at: dt.datetime | None) -> None:
    """Give results (by id) their new rank: one UPDATE by primary key each, sent together
    (executemany). Why not bulk_update: one unit's new score can move a thousand others by a
    place, and building bulk_update's CASE expression costs more than the computation."""
    if not ranks:
        return
    connection = connections[router.db_for_write(Result)]
    quote = connection.ops.quote_name
    table, rank, pk = quote(Result._meta.db_table), quote("rank"), quote("id")
    with connection.cursor() as cursor:
        if at is None:
            cursor.executemany(f"UPDATE {table} SET {rank} = %s WHERE {pk} = %s", [(r, i) for i, r in ranks])
        else:
            when = connection.ops.adapt_datetimefield_value(at)
            cursor.executemany(f"UPDATE {table} SET {rank} = %s, {quote('computed_at')} = %s WHERE {pk} = %s",
                               [(r, when, i) for i, r in ranks])  # fmt: skip


def _column(f: Any) -> str:
    assert isinstance(f, Field) and f.column, f
    return f.column


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert many rows of values already as the database takes them, in one round trip per
    few thousand (PostgreSQL: COPY). Why not bulk_create: a full computation writes a line for
    every unit and item (300,000 at 3,000 units × 100 items), and building a model instance for
    each costs more than the whole computation. The columns come from the model's own fields.
    `rows` must not use the database while it is iterated (COPY holds the connection)."""
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(opts.get_field(f))) for f in fields)
    table = quote(opts.db_table)
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
