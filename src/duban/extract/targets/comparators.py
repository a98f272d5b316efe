"""The comparator before a number: "达95%", "不低于常住人口1‰", "下降40%", "比2020年下降到…"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from duban.extract.model import Change, Comparator
from duban.extract.targets.vocabulary import (
    CHANGE_WORDS,
    CLOSERS,
    LEFT_WORDS,
    OPENERS,
    PUNCT,
    WORDS,
    alt,
    ends_with,
    word_re,
)

_TOUCHING_ONLY: Final = frozenset(WORDS["touching_only"]) | frozenset(CHANGE_WORDS)
_BLOCKED: Final[dict[str, frozenset[str]]] = {
    w: frozenset(cs) for w, cs in WORDS["blocked_comparators"].items()
}
_LEFT_TOUCH_REV: Final = word_re(LEFT_WORDS, reverse=True)
_GAP_WORDS: Final = [w for w in LEFT_WORDS if w not in _TOUCHING_ONLY]
_LEFT_GAP_REV: Final = re.compile(
    rf"(?P<gap>[^\d{re.escape(PUNCT + '、' + OPENERS + CLOSERS)}]{{1,12}}?)(?P<w>{alt(_GAP_WORDS, reverse=True)})"
)
_CHANGE_REV: Final = word_re(CHANGE_WORDS, reverse=True)


@dataclass(frozen=True, slots=True)
class Left:
    start: int  # where the comparator word starts
    cmp: Comparator
    change: Change | None
    gap: int  # the length of the noun phrase between the word and the number


def left_comparator(s: str, pos: int, clause_start: int) -> Left | None:
    """The nearest comparator before a number: touching it, or across a short noun phrase."""
    lo = max(clause_start, pos - 16)
    rev = s[lo:pos][::-1]
    m = _LEFT_TOUCH_REV.match(rev)
    gap = 0
    if m is not None:
        word = m.group(0)[::-1]
    else:
        g = _LEFT_GAP_REV.match(rev)
        if g is None:
            return None
        word = g.group("w")[::-1]
        gap = len(g.group("gap"))
    start = pos - gap - len(word)
    if word in _BLOCKED and start > 0 and s[start - 1] in _BLOCKED[word]:
        return None  # 下达, 表达, 直达, 通过 …
    cmp, change = LEFT_WORDS[word]
    if change is None:
        # "下降不低于10%", "比2020年下降到": a change verb right before the comparator.
        c = ends_with(_CHANGE_REV, s, start, clause_start, 4)
        if c is not None and not word.endswith(("到", "至")):
            change = CHANGE_WORDS[c.group(0)[::-1]]
    return Left(start, cmp, change, gap)
