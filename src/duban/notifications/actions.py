"""Every notifications write: do_<verb>_<noun>(…, *, acting_user), atomic, audited in the same
transaction (marking one's own messages read excepted: see do_mark_read).

A refused write raises NotificationError (TransitionError: not this user's to make, or not in this
status; InvalidInput: the data cannot be stored) with a message in Chinese, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record
from duban.clock import now
from duban.notifications.models import Channel, Delivery, DeliveryStatus, Notification, UnitChannel

__all__ = [
    "InvalidInput",
    "NotificationError",
    "TransitionError",
    "do_mark_read",
    "do_retry_delivery",
    "do_set_unit_channel",
]


class NotificationError(Exception):
    """A notifications write that was refused; the message says why, in Chinese. Nothing was changed."""


class TransitionError(NotificationError):
    """The action is not allowed in this status, or not for this user."""


class InvalidInput(NotificationError):
    """The data given cannot be stored as it is."""


def _require_admin(acting_user: Actor, what: str) -> None:
    # The system is never an administrator: it is refused what a user would be refused.
    if not (isinstance(acting_user, User) and acting_user.is_admin):
        raise TransitionError(f"无权{what}：只有系统管理员可以{what}")


@transaction.atomic
def do_set_unit_channel(
    unit: models.Model,
    channel: str,
    *,
    url: str = "",
    email: str = "",
    secret: str = "",
    active: bool = True,
    acting_user: Actor,
) -> UnitChannel:
    """Set a unit's mailbox or group robot (one of each kind per unit). `unit` is a units.Unit: this
    app names the directory only in its foreign keys, it never imports it."""
    _require_admin(acting_user, "设置通知渠道")
    if channel not in (Channel.EMAIL, Channel.DINGTALK, Channel.WECOM):
        raise InvalidInput(f"不能为单位设置渠道“{channel}”")
    url, email = url.strip(), email.strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(f"邮箱地址“{email}”无效") from None
    elif urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise InvalidInput(f"Webhook 地址“{url}”无效，应以 https:// 开头")
    wanted = {"url": url, "email": email, "secret": secret.strip(), "active": active}
    same = UnitChannel.objects.filter(unit_id=unit.pk, channel=channel, **wanted).first()
    if same is not None:
        return same  # saved unchanged: no write, no audit row
    row, created = UnitChannel.objects.update_or_create(
        unit=unit,
        channel=channel,
        defaults=wanted,
    )
    # The signing secret is never written to the audit trail.
    record(
        acting_user,
        "set_unit_channel",
        row,
        summary=f"{'新增' if created else '修改'}{row}",
        after={"url": url, "email": email, "active": active, "signed": bool(secret.strip())},
    )
    return row


@transaction.atomic
def do_retry_delivery(delivery: Delivery, *, acting_user: Actor) -> Delivery:
    """An administrator sends a failed delivery again (after fixing the address, say)."""
    _require_admin(acting_user, "重发消息")
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise TransitionError(f"不能重发：该消息状态为“{delivery.get_status_display()}”")
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    record(
        acting_user,
        "retry_delivery",
        delivery,
        summary=f"重发 {delivery}",
        before={"error": delivery.last_error},
    )
    return delivery


def do_mark_read(notification_ids: Iterable[int], *, acting_user: User) -> int:
    """Mark the user's own notifications read. Not audited: it is the reader's own view, not a
    change to the work."""
    return Notification.objects.filter(
        recipient=acting_user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=now())
