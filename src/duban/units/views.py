"""Unit pages. Reads go through access.py (and queries.py), writes through actions.py.

A user who may not change the directory gets the same 404 from an editing URL as from a unit it
may not see: the answer does not tell which units exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from duban.plans.access import access_plan, visible_plans
from duban.plans.models import Responsibility
from duban.units import queries
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
from duban.units.models import Kind, Unit


def _editable_unit(request: HttpRequest, unit_id: int) -> Unit:
    if not can_edit_directory(request.user):
        raise Http404("单位不存在或无权访问")
    return access_unit(request.user, unit_id)


def _sees_all_units(user: Any) -> bool:
    return bool(user.is_admin or user.is_manager or user.is_leader)


@login_required
@require_safe
def unit_list(request: HttpRequest) -> HttpResponse:
    search = queries.UnitSearch.from_params(request.GET)
    units = list(queries.directory(request.user, search))
    return render(
        request,
        "units/unit_list.html",
        {
            "units": units,
            "search": search,
            "kinds": Kind.choices,
            "can_edit": can_edit_directory(request.user),
            "can_view_workload": queries.can_view_workload(request.user),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_directory(request.user):
        raise Http404("无权访问")
    form = UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = do_create_unit(
                form.cleaned_data["name"],
                kind=form.cleaned_data["kind"] or None,
                parent=form.cleaned_data["parent"],
                acting_user=request.user,
            )
        except UnitError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"已新建单位“{unit.name}”")
            return redirect("units:detail", unit_id=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "title": "新建单位", "unit": None})


@login_required
@require_safe
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = access_unit(user, unit_id)
    groups = list(unit.groups.all())
    can_edit = can_edit_directory(user)
    context: dict[str, Any] = {
        "unit": unit,
        "aliases": list(unit.aliases.all()),
        "groups": groups,
        "members": list(unit.members.all()) if unit.kind == Kind.GROUP else [],
        "children": list(unit.children.all()),
        "duties": queries.unit_duties(user, unit, groups),
        "can_edit": can_edit,
        "link_units": _sees_all_units(user),
    }
    if can_edit:
        # One list serves both selects (merge target, group members).
        others = list(Unit.objects.exclude(pk=unit.pk).only("pk", "name"))
        member_ids = {m.pk for m in context["members"]}
        context.update(
            {
                "alias_form": AliasForm(),
                "others": others,
                "member_ids": member_ids,
                "audit_url": f"/audit/units.unit/{unit.pk}/",
            }
        )
    return render(request, "units/unit_detail.html", context)


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
                acting_user=request.user,
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
            alias = do_add_alias(unit, form.cleaned_data["name"], acting_user=request.user)
        except UnitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已增加别名“{alias.name}”")
    else:
        messages.error(request, "请填写别名")
    return redirect("units:detail", unit_id=unit.pk)


@login_required
def unit_merge(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Two steps: choose the unit to merge into (GET ?into=), see what moves, then confirm (POST)."""
    unit = _editable_unit(request, unit_id)
    form = MergeForm(request.POST if request.method == "POST" else request.GET, unit=unit)
    if not form.is_valid():
        messages.error(request, "请选择要并入的单位")
        return redirect("units:detail", unit_id=unit.pk)
    into: Unit = form.cleaned_data["into"]
    if request.method == "POST":
        try:
            do_merge_units(into, unit, acting_user=request.user)
        except UnitError as exc:
            messages.error(request, str(exc))
            return redirect("units:detail", unit_id=unit.pk)
        messages.success(request, f"已将“{unit.name}”并入“{into.name}”，原名称保留为别名")
        return redirect("units:detail", unit_id=into.pk)
    return render(
        request,
        "units/unit_merge.html",
        {
            "unit": unit,
            "into": into,
            "responsibilities": Responsibility.objects.filter(unit=unit).count(),
            "users": unit.users.count(),
            "children": unit.children.count(),
            "aliases": unit.aliases.count(),
        },
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
            do_set_group_members(group, form.cleaned_data["members"], acting_user=request.user)
        except UnitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已保存成员单位")
    return redirect("units:detail", unit_id=group.pk)


@login_required
@require_safe
def workload(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not queries.can_view_workload(user):
        raise Http404("无权访问")
    plan = access_plan(user, request.GET["plan"]) if request.GET.get("plan") else None  # type: ignore[arg-type]
    matrix = queries.workload(user, plan)
    plans = list(visible_plans(user).filter(is_current=True).only("pk", "title")) if plan else []
    return render(
        request,
        "units/workload.html",
        {
            "matrix": matrix,
            "plans": plans,
            "query": request.GET.urlencode(),
        },
    )
