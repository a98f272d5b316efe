"""Permission-checked reads of API tokens: everyone sees and revokes only their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from duban.accounts.models import User
from duban.clock import now
from duban.tokens.actions import hash_token
from duban.tokens.models import ApiToken


class TokenRefused(Exception):
    """Why a bearer token does not authenticate; the message is shown to the caller."""


def visible_tokens(user: User) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def access_token(user: User, token_id: int) -> ApiToken:
    try:
        return visible_tokens(user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("令牌不存在或无权访问") from None


def access_token_trail(user: User, token_id: int) -> ApiToken:
    """A token for its audit trail: its owner's, and the administrator's, who answers for every
    account's access (and reads the accounts' own trails too)."""
    if user.is_authenticated and user.is_active and user.is_admin:
        try:
            return ApiToken.objects.get(pk=token_id)
        except (ApiToken.DoesNotExist, ValueError, TypeError):
            raise Http404("令牌不存在或无权访问") from None
    return access_token(user, token_id)


def user_for_token(raw: str) -> User:
    """The active user a raw bearer token belongs to (see token_for)."""
    return token_for(raw).user


def token_for(raw: str) -> ApiToken:
    """The token of a raw bearer token, with its user. Raises TokenRefused for an unknown or
    revoked token, a disabled user, or an expired token (saying when it expired: its owner knows it
    once worked, and should make a new one rather than hunt for a typo)."""
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first() if raw else None
    )
    if token is None or token.is_revoked or not token.user.is_active:
        raise TokenRefused("API 令牌无效或已吊销")
    # No "last used" is written here: authenticating stays one read, not a write per API call.
    if now() >= token.expires_at:
        expired = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        raise TokenRefused(f"API 令牌已于 {expired} 过期：请在「API 令牌」页面（/tokens/）创建新令牌")
    return token
