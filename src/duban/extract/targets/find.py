"""`find_targets`: from the mentions of a requirement text to the targets it commits to."""

from __future__ import annotations

from duban.extract.model import Comparator, Target
from duban.extract.numerals import normalize_digits
from duban.extract.targets.comparators import Left, left_comparator
from duban.extract.targets.decide import decide, follow
from duban.extract.targets.mentions import (
    QUICK,
    SEPARATOR,
    Mention,
    dropped_by_context,
    mark_ranges,
    read_mentions,
    scan_right,
)
from duban.extract.targets.metrics import metrics, respectively
from duban.extract.targets.text import Text
from duban.extract.targets.vocabulary import unspaced


def find_targets(text: str, *, plan_year: int | None = None) -> list[Target]:
    """Every quantitative target the requirement `text` commits to (see the package doc)."""
    if not text or QUICK.search(text) is None:
        return []
    s = normalize_digits(unspaced(text))
    raw = read_mentions(s)
    if not raw:
        return []
    t = Text(s, plan_year)
    for mt in raw:
        if dropped_by_context(s, mt) or t.is_protected(mt.start, mt.end):
            mt.dropped = True
        else:
            scan_right(s, mt)
    mark_ranges(s, raw)

    out: list[Target] = []
    last_items: dict[int, list[str]] = {}  # sentence start → metrics of its last 分别 list
    prev_end_in_clause = 0
    for g in _value_lists(s, raw):
        first, last = g[0], g[-1]
        lo = t.clause_start(first.start)
        left_lo = max(lo, prev_end_in_clause)
        left = left_comparator(s, first.start, left_lo)
        anchor = left.start if left is not None else first.start
        after = follow(s, last.right_end)
        unit = last.unit if last.unit is not None else first.unit
        group_cmp: Comparator | None = last.right_cmp or (left.cmp if left is not None else None)
        if not decide(t, g, left, after, unit, group_cmp, left_lo):
            continue
        prev_end_in_clause = last.right_end
        change = left.change if left is not None else None
        by = t.year_before(anchor)
        sent = t.sentence_start(first.start)
        names = metrics(t, g, left, after, left_lo, anchor, last_items.get(sent))
        if respectively(s, anchor, left_lo) and len(g) > 1:
            last_items[sent] = names
        if len(g) > 1 and len(names) == 1:
            names = names * len(g)
        values = g if len(names) == len(g) else [g[0]] * len(names)
        if not any(names):
            continue  # nothing measured: a band in a scoring table, not a commitment
        for name, mt in zip(names, values, strict=True):
            out.append(
                Target(
                    metric=name,
                    cmp=mt.right_cmp or group_cmp or _default_cmp(left),
                    value=mt.value,
                    unit=mt.unit if mt.unit is not None else (unit if len(g) > 1 else None),
                    change=change,
                    by=None if by is None else str(by),
                )
            )
    return out


def _value_lists(s: str, raw: list[Mention]) -> list[list[Mention]]:
    """The mentions left, grouped where joined only by 、/和/及 ("分别达90%、90%、80%以上")."""
    groups: list[list[Mention]] = []
    for mt in raw:
        if mt.dropped:
            continue
        if groups:
            prev = groups[-1][-1]
            between = s[prev.right_end : mt.start]
            if between and SEPARATOR.fullmatch(between) and (prev.unit == mt.unit or mt.unit is None):
                groups[-1].append(mt)
                continue
        groups.append([mt])
    return groups


def _default_cmp(left: Left | None) -> Comparator:
    return left.cmp if left is not None else ">="
