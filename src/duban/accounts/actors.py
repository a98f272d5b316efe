"""Who acts: a signed-in user, or the system itself (the reminder process, a data migration).

Every action takes `acting_user: Actor`. The system is a value of its own rather than None, so
that a forgotten argument is a type error and not a silent "nobody"; the audit trail records it
as no user (actor NULL), which the trail shows as 系统.
"""

from __future__ import annotations

from typing import Final, Literal

from duban.accounts.models import User


class SystemActor:
    """The platform acting on its own: never a user, never allowed anything a user is refused."""

    pk: Final[None] = None
    is_authenticated: Final[Literal[False]] = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "系统"


SYSTEM: Final = SystemActor()

Actor = User | SystemActor
