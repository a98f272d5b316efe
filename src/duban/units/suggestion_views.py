"""The page of suggested merges (duban.units.suggestions): for whoever may change the directory
(units.access.can_edit_directory); to anyone else it does not exist (404). Each suggestion links
to the merge page, which shows what moves and asks to confirm: nothing is merged from here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from duban.accounts.requests import signed_in
from duban.clock import today
from duban.downloads import download
from duban.office.xlsx import Table, table_to_xlsx
from duban.units.access import can_edit_directory, visible_units
from duban.units.models import Kind
from duban.units.suggestions import suggested_merges


@login_required
@require_safe
def merge_suggestions(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not can_edit_directory(user):
        raise Http404("页面不存在")
    units = visible_units(user).filter(active=True).exclude(kind=Kind.GROUP).order_by("pk")
    suggestions = suggested_merges(units)
    if request.GET.get("format") == "xlsx":
        table = Table(
            "单位合并建议",
            ("保留单位", "并入单位（保留为别名）", "依据"),
            [(s.keep.name, s.gone.name, s.why) for s in suggestions],
            facts=f"导出日期：{today().isoformat()}，共 {len(suggestions)} 条",
            sheet="合并建议",
        )
        return download(table_to_xlsx(table), name="单位合并建议", fallback="merge-suggestions", fmt="xlsx")
    return render(request, "units/merge_suggestions.html", {"suggestions": suggestions})
