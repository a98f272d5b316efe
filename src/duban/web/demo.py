"""`duban demo`: a working platform with no configuration — SQLite in ./data, the four shipped
decomposition documents as plans, demo accounts with passwords printed once."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

from duban.web.demo_today import merge_split_names, seed_current_work

DEMO_DOCUMENTS = (
    "000_55d7ae63096c07d6.txt",
    "001_5e24878716344230.txt",
    "002_2a0e88625b689e63.txt",
    "004_8589ef9e036e82d9.txt",
)
# (username, role, unit name or None, display name). Each reporter's unit has work in the 004
# plan (its periods, its assessment, reports still to write in the current period).
DEMO_ACCOUNTS = (
    ("admin", "admin", None, "系统管理员"),
    ("manager", "manager", None, "督查室"),
    ("gongan", "reporter", "宜阳公安分局", "公安分局填报员"),
    ("zongzhi", "reporter", "综治办", "综治办填报员"),
    ("leader", "leader", None, "分管领导"),
)


def prepare(stdout: Any, *, reset_passwords: bool = False) -> None:
    """Migrate, then load the demo plans and accounts into an empty database. On a database that
    has them, `reset_passwords` gives the demo accounts new passwords and prints them."""
    call_command("migrate", interactive=False, verbosity=0)
    from duban.accounts.models import User

    if User.objects.exists():
        if reset_passwords:
            _print_accounts(stdout, _new_passwords(), "演示账户（已重设密码）：")
            return
        stdout.write(
            "演示数据已存在。账户密码只在首次创建时显示；忘记密码可运行 "
            "`duban demo --reset-passwords` 重设并显示全部演示账户的密码。\n"
        )
        return
    with transaction.atomic():
        passwords = _seed(stdout)
    _print_accounts(
        stdout,
        dict(zip((a[0] for a in DEMO_ACCOUNTS), passwords, strict=True)),
        "演示账户（密码只显示这一次）：",
    )


def _print_accounts(stdout: Any, passwords: dict[str, str], heading: str) -> None:
    stdout.write(f"\n{heading}\n")
    for username, _role, unit, display in DEMO_ACCOUNTS:
        if username in passwords:
            stdout.write(
                f"  {username:<8} {passwords[username]}  {display}{'（' + unit + '）' if unit else ''}\n"
            )
    stdout.write("\n")


def _new_passwords() -> dict[str, str]:
    """A new password for each demo account still there (audited as a change of password, by the
    system: no one is signed in)."""
    from duban.accounts.models import User

    out = {}
    for username, *_ in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        out[username] = password
    return out


def _seed(stdout: Any) -> list[str]:
    from duban.accounts.models import User
    from duban.plans.actions import do_confirm_import, do_upload_document
    from duban.units.models import Unit

    admin = User.objects.create_superuser("admin", password=None, role="admin", display_name="系统管理员")
    passwords = []
    for username, role, _unit_name, display in DEMO_ACCOUNTS:
        user = admin if username == "admin" else User(username=username, role=role, display_name=display)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        passwords.append(password)
    manager = User.objects.get(username="manager")
    package = resources.files("duban").joinpath("demo_data")
    for name in DEMO_DOCUMENTS:
        data = package.joinpath(name).read_bytes()
        draft = do_upload_document(name, data, acting_user=manager)
        plan = do_confirm_import(draft, {}, acting_user=manager)
        stdout.write(f"已导入演示方案：{plan.title}（{plan.tasks.count()} 项任务）\n")
    merge_split_names(admin, stdout)
    for username, _role, unit_name, _display in DEMO_ACCOUNTS:
        if unit_name:
            unit, _ = Unit.objects.get_or_create(name=unit_name)
            User.objects.filter(username=username).update(unit=unit)
    seed_assessments(manager, stdout)
    seed_current_work(
        manager,
        stdout,
        plan_source=ASSESSED_PLAN,
        own_units={unit for _name, _role, unit, _display in DEMO_ACCOUNTS if unit},
        reporters=_reporters,
    )
    return passwords


# ---------------------------------------------------------------------------------------------
# A finished demo assessment of the 004 plan (its special guide included), built from reports
# made through the tracking actions, so that everything behind a score is real: two periods, the
# second compared with the first, both closed and published, one appeal decided.

ASSESSED_PLAN = "004_8589ef9e036e82d9.txt"
# (scheme name, label, start, end, reporting period name, due date, as of): the plan is dated
# 2022-06-28, so its first period is the second half of 2022.
DEMO_PERIODS = (
    (
        "2022年下半年",
        "2022年度",
        dt.date(2022, 7, 1),
        dt.date(2022, 12, 31),
        dt.date(2023, 1, 15),
        dt.date(2023, 1, 31),
    ),
    (
        "2023年度",
        "2023年度",
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        dt.date(2024, 1, 15),
        dt.date(2024, 1, 31),
    ),
)
# Tasks of each demo account's unit whose reports say 推进中 every year (see _report).
OPEN_TASKS = 3
CHECKLIST = (
    {"name": "制定年度工作方案", "points": "3"},
    {"name": "按季度调度推进", "points": "4"},
    {"name": "形成年度工作总结", "points": "3"},
)
# (year index, unit, what, how many or what rate): counts and rates only, never persons.
DEMO_INCIDENTS = (
    (0, "宜阳公安分局", "万人命案发案率", "0.65"),
    (0, "应急管理局", "特别重大、重大安全事故", 1),
    (0, "综治办", "国家级表彰", 1),
    (0, "官园街道", "省级表彰", 2),
    (1, "宜阳公安分局", "万人命案发案率", "0.55"),
    (1, "党群工作部", "省级表彰", 1),
    (1, "综治办", "国家级表彰", 2),
)


@contextmanager
def _at(when: dt.datetime) -> Iterator[None]:
    """The demo's history happens on its own dates: the one clock, set for the step."""
    from duban import clock

    before = getattr(clock, "_frozen", None)
    clock.freeze(when)
    try:
        yield
    finally:
        clock.freeze(before)


