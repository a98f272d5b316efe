"""A unit's result: its breakdown line by line with where each line's points come from, its
charts, incidents and appeals, and the breakdown as Excel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from duban.accounts.requests import signed_in
from duban.assessment import exports, queries
from duban.assessment.access import access_result, can_file_appeal, can_see_ranking, is_office
from duban.assessment.forms import ReasonForm
from duban.assessment.models import Appeal, DeductionRule, Incident, Result, SchemeItem
from duban.downloads import download
from duban.tokens.downloads import login_or_token_required


def _breakdown(result: Result) -> tuple[list[queries.Section], list[str]]:
    """The unit's lines by section, and where each line's points come from (in line order)."""
    sections = queries.breakdown(result)
    scheme_id = result.assessment.scheme_id
    item_names = dict(SchemeItem.objects.filter(scheme_id=scheme_id).values_list("pk", "name"))
    rule_names = dict(DeductionRule.objects.filter(scheme_id=scheme_id).values_list("pk", "item"))
    return sections, [exports.source_text(ln, item_names, rule_names) for s in sections for ln in s.lines]


def result_page(
    request: HttpRequest, result: Result, *, status: int = 200, appeal_form: ReasonForm | None = None
) -> HttpResponse:
    """The breakdown page; `appeal_form`: an appeal refused, shown again with why."""
    user = signed_in(request)
    sections, sources = _breakdown(result)
    it = iter(sources)
    shown = [
        (
            s,
            exports.num(s.points),
            exports.num(s.max_points),
            [(ln, exports.num(ln.points), exports.num(ln.max_points), next(it)) for ln in s.lines],
        )
        for s in sections
    ]
    # What was recorded against the unit, with the evidence files (access_evidence lets whoever
    # reads this breakdown download them).
    incidents = Incident.objects.filter(assessment=result.assessment, unit_id=result.unit_id)
    context = {
        "r": result,
        "a": result.assessment,
        "scheme": result.assessment.scheme,
        "sections": shown,
        "charts": exports.unit_chart(result),
        "office": is_office(user, result.assessment),
        "ranking_visible": can_see_ranking(user, result.assessment),
        "appeals": list(Appeal.objects.filter(result=result).select_related("filed_by", "decided_by")),
        "incidents": list(incidents.select_related("rule", "veto", "bonus").order_by("recorded_at", "pk")),
        "appeal_form": (appeal_form or ReasonForm()) if can_file_appeal(user, result) else None,
        "total": exports.num(result.total),
        "max": exports.num(result.max_points),
        "change": exports.signed(result.total_change),
        "rank_change": exports.signed(result.rank_change),
    }
    return render(request, "assessment/result.html", context, status=status)


@login_required
@require_safe
def result_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    return result_page(request, access_result(signed_in(request), result_id))


@login_or_token_required
@require_safe
def result_xlsx(request: HttpRequest, result_id: int) -> HttpResponse:
    result = access_result(signed_in(request), result_id)
    sections, sources = _breakdown(result)
    data = exports.breakdown_xlsx(result, [ln for s in sections for ln in s.lines], sources)
    name = f"{result.unit.name}{result.assessment.scheme.name}得分明细"
    return download(data, name=name, fallback=f"breakdown-{result.pk}", fmt="xlsx")
