"""Fixtures for tracking tests: the platform's named users and small plan, a frozen clock, periods.

small_plan: task 1 (target 网格覆盖率 ≥ 100% by 2025) led by 区委政法委 with partners 区民政局 and
区公安分局 (the `reporter`); task 2 led by 区司法局 (the `other_reporter`), partner 区信访局.
`lead_reporter` reports for 区委政法委. The clock stands at 2025-03-01 09:00 (Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duban import clock
from duban.accounts.models import User
from duban.plans.models import Plan, Task
from duban.tracking.actions.periods import do_create_periods
from duban.tracking.actions.report_data import IndicatorInput, ReportData
from duban.tracking.models import Frequency, ReportingPeriod
from duban.units.models import Unit

# tests/web is a package under the rootdir-inserted tests/ folder, so pytest itself imports its
# conftest as `web.conftest`; importing it by that name works under both `pytest` and
# `python -m pytest`, and reuses the module pytest already loaded.
from web import conftest as platform

users = platform.users
small_plan = platform.small_plan

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI)


def at(y: int, m: int, d: int, h: int = 9, minute: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, s, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[Callable[[dt.datetime], None]]:
    """The clock, frozen at START; call it to move the clock."""
    clock.freeze(START)
    yield clock.freeze
    clock.freeze(None)


@pytest.fixture
def lead_reporter(small_plan: Plan) -> User:
    return User.objects.create_user(
        "zfw", password="pw-zfw-12345", role="reporter", unit=Unit.objects.get(name="区委政法委")
    )


@pytest.fixture
def task1(small_plan: Plan) -> Task:
    return small_plan.tasks.get(number="1")


@pytest.fixture
def task2(small_plan: Plan) -> Task:
    return small_plan.tasks.get(number="2")


@pytest.fixture
def periods(small_plan: Plan, users: dict[str, User]) -> list[ReportingPeriod]:
    """The four quarters of 2025, each due on the 10th of the month after (Q1: 2025-04-10)."""
    small_plan.date = dt.date(2025, 1, 1)
    small_plan.save(update_fields=["date"])
    return do_create_periods(small_plan, 2025, Frequency.QUARTERLY, 10, acting_user=users["manager"])


@pytest.fixture
def q1(periods: list[ReportingPeriod]) -> ReportingPeriod:
    return periods[0]


def filled(task: Task, value: str = "60", as_of: dt.date | None = None, **kw: Any) -> ReportData:
    """A complete report: narrative, and a figure for each of the task's targets."""
    values = {t.pk: IndicatorInput(Decimal(value), as_of=as_of) for t in task.targets.all()}
    return ReportData(**{"narrative": "已完成网格划分，配齐网格员。", "percent": 60, "values": values, **kw})
