"""Deadline-year phrases: "到2015年", "2011年底前", "“十二五”期间", "青奥会前", "年内" (the plan's
year).  `year_phrases` finds them all in a text; `year_of` gives the year of the first."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from duban.extract.numerals import cn2num, normalize_digits
from duban.extract.targets.vocabulary import EVENTS, WORDS, alt, heads, unspaced

YEAR: Final = r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}"
YEAR_PHRASE: Final = re.compile(
    r"(?=[截力到至于在12〇零一二三四五六七八九])"  # a cheap first test at every position
    rf"(?P<pre>截止到|截至|截止|力争到|到|至|于|在)?"
    rf"(?P<y>{YEAR})(?:[-—–~～至到](?P<y2>{YEAR}))?年"
    r"(?:(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:\d{1,2}日)?)?"
    r"(?P<suf>上半年|下半年|底|末|中|内)?(?P<before>前|以前|之前)?"
)
TRAILING_YEAR: Final = re.compile(rf"(?:到|至|于|在)?(?:{YEAR})年(?:底|末)?(?:前|以前|之前)?$")
_NOT_DEADLINE_BEFORE: Final = frozenset("比较自从与同距近前")
_NOT_DEADLINE_AFTER: Final = re.compile(
    r"^(?:起|以来|开始|基础|的基础|水平|的水平|同期|相比|比|[-—–~～至到](?:19|20)\d{2})"
)
_ATTRIBUTIVE_YEAR: Final = re.compile(r"^[^，,；;：:。、]{0,6}的")
# "年度" of a plan for one year: "年度处置任务", "年度目标" (not the "年度" of a yearly rate).
_PLAN_YEAR_PHRASE: Final = re.compile(
    r"(?=[今本当年明])(?<![\d〇零一二两三四五六七八九十每近上下去前])"
    rf"(?P<w>今年|本年度|本年|当年|年内|年底前|年底|年末|明年|年度(?=[^，,；;。]{{0,4}}(?:{alt(WORDS['plan_year_objects'])})))"
)


# "5年内", "三年之内" opening a clause: by the last of those years, counting the plan's year as
# the first (a 2016 plan's "5年内" is 2020); inside a clause it counts from an event instead.
_YEARS_WITHIN: Final = re.compile(
    r"(?=[\d一二两三四五六七八九十])(?<![\d第每近前后])(?P<n>10|[1-9]|十|[一二两三四五六七八九])年(?:内|之内|以内)(?!的)"
)


_CLAUSE_ENDS: Final = "，,；;：:。！？!?\n"


def _month_table(months: Mapping[str, str | list[str]]) -> dict[str, tuple[str, ...]]:
    return {name: (v,) if isinstance(v, str) else tuple(v) for name, v in months.items()}


PERIODS: Final = _month_table(EVENTS["periods"])
NAMED_EVENTS: Final = _month_table(EVENTS["events"])
PERIOD_PHRASE: Final = re.compile(
    rf"(?=[“\"「『{heads(PERIODS)}])[“\"「『]?(?P<name>{alt(PERIODS)})[”\"」』]?(?P<when>期间|时期|期末|末)?"
)
# (It opens with its names, a branch of words: the regex engine skips ahead to their first characters.)
EVENT_PHRASE: Final = re.compile(
    rf"(?P<name>{alt(NAMED_EVENTS)})[”\"」』]?(?:召开|举办|举行|开幕|开始)?(?:前夕|之前|以前|前|期间)"
)

_PERIOD_NAME: Final = re.compile(alt(PERIODS))


# How far before its 年 a YEAR_PHRASE may start: "截止到2020-2025年".
_YEAR_BACK: Final = 12


def _near(rx: re.Pattern[str], s: str, anchor: str, back: int) -> Iterator[re.Match[str]]:
    """`rx.finditer(s)` for a pattern whose every match holds `anchor` at most `back` characters
    after its start: tried only just before each anchor (a pattern that opens with an assertion
    or an optional group is otherwise tried at every position of the text)."""
    end = 0
    k = s.find(anchor)
    while k >= 0:
        for start in range(max(end, k - back), k + 1):
            m = rx.match(s, start)
            if m is not None and m.end() > k:
                yield m
                end = m.end()
                break
        k = s.find(anchor, max(k + 1, end))


def _period_phrases(s: str) -> Iterator[re.Match[str]]:
    """PERIOD_PHRASE's matches, found from the names (fast: a regex that opens with an optional
    quotation mark is tried at every position)."""
    for name in _PERIOD_NAME.finditer(s):
        start = name.start()
        m = PERIOD_PHRASE.match(s, start - 1 if start and s[start - 1] in '“"「『' else start)
        if m is not None:
            yield m


def pick(months: tuple[str, ...], plan_year: int | None) -> str:
    """The year-month of a named period or event: the first on or after the plan's year."""
    if plan_year is not None:
        for ym in months:
            if int(ym[:4]) >= plan_year:
                return ym
    return months[-1]


