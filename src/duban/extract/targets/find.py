"""`find_targets`: from the mentions of a requirement text to the targets it commits to."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from duban.extract.model import Change, Comparator, Target
from duban.extract.numerals import normalize_digits
from duban.extract.targets.comparators import Left, left_comparator
from duban.extract.targets.conditions import asides, in_condition
from duban.extract.targets.decide import continues, decide, follow
from duban.extract.targets.mentions import (
    QUICK,
    SEPARATOR,
    Mention,
    dropped_by_context,
    mark_ranges,
    read_mentions,
    scan_right,
)
from duban.extract.targets.metrics import metrics, respectively, strip_metric
from duban.extract.targets.text import Text
from duban.extract.targets.vocabulary import RELATIVE_UNITS, unspaced


@dataclass(frozen=True, slots=True)
class _Previous:
    """The last target found, for a list that goes on without its verb ("完成1000公里A，40万户B")."""

    sentence: int
    end: int
    after: str
    cmp: Comparator
    change: Change | None
    unit: str | None


def find_targets(text: str, *, plan_year: int | None = None) -> list[Target]:
    """Every quantitative target the requirement `text` commits to (see the package doc)."""
    if not text or QUICK.search(text) is None:
        return []
    s = normalize_digits(unspaced(text))
    raw = read_mentions(s)
    if not raw:
        return []
    t = Text(s, plan_year)
    _read_context(t, raw)
    finder = _Finder(t)
    for g in _value_lists(s, raw):
        finder.read(g)
    return finder.out


class _Finder:
    """The targets of one text, list of values by list of values (each may lean on the one
    before: a 分别 list's metrics, a verb that goes on, where the last one ended)."""

    def __init__(self, t: Text) -> None:
        self.t = t
        self.out: list[Target] = []
        self.last_items: dict[int, list[str]] = {}  # sentence start → metrics of its last 分别 list
        self.prev_end_in_clause = 0
        self.previous: _Previous | None = None

    def read(self, g: list[Mention]) -> None:
        t, s = self.t, self.t.s
        first, last = g[0], g[-1]
        if in_condition(t, first.start):
            return
        lo = t.clause_start(first.start)
        left_lo = max(lo, self.prev_end_in_clause)
        left = left_comparator(s, first.start, left_lo)
        anchor = left.start if left is not None else first.start
        after = follow(s, last.right_end)
        unit = last.unit if last.unit is not None else first.unit
        group_cmp: Comparator | None = last.right_cmp or (left.cmp if left is not None else None)
        change = _change(left, after, unit)
        sent = t.sentence_start(first.start)
        if not decide(t, g, left, after, unit, group_cmp, left_lo):
            previous = self.previous
            if previous is None or previous.sentence != sent:
                return
            if not continues(t, s[previous.end : first.start], previous.after, previous.unit, g, after):
                return
            group_cmp, change = previous.cmp, previous.change  # "，40万户立管改造": the verb goes on
        self.prev_end_in_clause = last.right_end
        by = t.year_before(anchor)
        if by is None:
            by = t.year_after(last.right_end)
        named = self._named(g, left, after, (lo, left_lo, anchor, sent))
        if named is None:
            return  # nothing measured: a band in a scoring table, not a commitment
        for name, mt in zip(*named, strict=True):
            self.out.append(
                Target(
                    metric=name,
                    cmp=mt.right_cmp or group_cmp or _default_cmp(left),
                    value=mt.value,
                    unit=mt.unit if mt.unit is not None else (unit if len(g) > 1 else None),
                    change=change,
                    by=None if by is None else str(by),
                )
            )
        self.previous = _Previous(sent, last.right_end, after, self.out[-1].cmp, change, unit)

    def _named(
        self, g: list[Mention], left: Left | None, after: str, where: tuple[int, int, int, int]
    ) -> tuple[list[str], list[Mention]] | None:
        """What each value of the list measures, and the values; None when nothing is named.
        `where`: the clause start, where the left words may start, the anchor, the sentence."""
        t = self.t
        lo, left_lo, anchor, sent = where
        names = metrics(t, g, left, after, left_lo, anchor, self.last_items.get(sent))
        if respectively(t.s, anchor, left_lo) and len(g) > 1:
            self.last_items[sent] = names
        if len(g) > 1 and len(names) == 1:
            names = names * len(g)
        values = g if len(names) == len(g) else [g[0]] * len(names)
        if not any(names):
            names = _named_before(t, lo, sent, len(names))
            if not any(names):
                return None
        return names, values


def _read_context(t: Text, raw: list[Mention]) -> None:
    """Drop the mentions their surroundings rule out; read 以上/以内 and brackets around the rest."""
    s = t.s
    spans = asides(s)
    starts = [a for a, _ in spans]
    for mt in raw:
        if dropped_by_context(s, mt) or t.is_protected(mt.start, mt.end):
            mt.dropped = True
            continue
        scan_right(s, mt)
        k = bisect_right(starts, mt.start - 1)
        mt.aside = bool(k) and spans[k - 1][1] > mt.start
    mark_ranges(s, raw)


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


def _named_before(t: Text, lo: int, sentence: int, n: int) -> list[str]:
    """A bound in a clause of its own names what the clause before it does: "解决一批梗阻问题，
    不小于16处"."""
    if lo <= sentence + 1:
        return [""] * n
    name = strip_metric(t.s[t.clause_start(lo - 1) : lo - 1])
    return [name] * n


def _change(left: Left | None, after: str, unit: str | None) -> Change | None:
    """The change a comparator word names ("下降40%"), but not where a change verb takes a count
    of things as its object ("提升21个点位", "增加200辆公交车"): that is a plain count."""
    if left is None or left.change is None:
        return None
    if after == "noun" and left.gap == 0 and unit not in RELATIVE_UNITS:
        return None
    return left.change


def _default_cmp(left: Left | None) -> Comparator:
    return left.cmp if left is not None else ">="
