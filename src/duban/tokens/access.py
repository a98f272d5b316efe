"""Permission-checked reads of API tokens: everyone sees and revokes only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from duban.tokens.actions import hash_token
from duban.tokens.models import ApiToken


def visible_tokens(user: Any) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def access_token(user: Any, token_id: int) -> ApiToken:
    try:
        return visible_tokens(user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("令牌不存在或无权访问") from None


def user_for_token(raw: str) -> Any | None:
    """The active user a raw bearer token belongs to, or None (unknown, revoked, or user disabled)."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token is not None else None
