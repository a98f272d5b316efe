"""Implementation tracking: reporting periods, progress reports, reviews, supervision orders, and
the kinds of notification tracking sends (through duban.notifications).

Statuses change only through duban.tracking.actions, which checks every change against the
transition tables in duban.tracking.transitions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from duban import limits

# ---------------------------------------------------------------------------------------------
# Reporting periods


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "按月"
    QUARTERLY = "quarterly", "按季度"
    HALF_YEARLY = "half_yearly", "按半年"
    YEARLY = "yearly", "按年"


class ReportingPeriod(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="periods")
    name = models.CharField("名称", max_length=64)
    start = models.DateField("开始")
    end = models.DateField("结束")
    due = models.DateField("报送截止")

    class Meta:
        ordering = ["plan", "start", "end"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "start", "end"], name="period_plan_span"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class PeriodSpec:
    name: str
    start: dt.date
    end: dt.date
    due: dt.date


_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


def _due_after(end: dt.date, due_day: int) -> dt.date:
    """Day `due_day` of the month after `end`, clamped to that month's length."""
    year, month = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
    return dt.date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


def period_specs(year: int, frequency: str, due_day: int) -> list[PeriodSpec]:
    """The periods of one year; each is due on `due_day` of the month after it ends."""
    if not 1 <= due_day <= 31:
        raise ValueError(f"报送日应为 1–31，而不是 {due_day}")
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}
    if frequency not in months:
        raise ValueError(f"未知的报送周期“{frequency}”")
    step = months[Frequency(frequency)]
    out = []
    for i, first in enumerate(range(1, 13, step)):
        last = first + step - 1
        start = dt.date(year, first, 1)
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
        if step == 1:
            name = f"{year}年{first}月"
        elif step == 3:
            name = f"{year}年{_QUARTERS[i]}"
        elif step == 6:
            name = f"{year}年{'上' if i == 0 else '下'}半年"
        else:
            name = f"{year}年度"
        out.append(PeriodSpec(name, start, end, _due_after(end, due_day)))
    return out


# ---------------------------------------------------------------------------------------------
# Progress reports


class ReportKind(models.TextChoices):
    REPORT = "report", "任务报告"  # the lead unit's report for the task
    CONTRIBUTION = "contribution", "配合材料"  # a partner's contribution to the lead's report


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"
    SUPERSEDED = "superseded", "已更正"


# A report in one of these is the unit's current answer for the period (at most one at a time).
ANSWERED = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED)


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    LAGGING = "lagging", "滞后"
    PAUSED = "paused", "暂缓"


# These claims must say why.
NEEDS_REASON = (Progress.LAGGING, Progress.PAUSED)


