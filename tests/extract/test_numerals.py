"""Chinese numerals → numbers."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duban.extract.numerals import NUMBER_PATTERN, cn2num, normalize_digits, parse_quantity

# ---------------------------------------------------------------------------------------------
# A tiny writer of Chinese integers, independent of the parser, for round trips.

_DIGITS = "零一二三四五六七八九"


def _section(x: int, *, liang: bool) -> str:
    """1 ≤ x ≤ 9999 in Chinese, zeros inside written once as 零: 1050 → 一千零五十."""
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        q = x // unit % 10
        if q == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("两" if liang and q == 2 and unit >= 100 else _DIGITS[q]) + name
    return out


def to_chinese(n: int, *, liang: bool = False) -> str:
    """0 ≤ n < 10**8 as a clerk writes it: 10 → 十, 100010 → 十万零一十, 20000 → 两万 (liang)."""
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if high:
        head = "两" if liang and high == 2 else _section(high, liang=liang)
        s = head + "万"
        if low:
            s += ("零" if low < 1000 else "") + _section(low, liang=liang)
    else:
        s = _section(low, liang=liang)
    return s[1:] if s.startswith("一十") else s


def test_writer_itself() -> None:
    assert to_chinese(10) == "十"
    assert to_chinese(15) == "十五"
    assert to_chinese(110) == "一百一十"
    assert to_chinese(1050) == "一千零五十"
    assert to_chinese(100010) == "十万零一十"
    assert to_chinese(20000, liang=True) == "两万"
    assert to_chinese(99_999_999) == "九千九百九十九万九千九百九十九"


@given(st.integers(min_value=0, max_value=99_999_999), st.booleans())
def test_round_trip_chinese_integers(n: int, liang: bool) -> None:
    assert cn2num(to_chinese(n, liang=liang)) == n


@given(st.integers(min_value=0, max_value=99_999_999))
def test_round_trip_arabic_and_full_width(n: int) -> None:
    assert cn2num(str(n)) == n
    full = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert cn2num(full) == n


@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=0, max_value=9))
def test_arabic_with_multiplier(whole: int, tenth: int) -> None:
    assert cn2num(f"{whole}.{tenth}万") == whole * 10_000 + tenth * 1_000
    assert cn2num(f"{whole}亿") == whole * 10**8


@given(st.integers(min_value=1, max_value=9999))
def test_percent_written_out(n: int) -> None:
    assert parse_quantity("百分之" + to_chinese(n)) == (n, "%")
    assert parse_quantity("千分之" + to_chinese(n)) == (n, "‰")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", 0),
        ("〇", 0),
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("一十五", 15),
        ("二十", 20),
        ("两百", 200),
        ("一千二百", 1200),
        ("一千零五", 1005),
        ("两万", 20000),
        ("十万", 100000),
        ("一万五", 15000),  # colloquial: 一万五千
        ("三千五", 3500),
        ("一百五", 150),
        ("一万零五", 10005),
        ("一亿二千万", 120_000_000),
        ("一亿零五百万零三", 105_000_003),
        ("三万亿", 3 * 10**12),
        ("二〇一九", 2019),  # a year, digit by digit
        ("二零二三", 2023),
        ("九十五点五", 95.5),
        ("零点五", 0.5),
        ("3万", 30000),
        ("1.5万", 15000),
        ("1.1万", 11000),
        ("3千", 3000),
        ("2亿", 200_000_000),
        ("1,000", 1000),
        ("12,345.5", 12345.5),
        ("０．０１９", 0.019),
        ("１５．５", 15.5),
        ("百分之九十五", 95),
        ("百分之百", 100),
        ("百分之十", 10),
        ("百分之2.5", 2.5),
        ("千分之一", 1),
        ("95%", 95),
        ("９５％", 95),
        ("壹仟贰佰", 1200),
    ],
)
def test_cn2num(text: str, value: float) -> None:
    result = cn2num(text)
    assert result == value
    assert isinstance(result, int) == float(value).is_integer()


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("百分之九十五", (95, "%")),
        ("千分之一", (1, "‰")),
        ("95%", (95, "%")),
        ("0.5‰", (0.5, "‰")),
        ("3万", (30000, None)),
        ("十二", (12, None)),
    ],
)
def test_parse_quantity(text: str, quantity: tuple[float, str | None]) -> None:
    assert parse_quantity(text) == quantity


@pytest.mark.parametrize(
    "text", ["", " ", "abc", "十百", "一亿万", "万万", "一万二万", "点", "3千5百", "5G", "一点"]
)
def test_not_a_number(text: str) -> None:
    with pytest.raises(ValueError):
        cn2num(text)


@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿点0123456789.,%‰分之", max_size=12))
def test_never_raises_anything_but_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        cn2num(text)


@given(st.text(max_size=60))
def test_normalize_digits_keeps_length(text: str) -> None:
    out = normalize_digits(text)
    assert len(out) == len(text)
    assert not any(c in out for c in "０１２３４５６７８９％")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("达到95%以上", "95"),
        ("不少于50万平方米", "50万"),
        ("百分之九十五", "百分之九十五"),
        ("千分之一以下", "千分之一"),
        ("一千二百人", "一千二百"),
        ("1,000名", "1,000"),
    ],
)
def test_number_pattern(text: str, match: str) -> None:
    m = re.search(NUMBER_PATTERN, text)
    assert m is not None and m.group(0) == match
