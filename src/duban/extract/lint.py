"""Defects of the document itself, reported as warnings on the plan (`duban lint`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from duban.extract.draft import Draft
from duban.extract.model import Plan, Warning
from duban.extract.units import directory


def lint(plan: Plan, drafts: Sequence[Draft]) -> list[Warning]:
    out: list[Warning] = []
    d = directory()
    if not plan.tasks:
        out.append(Warning("no-tasks", "未识别出任务结构；仅提取到目标和措施（如有）", severity="error"))
        return out
    any_units = any(t.units for t in plan.tasks)
    for t in plan.tasks:
        if any_units and not t.units:
            out.append(Warning("no-unit", f"任务 {t.id} 未写明责任单位", t.id, "error"))
        if t.lead and t.partners:
            for u in dict.fromkeys(t.lead):
                if u in t.partners:
                    out.append(Warning("lead-also-partner", f"{u} 同时列为牵头单位和参与单位", t.id))
        for u in dict.fromkeys(t.units):
            if not d.looks_like_unit(u):
                out.append(Warning("unit-pattern", f"“{u}”不像单位名称，请核对", t.id))
    out.extend(_variants(plan))
    out.extend(_points(plan, drafts))
    out.extend(_numbering(plan))
    out.extend(_past_targets(plan))
    return out


def _core(name: str) -> str:
    """宜阳公安局 / 宜阳公安分局 → the same core: names that differ only by a level word."""
    return _LEVEL_WORD.sub("", name)


_LEVEL_WORD = re.compile(r"(分局|局|分行|行|委员会|委|办公室|办)$")


def _variants(plan: Plan) -> list[Warning]:
    names = Counter(u for t in plan.tasks for u in t.units)
    by_core: dict[str, set[str]] = {}
    for n in names:
        by_core.setdefault(_core(n), set()).add(n)
    out = []
    for core, group in sorted(by_core.items()):
        if len(group) > 1 and len(core) >= 2:
            a, *others = sorted(group, key=lambda n: -names[n])
            task = next(t.id for t in plan.tasks if any(o in t.units for o in others))
            out.append(Warning("unit-variant", f"“{'”“'.join(others)}”与“{a}”疑似同一单位的不同写法", task))
    return out


def _points(plan: Plan, drafts: Sequence[Draft]) -> list[Warning]:
    out: list[Warning] = []
    scored = [t for t in plan.tasks if t.points is not None]
    if not scored:
        return out
    total = sum(t.points or 0 for t in scored)
    if plan.total_points is not None and abs(total - plan.total_points) > 1e-6:
        out.append(
            Warning(
                "points-total",
                f"各项分值合计 {total:g} 分，与总分 {plan.total_points:g} 分不符",
                severity="error",
            )
        )
    return out


def _numbering(plan: Plan) -> list[Warning]:
    out = []
    counts = Counter(t.id for t in plan.tasks)
    for i, c in counts.items():
        if c > 1 or "#" in i:
            out.append(Warning("duplicate-number", f"编号 {i.split('#')[0]} 重复", i))
    nums = [int(t.id) for t in plan.tasks if t.id.isdigit()]
    for a, b in pairwise(nums):
        if b > a + 1:
            out.append(Warning("skipped-number", f"编号从 {a} 跳到 {b}，缺少 {a + 1}", str(b)))
    return out


def _past_targets(plan: Plan) -> list[Warning]:
    if not plan.date:
        return []
    year = int(plan.date[:4])
    return [
        Warning("target-past", f"目标“{x.metric}”的期限 {x.by} 年早于发文日期 {plan.date}", t.id)
        for t in plan.tasks
        for x in t.targets
        if x.by and x.by[:4].isdigit() and int(x.by[:4]) < year
    ]
