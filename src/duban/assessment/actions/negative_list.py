"""A scheme's negative list (deduction rules), veto items and bonus items: added, changed and
removed.

Incidents point at their rule, veto or bonus item (PROTECT): a rule cannot be removed, or changed
so that its recorded incidents no longer match it, while incidents are recorded under it. The
office withdraws those first, with a reason, on the assessment page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from duban.accounts.actors import Actor
from duban.assessment.actions.guards import (
    decimal_of,
    editable_assessment,
    mark_stale,
    require_manager,
    text_of,
)
from duban.assessment.errors import AssessmentError
from duban.assessment.models import BonusItem, DeductionRule, Incident, Scheme, VetoItem
from duban.assessment.scoring import Rule
from duban.audit.record import record

# What scoring.threshold reads: "≥" or ">" (">=" too) before a non-negative number.
_THRESHOLD = re.compile(r"^(?:>=|>|≥)\d+(?:\.\d+)?$")
LEVEL_LIMIT = 16  # Incident.level


def _next_order(rows: Any) -> int:
    return (rows.order_by("-order").values_list("order", flat=True).first() or 0) + 1


# ─── deduction rules ──────────────────────────────────────────────────────────────────────────


def check_rules(item: str, rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rules as stored, or why not: what the engine can score (scoring.per_incident and
    scoring.threshold) and nothing it would silently ignore — two rules of one level, or a second
    threshold (only the first is read)."""
    if not rules:
        raise AssessmentError(f"{item}：请至少填写一条扣分规则")
    levels: set[str] = set()
    thresholds = 0
    for n, raw in enumerate(rules, 1):
        try:
            rule = Rule.from_dict(raw)
        except (KeyError, InvalidOperation, ValueError, TypeError) as exc:
            raise AssessmentError(f"{item}：第 {n} 条规则格式不正确（{exc}）") from exc
        where = f"{item}：第 {n} 条规则"
        numbers = (rule.points, rule.step, rule.step_points, rule.cap)
        if any(v is not None and not v.is_finite() for v in numbers):
            raise AssessmentError(f"{where}：分值应为数字")
        if rule.points >= 0:
            raise AssessmentError(f"{where}的扣分应为负数")
        if rule.threshold is None:
            _check_count_rule(where, rule, levels)
        else:
            thresholds += 1
            if thresholds > 1:
                raise AssessmentError(f"{where}：每个扣分事项只能有一个比率阈值")
            _check_threshold_rule(where, rule)
    return [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in dict(r).items() if v is not None}
        for r in rules
    ]


def _check_count_rule(where: str, rule: Rule, levels: set[str]) -> None:
    """A deduction per incident: one rule a level (`levels`: those seen so far)."""
    level = rule.level or ""
    if len(level) > LEVEL_LIMIT:
        raise AssessmentError(f"{where}：级别“{level}”过长（上限 {LEVEL_LIMIT} 字）")
    if level in levels:
        raise AssessmentError(f"{where}：级别“{level or '不分级别'}”重复")
    levels.add(level)


def _check_threshold_rule(where: str, rule: Rule) -> None:
    """A deduction for a rate above a threshold, with steps and a cap."""
    if not _THRESHOLD.match(str(rule.threshold).replace(" ", "")):
        raise AssessmentError(f"{where}：阈值应为“>0.6”或“≥0.6”的形式，而不是“{rule.threshold}”")
    if (rule.step is None) != (rule.step_points is None):
        raise AssessmentError(f"{where}：“每超过”与“再扣”须同时填写")
    if rule.step is not None and rule.step_points is not None and (rule.step <= 0 or rule.step_points >= 0):
        raise AssessmentError(f"{where}：“每超过”应大于 0，“再扣”应为负数")
    if rule.cap is not None and rule.cap > rule.points:
        raise AssessmentError(f"{where}：最多共扣 {-rule.cap:g} 分，少于超过即扣的 {-rule.points:g} 分")


