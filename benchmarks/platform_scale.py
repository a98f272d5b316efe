"""The platform at province scale, as figures to read (not a pass/fail test).

(a) a fresh database with 100 plans × 300 tasks, 3,000 units, three responsibilities a task
    (one lead, two partners), a target on every third task, made directly with bulk_create;
(b) server time of the plan page /plans/<id>/, the unit page /units/<id>/ and a search
    /plans/<id>/?q=…, through Django's test Client logged in as a manager of every plan, over
    --requests requests each (after two untimed warm-ups): p50 and p95. Goal: p95 < 150 ms.
    A page whose URL does not exist (yet) is reported as n/a;
(c) `duban serve` (gunicorn with its default 2 × cores + 1 workers, the application preloaded
    in the master) on that database, asked a few pages over 127.0.0.1 by urllib, then the
    resident memory of the gunicorn master and its workers together from /proc: the sum of
    their PSS, which counts each page resident once however many of them share it (the sum of
    their RSS, printed beside it, counts a shared page once per process). Goal: < 300 MB in all.

Done on SQLite (a new file in a temporary folder) and, with --database-url or DATABASE_URL
(postgres://…, a role allowed to CREATE DATABASE), on a new PostgreSQL database made beside the
given one and dropped afterwards. Each database is measured in a child process of its own.

One file, over 500 lines, on purpose: a benchmark is run by its path, and its stages run this
same file again as child processes; its parts follow the steps above, in their order.

usage: python benchmarks/platform_scale.py [--quick] [--requests N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

from scratch_db import drop_postgres, fresh_postgres, run_child

REPO = Path(__file__).resolve().parents[1]
GOAL_P95_MS = 150.0
GOAL_RSS_MB = 300.0
SEARCH_WORD = "网格"
FULL = {"plans": 100, "tasks": 300, "units": 3000, "requests": 50}
QUICK = {"plans": 10, "tasks": 60, "units": 300, "requests": 20}

REGIONS = [a + b for a in "东西南北中新江河山湖" for b in "城阳宁华安平林州浦台"]  # 100 counties
DEPARTMENTS = [
    "公安局",
    "民政局",
    "司法局",
    "信访局",
    "财政局",
    "教育局",
    "卫生健康委",
    "住房城乡建设局",
    "交通运输局",
    "应急管理局",
    "市场监管局",
    "人力资源社会保障局",
    "生态环境局",
    "自然资源局",
    "农业农村局",
    "水利局",
    "文化和旅游局",
    "退役军人事务局",
    "城市管理局",
    "审计局",
    "统计局",
    "商务局",
    "科技局",
    "工业和信息化局",
    "发展改革委",
    "团委",
    "妇联",
    "总工会",
    "法院",
    "检察院",
]
MEASURES = [
    "完善{w}化管理机制，推动力量下沉",
    "建立矛盾纠纷多元化解机制",
    "深化平安{w}创建活动",
    "开展重点领域专项整治",
    "加强社会治安防控体系建设",
    "推进基层综合执法改革",
    "健全应急处置联动机制",
    "强化重点人群服务管理",
    "推进智慧{w}平台建设与应用",
    "落实安全生产责任制",
]


# ------------------------------------------------------------------------------------------------ child


def child(args: argparse.Namespace) -> int:
    """Make and measure one database; write the figures as JSON to args.out."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "duban.web.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    figures: dict[str, Any] = {"database": connection.vendor}
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    figures["migrate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    plan_ids, unit_ids, password, counts = generate(args.plans, args.tasks, args.units)
    figures["generate_s"] = time.perf_counter() - started
    figures["counts"] = counts
    figures["pages"] = measure_pages(plan_ids, unit_ids, args.requests)
    figures["serve"] = measure_serve(plan_ids, unit_ids, password)
    Path(args.out).write_text(json.dumps(figures, ensure_ascii=False), "utf-8")
    return 0


def generate(n_plans: int, n_tasks: int, n_units: int) -> tuple[list[int], list[int], str, dict[str, int]]:
    from django.db import transaction

    from duban.accounts.models import User
    from duban.audit.models import AuditEvent
    from duban.clock import now
    from duban.plans.models import Plan, Responsibility, Section, Target, Task
    from duban.units.models import Unit

    rng = random.Random(20240601)
    password = secrets.token_urlsafe(12)
    batch = 2000
    with transaction.atomic():
        manager = User.objects.create_user(
            "bench-manager", password=password, role="manager", display_name="督查室"
        )
        names = [f"{r}区{d}" for r in REGIONS for d in DEPARTMENTS][:n_units]
        names += [f"第{i}单位" for i in range(len(names), n_units)]
        units = Unit.objects.bulk_create([Unit(name=n) for n in names], batch_size=batch)
        unit_ids = [u.pk for u in units]
        at = now()
        plans = Plan.objects.bulk_create(
            [
                Plan(
                    title=f"{REGIONS[i % len(REGIONS)]}区{2020 + i % 6}年平安建设任务分解方案（第{i + 1}号）",
                    doc_number=f"平安办〔{2020 + i % 6}〕{i + 1}号",
                    created_at=at,
                    total_points=Decimal(100),
                )
                for i in range(n_plans)
            ],
            batch_size=batch,
        )
        Plan.managers.through.objects.bulk_create(
            [Plan.managers.through(plan_id=p.pk, user_id=manager.pk) for p in plans], batch_size=batch
        )
        per_section = 30
        sections = Section.objects.bulk_create(
            [
                Section(plan=p, title=f"{'一二三四五六七八九十'[s % 10]}、重点任务第{s + 1}部分", order=s)
                for p in plans
                for s in range(math.ceil(n_tasks / per_section))
            ],
            batch_size=batch,
        )
        by_plan: dict[int, list[Section]] = {}
        for s in sections:
            by_plan.setdefault(s.plan_id, []).append(s)
        tasks = []
        for p in plans:
            for t in range(n_tasks):
                measure = MEASURES[(p.pk + t) % len(MEASURES)].format(w=SEARCH_WORD if t % 7 == 0 else "社区")
                tasks.append(
                    Task(
                        plan=p,
                        section=by_plan[p.pk][t // per_section],
                        number=str(t + 1),
                        title=measure[:40],
                        text=f"{measure}，到{2025 + t % 3}年底前完成第{t + 1}项工作目标，形成可复制经验。",
                        points=Decimal("0.5") + t % 4,
                        deadline_text=f"{2025 + t % 3}年12月底前",
                        order=t,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=batch)
        responsibilities, targets = [], []
        for task in tasks:
            lead, *partners = rng.sample(unit_ids, 3)
            responsibilities.append(Responsibility(task=task, unit_id=lead, role="lead", order=0))
            responsibilities += [
                Responsibility(task=task, unit_id=u, role="partner", order=i + 1)
                for i, u in enumerate(partners)
            ]
            if int(task.number) % 3 == 0:
                targets.append(
                    Target(
                        task=task,
                        metric="覆盖率",
                        cmp=">=",
                        value=Decimal(90 + int(task.number) % 10),
                        unit="%",
                        by_year=2025,
                    )
                )
        Responsibility.objects.bulk_create(responsibilities, batch_size=batch)
        Target.objects.bulk_create(targets, batch_size=batch)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    at=at,
                    actor=manager,
                    action="import_plan",
                    object_type="plans.plan",
                    object_id=str(p.pk),
                    summary=f"导入 {p.title}",
                )
                for p in plans
            ],
            batch_size=batch,
        )
    counts = {
        "plans": len(plans),
        "tasks": len(tasks),
        "responsibilities": len(responsibilities),
        "units": len(units),
        "targets": len(targets),
    }
    return [p.pk for p in plans], unit_ids, password, counts