class ProgressReport(models.Model):
    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("类型", max_length=16, choices=ReportKind.choices)
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    progress = models.CharField("进展", max_length=16, choices=Progress.choices, default=Progress.IN_PROGRESS)
    reason = models.TextField("原因", blank=True, max_length=limits.COMMENT)
    percent = models.PositiveSmallIntegerField(
        "完成比例（%）", default=0, validators=[MaxValueValidator(100)]
    )
    narrative = models.TextField("工作进展", blank=True, max_length=limits.NARRATIVE)
    # A correction is a new version; the one it corrects becomes SUPERSEDED when it is submitted.
    version = models.PositiveIntegerField("版本", default=1)
    previous = models.ForeignKey(
        "self", verbose_name="更正的版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic concurrency: every save of a draft bumps it; a save from a stale form is refused.
    lock_version = models.PositiveIntegerField(default=0)
    # Returns across all versions of this (task, period, unit): two make the task's light red.
    returned_count = models.PositiveSmallIntegerField("退回次数", default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField("审核意见", blank=True, max_length=limits.COMMENT)
    # When it was accepted. The status says so only until a correction supersedes the report, and
    # reviewed_at is set by a return too: the assessment needs to know which superseded reports
    # had been the accepted answer, and as of when.
    accepted_at = models.DateTimeField("通过时间", null=True, blank=True)

    class Meta:
        ordering = ["period__start", "task__order", "kind", "unit__name", "-version"]
        indexes = [
            models.Index(fields=["task", "period"]),
            models.Index(fields=["period", "status"]),
            models.Index(fields=["unit", "status"]),
            # The assessment's completion query (duban.assessment.engine.gather): only the task
            # reports claiming 已完成, a small share of all, with every column the query reads, so
            # neither database touches the table (kind and progress too: SQLite counts an index
            # as covering only when it holds every column the query names).
            models.Index(
                fields=[
                    "task",
                    "period",
                    "status",
                    "reviewed_at",
                    "submitted_at",
                    "unit",
                    "kind",
                    "progress",
                ],
                condition=Q(kind="report", progress="done"),
                name="report_done_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "period", "unit", "version"], name="report_version"),
            # At most one draft and at most one current answer per unit, task and period: two people
            # starting the same report or the same correction at once cannot both succeed.
            models.UniqueConstraint(
                fields=["task", "period", "unit"], condition=Q(status="draft"), name="report_one_draft"
            ),
            models.UniqueConstraint(
                fields=["task", "period", "unit"],
                condition=Q(status__in=["submitted", "returned", "accepted"]),
                name="report_one_answer",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.unit} v{self.version}（{self.get_status_display()}）"


class IndicatorValue(models.Model):
    """The figure a report gives for one of the task's targets."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey("plans.Target", on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField("当前值", max_digits=16, decimal_places=6)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    as_of = models.DateField("数据截至")

    class Meta:
        ordering = ["target__order"]
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="value_per_report_target")]

    def __str__(self) -> str:
        return f"{self.value.normalize():f}{self.unit}（{self.as_of}）"


class Evidence(models.Model):
    """An evidence file. Never served directly: downloads go through access.access_evidence."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    # Stored under a random name; a correction's copy points at the same file.
    file = models.FileField(upload_to="evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class TaskClosure(models.Model):
    """销号: a task closed by accepting a report that claims it is done.

    Kept when the task is reopened (reopened_at set) rather than deleted: a period's figures ask
    whether a task was closed when the period began, and a later reopening must not change the
    answer for periods already past. At most one closure of a task is in force at a time."""

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="closures")
    report = models.ForeignKey(ProgressReport, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField("撤销销号时间", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["closed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(reopened_at__isnull=True), name="closure_one_in_force"
            )
        ]
        indexes = [models.Index(fields=["task", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.task} 已销号"

    @staticmethod
    def current() -> models.QuerySet[TaskClosure]:
        """The closures in force now (the tasks closed today)."""
        return TaskClosure.objects.filter(reopened_at__isnull=True)


def closed_at_moment(moment: dt.datetime) -> Q:
    """Closures in force at `moment` (for TaskClosure.objects.filter): made before it and not
    reopened by then."""
    return Q(closed_at__lt=moment) & (Q(reopened_at__isnull=True) | Q(reopened_at__gte=moment))


# ---------------------------------------------------------------------------------------------
# Supervision orders


class OrderLevel(models.TextChoices):
    BLUE = "blue", "蓝色"
    YELLOW = "yellow", "黄色"
    RED = "red", "红色"


LEVEL_ORDER = [OrderLevel.BLUE, OrderLevel.YELLOW, OrderLevel.RED]


class OrderStatus(models.TextChoices):
    OPEN = "open", "待回复"
    REPLIED = "replied", "已回复"
    CLOSED = "closed", "已办结"


class SupervisionOrder(models.Model):
    """督办单: issued on a task to its units, with a reply deadline and a level that escalates."""

    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    serial = models.CharField("编号", max_length=32, unique=True)
    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="orders")
    units = models.ManyToManyField("units.Unit", verbose_name="督办单位", related_name="orders")
    level = models.CharField("级别", max_length=8, choices=OrderLevel.choices, default=OrderLevel.BLUE)
    status = models.CharField("状态", max_length=8, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    text = models.TextField("督办事项", max_length=limits.ORDER)
    reply_deadline = models.DateField("回复期限")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_text = models.TextField("回复", blank=True, max_length=limits.NARRATIVE)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_comment = models.TextField("办结意见", blank=True, max_length=limits.COMMENT)
    # [{"at": iso, "from": level, "to": level, "deadline": iso, "by": user id or null}, …]
    escalations = models.JSONField("升级记录", default=list, blank=True)

    class Meta:
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="order_serial_per_year")]
        indexes = [models.Index(fields=["status", "reply_deadline"])]

    def __str__(self) -> str:
        return self.serial


# ---------------------------------------------------------------------------------------------
# Notification kinds (the notifications themselves are in duban.notifications)


class NotificationKind(models.TextChoices):
    """What tracking tells people; registered with duban.notifications.kinds in TrackingConfig.ready()."""

    DUE_SOON = "due_soon", "报送提醒"
    REPORT_OVERDUE = "report_overdue", "逾期未报"
    REPORT_SUBMITTED = "report_submitted", "报告待审核"
    REPORT_RETURNED = "report_returned", "报告被退回"
    REPORT_ACCEPTED = "report_accepted", "报告已通过"
    ORDER_ISSUED = "order_issued", "督办通知"
    ORDER_REPLIED = "order_replied", "督办回复"
    ORDER_OVERDUE = "order_overdue", "督办逾期"
    ORDER_ESCALATED = "order_escalated", "督办升级"
    DIGEST = "digest", "每日汇总"
