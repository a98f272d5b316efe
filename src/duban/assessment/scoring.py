"""The assessment's arithmetic, as pure functions: every point is returned with the line that
explains it, so a unit can trace its score item by item.

Decimal throughout: a rate of 0.7 must exceed 0.6 by exactly one step of 0.1, which binary
floating point gets wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

ZERO = Decimal(0)


def D(x: object) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


@dataclass(frozen=True)
class Line:
    """One traceable piece of a score: what, how many points (signed), and why."""

    item: str
    points: Decimal
    reason: str
    kind: Literal["item", "deduction", "bonus", "veto"] = "item"


# --- per-item methods -------------------------------------------------------------------------


def manual(item: str, max_points: object, given: object, reason: str) -> Line:
    """An assessor's grade: must lie within 0 … the item's points."""
    mx, g = D(max_points), D(given)
    if not ZERO <= g <= mx:
        raise ValueError(f"{item}：评分 {g} 超出 0–{mx} 分")
    if not reason.strip():
        raise ValueError(f"{item}：人工评分须写明理由")
    return Line(item, g, f"人工评分：{reason.strip()}")


def completion(
    item: str, max_points: object, *, accepted: bool, on_time: bool, late_fraction: object = "0.5"
) -> Line:
    """Accepted report on time → full; accepted late → a set fraction; none → zero."""
    mx = D(max_points)
    if not accepted:
        return Line(item, ZERO, "未完成或未通过审核：0 分")
    if on_time:
        return Line(item, mx, f"按时完成并通过审核：满分 {mx:g}")
    pts = (mx * D(late_fraction)).quantize(Decimal("0.01"))
    return Line(item, pts, f"逾期完成：按 {D(late_fraction):g} 计 {pts:g} 分")


Cmp = Literal[">=", "<=", ">", "<", "="]


def indicator(
    item: str,
    max_points: object,
    *,
    cmp: Cmp,
    target: object,
    value: object | None,
    change: Literal["increase", "decrease"] | None = None,
    baseline: object | None = None,
    bands: Sequence[tuple[object, object]] = (),
) -> Line:
    """Reported value against its target.

    Met → full points. Otherwise proportional to the achievement ratio, or, when `bands` are
    given as [(ratio ≥, share of points), …] highest first, the first band reached.
    Relative changes ("下降40%以上") compare the change from `baseline`, in percent.
    """
    mx, t = D(max_points), D(target)
    if value is None:
        return Line(item, ZERO, "未报送指标值：0 分")
    v = D(value)
    if change is not None:
        if baseline is None or D(baseline) == 0:
            return Line(item, ZERO, "缺少基期值，无法计算变化率：0 分")
        b = D(baseline)
        v = (b - v) / b * 100 if change == "decrease" else (v - b) / b * 100
        v = v.quantize(Decimal("0.01"))
    met = {">=": v >= t, ">": v > t, "<=": v <= t, "<": v < t, "=": v == t}[cmp]
    shown = f"{v:g}{'%' if change else ''}"
    if met:
        return Line(item, mx, f"实际 {shown}，达到目标 {cmp}{t:g}：满分 {mx:g}")
    # Achievement ratio: value/target for "at least" targets, target/value for "at most".
    higher_is_better = cmp in (">=", ">", "=")
    ratio = (v / t if t else ZERO) if higher_is_better else (t / v if v else ZERO)
    # Not met means less than full marks even at a strict boundary (">50" with exactly 50).
    ratio = max(ZERO, min(ratio, Decimal("0.99")))
    if bands:
        for reach, share in bands:
            if ratio >= D(reach):
                pts = (mx * D(share)).quantize(Decimal("0.01"))
                return Line(
                    item, pts, f"实际 {shown}，完成率 {ratio:.0%}，达到 {D(reach):.0%} 档：{pts:g} 分"
                )
        return Line(item, ZERO, f"实际 {shown}，完成率 {ratio:.0%}，未达最低档：0 分")
    pts = (mx * ratio).quantize(Decimal("0.01"))
    return Line(item, pts, f"实际 {shown}，未达目标 {cmp}{t:g}，按完成率 {ratio:.0%} 计 {pts:g} 分")


def checklist(item: str, criteria: Sequence[tuple[str, object, bool]]) -> Line:
    """Sub-criteria with points each: the points of those met."""
    pts = sum((D(p) for _, p, ok in criteria if ok), ZERO)
    met = [name for name, _, ok in criteria if ok]
    missed = [name for name, _, ok in criteria if not ok]
    reason = f"达到：{'、'.join(met) or '无'}" + (f"；未达到：{'、'.join(missed)}" if missed else "")
    return Line(item, pts, reason)


# --- negative list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A negative-list rule as extracted (duban.plan/1 `deductions[].rules[]`)."""

    points: Decimal
    per: str | None = None
    level: str | None = None
    threshold: str | None = None
    step: Decimal | None = None
    step_points: Decimal | None = None
    cap: Decimal | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Rule:
        def opt(k: str) -> Decimal | None:
            return None if d.get(k) is None else D(d[k])

        def text(k: str) -> str | None:
            v = d.get(k)
            return None if v is None else str(v)

        return cls(
            points=D(d["points"]),
            per=text("per"),
            level=text("level"),
            threshold=text("threshold"),
            step=opt("step"),
            step_points=opt("step_points"),
            cap=opt("cap"),
        )


