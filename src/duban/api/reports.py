"""Reporting through the API: periods, a unit's progress report (saved, with evidence, submitted
in one call, as the report form's button does), reports and their review.

Each route reads through tracking's access helpers and writes through its actions; a report's
fields are checked by the report form itself (tracking.forms.ReportForm), so the API accepts
exactly what the page accepts and refuses it with the same words."""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from duban.api.auth import caller
from duban.api.errors import FormInvalid
from duban.api.schemas import DbId, Error, Page
from duban.evidence import EvidenceRejected
from duban.params import MAX_ID
from duban.plans.models import Task
from duban.tracking.access import (
    access_period,
    access_report,
    access_report_entry,
    can_edit_report,
    review_queue,
    visible_periods,
    visible_reports,
)
from duban.tracking.actions.reports import SavedReport, do_save_report
from duban.tracking.actions.reviews import do_accept_report, do_return_report
from duban.tracking.forms import ReportForm
from duban.tracking.models import ProgressReport, ReportingPeriod, ReportStatus
from duban.tracking.transitions import Actor, ConflictError, TrackingError, actors_of_report

router = Router(tags=["进展报送与审核"])


class PeriodOut(Schema):
    id: int
    plan_id: int
    name: str
    start: dt.date = Field(description="开始日期")
    end: dt.date = Field(description="结束日期")
    due: dt.date = Field(description="报送截止日期")


class ValueOut(Schema):
    target_id: int
    metric: str = Field(alias="target.metric")
    value: float
    unit: str
    as_of: dt.date = Field(description="数据截至日期")


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class ReportOut(Schema):
    id: int
    task_id: int
    period_id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    kind: str
    kind_label: str
    status: str
    status_label: str
    progress: str
    progress_label: str
    percent: int
    reason: str
    narrative: str
    version: int
    lock_version: int = Field(description="修改草稿时原样带回，用于发现他人同时修改")
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_comment: str
    accepted_at: dt.datetime | None
    values: list[ValueOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_kind_label(obj: ProgressReport) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: ProgressReport) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_progress_label(obj: ProgressReport) -> str:
        return obj.get_progress_display()

    @staticmethod
    def resolve_values(obj: ProgressReport) -> list[Any]:
        return list(obj.values.select_related("target"))

    @staticmethod
    def resolve_evidence(obj: ProgressReport) -> list[Any]:
        return list(obj.evidence.all())


class SavedOut(Schema):
    report: ReportOut
    submitted: bool = Field(description="是否已报送")
    refusal: str = Field(description="要求报送而未能报送时的原因（草稿已保存）")


class ReportFilter(Schema):
    period: DbId | None = Field(None, description="报送周期编号")
    task: DbId | None = Field(None, description="任务编号")
    status: str | None = Field(None, description="draft / submitted / returned / accepted / superseded")


class ReviewIn(Schema):
    decision: str = Field(description="accept（审核通过）或 return（退回）")
    comment: str = Field("", description="审核意见；退回时必填", max_length=2000)


# The report form's fields, declared in the routes' signatures for the schema; the values are
# read and checked by ReportForm from the request itself, with the figures of each target
# (value_<目标编号>, unit_<目标编号>, as_of_<目标编号>) that a signature cannot name.
REPORT_DESCRIPTION = (
    "表单字段（multipart/form-data）：progress（not_started / in_progress / done / lagging / paused）、"
    "percent（0–100）、narrative、reason（滞后、暂缓时必填）、evidence（佐证材料文件，可多个）、"
    "每个量化目标的 value_<目标编号>、unit_<目标编号>、as_of_<目标编号>；submit=true 时保存后报送。"
    "省略的字段保持报告现有的值（新报告取页面的默认值）；lock_version 省略时不检查他人的修改。"
    "字段的检查与页面相同，不合格时返回 422 并逐项说明。"
)


def _saved(
    request: HttpRequest,
    *,
    task: Task,
    period: ReportingPeriod,
    kind: str,
    draft: ProgressReport | None,
    submit: bool,
) -> SavedReport:
    form = ReportForm(
        _with_kept_fields(request, task, draft), request.FILES, targets=task.target_list, report=draft
    )
    if not form.is_valid():
        raise FormInvalid(form)
    try:
        return do_save_report(
            task,
            period,
            form.report_data(),
            kind=kind,
            draft=draft,
            lock_version=form.cleaned_data["lock_version"],
            files=form.files_posted(),
            submit=submit,
            acting_user=caller(request),
        )
    except ConflictError as exc:
        raise HttpError(409, str(exc)) from exc
    except (TrackingError, EvidenceRejected) as exc:
        raise HttpError(400, str(exc)) from exc


def _with_kept_fields(request: HttpRequest, task: Task, draft: ProgressReport | None) -> Any:
    """The posted fields, and for each field left out what the report has now (a new report: the
    form's defaults), as the page's form would have posted it: a call may send only what changes."""
    shown = ReportForm(targets=task.target_list, report=draft)
    data = request.POST.copy()
    for name, field in shown.fields.items():
        if name in data or name == "evidence":
            continue
        initial = shown.get_initial_for_field(field, name)
        if initial is not None:
            data[name] = str(initial)
    return data


