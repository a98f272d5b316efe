"""A scheme's pages: made from a plan, shown with its items and negative list (and, to its
managers, the forms that change them), its settings, activated, run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.assessment import exports, queries
from duban.assessment.access import access_managed_scheme, access_scheme, visible_assessments
from duban.assessment.actions.assessments import do_run_assessment
from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan, do_update_scheme
from duban.assessment.errors import AssessmentError
from duban.assessment.forms import (
    BonusForm,
    ItemForm,
    NewItemForm,
    RunForm,
    SchemeForm,
    SchemeSettingsForm,
    VetoForm,
    bands_text,
)
from duban.assessment.models import (
    Assessment,
    AssessmentStatus,
    BonusItem,
    DeductionRule,
    RankBy,
    Scheme,
    SchemeItem,
    VetoItem,
)
from duban.clock import today
from duban.plans.access import can_import, can_manage, visible_plans

NOT_FOUND = "考核不存在或无权访问"

Part = TypeVar("Part", bound=models.Model)


def _managed_plans(user: User) -> list[tuple[int, str]]:
    # Only administrators and managers get here: an administrator sees every plan and a manager
    # the plans it manages, which are exactly the plans each may make a scheme of.
    plans = visible_plans(user).filter(is_current=True).order_by("-created_at", "-id")
    return list(plans.values_list("pk", "title"))


@login_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not can_import(user):
        raise Http404(NOT_FOUND)
    form = SchemeForm(request.POST or None, plans=_managed_plans(user))
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    if request.method != "POST":
        return render(request, "assessment/scheme_new.html", {"form": form})
    if form.is_valid():
        d = form.cleaned_data
        try:
            scheme = do_create_scheme_from_plan(
                visible_plans(user).get(pk=d["plan"]),
                period_label=d["period_label"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                name=d["name"],
                assessed=d["assessed"],
                include_children=d["include_children"],
                partner_coefficient=d["partner_coefficient"],
                late_fraction=d["late_fraction"],
                bonus_cap=d["bonus_cap"],
                grade_bands=d["grade_bands"],
                lowest_grade=d["lowest_grade"],
                rank_by=d.get("rank_by") or RankBy.RATE,
                acting_user=user,
            )
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已创建考核方案“{scheme.name}”，请核对考核项目后启用")
            return redirect("assessment:scheme", scheme.pk)
    return render(request, "assessment/scheme_new.html", {"form": form}, status=400)


def can_see(user: User, assessment: Assessment) -> bool:
    return visible_assessments(user).filter(pk=assessment.pk).exists()


def _item_rows(items: list[SchemeItem], editable: bool, forms: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            i,
            exports.num(i.max_points),
            exports.num(i.weight),
            exports.num(i.points),
            forms.get(f"item{i.pk}") or ItemForm.of(i) if editable else None,
        )
        for i in items
    ]


def _veto_rows(scheme: Scheme, editable: bool, forms: dict[str, Any]) -> list[tuple[Any, ...]]:
    def form(v: VetoItem) -> VetoForm:
        return forms.get(f"veto{v.pk}") or VetoForm(prefix=f"veto{v.pk}", initial={"name": v.name})

    return [(v, form(v) if editable else None) for v in VetoItem.objects.filter(scheme=scheme)]


def _bonus_rows(scheme: Scheme, editable: bool, forms: dict[str, Any]) -> list[tuple[Any, ...]]:
    def form(b: BonusItem) -> BonusForm:
        initial = {
            "name": b.name,
            "points": b.points.normalize(),
            "cap": None if b.cap is None else b.cap.normalize(),
        }
        return forms.get(f"bonus{b.pk}") or BonusForm(prefix=f"bonus{b.pk}", initial=initial)

    return [
        (b, exports.num(b.points), exports.num(b.cap), form(b) if editable else None)
        for b in BonusItem.objects.filter(scheme=scheme)
    ]


def _settings_form(scheme: Scheme) -> SchemeSettingsForm:
    return SchemeSettingsForm(
        initial={
            "name": scheme.name,
            "period_label": scheme.period_label,
            "period_start": scheme.period_start,
            "period_end": scheme.period_end,
            "assessed": scheme.assessed,
            "partner_coefficient": scheme.partner_coefficient.normalize(),
            "late_fraction": scheme.late_fraction.normalize(),
            "bonus_cap": scheme.bonus_cap,
            "rank_by": scheme.rank_by,
            "grade_bands": bands_text(scheme.grade_bands),
            "lowest_grade": scheme.lowest_grade,
        }
    )


def _edit_forms(scheme: Scheme, forms: dict[str, Any]) -> dict[str, Any]:
    """The forms of a scheme its manager may still change (shown again as posted when refused)."""
    return {
        "settings_form": forms.get("settings") or _settings_form(scheme),
        "veto_form": forms.get("veto") or VetoForm(),
        "new_item_form": forms.get("new_item") or NewItemForm(prefix="new"),
        "bonus_form": forms.get("bonus") or BonusForm(),
        "run_form": forms.get("run") or RunForm(initial={"as_of": min(today(), scheme.period_end)}),
    }


def _errors_to_messages(request: HttpRequest, forms: dict[str, Any]) -> None:
    """A refused write whose form this page no longer shows (the assessment was closed
    meanwhile): its reason goes to the messages instead."""
    for form in forms.values():
        for field, errors in form.errors.items():
            label = "" if field == "__all__" else f"{form.fields[field].label}："
            for error in errors:
                messages.error(request, f"{label}{error}")


def scheme_page(request: HttpRequest, scheme: Scheme, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The scheme page; `forms`: forms refused, shown again with why (by their key)."""
    user = signed_in(request)
    manager = can_manage(user, scheme.plan)
    items = list(SchemeItem.objects.filter(scheme=scheme).select_related("task", "indicator_target"))
    assessment = Assessment.objects.filter(scheme=scheme).first()
    editable = manager and (assessment is None or assessment.status == AssessmentStatus.OPEN)
    context: dict[str, Any] = {
        "scheme": scheme,
        "plan": scheme.plan,
        "summary": queries.scheme_summary(scheme),
        "manager": manager,
        "editable": editable,
        "assessment": assessment if assessment is None or can_see(user, assessment) else None,
        "items": _item_rows(items, editable, forms),
        "rules": [(r, exports.rule_text(r.rules)) for r in DeductionRule.objects.filter(scheme=scheme)],
        "vetoes": _veto_rows(scheme, editable, forms),
        "bonuses": _bonus_rows(scheme, editable, forms),
        "bands": scheme.grade_bands,
        "partner": exports.num(scheme.partner_coefficient),
        "late": exports.num(scheme.late_fraction),
        "bonus_cap": exports.num(scheme.bonus_cap),
    }
    if editable:
        context.update(_edit_forms(scheme, forms))
    else:
        _errors_to_messages(request, forms)
    return render(request, "assessment/scheme.html", context, status=status)