def _day(d: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))


def seed_assessments(manager: Any, stdout: Any) -> list[Any]:
    """Reports for the 004 plan over two periods, a scheme from its points for each, grades and
    incidents, each assessment run, closed and published. Deterministic: the same database
    contents every time (a fixed random seed, fixed dates). Returns the assessments."""
    from duban.plans.models import Plan

    plan = Plan.objects.filter(source__name=ASSESSED_PLAN, parent=None).first()
    if plan is None:
        return []
    plans = [plan, *plan.children.order_by("pk")]
    reporters = _reporters(plans)
    rng = random.Random(20220628)
    out = []
    for n, spec in enumerate(DEMO_PERIODS):
        out.append(_assess(plan, plans, spec, n, reporters, rng, manager))
    for a in out:
        stdout.write(
            f"已生成演示考核：{a.scheme.name}（{a.results.count()} 个单位，{a.get_status_display()}）\n"
        )
    return out


def _reporters(plans: list[Any]) -> dict[int, Any]:
    """A reporter for every unit that reports on the plans (an existing one, or a demo account
    that cannot log in)."""
    from duban.accounts.models import User
    from duban.plans.models import Responsibility
    from duban.units.models import Unit

    unit_ids = set(Responsibility.objects.filter(task__plan__in=plans).values_list("unit_id", flat=True))
    out = {}
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("name"):
        user = User.objects.filter(unit=unit, role="reporter", is_active=True).order_by("pk").first()
        if user is None:
            user = User(
                username=f"unit{unit.pk}", role="reporter", unit=unit, display_name=f"{unit.name}填报员"
            )
            user.set_unusable_password()
            user.save()
        out[unit.pk] = user
    return out


