"""Forms of the plan pages. They check and carry input; filtering lives in queries.TaskFilter and
every write in actions.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from duban import limits
from duban.accounts.models import Role as UserRole
from duban.accounts.models import User
from duban.extract.read import SUFFIXES
from duban.limits import text_field
from duban.params import as_id
from duban.plans.access import managed_plans, visible_plans
from duban.plans.models import Plan, Role, Section
from duban.units.matching import Match
from duban.units.models import Alias, Unit

NEW_UNIT = "new"


class FastSelect(forms.Select):
    """A select rendered in Python: Django renders each <option> through a template, which costs
    more than the rest of a 300-task plan page once a plan names hundreds of units."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((k, mark_safe(" selected") if str(k) in chosen else "", label) for k, label in self.choices),
        )
        attributes = format_html_join(
            "", ' {}="{}"', ((k, v) for k, v in final.items() if v not in (None, False))
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class TaskFilterForm(forms.Form):
    """Shows the plan page's filters with their current values. Reading them is
    TaskFilter.from_params's job, so a bad value is refused the same way everywhere."""

    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "任务内容或单位名称"}),
    )
    unit = forms.ChoiceField(label="单位", required=False, widget=FastSelect)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    section = forms.ChoiceField(label="部分", required=False, widget=FastSelect)
    has_target = forms.ChoiceField(
        label="量化目标", required=False, choices=[("", "不限"), ("1", "有量化目标"), ("0", "无量化目标")]
    )
    deadline_from = forms.DateField(
        label="时限自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_to = forms.DateField(
        label="时限至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, data: Mapping[str, Any], *, units: Iterable[Unit], sections: Sequence[Section]
    ) -> None:
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


