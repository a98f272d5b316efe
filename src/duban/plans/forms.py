"""Forms of the plan pages. They check and carry input; filtering lives in queries.TaskFilter and
every write in actions.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from duban.accounts.models import Role as UserRole
from duban.accounts.models import User
from duban.extract.read import SUFFIXES
from duban.plans.access import visible_plans
from duban.plans.models import Plan, Role, Section
from duban.units.matching import Match
from duban.units.models import Unit

NEW_UNIT = "new"


class FastSelect(forms.Select):
    """A select rendered in Python: Django renders each <option> through a template, which costs
    more than the rest of a 300-task plan page once a plan names hundreds of units."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((k, mark_safe(" selected") if str(k) in chosen else "", label) for k, label in self.choices),
        )
        attributes = format_html_join("", ' {}="{}"', ((k, v) for k, v in final.items() if v not in (None, False)))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class TaskFilterForm(forms.Form):
    """Shows the plan page's filters with their current values. Reading them is
    TaskFilter.from_params's job, so a bad value is ignored the same way everywhere."""

    q = forms.CharField(label="搜索", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "任务内容或单位名称"}))
    unit = forms.ChoiceField(label="单位", required=False, widget=FastSelect)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    section = forms.ChoiceField(label="部分", required=False, widget=FastSelect)
    has_target = forms.ChoiceField(
        label="量化目标", required=False, choices=[("", "不限"), ("1", "有量化目标"), ("0", "无量化目标")]
    )
    deadline_from = forms.DateField(label="时限自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline_to = forms.DateField(label="时限至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Mapping[str, Any], *, units: Iterable[Unit], sections: Sequence[Section]) -> None:
        super().__init__(data)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [("", "全部单位"), *((str(u.pk), u.name) for u in units)]
        section_field = self.fields["section"]
        assert isinstance(section_field, forms.ChoiceField)
        depth: dict[int, int] = {}
        choices: list[tuple[str, str]] = [("", "全部")]
        for s in sections:
            depth[s.pk] = depth.get(s.parent_id, -1) + 1 if s.parent_id else 0
            choices.append((str(s.pk), "　" * depth[s.pk] + s.title))
        section_field.choices = choices


def managed_plans(user: Any) -> QuerySet[Plan]:
    """Current plans the user may import a revision of: all for the administrator, else its own."""
    plans = visible_plans(user).filter(is_current=True)
    return plans if user.is_admin else plans.filter(managers=user)


class UploadForm(forms.Form):
    # Empty files pass here so that the import names the file in its own message.
    file = forms.FileField(
        label="文档", allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(SUFFIXES))}),
    )
    revises = forms.ModelChoiceField(
        label="修订已有方案（导入为新版本）", queryset=Plan.objects.none(), required=False,
        empty_label="不修订，作为新方案导入",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        revises = self.fields["revises"]
        assert isinstance(revises, forms.ModelChoiceField)
        revises.queryset = managed_plans(user)


class DraftCellForm(forms.Form):
    """One row of the preview, corrected before confirming."""

    part = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    id = forms.CharField(label="序号", max_length=32)
    title = forms.CharField(label="任务", max_length=300, required=False)
    text = forms.CharField(label="目标要求", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    deadline_text = forms.CharField(label="完成时限", max_length=100, required=False)


@dataclass(frozen=True)
class UnitChoiceRow:
    """One printed unit name of a draft and what the manager chose for it."""

    index: int
    printed: str
    match: Match
    selected: str  # a unit id, or NEW_UNIT
    new_name: str


class UnitChoices:
    """The preview's unit-matching table: one select (a directory unit or NEW_UNIT) and one
    editable name per printed unit name, posted as unit-<i> and name-<i>."""

    def __init__(self, printed: Sequence[str], matches: Mapping[str, Match], unit_ids: Iterable[int]) -> None:
        self.printed = list(printed)
        self.matches = matches
        self.unit_ids = set(unit_ids)
        self.errors: list[str] = []

    def initial_rows(self) -> list[UnitChoiceRow]:
        return [
            UnitChoiceRow(i, p, self.matches[p], str(self.matches[p].unit_id or NEW_UNIT), p)
            for i, p in enumerate(self.printed)
        ]

    def posted_rows(self, data: Mapping[str, str]) -> list[UnitChoiceRow]:
        return [
            UnitChoiceRow(i, p, self.matches[p], data.get(f"unit-{i}", NEW_UNIT), data.get(f"name-{i}", p))
            for i, p in enumerate(self.printed)
        ]

    def clean(self, data: Mapping[str, str]) -> dict[str, int | str | None] | None:
        """printed name → unit id, or the name of a unit to create; None when a choice is bad."""
        out: dict[str, int | str | None] = {}
        self.errors = []
        for row in self.posted_rows(data):
            if row.selected == NEW_UNIT:
                name = "".join(row.new_name.split())[:100]
                out[row.printed] = name or None
            elif row.selected.isdigit() and int(row.selected) in self.unit_ids:
                out[row.printed] = int(row.selected)
            else:
                self.errors.append(f"“{row.printed}”：请选择目录中的单位或“新建单位”")
        return None if self.errors else out


class PlanSettingsForm(forms.Form):
    shared_with_all = forms.BooleanField(label="向所有单位公开", required=False)
    parent = forms.ModelChoiceField(label="上级方案", queryset=Plan.objects.none(), required=False,
                                    empty_label="无")
    managers = forms.ModelMultipleChoiceField(
        label="方案管理员", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, plan: Plan, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "shared_with_all": plan.shared_with_all,
            "parent": plan.parent_id,
            "managers": list(plan.managers.values_list("pk", flat=True)),
        })
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        # A plan cannot sit under one of its own versions or under its own descendants.
        parent.queryset = (
            visible_plans(user).filter(is_current=True).exclude(series=plan.series)
            .exclude(pk__in=_descendants(plan)).order_by("title")
        )
        managers = self.fields["managers"]
        assert isinstance(managers, forms.ModelMultipleChoiceField)
        managers.queryset = User.objects.filter(role=UserRole.MANAGER, is_active=True).order_by("username")


def _descendants(plan: Plan) -> set[int]:
    found: set[int] = set()
    frontier = {plan.pk}
    while frontier:
        frontier = set(Plan.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found
