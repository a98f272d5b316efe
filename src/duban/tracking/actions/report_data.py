"""What a unit fills in (ReportData, its figures, its files) and the rules it must meet to be
stored and to be submitted; shared by the actions on drafts, submissions and bulk uploads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from duban import limits
from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.clock import today
from duban.dbinsert import insert_rows
from duban.limits import too_long
from duban.plans.models import Target, Task
from duban.tracking.models import (
    NEEDS_REASON,
    IndicatorValue,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
)
from duban.tracking.transitions import (
    InvalidInput,
    ReportAction,
    TransitionError,
)

STALE_DRAFT = "该草稿已被他人修改，请刷新后重试"


@dataclass(frozen=True)
class IndicatorInput:
    value: Decimal
    unit: str | None = None  # None: the target's own unit
    as_of: dt.date | None = None  # None: the period's end, or today if the period has not ended


@dataclass(frozen=True)
class ReportData:
    """What a unit fills in; `values` maps a target id of the task to its current figure."""

    progress: str = Progress.IN_PROGRESS
    reason: str = ""
    percent: int = 0
    narrative: str = ""
    values: Mapping[int, IndicatorInput] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceInput:
    name: str
    data: bytes


def check_data(data: ReportData) -> None:
    # The forms refuse these too; the bulk entry's rows and any other caller come through here.
    for problem in (
        too_long("原因", data.reason, limits.COMMENT),
        too_long("工作进展", data.narrative, limits.NARRATIVE),
    ):
        if problem:
            raise InvalidInput(problem)
    if data.progress not in Progress.values:
        raise InvalidInput(f"未知的进展状态“{data.progress}”")
    if not isinstance(data.percent, int) or not 0 <= data.percent <= 100:
        raise InvalidInput(f"完成比例应为 0–100 的整数，而不是“{data.percent}”")
    for target_id, v in data.values.items():
        try:
            ok = Decimal(v.value).is_finite() and abs(Decimal(v.value)) < Decimal(10) ** 10
        except (InvalidOperation, TypeError, ValueError):
            ok = False
        if not ok:
            raise InvalidInput(f"指标 {target_id} 的数值“{v.value}”无效")


def percent_problem(progress: str, percent: int) -> str:
    """The progress state and the percentage must agree: 未启动 is 0 %, 已完成 is 100 %, and
    推进中 / 滞后 / 暂缓 are below 100 % (a task at 100 % is 已完成). "" when they agree."""
    label = Progress(progress).label if progress in Progress.values else progress
    if progress == Progress.NOT_STARTED and percent != 0:
        return f"进展为“{label}”时完成比例应为 0%，而不是 {percent}%"
    if progress == Progress.DONE and percent != 100:
        return f"进展为“{label}”时完成比例应为 100%，而不是 {percent}%"
    if progress != Progress.DONE and percent >= 100:
        return f"完成比例为 {percent}% 时进展应为“已完成”，而不是“{label}”"
    return ""


def _incomplete(kind: str, data: ReportData, given: Iterable[int], targets: Iterable[Target]) -> str:
    problem = ""
    if not data.narrative.strip():
        problem = "请填写工作进展后再报送"
    elif data.progress in NEEDS_REASON and not data.reason.strip():
        problem = f"进展为“{Progress(data.progress).label}”时必须说明原因"
    elif disagreement := percent_problem(data.progress, data.percent):
        problem = disagreement
    elif kind == ReportKind.REPORT:
        have = set(given)
        missing = [str(t) for t in targets if t.pk not in have]
        if missing:
            problem = f"请填写指标的当前值：{'、'.join(missing)}"
    return problem


def submit_problem(kind: str, task: Task, data: ReportData) -> str:
    """Why a report (or contribution) holding `data` could not be submitted yet; "" if it could."""
    return _incomplete(kind, data, data.values, task.target_list)


def check_complete(report: ProgressReport) -> None:
    """What a report must hold before it is submitted."""
    data = ReportData(
        progress=report.progress, reason=report.reason, percent=report.percent, narrative=report.narrative
    )
    given = report.values.values_list("target_id", flat=True) if report.kind == ReportKind.REPORT else ()
    problem = _incomplete(report.kind, data, given, report.task.target_list)
    if problem:
        raise InvalidInput(problem)


def store_values(report: ProgressReport, data: ReportData, *, new: bool = False) -> None:
    targets = {t.pk: t for t in report.task.target_list}
    unknown = [str(k) for k in data.values if k not in targets]
    if unknown:
        raise InvalidInput(f"指标 {'、'.join(unknown)} 不属于该任务")
    default_day = min(today(), report.period.end)
    if not new:
        IndicatorValue.objects.filter(report=report).delete()
    insert_rows(
        IndicatorValue,
        [
            IndicatorValue(
                report=report,
                target=targets[k],
                value=Decimal(v.value),
                unit=(targets[k].unit if v.unit is None else v.unit)[:20],
                as_of=v.as_of or default_day,
            )
            for k, v in data.values.items()
        ],
    )


def snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "progress": report.progress,
        "reason": report.reason,
        "percent": report.percent,
        "narrative": report.narrative,
        "lock_version": report.lock_version,
    }


def reporting_unit(task: Task, period: ReportingPeriod, acting_user: Actor) -> tuple[User, int]:
    """The acting user and the unit it starts a report for (its own), once the period is the task's."""
    if period.plan_id != task.plan_id:
        raise InvalidInput("报送周期不属于该任务所在的方案")
    if not isinstance(acting_user, User) or acting_user.unit_id is None:
        raise TransitionError(f"无权{ReportAction.SAVE.label}：只有任务责任单位的填报员可以填报")
    return acting_user, acting_user.unit_id


def lock_report(report: ProgressReport) -> ProgressReport:
    # of=("self",): lock the report row only, not the plan, task, period and unit rows joined in.
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("task__plan", "period", "unit")
        .get(pk=report.pk)
    )
