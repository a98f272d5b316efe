"""Numbers, targets and dates as a clerk writes them (duban.office.text): one form for floats
from the extractor and Decimals from the database."""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal

import pytest

from duban.extract.model import Change
from duban.office.text import date_text, number_text, target_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (18.0, "18"),
        (12.5, "12.5"),
        (0.95, "0.95"),
        (7, "7"),
        (-10.0, "-10"),
        (-0.0, "0"),
        (1e-05, "0.00001"),
        (1e16, "10000000000000000"),
        (Decimal("95.000000"), "95"),
        (Decimal("2.500000"), "2.5"),
        (Decimal("1E+1"), "10"),
        (Decimal("-0.00"), "0"),
        (Decimal("9999999999.999999"), "9999999999.999999"),
        (None, ""),
    ],
)
def test_it_writes_numbers_without_trailing_zeros_or_exponents(
    value: Decimal | float | None, text: str
) -> None:
    assert number_text(value) == text


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("调处成功率", ">=", 95, "%", None, "2015"), "调处成功率≥95%（2015年）"),
        (("年度城镇登记失业率", "<=", 4, "%", None, None), "年度城镇登记失业率≤4%"),
        (("万人发案率", "<", 0.6, None, None, None), "万人发案率<0.6"),
        (("命案发案率", ">=", 40, "%", "decrease", "2015"), "命案发案率下降≥40%（2015年）"),
        (("覆盖率", ">=", 10, "个百分点", "increase", None), "覆盖率增长≥10个百分点"),
        (("参保率", ">", 99.5, "%", None, "2015年6月"), "参保率>99.5%（2015年6月）"),
        (("专项督促检查", "=", 1, "次", None, None), "专项督促检查=1次"),
    ],
)
def test_it_prints_a_target_in_one_form(args: tuple[typing.Any, ...], text: str) -> None:
    assert target_text(*args) == text


def test_it_prints_a_stored_target_as_the_extracted_one() -> None:
    """The database keeps Decimal values and an integer year; the plan format floats and a string."""
    stored = target_text("网格覆盖率", ">=", Decimal("100.000000"), "%", "", 2025)
    extracted = target_text("网格覆盖率", ">=", 100.0, "%", None, "2025")
    assert stored == extracted == "网格覆盖率≥100%（2025年）"


@pytest.mark.parametrize("change", typing.get_args(Change))
def test_it_has_a_word_for_every_change_of_the_plan_format(change: str) -> None:
    text = target_text("发案率", ">=", 10, "%", change)
    assert text != "发案率≥10%" and text.endswith("≥10%")


@pytest.mark.parametrize(
    ("day", "text"),
    [(dt.date(2025, 3, 1), "2025年3月1日"), (dt.date(2024, 12, 31), "2024年12月31日")],
)
def test_it_dates_as_official_documents_do(day: dt.date, text: str) -> None:
    assert date_text(day) == text
