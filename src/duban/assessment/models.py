"""Assessment: scoring schemes, indicator rules, negative list, annual assessments and rankings.

Scheme ─ SchemeItem (points and a scoring method per item) ─ DeductionRule (the negative list as
extracted) ─ VetoItem ─ BonusItem; Assessment (one per scheme: a run as of a date) ─ Result (per
unit: total, sections, rank, grade) ─ ResultLine (every point with its source; what it says is a
LineText, shared by the lines that say the same) ─ Appeal.
Incidents and ManualGrades are the assessment's inputs besides the reports.

Statuses change only through duban.assessment.actions. Incidents are counts and rates per unit
(件数、发案率): never records about persons.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from duban import limits
from duban.assessment.scoring import hundred_scale


class Assessed(models.TextChoices):
    LEAD = "lead", "牵头单位"
    ALL = "all", "全部责任单位"
    DISTRICTS = "districts", "各区县（实施单位）"


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "已启用"


class Method(models.TextChoices):
    MANUAL = "manual", "人工评分"
    COMPLETION = "completion", "完成情况"
    INDICATOR = "indicator", "指标完成值"
    CHECKLIST = "checklist", "评分细则"


class RankBy(models.TextChoices):  # the one measure a scheme ranks and grades by
    RATE = "rate", "百分制折算（得分 ÷ 满分 × 100）"
    POINTS = "points", "原始总分"


def default_grade_bands() -> list[dict[str, Any]]:
    """Grade bands, highest first: the minimum share (%) of the unit's maximum and the grade."""
    return [{"min": "90", "grade": "优秀"}, {"min": "80", "grade": "良好"}, {"min": "60", "grade": "合格"}]


class Scheme(models.Model):
    """考核方案: a plan's points for one assessment period, with who is assessed and how."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name="方案", on_delete=models.PROTECT, related_name="schemes"
    )
    name = models.CharField("名称", max_length=200)
    period_label = models.CharField("考核期", max_length=64)
    period_start = models.DateField("考核期开始")
    period_end = models.DateField("考核期结束")
    assessed = models.CharField("考核对象", max_length=16, choices=Assessed.choices, default=Assessed.LEAD)
    # A partner earns this share of the lead's points on the item (0: partners are not scored).
    partner_coefficient = models.DecimalField(
        "配合单位系数", max_digits=4, decimal_places=3, default=Decimal(0)
    )
    # Ranks and grades use this one measure: the score on a 100-point scale by default (units
    # answering for more items would otherwise win on raw points); raw points where every unit
    # has the same maximum and the office wants them. Grade bands are in the measure's terms.
    rank_by = models.CharField("排名与等次依据", max_length=8, choices=RankBy.choices, default=RankBy.RATE)
    grade_bands = models.JSONField("等次", default=default_grade_bands)
    lowest_grade = models.CharField("最低等次", max_length=16, default="不合格")
    late_fraction = models.DecimalField(
        "逾期完成得分比例", max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    bonus_cap = models.DecimalField("加分上限", max_digits=8, decimal_places=2, null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="scheme_period_order"
            ),
            models.CheckConstraint(
                condition=Q(partner_coefficient__gte=0, partner_coefficient__lte=1),
                name="scheme_partner_coefficient_0_1",
            ),
            models.CheckConstraint(
                condition=Q(late_fraction__gte=0, late_fraction__lte=1), name="scheme_late_fraction_0_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeItem(models.Model):
    """One scored item: usually a task of the plan with its points, scored by one method."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey(
        "plans.Task", verbose_name="任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    section = models.CharField("部分", max_length=200, blank=True)
    number = models.CharField("序号", max_length=32, blank=True)
    name = models.CharField("考核项目", max_length=300)
    max_points = models.DecimalField("分值", max_digits=8, decimal_places=2)
    method = models.CharField("评分方法", max_length=16, choices=Method.choices, default=Method.COMPLETION)
    # The item is worth max_points × weight.
    weight = models.DecimalField("权重", max_digits=6, decimal_places=3, default=Decimal(1))
    indicator_target = models.ForeignKey(
        "plans.Target",
        verbose_name="指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {"bands": [[completion ratio ≥, share of points], …] highest first (empty: proportional),
    #  "baseline": number, "baselines": {unit id: number}} (baselines for relative changes)
    bands = models.JSONField("档次设置", default=dict, blank=True)
    # [{"name": "建立台账", "points": "2"}, …]
    criteria = models.JSONField("评分细则", default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=0), name="scheme_item_points_not_negative"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="scheme_item_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

    @property
    def points(self) -> Decimal:
        """What the item is worth: its points × its weight."""
        return (self.max_points * self.weight).quantize(Decimal("0.01"))


class DeductionRule(models.Model):
    """A negative-list item, its rules as extracted (duban.plan/1 deductions[].rules[])."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="deduction_rules")
    number = models.CharField("序号", max_length=32, blank=True)
    item = models.CharField("扣分事项", max_length=300)
    rules = models.JSONField("规则", default=list)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]

    def __str__(self) -> str:
        return self.item


class VetoItem(models.Model):
    """一票否决: an incident of this kind makes the unit's total 0 and its grade the lowest."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="vetoes")
    name = models.CharField("否决事项", max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]

    def __str__(self) -> str:
        return self.name


class BonusItem(models.Model):
    """加分项: points per award, at most `cap` on this item (the scheme's bonus_cap holds the total)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="bonuses")
    name = models.CharField("加分事项", max_length=300)
    points = models.DecimalField("每项加分", max_digits=8, decimal_places=2)
    cap = models.DecimalField("本项上限", max_digits=8, decimal_places=2, null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="bonus_points_positive")]

    def __str__(self) -> str:
        return self.name


class AssessmentStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已定稿"
    PUBLISHED = "published", "已公布"


class Assessment(models.Model):
    """The assessment of a scheme's period: computed as of a date, then closed and published."""

    scheme = models.OneToOneField(Scheme, on_delete=models.PROTECT, related_name="assessment")
    status = models.CharField(
        "状态", max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN
    )
    as_of = models.DateField("数据截至")
    # The assessment of the previous period of the same plan, for the change in rank and total.
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    # Grades or incidents changed since the last computation.
    stale = models.BooleanField("需重新计算", default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"at": iso, "by": user id, "from": status, "reason": text}, …]
    reopenings = models.JSONField("重新打开记录", default=list, blank=True)

    class Meta:
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme}（{self.get_status_display()}）"


