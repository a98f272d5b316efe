"""Tracking settings, each with a default so the demo needs none of them.

Set them in the Django settings (or a settings override in tests):

DUBAN_LIGHT_NEAR_DAYS            yellow light when a task's deadline is this close (days)      14
DUBAN_REMIND_BEFORE_DAYS         remind units this many days before a period's due date         3
DUBAN_REMIND_OVERDUE_WINDOW_DAYS remind about overdue reports of periods due at most this long ago 30
DUBAN_ORDER_ESCALATION_DAYS      an escalated order gets this many more days to reply           5
DUBAN_ORDER_PREFIX               serial number prefix: 督〔2026〕12号                           督
DUBAN_DELIVERY_MAX_ATTEMPTS      a delivery is marked failed after this many attempts            6
DUBAN_DELIVERY_BACKOFF_SECONDS   first retry after this long, doubling each time (capped at 1 day) 60
DUBAN_WEBHOOK_TIMEOUT            seconds to wait for a DingTalk/WeCom robot                      5
DUBAN_BASE_URL                   https://duban.example.gov.cn, to make links absolute in messages ""
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


def remind_before_days() -> int:
    return _int("DUBAN_REMIND_BEFORE_DAYS", 3)


def remind_overdue_window_days() -> int:
    return _int("DUBAN_REMIND_OVERDUE_WINDOW_DAYS", 30)


def order_escalation_days() -> int:
    return _int("DUBAN_ORDER_ESCALATION_DAYS", 5)


def order_prefix() -> str:
    return str(getattr(settings, "DUBAN_ORDER_PREFIX", "督"))


def delivery_max_attempts() -> int:
    return max(1, _int("DUBAN_DELIVERY_MAX_ATTEMPTS", 6))


def delivery_backoff_seconds() -> int:
    return _int("DUBAN_DELIVERY_BACKOFF_SECONDS", 60)


def webhook_timeout() -> int:
    return max(1, _int("DUBAN_WEBHOOK_TIMEOUT", 5))


def base_url() -> str:
    return str(getattr(settings, "DUBAN_BASE_URL", "")).rstrip("/")
