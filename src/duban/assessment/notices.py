"""What the assessment tells people, through duban.notifications (inbox, mail, unit robots):

- published: every assessed unit (its users and its channels), with a link to its breakdown;
- an appeal filed: the office, i.e. the scheme's plan managers, with a link to the appeals;
- an appeal accepted or rejected: the unit that filed it, with a link to its breakdown.

The actions build the messages inside their transaction and send them once it commits. Each
message has a dedupe key (notifications.notify), so a retried action tells nobody twice; publishing
again after a reopening is a new publication and tells the units again.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from duban.assessment.models import Appeal, AppealStatus, Assessment, Result
from duban.notifications.notify import Message


class NotificationKind(models.TextChoices):
    """What the assessment tells people; registered with duban.notifications.kinds in AssessmentConfig.ready()."""

    ASSESSMENT_PUBLISHED = "assessment_published", "考核结果公布"
    APPEAL_FILED = "appeal_filed", "考核申诉"
    APPEAL_DECIDED = "appeal_decided", "申诉处理结果"


KIND_PUBLISHED = NotificationKind.ASSESSMENT_PUBLISHED
KIND_APPEAL_FILED = NotificationKind.APPEAL_FILED
KIND_APPEAL_ACCEPTED = KIND_APPEAL_REJECTED = NotificationKind.APPEAL_DECIDED  # the text says which


def result_link(result_id: int) -> str:
    return reverse("assessment:result", args=[result_id])


def published(assessment: Assessment) -> list[Message]:
    """One message per assessed unit. The key counts the reopenings: the n-th publication."""
    scheme = assessment.scheme
    edition = len(assessment.reopenings or [])
    results = Result.objects.filter(assessment=assessment).select_related("unit")
    return [
        Message(
            key=f"assessment-published:a{assessment.pk}.{edition}:r{r.pk}",
            kind=KIND_PUBLISHED,
            title=f"考核结果已公布：{scheme.name}"[:200],
            text=(
                f"{scheme.period_label}考核结果已公布：{r.unit.name}百分制得分 {r.score.normalize():f}"
                f"（原始总分 {r.total.normalize():f} / {r.max_points.normalize():f}），"
                f"第 {r.rank} 名，等次 {r.grade}。请查看本单位得分明细，如有异议可提出申诉。"
            ),
            link=result_link(r.pk),
            units=(r.unit_id,),
        )
        for r in results.order_by("rank", "unit__name")
    ]


def appeal_filed(appeal: Appeal) -> Message:
    result = appeal.result
    assessment = result.assessment
    managers = assessment.scheme.plan.managers.filter(is_active=True).values_list("pk", flat=True)
    return Message(
        key=f"appeal-filed:ap{appeal.pk}",
        kind=KIND_APPEAL_FILED,
        title=f"{result.unit.name}提出考核申诉",
        text=f"{assessment.scheme.name}：{result.unit.name}对本单位得分（{result.total.normalize():f} 分）提出申诉。"
        f"申诉理由：{appeal.reason}",
        link=reverse("assessment:appeals", args=[assessment.pk]),
        users=tuple(managers),
        topic=decide_topic(appeal),
    )


def decide_topic(appeal: Appeal) -> str:
    """The work a filed appeal asks for: the office's decision."""
    return f"decide:ap{appeal.pk}"


def appeal_decided(appeal: Appeal) -> Message:
    result = appeal.result
    accepted = appeal.status == AppealStatus.ACCEPTED
    change = ""
    if accepted and appeal.total_before is not None and appeal.total_after is not None:
        change = f"总分 {appeal.total_before.normalize():f} → {appeal.total_after.normalize():f}。"
    return Message(
        key=f"appeal-decided:ap{appeal.pk}",
        kind=KIND_APPEAL_ACCEPTED if accepted else KIND_APPEAL_REJECTED,
        title=f"考核申诉{appeal.get_status_display()}",
        text=f"{result.assessment.scheme.name}：{result.unit.name}的申诉{appeal.get_status_display()}。"
        f"处理意见：{appeal.decision_reason.rstrip('。')}。{change}",
        link=result_link(result.pk),
        units=(result.unit_id,),
    )
