"""Template context: the signed-in user's unread message count, for the navigation's badge.

Lazy: the count is asked of the database only on a page that shows it, and only once per page
however often the page shows it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from duban.accounts.models import User
from duban.notifications.access import unread_count


def unread_badge(request: HttpRequest) -> int | SimpleLazyObject:
    user = getattr(request, "user", None)
    if not isinstance(user, User):  # nobody signed in
        return 0
    return SimpleLazyObject(lambda: unread_count(user))


def unread(request: HttpRequest) -> dict[str, Any]:
    return {"inbox_unread": unread_badge(request)}