class Result(models.Model):
    """A unit's score: the sum of its lines (0 when vetoed, never below 0), its rank and grade."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("总分", max_digits=10, decimal_places=2)
    max_points = models.DecimalField("满分", max_digits=10, decimal_places=2)
    item_points = models.DecimalField("项目得分", max_digits=10, decimal_places=2)
    deductions = models.DecimalField("扣分", max_digits=10, decimal_places=2)
    bonus = models.DecimalField("加分", max_digits=10, decimal_places=2)
    vetoed = models.CharField("一票否决", max_length=300, blank=True)
    # [{"section": label, "points": "…", "max": "…"}, …] in the scheme's order
    sections = models.JSONField("分项得分", default=list)
    rank = models.PositiveIntegerField("名次")
    grade = models.CharField("等次", max_length=16)
    previous_total = models.DecimalField("上期总分", max_digits=10, decimal_places=2, null=True, blank=True)
    previous_rank = models.PositiveIntegerField("上期名次", null=True, blank=True)
    computed_at = models.DateTimeField()
    # Hashes of the lines, ten lines a hash (duban.assessment.storage.digest): a recomputation
    # rewrites only the blocks of lines that changed.
    digest = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="result_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.total}"

    @property
    def score(self) -> Decimal:
        """百分制得分: the total on a 100-point scale (scoring.hundred_scale)."""
        return hundred_scale(self.total, self.max_points)

    @property
    def total_change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


class LineKind(models.TextChoices):
    ITEM = "item", "得分"
    DEDUCTION = "deduction", "扣分"
    BONUS = "bonus", "加分"
    VETO = "veto", "一票否决"


class LineText(models.Model):
    """What a line says — its section, item, kind, points, maximum and reason — kept once per
    assessment and shared by every line that says the same: 3,000 districts × 100 items say a
    few thousand different things, so each of the 300,000 lines is a few integers.

    Never changed once written (a line that says something else points at another text); `sig`
    is the engine's signature of the content (duban.assessment.engine.line_sig), by which a
    recomputation finds the texts it can reuse. Texts no line uses any more are removed by the
    next full computation."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    sig = models.CharField(max_length=32)
    section = models.CharField("部分", max_length=200, blank=True)
    label = models.CharField("项目", max_length=300)
    kind = models.CharField("类型", max_length=12, choices=LineKind.choices)
    points = models.DecimalField("得分", max_digits=10, decimal_places=2)
    max_points = models.DecimalField("分值", max_digits=10, decimal_places=2, null=True, blank=True)
    reason = models.TextField("说明")
    item_ref = models.BigIntegerField("考核项目", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "sig"], name="line_text_per_assessment")]

    def __str__(self) -> str:
        return f"{self.label} {self.points}"


