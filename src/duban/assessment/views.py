"""Assessment pages. Reads go through access.py (404 for missing and forbidden alike), writes
through actions.py, and what a page or an export computes through queries.py and exports.py:
these views only gather what a page shows.

A write by someone without the right gets the same 404 as a missing object; a write the right
person may not make in the record's present state (an assessment already closed, say) gets the
action's own message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.models import User
from duban.assessment import exports, queries
from duban.assessment.access import (
    access_appeal,
    access_assessment,
    access_evidence,
    access_managed_assessment,
    access_managed_scheme,
    access_ranking,
    access_result,
    access_scheme,
    can_decide_appeal,
    can_file_appeal,
    can_see_ranking,
    is_office,
    visible_appeals,
    visible_assessments,
    visible_results,
    visible_schemes,
)
from duban.assessment.actions import (
    AssessmentError,
    do_activate_scheme,
    do_add_bonus,
    do_add_deduction_rule,
    do_add_item,
    do_add_veto,
    do_close_assessment,
    do_create_scheme_from_plan,
    do_decide_appeal,
    do_file_appeal,
    do_grade_item,
    do_publish_assessment,
    do_record_incident,
    do_remove_incident,
    do_remove_item,
    do_reopen_assessment,
    do_run_assessment,
    do_update_item,
    do_update_scheme,
)
from duban.assessment.engine import direct_scorers
from duban.assessment.forms import (
    BonusForm,
    DecideForm,
    GradeForm,
    IncidentForm,
    ItemForm,
    NewItemForm,
    ReasonForm,
    RuleForm,
    RunForm,
    SchemeForm,
    SchemeSettingsForm,
    VetoForm,
    bands_text,
)
from duban.assessment.models import (
    Appeal,
    AppealStatus,
    Assessment,
    AssessmentStatus,
    BonusItem,
    DeductionRule,
    Incident,
    ManualGrade,
    Method,
    Result,
    Scheme,
    SchemeItem,
    VetoItem,
)
from duban.assessment.negative_list import (
    check_rules,
    do_remove_bonus,
    do_remove_deduction_rule,
    do_remove_veto,
    do_update_bonus,
    do_update_deduction_rule,
    do_update_veto,
)
from duban.assessment.scoring import Rule
from duban.clock import today
from duban.downloads import content_disposition, download
from duban.plans.access import can_import, can_manage, visible_plans
from duban.units.models import Unit

NOT_FOUND = "考核不存在或无权访问"


def _user(request: HttpRequest) -> User:
    # Every view here is behind login_required.
    return cast(User, request.user)


def rule_text(rules: list[dict[str, Any]]) -> str:
    """A negative-list item's rules in words: "特别重大 −30 分/件；重大 −10 分/件", "＞0.6 扣 20 分，每增加 0.1
    再扣 10 分，最多扣 50 分"."""
    out = []
    for raw in rules:
        r = Rule.from_dict(raw)
        if r.threshold:
            text = f"{r.threshold} 扣 {exports.num(-r.points)} 分"
            if r.step and r.step_points:
                text += f"，每增加 {exports.num(r.step)} 再扣 {exports.num(-r.step_points)} 分"
            if r.cap is not None:
                text += f"，最多扣 {exports.num(-r.cap)} 分"
        else:
            text = f"{r.level or ''} {exports.num(r.points)} 分/{r.per or '件'}".strip()
        out.append(text)
    return "；".join(out)


# ─── the list ─────────────────────────────────────────────────────────────────────────────────


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    schemes = list(visible_schemes(user).select_related("plan", "assessment"))
    assessments = list(visible_assessments(user).select_related("scheme__plan"))
    own = (
        {r.assessment_id: r for r in visible_results(user).filter(unit_id=user.unit_id)}
        if user.unit_id
        else {}
    )
    return render(
        request,
        "assessment/home.html",
        {
            "schemes": schemes,
            "can_create": can_import(user),
            "assessments": [(a, own.get(a.pk)) for a in assessments],
        },
    )


# ─── schemes ──────────────────────────────────────────────────────────────────────────────────


