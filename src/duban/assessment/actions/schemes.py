"""Schemes: made from a plan's own points, their settings changed, activated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from duban.accounts.actors import Actor
from duban.assessment.actions.guards import (
    decimal_of,
    editable_assessment,
    mark_stale,
    plain,
    require_manager,
    text_of,
)
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Assessed, DeductionRule, RankBy, Scheme, SchemeItem, SchemeStatus
from duban.audit.record import record
from duban.clock import now
from duban.plans.models import Plan, Section, Task

CENT = Decimal("0.01")


def _assessed(value: Any) -> Any:
    if value not in Assessed.values:
        raise AssessmentError(f"未知的考核对象“{value}”")
    return value


def _bands(bands: Any) -> list[dict[str, str]]:
    if not isinstance(bands, list) or not bands:
        raise AssessmentError("等次设置应为从高到低的若干档：最低得分率（%）与等次名称")
    out, last = [], None
    for n, band in enumerate(bands, 1):
        if not isinstance(band, Mapping) or not str(band.get("grade") or "").strip():
            raise AssessmentError(f"第 {n} 档：请填写等次名称")
        low = decimal_of(band.get("min"), f"第 {n} 档的最低得分率", high=Decimal(1000))
        if last is not None and low >= last:
            raise AssessmentError(f"第 {n} 档：最低得分率应低于上一档（{last:g}）")
        last = low
        out.append({"min": f"{low:g}", "grade": str(band["grade"]).strip()[:16]})
    return out


def _rank_by(value: Any) -> str:
    if value not in RankBy.values:
        choices = "、".join(f"“{label}”" for label in RankBy.labels)
        raise AssessmentError(f"排名与等次依据应为{choices}之一，而不是“{value}”")
    return str(value)


# Each setting of a scheme that may change, and how a new value is checked.
SETTINGS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: text_of(v, "名称", 200),
    "period_label": lambda v: text_of(v, "考核期", 64),
    "period_start": lambda v: v,
    "period_end": lambda v: v,
    "assessed": _assessed,
    "partner_coefficient": lambda v: decimal_of(v, "配合单位系数", high=Decimal(1)),
    "rank_by": _rank_by,
    "grade_bands": _bands,
    "lowest_grade": lambda v: text_of(v, "最低等次", 16),
    "late_fraction": lambda v: decimal_of(v, "逾期完成得分比例", high=Decimal(1)),
    "bonus_cap": lambda v: None if v in (None, "") else decimal_of(v, "加分上限"),
}


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise AssessmentError(f"考核期结束日期 {end} 早于开始日期 {start}")


def _root_titles(plan_ids: Sequence[int]) -> dict[int, str]:
    """Section id → the title of its top-level section."""
    sections = Section.objects.filter(plan_id__in=plan_ids).values_list("pk", "parent_id", "title")
    rows = {pk: (parent, title) for pk, parent, title in sections}
    out = {}
    for pk in rows:
        at = pk
        while rows[at][0] is not None and rows[at][0] in rows:
            at = rows[at][0]
        out[pk] = rows[at][1]
    return out


def _item_points(tasks: Sequence[Task], total: Decimal | None) -> list[Decimal]:
    """The tasks' own points; tasks without points share what the plan's total leaves (evenly, the
    last one taking the rounding), as in a guide that gives only its total (江西省特色工作指引 100 分)."""
    known = sum((t.points for t in tasks if t.points is not None), Decimal(0))
    missing = [i for i, t in enumerate(tasks) if t.points is None]
    out = [t.points if t.points is not None else Decimal(0) for t in tasks]
    left = (total or Decimal(0)) - known
    if missing and left > 0:
        each = (left / len(missing)).quantize(CENT, rounding="ROUND_DOWN")
        for i in missing:
            out[i] = each
        out[missing[-1]] = left - each * (len(missing) - 1)
    return out


def _items_and_rules(scheme: Scheme, plan: Plan, plans: Sequence[Plan]) -> tuple[int, Decimal, int]:
    """One item per task of each plan (sections as in the plan; a child plan is a section of its
    own) and the plans' negative lists as rules; (items, their points, rules)."""
    roots = _root_titles([p.pk for p in plans])
    items: list[SchemeItem] = []
    rules: list[DeductionRule] = []
    for part in plans:
        tasks = list(Task.objects.filter(plan=part).order_by("order", "id"))
        for task, pts in zip(tasks, _item_points(tasks, part.total_points), strict=True):
            section = roots.get(task.section_id, "") if task.section_id and part == plan else part.title
            name = task.title or task.text[:60] or task.number
            items.append(
                SchemeItem(
                    scheme=scheme,
                    task=task,
                    section=section[:200],
                    number=task.number,
                    name=name[:300],
                    max_points=pts,
                    order=len(items),
                )
            )
        for d in part.deductions.all().order_by("order"):
            rules.append(
                DeductionRule(scheme=scheme, number=d.number, item=d.item, rules=d.rules, order=len(rules))
            )
    SchemeItem.objects.bulk_create(items)
    DeductionRule.objects.bulk_create(rules)
    return len(items), sum((i.max_points for i in items), Decimal(0)), len(rules)