class ResultLine(models.Model):
    """One traceable piece of a result: what it says (`text`: points, why, the item) and where
    its points come from (`sources`).

    The records behind a line are plain ids, not foreign keys: lines outlive later edits of the
    scheme and the reports, and an index on each would only slow the bulk insert of every line of
    every unit. The common ones have columns; the rest are in `source`: {"leads": [units whose
    points a partner shares], "rule": deduction rule, "incidents": [incident ids], "veto": veto
    item, "bonus": bonus item}.
    """

    # No database constraint, here or on `text`: PostgreSQL checks a foreign key by a query per
    # row written, a second at commit for the 300,000 lines of a full computation (SQLite checks
    # one too, against the parent's rows). Lines are written and removed only by the engine, with
    # their result (and deleted with it: Django's CASCADE); the engine writes a text before the
    # lines that use it and removes only texts no line uses. `text` has no index either: lines
    # are read by result, and an index costs every line written.
    result = models.ForeignKey(Result, on_delete=models.CASCADE, db_constraint=False, related_name="lines")
    order = models.PositiveIntegerField()
    text = models.ForeignKey(
        LineText, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    report_ref = models.BigIntegerField("进展报告", null=True, blank=True)
    grade_ref = models.BigIntegerField("人工评分", null=True, blank=True)
    source = models.JSONField("其他来源", null=True, blank=True)

    class Meta:
        ordering = ["result", "order"]

    def __str__(self) -> str:
        return f"{self.label} {self.points}"

    # What the line says, from its text (read the lines with select_related("text")).

    @property
    def section(self) -> str:
        return self.text.section

    @property
    def label(self) -> str:
        return self.text.label

    @property
    def kind(self) -> str:
        return self.text.kind

    def get_kind_display(self) -> str:
        return self.text.get_kind_display()

    @property
    def points(self) -> Decimal:
        return self.text.points

    @property
    def max_points(self) -> Decimal | None:
        return self.text.max_points

    @property
    def reason(self) -> str:
        return self.text.reason

    @property
    def item_ref(self) -> int | None:
        return self.text.item_ref

    @property
    def sources(self) -> dict[str, Any]:
        """Every record behind the line: {"item": …, "report": …, "grade": …, "rule": …, …}."""
        refs = {"item": self.item_ref, "report": self.report_ref, "grade": self.grade_ref}
        return {**{k: v for k, v in refs.items() if v is not None}, **(self.source or {})}


class IncidentKind(models.TextChoices):
    DEDUCTION = "deduction", "负面清单"
    VETO = "veto", "一票否决"
    BONUS = "bonus", "加分"


class Incident(models.Model):
    """A count or a rate for one unit under one negative-list rule, veto or bonus item, with its
    evidence. Never a record about a person: only how many, or how often."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="incidents")
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=12, choices=IncidentKind.choices)
    rule = models.ForeignKey(
        DeductionRule, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    veto = models.ForeignKey(
        VetoItem, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    bonus = models.ForeignKey(
        BonusItem, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    level = models.CharField("级别", max_length=16, blank=True)
    count = models.PositiveIntegerField("件数", null=True, blank=True)
    rate = models.DecimalField("比率", max_digits=14, decimal_places=4, null=True, blank=True)
    evidence = models.FileField("佐证材料", upload_to="assessment/%Y/%m/", blank=True)
    evidence_name = models.CharField("佐证文件名", max_length=255, blank=True)
    note = models.TextField("说明", blank=True, max_length=limits.COMMENT)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "unit", "recorded_at", "id"]
        indexes = [models.Index(fields=["assessment", "unit"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="deduction", rule__isnull=False, veto__isnull=True, bonus__isnull=True)
                    | Q(kind="veto", rule__isnull=True, veto__isnull=False, bonus__isnull=True)
                    | Q(kind="bonus", rule__isnull=True, veto__isnull=True, bonus__isnull=False)
                ),
                name="incident_kind_matches",
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(rate__isnull=True), name="incident_count_or_rate"
            ),
        ]

    def __str__(self) -> str:
        what = self.rule or self.veto or self.bonus
        amount = f"{self.rate}" if self.rate is not None else f"{self.count or 0} 件"
        return f"{self.unit} {what} {self.level}{amount}"


class ManualGrade(models.Model):
    """An assessor's grade of one item for one unit: a score (manual) or the criteria met (checklist)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="grades")
    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="grades")
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("评分", max_digits=8, decimal_places=2, null=True, blank=True)
    met = models.JSONField("达到的细则", default=list, blank=True)  # indices into item.criteria
    reason = models.TextField("理由", blank=True, max_length=limits.COMMENT)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField()

    class Meta:
        ordering = ["assessment", "item", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item", "unit"], name="grade_per_item_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.item} {self.score}"


class AppealStatus(models.TextChoices):
    FILED = "filed", "待处理"
    ACCEPTED = "accepted", "已采纳"
    REJECTED = "rejected", "已驳回"


class Appeal(models.Model):
    """申诉: a unit disputes its result; the office accepts (result recomputed) or rejects it."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="appeals")
    reason = models.TextField("申诉理由", max_length=limits.COMMENT)
    status = models.CharField("状态", max_length=12, choices=AppealStatus.choices, default=AppealStatus.FILED)
    filed_at = models.DateTimeField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField("处理意见", blank=True, max_length=limits.COMMENT)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_before = models.DecimalField("申诉前总分", max_digits=10, decimal_places=2, null=True, blank=True)
    total_after = models.DecimalField("申诉后总分", max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result"], condition=Q(status="filed"), name="one_open_appeal_per_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result.unit} 申诉（{self.get_status_display()}）"