def per_incident(item: str, rule: Rule, count: int) -> Line:
    """ "-30分/件": points × count (a level rule counts only incidents of its level)."""
    if count < 0:
        raise ValueError(f"{item}：件数不能为负")
    pts = rule.points * count
    label = f"{rule.level}" if rule.level else ""
    unit = rule.per or "件"
    return Line(item, pts, f"{label}{count} {unit} × {rule.points:g} 分", "deduction")


def threshold(item: str, rule: Rule, rate: object) -> Line:
    """ "万人命案发案率>0.6: 超过即-20分，每超过0.1再-10分，最多共扣50分"."""
    assert rule.threshold is not None
    m = rule.threshold.lstrip(">≥=")
    limit, r = D(m), D(rate)
    inclusive = rule.threshold.startswith(("≥", ">="))
    exceeded = r >= limit if inclusive else r > limit
    if not exceeded:
        return Line(item, ZERO, f"{r:g} 未超过 {limit:g}：不扣分", "deduction")
    pts = rule.points
    steps = 0
    if rule.step and rule.step_points:
        steps = int(((r - limit) / rule.step).to_integral_value(rounding=ROUND_FLOOR))
        pts += rule.step_points * steps
    capped = rule.cap is not None and pts < rule.cap
    if capped and rule.cap is not None:
        pts = rule.cap
    reason = f"{r:g} 超过 {limit:g}：{rule.points:g} 分"
    if steps:
        reason += f"，另超 {steps} 个 {rule.step:g}：{rule.step_points * steps:g} 分"  # type: ignore[operator]
    if capped:
        reason += f"，封顶 {rule.cap:g} 分"
    return Line(item, pts, reason, "deduction")


def bonus(items: Iterable[tuple[str, object]], cap: object | None) -> list[Line]:
    """加分项: each as claimed, the total held to the cap (the last items are cut first)."""
    out: list[Line] = []
    left = None if cap is None else D(cap)
    for name, pts in items:
        p = D(pts)
        if left is not None:
            p = min(p, left)
            left -= p
        out.append(Line(name, p, f"加分 {p:g}" + ("（已达上限）" if p < D(pts) else ""), "bonus"))
    return out


# --- a unit's total ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    unit: str
    lines: tuple[Line, ...]
    vetoed: str | None = None  # the veto item, when one applies

    @property
    def total(self) -> Decimal:
        if self.vetoed:
            return ZERO
        return max(ZERO, sum((ln.points for ln in self.lines), ZERO))

    def by_kind(self, kind: str) -> Decimal:
        return sum((ln.points for ln in self.lines if ln.kind == kind), ZERO)


def partner_share(line: Line, coefficient: object) -> Line:
    """A partner earns a share of the lead's score on the item."""
    c = D(coefficient)
    pts = (line.points * c).quantize(Decimal("0.01"))
    return Line(line.item, pts, f"配合单位按牵头单位得分 {line.points:g} × {c:g}", line.kind)


@dataclass(frozen=True)
class Grades:
    """Grade bands, highest first: [(minimum score, grade), …]; below all → the last grade."""

    bands: tuple[tuple[Decimal, str], ...] = field(
        default=((D(90), "优秀"), (D(80), "良好"), (D(60), "合格"))
    )
    lowest: str = "不合格"

    def grade(self, score: Score) -> str:
        if score.vetoed:
            return self.lowest
        for minimum, name in self.bands:
            if score.total >= minimum:
                return name
        return self.lowest


def hundred_scale(total: Decimal, max_points: Decimal) -> Decimal:
    """百分制折算: the total as a share of the unit's maximum, on a 100-point scale, in hundredths
    (rounded half up, as an office rounds). Units answering for different numbers of items are
    compared by it; bonus points can take it above 100. No maximum: 0."""
    if max_points <= 0:
        return ZERO
    return (total * 100 / max_points).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rank(scores: Sequence[Score]) -> list[tuple[int, Score]]:
    """Standard competition ranking: equal totals share a rank and the next rank is skipped
    (1, 2, 2, 4); vetoed units come last."""
    ordered = sorted(scores, key=lambda s: (s.vetoed is not None, -s.total, s.unit))
    out: list[tuple[int, Score]] = []
    for i, s in enumerate(ordered):
        if i and (s.total, s.vetoed is None) == (out[-1][1].total, out[-1][1].vetoed is None):
            out.append((out[-1][0], s))
        else:
            out.append((i + 1, s))
    return out
