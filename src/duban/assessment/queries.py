"""Read-side questions for pages, charts and exports (one place for the logic).

None of these check permissions: callers pass objects already fetched through
duban.assessment.access.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from duban.assessment.models import (
    Appeal,
    AppealStatus,
    Assessment,
    LineKind,
    Result,
    ResultLine,
    Scheme,
    SchemeItem,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class SectionSummary:
    section: str
    items: int
    points: Decimal


@dataclass(frozen=True)
class SchemeSummary:
    items: int
    points: Decimal  # after weights
    sections: list[SectionSummary]
    by_method: dict[str, int]
    rules: int
    vetoes: int
    bonuses: int


def scheme_summary(scheme: Scheme) -> SchemeSummary:
    """Items and points by section and by method, and the size of the negative list."""
    items = list(SchemeItem.objects.filter(scheme=scheme).only("section", "max_points", "weight", "method"))
    sections: dict[str, list[Any]] = {}
    methods: dict[str, int] = {}
    for item in items:
        acc = sections.setdefault(item.section, [0, ZERO])
        acc[0] += 1
        acc[1] += item.points
        methods[item.method] = methods.get(item.method, 0) + 1
    return SchemeSummary(
        items=len(items),
        points=sum((i.points for i in items), ZERO),
        sections=[SectionSummary(s, n, p) for s, (n, p) in sections.items()],
        by_method=methods,
        rules=scheme.deduction_rules.count(),
        vetoes=scheme.vetoes.count(),
        bonuses=scheme.bonuses.count(),
    )


def section_order(scheme: Scheme) -> list[str]:
    """The scheme's sections in the plan's order (its items' order), never as text: "八、" comes
    before "十一、"."""
    sections = (
        SchemeItem.objects.filter(scheme=scheme).order_by("order", "id").values_list("section", flat=True)
    )
    return list(dict.fromkeys(sections))


def ranking(assessment: Assessment) -> QuerySet[Result]:
    """The results by rank, with their units (one query)."""
    return Result.objects.filter(assessment=assessment).select_related("unit").order_by("rank", "unit__name")


@dataclass(frozen=True)
class Section:
    section: str
    points: Decimal
    max_points: Decimal | None
    lines: list[ResultLine]


def breakdown(result: Result) -> list[Section]:
    """A unit's lines grouped by section in order, with each section's points and maximum."""
    out: list[Section] = []
    groups: dict[str, list[ResultLine]] = {}
    for line in ResultLine.objects.filter(result=result).select_related("text").order_by("order"):
        groups.setdefault(line.section, []).append(line)
    for section, lines in groups.items():
        maxima = [ln.max_points for ln in lines if ln.max_points is not None]
        points = sum((ln.points for ln in lines), ZERO)
        out.append(Section(section, points, sum(maxima, ZERO) if maxima else None, lines))
    return out


def section_chart(result: Result) -> dict[str, list[Any]]:
    """Points by section against the maximum, for a bar chart (ECharts: categories, two series)."""
    return {
        "sections": [s["section"] or "其他" for s in result.sections],
        "points": [float(s["points"]) for s in result.sections],
        "max": [float(s["max"]) for s in result.sections],
    }


def section_summary(assessment: Assessment) -> list[dict[str, Any]]:
    """Per section over all units: the mean points, the maximum a unit could earn, the lowest and
    highest (for the report's per-section summaries)."""
    acc: dict[str, dict[str, Any]] = {}
    for sections in Result.objects.filter(assessment=assessment).values_list("sections", flat=True):
        for s in sections:
            a = acc.setdefault(
                s["section"],
                {"section": s["section"], "units": 0, "sum": ZERO, "max": ZERO, "low": None, "high": None},
            )
            pts = Decimal(s["points"])
            a["units"] += 1
            a["sum"] += pts
            a["max"] = max(a["max"], Decimal(s["max"]))
            a["low"] = pts if a["low"] is None else min(a["low"], pts)
            a["high"] = pts if a["high"] is None else max(a["high"], pts)
    order = {s: n for n, s in enumerate(section_order(assessment.scheme))}
    rows = sorted(acc.values(), key=lambda a: order.get(a["section"], len(order)))
    return [{**a, "mean": (a["sum"] / a["units"]).quantize(Decimal("0.01"))} for a in rows]


def grade_counts(assessment: Assessment) -> dict[str, int]:
    return dict(
        Result.objects.filter(assessment=assessment)
        .values_list("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )


def deductions_by_rule(assessment: Assessment) -> list[tuple[str, Decimal, int]]:
    """(rule, points deducted over all units, number of units) for the negative list's summary."""
    rows = (
        ResultLine.objects.filter(result__assessment=assessment, text__kind=LineKind.DEDUCTION)
        .values(rule=F("text__label"))
        .annotate(deducted=Sum("text__points"), units=Count("result", distinct=True))
        .order_by("deducted")
    )
    return [(r["rule"], r["deducted"], r["units"]) for r in rows]


def open_appeals(assessment: Assessment) -> QuerySet[Appeal]:
    return Appeal.objects.filter(result__assessment=assessment, status=AppealStatus.FILED).select_related(
        "result__unit", "filed_by"
    )
