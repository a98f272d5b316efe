"""Status lights: each rule at and around its boundary, per task and per unit, in a fixed number
of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duban.accounts.models import User
from duban.plans.models import Plan, Responsibility, Target, Task
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.orders import do_close_order, do_issue_order
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.lights import Color, plan_lights, rules_text, task_light
from duban.tracking.models import OrderLevel, Progress, ProgressReport, ReportingPeriod
from duban.units.models import Unit

from .conftest import filled

MARCH = dt.date(2025, 3, 1)  # before any period is due


@pytest.fixture(autouse=True)
def near_days(settings: Any) -> None:
    settings.DUBAN_LIGHT_NEAR_DAYS = 14


def _submit(
    task: Task,
    period: ReportingPeriod,
    user: User,
    value: str = "60",
    as_of: dt.date | None = None,
    **kw: Any,
) -> ProgressReport:
    return do_submit_report(
        do_save_draft(task, period, filled(task, value, as_of, **kw), acting_user=user), acting_user=user
    )


@pytest.mark.parametrize(
    ("days_left", "color", "reason"),
    [
        (15, Color.GREEN, None),
        (14, Color.YELLOW, "距完成时限（{d}）还有 14 天"),
        (1, Color.YELLOW, "距完成时限（{d}）还有 1 天"),
        (0, Color.YELLOW, "距完成时限（{d}）还有 0 天"),
        (-1, Color.RED, "已超过完成时限（{d}）仍未销号"),
    ],
)
def test_it_lights_the_deadline(
    task2: Task, periods: object, days_left: int, color: str, reason: str | None
) -> None:
    task2.deadline = MARCH + dt.timedelta(days=days_left)
    task2.save()
    light = task_light(task2, day=MARCH)
    assert light.color == color
    assert light.reasons == ((reason.format(d=task2.deadline),) if reason else ())
    assert light.rule == (light.reasons[0] if reason else "按计划推进")


def test_it_takes_the_latest_target_year_when_the_task_has_no_deadline(task1: Task) -> None:
    assert task_light(task1, day=dt.date(2025, 12, 16)).color == Color.GREEN  # 15 days before 2025-12-31
    assert task_light(task1, day=dt.date(2025, 12, 17)).color == Color.YELLOW
    assert task_light(task1, day=dt.date(2026, 1, 1)).color == Color.RED


@pytest.mark.parametrize(
    ("day", "color"), [(dt.date(2025, 4, 10), Color.GREEN), (dt.date(2025, 4, 11), Color.YELLOW)]
)
def test_it_lights_a_missing_report_once_the_due_date_has_passed(
    task2: Task, periods: object, day: dt.date, color: str
) -> None:
    light = task_light(task2, day=day)
    assert light.color == color
    if color == Color.YELLOW:
        assert light.reasons == ("2025年第一季度报告（2025-04-10截止）未报送：区司法局",)


def test_it_counts_a_submitted_report_but_not_a_draft_or_a_returned_one(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    day = dt.date(2025, 4, 11)
    owner = users["other_reporter"]
    draft = do_save_draft(task2, q1, filled(task2), acting_user=owner)
    assert task_light(task2, day=day).color == Color.YELLOW
    report = do_submit_report(draft, acting_user=owner)
    assert task_light(task2, day=day).color == Color.GREEN
    do_return_report(report, "数据不实", acting_user=users["manager"])
    light = task_light(task2, day=day)
    assert light.color == Color.YELLOW and "未报送：区司法局" in light.rule


def test_it_turns_red_when_a_report_is_returned_twice_until_it_is_accepted(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    day = dt.date(2025, 4, 5)
    owner, manager = users["other_reporter"], users["manager"]
    v1 = _submit(task2, q1, owner)
    do_return_report(v1, "缺少佐证", acting_user=manager)
    assert task_light(task2, day=day).color == Color.GREEN  # once is not yet red
    v2 = do_submit_report(do_correct_report(v1, acting_user=owner), acting_user=owner)
    assert task_light(task2, day=day).color == Color.GREEN
    do_return_report(v2, "仍缺少佐证", acting_user=manager)
    light = task_light(task2, day=day)
    assert (light.color, light.reasons) == (Color.RED, ("2025年第一季度报告已被退回 2 次，尚未通过",))
    v3 = do_submit_report(do_correct_report(v2, acting_user=owner), acting_user=owner)
    assert task_light(task2, day=day).color == Color.RED  # resubmitted, still not accepted
    do_accept_report(v3, acting_user=manager)
    assert task_light(task2, day=day).color == Color.GREEN


# Task 1: 网格覆盖率 ≥ 100% by 2025; the plan is dated 2025-01-01, so the line runs from 0 on
# 2025-01-01 to 100 on 2025-12-31 (364 days): on 2025-07-02 (day 182) it stands at exactly 50.
@pytest.mark.parametrize(
    ("value", "color"), [("50", Color.GREEN), ("49.99", Color.YELLOW), ("80", Color.GREEN)]
)
def test_it_judges_a_first_figure_against_the_line_from_zero_at_the_plan_date(
    lead_reporter: User, task1: Task, q1: ReportingPeriod, value: str, color: str
) -> None:
    _submit(task1, q1, lead_reporter, value, dt.date(2025, 7, 2))
    light = task_light(task1, day=dt.date(2025, 7, 5))
    assert light.color == color
    if color == Color.YELLOW:
        assert light.reasons == (
            "指标“网格覆盖率”49.99%（2025-07-02）落后于进度线（应达 50%，期限 2025-12-31）",
        )


# With two figures the line starts at the first: 20 on 2025-03-31, 100 on 2025-12-31 (275 days);
# on 2025-07-19 (day 110) it stands at 20 + 80 × 110 / 275 = 52.
@pytest.mark.parametrize(("value", "color"), [("52", Color.GREEN), ("51.99", Color.YELLOW)])
def test_it_judges_later_figures_against_the_line_from_the_first_figure(
    lead_reporter: User, task1: Task, periods: list[ReportingPeriod], value: str, color: str
) -> None:
    _submit(task1, periods[0], lead_reporter, "20", dt.date(2025, 3, 31))
    _submit(task1, periods[1], lead_reporter, value, dt.date(2025, 7, 19))
    assert task_light(task1, day=dt.date(2025, 7, 20)).color == color


def test_it_judges_a_falling_target_only_from_its_second_figure(
    users: dict[str, User], task2: Task, periods: list[ReportingPeriod]
) -> None:
    Target.objects.create(task=task2, metric="信访积案", cmp="<=", value=Decimal(5), unit="件", by_year=2025)
    owner = users["other_reporter"]
    _submit(task2, periods[0], owner, "50", dt.date(2025, 3, 31))
    assert task_light(task2, day=dt.date(2025, 7, 5)).color == Color.GREEN
    # The line: 50 on 2025-03-31 down to 5 on 2025-12-31; on 2025-07-19 it stands at 50 − 45 × 110/275 = 32.
    _submit(task2, periods[1], owner, "32", dt.date(2025, 7, 19))
    assert task_light(task2, day=dt.date(2025, 7, 20)).color == Color.GREEN
    ProgressReport.objects.filter(period=periods[1]).delete()  # start again with a worse figure
    _submit(task2, periods[1], owner, "32.01", dt.date(2025, 7, 19))
    light = task_light(task2, day=dt.date(2025, 7, 20))
    assert light.color == Color.YELLOW and "信访积案" in light.rule


def test_it_turns_red_while_a_red_order_is_open(users: dict[str, User], task2: Task, periods: object) -> None:
    unit = Unit.objects.get(name="区司法局")
    order = do_issue_order(task2, [unit], "请说明", dt.date(2025, 3, 10), acting_user=users["manager"])
    assert task_light(task2, day=MARCH).color == Color.GREEN  # a blue order alone is not red
    order.level = OrderLevel.RED
    order.save()
    light = task_light(task2, day=MARCH)
    assert (light.color, light.reasons) == (Color.RED, ("有未办结的红色督办单（督〔2025〕1号）",))
    do_close_order(order, acting_user=users["manager"])
    assert task_light(task2, day=MARCH).color == Color.GREEN


def test_it_shows_a_closed_task_green_even_past_its_deadline(
    users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    report = _submit(task1, q1, lead_reporter, "100", progress=Progress.DONE, percent=100)
    do_accept_report(report, acting_user=users["manager"])
    light = task_light(task1, day=dt.date(2026, 3, 1))
    assert (light.color, light.rule) == (Color.GREEN, "已销号")


def test_it_gives_each_unit_the_worst_light_of_its_lead_tasks_with_counts(
    small_plan: Plan, task1: Task, task2: Task, periods: object
) -> None:
    task2.deadline = dt.date(2025, 2, 1)
    task2.save()
    lights = plan_lights(small_plan, day=MARCH)
    assert {t: lights.tasks[t].color for t in (task1.pk, task2.pk)} == {
        task1.pk: Color.GREEN,
        task2.pk: Color.RED,
    }
    units = {u.name: (u.color, u.counts, u.tasks) for u in lights.units}
    assert units == {
        "区委政法委": (Color.GREEN, {"green": 1, "yellow": 0, "red": 0}, 1),
        "区司法局": (Color.RED, {"green": 0, "yellow": 0, "red": 1}, 1),
    }  # partners (区公安分局, 区民政局, 区信访局) answer for no task of their own here


def test_it_computes_a_whole_plan_in_a_fixed_number_of_queries(
    users: dict[str, User], small_plan: Plan, task1: Task, q1: ReportingPeriod, lead_reporter: User
) -> None:
    _submit(task1, q1, lead_reporter, "30", dt.date(2025, 3, 31))
    with CaptureQueriesContext(connection) as small:
        plan_lights(small_plan, day=dt.date(2025, 4, 20))
    unit = Unit.objects.get(name="区司法局")
    for i in range(30):
        t = Task.objects.create(
            plan=small_plan, number=f"x{i}", text="新增任务", order=10 + i, deadline=dt.date(2025, 12, 31)
        )
        Responsibility.objects.create(task=t, unit=unit, role="lead")
        Target.objects.create(task=t, metric="覆盖率", cmp=">=", value=Decimal(90), unit="%", by_year=2025)
    with CaptureQueriesContext(connection) as big:
        lights = plan_lights(small_plan, day=dt.date(2025, 4, 20))
    assert len(lights.tasks) == 32
    assert len(big.captured_queries) == len(small.captured_queries) <= 8


def test_it_states_the_rules_with_the_configured_window(settings: Any) -> None:
    settings.DUBAN_LIGHT_NEAR_DAYS = 30
    assert "不足 30 天" in rules_text()[Color.YELLOW]
