"""Suggested merges: pairs of directory entries that are probably one body printed two ways
(经发局 / 经济发展局, 宜阳公安局 / 宜阳公安分局, 工程局 / 工程建设管理局, 市监分局 /
市场监督管理局宜阳分局), for the office to confirm one by one through the merge page (the merge
itself is do_merge_units, audited).

Three kinds of evidence, strongest first (duban.units.names): the alias data and the
abbreviation rules (the same strong key), the looser rules (the same loose key), and likeness of
the names. Group entries ("各区县") are never proposed, nor two entries of different kinds.

Cost: keys are compared through dictionaries; likeness only between names that share two
uncommon character pairs, so a directory of thousands of units is read once and compared in
about linear time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from duban.units.models import Alias, Kind, Unit
from duban.units.names import likeness, rules

# Likeness alone must be high, and the names long or one inside the other: 市国税局 / 市地税局
# (0.75) and 市信访办 / 市信访联席办 (0.80) are different bodies.
LIKENESS = 0.85
LONG_NAME = 8
# A character pair found in more names than this says nothing about which names are alike.
COMMON_PAIR = 40


@dataclass(frozen=True)
class Suggestion:
    keep: Unit  # the fuller name, kept (the other becomes its alias)
    gone: Unit
    why: str
    sure: bool  # by the alias data or the abbreviation rules (not only alike)


def _fuller(a: Unit, b: Unit) -> tuple[Unit, Unit]:
    """(keep, gone): the name already in its full form, else the longer, else the older entry."""
    r = rules()

    def rank(u: Unit) -> tuple[bool, int, int]:
        return (r.strong_key(u.name) == u.name, len(u.name), -u.pk)

    return (a, b) if rank(a) >= rank(b) else (b, a)


def _names(units: list[Unit]) -> dict[int, list[str]]:
    """Each unit's names: its own and its aliases."""
    names: dict[int, list[str]] = {u.pk: [u.name] for u in units}
    for unit_id, alias in Alias.objects.filter(unit_id__in=names).values_list("unit_id", "name"):
        names[unit_id].append(alias)
    return names


def suggested_merges(units: Iterable[Unit] | None = None) -> list[Suggestion]:
    pool = list(
        units
        if units is not None
        else Unit.objects.filter(active=True).exclude(kind=Kind.GROUP).order_by("pk")
    )
    by_pk = {u.pk: u for u in pool}
    names = _names(pool)
    r = rules()
    found: dict[frozenset[int], Suggestion] = {}

    def propose(group: set[int], why: str, sure: bool) -> None:
        for a, b in combinations(sorted(group), 2):
            ua, ub = by_pk[a], by_pk[b]
            if ua.kind != ub.kind or frozenset((a, b)) in found:
                continue
            keep, gone = _fuller(ua, ub)
            found[frozenset((a, b))] = Suggestion(keep, gone, why, sure)

    for key_of, why, sure in (
        (r.strong_key, "同一单位的简称或别名（别名数据、简称规则）", True),
        (r.loose_key, "名称规则：分局与局、“建设管理”“管理”等字样、括注不同", False),
    ):
        groups: dict[str, set[int]] = defaultdict(set)
        for pk, printed in names.items():
            for name in printed:
                groups[key_of(name)].add(pk)
        for group in groups.values():
            if len(group) > 1:
                propose(group, why, sure)
    for a, b, ratio in _alike(pool):
        propose({a, b}, f"名称相近（相似度 {ratio:.0%}）", False)
    return sorted(found.values(), key=lambda s: (not s.sure, s.keep.name, s.gone.name))


def _alike(units: list[Unit]) -> list[tuple[int, int, float]]:
    r = rules()
    keys = {u.pk: r.loose_key(u.name) for u in units}
    index: dict[str, list[int]] = defaultdict(list)
    for pk, key in keys.items():
        for pair in {key[i : i + 2] for i in range(len(key) - 1)}:
            index[pair].append(pk)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in index.values():
        if len(members) <= COMMON_PAIR:
            for a, b in combinations(sorted(members), 2):
                shared[(a, b)] += 1
    out = []
    for (a, b), n in shared.items():
        if n < 2:
            continue
        ratio = likeness(keys[a], keys[b])
        short, long = sorted((keys[a], keys[b]), key=len)
        # A name with words before it is another level's or place's body (市综治办 / 综治办).
        if long.endswith(short):
            continue
        if ratio >= LIKENESS and (len(short) >= LONG_NAME or _inside(short, long)):
            out.append((a, b, ratio))
    return out


def _inside(short: str, long: str) -> bool:
    """Whether `short` reads inside `long` with characters left out in its middle (大数据集团 in
    大数据产业集团). Not at either end: 财政局 is not 市财政局 (a district's and the city's)."""
    chars = iter(long)
    return long[:1] == short[:1] and long[-1:] == short[-1:] and all(c in chars for c in short)