def named_month(name: str, plan_year: int | None) -> str:
    """The month a period or event ends: "十二五" → "2015-12", "青奥会" → "2014-08"."""
    table = PERIODS if name in PERIODS else NAMED_EVENTS
    return pick(table[name], plan_year)


def cn_or_int(s: str) -> int:
    return int(cn2num(s))


@dataclass(frozen=True, slots=True)
class Phrase:
    start: int
    end: int
    year: int
    bare: bool = False  # "2013年", "十四五": a year named, not a deadline set ("到2013年", "年内")


def year_phrases(s: str, plan_year: int | None) -> list[Phrase]:
    """Every deadline-year phrase in `s`, in order of position."""
    out = [
        p for m in _near(YEAR_PHRASE, s, "年", _YEAR_BACK) if (p := _year_phrase(s, m, plan_year)) is not None
    ]
    for m in _period_phrases(s):
        if m.start() > 0 and s[m.start() - 1] in _NOT_DEADLINE_BEFORE:
            continue  # "相比“十三五”期": a base period
        bare = m.group("when") is None  # "十四五规划"
        out.append(Phrase(m.start(), m.end(), int(named_month(m.group("name"), plan_year)[:4]), bare))
    for m in EVENT_PHRASE.finditer(s):
        out.append(Phrase(m.start(), m.end(), int(named_month(m.group("name"), plan_year)[:4])))
    if plan_year is not None:
        out += _plan_relative_phrases(s, plan_year)
    out.sort(key=lambda p: (p.start, -p.end))
    return out


def _year_phrase(s: str, m: re.Match[str], plan_year: int | None) -> Phrase | None:
    """A YEAR_PHRASE match as a deadline year; None where it names no deadline."""
    if m.group("pre") is None and m.start() > 0:
        prev = s[m.start() - 1]
        if prev in _NOT_DEADLINE_BEFORE or prev.isdigit():
            return None
    after = s[m.end() : m.end() + 6]
    if _NOT_DEADLINE_AFTER.match(after):
        return None
    try:
        year = cn_or_int(m.group("y2") or m.group("y"))
    except ValueError:
        return None
    if m.group("before") and _ATTRIBUTIVE_YEAR.match(after):
        return None  # "2000年前建成的小区": which houses, not when
    if plan_year is not None and year < plan_year - 10:
        return None
    bare = not (m.group("pre") or m.group("suf") or m.group("before"))
    return Phrase(m.start(), m.end(), year, bare)


def _plan_relative_phrases(s: str, plan_year: int) -> list[Phrase]:
    """Years counted from the plan's own: "5年内" opening a clause, "年内", "明年"."""
    out: list[Phrase] = []
    for m in _near(_YEARS_WITHIN, s, "年", 2):
        if m.start() == 0 or s[m.start() - 1] in _CLAUSE_ENDS:  # "5年内，…": not "在一年内绿化"
            out.append(Phrase(m.start(), m.end(), plan_year + cn_or_int(m.group("n")) - 1))
    for m in _near(_PLAN_YEAR_PHRASE, s, "年", 2):
        out.append(Phrase(m.start(), m.end(), plan_year + (1 if m.group("w") == "明年" else 0)))
    return out


def year_of(text: str, *, plan_year: int | None = None) -> int | None:
    """The year of the first deadline phrase in `text`: "到2015年" → 2015, "2011年底前" → 2011,
    "“十二五”期间" → 2015, "青奥会前" → 2014, "年内" → plan_year; None if there is none."""
    phrases = year_phrases(normalize_digits(unspaced(text)), plan_year)
    return phrases[0].year if phrases else None
