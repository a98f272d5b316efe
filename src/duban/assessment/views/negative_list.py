"""A scheme's negative list (deduction rules, on a page of their own), veto items and bonus
items, from the scheme page: added, changed and removed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from duban.accounts.requests import signed_in
from duban.assessment.access import access_managed_scheme
from duban.assessment.actions.negative_list import (
    do_add_bonus,
    do_add_deduction_rule,
    do_add_veto,
    do_remove_bonus,
    do_remove_deduction_rule,
    do_remove_veto,
    do_update_bonus,
    do_update_deduction_rule,
    do_update_veto,
)
from duban.assessment.errors import AssessmentError
from duban.assessment.forms import BonusForm, RuleForm, VetoForm
from duban.assessment.models import BonusItem, DeductionRule, Scheme, VetoItem
from duban.assessment.views.schemes import scheme_part, scheme_remove, scheme_write

# ─── deduction rules ──────────────────────────────────────────────────────────────────────────


def _rule_page(
    request: HttpRequest,
    scheme: Scheme,
    form: RuleForm,
    rule: DeductionRule | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "scheme": scheme,
        "plan": scheme.plan,
        "form": form,
        "rule": rule,
        "counts": [form[f] for f in RuleForm.COUNT_FIELDS],
        "rates": [form[f] for f in RuleForm.RATE_FIELDS],
    }
    return render(request, "assessment/rule.html", context, status=status)


def _save_rule(scheme: Scheme, rule: DeductionRule | None, d: dict[str, Any], request: HttpRequest) -> str:
    """The posted rule through its action; what was done."""
    if rule is None:
        rule = do_add_deduction_rule(scheme, d["item"], d["rules"], acting_user=signed_in(request))
        return f"已增加负面清单“{rule.item}”"
    do_update_deduction_rule(rule, item=d["item"], rules=d["rules"], acting_user=signed_in(request))
    return f"已修改负面清单“{rule.item}”"


def _rule_form(request: HttpRequest, scheme_id: int, rule_id: int | None) -> HttpResponse:
    """The form of a new rule (rule_id None) or of a rule of the scheme: shown, or saved through
    the action, or shown again with why not (nothing stored)."""
    scheme = access_managed_scheme(signed_in(request), scheme_id)
    rule = None if rule_id is None else scheme_part(scheme, DeductionRule, rule_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    if request.method != "POST":
        initial = None if rule is None else RuleForm.initial_of(rule)
        return _rule_page(request, scheme, RuleForm(initial=initial), rule)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            done = _save_rule(scheme, rule, form.cleaned_data, request)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("assessment:scheme", scheme.pk)
    return _rule_page(request, scheme, form, rule, status=400)


@login_required
def rule_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    return _rule_form(request, scheme_id, None)


@login_required
def rule_edit(request: HttpRequest, scheme_id: int, rule_id: int) -> HttpResponse:
    return _rule_form(request, scheme_id, rule_id)


@login_required
@require_POST
def rule_remove(request: HttpRequest, scheme_id: int, rule_id: int) -> HttpResponse:
    def act(rule: DeductionRule) -> str:
        do_remove_deduction_rule(rule, acting_user=signed_in(request))
        return f"已删除负面清单“{rule.item}”"

    return scheme_remove(request, scheme_id, DeductionRule, rule_id, act)


# ─── veto items ───────────────────────────────────────────────────────────────────────────────


@login_required
@require_POST
def veto_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        veto = do_add_veto(scheme, d["name"], acting_user=signed_in(request))
        return f"已增加一票否决事项“{veto.name}”"

    return scheme_write(request, scheme_id, "veto", VetoForm(request.POST), act)


@login_required
@require_POST
def veto_edit(request: HttpRequest, scheme_id: int, veto_id: int) -> HttpResponse:
    veto = scheme_part(access_managed_scheme(signed_in(request), scheme_id), VetoItem, veto_id)

    def act(_scheme: Scheme, d: dict[str, Any]) -> str:
        do_update_veto(veto, d["name"], acting_user=signed_in(request))
        return f"已修改一票否决事项“{veto.name}”"

    form = VetoForm(request.POST, prefix=f"veto{veto.pk}")
    return scheme_write(request, scheme_id, f"veto{veto.pk}", form, act)


@login_required
@require_POST
def veto_remove(request: HttpRequest, scheme_id: int, veto_id: int) -> HttpResponse:
    def act(veto: VetoItem) -> str:
        do_remove_veto(veto, acting_user=signed_in(request))
        return f"已删除一票否决事项“{veto.name}”"

    return scheme_remove(request, scheme_id, VetoItem, veto_id, act)


# ─── bonus items ──────────────────────────────────────────────────────────────────────────────


@login_required
@require_POST
def bonus_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        bonus = do_add_bonus(scheme, d["name"], d["points"], cap=d["cap"], acting_user=signed_in(request))
        return f"已增加加分项“{bonus.name}”"

    return scheme_write(request, scheme_id, "bonus", BonusForm(request.POST), act)


@login_required
@require_POST
def bonus_edit(request: HttpRequest, scheme_id: int, bonus_id: int) -> HttpResponse:
    bonus = scheme_part(access_managed_scheme(signed_in(request), scheme_id), BonusItem, bonus_id)

    def act(_scheme: Scheme, d: dict[str, Any]) -> str:
        user = signed_in(request)
        do_update_bonus(bonus, name=d["name"], points=d["points"], cap=d["cap"], acting_user=user)
        return f"已修改加分项“{bonus.name}”"

    form = BonusForm(request.POST, prefix=f"bonus{bonus.pk}")
    return scheme_write(request, scheme_id, f"bonus{bonus.pk}", form, act)


@login_required
@require_POST
def bonus_remove(request: HttpRequest, scheme_id: int, bonus_id: int) -> HttpResponse:
    def act(bonus: BonusItem) -> str:
        do_remove_bonus(bonus, acting_user=signed_in(request))
        return f"已删除加分项“{bonus.name}”"

    return scheme_remove(request, scheme_id, BonusItem, bonus_id, act)
