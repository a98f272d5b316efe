"""The child process of benchmarks/assessment_scale.py: the province-scale data written straight to
a fresh database, then the measurements. Imports Django's models at the top: import it only once
Django is set up (assessment_scale.child does).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import secrets
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max
from django.test.utils import CaptureQueriesContext

from duban import clock
from duban.accounts.models import User
from duban.assessment import queries, storage
from duban.assessment.actions.assessments import do_run_assessment
from duban.assessment.actions.items import do_update_item
from duban.assessment.actions.negative_list import do_add_bonus, do_add_veto
from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan
from duban.assessment.engine.entries import paused_gc
from duban.assessment.engine.outcomes import Outcome, compute
from duban.assessment.models import (
    Assessed,
    Assessment,
    BonusItem,
    Incident,
    LineText,
    ManualGrade,
    Method,
    Result,
    ResultLine,
    Scheme,
    VetoItem,
)
from duban.plans.models import Deduction, Plan, Responsibility, Section, Target, Task
from duban.tracking.models import IndicatorValue, ProgressReport, ReportingPeriod, period_specs
from duban.units.models import Kind, Unit

YEAR = 2025
AS_OF = dt.date(YEAR + 1, 1, 20)
TZ = dt.timezone(dt.timedelta(hours=8))
BATCH = 2000
CRITERIA = [{"name": "台账", "points": 2}, {"name": "通报", "points": 2}, {"name": "总结", "points": 1}]
# A report's columns: what varies, its times, and what every report of the year shares.
REPORT_WHAT = ["task", "period", "unit", "progress", "percent"]
REPORT_WHEN = ["created_at", "updated_at", "submitted_at", "reviewed_at", "accepted_at"]
REPORT_SAME = {
    "kind": "report",
    "status": "accepted",
    "reason": "",
    "narrative": "按计划推进。",
    "version": 1,
    "lock_version": 1,
    "returned_count": 0,
    "review_comment": "",
}


# ─── the data ─────────────────────────────────────────────────────────────────────────────────


def generate(n_units: int, n_tasks: int) -> tuple[int, dict[str, int]]:
    """3,000 districts on every task of a plan, a year of accepted reports, a scheme scoring
    every district on every item, its grades and incidents (the module docstring of
    assessment_scale.py). Returns the scheme and what was made."""
    rng = random.Random(20250101)
    clock.freeze(dt.datetime(YEAR + 1, 1, 20, 9, tzinfo=TZ))
    with transaction.atomic():
        manager = User.objects.create_user(
            "bench-manager", password=secrets.token_urlsafe(12), role="manager"
        )
        districts = Unit.objects.bulk_create(
            [Unit(name=f"第{i + 1:04d}区", kind=Kind.DISTRICT) for i in range(n_units)], batch_size=BATCH
        )
        unit_ids = [u.pk for u in districts]
        plan, tasks = _plan(manager, n_tasks, unit_ids)
        methods = _methods(n_tasks)
        indicator_tasks = [t for t, m in zip(tasks, methods, strict=True) if m == Method.INDICATOR]
        targets = Target.objects.bulk_create(
            [Target(task=t, metric="覆盖率", cmp=">=", value=Decimal(90), unit="%") for t in indicator_tasks]
        )
        periods = ReportingPeriod.objects.bulk_create(
            [
                ReportingPeriod(plan=plan, name=s.name, start=s.start, end=s.end, due=s.due)
                for s in period_specs(YEAR, "quarterly", 10)
            ]
        )
        columns = [*REPORT_WHAT, *REPORT_WHEN, *REPORT_SAME]
        storage.insert_values(ProgressReport, columns, _report_rows(periods, tasks, unit_ids, rng))
        _indicator_values(indicator_tasks, targets, periods, rng)
        scheme = _scheme(plan, manager, methods)
        # The assessment's grades and incidents are entered after a first run; here they are
        # written straight away, against an assessment made for them.
        assessment = Assessment.objects.create(scheme=scheme, as_of=AS_OF, created_at=clock.now())
        grades = _grades(assessment, scheme, unit_ids, rng)
        incidents = _incidents(assessment, scheme, unit_ids, rng)
    counts = {
        "units": n_units,
        "tasks": n_tasks,
        "reports": ProgressReport.objects.count(),
        "values": IndicatorValue.objects.count(),
        "grades": grades,
        "incidents": incidents,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return scheme.pk, counts


def _plan(manager: User, n_tasks: int, unit_ids: list[int]) -> tuple[Plan, list[Task]]:
    """A plan of n_tasks tasks in 10 sections, every district implementing every task, with a
    negative list of a per-incident rule by level and a rate threshold."""
    plan = Plan.objects.create(title="平安建设考核基准方案", created_at=clock.now(), total_points=None)
    plan.managers.add(manager)
    sections = [Section.objects.create(plan=plan, title=f"第{s + 1}部分", order=s) for s in range(10)]
    tasks = Task.objects.bulk_create(
        [
            Task(
                plan=plan,
                section=sections[t * 10 // n_tasks],
                number=str(t + 1),
                title=f"任务{t + 1}",
                points=Decimal(5 + t % 11),
                order=t,
                deadline=dt.date(YEAR, 12, 31) if t % 4 == 0 else None,
            )
            for t in range(n_tasks)
        ]
    )
    Responsibility.objects.bulk_create(
        [Responsibility(task=t, unit_id=u, role="implementer", order=0) for t in tasks for u in unit_ids],
        batch_size=BATCH,
    )
    by_level = [
        {"level": "特别重大", "points": -30, "per": "件"},
        {"level": "重大", "points": -10, "per": "件"},
    ]
    rate = [{"threshold": ">0.6", "points": -20, "step": 0.1, "step_points": -10, "cap": -50}]
    Deduction.objects.create(plan=plan, number="1", item="重大安全事故", order=0, rules=by_level)
    Deduction.objects.create(plan=plan, number="2", item="万人命案发案率", order=1, rules=rate)
    return plan, tasks


def _methods(n_tasks: int) -> list[str]:
    """60 % by completion, 25 % by indicator, 10 % by hand, the rest by a checklist."""
    methods = [Method.COMPLETION] * (n_tasks * 60 // 100) + [Method.INDICATOR] * (n_tasks // 4)
    methods += [Method.MANUAL] * (n_tasks // 10)
    return methods + [Method.CHECKLIST] * (n_tasks - len(methods))


def _stamp(d: dt.date) -> Any:
    return connection.ops.adapt_datetimefield_value(dt.datetime(d.year, d.month, d.day, 10, tzinfo=TZ))


def _report_rows(
    periods: Sequence[ReportingPeriod], tasks: Sequence[Task], unit_ids: Sequence[int], rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    """An accepted report per task, district and quarter: in Q4 85 % 已完成 on time, 5 % late, the
    rest still in progress."""
    same = tuple(REPORT_SAME.values())
    for q, period in enumerate(periods):
        last = q == len(periods) - 1
        for t in tasks:
            for u in unit_ids:
                r = rng.random()
                done = last and r < 0.9
                late = last and 0.85 <= r < 0.9
                submitted = period.due + dt.timedelta(days=2) if late else period.due - dt.timedelta(days=3)
                s, a = _stamp(submitted), _stamp(submitted + dt.timedelta(days=2))
                progress, percent = ("done", 100) if done else ("in_progress", 25 * (q + 1))
                yield (t.pk, period.pk, u, progress, percent, s, a, s, a, a, *same)


def _indicator_values(
    tasks: Sequence[Task], targets: Sequence[Target], periods: Sequence[ReportingPeriod], rng: random.Random
) -> None:
    """A figure (50–100 %) in every report of a task with a target."""
    ops = connection.ops
    # Read before the insert: nothing may use the connection while PostgreSQL's COPY runs.
    reports = list(ProgressReport.objects.filter(task__in=tasks).values_list("pk", "task_id", "period_id"))
    by_task = {t.task_id: t.pk for t in targets}
    ends = {p.pk: ops.adapt_datefield_value(p.end) for p in periods}

    def value() -> Any:
        return ops.adapt_decimalfield_value(Decimal(rng.randint(50, 100)), 16, 6)

    rows = ((pk, by_task[task_id], value(), "%", ends[period_id]) for pk, task_id, period_id in reports)
    storage.insert_values(IndicatorValue, ["report", "target", "value", "unit", "as_of"], rows)


def _scheme(plan: Plan, manager: User, methods: Sequence[str]) -> Scheme:
    """The scheme scoring every district on every item by the item's method (indicators
    proportional or in bands), with a veto and two bonus items; activated."""
    scheme = do_create_scheme_from_plan(
        plan,
        period_label=f"{YEAR}年度",
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
        assessed=Assessed.DISTRICTS,
        bonus_cap=5,
        acting_user=manager,
    )
    items = list(scheme.items.order_by("order"))
    for n, (it, method) in enumerate(zip(items, methods, strict=True)):
        if method == Method.INDICATOR:
            bands = {"bands": [["0.9", "0.8"], ["0.6", "0.5"]]} if n % 2 else {}
            do_update_item(it, method=method, bands=bands, acting_user=manager)
        elif method == Method.CHECKLIST:
            do_update_item(it, method=method, criteria=CRITERIA, acting_user=manager)
        elif method == Method.MANUAL:
            do_update_item(it, method=method, acting_user=manager)
    do_add_veto(scheme, "发生重大群体性事件", acting_user=manager)
    do_add_bonus(scheme, "国家级表彰", 3, cap=4, acting_user=manager)
    do_add_bonus(scheme, "省级表彰", 2, acting_user=manager)
    do_activate_scheme(scheme, acting_user=manager)
    return scheme


def _grades(assessment: Assessment, scheme: Scheme, unit_ids: Sequence[int], rng: random.Random) -> int:
    """Every district graded on every item by hand (a score) and every checklist (criteria met)."""
    at = clock.now()
    grades = []
    for it in scheme.items.order_by("order"):
        for u in unit_ids if it.method in (Method.MANUAL, Method.CHECKLIST) else ():
            grade = ManualGrade(assessment=assessment, item=it, unit_id=u, graded_at=at)
            if it.method == Method.MANUAL:
                grade.reason, grade.score = "材料齐全", Decimal(rng.randint(0, int(it.max_points)))
            else:
                grade.met = [i for i in range(3) if rng.random() < 0.7]
            grades.append(grade)
    ManualGrade.objects.bulk_create(grades, batch_size=BATCH)
    return len(grades)


def _incidents(assessment: Assessment, scheme: Scheme, unit_ids: Sequence[int], rng: random.Random) -> int:
    """About a tenth of the districts with a deduction (a count or a rate), 5 % with a bonus,
    0.2 % vetoed."""
    rules = {r.item: r for r in scheme.deduction_rules.all()}
    bonuses = list(BonusItem.objects.filter(scheme=scheme).order_by("order"))
    veto = VetoItem.objects.get(scheme=scheme)
    at = clock.now()
    incidents = []
    for u in unit_ids:
        r = rng.random()
        base = {"assessment": assessment, "unit_id": u, "recorded_at": at}
        if r < 0.05:
            count = rng.randint(1, 2)
            incidents.append(
                Incident(**base, kind="deduction", rule=rules["重大安全事故"], level="重大", count=count)
            )
        elif r < 0.10:
            rate = Decimal(rng.randint(40, 120)) / 100
            incidents.append(Incident(**base, kind="deduction", rule=rules["万人命案发案率"], rate=rate))
        elif r < 0.15:
            bonus = rng.choice(bonuses)
            incidents.append(Incident(**base, kind="bonus", bonus=bonus, count=rng.randint(1, 3)))
        elif r < 0.152:
            incidents.append(Incident(**base, kind="veto", veto=veto, note="发生重大群体性事件"))
    Incident.objects.bulk_create(incidents, batch_size=BATCH)
    return len(incidents)


# ─── the measurements ─────────────────────────────────────────────────────────────────────────


def measure(scheme_id: int) -> dict[str, Any]:
    scheme = Scheme.objects.get(pk=scheme_id)
    out: dict[str, Any] = {"runs": _runs(scheme)}
    assessment = Assessment.objects.get(scheme=scheme)
    out["results"] = Result.objects.filter(assessment=assessment).count()
    out["lines"] = ResultLine.objects.filter(result__assessment=assessment).count()
    out.update(_parts(scheme, assessment))
    out.update(_on_demand(scheme, assessment))
    out.update(_publication(scheme, assessment))
    top = (
        Result.objects.filter(assessment=assessment)
        .order_by("rank")
        .values_list("unit__name", "total", "grade")
    )
    out["top"] = [(u, str(t), g) for u, t, g in top[:3]]
    return out


def _runs(scheme: Scheme) -> list[dict[str, Any]]:
    """do_run_assessment: the first run, recomputations with nothing changed, after ten grades
    changed, after an item's points changed, after every item's points changed."""
    manager = User.objects.get(username="bench-manager")
    runs: list[dict[str, Any]] = []

    def run(label: str) -> None:
        clock.freeze(clock.now() + dt.timedelta(minutes=1))  # results written by this run: computed_at
        last_line = ResultLine.objects.aggregate(last=Max("pk"))["last"] or 0  # lines written: those after it
        with CaptureQueriesContext(connection) as queries_made:
            wall, cpu = time.perf_counter(), time.process_time()
            do_run_assessment(scheme, AS_OF, acting_user=manager)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        written = {
            "results_written": Result.objects.filter(
                assessment__scheme=scheme, computed_at=clock.now()
            ).count(),
            "lines_written": ResultLine.objects.filter(pk__gt=last_line).count(),
        }
        runs.append({"label": label, "s": wall, "cpu_s": cpu, "queries": len(queries_made), **written})

    run("first run: every result and line written")
    run("recompute, nothing changed")
    run("recompute, nothing changed (again)")
    # Ten districts regraded by hand: their lines (and the ranks around them) change.
    grades = list(
        ManualGrade.objects.filter(assessment__scheme=scheme, item__method=Method.MANUAL).order_by("pk")[:10]
    )
    for g in grades:
        g.score = Decimal(0) if g.score else Decimal(1)
    ManualGrade.objects.bulk_update(grades, ["score"])
    run("recompute after 10 grades changed")
    # An item's points changed: every district's line for it changes, and with it the block of
    # ten lines that holds it.
    item = scheme.items.filter(method=Method.COMPLETION).order_by("order").first()
    assert item is not None
    item.max_points += 1
    item.save(update_fields=["max_points"])
    run("recompute after an item's points changed: its block rewritten")
    # Every item's points changed: every line changes.
    scheme.items.update(max_points=F("max_points") + 1)
    run("recompute after every item's points changed: every line rewritten")
    return runs


def _timed(work: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _parts(scheme: Scheme, assessment: Assessment) -> dict[str, Any]:
    """Where a recomputation's time goes (computing: queries and arithmetic; storing), and an
    accepted appeal (one unit computed, stored, everyone ranked again)."""
    out: dict[str, Any] = {}
    started = time.perf_counter()
    outcomes = compute(scheme, AS_OF, assessment=assessment)
    out["compute_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        storage.store(assessment, outcomes, at=clock.now())
    out["store_unchanged_s"] = time.perf_counter() - started
    # Without this process's 300,000 entries still about: the collector would walk them once
    # during the appeal.
    unit_id = outcomes[len(outcomes) // 2].unit_id
    del outcomes
    gc.collect()
    started = time.perf_counter()
    with transaction.atomic():
        one = compute(scheme, AS_OF, assessment=assessment, only_units={unit_id})
        storage.store(assessment, one, at=clock.now(), partial=True)
        storage.rerank(assessment)
    out["one_unit_s"] = time.perf_counter() - started
    return out


def _on_demand(scheme: Scheme, assessment: Assessment) -> dict[str, Any]:
    """A unit's breakdown computed when its page is asked for (as it would be before publication
    if lines were stored only then), against reading its stored lines (as the page does now);
    five units across the ranking, five times each."""
    results = list(Result.objects.filter(assessment=assessment).order_by("rank"))
    sample = results[:: max(1, len(results) // 5)][:5]
    computed, read = [], []
    for _ in range(5):
        for r in sample:
            computed.append(
                _timed(lambda r=r: compute(scheme, AS_OF, assessment=assessment, only_units={r.unit_id}))
            )
            read.append(_timed(lambda r=r: [s.lines for s in queries.breakdown(r)]))
    return {"on_demand": _spread(computed), "stored_read": _spread(read)}


def _spread(times: Sequence[tuple[float, float]]) -> dict[str, float]:
    walls = [w for w, _ in times]
    return {
        "median_s": statistics.median(walls),
        "max_s": max(walls),
        "cpu_median_s": statistics.median(c for _, c in times),
    }


def _publication(scheme: Scheme, assessment: Assessment) -> dict[str, Any]:
    """The other way, measured inside transactions rolled back: a run that stores the results
    only (every result row written, no line), and the publication that would then write every
    line once (the lines and texts absent before)."""
    out: dict[str, Any] = {}
    with transaction.atomic():
        wall, cpu = _timed(
            lambda: _store_results_only(assessment, compute(scheme, AS_OF, assessment=assessment))
        )
        out["results_only"] = {"s": wall, "cpu_s": cpu}
        transaction.set_rollback(True)
    with transaction.atomic():
        ResultLine.objects.filter(result__assessment=assessment).delete()
        LineText.objects.filter(assessment=assessment).delete()
        Result.objects.filter(assessment=assessment).update(digest="")
        wall, cpu = _timed(lambda: _store_every_line(assessment, scheme))
        out["publication"] = {"s": wall, "cpu_s": cpu}
        transaction.set_rollback(True)
    return out


def _store_results_only(assessment: Assessment, outcomes: Sequence[Outcome]) -> None:
    """Every result written in place (as storage.store writes a changed result), no line."""
    when = connection.ops.adapt_datetimefield_value(clock.now())
    rows = [
        (assessment.pk, o.unit_id, o.total, o.max_points, o.item_points, o.deductions, o.bonus, o.vetoed or "",
         json.dumps(o.sections), o.grade, o.rank, o.previous_total, o.previous_rank, when, "")
        for o in outcomes
    ]  # fmt: skip # a result's row, in RESULT_FIELDS' order
    fields = ["assessment", "unit", *storage.RESULT_FIELDS]
    conflict = ["assessment", "unit"]
    storage.insert_values(Result, fields, rows, conflict=conflict, update=storage.RESULT_FIELDS)


def _store_every_line(assessment: Assessment, scheme: Scheme) -> None:
    with paused_gc():
        outcomes = compute(scheme, AS_OF, assessment=assessment)
        storage.store(assessment, outcomes, at=clock.now())
        del outcomes
