"""Closing, reopening and publishing an assessment; later reports; appeals (the assessment of
test_engine.py: A and B tied at 22.40, C vetoed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from duban.accounts.models import User
from duban.assessment.actions.appeals import do_decide_appeal, do_file_appeal
from duban.assessment.actions.assessments import (
    do_close_assessment,
    do_publish_assessment,
    do_reopen_assessment,
    do_run_assessment,
)
from duban.assessment.actions.grades import do_grade_item
from duban.assessment.actions.items import do_update_item
from duban.assessment.engine.outcomes import compute
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Appeal, AppealStatus, Assessment, AssessmentStatus, Result, ResultLine
from duban.audit.models import AuditEvent
from duban.plans.models import Plan
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.drafts import do_edit_draft
from duban.tracking.actions.report_data import IndicatorInput, ReportData
from duban.tracking.actions.reviews import do_accept_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import Progress, ProgressReport
from duban.units.models import Unit

from .conftest import AS_OF, at, item, lines, reporter_of, result


def totals(a: Assessment) -> dict[str, tuple[Decimal, int]]:
    return {
        u: (t, r)
        for u, t, r in Result.objects.filter(assessment=a).values_list("unit__name", "total", "rank")
    }


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def closed(assessment: Assessment, users: dict[str, User]) -> Assessment:
    return do_close_assessment(assessment, acting_user=users["manager"])


def correct_t1_as_lagging(plan: Plan, unit: Unit, manager: User, frozen: Any) -> ProgressReport:
    """After the assessment: A corrects its T1 report to 滞后 (not done), and it is accepted."""
    v1 = plan.tasks.get(number="1").reports.get(unit=unit)
    user = reporter_of(unit)
    frozen(at(2026, 2, 10))
    v2 = do_correct_report(v1, acting_user=user)
    v2 = do_edit_draft(
        v2,
        ReportData(
            progress=Progress.LAGGING, reason="复核发现未完成", percent=80, narrative="更正：尚未完成。"
        ),
        lock_version=v2.lock_version,
        acting_user=user,
    )
    v2 = do_submit_report(v2, acting_user=user)
    frozen(at(2026, 2, 11))
    return do_accept_report(v2, acting_user=manager)


def test_a_closed_assessment_does_not_change_when_reports_change_later(
    closed: Assessment, plan: Plan, units: dict[str, Unit], users: dict[str, User], frozen: Any
) -> None:
    before = totals(closed)
    lines_before = list(
        ResultLine.objects.filter(result__assessment=closed).values_list(
            "text__label", "text__points", "text__reason"
        )
    )
    correct_t1_as_lagging(plan, units["A"], users["manager"], frozen)
    assert ProgressReport.objects.get(task__number="1", unit=units["A"], version=1).status == "superseded"
    closed.refresh_from_db()
    assert closed.status == AssessmentStatus.CLOSED
    assert totals(closed) == before
    assert (
        list(
            ResultLine.objects.filter(result__assessment=closed).values_list(
                "text__label", "text__points", "text__reason"
            )
        )
        == lines_before
    )
    with pytest.raises(AssessmentError, match="已定稿"):
        do_run_assessment(closed.scheme, AS_OF, acting_user=users["manager"])


def test_recomputing_as_of_the_same_date_ignores_later_corrections(
    closed: Assessment, plan: Plan, units: dict[str, Unit], users: dict[str, User], frozen: Any
) -> None:
    correct_t1_as_lagging(plan, units["A"], users["manager"], frozen)
    # The version accepted by the as-of date counts though it has been superseded since…
    same = {o.unit_name: o.total for o in compute(closed.scheme, AS_OF, assessment=closed)}
    assert same == {"区公安分局": Decimal("22.40"), "区司法局": Decimal("22.40"), "区民政局": 0}
    # …and as of a date after the correction was accepted, it no longer does (A loses T1's 20,
    # B its 0.3 share of it).
    later = {o.unit_name: o.total for o in compute(closed.scheme, dt.date(2026, 2, 11), assessment=closed)}
    assert later == {"区公安分局": Decimal("2.40"), "区司法局": Decimal("16.40"), "区民政局": 0}


def test_an_accepted_then_superseded_report_counts_without_its_audit_row(
    closed: Assessment, plan: Plan, units: dict[str, Unit], users: dict[str, User], frozen: Any
) -> None:
    correct_t1_as_lagging(plan, units["A"], users["manager"], frozen)
    # The audit trail is for people: the engine reads the report's own acceptance.
    deleted, _ = AuditEvent.objects.filter(action="accept_report").delete()
    assert deleted
    same = {o.unit_name: o.total for o in compute(closed.scheme, AS_OF, assessment=closed)}
    assert same == {"区公安分局": Decimal("22.40"), "区司法局": Decimal("22.40"), "区民政局": 0}
    later = {o.unit_name: o.total for o in compute(closed.scheme, dt.date(2026, 2, 11), assessment=closed)}
    assert later == {"区公安分局": Decimal("2.40"), "区司法局": Decimal("16.40"), "区民政局": 0}


def test_an_accepted_then_superseded_figure_counts_without_its_audit_row(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], frozen: Any
) -> None:
    c, m = units["C"], users["manager"]
    before = (totals(assessment), lines(assessment, c))
    # After the as-of date C corrects its H2 figure of task 3 (72 → 95), and the correction is
    # accepted; then the audit rows of every acceptance are gone.
    v1 = ProgressReport.objects.get(task__number="3", unit=c, period__end=dt.date(2025, 12, 31))
    target = v1.task.targets.get()
    frozen(at(2026, 2, 10))
    v2 = do_correct_report(v1, acting_user=reporter_of(c))
    v2 = do_edit_draft(
        v2,
        ReportData(
            progress=Progress.IN_PROGRESS,
            percent=50,
            narrative="更正数据。",
            values={target.pk: IndicatorInput(Decimal("95"))},
        ),
        lock_version=v2.lock_version,
        acting_user=reporter_of(c),
    )
    do_accept_report(do_submit_report(v2, acting_user=reporter_of(c)), acting_user=m)
    assert ProgressReport.objects.get(pk=v1.pk).status == "superseded"
    AuditEvent.objects.filter(action="accept_report").delete()
    # As of the same date the superseded figure (72) still stands.
    rerun = do_run_assessment(assessment.scheme, AS_OF, acting_user=m)
    assert (totals(rerun), lines(rerun, c)) == before


def test_the_migration_takes_each_acceptance_from_the_audit_trail_and_results_stay(
    transactional_db: Any,
    closed: Assessment,
    plan: Plan,
    units: dict[str, Unit],
    users: dict[str, User],
    frozen: Any,
) -> None:
    """A database from before ProgressReport.accepted_at: tracking migrated back before the
    migration that made it, then forward again."""
    correct_t1_as_lagging(plan, units["A"], users["manager"], frozen)
    dates = (AS_OF, dt.date(2026, 2, 11))

    def results() -> list[dict[str, Decimal]]:
        return [{o.unit_name: o.total for o in compute(closed.scheme, d, assessment=closed)} for d in dates]

    before = results()
    superseded = ProgressReport.objects.get(task__number="1", unit=units["A"], version=1)
    # A report still accepted whose audit row is missing (stored by a script) takes its review time.
    unaudited = (
        ProgressReport.objects.filter(status="accepted").exclude(task__number="1").order_by("pk").first()
    )
    assert unaudited is not None
    AuditEvent.objects.filter(action="accept_report", object_id=str(unaudited.pk)).delete()
    accepted = {int(e.object_id): e.at for e in AuditEvent.objects.filter(action="accept_report")}
    assert superseded.pk in accepted
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    (made,) = [
        n for n in executor.loader.graph.nodes if n[0] == "tracking" and n[1].endswith("_report_accepted_at")
    ]
    (parent,) = [n for n in executor.loader.graph.node_map[made].parents if n.key[0] == "tracking"]
    try:
        executor.migrate([parent.key])
    finally:
        # Back to the latest schema whatever happened: the rest of the suite runs on it.
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    got = dict(ProgressReport.objects.exclude(accepted_at=None).values_list("pk", "accepted_at"))
    assert got == {**accepted, unaudited.pk: unaudited.reviewed_at}
    assert results() == before


def test_reopening_needs_a_reason_and_is_audited(closed: Assessment, users: dict[str, User]) -> None:
    m = users["manager"]
    with pytest.raises(AssessmentError, match="理由"):
        do_reopen_assessment(closed, "  ", acting_user=m)
    do_publish_assessment(closed, acting_user=m)
    reopened = do_reopen_assessment(closed, "补录遗漏的加分材料", acting_user=m)
    assert reopened.status == AssessmentStatus.OPEN
    assert [(r["from"], r["reason"], r["by"]) for r in reopened.reopenings] == [
        ("published", "补录遗漏的加分材料", m.pk)
    ]
    (event,) = events("reopen_assessment")
    assert (event.actor, event.before, event.after) == (
        m,
        {"status": "published"},
        {"status": "open", "reason": "补录遗漏的加分材料"},
    )
    # Open again: it may be recomputed, then closed again.
    do_run_assessment(closed.scheme, AS_OF, acting_user=m)
    assert do_close_assessment(reopened, acting_user=m).status == AssessmentStatus.CLOSED


def test_closing_recomputes_what_changed_since_the_last_run(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    m = users["manager"]
    do_grade_item(
        assessment, item(assessment.scheme, "4"), units["B"], score=20, reason="全部落实", acting_user=m
    )
    assessment.refresh_from_db()
    assert assessment.stale and result(assessment, units["B"]).total == Decimal("22.40")
    closed = do_close_assessment(assessment, acting_user=m)
    assert not closed.stale and result(closed, units["B"]).total == Decimal("31.00")
    assert events("close_assessment")[-1].after["recomputed"] is True


def test_publishing_needs_a_closed_assessment(assessment: Assessment, users: dict[str, User]) -> None:
    with pytest.raises(AssessmentError, match="已定稿"):
        do_publish_assessment(assessment, acting_user=users["manager"])


def test_nothing_is_edited_under_a_closed_assessment(
    closed: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    m = users["manager"]
    with pytest.raises(AssessmentError, match="重新打开"):
        do_update_item(item(closed.scheme, "1"), max_points=30, acting_user=m)
    with pytest.raises(AssessmentError, match="没有待处理的申诉"):
        do_grade_item(closed, item(closed.scheme, "4"), units["B"], score=20, reason="改分", acting_user=m)


def test_only_managers_run_close_and_publish(assessment: Assessment, users: dict[str, User]) -> None:
    for role in ("reporter", "leader", "other_manager"):
        with pytest.raises(AssessmentError, match="无权"):
            do_close_assessment(assessment, acting_user=users[role])
        with pytest.raises(AssessmentError, match="无权"):
            do_run_assessment(assessment.scheme, AS_OF, acting_user=users[role])
    assert do_close_assessment(assessment, acting_user=users["admin"]).status == AssessmentStatus.CLOSED


# ---------------------------------------------------------------------------------------------
# Appeals


def test_an_accepted_appeal_recomputes_the_units_result_and_the_ranks(
    closed: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    m, b = users["manager"], result(closed, units["B"])
    appeal = do_file_appeal(b, "任务4已全部落实，补充了佐证材料", acting_user=users["other_reporter"])
    # While the appeal is open the office may correct B's grade (and only B's).
    do_grade_item(
        closed, item(closed.scheme, "4"), units["B"], score="20", reason="复核：补充材料齐全", acting_user=m
    )
    assert result(closed, units["B"]).total == Decimal("22.40")  # not before the appeal is decided
    decided = do_decide_appeal(appeal, accept=True, reason="复核属实", acting_user=m)
    assert (decided.status, decided.total_before, decided.total_after) == (
        AppealStatus.ACCEPTED,
        Decimal("22.40"),
        Decimal("31.00"),
    )
    # Ranked on the 100-point scale: B 31.00 of 36 (86.11) passes A 22.40 of 29 (77.24).
    assert totals(closed) == {
        "区司法局": (Decimal("31.00"), 1),
        "区公安分局": (Decimal("22.40"), 2),
        "区民政局": (Decimal("0.00"), 3),
    }
    t4 = ResultLine.objects.get(result=b, text__label="4 任务4")
    assert (t4.points, t4.reason) == (20, "人工评分：复核：补充材料齐全")
    (event,) = events("recompute_result")
    assert event.before == {"total": "22.40", "rank": 2, "grade": "合格"}
    assert event.after["total"] == "31.00" and event.after["rank"] == 1
    assert events("decide_appeal")[0].after["status"] == "accepted"
    closed.refresh_from_db()
    assert closed.status == AssessmentStatus.CLOSED


def test_a_rejected_appeal_keeps_the_score_and_needs_a_reason(
    closed: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    a = result(closed, units["A"])
    appeal = do_file_appeal(a, "扣分事项不属于本单位职责", acting_user=users["reporter"])
    with pytest.raises(AssessmentError, match="驳回理由"):
        do_decide_appeal(appeal, accept=False, reason="", acting_user=users["manager"])
    decided = do_decide_appeal(
        appeal, accept=False, reason="事故发生在本单位监管行业", acting_user=users["manager"]
    )
    assert (decided.status, decided.decision_reason) == (AppealStatus.REJECTED, "事故发生在本单位监管行业")
    assert result(closed, units["A"]).total == Decimal("22.40")
    assert events("decide_appeal")[0].after["status"] == "rejected"
    with pytest.raises(AssessmentError, match="该申诉已处理（已驳回），不能再次处理"):
        do_decide_appeal(appeal, accept=True, acting_user=users["manager"])


def test_only_the_units_reporter_appeals_once_at_a_time_after_closing(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    a = result(assessment, units["A"])
    with pytest.raises(AssessmentError, match="尚未定稿"):
        do_file_appeal(a, "理由", acting_user=users["reporter"])
    do_close_assessment(assessment, acting_user=users["manager"])
    for role in ("other_reporter", "manager", "outsider"):
        with pytest.raises(AssessmentError, match="无权申诉"):
            do_file_appeal(a, "理由", acting_user=users[role])
    with pytest.raises(AssessmentError, match="申诉理由"):
        do_file_appeal(a, " ", acting_user=users["reporter"])
    do_file_appeal(a, "理由一", acting_user=users["reporter"])
    with pytest.raises(AssessmentError, match="已有待处理的申诉"):
        do_file_appeal(a, "理由二", acting_user=users["reporter"])
    assert Appeal.objects.count() == 1
    assert events("file_appeal")[0].actor == users["reporter"]
