"""The reporting periods of a plan, and a period's page with its Excel and Word (通报) exports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.clock import today
from duban.downloads import download
from duban.office.xlsx import workbook
from duban.plans.access import access_plan, can_manage, visible_tasks
from duban.plans.models import Plan
from duban.tokens.downloads import login_or_token_required
from duban.tracking import circular
from duban.tracking.access import (
    access_period,
    visible_orders,
)
from duban.tracking.actions.periods import do_add_period, do_create_periods
from duban.tracking.forms import (
    CustomPeriodForm,
    YearPeriodsForm,
)
from duban.tracking.models import (
    ANSWERED,
    OrderLevel,
    ReportingPeriod,
    ReportKind,
)
from duban.tracking.queries.period_reports import PeriodReport, period_report
from duban.tracking.transitions import TrackingError
from duban.tracking.views.charts import period_charts
from duban.tracking.views.pages import (
    LEVEL_NAMES,
    Columns,
    column_table,
    export_url,
    render_page,
    shown_date,
    wants_xlsx,
    xlsx_download,
)


def _received(period: ReportingPeriod) -> int:
    return period.received  # type: ignore[attr-defined, no-any-return]  # annotated by period_list


PERIOD_COLUMNS: Columns[ReportingPeriod] = (
    ("名称", lambda p: p.name),
    ("开始", lambda p: shown_date(p.start)),
    ("结束", lambda p: shown_date(p.end)),
    ("报送截止", lambda p: shown_date(p.due)),
    ("已收报告", _received),
)


@login_required
def period_list(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = signed_in(request)
    plan = access_plan(user, plan_id)
    if request.method == "POST":
        if not can_manage(user, plan):
            raise Http404("方案不存在或无权访问")
        return _add_periods(request, plan, user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return _periods_page(request, plan, manager=can_manage(user, plan))


def _add_periods(request: HttpRequest, plan: Plan, user: User) -> HttpResponse:
    """Either form: the periods of a year at a frequency, or one period with its own dates."""
    custom = request.POST.get("kind") == "custom"
    year_form = YearPeriodsForm(None if custom else request.POST, prefix="year")
    custom_form = CustomPeriodForm(request.POST if custom else None, prefix="custom")
    form: forms.Form = custom_form if custom else year_form
    error = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            if custom:
                period = do_add_period(plan, d["name"], d["start"], d["end"], d["due"], acting_user=user)
                said = f"已新增报送周期“{period.name}”"
            else:
                periods = do_create_periods(plan, d["year"], d["frequency"], d["due_day"], acting_user=user)
                said = f"{d['year']}年共有 {len(periods)} 个报送周期"
        except TrackingError as exc:
            error = str(exc)
        else:
            messages.success(request, said)
            return redirect("tracking:periods", plan.pk)
    # Only a manager gets here.
    return _periods_page(
        request, plan, manager=True, year_form=year_form, custom_form=custom_form, error=error, status=400
    )


def _periods_page(
    request: HttpRequest,
    plan: Plan,
    *,
    manager: bool,
    year_form: YearPeriodsForm | None = None,
    custom_form: CustomPeriodForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    received = Count("reports", filter=Q(reports__kind=ReportKind.REPORT, reports__status__in=ANSWERED))
    periods = list(plan.periods.annotate(received=received).order_by("start", "end"))
    day = today()
    if wants_xlsx(request):
        facts = f"导出日期：{day.isoformat()}"
        table = column_table(f"{plan.title}报送周期", PERIOD_COLUMNS, periods, facts=facts, sheet="报送周期")
        return xlsx_download(table, f"{plan.title}报送周期", f"periods-{plan.pk}")
    context = {
        "plan": plan,
        "periods": periods,
        "day": day,
        "can_manage": manager,
        "year_form": year_form or YearPeriodsForm(prefix="year"),
        "custom_form": custom_form or CustomPeriodForm(prefix="custom"),
        "error": error,
        "export_url": export_url(request),
    }
    return render_page(request, "tracking/periods.html", context, status=status)


def _period_report(request: HttpRequest, period_id: int) -> PeriodReport:
    user = signed_in(request)
    period = access_period(user, period_id)
    return period_report(period, tasks=visible_tasks(user), orders=visible_orders(user))


@login_required
@require_safe
def period_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    r = _period_report(request, period_id)
    return render_page(
        request,
        "tracking/period.html",
        {
            "r": r,
            "period": r.period,
            "plan": r.period.plan,
            "ov": r.overview,
            "charts": period_charts(r),
            "summary": circular.summary_lines(r),
            "can_manage": can_manage(signed_in(request), r.period.plan),
            "levels": [
                (lv, LEVEL_NAMES[lv], r.overview.open_orders.get(lv, 0)) for lv in reversed(OrderLevel.values)
            ],
        },
    )


@login_or_token_required
@require_safe
def period_xlsx(request: HttpRequest, period_id: int) -> HttpResponse:
    r = _period_report(request, period_id)
    data = workbook(circular.period_tables(r))
    return download(
        data,
        name=f"{r.period.plan.title}{r.period.name}督办情况",
        fallback=f"period-{r.period.pk}",
        fmt="xlsx",
    )


@login_or_token_required
@require_safe
def period_docx(request: HttpRequest, period_id: int) -> HttpResponse:
    r = _period_report(request, period_id)
    if not can_manage(signed_in(request), r.period.plan):
        raise Http404("报送周期不存在或无权访问")
    data = circular.period_docx(r)
    return download(data, name=f"{r.period.name}通报（草稿）", fallback=f"circular-{r.period.pk}", fmt="docx")
