"""Forms of the unit directory: they check the shape of the input; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from duban.limits import text_field
from duban.params import as_id
from duban.units.models import Kind, Unit


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UnitCreateForm(forms.Form):
    name = text_field("名称", 100)
    kind = forms.ChoiceField(label="类型", choices=[("", "按名称自动判断"), *Kind.choices], required=False)
    parent = UnitChoice(label="上级单位", queryset=Unit.objects.all(), required=False, empty_label="（无）")


class UnitEditForm(forms.Form):
    name = text_field("名称", 100)
    kind = forms.ChoiceField(label="类型", choices=Kind.choices)
    parent = UnitChoice(label="上级单位", queryset=Unit.objects.none(), required=False, empty_label="（无）")
    keep_old_name = forms.BooleanField(
        label="改名后保留原名称为别名（导入旧文档时仍能匹配）", required=False, initial=True
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, UnitChoice)
        parent.queryset = Unit.objects.exclude(pk=unit.pk)


class AliasForm(forms.Form):
    name = text_field("别名", 100)


class MergeForm(forms.Form):
    into = UnitChoice(label="并入", queryset=Unit.objects.none())
    # The accounts the confirmation page listed (their ids), and the box that says they may move:
    # a merge moves a unit's accounts, and with them what they may read.
    users = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm_users = forms.BooleanField(label="我已核对，上列账号改属并入后的单位", required=False)

    def moving_users(self) -> list[int]:
        return [n for n in (as_id(v) for v in self.cleaned_data["users"].split(",")) if n is not None]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        into = self.fields["into"]
        assert isinstance(into, UnitChoice)
        into.queryset = Unit.objects.exclude(pk=unit.pk)


class MembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(label="成员单位", queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, group: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = Unit.objects.exclude(pk=group.pk)
