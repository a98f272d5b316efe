"""Incidents, from the assessment page: recorded (with an evidence file), withdrawn with a
reason; and the evidence file downloaded."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.requests import signed_in
from duban.assessment.access import access_evidence, access_managed_assessment
from duban.assessment.actions.incidents import do_record_incident, do_remove_incident
from duban.assessment.errors import AssessmentError
from duban.assessment.forms import IncidentForm, ReasonForm
from duban.assessment.models import Assessment, BonusItem, DeductionRule, Incident, VetoItem
from duban.assessment.views.assessments import assessed_units, assessment_write, whats
from duban.assessment.views.schemes import NOT_FOUND
from duban.downloads import content_disposition
from duban.units.models import Unit

WHATS = {"rule": DeductionRule, "veto": VetoItem, "bonus": BonusItem}


@login_required
@require_POST
def incident_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access_managed_assessment(signed_in(request), assessment_id)
    units, choices = assessed_units(assessment), whats(assessment)
    form = IncidentForm(request.POST, request.FILES, units=units, whats=choices)

    def act(a: Assessment, d: dict[str, Any]) -> str:
        # The form offers only this scheme's rules, vetoes and bonus items ("rule:12") and its
        # assessed units.
        kind, _, pk = d["what"].partition(":")
        what: dict[str, Any] = {kind: WHATS[kind]._default_manager.get(scheme=a.scheme, pk=int(pk))}
        upload = d["evidence"]
        incident = do_record_incident(
            a,
            Unit.objects.get(pk=d["unit"]),
            **what,
            level=d["level"],
            count=d["count"],
            rate=d["rate"],
            note=d["note"],
            evidence=(upload.name, upload.read()) if upload else None,
            acting_user=signed_in(request),
        )
        return f"已登记：{incident}"

    return assessment_write(request, assessment_id, "incident", form, act)


@login_required
@require_POST
def incident_remove(request: HttpRequest, assessment_id: int, incident_id: int) -> HttpResponse:
    user = signed_in(request)
    assessment = access_managed_assessment(user, assessment_id)
    incidents = Incident.objects.select_related("assessment__scheme__plan")
    incident = incidents.filter(assessment=assessment, pk=incident_id).first()
    if incident is None:
        raise Http404(NOT_FOUND)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销理由")
        return redirect("assessment:assessment", assessment.pk)
    try:
        do_remove_incident(incident, form.cleaned_data["reason"], acting_user=user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤销登记事项")
    return redirect("assessment:assessment", assessment.pk)


@login_required
@require_safe
def incident_evidence(request: HttpRequest, assessment_id: int, incident_id: int) -> FileResponse:
    incident = access_evidence(signed_in(request), assessment_id, incident_id)
    try:
        handle = incident.evidence.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在或无权访问") from None
    # Always an attachment, with the type checked at upload: never rendered in the site's origin.
    response = FileResponse(handle, as_attachment=True, filename=incident.evidence_name)
    response["Content-Disposition"] = content_disposition(incident.evidence_name, f"evidence-{incident.pk}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response