def _assess(
    plan: Any,
    plans: list[Any],
    spec: tuple[Any, ...],
    n: int,
    reporters: dict[int, Any],
    rng: random.Random,
    manager: Any,
) -> Any:
    from duban.assessment.actions.assessments import (
        do_close_assessment,
        do_publish_assessment,
        do_run_assessment,
    )
    from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan
    from duban.assessment.models import Assessed
    from duban.tracking.actions.periods import do_add_period

    period_name, label, start, end, due, as_of = spec
    with _at(_day(start)):
        periods = {p.pk: do_add_period(p, period_name, start, end, due, acting_user=manager) for p in plans}
    _report(plans, periods, due, reporters, rng, manager)
    with _at(_day(as_of + dt.timedelta(days=1))):
        scheme = do_create_scheme_from_plan(
            plan,
            period_label=label,
            period_start=start,
            period_end=end,
            name=f"{plan.title[:120]} {label}考核",
            assessed=Assessed.ALL,
            include_children=True,
            partner_coefficient="0.3",
            bonus_cap=10,
            acting_user=manager,
        )
        _configure(scheme, manager)
        do_activate_scheme(scheme, acting_user=manager)
        assessment = do_run_assessment(scheme, as_of, acting_user=manager)
        _grade(assessment, n, rng, manager)
        do_run_assessment(scheme, as_of, acting_user=manager)
    with _at(_day(as_of + dt.timedelta(days=5))):
        do_close_assessment(assessment, acting_user=manager)
    with _at(_day(as_of + dt.timedelta(days=10))):
        do_publish_assessment(assessment, acting_user=manager)
    if n == len(DEMO_PERIODS) - 1:
        _appeal(assessment, reporters, as_of, manager)
    assessment.refresh_from_db()
    return assessment


def _report(
    plans: list[Any],
    periods: dict[int, Any],
    due: dt.date,
    reporters: dict[int, Any],
    rng: random.Random,
    manager: Any,
) -> None:
    """Each reporting unit's year-end report: mostly done on time, some late, some still in
    progress, a few returned and never corrected, a few never sent. The demo accounts' units
    report their first OPEN_TASKS tasks still in progress every year: those tasks stay open, so
    the accounts have this quarter's reports of them to write (a closed task asks for none)."""
    from decimal import Decimal

    from duban.plans.models import Task
    from duban.tracking.actions.drafts import do_save_draft
    from duban.tracking.actions.report_data import IndicatorInput, ReportData
    from duban.tracking.actions.reviews import do_accept_report, do_return_report
    from duban.tracking.actions.submissions import do_submit_report
    from duban.tracking.models import Progress
    from duban.tracking.transitions import reporting_unit_ids, task_roles
    from duban.units.models import Unit

    tasks = (
        Task.objects.filter(plan__in=plans)
        .order_by("plan_id", "order")
        .prefetch_related("targets", "responsibilities")
    )
    own = {name for _username, _role, name, _display in DEMO_ACCOUNTS if name}
    open_left = dict.fromkeys(Unit.objects.filter(name__in=own).values_list("pk", flat=True), OPEN_TASKS)
    for task in tasks:
        for unit_id in sorted(reporting_unit_ids(task_roles(task))):
            kept_open = open_left.get(unit_id, 0) > 0
            if kept_open:
                open_left[unit_id] -= 1
            user = reporters.get(unit_id)
            roll = rng.random()
            if user is None or roll >= 0.96:
                continue  # never sent
            late = 0.78 <= roll < 0.88
            done = roll < 0.88 and not kept_open
            values = {
                t.pk: IndicatorInput(
                    (t.value * Decimal(rng.choice(["1.1", "1", "1", "0.9", "0.75"]))).quantize(
                        Decimal("0.01")
                    )
                )
                for t in task.targets.all()
            }
            data = ReportData(
                progress=Progress.DONE if done else Progress.IN_PROGRESS,
                percent=100 if done else 70,
                narrative="已按责任清单完成年度任务。" if done else "按计划推进，部分措施尚未完成。",
                values=values,
            )
            with _at(_day(due + dt.timedelta(days=5 if late else -5))):
                report = do_save_draft(task, periods[task.plan_id], data, acting_user=user)
                report = do_submit_report(report, acting_user=user)
            with _at(_day(due + dt.timedelta(days=8 if late else -2))):
                if roll >= 0.92:
                    do_return_report(report, "佐证材料不足，请补充后重新报送。", acting_user=manager)
                else:
                    do_accept_report(report, acting_user=manager)


