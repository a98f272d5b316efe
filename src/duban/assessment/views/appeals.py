"""Appeals: filed by a unit's reporter from its result's page; listed and decided by the office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.requests import signed_in
from duban.assessment.access import (
    access_appeal,
    access_assessment,
    access_result,
    can_decide_appeal,
    is_office,
    visible_appeals,
)
from duban.assessment.actions.appeals import do_decide_appeal, do_file_appeal
from duban.assessment.errors import AssessmentError
from duban.assessment.forms import DecideForm, ReasonForm
from duban.assessment.models import AppealStatus, Assessment
from duban.assessment.views.results import result_page
from duban.assessment.views.schemes import NOT_FOUND
from duban.plans.access import can_manage


@login_required
@require_POST
def appeal_file(request: HttpRequest, result_id: int) -> HttpResponse:
    user = signed_in(request)
    result = access_result(user, result_id)
    if not (user.is_reporter and user.unit_id == result.unit_id):
        raise Http404("考核结果不存在或无权访问")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            do_file_appeal(result, form.cleaned_data["reason"], acting_user=user)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "申诉已提交，请等待考核办处理")
            return redirect("assessment:result", result.pk)
    return result_page(request, result, status=400, appeal_form=form)


def _appeals_page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    status: int = 200,
    failed: tuple[int, DecideForm] | None = None,
) -> HttpResponse:
    """The assessment's appeals, each with its decision form (the form refused, shown again with
    why: `failed`)."""
    user = signed_in(request)
    visible = visible_appeals(user).filter(result__assessment=assessment)
    appeals = list(visible.select_related("result__unit", "filed_by", "decided_by"))
    # Asked once, and only when an appeal is still to be decided.
    manager = any(ap.status == AppealStatus.FILED for ap in appeals) and can_manage(
        user, assessment.scheme.plan
    )
    rows = [
        (
            ap,
            ap.status == AppealStatus.FILED and manager,
            failed[1] if failed and failed[0] == ap.pk else DecideForm(prefix=f"ap{ap.pk}"),
        )
        for ap in appeals
    ]
    context = {"a": assessment, "scheme": assessment.scheme, "rows": rows}
    return render(request, "assessment/appeals.html", context, status=status)


@login_required
@require_safe
def appeal_list(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = signed_in(request)
    assessment = access_assessment(user, assessment_id)
    if not is_office(user, assessment):
        raise Http404(NOT_FOUND)
    return _appeals_page(request, assessment)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user = signed_in(request)
    appeal = access_appeal(user, appeal_id)
    assessment = appeal.result.assessment
    if not can_manage(user, assessment.scheme.plan):
        raise Http404("申诉不存在或无权访问")
    form = DecideForm(request.POST, prefix=f"ap{appeal.pk}")
    if form.is_valid() and can_decide_appeal(user, appeal):
        d = form.cleaned_data
        try:
            decided = do_decide_appeal(
                appeal, accept=d["decision"] == "accept", reason=d["reason"], acting_user=user
            )
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            # The status reads "已采纳" or "已驳回" already.
            messages.success(request, f"{decided.get_status_display()}{decided.result.unit.name}的申诉")
            return redirect("assessment:appeals", assessment.pk)
    elif form.is_valid():
        form.add_error(None, f"该申诉{appeal.get_status_display()}")
    return _appeals_page(request, assessment, status=400, failed=(appeal.pk, form))