def _check_incidents_still_match(rule: DeductionRule, rules: Sequence[Mapping[str, Any]]) -> None:
    """Recorded counts need a per-incident rule of their level and recorded rates a threshold:
    otherwise the engine would drop them from the score without a word."""
    parsed = [Rule.from_dict(r) for r in rules]
    levels = {r.level or "" for r in parsed if r.threshold is None}
    counted = Incident.objects.filter(rule=rule, rate__isnull=True).values_list("level", flat=True).distinct()
    for level in counted:
        if level not in levels:
            what = f"级别“{level}”" if level else "不分级别"
            raise AssessmentError(
                f"“{rule.item}”已登记{what}的件数，修改后的规则没有这一项：请先撤销这些登记"
            )
    rated = Incident.objects.filter(rule=rule, rate__isnull=False)
    if rated.exists() and not any(r.threshold for r in parsed):
        raise AssessmentError(f"“{rule.item}”已登记比率，修改后的规则没有比率阈值：请先撤销这些登记")


@transaction.atomic
def do_add_deduction_rule(
    scheme: Scheme, item: str, rules: Sequence[Mapping[str, Any]], *, acting_user: Actor
) -> DeductionRule:
    """A negative-list rule the document did not state in a form the extractor read."""
    require_manager(scheme.plan, acting_user, "增加负面清单")
    assessment = editable_assessment(scheme)
    item = text_of(item, "扣分事项", 300)
    clean = check_rules(item, rules)
    rule = DeductionRule.objects.create(
        scheme=scheme, item=item, rules=clean, order=_next_order(scheme.deduction_rules)
    )
    mark_stale(assessment)
    record(
        acting_user,
        "add_deduction_rule",
        scheme,
        summary=f"增加负面清单 {item}",
        after={"rule": rule.pk, "rules": clean},
    )
    return rule


@transaction.atomic
def do_update_deduction_rule(
    rule: DeductionRule, *, item: str, rules: Sequence[Mapping[str, Any]], acting_user: Actor
) -> DeductionRule:
    """Change a negative-list item's name and rules (per incident by level, or a rate threshold with
    steps and a cap)."""
    scheme: Scheme = rule.scheme
    require_manager(scheme.plan, acting_user, "修改负面清单")
    assessment = editable_assessment(scheme)
    item = text_of(item, "扣分事项", 300)
    clean = check_rules(item, rules)
    _check_incidents_still_match(rule, clean)
    if (rule.item, rule.rules) == (item, clean):
        return rule  # saved unchanged: no write, no audit row
    before = {"rule": rule.pk, "item": rule.item, "rules": rule.rules}
    rule.item, rule.rules = item, clean
    rule.save(update_fields=["item", "rules"])
    mark_stale(assessment)
    record(
        acting_user,
        "update_deduction_rule",
        scheme,
        summary=f"修改负面清单 {item}",
        before=before,
        after={"rule": rule.pk, "item": item, "rules": clean},
    )
    return rule


def _remove(
    obj: DeductionRule | VetoItem | BonusItem,
    what: str,
    name: str,
    action: str,
    before: dict[str, Any],
    *,
    called: str = "",
    acting_user: Actor,
) -> None:
    """Delete a negative-list entry (rule, veto or bonus) unless incidents are recorded against it."""
    scheme: Scheme = obj.scheme
    require_manager(scheme.plan, acting_user, f"删除{what}")
    assessment = editable_assessment(scheme)
    used = obj.incidents.count()
    if used:
        raise AssessmentError(
            f"{called or what}“{name}”已登记 {used} 项事项，请先在考核页面撤销这些登记再删除"
        )
    obj.delete()
    mark_stale(assessment)
    record(acting_user, action, scheme, summary=f"删除{what} {name}", before=before)


@transaction.atomic
def do_remove_deduction_rule(rule: DeductionRule, *, acting_user: Actor) -> None:
    before = {"rule": rule.pk, "number": rule.number, "item": rule.item, "rules": rule.rules}
    _remove(
        rule,
        "负面清单",
        rule.item,
        "remove_deduction_rule",
        before,
        called="扣分事项",
        acting_user=acting_user,
    )


