"""The tracking home page: each current plan's period, reports and orders at a glance."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.clock import today
from duban.plans.access import visible_plans
from duban.plans.models import Plan
from duban.tracking.access import (
    review_queue,
)
from duban.tracking.models import ReportingPeriod
from duban.tracking.queries.missing import Missing, missing_reports
from duban.tracking.queries.overviews import PlanSummary, plan_summaries
from duban.tracking.views.pages import (
    Columns,
    column_table,
    export_url,
    render_page,
    shown_date,
    wants_xlsx,
    xlsx_download,
)

HOME_COLUMNS: Columns[PlanSummary] = (
    ("方案", lambda s: s.plan.title),
    ("当前报送周期", lambda s: s.period.name if s.period else ""),
    ("报送截止", lambda s: shown_date(s.period.due) if s.period else ""),
    ("应报", lambda s: s.overview.expected if s.overview else ""),
    ("已报", lambda s: s.overview.reported if s.overview else ""),
    ("报送率（%）", lambda s: s.overview.percent if s.overview else ""),
    ("往期及本期逾期未报", lambda s: s.overdue_reports),
    ("未办结督办单", lambda s: s.open_order_count),
    ("红色", lambda s: s.open_orders.get("red", 0)),
    ("黄色", lambda s: s.open_orders.get("yellow", 0)),
    ("蓝色", lambda s: s.open_orders.get("blue", 0)),
    ("逾期未回复", lambda s: s.overdue_orders),
)


def reporter_todo(user: User, plans: QuerySet[Plan], day: dt.date) -> list[Missing]:
    """A reporter's own outstanding reports, each with a link to write it: the current period's
    and every earlier one still owed (overdue first), not only the current period's."""
    if not (user.is_reporter and user.unit_id):
        return []
    periods = ReportingPeriod.objects.filter(plan__in=plans, start__lte=day).select_related("plan")
    return [m for m in missing_reports(periods) if m.unit_id == user.unit_id]


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    day = today()
    plans = Plan.objects.filter(pk__in=visible_plans(user).filter(is_current=True).values("pk"))
    rows = plan_summaries(plans.order_by("-created_at", "-id"), day=day)
    if wants_xlsx(request):
        table = column_table(
            "督办概览", HOME_COLUMNS, rows, facts=f"统计日期：{day.isoformat()}", sheet="督办概览"
        )
        return xlsx_download(table, "督办概览", "tracking")
    mine = reporter_todo(user, plans, day)
    return render_page(
        request,
        "tracking/home.html",
        {
            "rows": rows,
            "day": day,
            "mine": mine,
            "export_url": export_url(request),
            "review_count": review_queue(user).count() if not user.is_leader else 0,
        },
    )