def _managed_plans(user: User) -> list[tuple[int, str]]:
    # Only administrators and managers get here: an administrator sees every plan and a manager
    # the plans it manages, which are exactly the plans each may make a scheme of.
    plans = visible_plans(user).filter(is_current=True).order_by("-created_at", "-id")
    return list(plans.values_list("pk", "title"))


@login_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_import(user):
        raise Http404(NOT_FOUND)
    plans = _managed_plans(user)
    form = SchemeForm(request.POST or None, plans=plans)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                plan = visible_plans(user).get(pk=d["plan"])
                with transaction.atomic():
                    scheme = do_create_scheme_from_plan(
                        plan, period_label=d["period_label"], period_start=d["period_start"],
                        period_end=d["period_end"], name=d["name"], assessed=d["assessed"],
                        include_children=d["include_children"], partner_coefficient=d["partner_coefficient"],
                        late_fraction=d["late_fraction"], bonus_cap=d["bonus_cap"], acting_user=user,
                    )  # fmt: skip
                    do_update_scheme(scheme, grade_bands=d["grade_bands"], lowest_grade=d["lowest_grade"],
                                     acting_user=user)  # fmt: skip
            except AssessmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已创建考核方案“{scheme.name}”，请核对考核项目后启用")
                return redirect("assessment:scheme", scheme.pk)
        status = 400
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(request, "assessment/scheme_new.html", {"form": form}, status=status)


