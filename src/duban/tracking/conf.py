"""Tracking settings, each with a default so the demo needs none of them.

Set them in the Django settings (or a settings override in tests):

DUBAN_LIGHT_NEAR_DAYS            yellow light when a task's deadline is this close (days)      14
DUBAN_LIGHT_MISSED_RED           red light when a unit answering for a task has missed this many
                                 periods already due (fewer: yellow); 0 never turns red for it  3
DUBAN_REMIND_BEFORE_DAYS         remind units this many days before a period's due date         3
DUBAN_REMIND_OVERDUE_WINDOW_DAYS remind about overdue reports of periods due at most this long ago 30
DUBAN_ORDER_ESCALATION_DAYS      an escalated order gets this many more days to reply           5
DUBAN_ORDER_PREFIX               serial number prefix: 督〔2026〕12号                           督

The settings of sending messages (attempts, backoff, webhook timeout, base URL) are
duban.notifications.conf's.
"""

from __future__ import annotations

from django.conf import settings


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name}={value!r}: expected a non-negative integer")
    return value


def light_near_days() -> int:
    return _int("DUBAN_LIGHT_NEAR_DAYS", 14)


def light_missed_red() -> int:
    return _int("DUBAN_LIGHT_MISSED_RED", 3)


def remind_before_days() -> int:
    return _int("DUBAN_REMIND_BEFORE_DAYS", 3)


def remind_overdue_window_days() -> int:
    return _int("DUBAN_REMIND_OVERDUE_WINDOW_DAYS", 30)


def order_escalation_days() -> int:
    return _int("DUBAN_ORDER_ESCALATION_DAYS", 5)


def order_prefix() -> str:
    return str(getattr(settings, "DUBAN_ORDER_PREFIX", "督"))