@login_required
@require_safe
def scheme_detail(request: HttpRequest, scheme_id: int) -> HttpResponse:
    return scheme_page(request, access_scheme(signed_in(request), scheme_id))


def scheme_write(
    request: HttpRequest,
    scheme_id: int,
    form_key: str,
    form: Form,
    act: Callable[[Scheme, dict[str, Any]], str],
) -> HttpResponse:
    """A POST on the scheme page: a valid form through an action, or the page again with why not."""
    scheme = access_managed_scheme(signed_in(request), scheme_id)
    if form.is_valid():
        try:
            done = act(scheme, form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("assessment:scheme", scheme.pk)
    return scheme_page(request, scheme, status=400, **{form_key: form})


def scheme_part(scheme: Scheme, model: type[Part], pk: int) -> Part:
    """A rule, veto, bonus or item of this scheme (404 for another scheme's)."""
    try:
        return model._default_manager.select_related("scheme__plan").get(scheme=scheme, pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404(NOT_FOUND) from None


def scheme_remove(
    request: HttpRequest, scheme_id: int, model: type[Part], pk: int, act: Callable[[Part], str]
) -> HttpResponse:
    """A removal from the scheme page: done or refused, back on the scheme page with a message
    saying which (and why not)."""
    scheme = access_managed_scheme(signed_in(request), scheme_id)
    part = scheme_part(scheme, model, pk)
    try:
        messages.success(request, act(part))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:scheme", scheme.pk)


@login_required
@require_POST
def scheme_settings(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        do_update_scheme(scheme, acting_user=signed_in(request), **d)
        return "已保存考核方案设置"

    return scheme_write(request, scheme_id, "settings", SchemeSettingsForm(request.POST), act)


@login_required
@require_POST
def scheme_activate(request: HttpRequest, scheme_id: int) -> HttpResponse:
    user = signed_in(request)
    scheme = access_managed_scheme(user, scheme_id)
    try:
        do_activate_scheme(scheme, acting_user=user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"考核方案“{scheme.name}”已启用")
    return redirect("assessment:scheme", scheme.pk)


@login_required
@require_POST
def scheme_run(request: HttpRequest, scheme_id: int) -> HttpResponse:
    user = signed_in(request)
    scheme = access_managed_scheme(user, scheme_id)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            a = do_run_assessment(scheme, form.cleaned_data["as_of"], acting_user=user)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            units = a.results.count()
            messages.success(request, f"已计算考核结果（{units} 个单位，数据截至 {a.as_of.isoformat()}）")
            return redirect("assessment:assessment", a.pk)
    return scheme_page(request, scheme, status=400, run=form)
