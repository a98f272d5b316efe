"""Forms of the assessment pages. They check and carry input; every rule about what may be stored
is actions.py's (a form only turns the posted strings into the values an action takes)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from duban import limits
from duban.assessment.models import Assessed, DeductionRule, Method, RankBy, SchemeItem
from duban.assessment.scoring import Rule
from duban.clock import today
from duban.evidence import evidence_accept
from duban.limits import text_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_BAND = re.compile(r"^\s*(?P<min>\d+(?:\.\d+)?)\s*%?\s*[:：,，\s]\s*(?P<grade>\S.*?)\s*$")
# "特别重大 30", "重大：-10 分", or a bare "5" for a rule without levels.
_COUNT_RULE = re.compile(
    r"^\s*(?:(?P<level>\S.*?)\s*[:：,，\s]\s*)?[-−－]?\s*(?P<points>\d+(?:\.\d+)?)\s*分?\s*$"
)
_CRITERION = re.compile(r"^\s*(?P<name>\S.*?)\s*[:：,，\s]\s*(?P<points>\d+(?:\.\d+)?)\s*分?\s*$")


def bands_text(bands: Sequence[dict[str, Any]]) -> str:
    """The grade bands as the form shows them: one "90 优秀" a line, highest first."""
    return "\n".join(f"{b['min']} {b['grade']}" for b in bands)


def criteria_text(criteria: Sequence[dict[str, Any]]) -> str:
    return "\n".join(f"{c['name']} {c['points']}" for c in criteria)


def parse_bands(text: str) -> list[dict[str, str]]:
    out = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), 1):
        m = _BAND.match(line)
        if m is None:
            raise forms.ValidationError(f"第 {n} 行“{line.strip()}”应为“最低得分率 等次”，如“90 优秀”")
        out.append({"min": m["min"], "grade": m["grade"]})
    if not out:
        raise forms.ValidationError("请至少填写一档等次")
    return out


def parse_criteria(text: str) -> list[dict[str, str]]:
    out = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), 1):
        m = _CRITERION.match(line)
        if m is None:
            raise forms.ValidationError(f"第 {n} 行“{line.strip()}”应为“细则名称 分值”，如“建立台账 2”")
        out.append({"name": m["name"], "points": m["points"]})
    return out


# The bands are in the terms of the scheme's one measure (Scheme.rank_by).
BANDS_LABEL = "等次（每行“最低分 等次”，从高到低；按百分制折算时为百分制得分，按原始总分时为原始分）"


class SchemeForm(forms.Form):
    """A scheme made from a plan's own points."""

    plan = forms.TypedChoiceField(label="分解方案", coerce=int)
    period_label = text_field("考核期", 64, initial=lambda: f"{today().year}年度")
    period_start = forms.DateField(label="考核期开始", widget=DATE)
    period_end = forms.DateField(label="考核期结束", widget=DATE)
    name = text_field("方案名称（可不填）", 200, required=False)
    assessed = forms.ChoiceField(label="考核对象", choices=Assessed.choices, initial=Assessed.LEAD)
    include_children = forms.BooleanField(label="同一文件附带的清单各作为一部分", required=False)
    partner_coefficient = forms.DecimalField(
        label="配合单位系数（0–1）",
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
        initial=Decimal(0),
    )
    late_fraction = forms.DecimalField(
        label="逾期完成得分比例（0–1）",
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
        initial=Decimal("0.5"),
    )
    bonus_cap = forms.DecimalField(label="加分上限（可不填）", min_value=Decimal(0), required=False)
    rank_by = forms.ChoiceField(
        label="排名与等次依据", choices=RankBy.choices, initial=RankBy.RATE, required=False
    )
    grade_bands = text_field(
        BANDS_LABEL,
        limits.RULES,
        name="等次",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="90 优秀\n80 良好\n60 合格",
    )
    lowest_grade = text_field("最低等次", 16, initial="不合格")

    def __init__(self, *args: Any, plans: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = list(plans)  # type: ignore[attr-defined]

    def clean_grade_bands(self) -> list[dict[str, str]]:
        return parse_bands(self.cleaned_data["grade_bands"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("rank_by"):
            data.pop("rank_by", None)  # not posted: the scheme keeps its measure
        return data


class SchemeSettingsForm(forms.Form):
    """The settings of a scheme that may change after it is made."""

    name = text_field("方案名称", 200)
    period_label = text_field("考核期", 64)
    period_start = forms.DateField(label="考核期开始", widget=DATE)
    period_end = forms.DateField(label="考核期结束", widget=DATE)
    assessed = forms.ChoiceField(label="考核对象", choices=Assessed.choices)
    partner_coefficient = forms.DecimalField(
        label="配合单位系数（0–1）", min_value=Decimal(0), max_value=Decimal(1), decimal_places=3
    )
    late_fraction = forms.DecimalField(
        label="逾期完成得分比例（0–1）", min_value=Decimal(0), max_value=Decimal(1), decimal_places=3
    )
    bonus_cap = forms.DecimalField(label="加分上限（可不填）", min_value=Decimal(0), required=False)
    rank_by = forms.ChoiceField(
        label="排名与等次依据", choices=RankBy.choices, initial=RankBy.RATE, required=False
    )
    grade_bands = text_field(BANDS_LABEL, limits.RULES, name="等次", widget=forms.Textarea(attrs={"rows": 3}))
    lowest_grade = text_field("最低等次", 16)

    def clean_grade_bands(self) -> list[dict[str, str]]:
        return parse_bands(self.cleaned_data["grade_bands"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("rank_by"):
            data.pop("rank_by", None)  # not posted: the scheme keeps its measure
        return data


class ItemForm(forms.Form):
    """An item's method, points and weight (and a checklist's criteria)."""

    method = forms.ChoiceField(label="评分方法", choices=Method.choices)
    max_points = forms.DecimalField(label="分值", min_value=Decimal(0), decimal_places=2)
    weight = forms.DecimalField(label="权重", min_value=Decimal(0), decimal_places=3)
    criteria = text_field(
        "评分细则（每行“名称 分值”，评分细则法用）",
        limits.RULES,
        name="评分细则",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @classmethod
    def of(cls, item: SchemeItem) -> ItemForm:
        return cls(
            prefix=f"item{item.pk}",
            initial={
                "method": item.method,
                "max_points": item.max_points.normalize(),
                "weight": item.weight.normalize(),
                "criteria": criteria_text(item.criteria),
            },
        )

    def clean_criteria(self) -> list[dict[str, str]]:
        return parse_criteria(self.cleaned_data["criteria"])


class NewItemForm(forms.Form):
    """An item of the scheme's own (综合评价, 工作创新…): graded by hand, for every assessed unit."""

    name = text_field("考核项目", 300)
    section = text_field("部分（可不填）", 200, required=False)
    max_points = forms.DecimalField(label="分值", min_value=Decimal(0), decimal_places=2)
    method = forms.ChoiceField(
        label="评分方法", choices=[(m, Method(m).label) for m in (Method.MANUAL, Method.CHECKLIST)]
    )
    criteria = text_field(
        "评分细则（每行“名称 分值”，评分细则法用）",
        limits.RULES,
        name="评分细则",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_criteria(self) -> list[dict[str, str]]:
        return parse_criteria(self.cleaned_data["criteria"])


def _plain(d: Decimal) -> str:
    return f"{d.normalize():f}"


class RuleForm(forms.Form):
    """A negative-list item: deductions per incident (by level or not), a rate threshold with
    steps and a cap, or both. Deductions are typed as the points taken off (30) and stored as the
    rules' negative points (−30)."""

    item = text_field("扣分事项", 300)
    counts = text_field("每件扣分", limits.RULES, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    per = text_field("计量单位", 8, required=False, initial="件")
    cmp = forms.ChoiceField(label="比率", choices=[(">", "超过（＞）"), ("≥", "达到（≥）")], initial=">")
    limit = forms.DecimalField(label="阈值", min_value=Decimal(0), required=False)
    points = forms.DecimalField(label="即扣（分）", min_value=Decimal("0.01"), required=False)
    step = forms.DecimalField(label="此后每再超过", min_value=Decimal("0.0001"), required=False)
    step_points = forms.DecimalField(label="再扣（分）", min_value=Decimal("0.01"), required=False)
    cap = forms.DecimalField(label="最多共扣（分，可不填）", min_value=Decimal("0.01"), required=False)

    COUNT_FIELDS = ("counts", "per")
    RATE_FIELDS = ("cmp", "limit", "points", "step", "step_points", "cap")

    @classmethod
    def initial_of(cls, rule: DeductionRule) -> dict[str, Any]:
        """The stored rules as the form shows them (the first threshold: the only one scored)."""
        parsed = [Rule.from_dict(r) for r in rule.rules]
        counted = [r for r in parsed if r.threshold is None]
        initial: dict[str, Any] = {
            "item": rule.item,
            "per": next((r.per for r in counted if r.per), "件"),
            "counts": "\n".join(
                f"{r.level} {_plain(-r.points)}" if r.level else _plain(-r.points) for r in counted
            ),
        }
        t = next((r for r in parsed if r.threshold is not None), None)
        if t is not None and t.threshold is not None:
            initial.update(
                {
                    "cmp": "≥" if t.threshold.startswith(("≥", ">=")) else ">",
                    "limit": t.threshold.lstrip(">≥= "),
                    "points": _plain(-t.points),
                    "step": None if t.step is None else _plain(t.step),
                    "step_points": None if t.step_points is None else _plain(-t.step_points),
                    "cap": None if t.cap is None else _plain(-t.cap),
                }
            )
        return initial

    def clean_counts(self) -> list[tuple[str, Decimal]]:
        out: list[tuple[str, Decimal]] = []
        for n, line in enumerate((ln for ln in self.cleaned_data["counts"].splitlines() if ln.strip()), 1):
            m = _COUNT_RULE.match(line)
            if m is None:
                raise forms.ValidationError(
                    f"第 {n} 行“{line.strip()}”应为“级别 每件扣分”，如“特别重大 30”，或只写分值"
                )
            points = Decimal(m["points"])
            if points <= 0:
                raise forms.ValidationError(f"第 {n} 行：每件扣分应大于 0")
            out.append((m["level"] or "", points))
        return out

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if self.errors:
            return d
        rules: list[dict[str, Any]] = []
        per = (d.get("per") or "").strip() or "件"
        for level, points in d.get("counts") or []:
            rules.append({**({"level": level} if level else {}), "points": -points, "per": per})
        rate = [d.get(k) for k in ("limit", "points", "step", "step_points", "cap")]
        if any(v is not None for v in rate):
            if d.get("limit") is None or d.get("points") is None:
                raise forms.ValidationError("按比率扣分须填写阈值和超过即扣的分值")
            if (d.get("step") is None) != (d.get("step_points") is None):
                raise forms.ValidationError("“此后每再超过”与“再扣”须同时填写或同时不填")
            rule: dict[str, Any] = {"threshold": f"{d['cmp']}{_plain(d['limit'])}", "points": -d["points"]}
            if d.get("step") is not None:
                rule.update({"step": d["step"], "step_points": -d["step_points"]})
            if d.get("cap") is not None:
                rule["cap"] = -d["cap"]
            rules.append(rule)
        if not rules:
            raise forms.ValidationError("请填写按件扣分的分值，或按比率扣分的阈值与分值")
        d["rules"] = rules
        return d


class VetoForm(forms.Form):
    name = text_field("一票否决事项", 300)


class BonusForm(forms.Form):
    name = text_field("加分事项", 300)
    points = forms.DecimalField(label="每项加分", min_value=Decimal("0.01"))
    cap = forms.DecimalField(label="本项上限（可不填）", min_value=Decimal(0), required=False)


class RunForm(forms.Form):
    as_of = forms.DateField(label="数据截至", widget=DATE)


class ReasonForm(forms.Form):
    reason = text_field("理由", limits.COMMENT, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="处理", choices=[("accept", "采纳（重新计算）"), ("reject", "驳回")], widget=forms.RadioSelect
    )
    reason = text_field(
        "处理意见（驳回时必填）",
        limits.COMMENT,
        name="处理意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IncidentForm(forms.Form):
    """A count or a rate for one unit under a negative-list rule, a veto or a bonus item. Only how
    many or how often: never names or particulars of persons."""

    unit = forms.TypedChoiceField(label="单位", coerce=int)
    what = forms.ChoiceField(label="事项")
    level = text_field("级别（分级扣分时填写）", 16, required=False)
    count = forms.IntegerField(label="件数", min_value=1, required=False)
    rate = forms.DecimalField(label="比率（按比率扣分时填写）", min_value=Decimal(0), required=False)
    note = text_field(
        "说明（不得填写个人信息）",
        limits.COMMENT,
        name="说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.FileField(
        label="佐证材料", required=False, widget=forms.ClearableFileInput(attrs={"accept": evidence_accept()})
    )

    def __init__(
        self,
        *args: Any,
        units: Sequence[tuple[int, str]] = (),
        whats: Sequence[tuple[str, Any]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = list(units)  # type: ignore[attr-defined]
        self.fields["what"].choices = list(whats)  # type: ignore[attr-defined]


class GradeForm(forms.Form):
    """One unit's grade of one item: a score with a reason (manual) or the criteria met (checklist)."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label="评分", min_value=Decimal(0), required=False)
    met = forms.TypedMultipleChoiceField(
        label="达到的细则", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = text_field("理由", limits.COMMENT, required=False, widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(self, *args: Any, item: SchemeItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["met"].choices = [  # type: ignore[attr-defined]
            (i, f"{c['name']}（{c['points']} 分）") for i, c in enumerate(item.criteria or [])
        ]
        if item.method == Method.MANUAL:
            self.fields["score"].widget.attrs.update({"max": f"{item.points}", "step": "0.01"})
