"""The demo's directory and its work for today: the names the demo documents give one unit in two
ways merged (as an office would from the page of suggested merges), and the current quarter as a
reporting period with some reports already sent, so that every demo account lands on work of its
own. Called by duban.web.demo's seeding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

# The same body printed two ways in the demo documents: (kept name, names merged into it). The
# administrator merges them after the import, as an office would from the page of suggested
# merges (duban.units.suggestions), so that no unit's tasks and scores are split.
DEMO_MERGES = (
    ("宜阳公安分局", ("宜阳公安局",)),
    ("工程建设管理局", ("工程局", "工程管理局")),
    ("市场监督管理局宜阳分局", ("市监分局",)),
    ("经济发展局", ("经发局",)),
    ("综合行政执法宜阳分局", ("综合行政执法分局",)),
    ("大数据产业集团有限公司", ("大数据集团有限公司",)),
    ("综治办", ("综治办(司法)",)),
    ("人民银行南京分行银管部", ("人行南京分行银管部", "人行南京分行营管部")),
    ("市民族宗教事务局", ("市民宗局",)),
    ("市国土资源局", ("市国土局",)),
    ("市食品药品监督管理局", ("市药监局",)),
    ("市政府外办", ("市外办",)),
)


def merge_split_names(admin: Any, stdout: Any) -> int:
    """DEMO_MERGES, through the audited merge action. Returns how many names were merged."""
    from duban.units.actions import do_merge_units
    from duban.units.models import Unit

    merged = 0
    for keep_name, gone_names in DEMO_MERGES:
        keep = Unit.objects.filter(name=keep_name).first()
        for gone in Unit.objects.filter(name__in=gone_names).order_by("name"):
            if keep is not None:
                do_merge_units(keep, gone, acting_user=admin)
                merged += 1
    stdout.write(f"已合并同一单位的不同写法：{merged} 个名称\n")
    return merged


# ---------------------------------------------------------------------------------------------
# Work for today: the current quarter as a reporting period of the 004 plans, so that every demo
# account lands on something of its own: the reporters on their reports to write, the manager on
# reports to review, the leader on this quarter's figures.

CURRENT_REPORTERS = 3  # units whose report of this quarter waits for review


def quarter(day: dt.date) -> tuple[str, dt.date, dt.date, dt.date]:
    """(name, start, end, due) of the quarter holding `day`; due ten days after it ends."""
    q = (day.month - 1) // 3
    start = dt.date(day.year, 3 * q + 1, 1)
    end = (dt.date(day.year + 1, 1, 1) if q == 3 else dt.date(day.year, 3 * q + 4, 1)) - dt.timedelta(days=1)
    return f"{day.year}年第{'一二三四'[q]}季度", start, end, end + dt.timedelta(days=10)


def seed_current_work(
    manager: Any,
    stdout: Any,
    *,
    plan_source: str,
    own_units: set[str],
    reporters: Callable[[list[Any]], dict[int, Any]],
) -> list[Any]:
    """The current quarter's period for the plan imported from `plan_source` and its bundled
    lists, and the reports of a few units already sent (the units of `own_units`, the demo
    accounts', are left theirs to write). `reporters` gives each reporting unit its reporter."""
    from duban import clock
    from duban.plans.models import Plan, Task
    from duban.tracking.actions.drafts import do_save_draft
    from duban.tracking.actions.periods import do_add_period
    from duban.tracking.actions.report_data import ReportData
    from duban.tracking.actions.submissions import do_submit_report
    from duban.tracking.models import Progress
    from duban.tracking.transitions import reporting_unit_ids, task_roles

    plan = Plan.objects.filter(source__name=plan_source, parent=None).first()
    if plan is None:
        return []
    plans = [plan, *plan.children.order_by("pk")]
    name, start, end, due = quarter(clock.today())
    periods = {p.pk: do_add_period(p, name, start, end, due, acting_user=manager) for p in plans}
    by_unit = reporters(plans)
    sent: list[Any] = []
    # Tasks without targets: a report of them needs no indicator figures.
    tasks = (
        Task.objects.filter(plan__in=plans, targets__isnull=True)
        .order_by("plan_id", "order")
        .prefetch_related("responsibilities")
    )
    for task in tasks:
        for unit_id in sorted(reporting_unit_ids(task_roles(task))):
            user = by_unit.get(unit_id)
            if user is None or user.unit.name in own_units or any(r.unit_id == unit_id for r in sent):
                continue
            data = ReportData(
                progress=Progress.IN_PROGRESS,
                percent=60,
                narrative="本季度按计划推进，已完成阶段性工作。",
                values={},
            )
            report = do_save_draft(task, periods[task.plan_id], data, acting_user=user)
            sent.append(do_submit_report(report, acting_user=user))
            break
        if len(sent) >= CURRENT_REPORTERS:
            break
    stdout.write(f"已生成本期报送周期：{name}（{len(sent)} 份报告待审核）\n")
    return sent
