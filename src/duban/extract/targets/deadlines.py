"""`parse_deadline`: a completion-date cell (完成时限) → the ISO date of the end of the period
named, and the printed words."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final

from duban.extract.numerals import normalize_digits
from duban.extract.targets.vocabulary import unspaced
from duban.extract.targets.years import EVENT_PHRASE, PERIOD_PHRASE, YEAR, cn_or_int, named_month

_Q_CHARS: Final = "1234一二三四"
_DATE: Final = re.compile(
    rf"(?:(?P<y>{YEAR})(?:[-—–~～至到](?P<y2>{YEAR}))?年|(?P<rel>今年|本年度|本年|当年|明年))?"
    r"(?:(?P<half>上半年|下半年)"
    rf"|前(?P<qn>[{_Q_CHARS}])个?季度"
    rf"|第?(?P<q>[{_Q_CHARS}])季度"
    r"|(?<![\d十])(?P<mo>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?"
    r"(?:(?P<d>3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
    r"|(?P<part>上旬|中旬|下旬|初|中|底|末))?"
    r"|(?P<yp>年底|年末|年内|年中|年初|底|末|中|初|内))?"
)
_NUMERIC_DATE: Final = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})(?:[-./](?P<d>\d{1,2}))?(?!\d)"
)
_PART_DAY: Final = {"上旬": 10, "初": 10, "中旬": 20, "中": 15}
_PARTS: Final = ("half", "qn", "q", "mo", "yp")
_STARTS: Final = ("起", "开始", "以来")


def _end_of_month(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _date_of(m: re.Match[str], plan_year: int | None, context_year: int | None = None) -> date | None:
    year = _year_of(m, plan_year, context_year)
    if year is None:
        return None
    if m.group("half"):
        return _end_of_month(year, 6 if m.group("half") == "上半年" else 12)
    q = m.group("qn") or m.group("q")
    if q:
        return _end_of_month(year, 3 * cn_or_int(q))
    if m.group("mo"):
        return _day_of_month(m, year)
    yp = m.group("yp")
    if yp in ("年中", "中"):
        return date(year, 6, 30)
    if yp in ("年初", "初"):
        return date(year, 1, 31)
    return date(year, 12, 31)


def _year_of(m: re.Match[str], plan_year: int | None, context_year: int | None) -> int | None:
    """The year a deadline falls in; None when the match is no date (a bare "底"), or no year is
    printed and none known."""
    y_text = m.group("y2") or m.group("y")
    rel = m.group("rel")
    if not y_text and not rel and not any(m.group(k) for k in _PARTS):
        return None
    yp = m.group("yp")
    if yp and not y_text and not rel and len(yp) == 1:
        return None  # a bare "底"/"中" is not a date
    if y_text:
        return cn_or_int(y_text)
    if context_year is not None and rel is None:
        return context_year  # "2022年1-3月": the 3月 is of 2022
    if plan_year is not None:
        return plan_year + (1 if rel == "明年" else 0)
    return None


def _day_of_month(m: re.Match[str], year: int) -> date | None:
    """ "5月", "5月20日", "5月中旬": the day it means in that month (its last unless said)."""
    month = cn_or_int(m.group("mo"))
    if not 1 <= month <= 12:
        return None
    if m.group("d"):
        day = cn_or_int(m.group("d"))
        last = calendar.monthrange(year, month)[1]
        return date(year, month, day) if 1 <= day <= last else None
    part = m.group("part")
    if part in _PART_DAY:
        return date(year, month, _PART_DAY[part])
    return _end_of_month(year, month)


def _is_start(s: str, start: int, end: int) -> bool:
    """When the work starts, not when it is due: "自2024年起", "2025年开始"."""
    return s.startswith(_STARTS, end) or (start > 0 and s[start - 1] in "自从")


def _written_dates(s: str, plan_year: int | None) -> list[date]:
    """The dates written out in words ("2019年11月底", "上半年"), a bare year only where no
    part of it follows ("2022年1-3月" is March 2022, not the end of 2022)."""
    found: list[date] = []
    context_year: int | None = None
    year_only: int | None = None  # index in `found` of a bare "2022年", until a part of it follows
    for m in _DATE.finditer(s):
        if m.end() == m.start() or _is_start(s, m.start(), m.end()):
            continue
        try:
            d = _date_of(m, plan_year, context_year)
        except ValueError:
            d = None
        if d is None:
            continue
        explicit = bool(m.group("y"))
        parts = any(m.group(k) for k in _PARTS)
        if not explicit and parts and year_only is not None and context_year == d.year:
            found.pop(year_only)  # the year was only the head of "2022年1-3月"
        year_only = None
        if explicit:
            context_year = d.year
            if not parts and not m.group("y2"):
                year_only = len(found)
        found.append(d)
    return found


def _numeric_dates(s: str) -> list[date]:
    """Dates in digits: "2019-11-30", "2019.11"."""
    out = []
    for m in _NUMERIC_DATE.finditer(s):
        y, mo = int(m.group("y")), int(m.group("m"))
        if not 1 <= mo <= 12 or _is_start(s, m.start(), m.end()):
            continue
        if m.group("d"):
            day = int(m.group("d"))
            if 1 <= day <= calendar.monthrange(y, mo)[1]:
                out.append(date(y, mo, day))
        else:
            out.append(_end_of_month(y, mo))
    return out


def parse_deadline(text: str, *, plan_year: int | None = None) -> tuple[str | None, str]:
    """A completion-date cell → (ISO date of the end of the period named, or None; the printed
    words, whitespace removed).  "2019年11月底" → ("2019-11-30", …); "上半年" → plan_year-06-30;
    "一季度完成" → plan_year-03-31; "年内完成" → plan_year-12-31; "常态化实施" → (None, …).
    Where several dates are named ("2019年6月至2020年12月") the latest is taken."""
    printed = unspaced(text or "")
    s = normalize_digits(printed)
    found = _written_dates(s, plan_year) + _numeric_dates(s)
    if not found:
        for em in (*PERIOD_PHRASE.finditer(s), *EVENT_PHRASE.finditer(s)):
            ym = named_month(em.group("name"), plan_year)
            found.append(_end_of_month(int(ym[:4]), int(ym[5:7])))
    return (max(found).isoformat() if found else None), printed
