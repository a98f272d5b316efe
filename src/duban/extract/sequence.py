"""Which candidate numbering marks are real: those that form consistent sequences.

A number in running text ("3、4月", "第3季度", "完成2.8万㎡") rarely continues a sequence
1、2、3… of its own style in document order; a real mark nearly always does.  For each style the
candidates are chained by dynamic programming: a chain earns the evidence of every mark it keeps
(a line's start, a sentence's end before it …) and a bonus for each step that counts up by one,
and pays for restarts (numbering that starts again inside a new section), a skipped number, or a
jump.  The best chain per style is kept.

A line break is evidence, not a requirement: in a paragraph that holds a whole flattened
document a chain may start anywhere; in a paragraph of ordinary length a mark inside the line
is kept only where it continues a sequence (two items a scraper ran together), so an
enumeration inside an item ("分三步：1.…2.…") stays the item's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from duban.extract.segment import LINE_START, Candidate

_CONTINUE = 1.5  # the next number of the same style
_FIRST = 0.0  # the first mark of a style
_RESTART = -0.5  # a style starting again at 1 (inside a new section)
_GAP = -1.5  # one number skipped (a printing error the lint reports)
_JUMP = -3.5  # anything else: only a line's start outweighs it


class Placed(NamedTuple):  # (a tuple: made by the thousand, cheap to make)
    """A candidate and whether it stands in a paragraph long enough to be flattened text."""

    candidate: Candidate
    flat: bool


def keep(cands: Sequence[Placed]) -> list[bool]:
    """For each candidate (in document order), whether it is a real mark."""
    by_style: dict[str, list[int]] = {}
    for i, p in enumerate(cands):
        by_style.setdefault(p.candidate.style, []).append(i)
    kept = [False] * len(cands)
    for idxs in by_style.values():
        for j in _best_chain([cands[i] for i in idxs]):
            kept[idxs[j]] = True
    return kept


def _best_chain(cands: Sequence[Placed]) -> list[int]:
    # best[v]: the best score of a chain ending in value v, and the candidate it ends with.
    best: dict[int, tuple[float, int]] = {}
    top: tuple[float, int | None] = (0.0, None)  # the best chain of any ending (None: empty)
    pred: list[int | None] = [None] * len(cands)
    for j, p in enumerate(cands):
        c = p.candidate
        w = c.evidence
        # Inside an ordinary line a mark may only continue a sequence, never start one.
        free = c.evidence >= LINE_START or p.flat
        options: list[tuple[float, int | None]] = []
        for step, cost in ((1, _CONTINUE), (2, _CONTINUE + _GAP)):
            if c.value - step in best:
                s, end = best[c.value - step]
                options.append((s + w + cost, end))
        if free:
            s, last = top
            if c.value == 1:
                options.append((s + w + (_FIRST if last is None else _RESTART), last))
            options.append((s + w + _JUMP, last))
        if not options:
            continue
        score, before = max(options, key=lambda o: o[0])
        if score <= best.get(c.value, (float("-inf"), -1))[0]:
            continue
        best[c.value] = (score, j)
        pred[j] = before
        if score > top[0]:
            top = (score, j)
    chain: list[int] = []
    node = top[1]
    while node is not None:
        chain.append(node)
        node = pred[node]
    return chain[::-1]
