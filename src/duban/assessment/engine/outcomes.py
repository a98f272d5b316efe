"""The computation: every assessed unit's outcome (its entries, sections, total and grade),
ranked; and the assessment of the period before, for the change in rank and total.

Units that score the same list of items (every district does) share its layout, worked out
once; a unit's points are summed per run of consecutive items of one section, in hundredths.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat

from duban.assessment import scoring
from duban.assessment.engine.entries import CENT, CENTS, ZERO, Entry, Texts, paused_gc
from duban.assessment.engine.facts import gather
from duban.assessment.engine.lines import Scorer, Sourced, bonus_lines, deduction_lines, veto_lines
from duban.assessment.engine.scorers import Pair, targets_wanted, who_scores
from duban.assessment.engine.specs import ItemSpec, item_specs, plan_ids
from duban.assessment.models import (
    Assessment,
    AssessmentStatus,
    BonusItem,
    DeductionRule,
    RankBy,
    Scheme,
    SchemeItem,
    VetoItem,
)
from duban.assessment.scoring import D, Line, Score
from duban.units.models import Unit


@dataclass
class Outcome:
    unit_id: int
    unit_name: str
    entries: list[Entry]
    vetoed: str | None
    texts: Texts  # what the entries say (shared by all outcomes of a computation)
    total: Decimal  # never below 0, 0 when vetoed
    max_points: Decimal
    item_points: Decimal
    deductions: Decimal
    bonus: Decimal
    sections: list[dict[str, str]]
    grade: str = ""
    rank: int = 0
    previous_total: Decimal | None = None
    previous_rank: int | None = None


@dataclass(frozen=True)
class Layout:
    """What a list of (item, leads) needs, worked out once for all the units that share it
    (every district shares one): each step's column and section, the sections touched and
    their maxima, and the runs of consecutive steps in one section (summed at once)."""

    steps: list[tuple[dict[int, Entry], Entry, ItemSpec, tuple[int, ...] | None]]
    # The columns and their entries for a unit without data, when no step is a partner's share.
    direct: tuple[list[dict[int, Entry]], list[Entry]] | None
    runs: list[tuple[int, int, int]]  # (section, first step, step after the last)
    touched: list[int]
    maxima: list[Decimal]


def light(name: str, total: Decimal, vetoed: str | None) -> Score:
    """A Score of one line holding the total: scoring.rank and Grades ask for the total several
    times per unit, and a full Score sums its lines on every call."""
    return Score(name, (Line("合计", total, ""),), vetoed=vetoed)


def measure_of(rank_by: str, total: Decimal, max_points: Decimal) -> Decimal:
    """The one figure a unit is ranked and graded by (Scheme.rank_by): its score on a 100-point
    scale (百分制折算, the default), or its raw total."""
    return total if rank_by == RankBy.POINTS else scoring.hundred_scale(total, max_points)


def grade_of(
    measure: Decimal,
    vetoed: str | None,
    max_points: Decimal,
    bands: Sequence[tuple[Decimal, str]],
    lowest: str,
) -> str:
    """The grade for the unit's measure (measure_of): the bands are in its terms (percent on the
    100-point scale, points for raw totals). No maximum, or vetoed: the lowest grade."""
    if max_points <= 0:
        return lowest
    return scoring.Grades(tuple(bands), lowest).grade(light("", measure, vetoed))


def compute(
    scheme: Scheme,
    as_of: dt.date,
    *,
    assessment: Assessment | None = None,
    only_units: set[int] | None = None,
) -> list[Outcome]:
    """Every assessed unit's outcome, ranked and graded (with only_units: those units', unranked)."""
    with paused_gc():
        return _compute(scheme, as_of, assessment, only_units)


def _compute(
    scheme: Scheme, as_of: dt.date, assessment: Assessment | None, only_units: set[int] | None
) -> list[Outcome]:
    items = item_specs(list(SchemeItem.objects.filter(scheme=scheme)))
    plans = plan_ids(items, scheme)
    who = who_scores(scheme, items, plans)
    unit_ids = set(who.units) if only_units is None else only_units & set(who.units)
    needed = None if only_units is None else unit_ids | who.leads_needed(unit_ids)
    wanted = targets_wanted(who, unit_ids if needed is None else needed)
    facts = gather(scheme, assessment, items, plans, as_of, needed, wanted)
    units = _Units(scheme, items, Scorer(scheme, facts), unit_ids)
    outcomes = [
        units.outcome(unit_id, who.units[unit_id], facts.incidents.get(unit_id, []))
        for unit_id in sorted(unit_ids, key=lambda u: units.names[u])
    ]
    if only_units is None:
        by_name = {o.unit_name: o for o in outcomes}
        rank_by = scheme.rank_by
        ranked = scoring.rank(
            [light(o.unit_name, measure_of(rank_by, o.total, o.max_points), o.vetoed) for o in outcomes]
        )
        for place, s in ranked:
            by_name[s.unit].rank = place
        outcomes.sort(key=lambda o: (o.rank, o.unit_name))
    return outcomes


class _Units:
    """Each unit's outcome, from what is read and worked out once for all of them: the items'
    columns, the scheme's negative list, and a layout per list of (item, leads)."""

    def __init__(self, scheme: Scheme, items: Sequence[ItemSpec], scorer: Scorer, unit_ids: set[int]) -> None:
        self.scheme = scheme
        self.scorer = scorer
        self.columns = {item.id: scorer.column(item) for item in items}
        self.share_memo: dict[int, dict[tuple[Decimal, ...], tuple[Line, Decimal, str]]] = defaultdict(dict)
        self.names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
        self.rules = {r.pk: r for r in DeductionRule.objects.filter(scheme=scheme)}
        self.vetoes = {v.pk: v for v in VetoItem.objects.filter(scheme=scheme)}
        self.bonuses = {b.pk: b for b in BonusItem.objects.filter(scheme=scheme)}
        self.bands = [(D(b["min"]), str(b["grade"])) for b in scheme.grade_bands]
        self.section_names = list(dict.fromkeys(item.section for item in items))
        self.section_of = {item.id: self.section_names.index(item.section) for item in items}
        self.layouts: dict[int, Layout] = {}

    def outcome(self, unit_id: int, pairs: list[Pair], incidents: Sequence[Mapping[str, object]]) -> Outcome:
        layout = self.layouts.get(id(pairs))
        if layout is None:
            layout = self.layouts[id(pairs)] = self._layout(pairs)
        entries = self._entries(unit_id, layout)
        points = self._section_points(entries, layout)
        sections = {self.section_names[n]: (points[n], layout.maxima[n]) for n in layout.touched}
        item_points = sum((v[0] for v in sections.values()), ZERO)
        deductions = self._extend(entries, "负面清单", deduction_lines(self.rules, incidents))
        bonus = self._extend(entries, "加分项", bonus_lines(self.bonuses, self.scheme.bonus_cap, incidents))
        vetoes = veto_lines(self.vetoes, incidents)
        self._extend(entries, "一票否决", vetoes)
        vetoed = vetoes[0][0].item if vetoes else None
        # What Score.total would give (never below 0, 0 when vetoed), without summing the lines.
        total = ZERO if vetoed else max(ZERO, item_points + deductions + bonus)
        max_points = sum((v[1] for v in sections.values()), ZERO)
        name = self.names[unit_id]
        return Outcome(
            unit_id,
            name,
            entries,
            vetoed,
            self.scorer.texts,
            total,
            max_points,
            item_points,
            deductions,
            bonus,
            [{"section": s, "points": f"{v[0]:.2f}", "max": f"{v[1]:.2f}"} for s, v in sections.items()],
            grade=grade_of(
                measure_of(self.scheme.rank_by, total, max_points),
                vetoed,
                max_points,
                self.bands,
                self.scheme.lowest_grade,
            ),
        )

    def _layout(self, pairs: Sequence[Pair]) -> Layout:
        maxima = [ZERO] * len(self.section_names)
        touched: dict[int, None] = {}
        steps = []
        runs: list[tuple[int, int, int]] = []
        coefficient = self.scorer.coefficient
        for k, (item, leads) in enumerate(pairs):
            n = self.section_of[item.id]
            touched[n] = None
            maxima[n] += item.points if leads is None else (item.points * coefficient).quantize(CENT)
            got, none = self.columns[item.id]
            steps.append((got, none, item, leads))
            if runs and runs[-1][0] == n:
                runs[-1] = (n, runs[-1][1], k + 1)
            else:
                runs.append((n, k, k + 1))
        direct = None if any(leads for _, leads in pairs) else ([s[0] for s in steps], [s[1] for s in steps])
        return Layout(steps, direct, runs, list(touched), maxima)

    def _entries(self, unit_id: int, layout: Layout) -> list[Entry]:
        if layout.direct is not None:  # column by column, without a Python loop
            return list(map(dict.get, layout.direct[0], repeat(unit_id), layout.direct[1]))
        shared = self.scorer.shared
        return [
            got.get(unit_id, none)
            if leads is None
            else shared(item, leads, (got, none), self.share_memo[item.id])
            for got, none, item, leads in layout.steps
        ]

    def _section_points(self, entries: list[Entry], layout: Layout) -> list[Decimal]:
        points = [ZERO] * len(self.section_names)
        for n, first, after in layout.runs:
            run = entries[first:after]
            try:
                points[n] += Decimal(sum(map(CENTS, run))).scaleb(-2)
            except TypeError:  # a line with a fraction of a hundredth (None)
                points[n] += sum((e.line.points for e in run), ZERO)
        return points

    def _extend(self, entries: list[Entry], section: str, lines: list[Sourced]) -> Decimal:
        """Add the lines as entries of `section`; their points."""
        texts = self.scorer.texts
        entries.extend(texts.entry(line, section, extra) for line, extra in lines)
        return sum((line.points for line, _ in lines), ZERO)


def previous_of(assessment: Assessment) -> Assessment | None:
    """The closed or published assessment of the latest earlier period of the same plan (any version)."""
    scheme = assessment.scheme
    earlier = Assessment.objects.filter(
        scheme__plan__series=scheme.plan.series,
        scheme__period_end__lt=scheme.period_start,
        status__in=[AssessmentStatus.CLOSED, AssessmentStatus.PUBLISHED],
    )
    return earlier.exclude(pk=assessment.pk).order_by("-scheme__period_end", "-id").first()
