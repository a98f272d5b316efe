"""Numbering and headings: which line opens an item, of what style, with what number.

Styles are compared by kind only ("一、", "(一)", "1.", "(1)", "①", "I-1", "第一条", "任务1"),
and the outline is built the way a reader does: a style already open higher up closes
everything below it; a new style opens a level below the current one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.extract.numerals import cn2num

CN = "零〇○一二两三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

# Each style: a name and a regex whose group "n" is the printed number. A stray "?" or space
# after the mark comes from conversion ("1.?完善…", "30. 加快…") and is swallowed.
_STRAY = r"[?？\s]*"
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx))
    for name, rx in (
        ("第条", rf"^第(?P<n>[{CN}\d]+)[条章节部分篇]{_STRAY}"),
        ("行动", rf"^[—\-–]*(?P<w>行动|任务|专项行动|攻坚行动)(?P<n>[{CN}\d]+)[:：、.．]{_STRAY}"),
        ("roman", r"^(?P<n>(?:VIII|VII|VI|IV|IX|III|II|I|X|V)-\d+)(?![\d.])\s*"),
        ("一、", rf"^(?P<n>[{CN}]+)\s*[、.．，,]{_STRAY}"),
        ("(一)", rf"^[（(]\s*(?P<n>[{CN}]+)\s*[）)]\s*[、.．]?{_STRAY}"),
        ("(1)", r"^[（(]\s*(?P<n>\d{1,3})\s*[）)]\s*[、.．]?[?？\s]*"),
        ("1)", r"^(?P<n>\d{1,3})[）)]\s*"),
        ("①", rf"^(?P<n>[{_CIRCLED}])\s*"),
        ("1、", r"^(?P<n>\d{1,3})\s*、[?？\s]*"),
        ("1.", r"^(?P<n>\d{1,3})\s*[.．](?!\d)[?？\s]*"),
    )
)


# The characters a numbering mark can start with.
_OPENERS = frozenset(CN + _CIRCLED + "0123456789（(第—-–行任专攻IVX")


@dataclass(frozen=True)
class Mark:
    style: str
    number: str  # as printed, normalized to ASCII digits where possible ("12", "II-4", "一")
    value: int | None  # numeric value for sequence checks
    rest: str  # the line after the mark


def parse_mark(line: str) -> Mark | None:
    """The numbering mark that opens `line`, if any."""
    s = line.lstrip("\ufeff \t\u3000")
    if not s or s[0] not in _OPENERS:
        return None  # cheap: this runs on every line
    for style, rx in _STYLES:
        m = rx.match(s)
        if not m:
            continue
        raw = m.group("n")
        rest = s[m.end() :]
        if not rest.strip() and style not in ("roman",):
            # A bare number on its own line is a table cell (序号), not a heading.
            return None
        if style == "1." and re.match(r"^\d", rest):
            continue
        if style in ("一、", "1、", "1.") and _looks_like_quantity(rest):
            continue
        value = _value(style, raw)
        number = str(value) if style in ("(1)", "1)", "1、", "1.", "①") and value is not None else raw
        if style == "行动" and value is not None:
            number = str(value)
            style = m.group("w") + "N"
        if style == "roman":
            # I-1 and II-4 are two levels: the Roman head names the level.
            style = raw.partition("-")[0] + "-"
        return Mark(style=style, number=number, value=value, rest=rest)
    return None


def _looks_like_quantity(rest: str) -> bool:
    # "2.5万人", "一、二级" are amounts or ranges, not numbering.
    return bool(re.match(r"^[\d%‰]", rest))


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


def cn_to_int(raw: str) -> int:
    """Small Chinese numbers as used in numbering marks (一 … 九十九, 一百 …)."""
    value = cn2num(raw)
    if not isinstance(value, int) or any(c.isdigit() for c in raw):
        raise ValueError(raw)
    return value


def roman_level(number: str) -> int:
    head = number.partition("-")[0]
    return _ROMAN.get(head, 0)


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
