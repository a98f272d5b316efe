"""Supervision orders (督办单): issued on a task to some of its units, replied by a unit, closed
(办结) by the office, escalated (blue → yellow → red) by hand or when the reply deadline has
passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max

from duban import limits
from duban.accounts.actors import Actor
from duban.audit.record import record
from duban.clock import now, today
from duban.limits import too_long
from duban.notifications.notify import Message, leader_ids, resolve_on_commit, send_on_commit
from duban.plans.models import Task
from duban.tracking import conf
from duban.tracking.links import order_link
from duban.tracking.models import (
    LEVEL_ORDER,
    NotificationKind,
    OrderLevel,
    OrderStatus,
    SupervisionOrder,
)
from duban.tracking.transitions import (
    ConflictError,
    InvalidInput,
    OrderAction,
    TransitionError,
    check_order,
    order_actors,
    person,
    task_roles,
)
from duban.units.models import Unit


def _lock_order(order: SupervisionOrder) -> SupervisionOrder:
    return (
        SupervisionOrder.objects.select_for_update(of=("self",)).select_related("task__plan").get(pk=order.pk)
    )


def _order_units(order: SupervisionOrder) -> tuple[int, ...]:
    return tuple(order.units.values_list("pk", flat=True))


def _managers(task: Task) -> tuple[int, ...]:
    return tuple(task.plan.managers.filter(is_active=True).values_list("pk", flat=True))


def _order_message(
    order: SupervisionOrder,
    kind: str,
    key: str,
    title: str,
    text: str,
    *,
    units: tuple[int, ...] = (),
    users: tuple[int, ...] = (),
    topic: str = "",
) -> Message:
    return Message(
        key=f"{key}:o{order.pk}",
        kind=kind,
        title=title,
        text=text,
        link=order_link(order.pk),
        units=units,
        users=users,
        topic=topic,
    )


def reply_topic(order_id: int) -> str:
    """The work an issued (or escalated, or overdue) order asks for: the units' reply."""
    return f"reply:o{order_id}"


def close_topic(order_id: int) -> str:
    """The work a replied order asks for: the office's close-out."""
    return f"close:o{order_id}"


def _next_serial(year: int) -> int:
    return (SupervisionOrder.objects.filter(year=year).aggregate(s=Max("seq"))["s"] or 0) + 1


@transaction.atomic
def do_issue_order(
    task: Task,
    units: Iterable[Unit | int],
    text: str,
    reply_deadline: dt.date,
    *,
    level: str = OrderLevel.BLUE,
    acting_user: Actor,
) -> SupervisionOrder:
    """Issue a 督办单 on a task to some of its units; it gets the year's next serial number."""
    task = Task.objects.select_related("plan").get(pk=task.pk)
    status = check_order(None, OrderAction.ISSUE, order_actors(acting_user, task))
    unit_ids = _order_unit_ids(task, units)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写督办事项")
    if problem := too_long("督办事项", text, limits.ORDER):
        raise InvalidInput(problem)
    if reply_deadline < today():
        raise InvalidInput(f"回复期限 {reply_deadline} 早于今天")
    if level not in OrderLevel.values:
        raise InvalidInput(f"未知的督办级别“{level}”")
    order = SupervisionOrder(
        task=task,
        level=level,
        status=status,
        text=text,
        reply_deadline=reply_deadline,
        issued_at=now(),
        issued_by=person(acting_user),
    )
    _save_numbered(order, today().year)
    order.units.set(unit_ids)
    facts = {"serial": order.serial, "units": unit_ids, "level": level, "reply_deadline": str(reply_deadline)}
    summary = f"签发督办单 {order.serial}（{order.get_level_display()}）{task}"
    record(acting_user, "issue_order", order, summary=summary, after=facts)
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_ISSUED,
            "issued",
            f"督办通知 {order.serial}",
            f"任务{task}：{text}（{order.get_level_display()}督办，请于 {reply_deadline} 前回复）",
            units=tuple(unit_ids),
            topic=reply_topic(order.pk),
        )
    )
    return order


def _order_unit_ids(task: Task, units: Iterable[Unit | int]) -> list[int]:
    """The units an order goes to, each once: some of the task's own."""
    unit_ids = list(dict.fromkeys(u if isinstance(u, int) else u.pk for u in units))
    if not unit_ids:
        raise InvalidInput("请选择督办单位")
    task_units = {u for u, _ in task_roles(task)}
    strangers = [str(u) for u in unit_ids if u not in task_units]
    if strangers:
        names = Unit.objects.filter(pk__in=strangers).values_list("name", flat=True)
        raise InvalidInput(f"督办单位必须是该任务的责任单位：{'、'.join(names) or '、'.join(strangers)}")
    return unit_ids


def _save_numbered(order: SupervisionOrder, year: int) -> None:
    """Save a new order under the year's next serial number."""
    for _attempt in range(10):
        order.year, order.seq = year, _next_serial(year)
        order.serial = f"{conf.order_prefix()}〔{year}〕{order.seq}号"
        try:
            with transaction.atomic():  # another manager may take the same number at the same moment
                order.save(force_insert=True)
            return
        except IntegrityError:
            order.pk = None
    raise ConflictError("督办单编号分配冲突，请重试")


