"""Concurrent report submissions against `duban serve` on PostgreSQL, then a check that every one
was stored exactly once. Figures to read (not a pass/fail test).

1. a new PostgreSQL database (beside --database-url / DATABASE_URL; without either, a throwaway
   cluster via .ci/postgres.sh) with one plan of --tasks tasks, each led by one of --units units
   (one reporter account per unit), a target on every other task, and one reporting period open
   now; each reporter gets a logged-in session made directly in the session table (the password
   hashing of a login is not what is measured);
2. `duban serve` (gunicorn with --workers, by default serve's own 2 × cores + 1, and its reminder
   process) on a free 127.0.0.1 port;
3. every (task, reporting unit) submits its report once through the real HTML form: one POST of
   the report form with action=submit (the draft is saved and submitted in that request), from
   asyncio with at most --concurrency connections open at once, --max-seconds at most;
4. from the database: each submission that got its redirect is stored exactly once (one report,
   version 1, submitted, with the narrative and figures that were sent), none twice, none lost.

It prints submissions per second and the latency percentiles. Goal: 200 submissions/s on the
project's 2-core machine, zero lost. When the report form route does not exist (the tracking pages
are not installed) the same submissions are made by calling tracking.actions from --concurrency
threads against PostgreSQL instead, and the output says so.

One file, over 500 lines, on purpose: a benchmark is run by its path, and its stages run this
same file again as child processes; its parts follow the steps above, in their order.

usage: python benchmarks/report_load.py [--quick] [--tasks N] [--units N] [--concurrency C] [--workers W]
                                        [--max-seconds S] [--mode auto|http|actions] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from importlib import import_module
from pathlib import Path
from typing import Any

from scratch_db import drop_postgres, fresh_postgres

REPO = Path(__file__).resolve().parents[1]
GOAL_PER_SECOND = 200.0
FULL = {"tasks": 2000, "units": 100, "concurrency": 12, "max_seconds": 120}
QUICK = {"tasks": 300, "units": 30, "concurrency": 12, "max_seconds": 30}
REQUEST_TIMEOUT = 30.0
IN_CLUSTER = "DUBAN_REPORT_LOAD_CLUSTER"  # set when this script re-ran itself under .ci/postgres.sh


# ------------------------------------------------------------------------------------------ children
# Each stage that needs Django runs in a child process with the benchmark's own environment.


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "duban.web.settings"
    import django

    django.setup()


def child_setup(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, make the plan, units, reporters and their sessions; the jobs to run, and the mode."""
    _django()
    import datetime as dt
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.db import transaction

    from duban.accounts.models import User
    from duban.clock import now, today
    from duban.plans.models import Plan, Responsibility, Section, Target, Task
    from duban.tracking.models import ReportingPeriod
    from duban.units.models import Unit

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        manager = User.objects.create_user(
            "load-manager", password=None, role="manager", display_name="督查室"
        )
        units = Unit.objects.bulk_create([Unit(name=f"压测第{i + 1}单位") for i in range(args.units)])
        reporters = User.objects.bulk_create(
            [
                User(username=f"load-reporter-{i + 1}", role="reporter", unit=u, password="!unusable")
                for i, u in enumerate(units)
            ]
        )
        plan = Plan.objects.create(
            title="压测：进展报送并发测试方案", created_at=now(), total_points=Decimal(100)
        )
        plan.managers.add(manager)
        section = Section.objects.create(plan=plan, title="一、重点任务", order=0)
        tasks = Task.objects.bulk_create(
            [
                Task(
                    plan=plan,
                    section=section,
                    number=str(i + 1),
                    title=f"压测任务{i + 1}",
                    text=f"第{i + 1}项工作。",
                    order=i,
                )
                for i in range(args.tasks)
            ],
            batch_size=1000,
        )
        Responsibility.objects.bulk_create(
            [
                Responsibility(task=t, unit=units[i % len(units)], role="lead", order=0)
                for i, t in enumerate(tasks)
            ],
            batch_size=1000,
        )
        targets = Target.objects.bulk_create(
            [
                Target(
                    task=t,
                    metric="覆盖率",
                    cmp=">=",
                    value=Decimal(90),
                    unit="%",
                    by_year=today().year,
                    order=0,
                )
                for i, t in enumerate(tasks)
                if i % 2 == 0
            ],
            batch_size=1000,
        )
        day = today()
        period = ReportingPeriod.objects.create(
            plan=plan,
            name="压测报送期",
            start=day - dt.timedelta(days=30),
            end=day + dt.timedelta(days=60),
            due=day + dt.timedelta(days=70),
        )
    target_of = {t.task_id: t.pk for t in targets}
    sessions = {}
    for user in reporters:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        # The backend that finds users (the lockout backend before it only refuses logins).
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[user.pk] = store.session_key
    csrf = secrets.token_hex(16)  # 32 characters: Django takes the cookie's secret itself as the form token
    jobs = []
    for i, task in enumerate(tasks):
        user = reporters[i % len(reporters)]
        token = f"LOAD-{i + 1:06d}-{secrets.token_hex(4)}"
        value = f"{50 + i % 50}.5"
        fields = {
            "progress": "in_progress",
            "reason": "",
            "percent": str(i % 100),
            "lock_version": "",
            "narrative": f"压测报送 {token}：本期完成网格巡查。",
            "action": "submit",
            "csrfmiddlewaretoken": csrf,
        }
        if task.pk in target_of:
            tid = target_of[task.pk]
            fields.update({f"value_{tid}": value, f"unit_{tid}": "", f"as_of_{tid}": ""})
        jobs.append(
            {
                "task": task.pk,
                "period": period.pk,
                "unit": user.unit_id,
                "user": user.pk,
                "token": token,
                "target": target_of.get(task.pk),
                "value": value,
                "percent": i % 100,
                "path": f"/tracking/tasks/{task.pk}/periods/{period.pk}/report/",
                "body": urllib.parse.urlencode(fields),
                "cookie": f"{settings.SESSION_COOKIE_NAME}={sessions[user.pk]}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}",
            }
        )
    mode, why = _mode(args.mode, tasks[0], targets[0].task if targets else tasks[0], jobs)
    return {
        "mode": mode,
        "why": why,
        "jobs": jobs,
        "setup_s": time.perf_counter() - started,
        "counts": {"tasks": len(tasks), "units": len(units), "targets": len(targets)},
    }


