"""Grading an item scored by hand (or by a checklist): a row per unit that scores it itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from duban.accounts.requests import signed_in
from duban.assessment import exports
from duban.assessment.access import access_managed_assessment
from duban.assessment.actions.grades import do_grade_item
from duban.assessment.engine.scorers import direct_scorers
from duban.assessment.errors import AssessmentError
from duban.assessment.forms import GradeForm
from duban.assessment.models import Assessment, ManualGrade, Method, SchemeItem
from duban.units.models import Unit

GRADED = (Method.MANUAL, Method.CHECKLIST)


def _form(item: SchemeItem, unit: Unit, grade: ManualGrade | None) -> GradeForm:
    initial = {
        "unit": unit.pk,
        "score": None if grade is None or grade.score is None else grade.score.normalize(),
        "met": grade.met if grade else [],
        "reason": grade.reason if grade else "",
    }
    return GradeForm(item=item, auto_id=f"u{unit.pk}-%s", initial=initial)


def _grades_page(
    request: HttpRequest,
    assessment: Assessment,
    item: SchemeItem,
    *,
    status: int = 200,
    failed: tuple[int, GradeForm] | None = None,
) -> HttpResponse:
    """A row per unit: its grade and its form (the form refused, shown again with why: `failed`)."""
    units = direct_scorers(assessment.scheme, item, assessment)
    grades = {g.unit_id: g for g in ManualGrade.objects.filter(assessment=assessment, item=item)}
    rows = []
    for unit in Unit.objects.filter(pk__in=units).order_by("name"):
        g = grades.get(unit.pk)
        form = failed[1] if failed is not None and failed[0] == unit.pk else _form(item, unit, g)
        rows.append((unit, g, form))
    context = {
        "a": assessment,
        "scheme": assessment.scheme,
        "item": item,
        "rows": rows,
        "points": exports.num(item.points),
        "items": list(SchemeItem.objects.filter(scheme=assessment.scheme, method__in=GRADED)),
    }
    return render(request, "assessment/grades.html", context, status=status)


def _graded_item(assessment: Assessment, item_id: int) -> SchemeItem:
    try:
        return SchemeItem.objects.get(scheme=assessment.scheme, pk=item_id, method__in=GRADED)
    except SchemeItem.DoesNotExist:
        raise Http404("考核项目不存在或无需人工评分") from None


@login_required
def grades(request: HttpRequest, assessment_id: int, item_id: int) -> HttpResponse:
    user = signed_in(request)
    assessment = access_managed_assessment(user, assessment_id)
    item = _graded_item(assessment, item_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    if request.method != "POST":
        return _grades_page(request, assessment, item)
    form = GradeForm(request.POST, item=item, auto_id=f"u{request.POST.get('unit', '')}-%s")
    if form.is_valid():
        d = form.cleaned_data
        unit = Unit.objects.filter(pk=d["unit"]).first()
        try:
            if unit is None:
                raise AssessmentError("单位不存在")
            do_grade_item(
                assessment, item, unit, score=d["score"], met=d["met"], reason=d["reason"], acting_user=user
            )
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已评分：{unit.name} {item}")
            return redirect("assessment:grades", assessment.pk, item.pk)
    unit_id = form.cleaned_data.get("unit") if hasattr(form, "cleaned_data") else None
    return _grades_page(request, assessment, item, status=400, failed=(unit_id or 0, form))
