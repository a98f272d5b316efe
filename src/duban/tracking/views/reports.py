"""The report form: a unit's report (or contribution) started, edited, saved, submitted and
corrected; the page of any report with its versions and evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from duban.accounts.requests import signed_in
from duban.evidence import EvidenceRejected, check_evidence_upload, files_kept_only_on_commit
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
from duban.tracking.actions.drafts import do_add_contribution, do_edit_draft, do_save_draft
from duban.tracking.actions.evidence import do_add_evidence
from duban.tracking.actions.report_data import EvidenceInput, submit_problem
from duban.tracking.actions.submissions import do_submit_new_report, do_submit_report
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
        versions = list(visible_reports(user).filter(task=task, period=period, unit_id=report.unit_id)
                        .order_by("-version"))  # fmt: skip
        context.update({
            "values": list(report.values.select_related("target")),
            "evidence": list(report.evidence.all()),
            "versions": versions,
            "can_review": can_review_report(user, report),
            "review_form": review_form or ReviewForm(),
            "can_correct": can_correct_report(user, report),
            "open_draft": next((v for v in versions if v.status == ReportStatus.DRAFT and v.pk != report.pk), None),
            "contributions": list(
                visible_reports(user).filter(task=task, period=period, kind=ReportKind.CONTRIBUTION)
                .exclude(status=ReportStatus.SUPERSEDED).select_related("unit").order_by("unit__name")
            ) if report.kind == ReportKind.REPORT else [],
        })  # fmt: skip
    return render_page(request, "tracking/report.html", context, status=status)


def _save_report(
    request: HttpRequest, *, task: Task, period: ReportingPeriod, kind: str, report: ProgressReport | None
) -> HttpResponse:
    """Save the draft (creating it if need be), attach the new files, and submit if asked.

    The save and the files are one transaction: a rejected file leaves the draft as it was. A
    submission the rules refuse (no narrative, say) leaves the saved draft and says why.
    """
    user = signed_in(request)
    form = ReportForm(request.POST, request.FILES, targets=task.target_list, report=report)

    def again(error: str, status: int, current: ProgressReport | None = None) -> HttpResponse:
        return report_page(request, task=task, period=period, report=report, form=form, error=error,
                            current=current, status=status)  # fmt: skip

    if not form.is_valid():
        return again("请检查填写的内容", 400)
    files = form.files_posted()
    submit = request.POST.get("action") == "submit"
    try:
        for f in files:
            check_evidence_upload(f.name or "file", f.size or 0)
        if report is None and submit and not submit_problem(kind, task, form.report_data()):
            # A new report sent straight away (the common case): saved and submitted in one step.
            with files_kept_only_on_commit():
                saved = do_submit_new_report(task, period, form.report_data(), kind=kind, acting_user=user,
                                             files=[EvidenceInput(f.name or "file", f.read()) for f in files])  # fmt: skip
            messages.success(request, f"已报送第 {saved.version} 版{saved.get_kind_display()}")
            return redirect("tracking:report", saved.pk)
        with files_kept_only_on_commit(), transaction.atomic():
            if report is None:
                save = do_save_draft if kind == ReportKind.REPORT else do_add_contribution
                saved = save(task, period, form.report_data(), lock_version=None, acting_user=user)
            elif form.has_changed():
                saved = do_edit_draft(report, form.report_data(), lock_version=form.cleaned_data["lock_version"],
                                      acting_user=user)  # fmt: skip
            else:
                saved = report
            for f in files:
                do_add_evidence(saved, f.name or "file", f.read(), acting_user=user)
    except ConflictError as exc:
        # Someone saved first: show what is stored now beside the user's own input, kept as typed.
        current = visible_reports(user).filter(task=task, period=period, unit_id=user.unit_id or 0,
                                               status=ReportStatus.DRAFT).first()  # fmt: skip
        return again(str(exc), 409, current)
    except (TrackingError, EvidenceRejected) as exc:
        return again(str(exc), 400)
    if submit:
        lock = saved.lock_version if saved is not report else form.cleaned_data["lock_version"]
        try:
            do_submit_report(saved, lock_version=lock, acting_user=user)
        except ConflictError as exc:  # someone saved the draft since this form was opened
            return again(str(exc), 409, visible_reports(user).filter(pk=saved.pk).first())
        except TrackingError as exc:
            messages.error(request, f"草稿已保存，但未能报送：{exc}")
        else:
            messages.success(request, f"已报送第 {saved.version} 版{saved.get_kind_display()}")
    else:
        messages.success(request, "草稿已保存" + (f"，已上传 {len(files)} 个文件" if files else ""))
    return redirect("tracking:report", saved.pk)


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
    existing = (visible_reports(user).filter(task=task, period=period, unit_id=user.unit_id or 0)
                .exclude(status=ReportStatus.SUPERSEDED).order_by("-version").first())  # fmt: skip
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
