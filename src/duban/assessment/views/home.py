"""The assessment's front page: the schemes and assessments the user may see, with its own
unit's result in each."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from duban.accounts.requests import signed_in
from duban.assessment.access import visible_assessments, visible_results, visible_schemes
from duban.plans.access import can_import


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    schemes = list(visible_schemes(user).select_related("plan", "assessment"))
    assessments = list(visible_assessments(user).select_related("scheme__plan"))
    own = {}
    if user.unit_id:
        own = {r.assessment_id: r for r in visible_results(user).filter(unit_id=user.unit_id)}
    context = {
        "schemes": schemes,
        "can_create": can_import(user),
        "assessments": [(a, own.get(a.pk)) for a in assessments],
    }
    return render(request, "assessment/home.html", context)
