"""The reminder engine: `duban manage remind` (cron, a systemd timer, or the server's scheduler)
calls run_due_reminders once; running it again, or in two processes at once, sends nothing twice.

One run:
1. escalates the open orders whose reply deadline has passed (blue → yellow → red; leaders told);
2. creates the reminders that are due, each once (notifications.notify.send dedupes on its key):
   - before a period's due date (DUBAN_REMIND_BEFORE_DAYS), to each unit that has not reported;
   - after it (for periods due in the last DUBAN_REMIND_OVERDUE_WINDOW_DAYS), to those units, and
     one list per period to the plan's managers;
   - on orders still unanswered after their deadline (red ones: the others were just escalated);
   - a daily digest per unit of what it still owes;
3. sends the pending deliveries (email, robots), retrying failed ones whose wait is over.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from duban import clock
from duban.accounts.actors import SYSTEM
from duban.notifications.channels import DeliveryRun, deliver_pending
from duban.notifications.notify import Message, inbox_link, open_topics, resolve, send
from duban.tracking import conf
from duban.tracking.actions.orders import do_escalate_overdue_orders, reply_topic
from duban.tracking.links import order_link, period_link
from duban.tracking.models import (
    NotificationKind,
    OrderStatus,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
)
from duban.tracking.queries.missing import Missing, missing_reports

MAX_LISTED = 20  # tasks listed in one message; the rest are counted


@dataclass(frozen=True)
class ReminderRun:
    escalated: int
    created: int  # notifications
    deliveries: DeliveryRun


def run_due_reminders(now: dt.datetime | None = None) -> ReminderRun:
    """Run everything that is due at `now` (default: the clock's now)."""
    at = now or clock.now()
    day = timezone.localdate(at)
    escalated = do_escalate_overdue_orders(acting_user=SYSTEM, day=day)
    messages = [*due_soon(day), *overdue_reports(day), *overdue_orders(day), *digests(day)]
    created = send(messages, at=at)
    settle(day, at)
    return ReminderRun(escalated=len(escalated), created=len(created), deliveries=deliver_pending(at))


def owe_topic(period_id: int, unit_id: int | None = None) -> str:
    """The work a reminder of reports asks for: a unit's reports of the period (or, for the
    managers' list, every unit's)."""
    return f"owe:p{period_id}" + (f":unit{unit_id}" if unit_id is not None else "")


def settle(day: dt.date, at: dt.datetime) -> int:
    """Reminders whose work is done since resolve themselves: a unit's reports of a period all
    sent (and the managers' list once no unit owes any), and the digests of earlier days (today's
    says what is still owed). Returns how many notices it closed."""
    owing = open_topics("owe:p")
    period_ids = {int(t.split(":")[1][1:]) for t in owing}
    missing = missing_reports(ReportingPeriod.objects.filter(pk__in=period_ids).select_related("plan"))
    still = {owe_topic(m.period.pk, m.unit_id) for m in missing} | {owe_topic(m.period.pk) for m in missing}
    today_digest = f":{day.isoformat()}"
    old_digests = [t for t in open_topics("digest:") if not t.endswith(today_digest)]
    return resolve([*(t for t in owing if t not in still), *old_digests], at=at)


def _current_periods() -> Q:
    return Q(plan__is_current=True)


def _listing(items: list[Missing]) -> str:
    lines = [f"{m.task.number}. {m.task.title or m.task.text[:40]}" for m in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(f"……另有 {len(items) - MAX_LISTED} 项")
    return "\n".join(lines)


def _by_unit(missing: list[Missing]) -> dict[tuple[int, int], list[Missing]]:
    groups: dict[tuple[int, int], list[Missing]] = defaultdict(list)
    for m in missing:
        groups[(m.period.pk, m.unit_id)].append(m)
    return groups


def due_soon(day: dt.date) -> list[Message]:
    periods = ReportingPeriod.objects.filter(
        _current_periods(), due__gte=day, due__lte=day + dt.timedelta(days=conf.remind_before_days())
    ).select_related("plan")
    out = []
    for (period_id, unit_id), items in _by_unit(missing_reports(periods)).items():
        p = items[0].period
        left = (p.due - day).days
        when = "今天" if left == 0 else f"还有 {left} 天"
        out.append(
            Message(
                key=f"due:p{period_id}:unit{unit_id}",
                kind=NotificationKind.DUE_SOON,
                title=f"{p.name}进展报告将于 {p.due} 截止（{when}）",
                text=f"《{p.plan.title}》{p.name}：贵单位尚有 {len(items)} 项任务未报送，截止 {p.due}。\n{_listing(items)}",
                link=period_link(period_id),
                units=(unit_id,),
                topic=owe_topic(period_id, unit_id),
            )
        )
    return out


def overdue_reports(day: dt.date) -> list[Message]:
    periods = list(
        ReportingPeriod.objects.filter(
            _current_periods(),
            due__lt=day,
            due__gte=day - dt.timedelta(days=conf.remind_overdue_window_days()),
        ).select_related("plan")
    )
    missing = missing_reports(periods)
    out = []
    for (period_id, unit_id), items in _by_unit(missing).items():
        p = items[0].period
        out.append(
            Message(
                key=f"overdue:p{period_id}:unit{unit_id}",
                kind=NotificationKind.REPORT_OVERDUE,
                title=f"{p.name}进展报告已逾期（{p.due}截止）",
                text=f"《{p.plan.title}》{p.name}：贵单位有 {len(items)} 项任务逾期未报送，请尽快报送。\n{_listing(items)}",
                link=period_link(period_id),
                units=(unit_id,),
                topic=owe_topic(period_id, unit_id),
            )
        )
    per_period: dict[int, list[Missing]] = defaultdict(list)
    for m in missing:
        per_period[m.period.pk].append(m)
    for period in periods:
        items = per_period.get(period.pk, [])
        if not items:
            continue
        counts: dict[str, int] = defaultdict(int)
        for m in items:
            counts[m.unit_name] += 1
        managers = tuple(period.plan.managers.filter(is_active=True).values_list("pk", flat=True))
        out.append(
            Message(
                key=f"overdue-list:p{period.pk}",
                kind=NotificationKind.REPORT_OVERDUE,
                title=f"{period.name}逾期未报：{len(counts)} 个单位 {len(items)} 项",
                text=f"《{period.plan.title}》{period.name}（{period.due}截止）逾期未报送：\n"
                + "\n".join(f"{name}：{n} 项" for name, n in sorted(counts.items())),
                link=period_link(period.pk),
                users=managers,
                topic=owe_topic(period.pk),
            )
        )
    return out


def overdue_orders(day: dt.date) -> list[Message]:
    out = []
    orders = (
        SupervisionOrder.objects.filter(status=OrderStatus.OPEN, reply_deadline__lt=day)
        .select_related("task__plan")
        .prefetch_related("units", "task__plan__managers")
    )
    for order in orders:
        managers = tuple(m.pk for m in order.task.plan.managers.all() if m.is_active)
        out.append(
            Message(
                key=f"order-overdue:o{order.pk}:{order.level}:{order.reply_deadline}",
                kind=NotificationKind.ORDER_OVERDUE,
                title=f"督办单 {order.serial}（{order.get_level_display()}）逾期未回复",
                text=f"任务{order.task}的督办单 {order.serial} 回复期限 {order.reply_deadline} 已过，请立即回复。",
                link=order_link(order.pk),
                units=tuple(u.pk for u in order.units.all()),
                users=managers,
                topic=reply_topic(order.pk),
            )
        )
    return out


def digests(day: dt.date) -> list[Message]:
    """One message per unit per day listing what it still owes; none for a unit that owes nothing."""
    window = ReportingPeriod.objects.filter(
        _current_periods(),
        due__gte=day - dt.timedelta(days=conf.remind_overdue_window_days()),
        due__lte=day + dt.timedelta(days=conf.remind_before_days()),
    ).select_related("plan")
    lines: dict[int, list[str]] = defaultdict(list)
    for (_period_id, unit_id), items in _by_unit(missing_reports(window)).items():
        p = items[0].period
        state = "已逾期" if p.due < day else f"{p.due}截止"
        lines[unit_id].append(f"· {p.name}待报送 {len(items)} 项（{state}）")
    # A returned report stays RETURNED until its correction is submitted: still owed till then.
    returned = ProgressReport.objects.filter(
        status=ReportStatus.RETURNED, task__plan__is_current=True
    ).values_list("unit_id", "kind", "period__name", "task__number")
    for unit_id, kind, period_name, number in returned:
        what = "任务报告" if kind == ReportKind.REPORT else "配合材料"
        lines[unit_id].append(f"· {period_name}任务{number}的{what}被退回，待更正")
    for order in SupervisionOrder.objects.filter(status=OrderStatus.OPEN).prefetch_related("units"):
        state = "已逾期" if order.reply_deadline < day else f"{order.reply_deadline}前回复"
        for unit in order.units.all():
            lines[unit.pk].append(f"· 督办单 {order.serial}（{order.get_level_display()}）待回复（{state}）")
    inbox = inbox_link()
    return [
        Message(
            key=f"digest:unit{unit_id}:{day.isoformat()}",
            kind=NotificationKind.DIGEST,
            title=f"{day.month}月{day.day}日待办汇总（{len(items)} 项）",
            text="\n".join(items),
            link=inbox,
            units=(unit_id,),
            # Settled by the next day's digest (settle()).
            topic=f"digest:unit{unit_id}:{day.isoformat()}",
        )
        for unit_id, items in sorted(lines.items())
    ]
