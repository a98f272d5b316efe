"""A scheme's items, from the scheme page: changed, added (items of the assessment's own) and
removed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from duban.accounts.requests import signed_in
from duban.assessment.access import access_managed_scheme
from duban.assessment.actions.items import do_add_item, do_remove_item, do_update_item
from duban.assessment.forms import ItemForm, NewItemForm
from duban.assessment.models import Method, Scheme, SchemeItem
from duban.assessment.views.schemes import NOT_FOUND, scheme_part, scheme_remove, scheme_write


@login_required
@require_POST
def item_edit(request: HttpRequest, scheme_id: int, item_id: int) -> HttpResponse:
    item = scheme_part(access_managed_scheme(signed_in(request), scheme_id), SchemeItem, item_id)

    def act(_scheme: Scheme, d: dict[str, Any]) -> str:
        changes = {k: d[k] for k in ("method", "max_points", "weight")}
        if d["method"] == Method.CHECKLIST or d["criteria"]:
            changes["criteria"] = d["criteria"]
        do_update_item(item, acting_user=signed_in(request), **changes)
        return f"已修改考核项目“{item}”"

    form = ItemForm(request.POST, prefix=f"item{item.pk}")
    return scheme_write(request, scheme_id, f"item{item.pk}", form, act)


@login_required
@require_POST
def item_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        item = do_add_item(
            scheme,
            name=d["name"],
            max_points=d["max_points"],
            section=d["section"],
            method=d["method"],
            criteria=d["criteria"],
            acting_user=signed_in(request),
        )
        return f"已增加考核项目“{item.name}”"

    return scheme_write(request, scheme_id, "new_item", NewItemForm(request.POST, prefix="new"), act)


@login_required
@require_POST
def item_remove(request: HttpRequest, scheme_id: int, item_id: int) -> HttpResponse:
    scheme = access_managed_scheme(signed_in(request), scheme_id)
    # Only the scheme's own items: an item made from a task is the plan's, and stays with its task.
    if not SchemeItem.objects.filter(scheme=scheme, pk=item_id, task__isnull=True).exists():
        raise Http404(NOT_FOUND)

    def act(item: SchemeItem) -> str:
        do_remove_item(item, acting_user=signed_in(request))
        return f"已删除考核项目“{item.name}”"

    return scheme_remove(request, scheme_id, SchemeItem, item_id, act)
