"""Forms of the tracking pages. They check and carry input; every rule about what may be stored
is actions.py's (a form only turns the posted strings into the values an action takes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from duban import limits
from duban.clock import today
from duban.evidence import EvidenceRejected, check_evidence_upload, evidence_accept
from duban.limits import text_field
from duban.plans.models import Target
from duban.tracking.actions.report_data import EvidenceInput, IndicatorInput, ReportData
from duban.tracking.models import Frequency, IndicatorValue, OrderLevel, Progress, ProgressReport

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _this_year() -> int:
    return today().year


class YearPeriodsForm(forms.Form):
    """The monthly / quarterly / half-yearly / yearly periods of one year."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=_this_year)
    frequency = forms.ChoiceField(label="报送周期", choices=Frequency.choices, initial=Frequency.QUARTERLY)
    due_day = forms.IntegerField(
        label="次月报送截止日",
        min_value=1,
        max_value=31,
        initial=10,
        help_text="每期结束后次月的第几日截止（超过当月天数按月末计）",
    )


class CustomPeriodForm(forms.Form):
    name = text_field("名称", 64)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    due = forms.DateField(label="报送截止", widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": evidence_accept()}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        posted = data if isinstance(data, list | tuple) else [data]
        files = [single(d, initial) for d in posted if d]
        for f in files:
            # Type and size, before anything reads a large upload into memory; the content is the
            # action's to check (duban.evidence.check_evidence).
            try:
                check_evidence_upload(f.name or "file", f.size or 0)
            except EvidenceRejected as exc:
                raise forms.ValidationError(str(exc)) from None
        return files


class ReportForm(forms.Form):
    """A progress report or a partner's contribution: the fields of ReportData, one value / unit /
    date triple per target of the task, the draft's lock_version, and new evidence files."""

    progress = forms.ChoiceField(label="进展状态", choices=Progress.choices, initial=Progress.IN_PROGRESS)
    reason = text_field(
        "原因（滞后、暂缓时必填）",
        limits.COMMENT,
        name="原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    percent = forms.IntegerField(label="完成比例（%）", min_value=0, max_value=100, initial=0)
    narrative = text_field(
        "工作进展", limits.NARRATIVE, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    lock_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    evidence = MultipleFileField(label="上传佐证材料（pdf、图片、docx、xlsx）", required=False)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        targets: Sequence[Target],
        report: ProgressReport | None = None,
    ) -> None:
        initial: dict[str, Any] = {}
        values: dict[int, IndicatorValue] = {}
        if report is not None:
            initial = {
                "progress": report.progress,
                "reason": report.reason,
                "percent": report.percent,
                "narrative": report.narrative,
                "lock_version": report.lock_version,
            }
            values = {v.target_id: v for v in report.values.all()}
        self.targets = list(targets)
        for t in self.targets:
            v = values.get(t.pk)
            initial[f"value_{t.pk}"] = v.value.normalize() if v else None
            initial[f"unit_{t.pk}"] = v.unit if v else t.unit
            initial[f"as_of_{t.pk}"] = v.as_of if v else None
        super().__init__(data, files, initial=initial)
        for t in self.targets:
            self.fields[f"value_{t.pk}"] = forms.DecimalField(
                label=f"{t.metric} 当前值", required=False, max_digits=16, decimal_places=6
            )
            self.fields[f"unit_{t.pk}"] = forms.CharField(label="计量单位", required=False, max_length=20)
            self.fields[f"as_of_{t.pk}"] = forms.DateField(label="数据截至", required=False, widget=DATE)

    def target_rows(self) -> list[tuple[Target, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(t, self[f"value_{t.pk}"], self[f"unit_{t.pk}"], self[f"as_of_{t.pk}"]) for t in self.targets]

    def report_data(self) -> ReportData:
        d = self.cleaned_data
        values = {
            t.pk: IndicatorInput(d[f"value_{t.pk}"], unit=d[f"unit_{t.pk}"] or None, as_of=d[f"as_of_{t.pk}"])
            for t in self.targets
            if d.get(f"value_{t.pk}") is not None
        }
        return ReportData(
            progress=d["progress"],
            reason=d["reason"],
            percent=d["percent"],
            narrative=d["narrative"],
            values=values,
        )

    def files_posted(self) -> list[EvidenceInput]:
        return [EvidenceInput(f.name or "file", f.read()) for f in self.cleaned_data.get("evidence") or []]

    def problem(self) -> str:
        """What the page says when the form is refused: a refused file by name, else to check the fields."""
        errors = self.errors.as_data()
        refused = [m for error in errors.get("evidence", []) for m in error.messages]
        # A text over its limit names itself and the limit (duban.limits).
        refused += [
            m for field in errors.values() for e in field if e.code == "max_length" for m in e.messages
        ]
        return "；".join(refused) or "请检查填写的内容"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "审核通过"), ("return", "退回")])
    comment = text_field(
        "审核意见（退回时必填）",
        limits.COMMENT,
        name="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _default_reply_deadline() -> dt.date:
    return today() + dt.timedelta(days=7)


class OrderIssueForm(forms.Form):
    units = forms.TypedMultipleChoiceField(label="督办单位", coerce=int, widget=forms.CheckboxSelectMultiple)
    text = text_field("督办事项", limits.ORDER, widget=forms.Textarea(attrs={"rows": 3}))
    reply_deadline = forms.DateField(label="回复期限", widget=DATE, initial=_default_reply_deadline)
    level = forms.ChoiceField(label="督办级别", choices=OrderLevel.choices, initial=OrderLevel.BLUE)

    def __init__(self, *args: Any, units: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = list(units)


class OrderReplyForm(forms.Form):
    text = text_field("办理情况", limits.NARRATIVE, widget=forms.Textarea(attrs={"rows": 4}))


class OrderCloseForm(forms.Form):
    comment = text_field("办结意见", limits.COMMENT, required=False, widget=forms.Textarea(attrs={"rows": 2}))
