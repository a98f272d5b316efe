"""Downloads a script may fetch with its API token, as the API's own routes take it: exports,
the period's workbook and 通报, orders, the assessment's ranking, report and breakdowns. A browser
signs in as before; a request with `Authorization: Bearer` is that token's user, GET only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse

from duban.tokens.access import TokenRefused, token_for

View = Callable[..., HttpResponse]


def login_or_token_required(view: View) -> View:
    signed_in_view = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return signed_in_view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return _refused(405, "API 令牌只能用于下载（GET）", Allow="GET, HEAD")
        try:
            # The token's user for this request only: nothing is written to a session.
            request.user = token_for(raw.strip()).user
        except TokenRefused as exc:
            return _refused(401, str(exc), **{"WWW-Authenticate": 'Bearer realm="duban"'})
        return view(request, *args, **kwargs)

    return wrapped


def _refused(status: int, detail: str, **headers: str) -> HttpResponse:
    response = JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response
