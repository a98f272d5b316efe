"""Hostile files: the time and peak memory of each refusal, per upload that parses files.

    .venv/bin/python benchmarks/hostile_files.py

For every maker of tests/hostile/files.py and every use (the plan import, bulk entry, evidence),
what the upload runs in duban.sandbox's child is run here the same way (the same function, the
same limits) through run_measured: the wall time of the refusal, the child's peak resident memory
(its own getrusage, or its /proc status when a limit killed it), and what it answered. This
process plays the web worker: its peak resident memory is reset before each file (Linux's
VmHWM, through /proc/self/clear_refs) and read after, so "worker +MB" is what the refusal cost
the worker itself.

Goal: every refusal within 5 s and 300 MB of the child; the worker unchanged (a few MB: the
file itself). A missed goal is printed as MISSED; the exit status is 0 when every figure was
measured. Figures depend on the machine: run it on an idle one (the project's have 2 cores).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the makers: tests/hostile/files.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.test_settings")  # a temporary data folder

GOAL_SECONDS = 5.0
GOAL_CHILD_MB = 300.0
GOAL_WORKER_MB = 30.0  # the file itself and its copies


def _status_kb(name: str) -> int:
    match = re.search(rf"^{name}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(match[1]) if match else 0


def _uses() -> dict[str, Callable[[str, bytes], tuple[Any, Any]]]:
    """Each upload's child run, measured: (answer or exception, Usage)."""
    import django

    django.setup()
    from duban import evidence
    from duban.extract import LimitError
    from duban.extract.read import kind_of
    from duban.office.containers import inspect_file
    from duban.plans import reading
    from duban.plans.actions import check_upload
    from duban.sandbox import run_measured
    from duban.tracking.bulk import reading as bulk
    from duban.tracking.bulk.sheet import HEADER_ROW, MAX_ROWS, META_SHEET, SHEET
    from duban.tracking.bulk.workbook import read_workbook

    def plan_import(name: str, data: bytes) -> tuple[Any, Any]:
        try:
            check_upload(name, len(data))  # type and size, before anything reads the file
            kind = kind_of(data, filename=name)
        except Exception as exc:  # refused by its name or bytes before any child
            return exc, None
        value, usage = run_measured(reading.read_document, name, data, kind=kind, limits=reading.LIMITS)
        if isinstance(value, LimitError):  # as the import page and the API word it
            value = reading.DocumentRefused(reading.limit_message(name, value))
        return value, usage

    def bulk_entry(name: str, data: bytes) -> tuple[Any, Any]:
        return run_measured(
            read_workbook,
            data,
            sheet=SHEET,
            meta_sheet=META_SHEET,
            header_row=HEADER_ROW,
            max_rows=MAX_ROWS,
            max_columns=bulk.MAX_COLUMNS,
            unpacked_mb=bulk.UNPACKED_MB,
            limits=bulk.LIMITS,
        )

    def evidence_check(name: str, data: bytes) -> tuple[Any, Any]:
        kind = evidence._KIND.get(Path(name).suffix.lower())
        if kind is None:
            return "refused by its type (no child)", None
        return run_measured(
            inspect_file, name, data, kind=kind, caps=evidence.CONTAINER_LIMITS, limits=evidence.LIMITS
        )

    return {"import": plan_import, "bulk entry": bulk_entry, "evidence": evidence_check}


def _answer(value: Any) -> str:
    if isinstance(value, BaseException):
        text = getattr(value, "reason", None) or str(value)
        return f"refused: {' '.join(text.split())[:70]}"
    if isinstance(value, str):
        return value
    return {
        "Plan": "read (a plan, or no tasks: refused after)",
        "Workbook": "read (then checked as our template)",
        "NoneType": "accepted: kept, never parsed",
    }.get(type(value).__name__, "accepted")


def main() -> int:
    from hostile.files import MAKERS

    uses = _uses()
    worker_start = _status_kb("VmRSS")
    missed: list[str] = []
    print(f"{'file':26} {'size':>8}  {'use':10} {'seconds':>7} {'child MB':>8} {'worker +MB':>10}  answer")
    for maker, make in MAKERS.items():
        name, data = make()
        for use, run in uses.items():
            Path("/proc/self/clear_refs").write_text("5")
            before = _status_kb("VmRSS")
            value, usage = run(name, data)
            worker = (_status_kb("VmHWM") - before) / 1024
            seconds = f"{usage.wall_seconds:7.2f}" if usage else "      -"
            child = f"{usage.peak_mb:8.0f}" if usage else "       -"
            print(
                f"{maker:26} {len(data) / 1024:7.0f}K  {use:10} {seconds} {child} {worker:10.1f}  {_answer(value)}"
            )
            if usage and (usage.wall_seconds > GOAL_SECONDS or usage.peak_mb > GOAL_CHILD_MB):
                missed.append(f"{maker} ({use})")
            if worker > GOAL_WORKER_MB:
                missed.append(f"{maker} ({use}): the worker grew by {worker:.0f} MB")
    print(f"\nworker resident before {worker_start / 1024:.0f} MB, after {_status_kb('VmRSS') / 1024:.0f} MB")
    print(
        f"goal: every refusal within {GOAL_SECONDS:g} s and {GOAL_CHILD_MB:g} MB of the child, the worker unchanged"
    )
    print("MISSED: " + "; ".join(missed) if missed else "every figure within its goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
