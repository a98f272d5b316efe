"""The lines: each item scored for every unit at once (a column), a partner's share of its
leads' points, and the lines of the negative list, the bonus items and the vetoes.

Units in the same state say the same line (the arithmetic is pure), so a column computes a line
per state, not per unit, and builds its entries column by column rather than in a Python loop
over every unit: 300,000 entries at province scale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from functools import partial
from itertools import repeat
from typing import Any

from duban.assessment import scoring
from duban.assessment.engine.entries import CENT, NEW_ENTRY, ZERO, Entry, Texts, cents, entry, tidy
from duban.assessment.engine.facts import Facts
from duban.assessment.engine.specs import ItemSpec
from duban.assessment.errors import AssessmentError
from duban.assessment.models import BonusItem, DeductionRule, IncidentKind, Method, Scheme, VetoItem
from duban.assessment.scoring import Line, Rule

# Fills a column: every unit of `refs` (unit → its report, or graded: its grade) says `line`.
Fill = Callable[..., None]
# A line with the records behind it (ResultLine.source).
Sourced = tuple[Line, dict[str, Any]]


class Scorer:
    """Scores one item for every unit at once: units with data get their line (shared between
    units in the same state: the arithmetic is pure), the others one common line."""

    def __init__(self, scheme: Scheme, facts: Facts) -> None:
        self.facts = facts
        self.texts = Texts()
        self.late = tidy(scheme.late_fraction)
        self.coefficient = tidy(scheme.partner_coefficient)

    def column(self, item: ItemSpec) -> tuple[dict[int, Entry], Entry]:
        """unit → its entry for the item, and the entry of a unit without data."""
        out: dict[int, Entry] = {}

        def fill(line: Line, refs: Mapping[int, int], *, graded: bool = False) -> None:
            self._fill(out, item, line, refs, graded=graded)

        by_method: dict[str, Callable[[ItemSpec, Fill], Line]] = {
            Method.COMPLETION: self._completion,
            Method.INDICATOR: self._indicator,
            Method.CHECKLIST: self._checklist,
        }
        none = by_method.get(item.method, self._manual)(item, fill)
        return out, entry(none, item.section, item.points, item.id, text=self._add(none, item))

    def _add(self, line: Line, item: ItemSpec) -> str:
        return self.texts.add(line, item.section, item.points, item.id)

    def _fill(
        self, out: dict[int, Entry], item: ItemSpec, line: Line, refs: Mapping[int, int], *, graded: bool
    ) -> None:
        """Every unit of `refs` says `line`, from its report (or, graded, its grade): built column
        by column (Entry's fields in order), as a Python loop over 300,000 entries would cost a
        tenth of a second more."""
        sig, n = self._add(line, item), len(refs)
        ids = list(refs.values())
        fields = zip(
            repeat(line, n),
            repeat(item.section, n),
            repeat(item.points, n),
            repeat(item.id, n),
            repeat(None, n) if graded else ids,  # report_id
            ids if graded else repeat(None, n),  # grade_id
            repeat(None, n),  # source
            repeat(sig, n),  # text
            map(f"{sig}||{{}}".format if graded else f"{sig}|{{}}".format, ids),  # sig
            repeat(cents(line.points), n),
            strict=True,
        )
        out.update(zip(refs, map(NEW_ENTRY, fields), strict=True))

    def _completion(self, item: ItemSpec, fill: Fill) -> Line:
        on_time, late = self.facts.done.get(item.task_id or 0, ({}, {}))
        for state, refs in ((True, on_time), (False, late)):
            if refs:
                done = partial(scoring.completion, accepted=True, late_fraction=self.late)
                fill(done(item.label, item.points, on_time=state), refs)
        return scoring.completion(item.label, item.points, accepted=False, on_time=False)

    def _indicator(self, item: ItemSpec, fill: Fill) -> Line:
        figures: dict[tuple[Decimal, Decimal | None], dict[int, int]] = defaultdict(dict)
        for unit_id, (value, report_id) in self.facts.values.get(item.target_id or 0, {}).items():
            baseline = item.baselines.get(str(unit_id), item.baseline) if item.change else None
            figures[(value, baseline)][unit_id] = report_id
        for (value, baseline), refs in figures.items():
            fill(_indicator_line(item, tidy(value), baseline), refs)
        return _indicator_line(item, None, None)

    def _checklist(self, item: ItemSpec, fill: Fill) -> Line:
        checked: dict[frozenset[int], dict[int, int]] = defaultdict(dict)
        for unit_id, (grade_id, _, met, _) in self.facts.grades.get(item.id, {}).items():
            checked[met][unit_id] = grade_id
        for met, refs in checked.items():
            criteria = [(name, pts, n in met) for n, (name, pts) in enumerate(item.criteria)]
            fill(scoring.checklist(item.label, criteria), refs, graded=True)
        return scoring.checklist(item.label, [(name, pts, False) for name, pts in item.criteria])

    def _manual(self, item: ItemSpec, fill: Fill) -> Line:
        graded: dict[tuple[Decimal, str], dict[int, int]] = defaultdict(dict)
        for unit_id, (grade_id, score, _, reason) in self.facts.grades.get(item.id, {}).items():
            if score is not None:
                graded[(score, reason)][unit_id] = grade_id
        for (score, reason), refs in graded.items():
            try:
                line = scoring.manual(item.label, item.points, tidy(score), reason or "（未写理由）")
            except ValueError as exc:
                raise AssessmentError(f"{exc}：该项分值已调整，请重新评分") from exc
            fill(line, refs, graded=True)
        return Line(item.label, ZERO, "尚未评分：0 分")

    def shared(
        self,
        item: ItemSpec,
        leads: tuple[int, ...],
        column: tuple[dict[int, Entry], Entry],
        memo: dict[tuple[Decimal, ...], tuple[Line, Decimal, str]],
    ) -> Entry:
        """A partner's entry: the coefficient's share of the leads' points (their mean)."""
        got, none = column
        points = tuple(got.get(lead, none).line.points for lead in leads)
        known = memo.get(points)
        if known is None:
            if not points:
                line = Line(item.label, ZERO, "无牵头单位得分可分享：0 分")
            else:
                mean = tidy((sum(points, ZERO) / len(points)).quantize(CENT))
                line = scoring.partner_share(Line(item.label, mean, ""), self.coefficient)
            mx = (item.points * self.coefficient).quantize(CENT)
            known = memo[points] = (line, mx, self.texts.add(line, item.section, mx, item.id))
        line, mx, text = known
        return entry(line, item.section, mx, item.id, text=text, extra={"leads": list(leads)})


def _indicator_line(item: ItemSpec, value: Decimal | None, baseline: Decimal | None) -> Line:
    if item.target is None:
        return Line(item.label, ZERO, "未设定考核指标：0 分")
    return scoring.indicator(
        item.label,
        item.points,
        cmp=item.cmp,
        target=item.target,
        value=value,
        change=item.change,
        baseline=baseline,
        bands=item.bands,
    )


def deduction_lines(
    rules: Mapping[int, DeductionRule], incidents: Sequence[Mapping[str, Any]]
) -> list[Sourced]:
    """A unit's negative-list lines: per incident by level, and the latest rate against its threshold."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    count_ids: dict[tuple[int, str], list[int]] = defaultdict(list)
    rates: dict[int, tuple[Decimal, int]] = {}
    for inc in incidents:
        if inc["kind"] != IncidentKind.DEDUCTION:
            continue
        if inc["rate"] is not None:
            rates[inc["rule_id"]] = (tidy(inc["rate"]), inc["pk"])  # the latest rate stands
        else:
            counts[(inc["rule_id"], inc["level"])] += inc["count"] or 0
            count_ids[(inc["rule_id"], inc["level"])].append(inc["pk"])
    out = []
    for rule_id, rule in rules.items():
        parsed = [Rule.from_dict(r) for r in rule.rules]
        for (rid, level), count in counts.items():
            if rid != rule_id:
                continue
            match = next((r for r in parsed if r.threshold is None and (r.level or "") == level), None)
            if match is not None and count:
                source = {"rule": rule_id, "incidents": count_ids[(rid, level)]}
                out.append((scoring.per_incident(rule.item, match, count), source))
        if rule_id in rates:
            limit = next((r for r in parsed if r.threshold is not None), None)
            if limit is not None:
                rate, pk = rates[rule_id]
                out.append((scoring.threshold(rule.item, limit, rate), {"rule": rule_id, "incidents": [pk]}))
    return out


def bonus_lines(
    bonuses: Mapping[int, BonusItem], cap: Decimal | None, incidents: Sequence[Mapping[str, Any]]
) -> list[Sourced]:
    """A unit's bonus lines: points per award, each item at most its own cap, all at most `cap`."""
    counts: dict[int, int] = defaultdict(int)
    ids: dict[int, list[int]] = defaultdict(list)
    for inc in incidents:
        if inc["kind"] == IncidentKind.BONUS:
            counts[inc["bonus_id"]] += inc["count"] or 0
            ids[inc["bonus_id"]].append(inc["pk"])
    claimed, details = [], []
    for bonus_id, item in bonuses.items():
        if not counts.get(bonus_id):
            continue
        n, each = counts[bonus_id], tidy(item.points)
        pts = each * n
        detail = f"{n} 项 × {each:g} 分"
        if item.cap is not None and pts > item.cap:
            pts = tidy(item.cap)
            detail += f"，本项最多 {pts:g} 分"
        claimed.append((item.name, pts))
        details.append((detail, bonus_id))
    cap = None if cap is None else tidy(cap)
    out = []
    for ln, (detail, bonus_id) in zip(scoring.bonus(claimed, cap), details, strict=True):
        capped = f"（加分合计上限 {cap:g} 分）" if "上限" in ln.reason else ""
        out.append(
            (
                replace(ln, reason=f"{detail}；{ln.reason}{capped}"),
                {"bonus": bonus_id, "incidents": ids[bonus_id]},
            )
        )
    return out


def veto_lines(vetoes: Mapping[int, VetoItem], incidents: Sequence[Mapping[str, Any]]) -> list[Sourced]:
    """A unit's veto lines (0 points each: a veto makes the total 0, see outcomes)."""
    out = []
    for inc in incidents:
        if inc["kind"] == IncidentKind.VETO and inc["veto_id"] in vetoes:
            why = f"一票否决：{inc['note']}" if inc["note"] else "一票否决：总分计 0 分，等次为最低等次"
            line = Line(vetoes[inc["veto_id"]].name, ZERO, why, "veto")
            out.append((line, {"veto": inc["veto_id"], "incidents": [inc["pk"]]}))
    return out