# ─── veto items ───────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def do_add_veto(scheme: Scheme, name: str, *, acting_user: Actor) -> VetoItem:
    require_manager(scheme.plan, acting_user, "增加一票否决事项")
    assessment = editable_assessment(scheme)
    veto = VetoItem.objects.create(
        scheme=scheme, name=text_of(name, "否决事项", 300), order=_next_order(scheme.vetoes)
    )
    mark_stale(assessment)
    record(acting_user, "add_veto", scheme, summary=f"增加一票否决事项 {veto.name}", after={"veto": veto.pk})
    return veto


@transaction.atomic
def do_update_veto(veto: VetoItem, name: str, *, acting_user: Actor) -> VetoItem:
    scheme: Scheme = veto.scheme
    require_manager(scheme.plan, acting_user, "修改一票否决事项")
    assessment = editable_assessment(scheme)
    name = text_of(name, "否决事项", 300)
    if veto.name == name:
        return veto  # saved unchanged: no write, no audit row
    before = {"veto": veto.pk, "name": veto.name}
    veto.name = name
    veto.save(update_fields=["name"])
    mark_stale(assessment)
    record(
        acting_user,
        "update_veto",
        scheme,
        summary=f"修改一票否决事项 {name}",
        before=before,
        after={"veto": veto.pk, "name": name},
    )
    return veto


@transaction.atomic
def do_remove_veto(veto: VetoItem, *, acting_user: Actor) -> None:
    before = {"veto": veto.pk, "name": veto.name}
    _remove(veto, "一票否决事项", veto.name, "remove_veto", before, acting_user=acting_user)


# ─── bonus items ──────────────────────────────────────────────────────────────────────────────


def _bonus_points(points: Any) -> Decimal:
    pts = decimal_of(points, "每项加分")
    if pts <= 0:
        raise AssessmentError("每项加分应大于 0")
    return pts


def _bonus_cap(cap: Any) -> Decimal | None:
    return None if cap in (None, "") else decimal_of(cap, "本项上限")


@transaction.atomic
def do_add_bonus(scheme: Scheme, name: str, points: Any, *, cap: Any = None, acting_user: Actor) -> BonusItem:
    require_manager(scheme.plan, acting_user, "增加加分项")
    assessment = editable_assessment(scheme)
    pts = _bonus_points(points)
    name = text_of(name, "加分事项", 300)
    bonus = BonusItem.objects.create(
        scheme=scheme, name=name, points=pts, cap=_bonus_cap(cap), order=_next_order(scheme.bonuses)
    )
    mark_stale(assessment)
    record(
        acting_user,
        "add_bonus",
        scheme,
        summary=f"增加加分项 {bonus.name}（每项 {pts:g} 分）",
        after={"bonus": bonus.pk, "points": str(pts), "cap": None if bonus.cap is None else str(bonus.cap)},
    )
    return bonus


@transaction.atomic
def do_update_bonus(
    bonus: BonusItem, *, name: str, points: Any, cap: Any = None, acting_user: Actor
) -> BonusItem:
    """Change a bonus item: its name, points per award and its own cap (none: only the scheme's)."""
    scheme: Scheme = bonus.scheme
    require_manager(scheme.plan, acting_user, "修改加分项")
    assessment = editable_assessment(scheme)
    name = text_of(name, "加分事项", 300)
    pts, top = _bonus_points(points), _bonus_cap(cap)
    if (bonus.name, bonus.points, bonus.cap) == (name, pts, top):
        return bonus  # saved unchanged: no write, no audit row
    before = {
        "bonus": bonus.pk,
        "name": bonus.name,
        "points": str(bonus.points),
        "cap": None if bonus.cap is None else str(bonus.cap),
    }
    bonus.name, bonus.points, bonus.cap = name, pts, top
    bonus.save(update_fields=["name", "points", "cap"])
    mark_stale(assessment)
    record(
        acting_user,
        "update_bonus",
        scheme,
        summary=f"修改加分项 {name}（每项 {pts:g} 分）",
        before=before,
        after={"bonus": bonus.pk, "name": name, "points": str(pts), "cap": None if top is None else str(top)},
    )
    return bonus


@transaction.atomic
def do_remove_bonus(bonus: BonusItem, *, acting_user: Actor) -> None:
    before = {"bonus": bonus.pk, "name": bonus.name, "points": str(bonus.points)}
    _remove(bonus, "加分项", bonus.name, "remove_bonus", before, acting_user=acting_user)
