"""The page where a user makes and revokes their own API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from duban.accounts.requests import signed_in
from duban.limits import text_field
from duban.tokens.access import access_token, visible_tokens
from duban.tokens.actions import TokenError, do_create_token, do_revoke_token
from duban.tokens.models import DEFAULT_LIFETIME, LIFETIMES, MAX_LIFETIME

_LIFETIME_NOTES = {DEFAULT_LIFETIME: "（默认）", MAX_LIFETIME: "（最长）"}


class TokenForm(forms.Form):
    name = text_field("名称", 100, help_text="写明用途，例如“统计报表脚本”")
    # Not posted (an older form, a script) means the default, as the select shows it.
    days = forms.TypedChoiceField(
        label="有效期",
        coerce=int,
        required=False,
        empty_value=None,
        initial=DEFAULT_LIFETIME,
        choices=[(d, f"{d} 天{_LIFETIME_NOTES.get(d, '')}") for d in LIFETIMES],
    )
    read_only = forms.BooleanField(
        label="只读", required=False, help_text="只能查询和下载，不能提交、修改或删除任何内容"
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    raw_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw_token = do_create_token(
                form.cleaned_data["name"],
                days=form.cleaned_data["days"] or DEFAULT_LIFETIME,
                read_only=form.cleaned_data["read_only"],
                acting_user=user,
            )
        except TokenError as exc:
            form.add_error("name", str(exc))
        else:
            form = TokenForm()
            expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
            messages.success(
                request,
                f"已创建令牌“{token.name}”，有效至 {expires}。请立即复制保存，离开本页后将无法再次查看。",
            )
    response = render(
        request,
        "tokens/token_list.html",
        {
            "tokens": visible_tokens(user),
            "form": form,
            "raw_token": raw_token,
        },
    )
    # The raw token is in this one response only: no redirect, no session, and no cache may keep it.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = signed_in(request)
    token = access_token(user, token_id)
    try:
        do_revoke_token(token, acting_user=user)
    except TokenError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已吊销令牌“{token.name}”，使用它的程序将无法再访问。")
    return redirect("tokens:list")
