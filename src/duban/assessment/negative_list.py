"""Editing and removing a scheme's negative-list rules, veto items and bonus items: the writes
that actions.py's do_add_* leave out. The same contract: do_<verb>_<noun>(…, *, acting_user),
atomic, audited in the same transaction, and a refusal (AssessmentError, in Chinese) changes
nothing.

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

from duban.assessment.actions import AssessmentError

# The scheme-editing guards are actions.py's own; they are shared here rather than copied so both
# modules refuse the same things with the same words.
from duban.assessment.actions import _decimal as decimal_of
from duban.assessment.actions import _editable as editable_assessment
from duban.assessment.actions import _mark_stale as mark_stale
from duban.assessment.actions import _require_manager as require_manager
from duban.assessment.actions import _text as text_of
from duban.assessment.models import BonusItem, DeductionRule, Incident, Scheme, VetoItem
from duban.assessment.scoring import Rule
from duban.audit.record import record

__all__ = [
    "check_rules",
    "do_remove_bonus",
    "do_remove_deduction_rule",
    "do_remove_veto",
    "do_update_bonus",
    "do_update_deduction_rule",
    "do_update_veto",
]

# What scoring.threshold reads: "≥" or ">" (">=" too) before a non-negative number.
_THRESHOLD = re.compile(r"^(?:>=|>|≥)\d+(?:\.\d+)?$")
LEVEL_LIMIT = 16  # Incident.level


def _plain(rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in dict(r).items() if v is not None}
        for r in rules
    ]


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
            level = rule.level or ""
            if len(level) > LEVEL_LIMIT:
                raise AssessmentError(f"{where}：级别“{level}”过长（上限 {LEVEL_LIMIT} 字）")
            if level in levels:
                raise AssessmentError(f"{where}：级别“{level or '不分级别'}”重复")
            levels.add(level)
            continue
        thresholds += 1
        if thresholds > 1:
            raise AssessmentError(f"{where}：每个扣分事项只能有一个比率阈值")
        if not _THRESHOLD.match(str(rule.threshold).replace(" ", "")):
            raise AssessmentError(f"{where}：阈值应为“>0.6”或“≥0.6”的形式，而不是“{rule.threshold}”")
        if (rule.step is None) != (rule.step_points is None):
            raise AssessmentError(f"{where}：“每超过”与“再扣”须同时填写")
        if (
            rule.step is not None
            and rule.step_points is not None
            and (rule.step <= 0 or rule.step_points >= 0)
        ):
            raise AssessmentError(f"{where}：“每超过”应大于 0，“再扣”应为负数")
        if rule.cap is not None and rule.cap > rule.points:
            raise AssessmentError(f"{where}：最多共扣 {-rule.cap:g} 分，少于超过即扣的 {-rule.points:g} 分")
    return _plain(rules)


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
    if Incident.objects.filter(rule=rule, rate__isnull=False).exists() and not any(
        r.threshold for r in parsed
    ):
        raise AssessmentError(f"“{rule.item}”已登记比率，修改后的规则没有比率阈值：请先撤销这些登记")


def _in_use(model_name: str, name: str, count: int) -> AssessmentError:
    return AssessmentError(f"{model_name}“{name}”已登记 {count} 项事项，请先在考核页面撤销这些登记再删除")


@transaction.atomic
def do_update_deduction_rule(
    rule: DeductionRule, *, item: str, rules: Sequence[Mapping[str, Any]], acting_user: Any
) -> DeductionRule:
    """Change a negative-list item's name and rules (per incident by level, or a rate threshold with
    steps and a cap)."""
    scheme: Scheme = rule.scheme
    require_manager(scheme.plan, acting_user, "修改负面清单")
    assessment = editable_assessment(scheme)
    item = text_of(item, "扣分事项", 300)
    clean = check_rules(item, rules)
    _check_incidents_still_match(rule, clean)
    before = {"rule": rule.pk, "item": rule.item, "rules": rule.rules}
    rule.item, rule.rules = item, clean
    rule.save(update_fields=["item", "rules"])
    mark_stale(assessment)
    record(acting_user, "update_deduction_rule", scheme, summary=f"修改负面清单 {item}", before=before,
           after={"rule": rule.pk, "item": item, "rules": clean})  # fmt: skip
    return rule


def _remove(
    obj: DeductionRule | VetoItem | BonusItem,
    what: str,
    name: str,
    action: str,
    before: dict[str, Any],
    *,
    called: str = "",
    acting_user: Any,
) -> None:
    """Delete a negative-list entry (rule, veto or bonus) unless incidents are recorded against it."""
    scheme: Scheme = obj.scheme
    require_manager(scheme.plan, acting_user, f"删除{what}")
    assessment = editable_assessment(scheme)
    used = obj.incidents.count()
    if used:
        raise _in_use(called or what, name, used)
    obj.delete()
    mark_stale(assessment)
    record(acting_user, action, scheme, summary=f"删除{what} {name}", before=before)


@transaction.atomic
def do_remove_deduction_rule(rule: DeductionRule, *, acting_user: Any) -> None:
    _remove(rule, "负面清单", rule.item, "remove_deduction_rule",
            {"rule": rule.pk, "number": rule.number, "item": rule.item, "rules": rule.rules},
            called="扣分事项", acting_user=acting_user)  # fmt: skip


@transaction.atomic
def do_update_veto(veto: VetoItem, name: str, *, acting_user: Any) -> VetoItem:
    scheme: Scheme = veto.scheme
    require_manager(scheme.plan, acting_user, "修改一票否决事项")
    assessment = editable_assessment(scheme)
    name = text_of(name, "否决事项", 300)
    before = {"veto": veto.pk, "name": veto.name}
    veto.name = name
    veto.save(update_fields=["name"])
    mark_stale(assessment)
    record(acting_user, "update_veto", scheme, summary=f"修改一票否决事项 {name}", before=before,
           after={"veto": veto.pk, "name": name})  # fmt: skip
    return veto


@transaction.atomic
def do_remove_veto(veto: VetoItem, *, acting_user: Any) -> None:
    _remove(veto, "一票否决事项", veto.name, "remove_veto", {"veto": veto.pk, "name": veto.name},
            acting_user=acting_user)  # fmt: skip


@transaction.atomic
def do_update_bonus(
    bonus: BonusItem, *, name: str, points: Any, cap: Any = None, acting_user: Any
) -> BonusItem:
    """Change a bonus item: its name, points per award and its own cap (none: only the scheme's)."""
    scheme: Scheme = bonus.scheme
    require_manager(scheme.plan, acting_user, "修改加分项")
    assessment = editable_assessment(scheme)
    name = text_of(name, "加分事项", 300)
    pts = decimal_of(points, "每项加分")
    if pts <= 0:
        raise AssessmentError("每项加分应大于 0")
    top = None if cap in (None, "") else decimal_of(cap, "本项上限")
    before = {"bonus": bonus.pk, "name": bonus.name, "points": str(bonus.points),
              "cap": None if bonus.cap is None else str(bonus.cap)}  # fmt: skip
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
def do_remove_bonus(bonus: BonusItem, *, acting_user: Any) -> None:
    _remove(
        bonus,
        "加分项",
        bonus.name,
        "remove_bonus",
        {"bonus": bonus.pk, "name": bonus.name, "points": str(bonus.points)},
        acting_user=acting_user,
    )
