"""Grades: an assessor's score of an item scored by hand, or the criteria of a checklist met."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from duban.accounts.actors import Actor
from duban.assessment.actions.guards import (
    check_assessed,
    check_input_allowed,
    decimal_of,
    lock_assessment,
    mark_stale,
    require_manager,
    text_of,
)
from duban.assessment.engine.scorers import direct_scorers
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Assessment, ManualGrade, Method, SchemeItem
from duban.audit.record import record
from duban.clock import now
from duban.units.models import Unit


def _grade(item: SchemeItem, score: Any, met: Sequence[int] | None, reason: str) -> dict[str, Any]:
    """The grade's fields for the item's method: a score within its points and a reason
    (MANUAL), or the criteria met (CHECKLIST)."""
    reason = (reason or "").strip()
    if item.method == Method.MANUAL:
        value = decimal_of(score, f"{item}的评分")
        if value > item.points:
            raise AssessmentError(f"{item}：评分 {value:g} 超出 0–{item.points:g} 分")
        return {"score": value, "met": [], "reason": text_of(reason, "评分理由", 2000)}
    if item.method == Method.CHECKLIST:
        chosen = sorted(set(met or []))
        if any(not isinstance(i, int) or not 0 <= i < len(item.criteria) for i in chosen):
            raise AssessmentError(f"{item}：细则序号应在 0–{len(item.criteria) - 1} 之间")
        return {"score": None, "met": chosen, "reason": reason}
    raise AssessmentError(f"{item}按{item.get_method_display()}计分，不需人工评分")


@transaction.atomic
def do_grade_item(
    assessment: Assessment,
    item: SchemeItem,
    unit: Unit,
    *,
    score: Any = None,
    met: Sequence[int] | None = None,
    reason: str = "",
    acting_user: Actor,
) -> ManualGrade:
    """An assessor's grade: a score within the item's points with a reason (MANUAL), or the
    criteria met (CHECKLIST). Grading again replaces the grade; the audit keeps the old one."""
    assessment = lock_assessment(assessment)
    scheme = assessment.scheme
    user = require_manager(scheme.plan, acting_user, "评分")
    if item.scheme_id != scheme.pk:
        raise AssessmentError(f"“{item}”不属于考核方案“{scheme}”")
    check_input_allowed(assessment, unit.pk, "评分")
    check_assessed(assessment, unit)
    if unit.pk not in direct_scorers(scheme, item, assessment):
        raise AssessmentError(f"{unit} 不直接承担“{item}”（配合单位按牵头单位得分计算）")
    fields = _grade(item, score, met, reason)
    old = ManualGrade.objects.filter(assessment=assessment, item=item, unit=unit).first()
    before = None
    if old is not None:
        before = {
            "score": None if old.score is None else str(old.score),
            "met": old.met,
            "reason": old.reason,
        }
    grade, _ = ManualGrade.objects.update_or_create(
        assessment=assessment, item=item, unit=unit, defaults={**fields, "assessor": user, "graded_at": now()}
    )
    mark_stale(assessment)
    record(
        acting_user,
        "grade_item",
        assessment,
        summary=f"评分 {unit}：{item}",
        before=before,
        after={
            "grade": grade.pk,
            "item": item.pk,
            "unit": unit.pk,
            "score": None if grade.score is None else str(grade.score),
            "met": grade.met,
            "reason": fields["reason"],
        },
    )
    return grade
