"""Incidents: a count (件数) or a rate (发案率) for a unit under a negative-list rule, a veto or a
bonus item, with an evidence file; recorded and withdrawn with a reason. Only how many or how
often: never records about persons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

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
from duban.assessment.errors import AssessmentError
from duban.assessment.models import (
    Assessment,
    BonusItem,
    DeductionRule,
    Incident,
    IncidentKind,
    VetoItem,
)
from duban.assessment.scoring import Rule
from duban.audit.record import record
from duban.clock import now
from duban.evidence import EvidenceRejected, check_evidence, file_name, files_kept_only_on_commit, store_file
from duban.units.models import Unit


class Amount(NamedTuple):
    """What an incident records: its kind and level, and a count or a rate."""

    kind: IncidentKind
    level: str
    number: int | None
    ratio: Decimal | None


def _count(count: Any, what: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1 or count > 100000:
        raise AssessmentError(f"“{what}”的件数应为正整数，而不是“{count}”")
    return count


def _deduction(rule: DeductionRule, level: str, count: Any, rate: Any) -> Amount:
    """A rate against the rule's threshold, or a count of incidents of one of its levels."""
    parsed = [Rule.from_dict(r) for r in rule.rules]
    if rate not in (None, ""):
        if not any(r.threshold for r in parsed):
            raise AssessmentError(f"“{rule}”不按比率扣分，请填写件数")
        return Amount(IncidentKind.DEDUCTION, "", None, decimal_of(rate, f"{rule}的比率"))
    levels = [r.level for r in parsed if r.threshold is None and r.level]
    if not any(r.threshold is None for r in parsed):
        raise AssessmentError(f"“{rule}”按比率扣分，请填写比率")
    if levels and level not in levels:
        raise AssessmentError(f"“{rule}”须选择级别：{'、'.join(levels)}")
    if not levels and level:
        raise AssessmentError(f"“{rule}”不分级别")
    return Amount(IncidentKind.DEDUCTION, level, _count(count, str(rule)), None)


def _amount(
    what: DeductionRule | VetoItem | BonusItem, level: str, count: Any, rate: Any, note: str
) -> Amount:
    if isinstance(what, DeductionRule):
        return _deduction(what, level, count, rate)
    if isinstance(what, VetoItem):
        if count is not None or rate not in (None, ""):
            raise AssessmentError("一票否决事项不填写件数或比率")
        if not note:
            raise AssessmentError("一票否决须写明事由")
        return Amount(IncidentKind.VETO, level, None, None)
    return Amount(IncidentKind.BONUS, level, _count(1 if count is None else count, str(what)), None)


def _attach(incident: Incident, evidence: tuple[str, bytes]) -> None:
    """The evidence file, checked and stored (deleted again if the transaction rolls back)."""
    name, data = evidence
    name = file_name(name)
    try:
        check_evidence(name, data)
    except EvidenceRejected as exc:
        raise AssessmentError(str(exc)) from exc
    incident.evidence_name = name
    store_file(incident.evidence, name, data)


@files_kept_only_on_commit()  # outside the transaction: a rollback deletes the evidence file again
@transaction.atomic
def do_record_incident(
    assessment: Assessment,
    unit: Unit,
    *,
    rule: DeductionRule | None = None,
    veto: VetoItem | None = None,
    bonus: BonusItem | None = None,
    level: str = "",
    count: int | None = None,
    rate: Any = None,
    note: str = "",
    evidence: tuple[str, bytes] | None = None,
    acting_user: Actor,
) -> Incident:
    """A count (件数) or rate (发案率) for a unit under a negative-list rule, a veto or a bonus item,
    with an evidence file. A rate replaces the unit's earlier rate under the same rule."""
    assessment = lock_assessment(assessment)
    scheme = assessment.scheme
    user = require_manager(scheme.plan, acting_user, "登记负面清单、否决和加分事项")
    chosen = [x for x in (rule, veto, bonus) if x is not None]
    if len(chosen) != 1:
        raise AssessmentError("请选择一项负面清单、一票否决或加分事项")
    what = chosen[0]
    if what.scheme_id != scheme.pk:
        raise AssessmentError(f"“{what}”不属于考核方案“{scheme}”")
    check_input_allowed(assessment, unit.pk, "登记事项")
    check_assessed(assessment, unit)
    note = (note or "").strip()
    if len(note) > 2000:
        raise AssessmentError("说明过长（上限 2000 字）")
    amount = _amount(what, (level or "").strip(), count, rate, note)
    incident = Incident(
        assessment=assessment,
        unit=unit,
        kind=amount.kind,
        rule=rule,
        veto=veto,
        bonus=bonus,
        level=amount.level,
        count=amount.number,
        rate=amount.ratio,
        note=note,
        recorded_at=now(),
        recorded_by=user,
    )
    if evidence is not None:
        _attach(incident, evidence)
    incident.save()
    mark_stale(assessment)
    record(
        acting_user,
        "record_incident",
        assessment,
        summary=f"登记 {unit}：{what} {_amount_text(amount)}".strip(),
        after={
            "incident": incident.pk,
            "unit": unit.pk,
            "kind": amount.kind,
            "what": what.pk,
            "level": amount.level,
            "count": amount.number,
            "rate": None if amount.ratio is None else str(amount.ratio),
            "evidence": incident.evidence_name,
        },
    )
    return incident


def _amount_text(amount: Amount) -> str:
    if amount.ratio is not None:
        return f"比率 {amount.ratio:g}"
    return "" if amount.number is None else f"{amount.level}{amount.number} 件"


@transaction.atomic
def do_remove_incident(incident: Incident, reason: str, *, acting_user: Actor) -> None:
    """Withdraw a recorded incident, with a reason; its evidence file goes once this commits."""
    assessment = lock_assessment(incident.assessment)
    require_manager(assessment.scheme.plan, acting_user, "撤销登记事项")
    check_input_allowed(assessment, incident.unit_id, "撤销登记事项")
    reason = text_of(reason, "撤销理由", 500)
    before = {
        "incident": incident.pk,
        "unit": incident.unit_id,
        "kind": incident.kind,
        "level": incident.level,
        "count": incident.count,
        "rate": None if incident.rate is None else str(incident.rate),
        "note": incident.note,
        "evidence": incident.evidence_name,
    }
    stored = incident.evidence.name
    storage = incident.evidence.storage
    incident.delete()
    mark_stale(assessment)
    record(
        acting_user,
        "remove_incident",
        assessment,
        summary=f"撤销登记事项：{reason}",
        before=before,
        after={"reason": reason},
    )
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
