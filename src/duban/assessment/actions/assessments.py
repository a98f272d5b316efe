"""An assessment's life: run as of a date (and run again while open), closed (定稿), reopened
with a reason, published."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from duban.accounts.actors import Actor
from duban.assessment import notices, storage
from duban.assessment.actions.guards import FINAL, lock_assessment, require_manager, text_of
from duban.assessment.engine.entries import paused_gc
from duban.assessment.engine.outcomes import compute, previous_of
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Assessment, AssessmentStatus, Scheme, SchemeStatus
from duban.audit.record import record
from duban.clock import now, today
from duban.notifications.notify import send_on_commit


def _compute_and_store(assessment: Assessment) -> int:
    """Every unit's result computed and stored; the number of units."""
    # The collector stays off until the outcomes are gone (see engine.entries.paused_gc).
    with paused_gc():
        outcomes = compute(assessment.scheme, assessment.as_of, assessment=assessment)
        at = now()
        storage.store(assessment, outcomes, at=at)
        units = len(outcomes)
        del outcomes
    assessment.computed_at, assessment.stale = at, False
    assessment.save(update_fields=["as_of", "computed_at", "stale", "previous"])
    return units


def _check_run(scheme: Scheme, as_of: dt.date) -> None:
    if scheme.status != SchemeStatus.ACTIVE:
        raise AssessmentError(f"考核方案“{scheme}”尚未启用")
    if as_of < scheme.period_start:
        raise AssessmentError(f"数据截止日期 {as_of} 早于考核期开始 {scheme.period_start}")
    if as_of > today():
        raise AssessmentError(f"数据截止日期 {as_of} 晚于今天：考核只能依据已有的数据")


@transaction.atomic
def do_run_assessment(scheme: Scheme, as_of: dt.date, *, acting_user: Actor) -> Assessment:
    """Compute every assessed unit's result as of `as_of` (the end of that day): the scheme's
    assessment is created the first time and recomputed while it is open."""
    user = require_manager(scheme.plan, acting_user, "计算考核结果")
    _check_run(scheme, as_of)
    # Lock the scheme row: two runs at once would both write every line.
    Scheme.objects.select_for_update().filter(pk=scheme.pk).exists()
    assessment = Assessment.objects.filter(scheme=scheme).first()
    created = assessment is None
    if assessment is None:
        assessment = Assessment.objects.create(scheme=scheme, as_of=as_of, created_at=now(), created_by=user)
    elif assessment.status != AssessmentStatus.OPEN:
        raise AssessmentError(f"考核已{assessment.get_status_display()}，如需重新计算请先重新打开")
    before = None if created else {"as_of": str(assessment.as_of)}
    assessment.as_of = as_of
    assessment.previous = previous_of(assessment)
    units = _compute_and_store(assessment)
    record(
        acting_user,
        "run_assessment",
        assessment,
        summary=f"{'计算' if created else '重新计算'}考核 {scheme.name}（{units} 个单位，数据截至 {as_of}）",
        before=before,
        after={"as_of": str(as_of), "units": units, "previous": assessment.previous_id},
    )
    return assessment


@transaction.atomic
def do_close_assessment(assessment: Assessment, *, acting_user: Actor) -> Assessment:
    """OPEN → CLOSED (定稿), recomputing first if grades or incidents changed since the last run.
    From now on later reports do not change it."""
    assessment = lock_assessment(assessment)
    user = require_manager(assessment.scheme.plan, acting_user, "定稿考核")
    if assessment.status != AssessmentStatus.OPEN:
        raise AssessmentError(f"考核已{assessment.get_status_display()}")
    recomputed = assessment.stale or assessment.computed_at is None
    if recomputed:
        _compute_and_store(assessment)
    assessment.status, assessment.closed_at, assessment.closed_by = AssessmentStatus.CLOSED, now(), user
    assessment.save(update_fields=["status", "closed_at", "closed_by"])
    record(
        acting_user,
        "close_assessment",
        assessment,
        summary=f"定稿考核 {assessment.scheme.name}",
        after={
            "status": assessment.status,
            "as_of": str(assessment.as_of),
            "recomputed": recomputed,
            "results": assessment.results.count(),
        },
    )
    return assessment


@transaction.atomic
def do_reopen_assessment(assessment: Assessment, reason: str, *, acting_user: Actor) -> Assessment:
    """CLOSED or PUBLISHED → OPEN, with a reason kept on the assessment and in the audit trail."""
    assessment = lock_assessment(assessment)
    user = require_manager(assessment.scheme.plan, acting_user, "重新打开考核")
    if assessment.status not in FINAL:
        raise AssessmentError("考核尚未定稿，无需重新打开")
    reason = text_of(reason, "重新打开的理由", 500)
    was = assessment.status
    reopening = {"at": now().isoformat(), "by": user.pk, "from": was, "reason": reason}
    assessment.reopenings = [*assessment.reopenings, reopening]
    assessment.status = AssessmentStatus.OPEN
    assessment.save(update_fields=["status", "reopenings"])
    record(
        acting_user,
        "reopen_assessment",
        assessment,
        summary=f"重新打开考核 {assessment.scheme.name}：{reason}",
        before={"status": was},
        after={"status": assessment.status, "reason": reason},
    )
    return assessment


@transaction.atomic
def do_publish_assessment(assessment: Assessment, *, acting_user: Actor) -> Assessment:
    """CLOSED → PUBLISHED: the units see the ranking."""
    assessment = lock_assessment(assessment)
    user = require_manager(assessment.scheme.plan, acting_user, "公布考核结果")
    if assessment.status != AssessmentStatus.CLOSED:
        raise AssessmentError(f"只有已定稿的考核可以公布（当前：{assessment.get_status_display()}）")
    assessment.status, assessment.published_at, assessment.published_by = (
        AssessmentStatus.PUBLISHED,
        now(),
        user,
    )
    assessment.save(update_fields=["status", "published_at", "published_by"])
    record(
        acting_user,
        "publish_assessment",
        assessment,
        summary=f"公布考核结果 {assessment.scheme.name}",
        after={"status": assessment.status},
    )
    send_on_commit(*notices.published(assessment))
    return assessment