@transaction.atomic
def do_create_scheme_from_plan(
    plan: Plan,
    *,
    period_label: str,
    period_start: dt.date,
    period_end: dt.date,
    name: str = "",
    assessed: str = Assessed.LEAD,
    include_children: bool = False,
    partner_coefficient: Any = 0,
    late_fraction: Any = "0.5",
    bonus_cap: Any = None,
    grade_bands: Any = None,
    lowest_grade: str | None = None,
    rank_by: str = RankBy.RATE,
    acting_user: Actor,
) -> Scheme:
    """A scheme from the plan's own points: one item per task (method COMPLETION), sections as in
    the plan, the plan's negative list as deduction rules. With include_children, each current
    child plan (a list bundled in the same document) becomes a section of its own. The grade
    bands and the lowest grade, when given, replace the defaults (the new-scheme page asks for
    them)."""
    user = require_manager(plan, acting_user, "创建考核方案")
    period_label = text_of(period_label, "考核期", 64)
    _check_period(period_start, period_end)
    settings = {
        "assessed": _assessed(assessed),
        "partner_coefficient": SETTINGS["partner_coefficient"](partner_coefficient),
        "late_fraction": SETTINGS["late_fraction"](late_fraction),
        "bonus_cap": SETTINGS["bonus_cap"](bonus_cap),
        "rank_by": _rank_by(rank_by),
    }
    grades: dict[str, Any] = {}
    if grade_bands is not None:
        grades["grade_bands"] = _bands(grade_bands)
    if lowest_grade is not None:
        grades["lowest_grade"] = SETTINGS["lowest_grade"](lowest_grade)
    plans = [plan]
    if include_children:
        plans += list(Plan.objects.filter(parent=plan, is_current=True).order_by("created_at", "id"))
    scheme = Scheme.objects.create(
        plan=plan,
        name=(name.strip() or f"{plan.title} {period_label}考核")[:200],
        period_label=period_label,
        period_start=period_start,
        period_end=period_end,
        **settings,
        **grades,
        created_at=now(),
        created_by=user,
    )
    items, total, rules = _items_and_rules(scheme, plan, plans)
    record(
        acting_user,
        "create_scheme",
        scheme,
        summary=f"创建考核方案 {scheme.name}（{items} 项，{total:g} 分，负面清单 {rules} 条）",
        after={
            "plan": plan.pk,
            "plans": [p.pk for p in plans],
            "items": items,
            "points": str(total),
            "rules": rules,
            "assessed": assessed,
            "rank_by": settings["rank_by"],
            "period": [str(period_start), str(period_end)],
            **grades,
        },
    )
    return scheme


@transaction.atomic
def do_update_scheme(scheme: Scheme, *, acting_user: Actor, **changes: Any) -> Scheme:
    """Change the scheme's settings (SETTINGS)."""
    require_manager(scheme.plan, acting_user, "修改考核方案")
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise AssessmentError(f"不能修改：{'、'.join(sorted(unknown))}")
    assessment = editable_assessment(scheme)
    clean = {key: SETTINGS[key](value) for key, value in changes.items()}
    _check_period(clean.get("period_start", scheme.period_start), clean.get("period_end", scheme.period_end))
    # Only the settings that change are written and audited; saving the page unchanged is no event.
    clean = {k: v for k, v in clean.items() if getattr(scheme, k) != v}
    if not clean:
        return scheme
    before = {k: plain(getattr(scheme, k)) for k in clean}
    for key, value in clean.items():
        setattr(scheme, key, value)
    scheme.save(update_fields=list(clean))
    mark_stale(assessment)
    record(
        acting_user,
        "update_scheme",
        scheme,
        summary=f"修改考核方案 {scheme.name}：{'、'.join(clean)}",
        before=before,
        after={k: plain(v) for k, v in clean.items()},
    )
    return scheme


@transaction.atomic
def do_activate_scheme(scheme: Scheme, *, acting_user: Actor) -> Scheme:
    """DRAFT → ACTIVE: the scheme is announced to the units and may be run."""
    require_manager(scheme.plan, acting_user, "启用考核方案")
    if scheme.status == SchemeStatus.ACTIVE:
        raise AssessmentError("考核方案已启用")
    if not scheme.items.exists():
        raise AssessmentError("考核方案没有考核项目，不能启用")
    scheme.status = SchemeStatus.ACTIVE
    scheme.save(update_fields=["status"])
    record(
        acting_user,
        "activate_scheme",
        scheme,
        summary=f"启用考核方案 {scheme.name}",
        after={"status": scheme.status},
    )
    return scheme
