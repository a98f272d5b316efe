"""The Django side of tests/web/test_two_servers.py, run in a child process with the servers'
environment: `seed OUT` migrates and makes the data and the reporters' sessions, `verify OUT`
reads back what the two servers stored."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sys
import urllib.parse
from importlib import import_module
from pathlib import Path
from typing import Any

TASKS = 40
UNITS = 4


def seed() -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.db import transaction

    from duban.accounts.models import User
    from duban.clock import now, today
    from duban.plans.models import Plan, Responsibility, Section, Task
    from duban.tracking.models import ReportingPeriod
    from duban.units.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        manager = User.objects.create_user("two-manager", password=None, role="manager")
        units = [Unit.objects.create(name=f"双机第{i + 1}单位") for i in range(UNITS)]
        reporters = [
            User.objects.create_user(f"two-reporter-{i + 1}", password=None, role="reporter", unit=u)
            for i, u in enumerate(units)
        ]
        plan = Plan.objects.create(title="双机部署测试方案", created_at=now())
        plan.managers.add(manager)
        section = Section.objects.create(plan=plan, title="一、重点任务", order=0)
        tasks = [
            Task.objects.create(
                plan=plan,
                section=section,
                number=str(i + 1),
                title=f"任务{i + 1}",
                text=f"第{i + 1}项工作。",
                order=i,
            )
            for i in range(TASKS)
        ]
        for i, t in enumerate(tasks):
            Responsibility.objects.create(task=t, unit=units[i % UNITS], role="lead", order=0)
        day = today()
        # Due in two days: every unit that has not reported is reminded, once.
        period = ReportingPeriod.objects.create(
            plan=plan,
            name="本期",
            start=day - dt.timedelta(days=30),
            end=day + dt.timedelta(days=1),
            due=day + dt.timedelta(days=2),
        )
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    csrf = secrets.token_hex(16)
    jobs = []
    for i, task in enumerate(tasks[: TASKS // 2]):  # half the tasks reported: the rest are reminded
        user = reporters[i % UNITS]
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        fields = {
            "progress": "in_progress",
            "reason": "",
            "percent": "50",
            "lock_version": "",
            "narrative": f"双机报送{i + 1}",
            "action": "submit",
            "csrfmiddlewaretoken": csrf,
        }
        jobs.append(
            {
                "task": task.pk,
                "unit": user.unit_id,
                "period": period.pk,
                "path": f"/tracking/tasks/{task.pk}/periods/{period.pk}/report/",
                "body": urllib.parse.urlencode(fields),
                "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
            }
        )
    return {"jobs": jobs, "period": period.pk}


def verify(seeded: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Count

    from duban.notifications.models import Notification
    from duban.tracking.models import ProgressReport

    reports = list(
        ProgressReport.objects.filter(period_id=seeded["period"])
        .values("task_id", "unit_id", "version")
        .annotate(n=Count("id"))
    )
    keys = list(Notification.objects.values("dedupe_key").annotate(n=Count("id")).filter(n__gt=1))
    return {
        "reports": [[r["task_id"], r["unit_id"], r["version"], r["n"]] for r in reports],
        # What the reminder runs make (a submission's own notice to the managers is not one).
        "reminders": Notification.objects.filter(kind__in=["due_soon", "report_overdue", "digest"]).count(),
        "duplicate_keys": len(keys),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.settings")
    import django

    django.setup()
    stage, out = sys.argv[1], Path(sys.argv[2])
    if stage == "seed":
        out.write_text(json.dumps(seed()), "utf-8")
    else:
        seeded = json.loads(Path(sys.argv[3]).read_text("utf-8"))
        out.write_text(json.dumps(verify(seeded)), "utf-8")


if __name__ == "__main__":
    main()
