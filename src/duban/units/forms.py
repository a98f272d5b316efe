"""Forms of the unit directory: they check the shape of the input; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from duban.units.models import Kind, Unit


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UnitCreateForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=[("", "按名称自动判断"), *Kind.choices], required=False)
    parent = UnitChoice(label="上级单位", queryset=Unit.objects.all(), required=False, empty_label="（无）")


class UnitEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
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
    name = forms.CharField(label="别名", max_length=100)


class MergeForm(forms.Form):
    into = UnitChoice(label="并入", queryset=Unit.objects.none())

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
