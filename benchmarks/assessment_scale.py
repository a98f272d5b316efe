"""Recomputing an assessment at province scale, as figures to read (not a pass/fail test).

A fresh database with 3,000 district units and a plan of 100 tasks in 10 sections, every district
named on every task as an implementing unit (300,000 responsibilities), quarterly reporting
periods for 2025 and a year of reports: one accepted task report per task, district and quarter
(1,200,000), with a figure for each of the 25 tasks that carry a target. The scheme scores every
district on every item (DISTRICTS): 60 items by completion (in Q4 85 % of districts report 已完成
on time, 5 % late, the rest are still in progress), 25 by indicator (proportional, or in bands),
10 by hand and 5 by a checklist, each graded for every district (45,000 grades); the negative list
has a per-incident rule with levels and a threshold with steps and a cap, plus a veto and two
bonus items, with incidents for about a tenth of the districts. Data is written directly
(bulk_create, and plain INSERT / COPY for the reports), not through the tracking actions.

Timed: do_run_assessment(scheme, as_of) making 3,000 results and about 300,000 lines — the first
run (every result and line written), recomputations with nothing changed, after ten grades changed
(those units' lines rewritten, the others moved in the ranking), after an item's points changed
(the block of ten lines holding it rewritten for every unit) and after every item's points changed
(every line rewritten). Goal: under 2 s. Also an appeal's recomputation of one unit (compute,
store, rerank).

Done on SQLite (a new file in a temporary folder) and, with --database-url or DATABASE_URL
(postgres://…, a role allowed to CREATE DATABASE), on a new PostgreSQL database made beside the
given one and dropped afterwards. Each database is measured in a child process of its own.

usage: python benchmarks/assessment_scale.py [--quick] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import secrets
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from scratch_db import drop_postgres, fresh_postgres, run_child

REPO = Path(__file__).resolve().parents[1]
GOAL_S = 2.0
FULL = {"units": 3000, "tasks": 100}
QUICK = {"units": 300, "tasks": 50}
YEAR = 2025

# ------------------------------------------------------------------------------------------------ child


def child(args: argparse.Namespace) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "duban.web.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    figures: dict[str, Any] = {"database": connection.vendor}
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    scheme_id, counts = generate(args.units, args.tasks)
    figures["generate_s"] = time.perf_counter() - started
    figures["counts"] = counts
    figures.update(measure(scheme_id))
    Path(args.out).write_text(json.dumps(figures, ensure_ascii=False), "utf-8")
    return 0


def generate(n_units: int, n_tasks: int) -> tuple[int, dict[str, int]]:
    from django.db import connection, transaction

    from duban import clock
    from duban.accounts.models import User
    from duban.assessment.actions.items import do_update_item
    from duban.assessment.actions.negative_list import do_add_bonus, do_add_veto
    from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan
    from duban.assessment.models import Assessed, Assessment, Incident, ManualGrade, Method
    from duban.assessment.storage import insert_values
    from duban.plans.models import Deduction, Plan, Responsibility, Section, Target, Task
    from duban.tracking.models import IndicatorValue, ProgressReport, ReportingPeriod, period_specs
    from duban.units.models import Kind, Unit

    rng = random.Random(20250101)
    ops = connection.ops
    tz = dt.timezone(dt.timedelta(hours=8))

    def stamp(d: dt.date, hour: int = 10) -> Any:
        return ops.adapt_datetimefield_value(dt.datetime(d.year, d.month, d.day, hour, tzinfo=tz))

    clock.freeze(dt.datetime(YEAR + 1, 1, 20, 9, tzinfo=tz))
    batch = 2000
    with transaction.atomic():
        manager = User.objects.create_user(
            "bench-manager", password=secrets.token_urlsafe(12), role="manager"
        )
        units = Unit.objects.bulk_create([Unit(name=f"第{i + 1:04d}区", kind=Kind.DISTRICT) for i in range(n_units)],
                                         batch_size=batch)  # fmt: skip
        unit_ids = [u.pk for u in units]
        plan = Plan.objects.create(title="平安建设考核基准方案", created_at=clock.now(), total_points=None)
        plan.managers.add(manager)
        sections = [Section.objects.create(plan=plan, title=f"第{s + 1}部分", order=s) for s in range(10)]
        tasks = Task.objects.bulk_create([
            Task(plan=plan, section=sections[t * 10 // n_tasks], number=str(t + 1), title=f"任务{t + 1}",
                 points=Decimal(5 + t % 11), order=t,
                 deadline=dt.date(YEAR, 12, 31) if t % 4 == 0 else None)
            for t in range(n_tasks)
        ])  # fmt: skip
        Responsibility.objects.bulk_create(
            [Responsibility(task=t, unit_id=u, role="implementer", order=0) for t in tasks for u in unit_ids],
            batch_size=batch,
        )
        n_indicator = n_tasks // 4
        methods = ([Method.COMPLETION] * (n_tasks * 60 // 100) + [Method.INDICATOR] * n_indicator
                   + [Method.MANUAL] * (n_tasks // 10))  # fmt: skip
        methods += [Method.CHECKLIST] * (n_tasks - len(methods))
        indicator_tasks = [t for t, m in zip(tasks, methods, strict=True) if m == Method.INDICATOR]
        targets = Target.objects.bulk_create([
            Target(task=t, metric="覆盖率", cmp=">=", value=Decimal(90), unit="%") for t in indicator_tasks
        ])  # fmt: skip
        Deduction.objects.create(
            plan=plan,
            number="1",
            item="重大安全事故",
            order=0,
            rules=[
                {"level": "特别重大", "points": -30, "per": "件"},
                {"level": "重大", "points": -10, "per": "件"},
            ],
        )
        Deduction.objects.create(
            plan=plan,
            number="2",
            item="万人命案发案率",
            order=1,
            rules=[{"threshold": ">0.6", "points": -20, "step": 0.1, "step_points": -10, "cap": -50}],
        )
        periods = ReportingPeriod.objects.bulk_create([
            ReportingPeriod(plan=plan, name=s.name, start=s.start, end=s.end, due=s.due)
            for s in period_specs(YEAR, "quarterly", 10)
        ])  # fmt: skip
        columns = ["task", "period", "unit", "kind", "status", "progress", "reason", "percent", "narrative",
                   "version", "lock_version", "returned_count", "created_at", "updated_at", "submitted_at",
                   "reviewed_at", "accepted_at", "review_comment"]  # fmt: skip

        def rows() -> Any:
            for q, period in enumerate(periods):
                last = q == len(periods) - 1
                for t in tasks:
                    for u in unit_ids:
                        r = rng.random()
                        done = last and r < 0.9
                        submitted = (
                            period.due - dt.timedelta(days=3)
                            if not (last and 0.85 <= r < 0.9)
                            else period.due + dt.timedelta(days=2)
                        )
                        s, a = stamp(submitted), stamp(submitted + dt.timedelta(days=2))
                        yield (
                            t.pk,
                            period.pk,
                            u,
                            "report",
                            "accepted",
                            "done" if done else "in_progress",
                            "",
                            100 if done else 25 * (q + 1),
                            "按计划推进。",
                            1,
                            1,
                            0,
                            s,
                            a,
                            s,
                            a,
                            a,
                            "",
                        )

        insert_values(ProgressReport, columns, rows())
        # Read before the insert: nothing may use the connection while PostgreSQL's COPY runs.
        reports = list(
            ProgressReport.objects.filter(task__in=indicator_tasks).values_list("pk", "task_id", "period_id")
        )
        by_task = {t.task_id: t for t in targets}
        ends = {p.pk: ops.adapt_datefield_value(p.end) for p in periods}
        insert_values(IndicatorValue, ["report", "target", "value", "unit", "as_of"], (
            (pk, by_task[task_id].pk, ops.adapt_decimalfield_value(Decimal(rng.randint(50, 100)), 16, 6), "%",
             ends[period_id])
            for pk, task_id, period_id in reports
        ))  # fmt: skip
        scheme = do_create_scheme_from_plan(plan, period_label=f"{YEAR}年度", period_start=dt.date(YEAR, 1, 1),
                                            period_end=dt.date(YEAR, 12, 31), assessed=Assessed.DISTRICTS,
                                            bonus_cap=5, acting_user=manager)  # fmt: skip
        items = list(scheme.items.order_by("order"))
        for n, (it, method) in enumerate(zip(items, methods, strict=True)):
            if method == Method.INDICATOR:
                bands = {"bands": [["0.9", "0.8"], ["0.6", "0.5"]]} if n % 2 else {}
                do_update_item(it, method=method, bands=bands, acting_user=manager)
            elif method == Method.CHECKLIST:
                do_update_item(it, method=method, criteria=[{"name": "台账", "points": 2}, {"name": "通报", "points": 2},
                                                            {"name": "总结", "points": 1}], acting_user=manager)  # fmt: skip
            elif method == Method.MANUAL:
                do_update_item(it, method=method, acting_user=manager)
        veto = do_add_veto(scheme, "发生重大群体性事件", acting_user=manager)
        bonuses = [do_add_bonus(scheme, "国家级表彰", 3, cap=4, acting_user=manager),
                   do_add_bonus(scheme, "省级表彰", 2, acting_user=manager)]  # fmt: skip
        do_activate_scheme(scheme, acting_user=manager)
        # The assessment's grades and incidents are entered after a first run; here they are
        # written straight away, against an assessment made for them.
        assessment = Assessment.objects.create(
            scheme=scheme, as_of=dt.date(YEAR + 1, 1, 20), created_at=clock.now()
        )
        at = clock.now()
        grades = []
        for it in items:
            if it.method == Method.MANUAL:
                grades += [ManualGrade(assessment=assessment, item=it, unit_id=u, graded_at=at, reason="材料齐全",
                                       score=Decimal(rng.randint(0, int(it.max_points)))) for u in unit_ids]  # fmt: skip
            elif it.method == Method.CHECKLIST:
                grades += [ManualGrade(assessment=assessment, item=it, unit_id=u, graded_at=at,
                                       met=[i for i in range(3) if rng.random() < 0.7]) for u in unit_ids]  # fmt: skip
        ManualGrade.objects.bulk_create(grades, batch_size=batch)
        rules = {r.item: r for r in scheme.deduction_rules.all()}
        incidents = []
        for u in unit_ids:
            r = rng.random()
            if r < 0.05:
                incidents.append(Incident(assessment=assessment, unit_id=u, kind="deduction", rule=rules["重大安全事故"],
                                          level="重大", count=rng.randint(1, 2), recorded_at=at))  # fmt: skip
            elif r < 0.10:
                incidents.append(Incident(assessment=assessment, unit_id=u, kind="deduction", rule=rules["万人命案发案率"],
                                          rate=Decimal(rng.randint(40, 120)) / 100, recorded_at=at))  # fmt: skip
            elif r < 0.15:
                incidents.append(Incident(assessment=assessment, unit_id=u, kind="bonus", bonus=rng.choice(bonuses),
                                          count=rng.randint(1, 3), recorded_at=at))  # fmt: skip
            elif r < 0.152:
                incidents.append(Incident(assessment=assessment, unit_id=u, kind="veto", veto=veto, recorded_at=at,
                                          note="发生重大群体性事件"))  # fmt: skip
        Incident.objects.bulk_create(incidents, batch_size=batch)
    counts = {
        "units": n_units,
        "tasks": n_tasks,
        "reports": ProgressReport.objects.count(),
        "values": IndicatorValue.objects.count(),
        "grades": len(grades),
        "incidents": len(incidents),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return scheme.pk, counts


def measure(scheme_id: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.db.models import F, Max
    from django.test.utils import CaptureQueriesContext

    from duban import clock
    from duban.accounts.models import User
    from duban.assessment import storage
    from duban.assessment.actions.assessments import do_run_assessment
    from duban.assessment.engine.outcomes import compute
    from duban.assessment.models import Assessment, ManualGrade, Method, Result, ResultLine, Scheme

    scheme = Scheme.objects.get(pk=scheme_id)
    manager = User.objects.get(username="bench-manager")
    as_of = dt.date(YEAR + 1, 1, 20)
    runs: list[dict[str, Any]] = []

    def run(label: str) -> None:
        clock.freeze(clock.now() + dt.timedelta(minutes=1))  # results written by this run: computed_at
        last_line = ResultLine.objects.aggregate(last=Max("pk"))["last"] or 0  # lines written: those after it
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            do_run_assessment(scheme, as_of, acting_user=manager)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        writes = Result.objects.filter(assessment__scheme=scheme, computed_at=clock.now()).count()
        lines = ResultLine.objects.filter(pk__gt=last_line).count()
        runs.append({"label": label, "s": wall, "cpu_s": cpu, "queries": len(queries), "results_written": writes,
                     "lines_written": lines})  # fmt: skip

    run("first run: every result and line written")
    run("recompute, nothing changed")
    run("recompute, nothing changed (again)")
    # Ten districts regraded by hand: their lines (and the ranks around them) change.
    assessment = Assessment.objects.get(scheme=scheme)
    grades = list(
        ManualGrade.objects.filter(assessment=assessment, item__method=Method.MANUAL).order_by("pk")[:10]
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
    out: dict[str, Any] = {"runs": runs}
    out["results"] = Result.objects.filter(assessment=assessment).count()
    out["lines"] = ResultLine.objects.filter(result__assessment=assessment).count()
    # Where the time goes: computing (queries + arithmetic) and storing, apart.
    started = time.perf_counter()
    outcomes = compute(scheme, as_of, assessment=assessment)
    out["compute_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        storage.store(assessment, outcomes, at=clock.now())
    out["store_unchanged_s"] = time.perf_counter() - started
    # An accepted appeal: one unit recomputed, everyone ranked again. Without this process's
    # 300,000 entries still about: the collector would walk them once during the appeal.
    unit_id = outcomes[len(outcomes) // 2].unit_id
    del outcomes
    gc.collect()
    started = time.perf_counter()
    with transaction.atomic():
        one = compute(scheme, as_of, assessment=assessment, only_units={unit_id})
        storage.store(assessment, one, at=clock.now(), partial=True)
        storage.rerank(assessment)
    out["one_unit_s"] = time.perf_counter() - started
    top = (
        Result.objects.filter(assessment=assessment)
        .order_by("rank")
        .values_list("unit__name", "total", "grade")[:3]
    )
    out["top"] = [(u, str(t), g) for u, t, g in top]
    return out


# ----------------------------------------------------------------------------------------------- parent


def run_database(label: str, url: str | None, workdir: Path, scale: dict[str, int]) -> dict[str, Any] | str:
    return run_child(
        __file__,
        label,
        url,
        workdir,
        ["--units", str(scale["units"]), "--tasks", str(scale["tasks"])],
        timeout=3600,
    )


def report(label: str, figures: dict[str, Any] | str) -> bool:
    print(f"\n== {label} ==")
    if isinstance(figures, str):
        print(f"  {figures}")
        return False
    c = figures["counts"]
    print(f"  data: {c['units']:,} districts × {c['tasks']} items, {c['reports']:,} reports, {c['values']:,} "
          f"indicator values, {c['grades']:,} grades, {c['incidents']:,} incidents; generated in "
          f"{figures['generate_s']:.0f} s")  # fmt: skip
    print(f"  results: {figures['results']:,} units, {figures['lines']:,} lines; top {figures['top']}")
    print(f"  {'do_run_assessment':<66}{'wall s':>7}{'cpu s':>7}{'queries':>8}{'results':>8}{'lines':>8}")
    for r in figures["runs"]:
        verdict = "ok" if r["s"] < GOAL_S else "MISSED"
        print(
            f"  {r['label']:<66}{r['s']:7.2f}{r['cpu_s']:7.2f}{r['queries']:8d}{r['results_written']:8d}"
            f"{r['lines_written']:8d}  {verdict} (goal < {GOAL_S:.0f} s)"
        )
    print(
        f"  of which (nothing changed): compute {figures['compute_s']:.2f} s, store {figures['store_unchanged_s']:.2f} s"
    )
    print(f"  one unit (an accepted appeal: compute, store, rank again): {figures['one_unit_s']:.2f} s")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="300 districts × 50 items")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://… also measure PostgreSQL (default: $DATABASE_URL)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--units", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tasks", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    scale = QUICK if args.quick else FULL
    ok = True
    with tempfile.TemporaryDirectory(prefix="duban-assessment-bench-") as tmp:
        workdir = Path(tmp)
        ok &= report("SQLite", run_database("sqlite", None, workdir, scale))
        if args.database_url:
            url, name = fresh_postgres(args.database_url)
            try:
                ok &= report("PostgreSQL", run_database("postgresql", url, workdir, scale))
            finally:
                drop_postgres(args.database_url, name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    sys.exit(main())
