"""The directory's upkeep pages: new unit, edit, alias, merge, group members. Reads go through
access.py, writes through actions.py. The pages that show units in the plans (the unit list with
task counts, a unit's 责任清单, the workload matrix) are plans' (duban.plans.unit_views): the
directory sits below plans and imports nothing of it.

A user who may not change the directory gets the same 404 from an editing URL as from a unit it
may not see: the answer does not tell which units exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from duban.accounts.requests import signed_in
from duban.units.access import access_unit, can_edit_directory
from duban.units.actions import (
    UnitError,
    do_add_alias,
    do_create_unit,
    do_merge_units,
    do_set_group_members,
    do_update_unit,
)
from duban.units.forms import AliasForm, MembersForm, MergeForm, UnitCreateForm, UnitEditForm
from duban.units.merge import merge_rules
from duban.units.models import Unit


def _editable_unit(request: HttpRequest, unit_id: int) -> Unit:
    user = signed_in(request)
    if not can_edit_directory(user):
        raise Http404("单位不存在或无权访问")
    return access_unit(user, unit_id)


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_directory(signed_in(request)):
        raise Http404("无权访问")
    form = UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = do_create_unit(
                form.cleaned_data["name"],
                kind=form.cleaned_data["kind"] or None,
                parent=form.cleaned_data["parent"],
                acting_user=signed_in(request),
            )
        except UnitError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"已新建单位“{unit.name}”")
            return redirect("units:detail", unit_id=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "title": "新建单位", "unit": None})


@login_required
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _editable_unit(request, unit_id)
    initial = {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "keep_old_name": True}
    form = UnitEditForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_update_unit(
                unit,
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                keep_old_name=data["keep_old_name"],
                acting_user=signed_in(request),
            )
        except UnitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存")
            return redirect("units:detail", unit_id=unit.pk)
    return render(
        request, "units/unit_form.html", {"form": form, "title": f"修改单位：{unit.name}", "unit": unit}
    )


@login_required
@require_POST
def unit_add_alias(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _editable_unit(request, unit_id)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            alias = do_add_alias(unit, form.cleaned_data["name"], acting_user=signed_in(request))
        except UnitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已增加别名“{alias.name}”")
    else:
        messages.error(request, "请填写别名")
    return redirect("units:detail", unit_id=unit.pk)


@login_required
def unit_merge(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Two steps: choose the unit to merge into (GET ?into=), see what moves (the accounts by
    name), then confirm (POST; with the box ticked when accounts move)."""
    unit = _editable_unit(request, unit_id)
    form = MergeForm(request.POST if request.method == "POST" else request.GET, unit=unit)
    if not form.is_valid():
        messages.error(request, "请选择要并入的单位")
        return redirect("units:detail", unit_id=unit.pk)
    into: Unit = form.cleaned_data["into"]
    accounts = list(unit.users.order_by("username"))
    error = ""
    if request.method == "POST":
        if accounts and not form.cleaned_data["confirm_users"]:
            error = f"合并会使 {len(accounts)} 个账号改属“{into.name}”，请核对后勾选确认"
        else:
            try:
                do_merge_units(into, unit, moving_users=form.moving_users(), acting_user=signed_in(request))
            except UnitError as exc:
                error = str(exc)
            else:
                messages.success(request, f"已将“{unit.name}”并入“{into.name}”，原名称保留为别名")
                return redirect("units:detail", unit_id=into.pk)
    return render(
        request,
        "units/unit_merge.html",
        {
            "unit": unit,
            "into": into,
            # What the apps above the directory say moves (duban.units.merge), e.g. responsibilities.
            "moving": [rule.preview.format(n=rule.count(unit), into=into.name) for rule in merge_rules()],
            "accounts": accounts,
            "account_ids": ",".join(str(u.pk) for u in accounts),
            "children": unit.children.count(),
            "aliases": unit.aliases.count(),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def unit_members(request: HttpRequest, unit_id: int) -> HttpResponse:
    group = _editable_unit(request, unit_id)
    form = MembersForm(request.POST, group=group)
    if not form.is_valid():
        messages.error(request, "成员单位选择有误")
    else:
        try:
            do_set_group_members(group, form.cleaned_data["members"], acting_user=signed_in(request))
        except UnitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已保存成员单位")
    return redirect("units:detail", unit_id=group.pk)
