"""Downloads of what the pages show: plan list, one plan, one unit's 责任清单, the directory and the
workload matrix.

Each export makes exactly the checks of the page it mirrors (access_plan, access_unit,
visible_plans …), so a missing and a forbidden object both give 404. Exports only read: they
write no audit row, and the log line names the user, the kind and the format, never content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from duban.accounts.requests import signed_in
from duban.downloads import download, table_to_csv
from duban.exports import content
from duban.exports.docx import to_docx
from duban.extract.export import to_csv, to_json
from duban.extract.model import Plan as XPlan
from duban.office.plan_xlsx import plan_to_xlsx
from duban.office.xlsx import Table, table_to_xlsx
from duban.plans.access import access_plan, access_plan_param
from duban.plans.duties import can_view_workload, workload
from duban.plans.queries import plan_tasks
from duban.plans.serialize import plan_to_x
from duban.tokens.downloads import login_or_token_required
from duban.units.access import access_unit
from duban.units.search import UnitSearch

log = logging.getLogger(__name__)

PLAN_WRITERS: dict[str, Callable[[XPlan], bytes | str]] = {
    "xlsx": plan_to_xlsx,
    "csv": to_csv,
    "json": to_json,
    "docx": to_docx,
}
TABLE_WRITERS: dict[str, Callable[[Table], bytes | str]] = {"xlsx": table_to_xlsx, "csv": table_to_csv}


def _check(fmt: str, allowed: Container[str]) -> None:
    if fmt not in allowed:
        raise Http404("不支持的导出格式")


def _log(request: HttpRequest, kind: str, fmt: str, obj: int | None = None) -> None:
    log.info("export %s%s as %s by user %s", kind, f" #{obj}" if obj else "", fmt, request.user.pk)


@login_or_token_required
@require_safe
def plans_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check(fmt, ("xlsx", "csv", "json"))
    plans = content.plan_list(signed_in(request))
    _log(request, "plans", fmt)
    data = content.plans_json(plans) if fmt == "json" else TABLE_WRITERS[fmt](content.plans_table(plans))
    return download(data, name="分解方案列表", fallback="plans", fmt=fmt)


@login_or_token_required
@require_safe
def plan_export(request: HttpRequest, plan_id: int, fmt: str) -> HttpResponse:
    _check(fmt, PLAN_WRITERS)
    user = signed_in(request)
    plan = access_plan(user, plan_id)
    selection = plan_tasks(user, plan, request.GET)
    _log(request, "plan", fmt, plan.pk)
    data = PLAN_WRITERS[fmt](plan_to_x(plan, selection.tasks))
    name = plan.title + ("（筛选）" if not selection.filter.is_empty() else "")
    return download(data, name=name, fallback=f"plan-{plan.pk}", fmt=fmt)


@login_or_token_required
@require_safe
def unit_export(request: HttpRequest, unit_id: int, fmt: str) -> HttpResponse:
    _check(fmt, ("xlsx", "csv", "docx"))
    user = signed_in(request)
    unit = access_unit(user, unit_id)
    _log(request, "unit", fmt, unit.pk)
    data = PLAN_WRITERS[fmt](content.unit_plan(user, unit))
    return download(data, name=f"{unit.name}责任清单", fallback=f"unit-{unit.pk}", fmt=fmt)


@login_or_token_required
@require_safe
def units_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check(fmt, TABLE_WRITERS)
    _log(request, "units", fmt)
    table = content.units_table(signed_in(request), UnitSearch.from_params(request.GET))
    return download(TABLE_WRITERS[fmt](table), name="单位名录", fallback="units", fmt=fmt)


@login_or_token_required
@require_safe
def workload_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check(fmt, TABLE_WRITERS)
    user = signed_in(request)
    if not can_view_workload(user):
        raise Http404("无权访问")
    plan = access_plan_param(user, request.GET.get("plan"))
    _log(request, "workload", fmt, plan.pk if plan else None)
    matrix = workload(user, plan)
    name = f"任务分布-{plan.title}" if plan else "任务分布"
    return download(
        TABLE_WRITERS[fmt](content.workload_table(matrix)), name=name, fallback="workload", fmt=fmt
    )
