"""The signed-in user of a request, typed: every page that needs one is behind login_required
(or the API's authentication), so the anonymous case is a programming error, not a visitor."""

from __future__ import annotations

from django.http import HttpRequest

from duban.accounts.models import User


def signed_in(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise TypeError("a signed-in page was reached without a signed-in user")
    return user