def measure_pages(plan_ids: list[int], unit_ids: list[int], requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve

    import duban.web.wsgi  # noqa: F401  # the server's own start, as under duban serve (gc.freeze)
    from duban.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-manager"))
    pages = {
        "plan": [f"/plans/{pid}/" for pid in plan_ids],
        "unit": [f"/units/{uid}/" for uid in unit_ids[:: max(1, len(unit_ids) // 100)]],
        "search": [f"/plans/{pid}/?q={urllib.parse.quote(SEARCH_WORD)}" for pid in plan_ids],
    }
    out: dict[str, Any] = {}
    for kind, paths in pages.items():
        try:
            resolve(urllib.parse.urlsplit(paths[0]).path)
        except Resolver404:
            out[kind] = {"path": paths[0], "status": "n/a"}
            continue
        for path in paths[:2]:  # warm-up: templates compiled, caches filled
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            first = client.get(paths[0])
        # Counted now: the next request's request_started signal empties the connection's log.
        queries = len(captured)
        times, statuses = [], set()
        for i in range(requests):
            path = paths[i % len(paths)]
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
        out[kind] = {
            "path": paths[0],
            "status": sorted(statuses),
            "requests": requests,
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
            "queries": queries,
            "kb": len(first.content) / 1024,
        }
    return out


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure_serve(plan_ids: list[int], unit_ids: list[int], password: str) -> dict[str, Any]:
    port = free_port()
    log = Path(os.environ["DUBAN_DATA_DIR"]) / "serve.log"
    with log.open("wb") as log_file:
        # A session of its own, so that whatever happens the whole server can be stopped by its id.
        server = subprocess.Popen(
            [sys.executable, "-m", "duban", "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        if not wait_until_up(opener, f"{base}/accounts/login/", server, seconds=60):
            return {"error": f"duban serve did not answer on {base} within 60 s; see {log}"}
        login(opener, base, "bench-manager", password)
        hits, statuses = 0, set()
        paths = [f"/plans/{plan_ids[0]}/", f"/units/{unit_ids[0]}/", "/plans/", f"/plans/{plan_ids[-1]}/"]
        for _round in range(3):  # enough for every worker to have served a plan page
            for path in paths:
                statuses.add(fetch(opener, base + path)[0])
                hits += 1
        master = [p for p in children(server.pid) if "gunicorn" in cmdline(p)]
        workers = [w for m in master for w in children(m)]
        rss = {pid: memory(pid) for pid in master + workers}
        errors = (
            [
                line
                for line in log.read_text("utf-8", "replace").splitlines()
                if "Error" in line or "Traceback" in line
            ][-3:]
            if max(statuses) >= 500
            else []
        )
        return {
            "errors": errors,
            "requests": hits,
            "statuses": sorted(statuses),
            "master": len(master),
            "workers": len(workers),
            "rss_mb": sum(r for r, _ in rss.values()),
            "pss_mb": sum(p for _, p in rss.values()),
            "per_process_mb": [round(r, 1) for r, _ in rss.values()],
        }
    finally:
        stop(server)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(
    opener: urllib.request.OpenerDirector,
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def wait_until_up(
    opener: urllib.request.OpenerDirector, url: str, server: subprocess.Popen[bytes], seconds: float
) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if fetch(opener, url)[0] == 200:
                return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    return False


def login(opener: urllib.request.OpenerDirector, base: str, username: str, password: str) -> None:
    jar = next(h for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)).cookiejar
    fetch(opener, f"{base}/accounts/login/")
    token = next((c.value for c in jar if c.name == "csrftoken"), "")
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    fetch(opener, f"{base}/accounts/login/", body, {"Referer": f"{base}/accounts/login/"})


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name is in parentheses and may hold spaces: the ppid follows the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB: RSS counts pages shared between the workers once per process, PSS shares them out."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    for master in [p for p in children(server.pid) if "gunicorn" in cmdline(p)]:
        os.kill(master, signal.SIGTERM)  # gunicorn's graceful stop: it ends its workers itself
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the session started above, and nothing else
        server.wait(timeout=10)


# ----------------------------------------------------------------------------------------------- parent


def run_database(
    label: str, url: str | None, workdir: Path, args: argparse.Namespace, scale: dict[str, int]
) -> dict[str, Any] | str:
    return run_child(
        __file__,
        label,
        url,
        workdir,
        [
            "--plans",
            str(scale["plans"]),
            "--tasks",
            str(scale["tasks"]),
            "--units",
            str(scale["units"]),
            "--requests",
            str(args.requests or scale["requests"]),
        ],
        timeout=1800,
    )


def report(label: str, figures: dict[str, Any] | str) -> bool:
    print(f"\n== {label} ==")
    if isinstance(figures, str):
        print(f"  {figures}")
        return False
    c = figures["counts"]
    print(
        f"  data: {c['plans']} plans, {c['tasks']:,} tasks, {c['responsibilities']:,} responsibilities, "
        f"{c['units']:,} units, {c['targets']:,} targets; migrate {figures['migrate_s']:.1f} s, "
        f"bulk_create {figures['generate_s']:.1f} s"
    )
    print(
        f"  {'page':<8}{'example':<28}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}{'KB':>7}  goal p95 < {GOAL_P95_MS:.0f} ms"
    )
    for kind, page in figures["pages"].items():
        if page["status"] == "n/a":
            print(f"  {kind:<8}{urllib.parse.unquote(page['path']):<28}{'n/a (no such page yet)':>32}")
            continue
        status = "" if page["status"] == [200] else f"  HTTP {page['status']}"
        verdict = "ok" if page["p95_ms"] < GOAL_P95_MS and not status else "MISSED"
        print(
            f"  {kind:<8}{urllib.parse.unquote(page['path']):<28}{page['p50_ms']:8.1f}{page['p95_ms']:8.1f}{page['queries']:9d}"
            f"{page['kb']:7.0f}  {verdict}{status}  ({page['requests']} requests)"
        )
    serve = figures["serve"]
    if "error" in serve:
        print(f"  serve: {serve['error']}")
        return False
    for line in serve["errors"]:
        print(f"  serve log: {line}")
    verdict = "ok" if serve["pss_mb"] < GOAL_RSS_MB else "MISSED"
    print(
        f"  duban serve: master + {serve['workers']} workers after {serve['requests']} requests "
        f"(HTTP {serve['statuses']}): resident {serve['pss_mb']:.0f} MB in all (Σ PSS)  {verdict} "
        f"(goal < {GOAL_RSS_MB:.0f} MB); Σ RSS {serve['rss_mb']:.0f} MB {serve['per_process_mb']}"
    )
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 plans × 60 tasks, 300 units, 20 requests")
    parser.add_argument(
        "--requests", type=int, default=0, help="timed requests per page (default 50, quick 20)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://… also measure PostgreSQL (default: $DATABASE_URL)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    for name in ("plans", "tasks", "units"):
        parser.add_argument(f"--{name}", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    scale = QUICK if args.quick else FULL
    print(
        f"platform scale: {scale['plans']} plans × {scale['tasks']} tasks, {scale['units']} units, "
        f"{args.requests or scale['requests']} requests a page"
    )
    workdir = Path(tempfile.mkdtemp(prefix="duban-scale-"))
    ok = True
    try:
        ok &= report("SQLite", run_database("SQLite", None, workdir, args, scale))
        if args.database_url.startswith(("postgres://", "postgresql://")):
            try:
                url, name = fresh_postgres(args.database_url)
            except Exception as exc:  # any failure to reach or create: report it and go on
                ok &= report("PostgreSQL", f"cannot create a database beside {args.database_url}: {exc}")
            else:
                try:
                    ok &= report("PostgreSQL", run_database("PostgreSQL", url, workdir, args, scale))
                finally:
                    drop_postgres(args.database_url, name)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
