"""Every permission-checked read of assessments. Missing and forbidden both give 404.

Who sees what:
- administrator and leader: everything (leaders read only);
- plan manager: the schemes, assessments, results and appeals of the plans it manages;
- the "office" above sees every unit's breakdown at any time;
- unit reporter: the ACTIVE schemes of plans it may see (the rules are announced); its own
  unit's result and breakdown once the assessment is closed (定稿; while it is open the office is
  still entering grades and incidents), with the evidence files of the incidents recorded against
  its unit, and its own unit's appeals; the ranking once the assessment is published, if it may
  see the plan.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from duban.accounts.models import User
from duban.assessment.models import (
    Appeal,
    Assessment,
    AssessmentStatus,
    Incident,
    Result,
    Scheme,
    SchemeStatus,
)
from duban.plans.access import can_manage, visible_plans

FINAL = (AssessmentStatus.CLOSED, AssessmentStatus.PUBLISHED)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _sees_all(user: User) -> bool:
    return bool(user.is_admin or user.is_leader)


def is_office(user: User, assessment: Assessment) -> bool:
    """Sees every unit's result and breakdown of this assessment, published or not."""
    if not _active(user):
        return False
    return bool(_sees_all(user) or (user.is_manager and can_manage(user, assessment.scheme.plan)))


# --- schemes ----------------------------------------------------------------------------------


def visible_schemes(user: User) -> QuerySet[Scheme]:
    schemes = Scheme.objects.all()
    if not _active(user):
        return schemes.none()
    if _sees_all(user):
        return schemes
    if user.is_manager:
        return schemes.filter(plan__managers=user)
    return schemes.filter(status=SchemeStatus.ACTIVE, plan__in=visible_plans(user).values("pk"))


def access_scheme(user: User, scheme_id: int) -> Scheme:
    try:
        return visible_schemes(user).select_related("plan").get(pk=scheme_id)
    except (Scheme.DoesNotExist, ValueError, TypeError):
        raise Http404("考核方案不存在或无权访问") from None


def access_managed_scheme(user: User, scheme_id: int) -> Scheme:
    scheme = access_scheme(user, scheme_id)
    if not can_manage(user, scheme.plan):
        raise Http404("考核方案不存在或无权访问")
    return scheme


# --- assessments and results ------------------------------------------------------------------


def visible_assessments(user: User) -> QuerySet[Assessment]:
    """Assessments the user may open: the office's, and for a reporter those in which its unit has
    a result (once closed) or whose ranking is published on a plan it may see."""
    assessments = Assessment.objects.all()
    if not _active(user):
        return assessments.none()
    if _sees_all(user):
        return assessments
    if user.is_manager:
        return assessments.filter(scheme__plan__managers=user)
    published = Q(status=AssessmentStatus.PUBLISHED, scheme__plan__in=visible_plans(user).values("pk"))
    own = Q(status__in=FINAL, results__unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    return Assessment.objects.filter(pk__in=assessments.filter(published | own).values("pk"))


def access_assessment(user: User, assessment_id: int) -> Assessment:
    try:
        return visible_assessments(user).select_related("scheme__plan").get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("考核不存在或无权访问") from None


def access_managed_assessment(user: User, assessment_id: int) -> Assessment:
    assessment = access_assessment(user, assessment_id)
    if not can_manage(user, assessment.scheme.plan):
        raise Http404("考核不存在或无权访问")
    return assessment


def access_office_assessment(user: User, assessment_id: int) -> Assessment:
    """An assessment with every unit's grades and incidents as entered: the office's only."""
    assessment = access_assessment(user, assessment_id)
    if not is_office(user, assessment):
        raise Http404("考核不存在或无权访问")
    return assessment


def can_see_ranking(user: User, assessment: Assessment) -> bool:
    if is_office(user, assessment):
        return True
    return (
        assessment.status == AssessmentStatus.PUBLISHED
        and visible_assessments(user).filter(pk=assessment.pk).exists()
    )


def access_ranking(user: User, assessment_id: int) -> tuple[Assessment, QuerySet[Result]]:
    """The assessment and its results by rank: for the office, and for others once published."""
    assessment = access_assessment(user, assessment_id)
    if not can_see_ranking(user, assessment):
        raise Http404("考核排名尚未公布")
    return assessment, Result.objects.filter(assessment=assessment).select_related("unit").order_by(
        "rank", "unit__name"
    )


def visible_results(user: User) -> QuerySet[Result]:
    """Results whose breakdown (lines) the user may read."""
    results = Result.objects.all()
    if not _active(user):
        return results.none()
    if _sees_all(user):
        return results
    if user.is_manager:
        return results.filter(assessment__scheme__plan__in=user.managed_plans.values("pk"))
    if not user.unit_id:
        return results.none()
    return results.filter(unit_id=user.unit_id, assessment__status__in=FINAL)


def access_result(user: User, result_id: int) -> Result:
    """A result with its breakdown: the office's, or the user's own unit's once closed."""
    try:
        return visible_results(user).select_related("assessment__scheme__plan", "unit").get(pk=result_id)
    except (Result.DoesNotExist, ValueError, TypeError):
        raise Http404("考核结果不存在或无权访问") from None


def access_evidence(user: User, assessment_id: int, incident_id: int) -> Incident:
    """An incident with an evidence file: any of the assessment's for the office; for a unit, those
    recorded against the unit whose breakdown the user may read (its own, once closed)."""
    assessment = access_assessment(user, assessment_id)
    incident = Incident.objects.filter(assessment=assessment, pk=incident_id).exclude(evidence="").first()
    if incident is None:
        raise Http404("文件不存在或无权访问")
    if is_office(user, assessment):
        return incident
    if not visible_results(user).filter(assessment=assessment, unit_id=incident.unit_id).exists():
        raise Http404("文件不存在或无权访问")
    return incident


def can_file_appeal(user: User, result: Result) -> bool:
    return bool(
        _active(user)
        and user.is_reporter
        and user.unit_id == result.unit_id
        and result.assessment.status in FINAL
        and not result.appeals.filter(status="filed").exists()
    )


# --- appeals ----------------------------------------------------------------------------------


def visible_appeals(user: User) -> QuerySet[Appeal]:
    return Appeal.objects.filter(result__in=visible_results(user).values("pk"))


def access_appeal(user: User, appeal_id: int) -> Appeal:
    try:
        return (
            visible_appeals(user)
            .select_related("result__assessment__scheme__plan", "result__unit")
            .get(pk=appeal_id)
        )
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404("申诉不存在或无权访问") from None


def can_decide_appeal(user: User, appeal: Appeal) -> bool:
    return bool(
        _active(user) and appeal.status == "filed" and can_manage(user, appeal.result.assessment.scheme.plan)
    )
