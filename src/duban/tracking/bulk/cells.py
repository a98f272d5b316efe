"""The cells of an uploaded sheet as openpyxl reads them (None, str, int, float, datetime), how
each kind is read, and the form fields that check one cell of a row (duban.tracking.bulk.rows).

A person types into Excel what a person types: "30", 30, 30.0 and "30%" are the same percentage,
"2025/2/28", "2025年3月1日" and a date cell the same day. A refusal names its cell: "G7: …".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from duban.plans.models import Target
from duban.tracking.actions.report_data import IndicatorInput
from duban.tracking.bulk.sheet import STATUS_HINT, STATUS_VALUES


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A cell's value as a message quotes it."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def as_int(value: Any) -> int | None:
    """An integer written as a number or as digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,12}\s*", value):
        return int(value)
    return None


def as_percent(value: Any) -> int | None:
    if isinstance(value, str):
        value = value.strip().removesuffix("%").removesuffix("％").strip()
    n = as_int(value)
    return n if n is not None and 0 <= n <= 100 else None


def as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool | dt.date):
        return None
    try:
        if isinstance(value, float):
            d = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            d = Decimal(value)
        elif isinstance(value, str):
            d = Decimal(value.strip().replace(",", "").replace("，", ""))
        else:
            return None
    except InvalidOperation:
        return None
    return d if d.is_finite() and abs(d) < Decimal(10) ** 10 else None


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and 36526 <= value <= 73415:
        # An Excel serial day number in a cell not formatted as a date (2000-01-01 … 2100-12-31).
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    elif isinstance(value, str) and (m := _DATE.match(value)):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    else:
        return None
    return day if 2000 <= day.year <= 2100 else None


# ---------------------------------------------------------------------------------------------
# One cell as a form field


class Cell(forms.Field):
    """A cell of the row: blank is None; place() tells it where it stands, for its messages."""

    def __init__(self) -> None:
        super().__init__(required=False)
        self.address, self.row = "", 0

    def place(self, address: str, row: int) -> None:
        self.address, self.row = address, row

    def refusal(self, message: str) -> ValidationError:
        return ValidationError(f"{self.address}: {message}")

    def to_python(self, value: Any) -> Any:
        return None if blank(value) else value


class LockCell(Cell):
    """The hidden lock_version of the draft the template was written from (blank: none)."""

    def to_python(self, value: Any) -> int | None:
        if blank(value):
            return None
        lock_version = as_int(value)
        if lock_version is None:
            raise self.refusal(f"第 {self.row} 行的草稿版本“{shown(value)}”无效：请勿修改模板的隐藏列")
        return lock_version


class ProgressCell(Cell):
    """进展状态, one of the drop-down's labels; required."""

    def to_python(self, value: Any) -> str:
        progress = None if blank(value) else STATUS_VALUES.get(str(value).strip())
        if progress is None:
            given = "（未填写）" if blank(value) else f"，而不是“{shown(value)}”"
            raise self.refusal(f"状态应为 {STATUS_HINT}{given}")
        return progress


class PercentCell(Cell):
    """完成比例, a whole number 0–100 (blank: 0)."""

    def to_python(self, value: Any) -> int:
        if blank(value):
            return 0
        percent = as_percent(value)
        if percent is None:
            raise self.refusal(f"完成比例应为 0–100 的整数，而不是“{shown(value)}”")
        return percent


class TextCell(Cell):
    def to_python(self, value: Any) -> str:
        return "" if blank(value) else str(value).strip()


class TargetIdsCell(Cell):
    """The hidden ids of the task's targets when the template was written, in slot order. They
    must still be the task's targets: otherwise the slots no longer say which figure is which."""

    def __init__(self) -> None:
        super().__init__()
        self.expected: list[int] = []
        self.task_number = ""

    @staticmethod
    def ids(value: Any) -> list[int | None]:
        return [] if blank(value) else [as_int(s) for s in str(value).split(",")]

    def to_python(self, value: Any) -> list[int]:
        given = self.ids(value)
        if sorted(given, key=lambda x: x or 0) != sorted(self.expected):
            raise self.refusal(f"任务{self.task_number}的指标已有变动，与模板不一致：请重新下载模板")
        return [pk for pk in given if pk is not None]


class FigureCells(forms.Field):
    """The two cells of a target slot (当前值, 数据截至) as one field: both are needed to say what
    is wrong with either. The value is the pair of raw cells; blank slots give None."""

    def __init__(
        self,
        target: Target | None,
        *,
        value_at: str | None,
        date_at: str | None,
        task_number: str,
        targets: int,
    ) -> None:
        super().__init__(required=False)
        self.target, self.value_at, self.date_at = target, value_at, date_at
        self.task_number, self.targets = task_number, targets

    def to_python(self, value: Any) -> IndicatorInput | None:
        raw_value, raw_date = value
        if self.target is None:  # a slot beyond the task's targets: to be left empty
            self._fail(
                [
                    f"{at}: 任务{self.task_number}只有 {self.targets} 项指标，此格应留空"
                    for at, raw in ((self.value_at, raw_value), (self.date_at, raw_date))
                    if at is not None and not blank(raw)
                ]
            )
            return None
        figure, as_of = as_decimal(raw_value), as_date(raw_date)
        self._fail(self._problems(raw_value, figure, raw_date, as_of))
        return None if figure is None else IndicatorInput(figure, as_of=as_of)

    def _problems(
        self, raw_value: Any, figure: Decimal | None, raw_date: Any, as_of: dt.date | None
    ) -> list[str]:
        assert self.target is not None
        metric = self.target.metric
        problems = []
        if not blank(raw_value) and figure is None:
            problems.append(f"{self.value_at}: 指标“{metric}”的当前值应为数字，而不是“{shown(raw_value)}”")
        if not blank(raw_date) and as_of is None:
            problems.append(
                f"{self.date_at}: 数据截至日期“{shown(raw_date)}”无法识别，应为 2025-03-31 这样的日期"
            )
        if blank(raw_value) and not blank(raw_date):
            at = self.value_at or self.date_at
            problems.append(f"{at}: 填写了数据截至日期，但指标“{metric}”的当前值未填写")
        return problems

    @staticmethod
    def _fail(problems: list[str]) -> None:
        if problems:
            raise ValidationError(problems)
