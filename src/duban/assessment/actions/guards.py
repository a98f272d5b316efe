"""What the assessment's actions share: who may write, the checks of numbers and texts, and when
a scheme or an assessment's inputs may change. Each refuses with an AssessmentError in Chinese,
before anything is written, so every action refuses the same things with the same words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Appeal, AppealStatus, Assessment, AssessmentStatus, Result, Scheme
from duban.plans.access import can_manage
from duban.plans.models import Plan, Target, Task
from duban.units.models import Unit

FINAL = (AssessmentStatus.CLOSED, AssessmentStatus.PUBLISHED)


def require_manager(plan: Plan, acting_user: Actor, what: str) -> User:
    """The acting user, if it manages the plan: only a plan's managers (and administrators) write
    its assessment; the system never does."""
    if not isinstance(acting_user, User) or not can_manage(acting_user, plan):
        raise AssessmentError(f"无权{what}：只有方案管理员可以{what}")
    return acting_user


def decimal_of(
    value: Any, what: str, *, low: Decimal | None = Decimal(0), high: Decimal | None = None
) -> Decimal:
    """A number from a form or a caller (Decimal, int, or its text), within low … high."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        d = Decimal("NaN")
    if not d.is_finite() or abs(d) >= Decimal(10) ** 7:
        raise AssessmentError(f"{what}应为数字，而不是“{value}”")
    if low is not None and d < low:
        raise AssessmentError(f"{what}不能小于 {low:g}（而不是 {d:g}）")
    if high is not None and d > high:
        raise AssessmentError(f"{what}不能大于 {high:g}（而不是 {d:g}）")
    return d


def text_of(value: str, what: str, limit: int) -> str:
    """A required text, stripped, at most `limit` characters."""
    value = (value or "").strip()
    if not value:
        raise AssessmentError(f"请填写{what}")
    if len(value) > limit:
        raise AssessmentError(f"{what}过长（{len(value)} 字，上限 {limit} 字）")
    return value


def plain(value: Any) -> Any:
    """A value as the audit trail keeps it (JSON)."""
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if isinstance(value, Target | Task):
        return value.pk
    return value


def editable_assessment(scheme: Scheme) -> Assessment | None:
    """A scheme is not changed under a closed or published assessment: its results must stay
    explainable by the scheme they were computed from. Returns the open assessment, if any."""
    assessment = Assessment.objects.filter(scheme=scheme).first()
    if assessment is not None and assessment.status in FINAL:
        raise AssessmentError(
            f"“{scheme}”的考核已{assessment.get_status_display()}，请先重新打开考核再修改考核方案"
        )
    return assessment


def mark_stale(assessment: Assessment | None) -> None:
    """The open assessment's results no longer follow from its scheme and inputs: closing it
    recomputes them first."""
    if assessment is not None and assessment.status == AssessmentStatus.OPEN and not assessment.stale:
        Assessment.objects.filter(pk=assessment.pk).update(stale=True)
        assessment.stale = True


def lock_assessment(assessment: Assessment) -> Assessment:
    """The assessment read again under a row lock: its inputs and status change one at a time."""
    return Assessment.objects.select_for_update().select_related("scheme__plan").get(pk=assessment.pk)


def check_input_allowed(assessment: Assessment, unit_id: int, what: str) -> None:
    """Inputs change while the assessment is open; after it is closed, only for a unit whose appeal
    is being handled (the correction the appeal asks for)."""
    if assessment.status == AssessmentStatus.OPEN:
        return
    appealing = Appeal.objects.filter(
        result__assessment=assessment, result__unit_id=unit_id, status=AppealStatus.FILED
    )
    if appealing.exists():
        return
    raise AssessmentError(f"考核已{assessment.get_status_display()}，不能再{what}（该单位没有待处理的申诉）")


def check_assessed(assessment: Assessment, unit: Unit) -> None:
    if not Result.objects.filter(assessment=assessment, unit=unit).exists():
        raise AssessmentError(f"{unit} 不是本次考核的考核对象")
