"""Tracking pages. Reads go through access.py (404 for missing and forbidden alike), writes
through actions.py, and what a page computes through queries.py: these views only gather what a
page shows. Every list page exports what it shows to Excel with ?format=xlsx, from the same rows.

A write by someone without the right gets the same 404 as a missing object; a write the right
person may not make in the record's present state (a report already reviewed, say) gets the
action's own message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from duban.accounts.models import User
from duban.clock import today
from duban.downloads import content_disposition, download
from duban.evidence import EvidenceRejected, check_evidence_upload, files_kept_only_on_commit
from duban.notifications.context import unread_badge
from duban.office.xlsx import Cell, Table, table_to_xlsx, workbook
from duban.plans.access import access_plan, access_task, can_manage, visible_plans, visible_tasks
from duban.plans.models import Plan, Task
from duban.tracking import circular
from duban.tracking.access import (
    access_evidence,
    access_order,
    access_period,
    access_report,
    access_report_entry,
    can_correct_report,
    can_edit_report,
    can_manage_order,
    can_reply_order,
    can_review_report,
    review_queue,
    visible_orders,
    visible_reports,
)
from duban.tracking.actions import (
    ConflictError,
    EvidenceInput,
    TrackingError,
    do_accept_report,
    do_add_contribution,
    do_add_evidence,
    do_add_period,
    do_close_order,
    do_correct_report,
    do_create_periods,
    do_edit_draft,
    do_escalate_order,
    do_issue_order,
    do_remove_evidence,
    do_reply_order,
    do_return_report,
    do_save_draft,
    do_submit_new_report,
    do_submit_report,
    submit_problem,
)
from duban.tracking.docx_order import order_docx_filename, render_order_docx
from duban.tracking.forms import (
    CustomPeriodForm,
    OrderCloseForm,
    OrderIssueForm,
    OrderReplyForm,
    ReportForm,
    ReviewForm,
    YearPeriodsForm,
)
from duban.tracking.lights import Color, rules_text, task_light
from duban.tracking.models import (
    ANSWERED,
    OrderLevel,
    OrderStatus,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
    TaskClosure,
)
from duban.tracking.queries import (
    GridCell,
    Missing,
    OrderFilter,
    PeriodReport,
    TargetSeries,
    period_report,
    plan_summaries,
    report_grid,
    target_series,
    task_timeline,
)
from duban.tracking.transitions import Actor, actors_of_report, kind_for, task_roles

LIGHT_HEX = {Color.GREEN: "#2e7d32", Color.YELLOW: "#f2a900", Color.RED: "#c62828"}
LEVEL_HEX = {OrderLevel.BLUE: "#1565c0", OrderLevel.YELLOW: "#f2a900", OrderLevel.RED: "#c62828"}
COLOR_NAMES = dict(Color.choices)
LEVEL_NAMES = dict(OrderLevel.choices)
LIST_LIMIT = 500  # rows a list page shows; its Excel export holds them all


def _user(request: HttpRequest) -> User:
    # Every view here is behind login_required.
    return cast(User, request.user)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    user = _user(request)
    # Given here as well as by the context processor, so that a tracking page asks for the count
    # exactly once whether or not the processor is installed.
    context.setdefault("inbox_unread", unread_badge(request))
    context.setdefault("nav_admin", user.is_admin)
    return render(request, template, context, status=status)


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _xlsx(table: Table, name: str, fallback: str) -> HttpResponse:
    return download(table_to_xlsx(table), name=name, fallback=fallback, fmt="xlsx")


def _export_url(request: HttpRequest) -> str:
    params = request.GET.copy()
    params["format"] = "xlsx"
    return f"?{params.urlencode()}"


def _date(d: dt.date | dt.datetime | None) -> str:
    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        return timezone.localtime(d).strftime("%Y-%m-%d %H:%M")
    return d.isoformat()


def _num(value: Decimal | float) -> float:
    return float(value)


# ─── charts ───────────────────────────────────────────────────────────────────────────────────
# Each chart is a small JSON spec that static/duban/charts.js turns into an ECharts option; the
# page writes them all into one <script type="application/json"> block (json_script escapes it).


def _bar(chart_id: str, title: str, categories: Sequence[str], series: Sequence[dict[str, Any]], *,
         percent: bool = False, stack: bool = False) -> dict[str, Any]:  # fmt: skip
    return {"id": chart_id, "kind": "bar", "title": title, "categories": list(categories), "series": list(series),
            "percent": percent, "stack": stack}  # fmt: skip


def _lights_series(counts: Sequence[dict[str, int]]) -> list[dict[str, Any]]:
    return [{"name": COLOR_NAMES[c], "color": LIGHT_HEX[c], "data": [row.get(c, 0) for row in counts]}
            for c in (Color.GREEN, Color.YELLOW, Color.RED)]  # fmt: skip


def period_charts(r: PeriodReport) -> list[dict[str, Any]]:
    units, sections = r.overview.units, r.sections
    last = max([r.period.due, *(d for d, _ in r.received)])
    # A step line from nothing at the period's start to the count so far (today, or the axis end).
    steps = [(r.period.start, 0), *r.received]
    end = min(r.day, last)
    if end > steps[-1][0]:
        steps.append((end, steps[-1][1]))
    received: dict[str, Any] = {
        "id": "chart-received", "kind": "time", "title": "报告接收情况（累计）",
        "series": [{"name": "累计收到", "step": True, "data": [[d.isoformat(), n] for d, n in steps]}],
        "marks_x": [{"name": "报送截止", "value": r.period.due.isoformat()}],
        "marks_y": [{"name": "应报", "value": r.overview.expected}],
        "range": [r.period.start.isoformat(), last.isoformat()],
    }  # fmt: skip
    return [
        _bar("chart-unit-rate", "各单位报送率", [u.name for u in units],
             [{"name": "报送率", "data": [u.percent for u in units]}], percent=True),
        _bar("chart-unit-lights", "各单位任务灯色", [u.name for u in r.lights.units],
             _lights_series([u.counts for u in r.lights.units]), stack=True),
        _bar("chart-section-rate", "各部分报送率", [s.title for s in sections],
             [{"name": "报送率", "data": [s.percent for s in sections]}], percent=True),
        _bar("chart-section-lights", "各部分任务灯色", [s.title for s in sections],
             _lights_series([s.lights for s in sections]), stack=True),
        received,
    ]  # fmt: skip


def target_charts(series: Sequence[TargetSeries]) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(series):
        t = s.target
        unit = s.target.unit
        marks_x = [{"name": "期限", "value": s.deadline.isoformat()}] if s.deadline else []
        out.append({
            "id": f"chart-target-{i}", "kind": "time", "title": f"{t.metric}（目标 {t.get_cmp_display()} "
            f"{t.value.normalize():f}{unit}）", "unit": unit,
            "series": [
                {"name": "报送值", "data": [[d.isoformat(), _num(v)] for d, v in s.figures]},
                {"name": "进度线", "dashed": True, "data": [[d.isoformat(), _num(v)] for d, v in s.trajectory]},
            ],
            "marks_x": marks_x,
            "marks_y": [{"name": "目标", "value": _num(t.value)}],
        })  # fmt: skip
    return out


# ─── home ─────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    day = today()
    plans = Plan.objects.filter(pk__in=visible_plans(user).filter(is_current=True).values("pk"))
    rows = plan_summaries(plans.order_by("-created_at", "-id"), day=day)
    if _wants_xlsx(request):
        table = Table("督办概览", ("方案", "当前报送周期", "报送截止", "应报", "已报", "报送率（%）", "往期及本期逾期未报",
                                 "未办结督办单", "红色", "黄色", "蓝色", "逾期未回复"), [
            (s.plan.title, s.period.name if s.period else "", _date(s.period.due) if s.period else "",
             s.overview.expected if s.overview else "", s.overview.reported if s.overview else "",
             s.overview.percent if s.overview else "", s.overdue_reports, s.open_order_count,
             s.open_orders.get("red", 0), s.open_orders.get("yellow", 0), s.open_orders.get("blue", 0),
             s.overdue_orders)
            for s in rows
        ], facts=f"统计日期：{day.isoformat()}", sheet="督办概览")  # fmt: skip
        return _xlsx(table, "督办概览", "tracking")
    # A reporter's own outstanding reports, with a link to write each.
    mine: list[Missing] = []
    if user.is_reporter and user.unit_id:
        for s in rows:
            if s.overview is not None:
                mine.extend(m for m in s.overview.missing if m.unit_id == user.unit_id)
    return _render(
        request,
        "tracking/home.html",
        {
            "rows": rows,
            "day": day,
            "mine": mine,
            "export_url": _export_url(request),
            "review_count": review_queue(user).count() if not user.is_leader else 0,
        },
    )


# ─── periods ──────────────────────────────────────────────────────────────────────────────────


@login_required
def period_list(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = access_plan(user, plan_id)
    manager = can_manage(user, plan)
    year_form, custom_form = YearPeriodsForm(prefix="year"), CustomPeriodForm(prefix="custom")
    error, status = "", 200
    if request.method == "POST":
        if not manager:
            raise Http404("方案不存在或无权访问")
        try:
            if request.POST.get("kind") == "custom":
                custom_form = CustomPeriodForm(request.POST, prefix="custom")
                if custom_form.is_valid():
                    d = custom_form.cleaned_data
                    period = do_add_period(plan, d["name"], d["start"], d["end"], d["due"], acting_user=user)
                    messages.success(request, f"已新增报送周期“{period.name}”")
                    return redirect("tracking:periods", plan.pk)
            else:
                year_form = YearPeriodsForm(request.POST, prefix="year")
                if year_form.is_valid():
                    d = year_form.cleaned_data
                    periods = do_create_periods(
                        plan, d["year"], d["frequency"], d["due_day"], acting_user=user
                    )
                    messages.success(request, f"{d['year']}年共有 {len(periods)} 个报送周期")
                    return redirect("tracking:periods", plan.pk)
        except TrackingError as exc:
            error = str(exc)
        status = 400
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    received = Count("reports", filter=Q(reports__kind=ReportKind.REPORT, reports__status__in=ANSWERED))
    periods = list(plan.periods.annotate(received=received).order_by("start", "end"))
    day = today()
    if _wants_xlsx(request):
        table = Table(f"{plan.title}报送周期", ("名称", "开始", "结束", "报送截止", "已收报告"), [
            (p.name, _date(p.start), _date(p.end), _date(p.due), p.received) for p in periods  # type: ignore[attr-defined]
        ], facts=f"导出日期：{day.isoformat()}", sheet="报送周期")  # fmt: skip
        return _xlsx(table, f"{plan.title}报送周期", f"periods-{plan.pk}")
    return _render(
        request,
        "tracking/periods.html",
        {
            "plan": plan,
            "periods": periods,
            "day": day,
            "can_manage": manager,
            "year_form": year_form,
            "custom_form": custom_form,
            "error": error,
            "export_url": _export_url(request),
        },
        status=status,
    )


def _period_report(request: HttpRequest, period_id: int) -> PeriodReport:
    user = _user(request)
    period = access_period(user, period_id)
    return period_report(period, tasks=visible_tasks(user), orders=visible_orders(user))


@login_required
@require_safe
def period_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    r = _period_report(request, period_id)
    return _render(
        request,
        "tracking/period.html",
        {
            "r": r,
            "period": r.period,
            "plan": r.period.plan,
            "ov": r.overview,
            "charts": period_charts(r),
            "summary": circular.summary_lines(r),
            "can_manage": can_manage(_user(request), r.period.plan),
            "levels": [
                (lv, LEVEL_NAMES[lv], r.overview.open_orders.get(lv, 0)) for lv in reversed(OrderLevel.values)
            ],
        },
    )


@login_required
@require_safe
def period_xlsx(request: HttpRequest, period_id: int) -> HttpResponse:
    r = _period_report(request, period_id)
    data = workbook(circular.period_tables(r))
    return download(data, name=f"{r.period.plan.title}{r.period.name}督办情况", fallback=f"period-{r.period.pk}",
                    fmt="xlsx")  # fmt: skip


@login_required
@require_safe
def period_docx(request: HttpRequest, period_id: int) -> HttpResponse:
    r = _period_report(request, period_id)
    if not can_manage(_user(request), r.period.plan):
        raise Http404("报送周期不存在或无权访问")
    data = circular.period_docx(r)
    return download(data, name=f"{r.period.name}通报（草稿）", fallback=f"circular-{r.period.pk}", fmt="docx")


# ─── the task page ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class CellView:
    cell: GridCell
    kind_label: str
    status: str
    css: str
    link: str
    action: tuple[str, str] | None  # (label, url) for the viewer's own unit


def _report_url(pk: int) -> str:
    return reverse("tracking:report", args=[pk])


def _cell_view(cell: GridCell, period: ReportingPeriod, task: Task, user: User, day: dt.date) -> CellView:
    answer, draft = cell.answer, cell.draft
    if answer is not None:
        status, css, link = (
            f"{answer.get_status_display()}（第 {answer.version} 版）",
            answer.status,
            _report_url(answer.pk),
        )
    elif draft is not None:
        status, css, link = "草稿", "draft", _report_url(draft.pk)
    else:
        late = period.due < day and cell.kind == ReportKind.REPORT
        status, css, link = ("逾期未报" if late else "未报送"), ("late" if late else "none"), ""
    action = None
    noun = "报告" if cell.kind == ReportKind.REPORT else "配合材料"
    if user.is_reporter and user.unit_id == cell.unit_id:
        if draft is not None:
            action = (f"继续填写{noun}", _report_url(draft.pk))
        elif answer is None:
            action = (f"填写{noun}", reverse("tracking:report_new", args=[task.pk, period.pk]))
    return CellView(cell, ReportKind(cell.kind).label, status, css, link, action)


def _task_page(request: HttpRequest, task: Task, *, issue_form: OrderIssueForm | None = None,
               status: int = 200) -> HttpResponse:  # fmt: skip
    user = _user(request)
    day = today()
    plan = task.plan
    light = task_light(task, day=day)
    periods = list(plan.periods.order_by("start", "end"))
    reports = visible_reports(user)
    grid = [(row.period, [_cell_view(c, row.period, task, user, day) for c in row.cells])
            for row in report_grid(task, periods, reports)]  # fmt: skip
    series = target_series(task, reports.filter(task=task))
    manager = can_manage(user, plan)
    resps = list(task.responsibilities.select_related("unit").order_by("order"))
    if manager and issue_form is None:
        issue_form = OrderIssueForm(
            units=[(r.unit_id, f"{r.unit.name}（{r.get_role_display()}）") for r in resps]
        )
    rules = rules_text()
    return _render(
        request,
        "tracking/task.html",
        {
            "task": task,
            "plan": plan,
            "light": light,
            "light_name": COLOR_NAMES[Color(light.color)],
            "rules": [rules[c] for c in (Color.RED, Color.YELLOW, Color.GREEN)],
            "responsibilities": resps,
            "grid": grid,
            "grid_units": grid[0][1] if grid else [],
            "charts": target_charts(series),
            "series": series,
            "timeline": list(task_timeline(task).order_by("-at", "-id")[:200]),
            "orders": list(
                visible_orders(user).filter(task=task).prefetch_related("units").order_by("-issued_at")
            ),
            "issue_form": issue_form if manager else None,
        },
        status=status,
    )


@login_required
@require_safe
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_page(request, access_task(_user(request), task_id))


@login_required
@require_POST
def order_issue(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _user(request)
    task = access_task(user, task_id)
    if not can_manage(user, task.plan):
        raise Http404("任务不存在或无权访问")
    units = [(r.unit_id, r.unit.name) for r in task.responsibilities.select_related("unit")]
    form = OrderIssueForm(request.POST, units=units)
    if form.is_valid():
        d = form.cleaned_data
        try:
            order = do_issue_order(task, d["units"], d["text"], d["reply_deadline"], level=d["level"],
                                   acting_user=user)  # fmt: skip
        except TrackingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已签发督办单 {order.serial}")
            return redirect("tracking:order", order.pk)
    return _task_page(request, task, issue_form=form, status=400)


# ─── reports ──────────────────────────────────────────────────────────────────────────────────


def _report_page(
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
    user = _user(request)
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
    return _render(request, "tracking/report.html", context, status=status)


def _save_report(
    request: HttpRequest, *, task: Task, period: ReportingPeriod, kind: str, report: ProgressReport | None
) -> HttpResponse:
    """Save the draft (creating it if need be), attach the new files, and submit if asked.

    The save and the files are one transaction: a rejected file leaves the draft as it was. A
    submission the rules refuse (no narrative, say) leaves the saved draft and says why.
    """
    user = _user(request)
    form = ReportForm(request.POST, request.FILES, targets=task.target_list, report=report)

    def again(error: str, status: int, current: ProgressReport | None = None) -> HttpResponse:
        return _report_page(request, task=task, period=period, report=report, form=form, error=error,
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
    user = _user(request)
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
    return _report_page(request, task=task, period=period, report=None)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    user = _user(request)
    report = access_report(user, report_id)
    if request.method == "POST":
        if not can_edit_report(user, report):
            raise Http404("报告不存在或无权访问")
        return _save_report(request, task=report.task, period=report.period, kind=report.kind, report=report)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return _report_page(request, task=report.task, period=report.period, report=report)


@login_required
@require_POST
def report_review(request: HttpRequest, report_id: int) -> HttpResponse:
    user = _user(request)
    report = access_report(user, report_id)
    if Actor.REVIEWER not in actors_of_report(user, report):
        raise Http404("报告不存在或无权访问")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _report_page(request, task=report.task, period=report.period, report=report, review_form=form,
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
        return _report_page(request, task=report.task, period=report.period, report=report, review_form=form,
                            error=str(exc), status=400)  # fmt: skip
    return redirect("tracking:report", report.pk)


@login_required
@require_POST
def report_correct(request: HttpRequest, report_id: int) -> HttpResponse:
    user = _user(request)
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


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = access_evidence(_user(request), evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在或无权访问") from None
    # Always an attachment, with the type checked at upload: never rendered in the site's origin.
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["Content-Disposition"] = content_disposition(evidence.name, f"evidence-{evidence.pk}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    user = _user(request)
    evidence = access_evidence(user, evidence_id)
    report = evidence.report
    if not can_edit_report(user, report):
        raise Http404("文件不存在或无权访问")
    try:
        do_remove_evidence(evidence, acting_user=user)
    except TrackingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已删除 {evidence.name}")
    return redirect("tracking:report", report.pk)


# ─── the review queue ─────────────────────────────────────────────────────────────────────────


@login_required
@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    reports = list(
        review_queue(user).select_related("task__plan", "period", "unit").order_by("submitted_at", "pk")
    )
    if _wants_xlsx(request):
        table = Table("待审核报告", ("方案", "报送周期", "序号", "任务", "单位", "类型", "版本", "报送时间", "进展", "完成比例（%）"), [
            (r.task.plan.title, r.period.name, r.task.number, r.task.title or r.task.text, r.unit.name,
             r.get_kind_display(), r.version, _date(r.submitted_at), r.get_progress_display(), r.percent)
            for r in reports
        ], facts=f"导出日期：{today().isoformat()}", sheet="待审核")  # fmt: skip
        return _xlsx(table, "待审核报告", "review")
    return _render(request, "tracking/review.html", {"reports": reports, "export_url": _export_url(request)})


# ─── supervision orders ───────────────────────────────────────────────────────────────────────


def _order_table(orders: Iterable[SupervisionOrder], day: dt.date, title: str) -> Table:
    rows: list[Sequence[Cell]] = [
        (o.serial, LEVEL_NAMES.get(o.level, o.level), o.get_status_display(), o.task.plan.title, o.task.number,
         o.task.title or o.task.text, "、".join(u.name for u in o.units.all()), o.text, _date(o.issued_at),
         _date(o.reply_deadline), "是" if o.status == OrderStatus.OPEN and o.reply_deadline < day else "",
         o.reply_text, _date(o.closed_at))
        for o in orders
    ]  # fmt: skip
    headings = ("编号", "级别", "状态", "方案", "序号", "任务", "督办单位", "督办事项", "签发时间", "回复期限", "逾期",
                "回复", "办结时间")  # fmt: skip
    return Table(title, headings, rows, facts=f"导出日期：{day.isoformat()}", sheet="督办单")


@login_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    flt = OrderFilter.from_params(request.GET)
    orders = (flt.apply(visible_orders(user)).select_related("task__plan").prefetch_related("units")
              .order_by("-year", "-seq"))  # fmt: skip
    day = today()
    if _wants_xlsx(request):
        return _xlsx(
            _order_table(orders, day, "督办单" + ("（筛选）" if not flt.is_empty() else "")),
            "督办单",
            "orders",
        )
    shown = list(orders[:LIST_LIMIT])
    return _render(
        request,
        "tracking/orders.html",
        {
            "orders": [(o, o.status == OrderStatus.OPEN and o.reply_deadline < day) for o in shown],
            "total": orders.count() if len(shown) == LIST_LIMIT else len(shown),
            "limit": LIST_LIMIT,
            "flt": flt,
            "levels": OrderLevel.choices,
            "statuses": OrderStatus.choices,
            "plans": list(
                visible_plans(user).filter(is_current=True).order_by("title").values_list("pk", "title")
            ),
            "export_url": _export_url(request),
        },
    )


def _order_page(request: HttpRequest, order: SupervisionOrder, *, reply_form: OrderReplyForm | None = None,
                close_form: OrderCloseForm | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    user = _user(request)
    open_ = order.status == OrderStatus.OPEN
    manager = can_manage_order(user, order)
    escalations = [{"at": e.get("at", "")[:16].replace("T", " "), "from": LEVEL_NAMES.get(e.get("from"), ""),
                    "to": LEVEL_NAMES.get(e.get("to"), ""), "deadline": e.get("deadline", "")}
                   for e in order.escalations]  # fmt: skip
    return _render(
        request,
        "tracking/order.html",
        {
            "order": order,
            "task": order.task,
            "plan": order.task.plan,
            "units": list(order.units.all()),
            "overdue": open_ and order.reply_deadline < today(),
            "escalations": escalations,
            "reply_form": (reply_form or OrderReplyForm())
            if open_ and can_reply_order(user, order)
            else None,
            "close_form": (close_form or OrderCloseForm())
            if manager and order.status != OrderStatus.CLOSED
            else None,
            "can_escalate": manager and open_ and order.level != OrderLevel.RED,
        },
        status=status,
    )


@login_required
@require_safe
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_page(request, access_order(_user(request), order_id))


def _order_write(
    request: HttpRequest, order_id: int, allowed: Callable[[User, SupervisionOrder], bool]
) -> tuple[User, SupervisionOrder]:
    user = _user(request)
    order = access_order(user, order_id)
    if not allowed(user, order):
        raise Http404("督办单不存在或无权访问")
    return user, order


@login_required
@require_POST
def order_reply(request: HttpRequest, order_id: int) -> HttpResponse:
    user, order = _order_write(request, order_id, can_reply_order)
    form = OrderReplyForm(request.POST)
    if form.is_valid():
        try:
            do_reply_order(order, form.cleaned_data["text"], acting_user=user)
        except TrackingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已回复督办单 {order.serial}")
            return redirect("tracking:order", order.pk)
    return _order_page(request, order, reply_form=form, status=400)


@login_required
@require_POST
def order_close(request: HttpRequest, order_id: int) -> HttpResponse:
    user, order = _order_write(request, order_id, can_manage_order)
    form = OrderCloseForm(request.POST)
    if form.is_valid():
        try:
            do_close_order(order, comment=form.cleaned_data["comment"], acting_user=user)
        except TrackingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"督办单 {order.serial} 已办结")
            return redirect("tracking:order", order.pk)
    return _order_page(request, order, close_form=form, status=400)


@login_required
@require_POST
def order_escalate(request: HttpRequest, order_id: int) -> HttpResponse:
    user, order = _order_write(request, order_id, can_manage_order)
    try:
        order = do_escalate_order(order, acting_user=user)
    except TrackingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"督办单 {order.serial} 已升级为{order.get_level_display()}督办")
    return redirect("tracking:order", order.pk)


@login_required
@require_safe
def order_docx(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access_order(_user(request), order_id)
    name = order_docx_filename(order).removesuffix(".docx")
    return download(render_order_docx(order), name=name, fallback=f"order-{order.pk}", fmt="docx")
