"""The tracking home page: each current plan's period, reports and orders at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from duban.accounts.requests import signed_in
from duban.clock import today
from duban.office.xlsx import Table
from duban.plans.access import visible_plans
from duban.plans.models import Plan
from duban.tracking.access import (
    review_queue,
)
from duban.tracking.queries.missing import Missing
from duban.tracking.queries.overviews import plan_summaries
from duban.tracking.views.pages import (
    export_url,
    render_page,
    shown_date,
    wants_xlsx,
    xlsx_download,
)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    day = today()
    plans = Plan.objects.filter(pk__in=visible_plans(user).filter(is_current=True).values("pk"))
    rows = plan_summaries(plans.order_by("-created_at", "-id"), day=day)
    if wants_xlsx(request):
        table = Table("督办概览", ("方案", "当前报送周期", "报送截止", "应报", "已报", "报送率（%）", "往期及本期逾期未报",
                                 "未办结督办单", "红色", "黄色", "蓝色", "逾期未回复"), [
            (s.plan.title, s.period.name if s.period else "", shown_date(s.period.due) if s.period else "",
             s.overview.expected if s.overview else "", s.overview.reported if s.overview else "",
             s.overview.percent if s.overview else "", s.overdue_reports, s.open_order_count,
             s.open_orders.get("red", 0), s.open_orders.get("yellow", 0), s.open_orders.get("blue", 0),
             s.overdue_orders)
            for s in rows
        ], facts=f"统计日期：{day.isoformat()}", sheet="督办概览")  # fmt: skip
        return xlsx_download(table, "督办概览", "tracking")
    # A reporter's own outstanding reports, with a link to write each.
    mine: list[Missing] = []
    if user.is_reporter and user.unit_id:
        for s in rows:
            if s.overview is not None:
                mine.extend(m for m in s.overview.missing if m.unit_id == user.unit_id)
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
