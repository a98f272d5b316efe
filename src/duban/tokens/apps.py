from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from duban.accounts.actors import Actor
    from duban.accounts.models import User


class TokensConfig(AppConfig):
    name = "duban.tokens"
    label = "tokens"
    verbose_name = "API 令牌"

    def ready(self) -> None:
        from duban.accounts.signals import password_changed

        password_changed.connect(_revoke_on_password_change, dispatch_uid="duban.tokens.password")

        from duban.audit.readers import AuditReader, register_audit_reader
        from duban.tokens.access import access_token_trail

        register_audit_reader(AuditReader("tokens.apitoken", access_token_trail))


def _revoke_on_password_change(sender: Any, user: User, acting_user: Actor, **kwargs: Any) -> None:
    from duban.tokens.actions import do_revoke_user_tokens

    do_revoke_user_tokens(user, reason="账户密码已修改", acting_user=acting_user)
