"""Every write to API tokens: atomic and audited. The raw token never reaches the database or the
audit trail; only its SHA-256 hash is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record
from duban.clock import now
from duban.tokens.models import DEFAULT_LIFETIME, MAX_LIFETIME, ApiToken

TOKEN_PREFIX = "duban_"


class TokenError(Exception):
    pass


def hash_token(raw: str) -> str:
    # A plain hash is enough (no salt, no slow KDF): the token is 256 random bits, not a password,
    # and an unsalted hash lets a request find its token with one indexed lookup.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_token(
    name: str, *, days: int = DEFAULT_LIFETIME, read_only: bool = False, acting_user: User
) -> tuple[ApiToken, str]:
    """Make a token for `acting_user` (a person: a token is always someone's) that expires `days`
    days from now (at most MAX_LIFETIME), read-only if asked. Returns it with the raw token, which
    cannot be shown again."""
    name = " ".join(name.split())[:100]
    if not name:
        raise TokenError("请填写令牌名称（例如用途）")
    if not 1 <= days <= MAX_LIFETIME:
        raise TokenError(f"有效期须在 1 至 {MAX_LIFETIME} 天之间")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    created = now()
    token = ApiToken.objects.create(
        user=acting_user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(raw),
        created_at=created,
        expires_at=created + dt.timedelta(days=days),
        read_only=read_only,
    )
    record(
        acting_user,
        "create_token",
        token,
        summary=f"创建{'只读' if read_only else ''} API 令牌 {token}，有效期 {days} 天",
        after={
            "name": name,
            "prefix": token.prefix,
            "days": days,
            "read_only": read_only,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, raw


@transaction.atomic
def do_revoke_token(token: ApiToken, *, acting_user: Actor) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise TokenError(f"令牌“{token.name}”已吊销")
    token.revoked_at = now()
    token.save(update_fields=["revoked_at"])
    record(acting_user, "revoke_token", token, summary=f"吊销 API 令牌 {token}")
    return token


@transaction.atomic
def do_revoke_user_tokens(user: User, *, reason: str, acting_user: Actor) -> int:
    """Revoke every token of `user` still in force (its password changed: a token must not
    outlive the password it was made under). Returns how many."""
    at = now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = at
        token.save(update_fields=["revoked_at"])
        record(acting_user, "revoke_token", token, summary=f"吊销 API 令牌 {token}：{reason}")
    return len(tokens)
