"""The bulk template's layout (its columns and target slots), the tasks a unit reports on in a
period, and BulkUploadError."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.plans.models import Target, Task
from duban.tracking.models import (
    ANSWERED,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    TaskClosure,
    closed_at_moment,
)
from duban.tracking.queries.obligations import period_begins
from duban.tracking.transitions import (
    InvalidInput,
    TransitionError,
    kind_for,
)
from duban.units.models import Unit

FORMAT = "duban.bulk/1"
SHEET = "进展报送"
META_SHEET = "duban"
STATUS_LABELS = dict(Progress.choices)  # value → 未启动 …
STATUS_VALUES = {label: value for value, label in Progress.choices}
STATUS_HINT = "/".join(STATUS_LABELS.values())
MAX_ROWS = 5000  # more rows than any unit has tasks in a plan: a bigger sheet is not our template
MAX_LISTED = 200  # errors listed in the message; .errors keeps them all

# Columns, in order. The first three are hidden: they tie a row to the database.
COL_TASK, COL_LOCK, COL_TARGETS = "任务ID", "草稿版本", "指标ID"
COL_NUMBER, COL_TITLE, COL_KIND = "序号", "任务", "报送类型"
COL_STATUS, COL_PERCENT = "进展状态", "完成比例（%）"
COL_REASON, COL_NARRATIVE = "原因（滞后、暂缓必填）", "工作进展"
HIDDEN = (COL_TASK, COL_LOCK, COL_TARGETS)
INPUTS = (COL_STATUS, COL_PERCENT, COL_REASON, COL_NARRATIVE)
FIXED = (*HIDDEN, COL_NUMBER, COL_TITLE, COL_KIND, *INPUTS)
WIDTHS = {
    COL_NUMBER: 8,
    COL_TITLE: 36,
    COL_KIND: 10,
    COL_STATUS: 10,
    COL_PERCENT: 10,
    COL_REASON: 24,
    COL_NARRATIVE: 50,
}
HEADER_ROW = 3  # row 1: title; row 2: how to fill it in


def slot_headings(k: int) -> tuple[str, str, str]:
    """The column group of a task's k-th target (1-based): its name, current value, as-of date."""
    return f"指标{k}", f"指标{k}当前值", f"指标{k}数据截至"


SLOT_VALUE = re.compile(r"^指标(\d+)当前值$")
SLOT_DATE = re.compile(r"^指标(\d+)数据截至$")


class BulkUploadError(InvalidInput):
    """The upload was refused and nothing was stored. `errors` lists each problem, a cell address
    (or the row's number cell) first: "G7: 状态应为 未启动/推进中/已完成/滞后/暂缓"."""

    def __init__(self, errors: Sequence[str], *, summary: str | None = None) -> None:
        self.errors = tuple(errors)
        if summary is None:
            listed = list(self.errors[:MAX_LISTED])
            if len(self.errors) > MAX_LISTED:
                listed.append(f"……另有 {len(self.errors) - MAX_LISTED} 处")
            summary = f"报送表有 {len(self.errors)} 处错误，未保存任何内容：\n" + "\n".join(listed)
        super().__init__(summary)


@dataclass(frozen=True)
class Duty:
    task: Task
    kind: str  # ReportKind
    targets: tuple[Target, ...]


def require_reporter(user: Actor, unit: Unit, what: str) -> None:
    """Only the unit's own active reporters fill its sheet."""
    if not (isinstance(user, User) and user.is_active and user.is_reporter and user.unit_id == unit.pk):
        raise TransitionError(f"无权{what}：只有{unit.name}的填报员可以{what}")


def unit_duties(unit: Unit, period: ReportingPeriod) -> dict[int, Duty]:
    """The tasks of the period's plan that the unit reports or contributes to, in plan order:
    those the period owes (queries.obligations: not closed when the period began)."""
    tasks = (
        Task.objects.filter(plan_id=period.plan_id, responsibilities__unit=unit)
        .exclude(pk__in=TaskClosure.objects.filter(closed_at_moment(period_begins(period))).values("task_id"))
        .distinct()
        .order_by("order", "pk")
        .prefetch_related("responsibilities", "targets")
    )
    out = {}
    for task in tasks:
        kind = kind_for([(r.unit_id, r.role) for r in task.responsibilities.all()], unit.pk)
        if kind is not None:
            out[task.pk] = Duty(task, kind, tuple(task.targets.all()))
    return out


def unit_reports(
    unit: Unit, period: ReportingPeriod
) -> tuple[dict[int, ProgressReport], dict[int, ProgressReport]]:
    """The unit's drafts and current answers for the period, by task id."""
    drafts, answers = {}, {}
    for r in ProgressReport.objects.filter(period=period, unit=unit).prefetch_related("values"):
        if r.status == ReportStatus.DRAFT:
            drafts[r.task_id] = r
        elif r.status in ANSWERED:
            answers[r.task_id] = r
    return drafts, answers
