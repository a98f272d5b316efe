"""The one clock: every "now" in duban comes from here, so tests can freeze it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


def freeze(at: dt.datetime | None) -> None:
    """Tests only: fix the time (None to unfreeze)."""
    global _frozen
    _frozen = at
