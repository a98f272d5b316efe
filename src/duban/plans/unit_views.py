"""The unit pages that show units in the plans: the unit list with task counts, a unit's page with
its responsibility list (责任清单) and the workload matrix. Their URLs stay under /units/ with the
`units:` names (joined with the directory's own upkeep pages in duban.web.urls); they live here
because duban.units sits below plans. Reads go through the access helpers and duties.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.plans import duties
from duban.plans.access import access_plan_param, visible_plans
from duban.units.access import access_unit, can_edit_directory
from duban.units.forms import AliasForm
from duban.units.models import Kind, Unit
from duban.units.search import UnitSearch


def _sees_all_units(user: User) -> bool:
    return bool(user.is_admin or user.is_manager or user.is_leader)


@login_required
@require_safe
def unit_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    search = UnitSearch.from_params(request.GET)
    units = list(duties.directory(user, search))
    return render(
        request,
        "plans/unit_list.html",
        {
            "units": units,
            "search": search,
            "kinds": Kind.choices,
            "can_edit": can_edit_directory(user),
            "can_view_workload": duties.can_view_workload(user),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_safe
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = signed_in(request)
    unit = access_unit(user, unit_id)
    groups = list(unit.groups.all())
    can_edit = can_edit_directory(user)
    context: dict[str, Any] = {
        "unit": unit,
        "aliases": list(unit.aliases.all()),
        "groups": groups,
        "members": list(unit.members.all()) if unit.kind == Kind.GROUP else [],
        "children": list(unit.children.all()),
        "duties": duties.unit_duties(user, unit, groups),
        "can_edit": can_edit,
        # The unit's trail reads through access_unit (duban.audit.readers): linked for the office.
        "show_trail": user.is_manager or user.is_leader,
        "audit_url": f"/audit/units.unit/{unit.pk}/",
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
            }
        )
    return render(request, "plans/unit_detail.html", context)


@login_required
@require_safe
def workload(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not duties.can_view_workload(user):
        raise Http404("无权访问")
    plan = access_plan_param(user, request.GET.get("plan"))
    matrix = duties.workload(user, plan)
    plans = list(visible_plans(user).filter(is_current=True).only("pk", "title")) if plan else []
    return render(
        request,
        "plans/workload.html",
        {
            "matrix": matrix,
            "plans": plans,
            "query": request.GET.urlencode(),
        },
    )