class UploadForm(forms.Form):
    # Empty files pass here so that the import names the file in its own message.
    file = forms.FileField(
        label="文档",
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(SUFFIXES))}),
    )
    revises = forms.ModelChoiceField(
        label="修订已有方案（导入为新版本）",
        queryset=Plan.objects.none(),
        required=False,
        empty_label="不修订，作为新方案导入",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        revises = self.fields["revises"]
        assert isinstance(revises, forms.ModelChoiceField)
        revises.queryset = managed_plans(user)


class DraftCellForm(forms.Form):
    """One row of the preview, corrected before confirming."""

    part = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    id = text_field("序号", 32)
    title = text_field("任务", 300, required=False)
    text = text_field("目标要求", limits.NARRATIVE, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    deadline_text = text_field("完成时限", 100, required=False)


@dataclass(frozen=True)
class UnitChoiceRow:
    """One printed unit name of a draft and what the manager chose for it."""

    index: int
    printed: str
    match: Match
    selected: str  # a unit id, NEW_UNIT, or "" when only a typed name was posted
    typed: str  # the 对应单位 field: a directory unit's name or alias; empty for a new unit
    new_name: str

    @property
    def number(self) -> int:
        return self.index + 1


def unit_id(posted: str) -> int | None:
    # ASCII digits only ("²".isdigit() is true, int() refuses it), and within a bigint.
    return as_id(posted)


def squeeze(text: str) -> str:
    # Directory names and aliases are stored without whitespace (duban.units.actions).
    return "".join(text.split())[:100]


@dataclass(frozen=True)
class DirectoryLookup:
    """Just the directory rows a posted unit-matching form names: active units by id, and by
    exact name or alias. Two or three small queries, however large the directory."""

    names: Mapping[int, str]
    by_text: Mapping[str, int]

    @classmethod
    def load(cls, ids: Iterable[int], texts: Iterable[str]) -> DirectoryLookup:
        ids, texts = set(ids), set(texts) - {""}
        active = Unit.objects.filter(active=True)
        names = dict(active.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        by_text: dict[str, int] = {}
        if texts:
            # A unit's own name wins over another unit's alias, as in duban.units.matching.
            by_text = dict(
                Alias.objects.filter(name__in=texts, unit__active=True).values_list("name", "unit_id")
            )
            by_text.update((name, pk) for pk, name in active.filter(name__in=texts).values_list("pk", "name"))
        return cls(names, by_text)


class UnitChoices:
    """The preview's unit-matching table. Each printed unit name posts three fields:

    - match-<i>, the 对应单位 text field: a directory unit's exact name or alias, resolved here,
      or empty to create a new unit. It works without JavaScript; the page's unit search
      (static/duban/unit_search.js) only helps to find the name.
    - unit-<i>, hidden: the id of the unit picked from the search (or suggested), or NEW_UNIT.
      It is trusted only while it still names the unit the text field shows.
    - name-<i>: the name of the unit to create when match-<i> is empty.

    A client that posts unit-<i> without match-<i> (the form before the search field) is read as
    before: a directory unit id or NEW_UNIT.

    Nothing here lists the directory: the page no longer grows with it."""

    def __init__(self, printed: Sequence[str], matches: Mapping[str, Match]) -> None:
        self.printed = list(printed)
        self.matches = matches
        self.errors: list[str] = []

    def initial_rows(self) -> list[UnitChoiceRow]:
        rows = []
        for i, p in enumerate(self.printed):
            m = self.matches[p]
            # Only a sure match is chosen for the manager; a near name is a hint beside an empty field.
            sure = m.prefill is not None
            typed = (m.unit_name or "") if sure else ""
            rows.append(UnitChoiceRow(i, p, m, str(m.prefill or NEW_UNIT), typed, p))
        return rows

    def _posted(self, data: Mapping[str, str]) -> list[tuple[int, str, str, str | None, str]]:
        """(index, printed, unit-<i>, match-<i> or None when not posted, name-<i>) per row."""
        return [
            (i, p, data.get(f"unit-{i}", NEW_UNIT).strip(), data.get(f"match-{i}"), data.get(f"name-{i}", p))
            for i, p in enumerate(self.printed)
        ]

    def _lookup(self, posted: Sequence[tuple[int, str, str, str | None, str]]) -> DirectoryLookup:
        return DirectoryLookup.load(
            (pk for _, _, sel, _, _ in posted if (pk := unit_id(sel)) is not None),
            (squeeze(typed) for _, _, _, typed, _ in posted if typed),
        )

    def posted_rows(self, data: Mapping[str, str]) -> list[UnitChoiceRow]:
        """The rows as posted, to show again beside the errors."""
        posted = self._posted(data)
        lookup = self._lookup(posted)
        rows = []
        for i, p, sel, typed, name in posted:
            if typed is None:  # an ids-only post: show the picked unit's name
                typed = lookup.names.get(unit_id(sel) or 0, "")
            rows.append(UnitChoiceRow(i, p, self.matches[p], sel, typed, name))
        return rows

    def clean(self, data: Mapping[str, str]) -> dict[str, int | str | None] | None:
        """printed name → unit id, or the name of a unit to create; None when a choice is bad."""
        out: dict[str, int | str | None] = {}
        self.errors = []
        posted = self._posted(data)
        lookup = self._lookup(posted)
        for i, printed, selected, typed, new_name in posted:
            picked = unit_id(selected)
            if typed is None:
                if selected == NEW_UNIT:
                    out[printed] = squeeze(new_name) or None
                elif picked in lookup.names:
                    out[printed] = picked
                else:
                    self.errors.append(f"第 {i + 1} 行“{printed}”：请选择目录中的单位或“新建单位”")
                continue
            text = squeeze(typed)
            if not text:
                out[printed] = squeeze(new_name) or None
            elif picked is not None and lookup.names.get(picked) == text:
                out[printed] = picked
            elif text in lookup.by_text:
                out[printed] = lookup.by_text[text]
            else:
                self.errors.append(
                    f"第 {i + 1} 行“{printed}”：目录中没有名称或别名为“{text}”的单位。"
                    "请从搜索结果中选择，或填写单位全称或别名；清空该栏则按“新建单位名称”新建"
                )
        return None if self.errors else out


class PlanSettingsForm(forms.Form):
    shared_with_all = forms.BooleanField(label="向所有单位公开", required=False)
    parent = forms.ModelChoiceField(
        label="上级方案", queryset=Plan.objects.none(), required=False, empty_label="无"
    )
    managers = forms.ModelMultipleChoiceField(
        label="方案管理员", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, plan: Plan, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "shared_with_all": plan.shared_with_all,
                "parent": plan.parent_id,
                "managers": list(plan.managers.values_list("pk", flat=True)),
            },
        )
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        # A plan cannot sit under one of its own versions or under its own descendants.
        parent.queryset = (
            visible_plans(user)
            .filter(is_current=True)
            .exclude(series=plan.series)
            .exclude(pk__in=_descendants(plan))
            .order_by("title")
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