def _mode(wanted: str, plain: Any, with_target: Any, jobs: list[dict[str, Any]]) -> tuple[str, str]:
    """http when the report form exists and takes the fields this script posts, else actions."""
    if wanted == "actions":
        return "actions", "asked for with --mode actions"
    from django.http import QueryDict
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("tracking:report_new", args=[plain.pk, jobs[0]["period"]])
        from duban.tracking.forms import ReportForm
    except (NoReverseMatch, ImportError) as exc:
        why = f"the tracking pages have no report form ({type(exc).__name__}: {exc})"
    else:
        assert path == f"/tracking/tasks/{plain.pk}/periods/{jobs[0]['period']}/report/", path
        bad = []
        for task in (plain, with_target):
            job = next(j for j in jobs if j["task"] == task.pk)
            form = ReportForm(QueryDict(job["body"]), targets=list(task.targets.all()))
            if not form.is_valid():
                bad.append(form.errors.as_text())
        if not bad:
            return "http", f"POST {path} (the report form, action=submit)"
        why = f"the report form does not take the fields this script posts: {bad}"
    if wanted == "http":
        raise SystemExit(f"--mode http: {why}")
    return "actions", why


def child_actions(args: argparse.Namespace, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """The same submissions through tracking.actions, from --concurrency threads (one database
    connection each), scheduled by asyncio like the HTTP load."""
    _django()
    from concurrent.futures import ThreadPoolExecutor
    from decimal import Decimal

    from django.db import connections

    from duban.accounts.models import User
    from duban.plans.models import Task
    from duban.tracking.actions.drafts import do_save_draft
    from duban.tracking.actions.report_data import IndicatorInput, ReportData
    from duban.tracking.actions.submissions import do_submit_report
    from duban.tracking.models import ReportingPeriod
    from duban.tracking.transitions import TrackingError

    users = {u.pk: u for u in User.objects.filter(pk__in={j["user"] for j in jobs}).select_related("unit")}
    period = ReportingPeriod.objects.select_related("plan").get(pk=jobs[0]["period"])
    # Each worker thread opens a connection of its own and keeps it (as a gunicorn worker would);
    # they close when this process exits, right after the run.
    connections.close_all()

    def submit(job: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            task = Task.objects.select_related("plan").get(pk=job["task"])
            values = {job["target"]: IndicatorInput(Decimal(job["value"]))} if job["target"] else {}
            data = ReportData(
                progress="in_progress",
                percent=job["percent"],
                values=values,
                narrative=f"压测报送 {job['token']}：本期完成网格巡查。",
            )
            draft = do_save_draft(task, period, data, acting_user=users[job["user"]])
            report = do_submit_report(draft, lock_version=draft.lock_version, acting_user=users[job["user"]])
            return {"ok": True, "report": report.pk, "status": 302, "s": time.perf_counter() - started}
        except TrackingError as exc:
            return {"ok": False, "status": 0, "error": str(exc), "s": time.perf_counter() - started}

    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        return asyncio.run(
            _schedule(jobs, args, lambda job: asyncio.get_running_loop().run_in_executor(pool, submit, job))
        )


def child_verify(jobs: list[dict[str, Any]], results: dict[str, Any]) -> dict[str, Any]:
    """Exactly once: each acknowledged submission is one submitted report holding what was sent."""
    _django()
    from collections import Counter
    from decimal import Decimal

    from duban.audit.models import AuditEvent
    from duban.tracking.models import IndicatorValue, ProgressReport

    period = jobs[0]["period"]
    rows = list(
        ProgressReport.objects.filter(period_id=period).values_list(
            "pk", "task_id", "unit_id", "status", "version", "narrative", "percent"
        )
    )
    per_key = Counter((t, u) for _pk, t, u, *_rest in rows)
    by_key = {
        (t, u): (pk, status, version, narrative, percent)
        for pk, t, u, status, version, narrative, percent in rows
    }
    values = dict(IndicatorValue.objects.filter(report__period_id=period).values_list("report_id", "value"))
    acknowledged = [(j, r) for j, r in zip(jobs, results["outcomes"], strict=False) if r and r.get("ok")]
    attempted = sum(1 for r in results["outcomes"] if r)
    stored_once, lost, wrong, twice = 0, [], [], []
    for job, outcome in acknowledged:
        key = (job["task"], job["unit"])
        if per_key[key] > 1:
            twice.append(job["token"])
            continue
        if key not in by_key:
            lost.append(job["token"])
            continue
        pk, status, version, narrative, percent = by_key[key]
        good = (
            status == "submitted"
            and version == 1
            and job["token"] in narrative
            and percent == job["percent"]
            and (outcome.get("report") in (None, pk))
            and (job["target"] is None or values.get(pk) == Decimal(job["value"]))
        )
        if good:
            stored_once += 1
        else:
            wrong.append(
                f"{job['token']}: {status} v{version} report {pk} (answer named {outcome.get('report')})"
            )
    return {
        "attempted": attempted,
        "acknowledged": len(acknowledged),
        "stored_once": stored_once,
        "lost": lost[:10],
        "lost_n": len(lost),
        "wrong": wrong[:10],
        "wrong_n": len(wrong),
        "twice": twice[:10],
        "twice_n": len(twice),
        "rows": len(rows),
        "extra_rows": len(rows) - len({k for k in per_key}),
        "unacknowledged_stored": sum(
            1
            for j, r in zip(jobs, results["outcomes"], strict=False)
            if r and not r.get("ok") and (j["task"], j["unit"]) in by_key
        ),
        "submit_events": AuditEvent.objects.filter(action="submit_report").count(),
    }


# --------------------------------------------------------------------------------------------- load


async def _schedule(jobs: list[dict[str, Any]], args: argparse.Namespace, run: Any) -> dict[str, Any]:
    """Run the jobs with at most --concurrency in flight; none started after --max-seconds."""
    limit = asyncio.Semaphore(args.concurrency)
    outcomes: list[dict[str, Any] | None] = [None] * len(jobs)
    began = time.perf_counter()
    deadline = began + args.max_seconds

    async def one(i: int) -> None:
        async with limit:
            if time.perf_counter() > deadline:
                return
            try:
                outcomes[i] = await run(jobs[i])
            except Exception as exc:  # a failed request is a figure, not the end of the run
                outcomes[i] = {"ok": False, "status": 0, "error": f"{type(exc).__name__}: {exc}", "s": 0.0}

    await asyncio.wait_for(
        asyncio.gather(*(one(i) for i in range(len(jobs)))), timeout=args.max_seconds + REQUEST_TIMEOUT + 30
    )
    return {"outcomes": outcomes, "wall_s": time.perf_counter() - began}


async def _post(port: int, job: dict[str, Any]) -> dict[str, Any]:
    """One form POST over a new loopback connection (gunicorn's sync workers close each one)."""
    body = job["body"].encode()
    head = (
        f"POST {job['path']} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nCookie: {job['cookie']}\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), REQUEST_TIMEOUT)
    try:
        writer.write(head + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), REQUEST_TIMEOUT)
        await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT)  # the rest, till the server closes
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    seconds = time.perf_counter() - started
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    location = next(
        (v.strip() for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "location"), ""
    )
    report = None
    if status == 302 and location.rstrip("/").split("/")[-2:-1] == ["reports"]:
        report = int(location.rstrip("/").split("/")[-1])
    return {
        "ok": report is not None,
        "status": status,
        "report": report,
        "s": seconds,
        **({} if report else {"error": f"HTTP {status} {location}"}),
    }


def cpu_by_process() -> dict[tuple[int, str], float]:
    """CPU seconds (user + system) so far of every process on the machine, by (pid, command)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = (
                Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            )
        except OSError:
            continue  # ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        out[(int(pid), command)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def cpu_spent(before: dict[tuple[int, str], float], after: dict[tuple[int, str], float]) -> dict[str, float]:
    """CPU seconds spent during the run by the server, the database, this client and the rest of
    the machine (the rest should be near zero: otherwise the figures were measured on a busy machine)."""
    spent = {"duban serve (gunicorn)": 0.0, "PostgreSQL": 0.0, "this client": 0.0, "other processes": 0.0}
    for (pid, command), seconds in after.items():
        delta = seconds - before.get((pid, command), 0.0)
        if "gunicorn" in command or "duban serve" in command or "remind" in command:
            spent["duban serve (gunicorn)"] += delta
        elif command.startswith("postgres") or "/postgres " in command:
            spent["PostgreSQL"] += delta
        elif pid == os.getpid():
            spent["this client"] += delta
        else:
            spent["other processes"] += delta
    return spent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(port: int, server: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                if r.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    return False


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to `duban serve`: it stops gunicorn gracefully and its reminder process."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the session started for it, and nothing else
        server.wait(timeout=10)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


# ------------------------------------------------------------------------------------------- parent


def _child(stage: str, env: dict[str, str], workdir: Path, args: argparse.Namespace) -> None:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        stage,
        "--workdir",
        str(workdir),
        "--tasks",
        str(args.tasks),
        "--units",
        str(args.units),
        "--concurrency",
        str(args.concurrency),
        "--max-seconds",
        str(args.max_seconds),
        "--mode",
        args.mode,
        "--workers",
        str(args.workers),
    ]
    result = subprocess.run(cmd, env=env, cwd=REPO, timeout=1800, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"the {stage} stage failed (exit {result.returncode}); its output is above")


def run(url: str, args: argparse.Namespace) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix="duban-load-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "DJANGO_"))}
        env.update(
            {
                "DATABASE_URL": url,
                "DUBAN_DATA_DIR": str(workdir / "data"),
                "DUBAN_SECRET_KEY": secrets.token_urlsafe(50),
                "DUBAN_DEBUG": "0",
            }
        )
        _child("setup", env, workdir, args)
        setup = json.loads((workdir / "setup.json").read_text("utf-8"))
        jobs = setup["jobs"]
        c = setup["counts"]
        print(
            f"data: 1 plan, {c['tasks']:,} tasks, {c['units']} units with a reporter each, {c['targets']:,} targets; "
            f"made in {setup['setup_s']:.1f} s"
        )
        print(f"mode: {setup['mode']} — {setup['why']}")
        log = workdir / "serve.log"
        if setup["mode"] == "http":
            port = free_port()
            with log.open("wb") as out:
                server = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "duban",
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--workers",
                        str(args.workers),
                    ],
                    env=env,
                    cwd=REPO,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            try:
                if not wait_until_up(port, server, 90):
                    print(
                        f"duban serve did not answer on 127.0.0.1:{port} within 90 s:\n"
                        + log.read_text("utf-8", "replace")[-3000:]
                    )
                    return False
                print(
                    f"duban serve: gunicorn, {args.workers} workers, on 127.0.0.1:{port}; {len(jobs):,} submissions, "
                    f"at most {args.concurrency} connections at once, at most {args.max_seconds} s"
                )
                before = cpu_by_process()
                results = asyncio.run(_schedule(jobs, args, lambda job: _post(port, job)))
                results["cpu_s"] = cpu_spent(before, cpu_by_process())
            finally:
                stop(server)
        else:
            print(
                f"NOT through HTTP: tracking.actions called from {args.concurrency} threads against PostgreSQL"
            )
            _child("actions", env, workdir, args)
            results = json.loads((workdir / "results.json").read_text("utf-8"))
        (workdir / "results.json").write_text(json.dumps(results), "utf-8")
        _child("verify", env, workdir, args)
        verify = json.loads((workdir / "verify.json").read_text("utf-8"))
        errors = (
            [
                line
                for line in log.read_text("utf-8", "replace").splitlines()
                if "Traceback" in line or "Error" in line
            ][-5:]
            if log.exists()
            else []
        )
        return report(setup["mode"], results, verify, errors)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(mode: str, results: dict[str, Any], verify: dict[str, Any], errors: list[str]) -> bool:
    outcomes = [o for o in results["outcomes"] if o]
    ok = [o for o in outcomes if o["ok"]]
    times = [o["s"] * 1000 for o in ok]
    failures: dict[str, int] = {}
    for o in outcomes:
        if not o["ok"]:
            failures[o.get("error", "?")[:120]] = failures.get(o.get("error", "?")[:120], 0) + 1
    rate = len(ok) / results["wall_s"] if results["wall_s"] else 0.0
    via = "HTTP form POSTs to duban serve" if mode == "http" else "tracking.actions in threads (no HTTP)"
    print(f"\n== report submissions, {via} ==")
    print(
        f"  sent {len(outcomes):,} of {len(results['outcomes']):,} in {results['wall_s']:.1f} s; "
        f"acknowledged {len(ok):,}; failed {len(outcomes) - len(ok)}"
    )
    for error, n in sorted(failures.items(), key=lambda kv: -kv[1])[:5]:
        print(f"    {n} × {error}")
    verdict = "ok" if rate >= GOAL_PER_SECOND else "MISSED"
    print(f"  throughput {rate:.1f} submissions/s  {verdict} (goal ≥ {GOAL_PER_SECOND:.0f}/s)")
    print(
        f"  latency ms: p50 {percentile(times, 50):.1f}, p95 {percentile(times, 95):.1f}, "
        f"p99 {percentile(times, 99):.1f}, max {max(times, default=float('nan')):.1f}"
    )
    lost = verify["lost_n"] + verify["wrong_n"] + verify["twice_n"]
    print(
        f"  stored exactly once: {verify['stored_once']:,} of {verify['acknowledged']:,} acknowledged; "
        f"lost {verify['lost_n']}, stored wrong {verify['wrong_n']}, stored twice {verify['twice_n']}  "
        f"{'ok' if lost == 0 else 'MISSED'} (goal: zero lost)"
    )
    print(
        f"  database: {verify['rows']:,} reports for the period ({verify['extra_rows']} beyond one per task), "
        f"{verify['submit_events']:,} submit_report audit events; {verify['unacknowledged_stored']} stored "
        "without an acknowledgement (a failed answer after the commit)"
    )
    for sample in verify["lost"] + verify["wrong"] + verify["twice"]:
        print(f"    {sample}")
    if results.get("cpu_s") and ok:
        cores = os.cpu_count() or 1
        print(
            f"  CPU during the run ({cores} cores × {results['wall_s']:.1f} s = {cores * results['wall_s']:.1f} s): "
            + "; ".join(
                f"{name} {sec:.1f} s ({sec / len(ok) * 1000:.2f} ms a submission)"
                for name, sec in results["cpu_s"].items()
            )
        )
    for line in errors:
        print(f"  serve log: {line}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="300 tasks, 30 units, at most 30 s")
    parser.add_argument("--tasks", type=int, help="tasks, one submission each (default 2000; quick 300)")
    parser.add_argument(
        "--units", type=int, help="reporting units, one reporter each (default 100; quick 30)"
    )
    parser.add_argument("--concurrency", type=int, help="connections open at once (default 12)")
    parser.add_argument(
        "--max-seconds", type=int, help="no submission starts after this (default 120; quick 30)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers (default: duban serve's own, 2 × cores + 1)",
    )
    parser.add_argument(
        "--mode",
        choices=("auto", "http", "actions"),
        default="auto",
        help="http: the report form through duban serve; actions: tracking.actions in threads; "
        "auto: http when the form exists",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://… a role allowed to CREATE DATABASE (default: $DATABASE_URL; "
        "without it a throwaway cluster via .ci/postgres.sh)",
    )
    parser.add_argument("--child", choices=("setup", "actions", "verify"), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    for name in ("tasks", "units", "concurrency", "max_seconds"):
        if getattr(args, name) is None:
            setattr(args, name, scale[name])
    if min(args.tasks, args.units, args.concurrency, args.max_seconds, args.workers) < 1:
        parser.error("--tasks, --units, --concurrency, --workers and --max-seconds must be positive")

    if args.child:
        workdir = Path(args.workdir)
        if args.child == "setup":
            (workdir / "setup.json").write_text(json.dumps(child_setup(args)), "utf-8")
        elif args.child == "actions":
            jobs = json.loads((workdir / "setup.json").read_text("utf-8"))["jobs"]
            (workdir / "results.json").write_text(json.dumps(child_actions(args, jobs)), "utf-8")
        else:
            jobs = json.loads((workdir / "setup.json").read_text("utf-8"))["jobs"]
            results = json.loads((workdir / "results.json").read_text("utf-8"))
            (workdir / "verify.json").write_text(json.dumps(child_verify(jobs, results)), "utf-8")
        return 0

    url = args.database_url
    if not url.startswith(("postgres://", "postgresql://")):
        if os.environ.get(IN_CLUSTER):
            print("report_load: .ci/postgres.sh gave no PostgreSQL URL", file=sys.stderr)
            return 1
        print("report_load: no DATABASE_URL: starting a throwaway PostgreSQL cluster (.ci/postgres.sh)")
        argv_again = list(argv if argv is not None else sys.argv[1:])
        return subprocess.call(
            [
                "bash",
                str(REPO / ".ci" / "postgres.sh"),
                sys.executable,
                str(Path(__file__).resolve()),
                *argv_again,
            ],
            env={**os.environ, IN_CLUSTER: "1"},
            cwd=REPO,
        )
    print(
        f"report load: {args.tasks:,} submissions, {args.units} units, concurrency {args.concurrency}, "
        f"at most {args.max_seconds} s; {os.cpu_count()} CPUs"
    )
    try:
        fresh, name = fresh_postgres(url)
    except Exception as exc:  # any failure to reach or create: say so
        print(f"report_load: cannot create a database beside {url}: {exc}", file=sys.stderr)
        return 1
    try:
        return 0 if run(fresh, args) else 1
    finally:
        drop_postgres(url, name)


if __name__ == "__main__":
    sys.exit(main())
