"""Mentions: each number as printed, with its unit and what touches it on the right ("以上",
"以内", "左右", "内").  Mentions that cannot be targets are marked `dropped`: inside quotes,
book titles or dates, ranges ("10-15分钟"), approximations ("约48公里", "9座左右"), ordinals
("第3"), rankings ("前30%"), codes ("5G", "PM2.5"), years and vague amounts ("一批")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from duban.extract.model import Comparator
from duban.extract.numerals import cn2num
from duban.extract.targets.vocabulary import (
    CN_DIGIT_CHARS,
    CN_NUM_CHARS,
    FREQUENCY_UNITS,
    RIGHT_WORDS,
    TIME_UNITS,
    UNITS,
    WINDOW_UNITS,
    WORDS,
    alt,
    trie,
    word_re,
)

_ARABIC: Final = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CN: Final = rf"[{CN_DIGIT_CHARS}十][{CN_NUM_CHARS}]{{0,12}}(?:点[{CN_DIGIT_CHARS}]{{1,6}})?"

# One number as printed, with its unit.  Chinese numerals count only with a unit, so that
# "统一", "一体化" and "十二五" never start a mention.  The lookahead lets the scan skip at once
# the characters that cannot start one (most of a text).
MENTION: Final = re.compile(
    rf"(?=[百千\d{CN_DIGIT_CHARS}十])"
    rf"(?:(?P<frac>百分之|千分之)(?P<fnum>{_ARABIC}|[{CN_NUM_CHARS}]{{1,12}}(?:点[{CN_DIGIT_CHARS}]{{1,6}})?)"
    rf"|(?<![\d.A-Za-z])(?P<ar>{_ARABIC})(?P<mul>[万亿])?(?P<aunit>{trie(UNITS)})?"
    rf"|(?P<cn>{_CN})(?P<cunit>{trie(UNITS)}))"
)
QUICK: Final = re.compile(rf"[0-9０-９{CN_DIGIT_CHARS}十]")

# "第3", "前30%", "每2年", "约48公里", "不足80%": ordinals, per-units, approximations, conditions
_DROP_BEFORE_REV: Final = word_re(
    WORDS["blocked_before"] + WORDS["approximate_before"] + WORDS["condition_before"], reverse=True
)
_PAREN_SKIP: Final = re.compile(r"[（(][^（）()]{0,16}[）)]")
_RIGHT: Final = re.compile(
    rf"(?P<approx>{alt(WORDS['approximate_after'])})|(?P<cmp>{alt(RIGHT_WORDS)})|(?P<nei>内)"
)
SEPARATOR: Final = word_re(WORDS["list_separators"])
_UNIT_WORD: Final = word_re(WORDS["unit_words"])
_VAGUE: Final = frozenset(WORDS["vague_quantities"])
_RANK_BEFORE: Final = frozenset(WORDS["rank_before"])
_RANK_UNITS: Final = frozenset(WORDS["rank_units"])
_RANGE_MARKS: Final = frozenset(WORDS["range_marks"])
_PERIOD_UNITS: Final = TIME_UNITS | WINDOW_UNITS
_PERIOD_GAP: Final = re.compile(r"[^\u4e00-\u9fff]|.{5}")  # at most 4 characters, all words


@dataclass(slots=True)
class Mention:
    start: int
    end: int  # after the unit
    value: float
    unit: str | None
    right_cmp: Comparator | None = None
    nei: bool = False  # "24小时内"
    right_end: int = 0  # after 以上/以下/内 and any parenthetical
    dropped: bool = False
    chinese: bool = False  # written in Chinese numerals ("一个", "三家")
    aside: bool = False  # inside brackets: "（其中新城5个）"


def _mention(m: re.Match[str]) -> Mention | None:
    try:
        if m.group("frac"):
            unit = "%" if m.group("frac") == "百分之" else "‰"
            return Mention(m.start(), m.end(), float(cn2num(m.group("fnum"))), unit)
        if m.group("ar"):
            unit = (m.group("mul") or "") + (m.group("aunit") or "")
            return Mention(m.start(), m.end(), float(m.group("ar").replace(",", "")), unit or None)
        numeral, unit = m.group("cn"), m.group("cunit")
        if (
            len(numeral) > 1
            and numeral[-1] in "万亿"
            and "万" not in numeral[:-1]
            and "亿" not in numeral[:-1]
        ):
            value = float(cn2num(numeral[:-1]))
            return Mention(m.start(), m.end(), value, numeral[-1] + unit, chinese=True)
        return Mention(m.start(), m.end(), float(cn2num(numeral)), unit, chinese=True)
    except ValueError:
        return None


def read_mentions(s: str) -> list[Mention]:
    """Every number of `s` as printed, with "10/10万" read as one rate (value 10, unit "/10万")."""
    ms = [mt for m in MENTION.finditer(s) if (mt := _mention(m)) is not None]
    i = 0
    while i + 1 < len(ms):
        a, b = ms[i], ms[i + 1]
        if a.unit is None and b.start == a.end + 1 and s[a.end] == "/":
            a.unit, a.end = s[a.end : b.end], b.end
            del ms[i + 1]
        i += 1
    return ms


def dropped_by_context(s: str, mt: Mention) -> bool:
    """Whether the characters around a mention rule it out (before any clause analysis)."""
    start = mt.start
    prev = s[start - 1] if start else ""
    if prev and prev in "（(":
        return True  # "远香湖南（4.73平方公里）": a size given in passing
    if prev.isascii() and prev.isalpha():
        return True  # PM2.5, G20
    if mt.unit is None or mt.unit[-1] not in "%‰":
        nxt = s[mt.end : mt.end + 1]
        if nxt.isascii() and nxt.isalpha():
            return True  # 5G, 3A
    if mt.unit == "年" and mt.value >= 1000:
        return True  # a year
    if mt.unit and _UNIT_WORD.match(s, mt.end - len(mt.unit.lstrip("万亿") or mt.unit)):
        return True  # "安远路899项目": the unit character opens a word
    if s[start : mt.end] in _VAGUE:
        return True  # 一批
    if prev in _RANK_BEFORE and mt.unit in _RANK_UNITS:
        return True  # "前30%", "前3名": a ranking
    return _DROP_BEFORE_REV.match(s[max(0, start - 3) : start][::-1]) is not None


def scan_right(s: str, mt: Mention) -> None:
    """Read what touches a mention on the right: 以上/以下 (a comparator), 左右 (dropped), 内."""
    i = mt.end
    p = _PAREN_SKIP.match(s, i)
    if p is not None:
        i = p.end()
    r = _RIGHT.match(s, i)
    if r is not None:
        if r.group("approx"):
            mt.dropped = True
        elif r.group("cmp"):
            mt.right_cmp = RIGHT_WORDS[r.group("cmp")]
            i = r.end()
        elif mt.unit in TIME_UNITS:
            mt.right_cmp, mt.nei = "<=", True
            i = r.end()
        elif mt.unit in WINDOW_UNITS:
            mt.dropped = True  # "5年内", "3个月内": a time window, not a target
        p = _PAREN_SKIP.match(s, i)
        if p is not None and r.group("cmp"):
            i = p.end()
    mt.right_end = i
    if mt.unit is None and r is None and i < len(s) and _is_cjk_word(s[i]) and not SEPARATOR.match(s, i):
        mt.dropped = True  # "95分", "3级", "110非警务": a number with a unit we do not know


def _is_cjk_word(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" and c != "的"


def mark_ranges(s: str, ms: list[Mention]) -> None:
    """Drop both ends of a range ("10-15分钟") and of a score band ("[95%，100%)"), and the period
    of a frequency ("15天完成1次": every 15 days, not a time limit)."""
    for a, b in pairwise(ms):
        if (
            a.unit in _PERIOD_UNITS
            and b.unit in FREQUENCY_UNITS
            and not _PERIOD_GAP.search(s, a.end, b.start)
        ):
            a.dropped = True
        between = s[a.end : b.start]
        if 1 <= len(between) <= 2 and all(c in _RANGE_MARKS for c in between):
            a.dropped = b.dropped = True  # "10-15分钟", "1000-5000人", "25—30公里"
        elif (
            between in ("，", ",")
            and a.start
            and s[a.start - 1] in "[（("
            and s[b.end : b.end + 1] in tuple("]）)")
        ):
            a.dropped = b.dropped = True  # "[95%，100%)": a score band
    for mt in ms:
        if (
            not mt.dropped
            and mt.start > 0
            and s[mt.start - 1] in _RANGE_MARKS
            and s[mt.start - 1] not in "至到"
        ):
            before = s[max(0, mt.start - 2) : mt.start - 1]
            if before.isdigit() or before in "%‰":
                mt.dropped = True
