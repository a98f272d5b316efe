"""The audit rows of accounts: duban.accounts tells what happened to an account (its
`account_event` signal: logins, failures, lockouts, changes, new passwords) and this writes it
down, so that accounts, below the audit, never imports it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.accounts.signals import account_event
from duban.audit.models import AuditEvent
from duban.audit.record import record
from duban.clock import now


@receiver(account_event, dispatch_uid="duban.audit.accounts")
def _record(
    sender: Any,
    actor: Actor,
    action: str,
    summary: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    user: User | None = None,
    username: str = "",
    **kwargs: Any,
) -> None:
    if user is not None:
        record(actor, action, user, summary=summary, before=before, after=after)
        return
    # A login name that is no account's (a guess is audited too): no object to point at.
    AuditEvent.objects.create(
        at=now(), action=action, object_type="accounts.user", object_id="", summary=summary
    )
