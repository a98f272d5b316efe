"""Every permission-checked read of notifications. Missing and forbidden both give 404.

A user reads only the messages addressed to them (their inbox); the deliveries that failed and the
units' channels (which hold the robots' signing secrets) are the administrator's only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from duban.accounts.models import User
from duban.notifications.channels import failed_deliveries
from duban.notifications.models import Delivery, Notification, UnitChannel


def inbox(user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def access_notification(user: User, notification_id: int) -> Notification:
    try:
        return inbox(user).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("消息不存在或无权访问") from None


def access_failed_delivery(user: User, delivery_id: int) -> Delivery:
    try:
        return admin_failed_deliveries(user).get(pk=delivery_id)
    except (Delivery.DoesNotExist, ValueError, TypeError):
        raise Http404("消息不存在或无权访问") from None


def admin_unit_channels(user: User) -> QuerySet[UnitChannel]:
    """Every unit's mailbox and robots, for the administrator only (they hold signing secrets)."""
    if not (user.is_authenticated and user.is_active and user.is_admin):
        return UnitChannel.objects.none()
    return UnitChannel.objects.select_related("unit").order_by("unit__name", "channel")


def admin_failed_deliveries(user: User) -> QuerySet[Delivery]:
    """Failed and retrying deliveries, for the administrator only."""
    if not (user.is_authenticated and user.is_admin):
        return Delivery.objects.none()
    return failed_deliveries()
