"""What the assessment pages show, as rows (one place for the page, the Excel and the Word copy),
and the Excel workbooks and the assessment report (.docx) made from them.

Nothing here checks permissions: callers pass objects already fetched through
duban.assessment.access.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from duban.assessment import queries
from duban.assessment.models import Assessment, LineKind, RankBy, Result, ResultLine, Scheme
from duban.assessment.scoring import Rule
from duban.office import gongwen as gw
from duban.office.docx import document_bytes
from duban.office.text import date_text, number_text
from duban.office.xlsx import Table, table_to_xlsx

KINDS = dict(LineKind.choices)

# 18, 2.5, -10 — as a clerk would write them (not 18.00); the pages call it exports.num.
num = number_text


def rule_text(rules: list[dict[str, Any]]) -> str:
    """A negative-list item's rules in words: "特别重大 −30 分/件；重大 −10 分/件", "＞0.6 扣 20 分，每增加 0.1
    再扣 10 分，最多扣 50 分"."""
    out = []
    for raw in rules:
        r = Rule.from_dict(raw)
        if r.threshold:
            text = f"{r.threshold} 扣 {num(-r.points)} 分"
            if r.step and r.step_points:
                text += f"，每增加 {num(r.step)} 再扣 {num(-r.step_points)} 分"
            if r.cap is not None:
                text += f"，最多扣 {num(-r.cap)} 分"
        else:
            text = f"{r.level or ''} {num(r.points)} 分/{r.per or '件'}".strip()
        out.append(text)
    return "；".join(out)


