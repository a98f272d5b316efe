"""Clauses whose numbers state a condition, not a commitment: the case a rule applies to
("连接软管长度超过2米…的，责令改正") and the condition of a scoring rule ("占比60%及以上，加3分")."""

from __future__ import annotations

import re
from typing import Final

from duban.extract.targets.text import Text
from duban.extract.targets.vocabulary import WORDS, alt

_SCORE_VERBS: Final = alt(WORDS["score_verbs"])
# "加3分", "扣0.5分", "扣两分", "不得分", "不加分"
_SCORE: Final = re.compile(
    rf"(?:{_SCORE_VERBS})(?:\d+(?:\.\d+)?|[一二两三四五六七八九十半]{{1,3}})分|不(?:{_SCORE_VERBS})?分"
)
_ASIDE: Final = re.compile(r"[（(][^（）()\n]{1,40}[）)]")


def in_condition(t: Text, pos: int) -> bool:
    """Whether the clause around `pos` is the condition of what follows it."""
    s = t.s
    end = t.clause_end(pos)
    if end >= len(s) or s[end] in "。！？!?\n":
        return False
    if s[end - 1] == "的" and s[end] in "，,：:":
        return True  # "…使用年限超过20年的，…": the case a rule applies to
    return _SCORE.match(s, end + 1) is not None


def asides(s: str) -> list[tuple[int, int]]:
    """Spans in brackets: "共计9个（嘉定新城5个、其他区域4个）" — a breakdown, not commitments."""
    if "（" not in s and "(" not in s:
        return []
    return [m.span() for m in _ASIDE.finditer(s)]
