"""The report form: a unit's report (or contribution) started, edited, saved, submitted and
corrected; the page of any report with its versions and evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.evidence import EvidenceRejected
from duban.plans.models import Task
from duban.tracking.access import (
    access_report,
    access_report_entry,
    can_correct_report,
    can_edit_report,
    can_review_report,
    visible_reports,
)
from duban.tracking.actions.corrections import do_correct_report
from duban.tracking.actions.reports import SavedReport, do_save_report
from duban.tracking.forms import (
    ReportForm,
    ReviewForm,
)
from duban.tracking.models import (
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)
from duban.tracking.transitions import (
    Actor,
    ConflictError,
    TrackingError,
    actors_of_report,
    kind_for,
    task_roles,
)
from duban.tracking.views.pages import (
    render_page,
)


def report_page(
    request: HttpRequest,
    *,
    task: Task,
    period: ReportingPeriod,
    report: ProgressReport | None,
    form: ReportForm | None = None,
    error: str = "",
    current: ProgressReport | None = None,
    status: int = 200,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    user = signed_in(request)
    targets = list(task.targets.all())
    editable = report is None or can_edit_report(user, report)
    if editable and form is None:
        form = ReportForm(targets=targets, report=report)
    kind = report.kind if report is not None else kind_for(task_roles(task), user.unit_id)
    context: dict[str, Any] = {
        "task": task,
        "period": period,
        "plan": task.plan,
        "report": report,
        "form": form if editable else None,
        "kind_label": dict(ReportKind.choices).get(kind or "", ""),
        "error": error,
        "current": current,
    }
    if report is not None:
        context.update(_report_context(user, report, review_form))
    return render_page(request, "tracking/report.html", context, status=status)


def _report_context(user: User, report: ProgressReport, review_form: ReviewForm | None) -> dict[str, Any]:
    """What the page of an existing report adds: its figures, files, versions, review, contributions."""
    versions = list(
        visible_reports(user)
        .filter(task=report.task, period=report.period, unit_id=report.unit_id)
        .order_by("-version")
    )
    contributions: list[ProgressReport] = []
    if report.kind == ReportKind.REPORT:
        contributions = list(
            visible_reports(user)
            .filter(task=report.task, period=report.period, kind=ReportKind.CONTRIBUTION)
            .exclude(status=ReportStatus.SUPERSEDED)
            .select_related("unit")
            .order_by("unit__name")
        )
    return {
        "values": list(report.values.select_related("target")),
        "evidence": list(report.evidence.all()),
        "versions": versions,
        "can_review": can_review_report(user, report),
        "review_form": review_form or ReviewForm(),
        "can_correct": can_correct_report(user, report),
        "open_draft": next(
            (v for v in versions if v.status == ReportStatus.DRAFT and v.pk != report.pk), None
        ),
        "contributions": contributions,
    }


def _save_report(
    request: HttpRequest, *, task: Task, period: ReportingPeriod, kind: str, report: ProgressReport | None
) -> HttpResponse:
    """The form's button (保存草稿 or 报送) as one action: do_save_report."""
    user = signed_in(request)
    form = ReportForm(request.POST, request.FILES, targets=task.target_list, report=report)

    def again(error: str, status: int, current: ProgressReport | None = None) -> HttpResponse:
        return report_page(
            request,
            task=task,
            period=period,
            report=report,
            form=form,
            error=error,
            current=current,
            status=status,
        )

    if not form.is_valid():
        return again(form.problem(), 400)
    files = form.files_posted()
    try:
        saved = do_save_report(
            task,
            period,
            form.report_data(),
            kind=kind,
            draft=report,
            lock_version=form.cleaned_data["lock_version"],
            changed=form.has_changed(),
            files=files,
            submit=request.POST.get("action") == "submit",
            acting_user=user,
        )
    except ConflictError as exc:
        # Someone saved first: show what is stored now beside the user's own input, kept as typed.
        drafts = visible_reports(user).filter(status=ReportStatus.DRAFT)
        return again(
            str(exc), 409, drafts.filter(task=task, period=period, unit_id=user.unit_id or 0).first()
        )
    except (TrackingError, EvidenceRejected) as exc:
        return again(str(exc), 400)
    _say_saved(request, saved, files=len(files))
    return redirect("tracking:report", saved.report.pk)


def _say_saved(request: HttpRequest, saved: SavedReport, *, files: int) -> None:
    report = saved.report
    if saved.submitted:
        messages.success(request, f"已报送第 {report.version} 版{report.get_kind_display()}")
    elif saved.refusal:
        messages.error(request, f"草稿已保存，但未能报送：{saved.refusal}")
    else:
        messages.success(request, "草稿已保存" + (f"，已上传 {files} 个文件" if files else ""))


@login_required
def report_new(request: HttpRequest, task_id: int, period_id: int) -> HttpResponse:
    """The entry to a unit's report (or contribution) on a task for a period: the blank form, or
    the unit's report if it has one already."""
    user = signed_in(request)
    entry = access_report_entry(user, task_id, period_id)
    task, period, kind = entry.task, entry.period, entry.kind
    if request.method == "POST":
        return _save_report(request, task=task, period=period, kind=kind, report=None)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    existing = (
        visible_reports(user)
        .filter(task=task, period=period, unit_id=user.unit_id or 0)
        .exclude(status=ReportStatus.SUPERSEDED)
        .order_by("-version")
        .first()
    )
    if existing is not None:
        return redirect("tracking:report", existing.pk)
    return report_page(request, task=task, period=period, report=None)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    user = signed_in(request)
    report = access_report(user, report_id)
    if request.method == "POST":
        if not can_edit_report(user, report):
            raise Http404("报告不存在或无权访问")
        return _save_report(request, task=report.task, period=report.period, kind=report.kind, report=report)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return report_page(request, task=report.task, period=report.period, report=report)


@login_required
@require_POST
def report_correct(request: HttpRequest, report_id: int) -> HttpResponse:
    user = signed_in(request)
    report = access_report(user, report_id)
    if Actor.OWNER not in actors_of_report(user, report):
        raise Http404("报告不存在或无权访问")
    try:
        new = do_correct_report(report, acting_user=user)
    except TrackingError as exc:
        messages.error(request, str(exc))
        return redirect("tracking:report", report.pk)
    messages.success(request, f"已新建第 {new.version} 版（更正），修改后请报送")
    return redirect("tracking:report", new.pk)