def _configure(scheme: Any, manager: Any) -> None:
    """Methods beyond completion: an indicator where a led task has a target, the 七 section
    graded by hand, a checklist in the 八 section; a veto and two bonus items."""
    from duban.assessment.actions.items import do_update_item
    from duban.assessment.actions.negative_list import do_add_bonus, do_add_veto
    from duban.assessment.models import Method

    checklist_done = False
    for item in scheme.items.select_related("task").order_by("order"):
        task = item.task
        if (
            task is not None
            and task.targets.filter(cmp__in=[">=", ">"], change="").exists()
            and task.responsibilities.filter(role="lead").exists()
        ):
            do_update_item(
                item,
                method=Method.INDICATOR,
                bands={"bands": [["0.9", "0.8"], ["0.6", "0.5"]]},
                acting_user=manager,
            )
        elif item.section.startswith("七、"):
            do_update_item(item, method=Method.MANUAL, acting_user=manager)
        elif item.section.startswith("八、") and not checklist_done and item.points >= 10:
            do_update_item(item, method=Method.CHECKLIST, criteria=list(CHECKLIST), acting_user=manager)
            checklist_done = True
    do_add_veto(scheme, "发生重大群体性事件或重大安全生产责任事故", acting_user=manager)
    do_add_bonus(scheme, "国家级表彰", 3, cap=6, acting_user=manager)
    do_add_bonus(scheme, "省级表彰", 2, cap=4, acting_user=manager)


def _grade(assessment: Any, n: int, rng: random.Random, manager: Any) -> None:
    from decimal import Decimal

    from duban.assessment.actions.grades import do_grade_item
    from duban.assessment.actions.incidents import do_record_incident
    from duban.assessment.engine.scorers import direct_scorers
    from duban.assessment.models import Method
    from duban.units.models import Unit

    scheme = assessment.scheme
    for item in scheme.items.filter(method__in=[Method.MANUAL, Method.CHECKLIST]).order_by("order"):
        for unit in Unit.objects.filter(pk__in=direct_scorers(scheme, item, assessment)).order_by("name"):
            if item.method == Method.MANUAL:
                share = Decimal(rng.choice(["1", "0.9", "0.8", "0.7"]))
                reason = {
                    "1": "材料齐全，成效明显",
                    "0.9": "材料齐全，个别措施推进较慢",
                    "0.8": "部分措施未落实",
                    "0.7": "工作推进迟缓，佐证材料不全",
                }[str(share)]
                do_grade_item(
                    assessment,
                    item,
                    unit,
                    score=(item.points * share).quantize(Decimal("0.1")),
                    reason=reason,
                    acting_user=manager,
                )
            else:
                met = [i for i in range(len(item.criteria)) if rng.random() < 0.75]
                do_grade_item(assessment, item, unit, met=met, acting_user=manager)
    rules = {r.item: r for r in scheme.deduction_rules.all()}
    bonuses = {b.name: b for b in scheme.bonuses.all()}
    for year, unit_name, what, amount in DEMO_INCIDENTS:
        named = Unit.objects.filter(name=unit_name).first()
        if year != n or named is None or not assessment.results.filter(unit=named).exists():
            continue
        if what in bonuses:
            do_record_incident(
                assessment,
                named,
                bonus=bonuses[what],
                count=int(amount),
                note="表彰文件见附件",
                acting_user=manager,
            )
        elif isinstance(amount, str):
            do_record_incident(
                assessment,
                named,
                rule=rules[what],
                rate=amount,
                note="据统计部门年度数据",
                acting_user=manager,
            )
        else:
            do_record_incident(
                assessment,
                named,
                rule=rules[what],
                level="重大",
                count=amount,
                note="事故调查报告认定",
                acting_user=manager,
            )


def _appeal(assessment: Any, reporters: dict[int, Any], as_of: dt.date, manager: Any) -> None:
    """The last-ranked unit appeals; the office rejects it with a reason (its score stands)."""
    from duban.assessment.actions.appeals import do_decide_appeal, do_file_appeal

    last = assessment.results.order_by("-rank", "unit__name").first()
    if last is None or last.unit_id not in reporters:
        return
    with _at(_day(as_of + dt.timedelta(days=12))):
        appeal = do_file_appeal(
            last,
            "本单位年度任务均已落实，部分报告因系统原因逾期报送，请求复核。",
            acting_user=reporters[last.unit_id],
        )
    with _at(_day(as_of + dt.timedelta(days=15))):
        do_decide_appeal(
            appeal,
            accept=False,
            reason="经复核，报告报送时间以系统记录为准，维持原评分。",
            acting_user=manager,
        )