def _scheme_page(request: HttpRequest, scheme: Scheme, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    manager = can_manage(user, scheme.plan)
    items = list(SchemeItem.objects.filter(scheme=scheme).select_related("task", "indicator_target"))
    assessment = Assessment.objects.filter(scheme=scheme).first()
    editable = manager and (assessment is None or assessment.status == AssessmentStatus.OPEN)
    context: dict[str, Any] = {
        "scheme": scheme, "plan": scheme.plan, "summary": queries.scheme_summary(scheme), "manager": manager,
        "editable": editable, "assessment": assessment if assessment is None or can_see(user, assessment) else None,
        "items": [(i, exports.num(i.max_points), exports.num(i.weight), exports.num(i.points),
                   forms.get(f"item{i.pk}") or ItemForm.of(i) if editable else None) for i in items],
        "rules": [(r, rule_text(r.rules)) for r in DeductionRule.objects.filter(scheme=scheme)],
        "vetoes": [(v, (forms.get(f"veto{v.pk}") or VetoForm(prefix=f"veto{v.pk}", initial={"name": v.name}))
                    if editable else None) for v in VetoItem.objects.filter(scheme=scheme)],
        "bonuses": [(b, exports.num(b.points), exports.num(b.cap),
                     (forms.get(f"bonus{b.pk}") or BonusForm(prefix=f"bonus{b.pk}", initial={
                         "name": b.name, "points": b.points.normalize(),
                         "cap": None if b.cap is None else b.cap.normalize()})) if editable else None)
                    for b in BonusItem.objects.filter(scheme=scheme)],
        "bands": scheme.grade_bands, "partner": exports.num(scheme.partner_coefficient),
        "late": exports.num(scheme.late_fraction), "bonus_cap": exports.num(scheme.bonus_cap),
    }  # fmt: skip
    if not editable:
        # A refused write whose form this page no longer shows (the assessment was closed meanwhile):
        # its reason goes to the messages instead.
        for form in forms.values():
            for field, errors in form.errors.items():
                label = "" if field == "__all__" else f"{form.fields[field].label}："
                for error in errors:
                    messages.error(request, f"{label}{error}")
    if editable:
        context.update({
            "settings_form": forms.get("settings") or SchemeSettingsForm(initial={
                "name": scheme.name, "period_label": scheme.period_label, "period_start": scheme.period_start,
                "period_end": scheme.period_end, "assessed": scheme.assessed,
                "partner_coefficient": scheme.partner_coefficient.normalize(),
                "late_fraction": scheme.late_fraction.normalize(), "bonus_cap": scheme.bonus_cap,
                "grade_bands": bands_text(scheme.grade_bands), "lowest_grade": scheme.lowest_grade}),
            "veto_form": forms.get("veto") or VetoForm(),
            "new_item_form": forms.get("new_item") or NewItemForm(prefix="new"),
            "bonus_form": forms.get("bonus") or BonusForm(),
            "run_form": forms.get("run") or RunForm(initial={"as_of": min(today(), scheme.period_end)}),
        })  # fmt: skip
    return render(request, "assessment/scheme.html", context, status=status)


def can_see(user: User, assessment: Assessment) -> bool:
    return visible_assessments(user).filter(pk=assessment.pk).exists()


@login_required
@require_safe
def scheme_detail(request: HttpRequest, scheme_id: int) -> HttpResponse:
    return _scheme_page(request, access_scheme(_user(request), scheme_id))


def _scheme_write(
    request: HttpRequest,
    scheme_id: int,
    form_key: str,
    form: Any,
    act: Callable[[Scheme, dict[str, Any]], str],
) -> HttpResponse:
    """A POST on the scheme page: a valid form through an action, or the page again with why not."""
    scheme = access_managed_scheme(_user(request), scheme_id)
    if form.is_valid():
        try:
            done = act(scheme, form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("assessment:scheme", scheme.pk)
    return _scheme_page(request, scheme, status=400, **{form_key: form})


@login_required
@require_POST
def scheme_settings(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        do_update_scheme(scheme, acting_user=_user(request), **d)
        return "已保存考核方案设置"

    return _scheme_write(request, scheme_id, "settings", SchemeSettingsForm(request.POST), act)


@login_required
@require_POST
def item_edit(request: HttpRequest, scheme_id: int, item_id: int) -> HttpResponse:
    scheme = access_managed_scheme(_user(request), scheme_id)
    try:
        item = SchemeItem.objects.get(scheme=scheme, pk=item_id)
    except SchemeItem.DoesNotExist:
        raise Http404(NOT_FOUND) from None

    def act(_scheme: Scheme, d: dict[str, Any]) -> str:
        changes = {k: d[k] for k in ("method", "max_points", "weight")}
        if d["method"] == Method.CHECKLIST or d["criteria"]:
            changes["criteria"] = d["criteria"]
        do_update_item(item, acting_user=_user(request), **changes)
        return f"已修改考核项目“{item}”"

    return _scheme_write(
        request, scheme_id, f"item{item.pk}", ItemForm(request.POST, prefix=f"item{item.pk}"), act
    )


@login_required
@require_POST
def veto_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        veto = do_add_veto(scheme, d["name"], acting_user=_user(request))
        return f"已增加一票否决事项“{veto.name}”"

    return _scheme_write(request, scheme_id, "veto", VetoForm(request.POST), act)


@login_required
@require_POST
def bonus_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        bonus = do_add_bonus(scheme, d["name"], d["points"], cap=d["cap"], acting_user=_user(request))
        return f"已增加加分项“{bonus.name}”"

    return _scheme_write(request, scheme_id, "bonus", BonusForm(request.POST), act)


def _scheme_part(scheme: Scheme, model: Any, pk: int) -> Any:
    """A rule, veto, bonus or item of this scheme (404 for another scheme's)."""
    try:
        return model.objects.select_related("scheme__plan").get(scheme=scheme, pk=pk)
    except model.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _scheme_remove(request: HttpRequest, scheme_id: int, model: Any, pk: int,
                   act: Callable[[Any], str]) -> HttpResponse:  # fmt: skip
    """A removal from the scheme page: done or refused, back on the scheme page with a message
    saying which (and why not)."""
    scheme = access_managed_scheme(_user(request), scheme_id)
    part = _scheme_part(scheme, model, pk)
    try:
        messages.success(request, act(part))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:scheme", scheme.pk)


@login_required
@require_POST
def veto_edit(request: HttpRequest, scheme_id: int, veto_id: int) -> HttpResponse:
    veto = _scheme_part(access_managed_scheme(_user(request), scheme_id), VetoItem, veto_id)

    def act(_scheme: Scheme, d: dict[str, Any]) -> str:
        do_update_veto(veto, d["name"], acting_user=_user(request))
        return f"已修改一票否决事项“{veto.name}”"

    return _scheme_write(
        request, scheme_id, f"veto{veto.pk}", VetoForm(request.POST, prefix=f"veto{veto.pk}"), act
    )


@login_required
@require_POST
def veto_remove(request: HttpRequest, scheme_id: int, veto_id: int) -> HttpResponse:
    def act(veto: VetoItem) -> str:
        do_remove_veto(veto, acting_user=_user(request))
        return f"已删除一票否决事项“{veto.name}”"

    return _scheme_remove(request, scheme_id, VetoItem, veto_id, act)


@login_required
@require_POST
def bonus_edit(request: HttpRequest, scheme_id: int, bonus_id: int) -> HttpResponse:
    bonus = _scheme_part(access_managed_scheme(_user(request), scheme_id), BonusItem, bonus_id)

    def act(_scheme: Scheme, d: dict[str, Any]) -> str:
        do_update_bonus(bonus, name=d["name"], points=d["points"], cap=d["cap"], acting_user=_user(request))
        return f"已修改加分项“{bonus.name}”"

    form = BonusForm(request.POST, prefix=f"bonus{bonus.pk}")
    return _scheme_write(request, scheme_id, f"bonus{bonus.pk}", form, act)


@login_required
@require_POST
def bonus_remove(request: HttpRequest, scheme_id: int, bonus_id: int) -> HttpResponse:
    def act(bonus: BonusItem) -> str:
        do_remove_bonus(bonus, acting_user=_user(request))
        return f"已删除加分项“{bonus.name}”"

    return _scheme_remove(request, scheme_id, BonusItem, bonus_id, act)


@login_required
@require_POST
def item_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    def act(scheme: Scheme, d: dict[str, Any]) -> str:
        item = do_add_item(scheme, name=d["name"], max_points=d["max_points"], section=d["section"],
                           method=d["method"], criteria=d["criteria"], acting_user=_user(request))  # fmt: skip
        return f"已增加考核项目“{item.name}”"

    return _scheme_write(request, scheme_id, "new_item", NewItemForm(request.POST, prefix="new"), act)


@login_required
@require_POST
def item_remove(request: HttpRequest, scheme_id: int, item_id: int) -> HttpResponse:
    scheme = access_managed_scheme(_user(request), scheme_id)
    # Only the scheme's own items: an item made from a task is the plan's, and stays with its task.
    if not SchemeItem.objects.filter(scheme=scheme, pk=item_id, task__isnull=True).exists():
        raise Http404(NOT_FOUND)

    def act(item: SchemeItem) -> str:
        do_remove_item(item, acting_user=_user(request))
        return f"已删除考核项目“{item.name}”"

    return _scheme_remove(request, scheme_id, SchemeItem, item_id, act)


# ─── the negative list ────────────────────────────────────────────────────────────────────────


def _rule_page(request: HttpRequest, scheme: Scheme, form: RuleForm, rule: DeductionRule | None = None, *,
               status: int = 200) -> HttpResponse:  # fmt: skip
    return render(request, "assessment/rule.html", {
        "scheme": scheme, "plan": scheme.plan, "form": form, "rule": rule,
        "counts": [form[f] for f in RuleForm.COUNT_FIELDS], "rates": [form[f] for f in RuleForm.RATE_FIELDS],
    }, status=status)  # fmt: skip


def _rule_form(request: HttpRequest, scheme_id: int, rule_id: int | None) -> HttpResponse:
    """The form of a new rule (rule_id None) or of a rule of the scheme: shown, or saved through
    the action, or shown again with why not (nothing stored)."""
    user = _user(request)
    scheme = access_managed_scheme(user, scheme_id)
    rule = None if rule_id is None else _scheme_part(scheme, DeductionRule, rule_id)
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if rule is None:
                    rule = do_add_deduction_rule(scheme, d["item"], check_rules(d["item"], d["rules"]),
                                                 acting_user=user)  # fmt: skip
                    done = f"已增加负面清单“{rule.item}”"
                else:
                    do_update_deduction_rule(rule, item=d["item"], rules=d["rules"], acting_user=user)
                    done = f"已修改负面清单“{rule.item}”"
            except AssessmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, done)
                return redirect("assessment:scheme", scheme.pk)
        return _rule_page(request, scheme, form, rule, status=400)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return _rule_page(
        request, scheme, RuleForm(initial=None if rule is None else RuleForm.initial_of(rule)), rule
    )


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
        do_remove_deduction_rule(rule, acting_user=_user(request))
        return f"已删除负面清单“{rule.item}”"

    return _scheme_remove(request, scheme_id, DeductionRule, rule_id, act)


@login_required
@require_POST
def scheme_activate(request: HttpRequest, scheme_id: int) -> HttpResponse:
    scheme = access_managed_scheme(_user(request), scheme_id)
    try:
        do_activate_scheme(scheme, acting_user=_user(request))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"考核方案“{scheme.name}”已启用")
    return redirect("assessment:scheme", scheme.pk)


@login_required
@require_POST
def scheme_run(request: HttpRequest, scheme_id: int) -> HttpResponse:
    user = _user(request)
    scheme = access_managed_scheme(user, scheme_id)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            a = do_run_assessment(scheme, form.cleaned_data["as_of"], acting_user=user)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已计算考核结果（{a.results.count()} 个单位，数据截至 {a.as_of.isoformat()}）"
            )
            return redirect("assessment:assessment", a.pk)
    return _scheme_page(request, scheme, status=400, run=form)


