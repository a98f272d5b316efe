"""Chinese numerals → numbers: "一千二百" → 1200, "两万" → 20000, "1.5万" → 15000,
"百分之九十五" → 95 (%), "千分之一" → 1 (‰), "二〇一九" → 2019, "九十五点五" → 95.5,
full-width "９５．５" → 95.5.

Table-driven and exact: arithmetic is done in Decimal, and a whole result comes back as an int.
`NUMBER_PATTERN` is the regular-expression source of one number as printed, for recognizers
that compose their own patterns.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final, NoReturn

__all__ = [
    "CN_DIGITS",
    "NUMBER_PATTERN",
    "cn2num",
    "normalize_digits",
    "parse_quantity",
]

# The value of each digit character ("两" is the counting form of 2, "〇" the positional zero).
CN_DIGITS: Final[dict[str, int]] = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip  # a table: a digit's characters on one line
# Units inside a section of four digits.
_SMALL_UNITS: Final[dict[str, int]] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# Section units.
_BIG_UNITS: Final[dict[str, int]] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_POINT: Final = "点"
_FRACTIONS: Final[dict[str, str]] = {"百分之": "%", "千分之": "‰"}

# Full-width digits and marks → ASCII, one character for one (offsets stay valid).
_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_FULL_WIDTH_RUN: Final = re.compile("[０-９．％]+")

_CN_DIGIT_CHARS: Final = "".join(CN_DIGITS)
_CN_ALL_CHARS: Final = _CN_DIGIT_CHARS + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

_ARABIC: Final = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CHINESE: Final = rf"[{_CN_DIGIT_CHARS}十拾][{_CN_ALL_CHARS}]*(?:点[{_CN_DIGIT_CHARS}]+)?"
_CHINESE_FRACTION_BODY: Final = rf"[{_CN_ALL_CHARS}]+(?:点[{_CN_DIGIT_CHARS}]+)?"

# One number as printed: Arabic (with an optional 万/亿 multiplier), Chinese, or a fraction
# written out ("百分之九十五", "千分之1.5").
NUMBER_PATTERN: Final = (
    rf"(?:(?:百分之|千分之)(?:{_ARABIC}|{_CHINESE_FRACTION_BODY})"
    rf"|{_ARABIC}(?:[万萬亿億千])?"
    rf"|{_CHINESE})"
)

_ARABIC_WITH_MULTIPLIER: Final = re.compile(rf"({_ARABIC})([万萬亿億千]*)")
_PERCENT_SUFFIX: Final = re.compile(r"(.*?)\s*([%‰])")


def normalize_digits(text: str) -> str:
    """Full-width digits, "．" and "％" → ASCII; the length of the text never changes."""
    return _FULL_WIDTH_RUN.sub(_to_ascii, text)


def _to_ascii(m: re.Match[str]) -> str:
    return m.group(0).translate(_FULL_WIDTH)


def cn2num(text: str) -> int | float:
    """The value of one number as printed; ValueError if `text` is not one.

    "一千二百" → 1200, "十五" → 15, "两万" → 20000, "3万" → 30000, "1.5万" → 15000,
    "二〇一九" → 2019, "九十五点五" → 95.5, "百分之九十五" → 95, "千分之一" → 1, "95%" → 95.
    """
    return parse_quantity(text)[0]


def parse_quantity(text: str) -> tuple[int | float, str | None]:
    """The value and the fraction unit of a number: "百分之九十五" → (95, "%"),
    "千分之一" → (1, "‰"), "95%" → (95, "%"), "3万" → (30000, None)."""
    s = normalize_digits(text).strip()
    if not s:
        raise ValueError("empty number")
    for prefix, unit in _FRACTIONS.items():
        if s.startswith(prefix):
            return _finish(_decimal(s[len(prefix) :])), unit
    m = _PERCENT_SUFFIX.fullmatch(s)
    if m:
        return _finish(_decimal(m.group(1))), m.group(2)
    return _finish(_decimal(s)), None


def _finish(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _decimal(s: str) -> Decimal:
    s = s.strip()
    if not s:
        raise ValueError("empty number")
    m = _ARABIC_WITH_MULTIPLIER.fullmatch(s)
    if m:
        try:
            value = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation as e:  # pragma: no cover - the pattern admits only digits
            raise ValueError(f"not a number: {s!r}") from e
        for ch in m.group(2):
            value *= _BIG_UNITS.get(ch) or _SMALL_UNITS[ch]
        return value
    if s[0].isascii() and s[0].isdigit():
        # Arabic digits followed by Chinese units: "3千5百"? Only a multiplier tail is allowed.
        raise ValueError(f"not a number: {s!r}")
    integer, _, fraction = s.partition(_POINT)
    value = Decimal(_cn_integer(integer)) if integer else Decimal(0)
    if fraction:
        if not all(c in CN_DIGITS for c in fraction):
            raise ValueError(f"not a number: {s!r}")
        value += Decimal("0." + "".join(str(CN_DIGITS[c]) for c in fraction))
    elif _POINT in s:
        raise ValueError(f"not a number: {s!r}")
    return value


def _cn_integer(s: str) -> int:
    """A Chinese integer: positional ("二〇一九") or with units ("一亿零五百万零三")."""
    if not s:
        raise ValueError("empty number")
    if len(s) > 1 and all(c in CN_DIGITS for c in s):
        # Digit by digit, as years and codes are written: 二〇一九 → 2019.
        return int("".join(str(CN_DIGITS[c]) for c in s))
    reading = _UnitsReading(s)
    for c in s:
        if c in CN_DIGITS:
            reading.digit_(CN_DIGITS[c])
        elif c in _SMALL_UNITS:
            reading.small_unit(_SMALL_UNITS[c])
        elif c in _BIG_UNITS:
            reading.big_unit(_BIG_UNITS[c])
        else:
            reading.fail()
    return reading.value()


class _UnitsReading:
    """A Chinese integer with units read character by character ("一亿零五百万零三")."""

    __slots__ = ("digit", "last_unit", "prev_was_unit", "s", "section", "total")

    def __init__(self, s: str) -> None:
        self.s = s
        self.total = 0  # everything above the current 万 section
        self.section = 0  # the current section (below 10000)
        self.digit: int | None = None  # a digit waiting for its unit
        self.last_unit = 0  # the unit just before the trailing digit, for "一万五" → 15000
        self.prev_was_unit = False

    def fail(self) -> NoReturn:
        raise ValueError(f"not a number: {self.s!r}")

    def digit_(self, d: int) -> None:
        if self.digit is not None and self.digit != 0 and d != 0:
            self.fail()  # two digits in a row: "一二"
        self.digit = d
        if d == 0:
            self.last_unit = 0  # "一万零五" is 10005, not 15000
        self.prev_was_unit = False

    def small_unit(self, unit: int) -> None:
        if self.digit is None:
            if self.prev_was_unit:
                self.fail()  # "一百十", "十百"
            self.digit = 1  # "十五", "百" (as in 百分之百)
        self.section += self.digit * unit
        self.digit = None
        self.last_unit = unit
        self.prev_was_unit = True

    def big_unit(self, big: int) -> None:
        self.section += self.digit or 0
        wan_yi = big == 10**8 and 0 < self.total < 10**8 and not self.section  # "三万亿"
        if not self.section and (self.total or self.prev_was_unit) and not wan_yi:
            self.fail()  # "一亿万", "万万"
        section = self.section or (0 if wan_yi else 1)  # a bare "万" is ten thousand
        if big == 10**8:
            self.total = (self.total + section) * big
        else:
            if self.total % 10**8 >= 10**4:
                self.fail()  # "一万二万"
            self.total += section * big
        self.section = 0
        self.digit = None
        self.last_unit = big
        self.prev_was_unit = True

    def value(self) -> int:
        s, digit, section = self.s, self.digit, self.section
        if digit is not None and digit != 0:
            if (
                not self.prev_was_unit
                and self.last_unit >= 100
                and (s[-2] in _SMALL_UNITS or s[-2] in _BIG_UNITS)
            ):
                # Colloquial shortening: "一万五" = 15000, "三千五" = 3500, "一百五" = 150.
                section += digit * self.last_unit // 10
            else:
                section += digit
        return self.total + section