def signed(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"+{value}" if value > 0 else str(value)
    return f"+{num(value)}" if value > 0 else num(value)


# ─── the ranking ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class RankRow:
    result: Result
    sections: list[Decimal | None]  # points per section, in Ranking.sections' order (None: not scored)

    @property
    def total_change(self) -> Decimal | None:
        return self.result.total_change


@dataclass(frozen=True)
class Ranking:
    sections: list[str]
    rows: list[RankRow]
    rank_by: str = RankBy.RATE  # the one measure of rank and grade (Scheme.rank_by)

    @property
    def measure_label(self) -> str:
        return "百分制得分" if self.rank_by == RankBy.RATE else "原始总分"


def ranking(results: QuerySet[Result], scheme: Scheme) -> Ranking:
    """The results by rank with their points per section (the sections in the plan's order,
    queries.section_order, every unit's in one set of columns)."""
    rows = list(results)
    labels: list[str] = queries.section_order(scheme)
    for r in rows:
        for s in r.sections:
            if s["section"] not in labels:  # an item since removed from the scheme: last
                labels.append(s["section"])
    out = []
    for r in rows:
        by = {s["section"]: Decimal(s["points"]) for s in r.sections}
        out.append(RankRow(r, [by.get(label) for label in labels]))
    used = {s["section"] for r in rows for s in r.sections}
    keep = [n for n, label in enumerate(labels) if label in used]
    return Ranking(
        [labels[n] or "其他" for n in keep],
        [RankRow(row.result, [row.sections[n] for n in keep]) for row in out],
        scheme.rank_by,
    )


RANKING_HEAD = ("名次", "单位", "百分制得分", "原始总分", "满分", "等次")
RANKING_TAIL = (
    "项目得分",
    "扣分",
    "加分",
    "一票否决",
    "上期总分",
    "较上期",
    "上期名次",
    "名次变化",
)


def ranking_table(assessment: Assessment, rk: Ranking) -> Table:
    scheme = assessment.scheme
    return Table(
        title=f"{scheme.name}排名",
        headings=(*RANKING_HEAD, *rk.sections, *RANKING_TAIL),
        rows=[
            (
                row.result.rank,
                row.result.unit.name,
                float(row.result.score),
                float(row.result.total),
                float(row.result.max_points),
                row.result.grade,
                *[None if p is None else float(p) for p in row.sections],
                float(row.result.item_points),
                float(row.result.deductions),
                float(row.result.bonus),
                row.result.vetoed,
                None if row.result.previous_total is None else float(row.result.previous_total),
                None if row.total_change is None else float(row.total_change),
                row.result.previous_rank,
                row.result.rank_change,
            )
            for row in rk.rows
        ],
        facts=f"考核期：{scheme.period_label}；数据截至 {assessment.as_of.isoformat()}；状态：{assessment.get_status_display()}；"
        f"排名与等次依据：{scheme.get_rank_by_display()}",
        sheet="排名",
    )


def ranking_xlsx(assessment: Assessment, rk: Ranking) -> bytes:
    return table_to_xlsx(ranking_table(assessment, rk))


# ─── a unit's breakdown ───────────────────────────────────────────────────────────────────────


def source_text(line: ResultLine, item_names: dict[int, str], rule_names: dict[int, str]) -> str:
    """Where a line's points come from, in words: its item, report, grade, rule and incidents."""
    src = line.sources
    parts = []
    if "item" in src:
        parts.append(f"考核项目：{item_names.get(src['item'], '#' + str(src['item']))}")
    if "report" in src:
        parts.append(f"进展报告 #{src['report']}")
    if "grade" in src:
        parts.append(f"人工评分 #{src['grade']}")
    if src.get("rule") is not None:
        parts.append(f"负面清单：{rule_names.get(src['rule'], '#' + str(src['rule']))}")
    if src.get("incidents"):
        parts.append("登记事项 " + "、".join(f"#{i}" for i in src["incidents"]))
    if src.get("leads"):
        parts.append(f"按牵头单位得分折算（{len(src['leads'])} 个牵头单位）")
    return "；".join(parts)


def breakdown_table(result: Result, lines: Sequence[ResultLine], sources: Sequence[str]) -> Table:
    a = result.assessment
    return Table(
        title=f"{result.unit.name} {a.scheme.name}得分明细",
        headings=("部分", "项目", "类型", "得分", "分值", "说明", "来源"),
        rows=[
            (
                ln.section,
                ln.label,
                KINDS.get(ln.kind, ln.kind),
                float(ln.points),
                None if ln.max_points is None else float(ln.max_points),
                ln.reason,
                src,
            )
            for ln, src in zip(lines, sources, strict=True)
        ],
        facts=f"百分制得分 {num(result.score)}，原始总分 {num(result.total)} / {num(result.max_points)}，"
        f"第 {result.rank} 名，{result.grade}；"
        f"数据截至 {a.as_of.isoformat()}",
        sheet="得分明细",
    )


def breakdown_xlsx(result: Result, lines: Sequence[ResultLine], sources: Sequence[str]) -> bytes:
    return table_to_xlsx(breakdown_table(result, lines, sources))


# ─── the assessment report ────────────────────────────────────────────────────────────────────


def summary_lines(assessment: Assessment, rk: Ranking) -> list[str]:
    """The opening paragraph's figures: how many units, the grades, the top and the vetoes."""
    rows = rk.rows
    if not rows:
        return ["本次考核没有考核对象。"]
    grades = queries.grade_counts(assessment)
    top = [r.result for r in rows if r.result.rank == 1]
    vetoed = [r.result.unit.name for r in rows if r.result.vetoed]
    first = "、".join(
        f"{r.unit.name}（百分制得分 {num(r.score)} 分，原始总分 {num(r.total)} / {num(r.max_points)} 分）"
        for r in top
    )
    out = [
        f"本次考核共 {len(rows)} 个单位，" + "，".join(f"{g} {n} 个" for g, n in grades.items()) + "。",
        f"排名与等次依据：{rk.measure_label}。",
        f"第一名：{first}。",
    ]
    if vetoed:
        out.append(f"被一票否决：{'、'.join(vetoed)}。")
    return out


def report_docx(assessment: Assessment, rk: Ranking) -> bytes:
    """考核情况报告: the title, the figures, the ranking table and a summary per section."""
    scheme = assessment.scheme
    doc = gw.official_document()
    gw.title(doc, f"{scheme.name}情况报告", lines_after=0)
    gw.centred(
        doc, f"（数据截至{date_text(assessment.as_of)}，{assessment.get_status_display()}）", lines_after=1
    )
    gw.heading(doc, "一、总体情况")
    for line in summary_lines(assessment, rk):
        gw.body(doc, line)
    gw.heading(doc, "二、考核排名")
    gw.table(
        doc,
        ("名次", "单位", "百分制得分", "原始总分", "扣分", "加分", "等次", "较上期"),
        [
            (
                r.result.rank,
                r.result.unit.name,
                num(r.result.score),
                f"{num(r.result.total)} / {num(r.result.max_points)}",
                num(r.result.deductions),
                num(r.result.bonus),
                r.result.grade + ("（一票否决）" if r.result.vetoed else ""),
                signed(r.total_change),
            )
            for r in rk.rows
        ],
    )
    gw.heading(doc, "三、分项得分情况")
    sections = queries.section_summary(assessment)
    if sections:
        gw.table(
            doc,
            ("部分", "满分", "平均得分", "最高", "最低", "单位数"),
            [
                (
                    s["section"] or "其他",
                    num(s["max"]),
                    num(s["mean"]),
                    num(s["high"]),
                    num(s["low"]),
                    s["units"],
                )
                for s in sections
            ],
        )
    else:
        gw.body(doc, "无。")
    gw.heading(doc, "四、负面清单扣分情况")
    deductions = queries.deductions_by_rule(assessment)
    if deductions:
        gw.table(
            doc, ("扣分事项", "扣分合计", "涉及单位数"), [(label, num(p), n) for label, p, n in deductions]
        )
    else:
        gw.body(doc, "无。")
    return document_bytes(doc)


def chart_specs(rk: Ranking) -> list[dict[str, Any]]:
    """The assessment page's charts as specs for static/duban/charts.js: the ranking, each unit's
    points by section against that section's maximum (as a share), and the change from the
    previous period (when there is one)."""
    units = [r.result.unit.name for r in rk.rows]
    shares: list[list[float | None]] = [[] for _ in rk.sections]
    for r in rk.rows:
        maxima = {s["section"] or "其他": Decimal(s["max"]) for s in r.result.sections}
        for i, (label, pts) in enumerate(zip(rk.sections, r.sections, strict=True)):
            top = maxima.get(label)
            shares[i].append(None if pts is None or not top else round(float(pts / top * 100), 1))
    specs = [
        _bar(
            "chart-ranking",
            f"考核排名（{rk.measure_label}）",
            units,
            [
                {
                    "name": rk.measure_label,
                    "data": [
                        float(r.result.total if rk.rank_by == RankBy.POINTS else r.result.score)
                        for r in rk.rows
                    ],
                }
            ],
        ),
        _bar(
            "chart-sections",
            "各单位分项得分率（得分 / 该部分满分）",
            units,
            [{"name": label, "data": data} for label, data in zip(rk.sections, shares, strict=True)],
            percent=True,
        ),
    ]
    # Without a previous period there is no change to draw (an empty chart would only puzzle).
    if any(r.total_change is not None for r in rk.rows):
        change = [None if r.total_change is None else float(r.total_change) for r in rk.rows]
        specs.append(_bar("chart-change", "较上期总分变化", units, [{"name": "较上期", "data": change}]))
    return specs


def unit_chart(result: Result) -> list[dict[str, Any]]:
    """A unit's points by section against the maximum."""
    data = queries.section_chart(result)
    return [
        _bar(
            "chart-unit-sections",
            "分项得分与满分",
            data["sections"],
            [
                {"name": "得分", "data": data["points"]},
                {"name": "满分", "data": data["max"], "color": "#9aa5b8"},
            ],
        )
    ]


def _bar(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[dict[str, Any]],
    *,
    percent: bool = False,
) -> dict[str, Any]:
    return {
        "id": chart_id,
        "kind": "bar",
        "title": title,
        "categories": list(categories),
        "series": list(series),
        "percent": percent,
        "stack": False,
    }
