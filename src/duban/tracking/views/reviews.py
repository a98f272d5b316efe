"""The review queue and the review of one report (accept or return)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.requests import signed_in
from duban.clock import today
from duban.tracking.access import (
    access_report,
    review_queue,
)
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.forms import (
    ReviewForm,
)
from duban.tracking.models import (
    ProgressReport,
    TaskClosure,
)
from duban.tracking.transitions import Actor, TrackingError, actors_of_report
from duban.tracking.views.pages import (
    Columns,
    column_table,
    export_url,
    render_page,
    shown_date,
    wants_xlsx,
    xlsx_download,
)
from duban.tracking.views.reports import report_page

REVIEW_COLUMNS: Columns[ProgressReport] = (
    ("方案", lambda r: r.task.plan.title),
    ("报送周期", lambda r: r.period.name),
    ("序号", lambda r: r.task.number),
    ("任务", lambda r: r.task.title or r.task.text),
    ("单位", lambda r: r.unit.name),
    ("类型", lambda r: r.get_kind_display()),
    ("版本", lambda r: r.version),
    ("报送时间", lambda r: shown_date(r.submitted_at)),
    ("进展", lambda r: r.get_progress_display()),
    ("完成比例（%）", lambda r: r.percent),
)


@login_required
@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    reports = list(
        review_queue(user).select_related("task__plan", "period", "unit").order_by("submitted_at", "pk")
    )
    if wants_xlsx(request):
        facts = f"导出日期：{today().isoformat()}"
        table = column_table("待审核报告", REVIEW_COLUMNS, reports, facts=facts, sheet="待审核")
        return xlsx_download(table, "待审核报告", "review")
    return render_page(
        request, "tracking/review.html", {"reports": reports, "export_url": export_url(request)}
    )


@login_required
@require_POST
def report_review(request: HttpRequest, report_id: int) -> HttpResponse:
    user = signed_in(request)
    report = access_report(user, report_id)
    if Actor.REVIEWER not in actors_of_report(user, report):
        raise Http404("报告不存在或无权访问")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return report_page(
            request,
            task=report.task,
            period=report.period,
            report=report,
            review_form=form,
            error="请选择审核结果",
            status=400,
        )
    comment = form.cleaned_data["comment"]
    try:
        if form.cleaned_data["decision"] == "return":
            do_return_report(report, comment, acting_user=user)
            messages.success(request, "已退回，退回意见已通知填报单位")
        else:
            report = do_accept_report(report, comment=comment, acting_user=user)
            closed = TaskClosure.current().filter(task_id=report.task_id, report=report).exists()
            messages.success(request, "已审核通过" + ("，任务已销号" if closed else ""))
    except TrackingError as exc:
        return report_page(
            request,
            task=report.task,
            period=report.period,
            report=report,
            review_form=form,
            error=str(exc),
            status=400,
        )
    return redirect("tracking:report", report.pk)
