"""Settings of sending messages, each with a default so the demo needs none of them.

Set them in the Django settings (or a settings override in tests):

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


def delivery_max_attempts() -> int:
    return max(1, _int("DUBAN_DELIVERY_MAX_ATTEMPTS", 6))


def delivery_backoff_seconds() -> int:
    return _int("DUBAN_DELIVERY_BACKOFF_SECONDS", 60)


def webhook_timeout() -> int:
    return max(1, _int("DUBAN_WEBHOOK_TIMEOUT", 5))


def base_url() -> str:
    return str(getattr(settings, "DUBAN_BASE_URL", "")).rstrip("/")
