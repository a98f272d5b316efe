"""An assessment's page (the ranking, and for the office its incidents and forms), its Excel and
Word copies, and its life: run again, closed, reopened, published."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.assessment import exports, queries
from duban.assessment.access import (
    access_assessment,
    access_managed_assessment,
    access_ranking,
    can_see_ranking,
    is_office,
    visible_results,
)
from duban.assessment.actions.assessments import (
    do_close_assessment,
    do_publish_assessment,
    do_reopen_assessment,
    do_run_assessment,
)
from duban.assessment.errors import AssessmentError
from duban.assessment.forms import IncidentForm, ReasonForm, RunForm
from duban.assessment.models import (
    Assessment,
    AssessmentStatus,
    BonusItem,
    DeductionRule,
    Incident,
    Method,
    Result,
    SchemeItem,
    VetoItem,
)
from duban.downloads import download
from duban.plans.access import can_manage
from duban.tokens.downloads import login_or_token_required


def whats(assessment: Assessment) -> list[tuple[str, Any]]:
    """What an incident may be recorded under, grouped: the negative list, vetoes, bonus items."""
    scheme = assessment.scheme
    rules = [
        (f"rule:{r.pk}", f"{r.item}（{exports.rule_text(r.rules)}）")
        for r in DeductionRule.objects.filter(scheme=scheme)
    ]
    vetoes = [(f"veto:{v.pk}", v.name) for v in VetoItem.objects.filter(scheme=scheme)]
    bonuses = [
        (f"bonus:{b.pk}", f"{b.name}（每项 {exports.num(b.points)} 分）")
        for b in BonusItem.objects.filter(scheme=scheme)
    ]
    groups = (("负面清单", rules), ("一票否决", vetoes), ("加分项", bonuses))
    return [(label, group) for label, group in groups if group]


def assessed_units(assessment: Assessment) -> list[tuple[int, str]]:
    results = Result.objects.filter(assessment=assessment).order_by("unit__name")
    return list(results.values_list("unit_id", "unit__name"))


def _ranking(assessment: Assessment) -> dict[str, Any]:
    rk = exports.ranking(queries.ranking(assessment), assessment.scheme)
    rows = [
        (
            r,
            [exports.num(p) for p in r.sections],
            exports.signed(r.total_change),
            exports.signed(r.result.rank_change),
        )
        for r in rk.rows
    ]
    return {"ranking": rk, "charts": exports.chart_specs(rk), "rows": rows}


def _office(assessment: Assessment) -> dict[str, Any]:
    incidents = Incident.objects.filter(assessment=assessment).select_related("unit", "rule", "veto", "bonus")
    graded = SchemeItem.objects.filter(scheme=assessment.scheme, method__in=(Method.MANUAL, Method.CHECKLIST))
    return {
        "incidents": list(incidents.order_by("unit__name", "recorded_at")),
        "open_appeals": queries.open_appeals(assessment).count(),
        "graded_items": list(graded),
    }


def _manager_forms(assessment: Assessment, forms: dict[str, Any]) -> dict[str, Any]:
    incident_form = forms.get("incident") or IncidentForm(
        units=assessed_units(assessment), whats=whats(assessment)
    )
    return {
        "run_form": forms.get("run") or RunForm(initial={"as_of": assessment.as_of}),
        "reopen_form": forms.get("reopen") or ReasonForm(),
        "incident_form": incident_form,
        "remove_form": ReasonForm(),
    }


def _own(user: User, assessment: Assessment) -> Result | None:
    if not user.unit_id:
        return None
    return visible_results(user).filter(assessment=assessment, unit_id=user.unit_id).first()


def assessment_page(
    request: HttpRequest, assessment: Assessment, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The assessment page; `forms`: forms refused, shown again with why (by their key)."""
    user = signed_in(request)
    office = is_office(user, assessment)
    manager = office and can_manage(user, assessment.scheme.plan)
    context: dict[str, Any] = {
        "a": assessment,
        "scheme": assessment.scheme,
        "office": office,
        "manager": manager,
        "open": assessment.status == AssessmentStatus.OPEN,
        "reopenings": assessment.reopenings,
        "own": _own(user, assessment),
    }
    if office or can_see_ranking(user, assessment):
        context.update(_ranking(assessment))
    if office:
        context.update(_office(assessment))
    if manager:
        context.update(_manager_forms(assessment, forms))
    return render(request, "assessment/assessment.html", context, status=status)


@login_required
@require_safe
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return assessment_page(request, access_assessment(signed_in(request), assessment_id))


@login_or_token_required
@require_safe
def ranking_xlsx(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, results = access_ranking(signed_in(request), assessment_id)
    data = exports.ranking_xlsx(assessment, exports.ranking(results, assessment.scheme))
    name = f"{assessment.scheme.name}排名"
    return download(data, name=name, fallback=f"ranking-{assessment.pk}", fmt="xlsx")


@login_or_token_required
@require_safe
def report_docx(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, results = access_ranking(signed_in(request), assessment_id)
    data = exports.report_docx(assessment, exports.ranking(results, assessment.scheme))
    name = f"{assessment.scheme.name}情况报告"
    return download(data, name=name, fallback=f"assessment-{assessment.pk}", fmt="docx")


def assessment_write(
    request: HttpRequest,
    assessment_id: int,
    form_key: str,
    form: Form,
    act: Callable[[Assessment, dict[str, Any]], str],
) -> HttpResponse:
    """A POST on the assessment page: a valid form through an action, or the page again with why not."""
    assessment = access_managed_assessment(signed_in(request), assessment_id)
    if form.is_valid():
        try:
            done = act(assessment, form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("assessment:assessment", assessment.pk)
    assessment.refresh_from_db()
    return assessment_page(request, assessment, status=400, **{form_key: form})


def _plain_write(request: HttpRequest, assessment_id: int, act: Callable[[Assessment], str]) -> HttpResponse:
    """A POST without a form: done or refused, back on the assessment page with a message."""
    assessment = access_managed_assessment(signed_in(request), assessment_id)
    try:
        messages.success(request, act(assessment))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:assessment", assessment.pk)


@login_required
@require_POST
def assessment_run(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment, d: dict[str, Any]) -> str:
        a = do_run_assessment(a.scheme, d["as_of"], acting_user=signed_in(request))
        return f"已重新计算（数据截至 {a.as_of.isoformat()}）"

    return assessment_write(request, assessment_id, "run", RunForm(request.POST), act)


@login_required
@require_POST
def assessment_close(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment) -> str:
        do_close_assessment(a, acting_user=signed_in(request))
        return "考核已定稿：各单位可查看本单位得分明细并申诉"

    return _plain_write(request, assessment_id, act)


@login_required
@require_POST
def assessment_publish(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment) -> str:
        do_publish_assessment(a, acting_user=signed_in(request))
        return "考核结果已公布：各单位可查看排名"

    return _plain_write(request, assessment_id, act)


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment, d: dict[str, Any]) -> str:
        do_reopen_assessment(a, d["reason"], acting_user=signed_in(request))
        return "考核已重新打开"

    return assessment_write(request, assessment_id, "reopen", ReasonForm(request.POST), act)
