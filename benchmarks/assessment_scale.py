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

Measured for the choice of how results are stored (README, duban.assessment.storage): a unit's
breakdown computed when its page is asked for against read from its stored lines, a run that
would store the results only, and the publication that would then write every line once (both
in transactions rolled back).

Done on SQLite (a new file in a temporary folder) and, with --database-url or DATABASE_URL
(postgres://…, a role allowed to CREATE DATABASE), on a new PostgreSQL database made beside the
given one and dropped afterwards. Each database is measured in a child process of its own.

usage: python benchmarks/assessment_scale.py [--quick] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scratch_db import drop_postgres, fresh_postgres, run_child

REPO = Path(__file__).resolve().parents[1]
GOAL_S = 2.0
FULL = {"units": 3000, "tasks": 100}
QUICK = {"units": 300, "tasks": 50}

# ------------------------------------------------------------------------------------------------ child


def child(args: argparse.Namespace) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "duban.web.settings"
    import django

    django.setup()
    import assessment_scale_child as work  # Django's models: only once it is set up
    from django.core.management import call_command
    from django.db import connection

    figures: dict[str, Any] = {"database": connection.vendor}
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    scheme_id, counts = work.generate(args.units, args.tasks)
    figures["generate_s"] = time.perf_counter() - started
    figures["counts"] = counts
    figures.update(work.measure(scheme_id))
    Path(args.out).write_text(json.dumps(figures, ensure_ascii=False), "utf-8")
    return 0


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
    print(
        f"  data: {c['units']:,} districts × {c['tasks']} items, {c['reports']:,} reports, {c['values']:,} "
        f"indicator values, {c['grades']:,} grades, {c['incidents']:,} incidents; generated in "
        f"{figures['generate_s']:.0f} s"
    )
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
    demand, stored = figures["on_demand"], figures["stored_read"]
    print(
        f"  a unit's breakdown computed on demand: median {demand['median_s']:.3f} s (max {demand['max_s']:.3f}, "
        f"cpu {demand['cpu_median_s']:.3f}); read from its stored lines: median {stored['median_s']:.3f} s"
    )
    only, published = figures["results_only"], figures["publication"]
    print(
        f"  storing results only (compute + every result, no line): {only['s']:.2f} s (cpu {only['cpu_s']:.2f}); "
        f"then publishing (compute + every line once): {published['s']:.2f} s (cpu {published['cpu_s']:.2f})"
    )
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
