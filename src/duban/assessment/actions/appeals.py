"""Appeals: a unit disputes its result of a closed or published assessment; the office accepts
(the unit's result recomputed, every unit ranked again) or rejects it with a reason."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.assessment import notices, storage
from duban.assessment.actions.guards import FINAL, lock_assessment, require_manager, text_of
from duban.assessment.engine.outcomes import compute
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Appeal, AppealStatus, Assessment, Result
from duban.audit.record import record
from duban.clock import now
from duban.notifications.notify import resolve_on_commit, send_on_commit


def _may_appeal(acting_user: Actor, result: Result) -> User:
    """The acting user, if it is an active reporter of the result's unit."""
    user = acting_user
    if not (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.is_reporter
        and user.unit_id == result.unit_id
    ):
        raise AssessmentError("无权申诉：只有该单位的填报员可以申诉")
    return user


@transaction.atomic
def do_file_appeal(result: Result, reason: str, *, acting_user: Actor) -> Appeal:
    """A reporter of the result's unit disputes it, with a reason."""
    assessment = lock_assessment(result.assessment)
    user = _may_appeal(acting_user, result)
    if assessment.status not in FINAL:
        raise AssessmentError("考核尚未定稿，暂不能申诉")
    reason = text_of(reason, "申诉理由", 2000)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(result=result, reason=reason, filed_at=now(), filed_by=user)
    except IntegrityError:
        raise AssessmentError("该单位已有待处理的申诉") from None
    record(
        acting_user,
        "file_appeal",
        appeal,
        summary=f"{result.unit} 申诉 {assessment.scheme.name}：{reason[:100]}",
        after={"result": result.pk, "total": str(result.total), "reason": reason},
    )
    send_on_commit(notices.appeal_filed(appeal))
    return appeal


def _recompute(assessment: Assessment, result: Result) -> None:
    """The unit's result computed again as of the assessment's date, and every unit ranked again."""
    outcomes = compute(
        assessment.scheme, assessment.as_of, assessment=assessment, only_units={result.unit_id}
    )
    if not outcomes:
        raise AssessmentError(f"{result.unit} 已不是考核对象，不能重新计算")
    storage.store(assessment, outcomes, at=now(), partial=True)
    storage.rerank(assessment)
    result.refresh_from_db()


@transaction.atomic
def do_decide_appeal(appeal: Appeal, *, accept: bool, reason: str = "", acting_user: Actor) -> Appeal:
    """Accept: the unit's result is recomputed from the scheme and the data as of the assessment's
    date (with the corrections made while the appeal was open) and every unit is ranked again.
    Reject: with a reason; the result stays."""
    appeal = Appeal.objects.select_for_update().select_related("result__unit").get(pk=appeal.pk)
    result = appeal.result
    assessment = lock_assessment(result.assessment)
    user = require_manager(assessment.scheme.plan, acting_user, "处理申诉")
    if appeal.status != AppealStatus.FILED:
        raise AssessmentError(f"该申诉已处理（{appeal.get_status_display()}），不能再次处理")
    reason = (reason or "").strip() if accept else text_of(reason, "驳回理由", 2000)
    before = {"total": str(result.total), "rank": result.rank, "grade": result.grade}
    appeal.total_before = result.total
    if accept:
        _recompute(assessment, result)
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.decision_reason = reason or "采纳申诉，重新计算"
    appeal.decided_at, appeal.decided_by, appeal.total_after = now(), user, result.total
    appeal.save()
    after = {
        "status": appeal.status,
        "reason": appeal.decision_reason,
        "total": str(result.total),
        "rank": result.rank,
        "grade": result.grade,
    }
    record(
        acting_user,
        "decide_appeal",
        appeal,
        summary=f"{appeal.get_status_display()} {result.unit} 的申诉：{appeal.decision_reason[:100]}",
        before=before,
        after=after,
    )
    if accept:
        record(
            acting_user,
            "recompute_result",
            result,
            summary=f"申诉采纳后重新计算 {result.unit}：{before['total']} → {result.total}",
            before=before,
            after=after,
        )
    resolve_on_commit(notices.decide_topic(appeal))
    send_on_commit(notices.appeal_decided(appeal))
    return appeal
