"""The review queue and the review of one report (accept or return)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.requests import signed_in
from duban.clock import today
from duban.office.xlsx import Table
from duban.tracking.access import (
    access_report,
    review_queue,
)
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.forms import (
    ReviewForm,
)
from duban.tracking.models import (
    TaskClosure,
)
from duban.tracking.transitions import Actor, TrackingError, actors_of_report
from duban.tracking.views.pages import (
    export_url,
    render_page,
    shown_date,
    wants_xlsx,
    xlsx_download,
)
from duban.tracking.views.reports import report_page


@login_required
@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    reports = list(
        review_queue(user).select_related("task__plan", "period", "unit").order_by("submitted_at", "pk")
    )
    if wants_xlsx(request):
        table = Table("待审核报告", ("方案", "报送周期", "序号", "任务", "单位", "类型", "版本", "报送时间", "进展", "完成比例（%）"), [
            (r.task.plan.title, r.period.name, r.task.number, r.task.title or r.task.text, r.unit.name,
             r.get_kind_display(), r.version, shown_date(r.submitted_at), r.get_progress_display(), r.percent)
            for r in reports
        ], facts=f"导出日期：{today().isoformat()}", sheet="待审核")  # fmt: skip
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
        return report_page(request, task=report.task, period=report.period, report=report, review_form=form,
                            error="请选择审核结果", status=400)  # fmt: skip
    comment = form.cleaned_data["comment"]
    try:
        if form.cleaned_data["decision"] == "return":
            do_return_report(report, comment, acting_user=user)
            messages.success(request, "已退回，退回意见已通知填报单位")
        else:
            report = do_accept_report(report, comment=comment, acting_user=user)
            closed = TaskClosure.objects.filter(task_id=report.task_id, report=report).exists()
            messages.success(request, "已审核通过" + ("，任务已销号" if closed else ""))
    except TrackingError as exc:
        return report_page(request, task=report.task, period=report.period, report=report, review_form=form,
                            error=str(exc), status=400)  # fmt: skip
    return redirect("tracking:report", report.pk)
