"""Plans as the platform keeps them: Plan ─ Section ─ Task ─ Responsibility(unit, role) ─ Target."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connections, models, router
from django.utils.functional import cached_property

from duban.office.text import target_text


class Role(models.TextChoices):
    LEAD = "lead", "牵头"
    PARTNER = "partner", "配合"
    RESPONSIBLE = "responsible", "责任"
    IMPLEMENTER = "implementer", "实施"


def reporting_unit_ids(roles: Iterable[tuple[int, str]]) -> set[int]:
    """Who reports a task (submits its progress report): its lead units; where the document names
    no lead, its responsible / implementing units (each answers for the task). Partners only
    contribute: a task with only partners, or with no unit, has nobody obliged to report, and the
    plan page and the period overview say so."""
    roles = list(roles)
    leads = {u for u, r in roles if r == Role.LEAD}
    return leads or {u for u, r in roles if r in (Role.RESPONSIBLE, Role.IMPLEMENTER)}


class Comparator(models.TextChoices):
    GE = ">=", "不低于"
    LE = "<=", "不高于"
    GT = ">", "高于"
    LT = "<", "低于"
    EQ = "=", "等于"


class Change(models.TextChoices):
    INCREASE = "increase", "增长"
    DECREASE = "decrease", "下降"


class SourceDocument(models.Model):
    """The original file a plan was imported from, kept as uploaded."""

    file = models.FileField(upload_to="documents/%Y/%m/")
    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    # Versions of one plan share a series; importing a revised document adds a version.
    series = models.UUIDField(default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    title = models.CharField("名称", max_length=300)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    date = models.DateField("发文日期", null=True, blank=True)
    issuer = models.CharField("发文单位", max_length=200, blank=True)
    total_points = models.DecimalField("总分", max_digits=8, decimal_places=2, null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级方案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="管理员", blank=True, related_name="managed_plans"
    )
    shared_with_all = models.BooleanField("向所有单位公开", default=False)
    created_at = models.DateTimeField()
    warnings = models.JSONField("文档问题", default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["series", "version"], name="plan_series_version")]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField("标题", max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    number = models.CharField("序号", max_length=32)
    title = models.CharField("任务", max_length=300, blank=True)
    text = models.TextField("目标要求", blank=True)
    points = models.DecimalField("分值", max_digits=8, decimal_places=2, null=True, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("时限（原文）", max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)
    # In a district's decomposition of a city plan, the city task this one implements.
    parent_task = models.ForeignKey(
        "self",
        verbose_name="上级任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_tasks",
    )

    class Meta:
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["plan", "order"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title or self.text[:30]}"

    # Read once per instance (from a prefetch when there is one): a report's checks, form and
    # write each ask for them, and an instance lives for one request or one action. Without a
    # prefetch they are read in their order within this task: the models' default ordering starts
    # with "task", which joins the task table and sorts by its plan and order, for nothing here
    # (and building that query costs more than running it).
    @cached_property
    def role_pairs(self) -> list[tuple[int, str]]:
        """(unit id, role) of each responsibility."""
        if "responsibilities" in getattr(self, "_prefetched_objects_cache", {}):
            return [(r.unit_id, r.role) for r in self.responsibilities.all()]
        # Two plain columns of one task, read on every report and order: a plain SELECT (the ORM
        # takes ten times as long to build the query as the database to answer it).
        connection = connections[router.db_for_read(Responsibility)]
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('unit_id')}, {qn('role')} FROM {qn(Responsibility._meta.db_table)} "
                f"WHERE {qn('task_id')} = %s ORDER BY {qn('order')}, {qn('id')}",
                [self.pk],
            )
            return [(unit_id, role) for unit_id, role in cursor.fetchall()]

    @cached_property
    def target_list(self) -> list[Target]:
        if "targets" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.targets.all())
        return list(Target.objects.filter(task_id=self.pk).order_by("order", "pk"))


class Responsibility(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="responsibilities")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"


class Target(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField("指标", max_length=200)
    cmp = models.CharField("比较", max_length=2, choices=Comparator.choices)
    value = models.DecimalField("目标值", max_digits=16, decimal_places=6)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    change = models.CharField("变化", max_length=10, choices=Change.choices, blank=True)
    by_year = models.PositiveIntegerField("期限（年）", null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]

    def __str__(self) -> str:
        return target_text(self.metric, self.cmp, self.value, self.unit, self.change, self.by_year)


class Deduction(models.Model):
    """A negative-list item: its rules as extracted (per incident, levels, threshold/step/cap)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deductions")
    number = models.CharField(max_length=32)
    item = models.CharField("扣分事项", max_length=300)
    rules = models.JSONField(default=list)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]


class ImportStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已导入"
    CANCELLED = "cancelled", "已取消"


class ImportDraft(models.Model):
    """An extracted plan waiting for the manager's corrections and confirmation."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    source = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="drafts")
    plan_json = models.JSONField()
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    # Importing a revised document: the series it becomes the next version of.
    revises = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