@router.get(
    "/periods", response=list[PeriodOut], summary="报送周期", description="调用者可查看的方案的报送周期。"
)
@paginate(Page)
def list_periods(request: HttpRequest, plan: DbId | None = None) -> QuerySet[ReportingPeriod]:
    periods = visible_periods(caller(request))
    if plan is not None:
        periods = periods.filter(plan_id=plan)
    return periods.order_by("plan_id", "start", "id")


@router.get("/periods/{period_id}", response={200: PeriodOut, 404: Error}, summary="一个报送周期")
def get_period(request: HttpRequest, period_id: int) -> ReportingPeriod:
    return access_period(caller(request), period_id)


@router.post(
    "/tasks/{task_id}/periods/{period_id}/report",
    response={201: SavedOut, 400: Error, 404: Error, 409: Error},
    summary="填报单位开始报送（可同时上传材料并报送）",
    description="本单位在该周期对该任务的报告（牵头单位）或协办情况（配合单位）。"
    "本单位已有报告时返回 409，请改用 POST /api/reports/{id}。" + REPORT_DESCRIPTION,
)
def start_report(
    request: HttpRequest,
    task_id: int,
    period_id: int,
    progress: Annotated[str | None, Form(None)] = None,
    percent: Annotated[int | None, Form(None)] = None,
    narrative: Annotated[str | None, Form(None)] = None,
    reason: Annotated[str | None, Form(None)] = None,
    submit: Annotated[bool, Form(False)] = False,
    evidence: Annotated[list[UploadedFile] | None, File(None)] = None,
) -> Status[SavedReport]:
    user = caller(request)
    entry = access_report_entry(user, task_id, period_id)
    mine = visible_reports(user).filter(task=entry.task, period=entry.period, unit_id=user.unit_id or 0)
    if mine.exclude(status=ReportStatus.SUPERSEDED).exists():
        raise HttpError(409, "本单位在该周期已有这项报告：请改用 POST /api/reports/{编号}")
    saved = _saved(request, task=entry.task, period=entry.period, kind=entry.kind, draft=None, submit=submit)
    return Status(201, saved)


@router.post(
    "/reports/{report_id}",
    response={200: SavedOut, 400: Error, 404: Error, 409: Error},
    summary="修改草稿（可同时上传材料并报送）",
    description="修改本单位的草稿或被退回的报告；带上 lock_version。" + REPORT_DESCRIPTION,
)
def save_report(
    request: HttpRequest,
    report_id: int,
    progress: Annotated[str | None, Form(None)] = None,
    percent: Annotated[int | None, Form(None)] = None,
    narrative: Annotated[str | None, Form(None)] = None,
    reason: Annotated[str | None, Form(None)] = None,
    submit: Annotated[bool, Form(False)] = False,
    lock_version: Annotated[int | None, Form(None, ge=0, le=MAX_ID)] = None,
    evidence: Annotated[list[UploadedFile] | None, File(None)] = None,
) -> SavedReport:
    user = caller(request)
    report = access_report(user, report_id)
    if not can_edit_report(user, report):
        raise Http404("报告不存在或无权访问")
    return _saved(
        request, task=report.task, period=report.period, kind=report.kind, draft=report, submit=submit
    )


@router.get("/reports", response=list[ReportOut], summary="可查看的报告")
@paginate(Page)
def list_reports(request: HttpRequest, filters: Query[ReportFilter]) -> QuerySet[ProgressReport]:
    reports = visible_reports(caller(request)).select_related("unit")
    if filters.period is not None:
        reports = reports.filter(period_id=filters.period)
    if filters.task is not None:
        reports = reports.filter(task_id=filters.task)
    if filters.status:
        reports = reports.filter(status=filters.status)
    return reports.order_by("-updated_at", "-id")


@router.get("/reports/{report_id}", response={200: ReportOut, 404: Error}, summary="一份报告")
def get_report(request: HttpRequest, report_id: int) -> ProgressReport:
    return access_report(caller(request), report_id)


@router.get(
    "/review-queue", response=list[ReportOut], summary="待审核的报告", description="与「待审核」页面相同。"
)
@paginate(Page)
def list_review_queue(request: HttpRequest) -> QuerySet[ProgressReport]:
    return review_queue(caller(request)).select_related("unit")


@router.post(
    "/reports/{report_id}/review",
    response={200: ReportOut, 400: Error, 404: Error},
    summary="审核报告（通过或退回）",
)
def review_report(request: HttpRequest, report_id: int, body: ReviewIn) -> ProgressReport:
    user = caller(request)
    report = access_report(user, report_id)
    if Actor.REVIEWER not in actors_of_report(user, report):
        raise Http404("报告不存在或无权访问")
    try:
        if body.decision == "return":
            return do_return_report(report, body.comment, acting_user=user)
        if body.decision == "accept":
            return do_accept_report(report, comment=body.comment, acting_user=user)
    except TrackingError as exc:
        raise HttpError(400, str(exc)) from exc
    raise HttpError(400, "decision 应为 accept（审核通过）或 return（退回）")
