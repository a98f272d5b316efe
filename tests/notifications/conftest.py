"""Fixtures for notification tests: the platform's named users (tests/web/conftest.py)."""

from __future__ import annotations

# pytest imports tests/web/conftest.py as `web.conftest` (see tests/tracking/conftest.py).
from web import conftest as platform

users = platform.users
