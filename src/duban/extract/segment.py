"""Numbering marks: their grammar, at the start of a line or anywhere in the character stream.

Styles are compared by kind only ("一、", "(一)", "1.", "(1)", "①", "I-1", "第一条", "任务1"):
the outline is built the way a reader does (a style already open higher up closes everything
below it; a new style opens a level below the current one).  One table of styles serves both
`parse_mark` (a line known to start an item) and `find_marks` (every place in running text where
a mark could stand; `sequence.py` keeps those that form consistent sequences).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from duban.extract.numerals import cn2num

CN = "零〇○一二两三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_DIGIT = "0-9０-９"
_DIGITS = "0123456789０１２３４５６７８９"
# The dot after a number: ASCII, full-width, the small full stop (U+FE52) and the ideographic
# full stop that OCR reads for it ("1。") — only where a sequence backs it (see find_marks).
_DOT = ".．﹒"

# A stray "?" or space after the mark comes from conversion ("1.?完善…", "30. 加快…").
_STRAY = r"[?？\s]*"


@dataclass(frozen=True)
class _Style:
    name: str
    pattern: str  # the mark; group "n" is the printed number (no anchors, no lookbehind)
    # What may not stand just before a mark found inside a line: the rest of a number or word.
    not_after: str
    opens: str  # the characters the mark can start with


_STYLES: tuple[_Style, ...] = (
    _Style("第章", rf"第(?P<n>[{CN}{_DIGIT}]+)章{_STRAY}", "第", "第"),
    _Style("第节", rf"第(?P<n>[{CN}{_DIGIT}]+)节{_STRAY}", "第", "第"),
    _Style("第部分", rf"第(?P<n>[{CN}{_DIGIT}]+)(?:部分|篇){_STRAY}", "第", "第"),
    _Style("第条", rf"第(?P<n>[{CN}{_DIGIT}]+)条{_STRAY}", "第", "第"),
    _Style(
        "行动",
        rf"[—\-–]*(?P<w>行动|任务|专项行动|攻坚行动)(?P<n>[{CN}{_DIGIT}]+)[:：、{_DOT}]{_STRAY}",
        "",
        "—-–行任专攻",
    ),
    _Style("roman", r"(?P<n>(?:VIII|VII|VI|IV|IX|III|II|I|X|V)-\d+)(?![\d.])\s*", "A-Za-z", "IVX"),
    _Style("一、", rf"(?P<n>[{CN}]+)\s*[、{_DOT}，,]{_STRAY}", CN + "第", CN),
    _Style("(一)", rf"[（(]\s*(?P<n>[{CN}]+)\s*[）)]\s*[、{_DOT}]?{_STRAY}", "", "（("),
    _Style("(1)", rf"[（(]\s*(?P<n>[{_DIGIT}]{{1,3}})\s*[）)]\s*[、{_DOT}]?{_STRAY}", "", "（("),
    _Style("1)", rf"(?P<n>[{_DIGIT}]{{1,3}})[）)]\s*", _DIGIT + _DOT + "A-Za-z（(第", _DIGITS),
    _Style("①", rf"(?P<n>[{_CIRCLED}])\s*", "", _CIRCLED),
    _Style("1、", rf"(?P<n>[{_DIGIT}]{{1,3}})\s*、{_STRAY}", _DIGIT + _DOT + "A-Za-z第", _DIGITS),
    _Style(
        "1.",
        rf"(?P<n>[{_DIGIT}]{{1,3}})\s*[{_DOT}](?![{_DIGIT}]){_STRAY}",
        _DIGIT + _DOT + "A-Za-z第/",
        _DIGITS,
    ),
)
_BY_NAME = {s.name: s for s in _STYLES}
_AT_START = tuple((s, re.compile("^" + s.pattern)) for s in _STYLES)
# By the character a line opens with, the styles that can start there, in the table's order.
_BY_OPENER: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    c: tuple((s.name, rx) for s, rx in _AT_START if c in s.opens) for s in _STYLES for c in s.opens
}
_OPENERS = frozenset(_BY_OPENER)

# What follows an amount, not a heading: "2.5万人", "3、4月" (at a line's start, a heading may
# begin with a numeral: "一、三农工作"); inside a line "一、二级" and "1、2号线" are amounts too.
_AMOUNT_AT_START = re.compile(rf"^[{_DIGIT}%‰]")
_AMOUNT_INSIDE = re.compile(rf"^[{_DIGIT}%‰{CN}]")


class Mark(NamedTuple):  # (a tuple: made by the thousand, cheap to make)
    style: str
    number: str  # as printed, normalized to ASCII digits where possible ("12", "II-4", "一")
    value: int | None  # numeric value for sequence checks
    rest: str  # the line after the mark


def parse_mark(line: str) -> Mark | None:
    """The numbering mark that opens `line`, if any."""
    s = line.lstrip("\ufeff \t\u3000")
    styles = _BY_OPENER.get(s[:1])
    if styles is None:
        return None  # cheap: this runs on every line
    for style, rx in styles:
        m = rx.match(s)
        if not m:
            continue
        rest = s[m.end() :]
        if not rest.strip() and style not in ("roman",):
            # A bare number on its own line is a table cell (序号), not a heading.
            return None
        if style in ("一、", "1、", "1.") and _AMOUNT_AT_START.match(rest):
            continue
        return _mark(style, m, rest)
    return None


def _mark(style: str, m: re.Match[str], rest: str) -> Mark:
    raw = m.group("n")
    value = _value(style, raw)
    number = str(value) if style in ("(1)", "1)", "1、", "1.", "①") and value is not None else raw
    if style == "行动" and value is not None:
        number = str(value)
        style = m.group("w") + "N"
    if style == "roman":
        # I-1 and II-4 are two levels: the Roman head names the level.
        style = raw.partition("-")[0] + "-"
    return Mark(style=style, number=number, value=value, rest=rest)


def _value(style: str, raw: str) -> int | None:
    if style == "①":
        return _CIRCLED.index(raw) + 1
    if style == "roman":
        _head, _, tail = raw.partition("-")
        return int(tail) if tail.isdigit() else None
    if raw.isdigit():
        return int(raw)
    try:
        return cn_to_int(raw)
    except ValueError:
        return None


@lru_cache(maxsize=512)
def cn_to_int(raw: str) -> int:
    """Small Chinese numbers as used in numbering marks (一 … 九十九, 一百 …)."""
    if any(c.isdigit() for c in raw):
        raise ValueError(raw)  # (cheap first: "12" and "(1)" come by the thousand)
    value = cn2num(raw)
    if not isinstance(value, int):
        raise ValueError(raw)
    return value


def roman_level(number: str) -> int:
    head = number.partition("-")[0]
    return _ROMAN.get(head, 0)


# --- marks anywhere in the stream ------------------------------------------------------------


class Candidate(NamedTuple):  # (a tuple: made by the thousand, cheap to make)
    """A place in a paragraph where a numbering mark could start."""

    start: int  # offset of the mark in the paragraph's text
    end: int  # where the item's own text starts
    style: str  # the style's kind as `Mark.style` names it ("1、", "行动N", "II-", …)
    value: int
    evidence: float  # how strongly what stands before it says "a new item starts here"


# Evidence from what stands before a mark: a line's start is what a printed page gives; inside
# a line a sentence's end, a closing bracket (a role clause ends the item before) or a run of
# spaces (a line break a scraper turned into a space) say the same, more weakly.
LINE_START = 4.0
_AFTER_SPACE = 2.0
_AFTER_STOP = 1.5
_AFTER_CLOSE = 1.0
_AFTER_COLON = 0.5
_INSIDE = -1.0
_STOPS = frozenset("。；;！!？?")
_CLOSERS = frozenset('）)】」”’"》>')
_COLONS = frozenset("：:")

_ANYWHERE = re.compile(
    "|".join(
        f"(?P<s{i}>{s.pattern.replace('(?P<n>', f'(?P<n{i}>').replace('(?P<w>', f'(?P<w{i}>')})"
        for i, s in enumerate(_STYLES)
    )
)
# Only these characters can start a mark: skip ahead to them instead of trying every offset.
_START_CHARS = re.compile(f"[{re.escape(''.join(sorted(_OPENERS)))}]")
# A break, then an opener: the mark starts one character in (no lookbehind: a plain character
# class first lets the regex engine skip ahead fast).
_START_AFTER_BREAK = re.compile(f"[。；;！!？?）)：:\\s][{re.escape(''.join(sorted(_OPENERS)))}]")


def find_marks(text: str, *, anywhere: bool = True) -> list[Candidate]:
    """Every place in `text` where a numbering mark could stand, with the evidence for it.

    A mark inside a line must be followed by the start of a heading or a sentence (not by an
    amount: "3、4月", "一、二级") and not be the tail of a number or word ("第3", "G15.", "2.8").
    Without `anywhere` (a line of ordinary length), only the line's start and the places after
    a sentence's end, a closing bracket or a space are looked at: there a mark inside the line
    can have evidence of its own.
    """
    out: list[Candidate] = []
    pos = 0
    # A short line holds one item at most: only its start is looked at.
    n = len(text) if len(text) > 40 else min(len(text), 8)
    starts, back = (_START_CHARS, 0) if anywhere else (_START_AFTER_BREAK, 1)
    while pos < n:
        # (A break found one character back may be the end of the mark just read.)
        hit = starts.search(text, pos - back) if pos else _START_CHARS.match(text) or starts.search(text)
        if hit is None:
            break
        i = hit.start() if hit.re is _START_CHARS else hit.start() + 1
        m = _ANYWHERE.match(text, i)
        if m is None:
            pos = i + 1
            continue
        cand = _candidate(text, m)
        if cand is not None:
            out.append(cand)
            pos = m.end()
        else:
            pos = i + 1
    return out


def _candidate(text: str, m: re.Match[str]) -> Candidate | None:
    k = int((m.lastgroup or "s0")[1:])  # the style's outer group closes last
    style = _STYLES[k]
    start, end = m.start(), m.end()
    rest = text[end : end + 2]
    if not rest.strip():
        return None
    if style.name in ("一、", "1、", "1.", "1)") and _AMOUNT_INSIDE.match(rest):
        return None
    b = start  # the character before the mark, spaces skipped (no copy of the line's head)
    while b > 0 and text[b - 1] in " \t\u3000\u00a0":
        b -= 1
    last = text[b - 1] if b else ""
    if last and style.not_after and re.match(f"[{style.not_after}]", last):
        return None
    if style.name == "一、" and text[end - 1 : end] in "，," and last:
        return None  # "一，" inside a line is prose ("第一，…" or a list of numerals)
    raw = m.group(f"n{k}")
    value = _value(style.name, raw)
    if value is None:
        return None
    mark_style = style.name
    if style.name == "行动":
        mark_style = m.group(f"w{k}") + "N"
    elif style.name == "roman":
        mark_style = raw.partition("-")[0] + "-"
    evidence = _evidence(last, spaced=b < start)
    if (
        style.name == "行动"
        and evidence <= _INSIDE
        and parse_mark(text[m.start(f"n{k}") : end + 2]) is not None
    ):
        return None  # "…焕新行动1.加力…": the end of a heading, then a mark of its own
    return Candidate(start=start, end=end, style=mark_style, value=value, evidence=evidence)


def _evidence(last: str, *, spaced: bool) -> float:
    """What the character before a mark says (`last` is "" at a line's start)."""
    if not last:
        return LINE_START
    if last in _STOPS:
        return _AFTER_STOP + (0.5 if spaced else 0.0)
    if last in _CLOSERS:
        return max(_AFTER_CLOSE, _AFTER_SPACE if spaced else 0.0)
    if spaced:
        return _AFTER_SPACE
    if last in _COLONS:
        return _AFTER_COLON
    return _INSIDE


def style_of(name: str) -> str:
    """The style table's own name for a mark style ("行动N" → "行动"), for lookups."""
    return name if name in _BY_NAME else ("行动" if name.endswith("N") else "roman")


_SHI = re.compile(rf"(?:^|(?<=[。；;！!]))\s*(?P<n>[{CN}]{{1,3}})是")


def split_measures(text: str) -> list[tuple[int, str]]:
    """Split "一是…。二是…" narrative measures: [(k, text of measure k)], or [] when none.

    Only a run that starts at 一是 and counts up counts; a lone "二是" in prose does not.
    """
    hits = []
    expected = 1
    for m in _SHI.finditer(text):
        try:
            k = cn_to_int(m.group("n"))
        except ValueError:
            continue
        if k == expected:
            hits.append((k, m.start("n"), m.end()))
            expected += 1
    if not hits:
        return []
    out = []
    for i, (k, _start, body_start) in enumerate(hits):
        end = hits[i + 1][1] if i + 1 < len(hits) else len(text)
        out.append((k, text[body_start:end].strip()))
    return out
