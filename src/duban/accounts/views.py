"""The account's own pages: changing one's password (logging in and out are Django's views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        form.user.audit_actor = self.request.user  # the audit names who changed it
        response = super().form_valid(form)
        messages.success(self.request, "密码已修改；此前创建的 API 令牌已全部吊销。")
        return response


class LogoutView(auth_views.LogoutView):
    """Logging out stays a POST (a link or an image must not sign anyone out); the address opened
    in the browser asks to confirm instead of answering a blank 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/logout.html")