@transaction.atomic
def do_reply_order(order: SupervisionOrder, text: str, *, acting_user: Actor) -> SupervisionOrder:
    """A unit of the order replies; the order waits for the office to close it."""
    order = _lock_order(order)
    after = check_order(order.status, OrderAction.REPLY, order_actors(acting_user, order.task, order))
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写回复内容")
    if problem := too_long("办理情况", text, limits.NARRATIVE):
        raise InvalidInput(problem)
    order.status, order.reply_text, order.replied_at = after, text, now()
    replier = person(acting_user)  # an order unit's reporter: check_order let no one else through
    order.replied_by, order.reply_unit_id = replier, replier.unit_id
    order.save(update_fields=["status", "reply_text", "replied_at", "replied_by", "reply_unit"])
    record(acting_user, "reply_order", order, summary=f"回复督办单 {order.serial}", after={"reply": text})
    users = tuple(
        dict.fromkeys([*_managers(order.task), *([order.issued_by_id] if order.issued_by_id else [])])
    )
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_REPLIED,
            "replied",
            f"督办单 {order.serial} 已回复",
            f"{replier.unit}回复：{text}",
            users=users,
            topic=close_topic(order.pk),
        )
    )
    resolve_on_commit(reply_topic(order.pk))
    return order


@transaction.atomic
def do_close_order(order: SupervisionOrder, *, comment: str = "", acting_user: Actor) -> SupervisionOrder:
    """The office closes (办结) an order, normally after the reply."""
    order = _lock_order(order)
    after = check_order(order.status, OrderAction.CLOSE, order_actors(acting_user, order.task, order))
    before = order.status
    if problem := too_long("办结意见", (comment or "").strip(), limits.COMMENT):
        raise InvalidInput(problem)
    order.status, order.closed_at, order.closed_by = after, now(), person(acting_user)
    order.close_comment = (comment or "").strip()
    order.save(update_fields=["status", "closed_at", "closed_by", "close_comment"])
    record(
        acting_user,
        "close_order",
        order,
        summary=f"办结督办单 {order.serial}",
        before={"status": before},
        after={"status": after, "comment": order.close_comment},
    )
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_REPLIED,
            "closed",
            f"督办单 {order.serial} 已办结",
            f"任务{order.task}的督办单 {order.serial} 已办结。{order.close_comment}",
            units=_order_units(order),
        )
    )
    resolve_on_commit(reply_topic(order.pk), close_topic(order.pk))
    return order


def _escalate(order: SupervisionOrder, acting_user: Actor, day: dt.date) -> SupervisionOrder:
    after = check_order(order.status, OrderAction.ESCALATE, order_actors(acting_user, order.task, order))
    if order.level == OrderLevel.RED:
        raise TransitionError("不能升级督办单：已是最高级别（红色）")
    before = order.level
    order.level = LEVEL_ORDER[LEVEL_ORDER.index(OrderLevel(order.level)) + 1]
    order.status = after
    # The unit gets a new deadline at the new level; when that passes too, the next level follows.
    order.reply_deadline = day + dt.timedelta(days=conf.order_escalation_days())
    order.escalations = [
        *order.escalations,
        {
            "at": now().isoformat(),
            "from": before,
            "to": order.level,
            "deadline": order.reply_deadline.isoformat(),
            "by": getattr(acting_user, "pk", None),
        },
    ]
    order.save(update_fields=["level", "status", "reply_deadline", "escalations"])
    level = order.get_level_display()
    record(
        acting_user,
        "escalate_order",
        order,
        summary=f"督办单 {order.serial} 升级为{level}",
        before={"level": before},
        after={"level": order.level, "reply_deadline": str(order.reply_deadline)},
    )
    text = f"任务{order.task}的督办单 {order.serial} 逾期未回复，已升级为{level}督办，新的回复期限 {order.reply_deadline}。"
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_ESCALATED,
            f"escalated-{order.level}",
            f"督办单 {order.serial} 升级为{level}",
            text,
            units=_order_units(order),
            users=tuple(dict.fromkeys([*leader_ids(), *_managers(order.task)])),
            topic=reply_topic(order.pk),
        )
    )
    return order


@transaction.atomic
def do_escalate_order(order: SupervisionOrder, *, acting_user: Actor) -> SupervisionOrder:
    """Raise an open order one level by hand (the office), with a new reply deadline."""
    return _escalate(_lock_order(order), acting_user, today())


def do_escalate_overdue_orders(*, acting_user: Actor, day: dt.date | None = None) -> list[SupervisionOrder]:
    """Raise every open order whose reply deadline has passed one level (blue → yellow → red) and
    notify the leaders; red ones stay red. The scheduled run acts as SYSTEM."""
    day = day or today()
    escalated = []
    due = SupervisionOrder.objects.filter(status=OrderStatus.OPEN, reply_deadline__lt=day).exclude(
        level=OrderLevel.RED
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():  # one order at a time: a failure leaves the others escalated
            order = (
                SupervisionOrder.objects.select_for_update(of=("self",))
                .select_related("task__plan")
                .get(pk=pk)
            )
            # Checked again under the lock: another run may have escalated it a moment ago.
            if (
                order.status != OrderStatus.OPEN
                or order.reply_deadline >= day
                or order.level == OrderLevel.RED
            ):
                continue
            escalated.append(_escalate(order, acting_user, day))
    return escalated