# ─── an assessment ────────────────────────────────────────────────────────────────────────────


def _whats(assessment: Assessment) -> list[tuple[str, Any]]:
    scheme = assessment.scheme
    rules = [
        (f"rule:{r.pk}", f"{r.item}（{rule_text(r.rules)}）")
        for r in DeductionRule.objects.filter(scheme=scheme)
    ]
    vetoes = [(f"veto:{v.pk}", v.name) for v in VetoItem.objects.filter(scheme=scheme)]
    bonuses = [(f"bonus:{b.pk}", f"{b.name}（每项 {exports.num(b.points)} 分）")
               for b in BonusItem.objects.filter(scheme=scheme)]  # fmt: skip
    return [
        (label, group)
        for label, group in (("负面清单", rules), ("一票否决", vetoes), ("加分项", bonuses))
        if group
    ]


def _assessed_units(assessment: Assessment) -> list[tuple[int, str]]:
    return list(
        Result.objects.filter(assessment=assessment)
        .order_by("unit__name")
        .values_list("unit_id", "unit__name")
    )


def _assessment_page(request: HttpRequest, assessment: Assessment, *, status: int = 200,
                     **forms: Any) -> HttpResponse:  # fmt: skip
    user = _user(request)
    office = is_office(user, assessment)
    manager = office and can_manage(user, assessment.scheme.plan)
    context: dict[str, Any] = {
        "a": assessment, "scheme": assessment.scheme, "office": office, "manager": manager,
        "open": assessment.status == AssessmentStatus.OPEN, "reopenings": assessment.reopenings,
        "own": visible_results(user).filter(assessment=assessment, unit_id=user.unit_id).first()
        if user.unit_id else None,
    }  # fmt: skip
    if office or can_see_ranking(user, assessment):
        rk = exports.ranking(queries.ranking(assessment))
        context.update({"ranking": rk, "charts": exports.chart_specs(rk),
                        "rows": [(r, [exports.num(p) for p in r.sections], exports.signed(r.total_change),
                                  exports.signed(r.result.rank_change)) for r in rk.rows]})  # fmt: skip
    if office:
        context.update({
            "incidents": list(Incident.objects.filter(assessment=assessment)
                              .select_related("unit", "rule", "veto", "bonus").order_by("unit__name", "recorded_at")),
            "open_appeals": queries.open_appeals(assessment).count(),
            "graded_items": list(SchemeItem.objects.filter(scheme=assessment.scheme,
                                                           method__in=(Method.MANUAL, Method.CHECKLIST))),
        })  # fmt: skip
    if manager:
        context.update({
            "run_form": forms.get("run") or RunForm(initial={"as_of": assessment.as_of}),
            "reopen_form": forms.get("reopen") or ReasonForm(),
            "incident_form": forms.get("incident") or IncidentForm(units=_assessed_units(assessment),
                                                                   whats=_whats(assessment)),
            "remove_form": ReasonForm(),
        })  # fmt: skip
    return render(request, "assessment/assessment.html", context, status=status)


