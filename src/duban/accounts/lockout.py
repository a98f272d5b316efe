"""Where a login comes from, for counting failures per address (django-axes calls client_ip)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connection's own, or behind a reverse proxy (DUBAN_BEHIND_PROXY)
    the last address the proxy appended to X-Forwarded-For. Only that last one can be trusted:
    a client can write anything into the header before the proxy adds its entry."""
    if settings.BEHIND_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    address: str = request.META.get("REMOTE_ADDR") or ""
    return address or None


def locked_out(request: HttpRequest, original_response: object, credentials: object) -> HttpResponse:
    """The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE): in Chinese, with the
    wait in minutes; 429 for scripts."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
