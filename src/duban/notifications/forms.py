"""Forms of the notification pages: they carry input; what may be stored is actions.py's to say."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models

from duban.notifications.models import Channel, UnitChannel


def _active_units() -> models.QuerySet[Any]:
    # The unit directory sits above this app: its model is reached through the foreign key, not imported.
    unit_model = cast(type[models.Model], UnitChannel._meta.get_field("unit").related_model)
    return unit_model._default_manager.filter(active=True).order_by("name")


class UnitChannelForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=UnitChannel.objects.none())
    channel = forms.ChoiceField(label="渠道", choices=[c for c in Channel.choices if c[0] != Channel.INBOX])
    url = forms.CharField(label="Webhook 地址（钉钉、企业微信机器人）", required=False, max_length=500)
    email = forms.CharField(label="邮箱（电子邮件）", required=False, max_length=254)
    secret = forms.CharField(
        label="加签密钥（钉钉，可不填）",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
    )
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _active_units()