@login_required
@require_safe
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _assessment_page(request, access_assessment(_user(request), assessment_id))


@login_required
@require_safe
def ranking_xlsx(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, results = access_ranking(_user(request), assessment_id)
    data = exports.ranking_xlsx(assessment, exports.ranking(results))
    return download(
        data, name=f"{assessment.scheme.name}排名", fallback=f"ranking-{assessment.pk}", fmt="xlsx"
    )


@login_required
@require_safe
def report_docx(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment, results = access_ranking(_user(request), assessment_id)
    data = exports.report_docx(assessment, exports.ranking(results))
    return download(
        data, name=f"{assessment.scheme.name}情况报告", fallback=f"assessment-{assessment.pk}", fmt="docx"
    )


def _assessment_write(
    request: HttpRequest, assessment_id: int, form_key: str, form: Any,
    act: Callable[[Assessment, dict[str, Any]], str],
) -> HttpResponse:  # fmt: skip
    assessment = access_managed_assessment(_user(request), assessment_id)
    if form.is_valid():
        try:
            done = act(assessment, form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("assessment:assessment", assessment.pk)
    assessment.refresh_from_db()
    return _assessment_page(request, assessment, status=400, **{form_key: form})


def _plain_write(request: HttpRequest, assessment_id: int, act: Callable[[Assessment], str]) -> HttpResponse:
    assessment = access_managed_assessment(_user(request), assessment_id)
    try:
        messages.success(request, act(assessment))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:assessment", assessment.pk)


@login_required
@require_POST
def assessment_run(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment, d: dict[str, Any]) -> str:
        a = do_run_assessment(a.scheme, d["as_of"], acting_user=_user(request))
        return f"已重新计算（数据截至 {a.as_of.isoformat()}）"

    return _assessment_write(request, assessment_id, "run", RunForm(request.POST), act)


@login_required
@require_POST
def assessment_close(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment) -> str:
        do_close_assessment(a, acting_user=_user(request))
        return "考核已定稿：各单位可查看本单位得分明细并申诉"

    return _plain_write(request, assessment_id, act)


@login_required
@require_POST
def assessment_publish(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment) -> str:
        do_publish_assessment(a, acting_user=_user(request))
        return "考核结果已公布：各单位可查看排名"

    return _plain_write(request, assessment_id, act)


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def act(a: Assessment, d: dict[str, Any]) -> str:
        do_reopen_assessment(a, d["reason"], acting_user=_user(request))
        return "考核已重新打开"

    return _assessment_write(request, assessment_id, "reopen", ReasonForm(request.POST), act)


@login_required
@require_POST
def incident_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access_managed_assessment(_user(request), assessment_id)
    form = IncidentForm(
        request.POST, request.FILES, units=_assessed_units(assessment), whats=_whats(assessment)
    )

    def act(a: Assessment, d: dict[str, Any]) -> str:
        kind, _, pk = d["what"].partition(":")
        model = {"rule": DeductionRule, "veto": VetoItem, "bonus": BonusItem}[kind]
        what = model.objects.get(scheme=a.scheme, pk=int(pk))  # type: ignore[attr-defined]
        upload = d["evidence"]
        evidence = (upload.name, upload.read()) if upload else None
        incident = do_record_incident(
            a, Unit.objects.get(pk=d["unit"]), **{kind: what}, level=d["level"], count=d["count"], rate=d["rate"],
            note=d["note"], evidence=evidence, acting_user=_user(request),
        )  # fmt: skip
        return f"已登记：{incident}"

    return _assessment_write(request, assessment_id, "incident", form, act)


@login_required
@require_POST
def incident_remove(request: HttpRequest, assessment_id: int, incident_id: int) -> HttpResponse:
    assessment = access_managed_assessment(_user(request), assessment_id)
    try:
        incident = Incident.objects.select_related("assessment__scheme__plan").get(assessment=assessment,
                                                                                   pk=incident_id)  # fmt: skip
    except Incident.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销理由")
        return redirect("assessment:assessment", assessment.pk)
    try:
        do_remove_incident(incident, form.cleaned_data["reason"], acting_user=_user(request))
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤销登记事项")
    return redirect("assessment:assessment", assessment.pk)


@login_required
@require_safe
def incident_evidence(request: HttpRequest, assessment_id: int, incident_id: int) -> FileResponse:
    incident = access_evidence(_user(request), assessment_id, incident_id)
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


# ─── grades ───────────────────────────────────────────────────────────────────────────────────


def _grades_page(request: HttpRequest, assessment: Assessment, item: SchemeItem, *, status: int = 200,
                 failed: tuple[int, GradeForm] | None = None) -> HttpResponse:  # fmt: skip
    units = direct_scorers(assessment.scheme, item, assessment)
    grades = {g.unit_id: g for g in ManualGrade.objects.filter(assessment=assessment, item=item)}
    rows = []
    for unit in Unit.objects.filter(pk__in=units).order_by("name"):
        g = grades.get(unit.pk)
        form = failed[1] if failed is not None and failed[0] == unit.pk else GradeForm(
            item=item, auto_id=f"u{unit.pk}-%s", initial={
                "unit": unit.pk, "score": None if g is None or g.score is None else g.score.normalize(),
                "met": g.met if g else [], "reason": g.reason if g else ""})  # fmt: skip
        rows.append((unit, g, form))
    return render(request, "assessment/grades.html", {
        "a": assessment, "scheme": assessment.scheme, "item": item, "rows": rows, "points": exports.num(item.points),
        "items": list(SchemeItem.objects.filter(scheme=assessment.scheme, method__in=(Method.MANUAL, Method.CHECKLIST))),
    }, status=status)  # fmt: skip


def _graded_item(assessment: Assessment, item_id: int) -> SchemeItem:
    try:
        return SchemeItem.objects.get(scheme=assessment.scheme, pk=item_id,
                                      method__in=(Method.MANUAL, Method.CHECKLIST))  # fmt: skip
    except SchemeItem.DoesNotExist:
        raise Http404("考核项目不存在或无需人工评分") from None


@login_required
def grades(request: HttpRequest, assessment_id: int, item_id: int) -> HttpResponse:
    user = _user(request)
    assessment = access_managed_assessment(user, assessment_id)
    item = _graded_item(assessment, item_id)
    if request.method == "POST":
        form = GradeForm(request.POST, item=item, auto_id=f"u{request.POST.get('unit', '')}-%s")
        if form.is_valid():
            d = form.cleaned_data
            unit = Unit.objects.filter(pk=d["unit"]).first()
            try:
                if unit is None:
                    raise AssessmentError("单位不存在")
                do_grade_item(assessment, item, unit, score=d["score"], met=d["met"], reason=d["reason"],
                              acting_user=user)  # fmt: skip
            except AssessmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已评分：{unit.name} {item}")
                return redirect("assessment:grades", assessment.pk, item.pk)
        unit_id = form.cleaned_data.get("unit") if hasattr(form, "cleaned_data") else None
        return _grades_page(request, assessment, item, status=400, failed=(unit_id or 0, form))
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return _grades_page(request, assessment, item)


# ─── a unit's result ──────────────────────────────────────────────────────────────────────────


def _breakdown(result: Result) -> tuple[list[queries.Section], list[str]]:
    """The unit's lines by section, and where each line's points come from (in line order)."""
    sections = queries.breakdown(result)
    scheme_id = result.assessment.scheme_id
    item_names = dict(SchemeItem.objects.filter(scheme_id=scheme_id).values_list("pk", "name"))
    rule_names = dict(DeductionRule.objects.filter(scheme_id=scheme_id).values_list("pk", "item"))
    return sections, [exports.source_text(ln, item_names, rule_names) for s in sections for ln in s.lines]


def _result_page(request: HttpRequest, result: Result, *, status: int = 200,
                 appeal_form: ReasonForm | None = None) -> HttpResponse:  # fmt: skip
    user = _user(request)
    sections, sources = _breakdown(result)
    it = iter(sources)
    shown = [(s, exports.num(s.points), exports.num(s.max_points),
              [(ln, exports.num(ln.points), exports.num(ln.max_points), next(it)) for ln in s.lines])
             for s in sections]  # fmt: skip
    return render(request, "assessment/result.html", {
        "r": result, "a": result.assessment, "scheme": result.assessment.scheme, "sections": shown,
        "charts": exports.unit_chart(result), "office": is_office(user, result.assessment),
        "ranking_visible": can_see_ranking(user, result.assessment),
        "appeals": list(Appeal.objects.filter(result=result).select_related("filed_by", "decided_by")),
        # What was recorded against the unit, with the evidence files (access_evidence lets whoever
        # reads this breakdown download them).
        "incidents": list(Incident.objects.filter(assessment=result.assessment, unit_id=result.unit_id)
                          .select_related("rule", "veto", "bonus").order_by("recorded_at", "pk")),
        "appeal_form": (appeal_form or ReasonForm()) if can_file_appeal(user, result) else None,
        "total": exports.num(result.total), "max": exports.num(result.max_points),
        "change": exports.signed(result.total_change), "rank_change": exports.signed(result.rank_change),
    }, status=status)  # fmt: skip


@login_required
@require_safe
def result_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    return _result_page(request, access_result(_user(request), result_id))


@login_required
@require_safe
def result_xlsx(request: HttpRequest, result_id: int) -> HttpResponse:
    result = access_result(_user(request), result_id)
    sections, sources = _breakdown(result)
    data = exports.breakdown_xlsx(result, [ln for s in sections for ln in s.lines], sources)
    return download(data, name=f"{result.unit.name}{result.assessment.scheme.name}得分明细",
                    fallback=f"breakdown-{result.pk}", fmt="xlsx")  # fmt: skip


@login_required
@require_POST
def appeal_file(request: HttpRequest, result_id: int) -> HttpResponse:
    user = _user(request)
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
    return _result_page(request, result, status=400, appeal_form=form)


# ─── appeals ──────────────────────────────────────────────────────────────────────────────────


def _appeals_page(request: HttpRequest, assessment: Assessment, *, status: int = 200,
                  failed: tuple[int, DecideForm] | None = None) -> HttpResponse:  # fmt: skip
    user = _user(request)
    appeals = list(visible_appeals(user).filter(result__assessment=assessment)
                   .select_related("result__unit", "filed_by", "decided_by"))  # fmt: skip
    rows = [(ap, ap.status == AppealStatus.FILED and can_manage(user, assessment.scheme.plan),
             failed[1] if failed and failed[0] == ap.pk else DecideForm(prefix=f"ap{ap.pk}"))
            for ap in appeals]  # fmt: skip
    return render(request, "assessment/appeals.html", {"a": assessment, "scheme": assessment.scheme, "rows": rows},
                  status=status)  # fmt: skip


@login_required
@require_safe
def appeal_list(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _user(request)
    assessment = access_assessment(user, assessment_id)
    if not is_office(user, assessment):
        raise Http404(NOT_FOUND)
    return _appeals_page(request, assessment)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user = _user(request)
    appeal = access_appeal(user, appeal_id)
    assessment = appeal.result.assessment
    if not can_manage(user, assessment.scheme.plan):
        raise Http404("申诉不存在或无权访问")
    form = DecideForm(request.POST, prefix=f"ap{appeal.pk}")
    if form.is_valid() and can_decide_appeal(user, appeal):
        d = form.cleaned_data
        try:
            do_decide_appeal(appeal, accept=d["decision"] == "accept", reason=d["reason"], acting_user=user)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            appeal.refresh_from_db()
            # The status reads "已采纳" or "已驳回" already.
            messages.success(request, f"{appeal.get_status_display()}{appeal.result.unit.name}的申诉")
            return redirect("assessment:appeals", assessment.pk)
    elif form.is_valid():
        form.add_error(None, f"该申诉{appeal.get_status_display()}")
    return _appeals_page(request, assessment, status=400, failed=(appeal.pk, form))
