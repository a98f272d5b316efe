"""Template context: what the navigation shows for the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from duban.accounts.models import User


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):  # nobody signed in (or no authentication on this request)
        return {"nav_can_import": False, "nav_admin_trail": False}
    return {"nav_can_import": bool(user.is_admin or user.is_manager), "nav_admin_trail": user.is_admin}
