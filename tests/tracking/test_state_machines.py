"""The report and order state machines: every (status, action) × every user, from the tables.

Allowed changes succeed, are audited and end in the table's status; everything else raises
TransitionError and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from duban.accounts.actors import SYSTEM
from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.models import Task
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.drafts import do_add_contribution, do_edit_draft, do_save_draft
from duban.tracking.actions.orders import do_close_order, do_escalate_order, do_issue_order, do_reply_order
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import (
    IndicatorValue,
    OrderLevel,
    OrderStatus,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
    TaskClosure,
)
from duban.tracking.transitions import (
    ORDER_TRANSITIONS,
    REPORT_TRANSITIONS,
    Actor,
    OrderAction,
    ReportAction,
    TransitionError,
)
from duban.units.models import Unit

from .conftest import filled

USERS = [
    "admin",
    "manager",
    "other_manager",
    "reporter",
    "other_reporter",
    "leader",
    "outsider",
    "lead_reporter",
]

# Who each named user is, written out here rather than derived, so the test checks the code.
# Task reports are on task 2 (lead 区司法局 = other_reporter), reviewed by the plan's manager;
# contributions on task 1 from 区公安分局 (reporter), reviewed by the lead unit 区委政法委 (lead_reporter).
REPORT_ACTORS = {
    ReportKind.REPORT: {"other_reporter": Actor.OWNER, "manager": Actor.REVIEWER, "admin": Actor.REVIEWER},
    ReportKind.CONTRIBUTION: {"reporter": Actor.OWNER, "lead_reporter": Actor.REVIEWER},
}
REPORT_CASES = [(None, ReportAction.SAVE), *itertools.product(ReportStatus, ReportAction)]


def _users(users: dict[str, User], lead_reporter: User) -> dict[str, User]:
    return {**users, "lead_reporter": lead_reporter}


def _snapshot() -> tuple[Any, ...]:
    return (
        sorted(
            ProgressReport.objects.values_list(
                "pk", "status", "version", "lock_version", "returned_count", "narrative", "review_comment"
            )
        ),
        IndicatorValue.objects.count(),
        TaskClosure.objects.count(),
        AuditEvent.objects.count(),
    )


def _report_in(
    status: str, kind: str, task: Task, period: ReportingPeriod, owner: User, reviewer: User
) -> ProgressReport:
    save = do_save_draft if kind == ReportKind.REPORT else do_add_contribution
    report = save(task, period, filled(task), acting_user=owner)
    if status == ReportStatus.DRAFT:
        return report
    report = do_submit_report(report, acting_user=owner)
    if status == ReportStatus.RETURNED:
        return do_return_report(report, "请补充数据来源", acting_user=reviewer)
    if status == ReportStatus.ACCEPTED:
        return do_accept_report(report, acting_user=reviewer)
    if status == ReportStatus.SUPERSEDED:
        do_submit_report(do_correct_report(report, acting_user=owner), acting_user=owner)
        report.refresh_from_db()
    assert report.status == status
    return report


def _act(
    action: str, kind: str, report: ProgressReport | None, task: Task, period: ReportingPeriod, user: User
) -> Any:
    if action == ReportAction.SAVE:
        data = filled(task, narrative="改写后的进展")
        if report is None:
            save = do_save_draft if kind == ReportKind.REPORT else do_add_contribution
            return save(task, period, data, acting_user=user)
        return do_edit_draft(report, data, lock_version=report.lock_version, acting_user=user)
    assert report is not None
    if action == ReportAction.SUBMIT:
        return do_submit_report(report, acting_user=user)
    if action == ReportAction.RETURN:
        return do_return_report(report, "数据与台账不符", acting_user=user)
    if action == ReportAction.ACCEPT:
        return do_accept_report(report, acting_user=user)
    return do_correct_report(report, acting_user=user)


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(("status", "action"), REPORT_CASES, ids=[f"{s}-{a}" for s, a in REPORT_CASES])
@pytest.mark.parametrize("kind", list(ReportKind))
def test_it_allows_exactly_the_report_transitions_of_the_table(
    users: dict[str, User],
    lead_reporter: User,
    task1: Task,
    task2: Task,
    q1: ReportingPeriod,
    kind: str,
    status: str | None,
    action: str,
    who: str,
) -> None:
    people = _users(users, lead_reporter)
    task, owner, reviewer = (
        (task2, people["other_reporter"], people["manager"])
        if kind == ReportKind.REPORT
        else (task1, people["reporter"], people["lead_reporter"])
    )
    report = _report_in(status, kind, task, q1, owner, reviewer) if status else None
    rule = REPORT_TRANSITIONS.get((status, action))
    allowed = rule is not None and REPORT_ACTORS[ReportKind(kind)].get(who) in rule.actors
    before = _snapshot()
    audits = AuditEvent.objects.count()

    if not allowed:
        with pytest.raises(TransitionError) as info:
            _act(action, kind, report, task, q1, people[who])
        assert ("不能" in str(info.value)) or ("无权" in str(info.value))
        assert _snapshot() == before
        return

    assert rule is not None
    result = _act(action, kind, report, task, q1, people[who])
    assert AuditEvent.objects.count() > audits
    if action == ReportAction.CORRECT:
        assert report is not None
        report.refresh_from_db()
        assert report.status == status  # the corrected version waits for its correction to be submitted
        assert (result.status, result.version, result.previous_id) == (
            ReportStatus.DRAFT,
            report.version + 1,
            report.pk,
        )
    else:
        result.refresh_from_db()
        assert result.status == rule.after


ORDER_ACTORS = {
    "manager": Actor.MANAGER,
    "admin": Actor.MANAGER,
    "reporter": Actor.ORDER_UNIT,
    "lead_reporter": Actor.ORDER_UNIT,
    "system": Actor.SYSTEM,
}
ORDER_CASES = [
    (None, OrderAction.ISSUE),
    *itertools.product(OrderStatus, [OrderAction.REPLY, OrderAction.CLOSE, OrderAction.ESCALATE]),
]


def _order_snapshot() -> tuple[Any, ...]:
    return (
        sorted(
            SupervisionOrder.objects.values_list(
                "pk", "status", "level", "reply_deadline", "reply_text", "close_comment"
            )
        ),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("who", [*USERS, "system"])
@pytest.mark.parametrize(("status", "action"), ORDER_CASES, ids=[f"{s}-{a}" for s, a in ORDER_CASES])
def test_it_allows_exactly_the_order_transitions_of_the_table(
    users: dict[str, User], lead_reporter: User, task1: Task, status: str | None, action: str, who: str
) -> None:
    people: dict[str, Any] = {**_users(users, lead_reporter), "system": SYSTEM}
    units = list(Unit.objects.filter(name__in=["区委政法委", "区公安分局"]))
    deadline = dt.date(2025, 3, 10)
    order = None
    if status is not None:
        order = do_issue_order(
            task1, units, "网格员配备不足，请说明整改措施", deadline, acting_user=users["manager"]
        )
        if status in (OrderStatus.REPLIED, OrderStatus.CLOSED):
            order = do_reply_order(order, "已补充网格员 12 名", acting_user=users["reporter"])
        if status == OrderStatus.CLOSED:
            order = do_close_order(order, acting_user=users["manager"])
    rule = ORDER_TRANSITIONS.get((status, action))
    allowed = rule is not None and ORDER_ACTORS.get(who) in rule.actors
    before = _order_snapshot()

    def act() -> SupervisionOrder:
        user = people[who]
        if action == OrderAction.ISSUE:
            return do_issue_order(task1, units, "请报送整改方案", deadline, acting_user=user)
        assert order is not None
        if action == OrderAction.REPLY:
            return do_reply_order(order, "正在整改", acting_user=user)
        if action == OrderAction.CLOSE:
            return do_close_order(order, comment="办结", acting_user=user)
        return do_escalate_order(order, acting_user=user)

    if not allowed:
        with pytest.raises(TransitionError):
            act()
        assert _order_snapshot() == before
        return
    assert rule is not None
    result = act()
    result.refresh_from_db()
    assert result.status == rule.after
    assert AuditEvent.objects.filter(
        object_type="tracking.supervisionorder", object_id=str(result.pk)
    ).exists()
    if action == OrderAction.ESCALATE:
        assert result.level == OrderLevel.YELLOW


def test_it_refuses_to_escalate_a_red_order_and_changes_nothing(users: dict[str, User], task1: Task) -> None:
    order = do_issue_order(
        task1,
        [u for u in Unit.objects.filter(name="区委政法委")],
        "请说明",
        dt.date(2025, 3, 5),
        level=OrderLevel.RED,
        acting_user=users["manager"],
    )
    before = _order_snapshot()
    with pytest.raises(TransitionError, match="已是最高级别"):
        do_escalate_order(order, acting_user=users["manager"])
    assert _order_snapshot() == before


def test_it_says_in_chinese_why_a_submitted_report_cannot_be_edited(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    report = do_submit_report(do_save_draft(task2, q1, filled(task2), acting_user=owner), acting_user=owner)
    with pytest.raises(TransitionError, match=r"报告当前状态为“已报送”.*如需修改请提交更正"):
        do_save_draft(task2, q1, filled(task2, narrative="改"), acting_user=owner)
    with pytest.raises(TransitionError, match="无权审核通过：只有审核人可以审核通过"):
        do_accept_report(report, acting_user=users["leader"])
