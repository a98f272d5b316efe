"""Who is calling: a signed-in browser session (with CSRF for unsafe methods) or a bearer token.

Both hand the routes a user; the access helpers then decide what that user may see, exactly as
for the HTML pages.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from duban.accounts.models import User
from duban.tokens.access import TokenRefused, token_for

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a token made on the 「API 令牌」 page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        try:
            found = token_for(token.strip())
        except TokenRefused as exc:
            # A caller that presents a token means to use it: an unknown, revoked or expired one is
            # refused outright rather than quietly falling back to whatever session cookie it carries.
            raise AuthenticationError(401, str(exc)) from None
        if found.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, f"令牌“{found.name}”是只读令牌，不能提交或修改；请使用读写令牌")
        request.user = found.user
        return found.user


class Session(APIKeyCookie):
    """The browser session of a signed-in user. Unsafe methods need the CSRF token as usual."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any | None:
        # Not signed in at all is a 401, never a CSRF 403: the caller must authenticate first.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF 校验失败：请在请求头 X-CSRFToken 中带上 csrftoken Cookie 的值")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return request.user if isinstance(request.user, User) else None


# Bearer first: a script's token request carries no cookie, and must not be asked for CSRF.
AUTH = [BearerToken(), Session(csrf=True)]


def caller(request: HttpRequest) -> User:
    """The authenticated user of a request that passed AUTH."""
    return cast(User, getattr(request, "auth"))  # noqa: B009 - HttpRequest has no `auth` in its stubs
