"""The task page: its light, each unit's report for each period, the targets' charts, the
timeline and the orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.clock import today
from duban.plans.access import access_task, can_manage
from duban.plans.models import Task
from duban.tracking.access import (
    visible_orders,
    visible_reports,
)
from duban.tracking.forms import (
    OrderIssueForm,
)
from duban.tracking.lights import Color, rules_text, task_light
from duban.tracking.models import (
    ReportingPeriod,
    ReportKind,
)
from duban.tracking.queries.grids import GridCell, report_grid
from duban.tracking.queries.series import target_series
from duban.tracking.queries.timelines import task_timeline
from duban.tracking.views.charts import target_charts
from duban.tracking.views.pages import (
    COLOR_NAMES,
    render_page,
)


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


def task_page(
    request: HttpRequest, task: Task, *, issue_form: OrderIssueForm | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    day = today()
    plan = task.plan
    light = task_light(task, day=day)
    periods = list(plan.periods.order_by("start", "end"))
    reports = visible_reports(user)
    grid = [
        (row.period, [_cell_view(c, row.period, task, user, day) for c in row.cells])
        for row in report_grid(task, periods, reports)
    ]
    series = target_series(task, reports.filter(task=task))
    manager = can_manage(user, plan)
    resps = list(task.responsibilities.select_related("unit").order_by("order"))
    if manager and issue_form is None:
        issue_form = OrderIssueForm(
            units=[(r.unit_id, f"{r.unit.name}（{r.get_role_display()}）") for r in resps]
        )
    rules = rules_text()
    return render_page(
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
            "timeline": list(task_timeline(task, user)[:200]),
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
    return task_page(request, access_task(signed_in(request), task_id))
