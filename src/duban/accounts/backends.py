"""The login backend: Django's, reading the user's unit in the same query as the user.

Nearly every request of a unit's reporter needs the unit (access checks, the page header, the
messages a report sends), so each request saves a query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from duban.accounts.models import User


class UnitModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except (User.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None
