"""The report and order state machines as data, and the one function that checks a change.

Every allowed change is a row: (status before, action) → who may do it and the status after.
`None` as the status before means "no such report/order yet" (creating one). Anything not in the
table is refused with a message in Chinese, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models

from duban.accounts.actors import SystemActor
from duban.accounts.models import User
from duban.plans.access import can_manage
from duban.plans.models import Task
from duban.plans.models import (
    reporting_unit_ids as reporting_unit_ids,  # the rule lives with the plans; tracking callers keep this name
)
from duban.tracking.models import (
    OrderStatus,
    ProgressReport,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
)


class TrackingError(Exception):
    """A tracking write that was refused; the message says why, in Chinese. Nothing was changed."""


class TransitionError(TrackingError):
    """The action is not allowed in this status, or not for this user."""


class ConflictError(TrackingError):
    """Someone else changed the same record first (optimistic versioning)."""


class InvalidInput(TrackingError):
    """The data given cannot be stored as it is."""


class Actor(models.TextChoices):
    OWNER = "owner", "填报单位"  # a reporter of the report's unit
    REVIEWER = "reviewer", "审核人"  # the plan's manager (reports) or the lead unit (contributions)
    MANAGER = "manager", "方案管理员"  # the plan's manager or an administrator
    ORDER_UNIT = "order_unit", "督办单位"  # a reporter of one of the order's units
    SYSTEM = "system", "系统"  # the scheduled reminders


class ReportAction(models.TextChoices):
    SAVE = "save", "保存草稿"
    SUBMIT = "submit", "报送"
    RETURN = "return", "退回"
    ACCEPT = "accept", "审核通过"
    CORRECT = "correct", "更正"


class OrderAction(models.TextChoices):
    ISSUE = "issue", "签发督办单"
    REPLY = "reply", "回复督办单"
    CLOSE = "close", "办结督办单"
    ESCALATE = "escalate", "升级督办单"


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    # The status afterwards (CORRECT leaves the corrected report as it is and starts a new draft).
    after: str


S, R = ReportStatus, ReportAction
REPORT_TRANSITIONS: Mapping[tuple[str | None, str], Rule] = {
    (None, R.SAVE): Rule(frozenset({Actor.OWNER}), S.DRAFT),
    (S.DRAFT, R.SAVE): Rule(frozenset({Actor.OWNER}), S.DRAFT),
    (S.DRAFT, R.SUBMIT): Rule(frozenset({Actor.OWNER}), S.SUBMITTED),
    (S.SUBMITTED, R.RETURN): Rule(frozenset({Actor.REVIEWER}), S.RETURNED),
    (S.SUBMITTED, R.ACCEPT): Rule(frozenset({Actor.REVIEWER}), S.ACCEPTED),
    (S.SUBMITTED, R.CORRECT): Rule(frozenset({Actor.OWNER}), S.SUBMITTED),
    (S.RETURNED, R.CORRECT): Rule(frozenset({Actor.OWNER}), S.RETURNED),
    (S.ACCEPTED, R.CORRECT): Rule(frozenset({Actor.OWNER}), S.ACCEPTED),
}

OS, OA = OrderStatus, OrderAction
ORDER_TRANSITIONS: Mapping[tuple[str | None, str], Rule] = {
    (None, OA.ISSUE): Rule(frozenset({Actor.MANAGER}), OS.OPEN),
    (OS.OPEN, OA.REPLY): Rule(frozenset({Actor.ORDER_UNIT}), OS.REPLIED),
    (OS.OPEN, OA.ESCALATE): Rule(frozenset({Actor.MANAGER, Actor.SYSTEM}), OS.OPEN),
    (OS.OPEN, OA.CLOSE): Rule(frozenset({Actor.MANAGER}), OS.CLOSED),
    (OS.REPLIED, OA.CLOSE): Rule(frozenset({Actor.MANAGER}), OS.CLOSED),
}

_HINTS: Mapping[tuple[str | None, str], str] = {
    (S.SUBMITTED, R.SAVE): "；已报送的报告不能修改，如需修改请提交更正",
    (S.ACCEPTED, R.SAVE): "；已通过的报告不能修改，如需修改请提交更正",
    (S.RETURNED, R.SAVE): "；请对退回的报告提交更正",
    (S.RETURNED, R.SUBMIT): "；请对退回的报告提交更正后再报送",
    (OS.CLOSED, OA.REPLY): "；督办单已办结",
}


def check(
    table: Mapping[tuple[str | None, str], Rule],
    status: str | None,
    action: models.TextChoices,
    actors: Iterable[Actor],
    *,
    what: str,
    labels: Mapping[str, str],
) -> str:
    """The status after `action`, or TransitionError saying why it is not allowed."""
    rule = table.get((status, str(action)))
    if rule is None:
        state = f"{what}尚不存在" if status is None else f"{what}当前状态为“{labels.get(status, status)}”"
        raise TransitionError(f"不能{action.label}：{state}{_HINTS.get((status, str(action)), '')}")
    if not rule.actors & set(actors):
        who = "、".join(sorted(a.label for a in rule.actors))
        raise TransitionError(f"无权{action.label}：只有{who}可以{action.label}")
    return rule.after


def check_report(status: str | None, action: ReportAction, actors: Iterable[Actor]) -> str:
    return check(REPORT_TRANSITIONS, status, action, actors, what="报告", labels=dict(ReportStatus.choices))


def check_order(status: str | None, action: OrderAction, actors: Iterable[Actor]) -> str:
    return check(ORDER_TRANSITIONS, status, action, actors, what="督办单", labels=dict(OrderStatus.choices))


# ---------------------------------------------------------------------------------------------
# Who is who for a task's reports


def kind_for(roles: Iterable[tuple[int, str]], unit_id: int | None) -> str | None:
    """REPORT for a reporting unit, CONTRIBUTION for any other unit of the task, None otherwise."""
    roles = list(roles)
    if unit_id is None:
        return None
    if unit_id in reporting_unit_ids(roles):
        return ReportKind.REPORT
    if any(u == unit_id for u, _ in roles):
        return ReportKind.CONTRIBUTION
    return None


def task_roles(task: Task) -> list[tuple[int, str]]:
    return list(task.role_pairs)


def _reporter_unit(user: User) -> int | None:
    """The unit an active reporter writes for; None for anyone else."""
    return user.unit_id if user.is_active and user.is_reporter and user.unit_id else None


def person(actor: User | SystemActor) -> User:
    """The user acting, where only a person may act: the tables let the system escalate orders and
    nothing else, so once check_report or check_order has passed this refuses nothing."""
    if isinstance(actor, SystemActor):
        raise TransitionError("系统不能执行此操作")
    return actor


def report_actors(user: User | SystemActor, task: Task, unit_id: int, kind: str) -> frozenset[Actor]:
    """What `user` is to the report of `unit_id` on `task` (existing or about to be created)."""
    if isinstance(user, SystemActor) or not user.is_active:
        return frozenset()
    actors = set()
    roles = task_roles(task)
    own_unit = _reporter_unit(user)
    if own_unit is not None and own_unit == unit_id and kind_for(roles, unit_id) == kind:
        actors.add(Actor.OWNER)
    # (only an administrator or a manager can manage: for a unit's reporter the plan is not read)
    if kind == ReportKind.REPORT and (user.is_admin or user.is_manager) and can_manage(user, task.plan):
        actors.add(Actor.REVIEWER)
    if kind == ReportKind.CONTRIBUTION and own_unit is not None and own_unit in reporting_unit_ids(roles):
        actors.add(Actor.REVIEWER)
    return frozenset(actors)


def actors_of_report(user: User | SystemActor, report: ProgressReport) -> frozenset[Actor]:
    return report_actors(user, report.task, report.unit_id, report.kind)


def order_actors(
    user: User | SystemActor, task: Task, order: SupervisionOrder | None = None
) -> frozenset[Actor]:
    if isinstance(user, SystemActor):
        return frozenset({Actor.SYSTEM})
    if not user.is_active:
        return frozenset()
    actors = set()
    if can_manage(user, task.plan):
        actors.add(Actor.MANAGER)
    own_unit = _reporter_unit(user)
    if order is not None and own_unit is not None and order.units.filter(pk=own_unit).exists():
        actors.add(Actor.ORDER_UNIT)
    return frozenset(actors)
