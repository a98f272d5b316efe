"""Assessment pages: who sees what (a unit its own breakdown once closed and the ranking once
published; the office everything), the life of an assessment through the pages (create a scheme,
run, close, reopen, publish), incidents and grades, appeals filed and decided, the charts' figures
and the query counts of the list pages.

The assessment is conftest's: A (区公安分局, `reporter`) and B (区司法局, `other_reporter`) both at
22.40 raw points, A of 29 (77.24 on the 100-point scale, rank 1) and B of 36 (62.22, rank 2), C
(区民政局) vetoed (0, rank 3); it is open until a test closes it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.assessment.actions.appeals import do_file_appeal
from duban.assessment.actions.assessments import do_close_assessment, do_publish_assessment
from duban.assessment.models import (
    Appeal,
    AppealStatus,
    Assessment,
    AssessmentStatus,
    DeductionRule,
    Incident,
    ManualGrade,
    Method,
    Result,
    Scheme,
    SchemeStatus,
    VetoItem,
)
from duban.audit.models import AuditEvent
from duban.plans.models import Plan
from duban.units.models import Unit
from hostile.real_files import real_pdf

from .conftest import item, result

ROLES = ("anonymous", "admin", "manager", "other_manager", "reporter", "other_reporter", "leader", "outsider")
OFFICE = ("admin", "manager", "leader")
LOGIN = 302
PDF = real_pdf()  # evidence is looked into whole: a real PDF


def client_for(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def people(users: dict[str, User]) -> dict[str, User | None]:
    return {**users, "anonymous": None}


def charts(html: str) -> dict[str, dict[str, Any]]:
    m = re.search(r'<script id="tracking-charts" type="application/json">(.*?)</script>', html, re.S)
    assert m is not None
    return {c["id"]: c for c in json.loads(m.group(1))}


def close(a: Assessment, users: dict[str, User]) -> Assessment:
    return do_close_assessment(a, acting_user=users["manager"])


def publish(a: Assessment, users: dict[str, User]) -> Assessment:
    return do_publish_assessment(close(a, users), acting_user=users["manager"])


# ─── who sees what ────────────────────────────────────────────────────────────────────────────


def expected(state: str, page: str, role: str) -> int:
    """The status of an assessment page for a role in a state (open, closed, published)."""
    if role == "anonymous":
        return LOGIN
    if role in OFFICE:
        return 200
    own_unit = role in ("reporter", "other_reporter")  # units A and B have results
    if page == "assessment":
        return 200 if own_unit and state != "open" else 404
    if page in ("ranking_xlsx", "report_docx"):
        return 200 if own_unit and state == "published" else 404
    if page == "own_result":  # A's breakdown
        return 200 if role == "reporter" and state != "open" else 404
    if page == "appeals":
        return 404
    raise AssertionError(page)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["open", "closed", "published"])
@pytest.mark.parametrize("page", ["assessment", "ranking_xlsx", "report_docx", "own_result", "appeals"])
def test_it_shows_each_page_only_to_whoever_may_see_it(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    people: dict[str, User | None],
    role: str,
    state: str,
    page: str,
) -> None:
    if state == "closed":
        close(assessment, users)
    elif state == "published":
        publish(assessment, users)
    if page == "own_result":
        url = reverse("assessment:result", args=[result(assessment, units["A"]).pk])
    else:
        url = reverse(f"assessment:{page}", args=[assessment.pk])
    assert client_for(people[role]).get(url).status_code == expected(state, page, role)


@pytest.mark.parametrize("state", ["closed", "published"])
def test_it_shows_a_unit_the_ranking_only_once_published(
    assessment: Assessment, users: dict[str, User], state: str
) -> None:
    if state == "closed":
        close(assessment, users)
    else:
        publish(assessment, users)
    html = (
        client_for(users["reporter"])
        .get(reverse("assessment:assessment", args=[assessment.pk]))
        .content.decode()
    )
    assert "本单位得分明细" in html
    assert ("区民政局" in html) is (state == "published")
    assert ("考核排名尚未公布" in html) is (state == "closed")
    assert ("tracking-charts" in html) is (state == "published")


def test_it_shows_the_office_every_units_breakdown_before_publication(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    c = client_for(users["manager"])
    for unit in units.values():
        assert c.get(reverse("assessment:result", args=[result(assessment, unit).pk])).status_code == 200


def test_it_never_shows_a_unit_another_units_breakdown(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    publish(assessment, users)
    url = reverse("assessment:result", args=[result(assessment, units["B"]).pk])
    assert client_for(users["reporter"]).get(url).status_code == 404


def test_it_lists_what_each_user_may_see(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    close(assessment, users)
    html = client_for(users["reporter"]).get(reverse("assessment:home")).content.decode()
    assert assessment.scheme.name in html
    assert reverse("assessment:result", args=[result(assessment, units["A"]).pk]) in html
    outsider = client_for(users["outsider"]).get(reverse("assessment:home")).content.decode()
    assert assessment.scheme.name not in outsider


# ─── the ranking, its charts and exports ──────────────────────────────────────────────────────


def test_it_ranks_by_the_hundred_point_score_and_shows_the_veto(
    assessment: Assessment, users: dict[str, User]
) -> None:
    html = (
        client_for(users["manager"])
        .get(reverse("assessment:assessment", args=[assessment.pk]))
        .content.decode()
    )
    rows = re.findall(r'<td class="num rank">(\d+)</td>\s*<td>(?:<a [^>]*>)?([^<]+)', html)
    # A and B have the same raw total (22.40), but A of 29 points (77.24) and B of 36 (62.22).
    assert rows == [("1", "区公安分局"), ("2", "区司法局"), ("3", "区民政局")]
    assert "发生重大群体性事件" in html


def test_it_writes_the_ranking_into_the_charts(assessment: Assessment, users: dict[str, User]) -> None:
    html = (
        client_for(users["manager"])
        .get(reverse("assessment:assessment", args=[assessment.pk]))
        .content.decode()
    )
    specs = charts(html)
    ranking = specs["chart-ranking"]
    assert dict(zip(ranking["categories"], ranking["series"][0]["data"], strict=True)) == {
        "区公安分局": 77.24,
        "区司法局": 62.22,
        "区民政局": 0.0,
    }
    assert ranking["categories"][-1] == "区民政局"
    # No previous period: no chart of the change from it.
    assert "chart-change" not in specs
    sections = specs["chart-sections"]
    assert [s["name"] for s in sections["series"]][:2] == ["一、基础工作", "二、重点工作"]
    for s in sections["series"]:
        assert all(v is None or 0 <= v <= 100 for v in s["data"])


def test_it_charts_the_change_from_the_previous_period(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    from duban.assessment.actions.assessments import do_run_assessment
    from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan

    m = users["manager"]
    close(assessment, users)
    scheme = do_create_scheme_from_plan(
        assessment.scheme.plan,
        period_label="2026年度",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        assessed="all",
        acting_user=m,
    )
    do_activate_scheme(scheme, acting_user=m)
    later = do_run_assessment(scheme, dt.date(2026, 1, 31), acting_user=m)
    assert later.previous_id == assessment.pk
    html = client_for(m).get(reverse("assessment:assessment", args=[later.pk])).content.decode()
    spec = charts(html)["chart-change"]
    now = {r.unit.name: r for r in Result.objects.filter(assessment=later).select_related("unit")}
    want = {
        name: None if r.previous_total is None else float(r.total - r.previous_total)
        for name, r in now.items()
    }
    assert dict(zip(spec["categories"], spec["series"][0]["data"], strict=True)) == want
    assert any(v is not None for v in want.values())


def test_it_charts_a_units_points_by_section_against_the_maximum(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    r = result(assessment, units["A"])
    html = client_for(users["manager"]).get(reverse("assessment:result", args=[r.pk])).content.decode()
    spec = charts(html)["chart-unit-sections"]
    assert spec["categories"] == [s["section"] or "其他" for s in r.sections]
    assert spec["series"][0]["data"] == [float(s["points"]) for s in r.sections]
    assert spec["series"][1]["data"] == [float(s["max"]) for s in r.sections]


def test_it_traces_every_point_of_a_breakdown(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    r = result(assessment, units["A"])
    html = client_for(users["manager"]).get(reverse("assessment:result", args=[r.pk])).content.decode()
    for line in r.lines.all():
        assert line.label in html
    assert "负面清单：重大安全事故" in html
    assert "考核项目：任务1" in html


def test_it_escapes_what_users_typed(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    close(assessment, users)
    r = result(assessment, units["A"])
    do_file_appeal(r, "<script>alert(1)</script>", acting_user=users["reporter"])
    html = client_for(users["reporter"]).get(reverse("assessment:result", args=[r.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ─── the life of an assessment through the pages ──────────────────────────────────────────────


def test_it_creates_a_scheme_from_a_plan_activates_and_runs_it(
    plan: Plan, users: dict[str, User], frozen: Any
) -> None:
    from .conftest import at

    frozen(at(2026, 2, 1))
    c = client_for(users["manager"])
    assert plan.title in c.get(reverse("assessment:scheme_new")).content.decode()
    response = c.post(
        reverse("assessment:scheme_new"),
        {
            "plan": plan.pk,
            "period_label": "2025年度",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "name": "",
            "assessed": "all",
            "partner_coefficient": "0.3",
            "late_fraction": "0.5",
            "bonus_cap": "",
            "grade_bands": "95 优秀\n85 良好\n60 合格",
            "lowest_grade": "不合格",
        },
    )
    scheme = Scheme.objects.get(plan=plan)
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessment:scheme", args=[scheme.pk]
    )
    assert scheme.partner_coefficient == Decimal("0.3")
    assert scheme.grade_bands[0] == {"min": "95", "grade": "优秀"}
    html = c.get(response["Location"]).content.decode()
    assert "万人命案发案率" in html
    assert "最多扣 50 分" in html
    c.post(reverse("assessment:scheme_activate", args=[scheme.pk]))
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.ACTIVE
    response = c.post(reverse("assessment:scheme_run", args=[scheme.pk]), {"as_of": "2026-01-31"})
    a = Assessment.objects.get(scheme=scheme)
    assert response["Location"] == reverse("assessment:assessment", args=[a.pk])
    assert a.results.count() == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("grade_bands", "优秀", "应为“最低得分率 等次”"),
        ("period_end", "2024-12-31", "早于开始日期"),
    ],
)
def test_it_says_why_a_scheme_cannot_be_created(
    plan: Plan, users: dict[str, User], field: str, value: str, message: str
) -> None:
    data = {
        "plan": plan.pk,
        "period_label": "2025年度",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "assessed": "lead",
        "partner_coefficient": "0",
        "late_fraction": "0.5",
        "grade_bands": "90 优秀",
        "lowest_grade": "不合格",
        field: value,
    }
    response = client_for(users["manager"]).post(reverse("assessment:scheme_new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Scheme.objects.exists()


def test_it_edits_an_items_method_and_points(plan: Plan, users: dict[str, User]) -> None:
    from duban.assessment.actions.schemes import do_create_scheme_from_plan

    scheme = do_create_scheme_from_plan(
        plan,
        period_label="2025年度",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        acting_user=users["manager"],
    )
    it = item(scheme, "5")
    prefix = f"item{it.pk}"
    response = client_for(users["manager"]).post(
        reverse("assessment:item_edit", args=[scheme.pk, it.pk]),
        {
            f"{prefix}-method": "checklist",
            f"{prefix}-max_points": "8",
            f"{prefix}-weight": "1",
            f"{prefix}-criteria": "建立台账 3\n按月通报 5",
        },
    )
    assert response.status_code == 302
    it.refresh_from_db()
    assert (it.method, it.max_points) == (Method.CHECKLIST, Decimal(8))
    assert it.criteria == [{"name": "建立台账", "points": "3"}, {"name": "按月通报", "points": "5"}]


def test_it_adds_veto_and_bonus_items(plan: Plan, users: dict[str, User]) -> None:
    from duban.assessment.actions.schemes import do_create_scheme_from_plan

    scheme = do_create_scheme_from_plan(
        plan,
        period_label="2025年度",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        acting_user=users["manager"],
    )
    c = client_for(users["manager"])
    c.post(reverse("assessment:veto_add", args=[scheme.pk]), {"name": "发生重大安全事故"})
    c.post(reverse("assessment:bonus_add", args=[scheme.pk]), {"name": "省级表彰", "points": "2", "cap": "4"})
    html = c.get(reverse("assessment:scheme", args=[scheme.pk])).content.decode()
    assert "发生重大安全事故" in html and "省级表彰：每项 2 分，最多 4 分" in html


def test_it_closes_publishes_and_reopens_an_assessment_with_a_reason(
    assessment: Assessment, users: dict[str, User]
) -> None:
    c = client_for(users["manager"])
    c.post(reverse("assessment:close", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.CLOSED
    c.post(reverse("assessment:publish", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PUBLISHED
    response = c.post(reverse("assessment:reopen", args=[assessment.pk]), {"reason": ""})
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.PUBLISHED
    c.post(reverse("assessment:reopen", args=[assessment.pk]), {"reason": "区司法局评分有误"})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.OPEN
    assert assessment.reopenings[-1]["reason"] == "区司法局评分有误"
    assert AuditEvent.objects.filter(action="reopen_assessment").count() == 1
    assert (
        "区司法局评分有误" in c.get(reverse("assessment:assessment", args=[assessment.pk])).content.decode()
    )


def test_it_reruns_an_open_assessment_as_of_a_date(assessment: Assessment, users: dict[str, User]) -> None:
    response = client_for(users["manager"]).post(
        reverse("assessment:run", args=[assessment.pk]), {"as_of": "2025-12-31"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.as_of == dt.date(2025, 12, 31)


def test_it_says_why_a_closed_assessment_cannot_be_published_twice(
    assessment: Assessment, users: dict[str, User]
) -> None:
    publish(assessment, users)
    c = client_for(users["manager"])
    response = c.post(reverse("assessment:publish", args=[assessment.pk]), follow=True)
    assert "只有已定稿的考核可以公布" in response.content.decode()


@pytest.mark.parametrize(
    ("what", "data", "stored"),
    [
        ("rule", {"level": "特别重大", "count": "2"}, ("特别重大", 2, None)),
        ("rate", {"rate": "0.75"}, ("", None, Decimal("0.75"))),
        ("veto", {"note": "2025年8月发生群体性事件"}, ("", None, None)),
    ],
)
def test_it_records_incidents_with_evidence(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    what: str,
    data: dict[str, str],
    stored: tuple[str, int | None, Decimal | None],
) -> None:
    scheme = assessment.scheme
    target = {
        "rule": f"rule:{DeductionRule.objects.get(scheme=scheme, item='重大安全事故').pk}",
        "rate": f"rule:{DeductionRule.objects.get(scheme=scheme, item='万人命案发案率').pk}",
        "veto": f"veto:{VetoItem.objects.get(scheme=scheme).pk}",
    }[what]
    before = Incident.objects.count()
    response = client_for(users["manager"]).post(
        reverse("assessment:incident_add", args=[assessment.pk]),
        {
            "unit": units["B"].pk,
            "what": target,
            **data,
            "evidence": SimpleUploadedFile("通报.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    incident = Incident.objects.latest("pk")
    assert Incident.objects.count() == before + 1
    assert (incident.level, incident.count, incident.rate) == stored
    assert incident.evidence_name == "通报.pdf"
    assessment.refresh_from_db()
    assert assessment.stale
    got = client_for(users["manager"]).get(
        reverse("assessment:incident_evidence", args=[assessment.pk, incident.pk])
    )
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert (
        client_for(users["other_reporter"])
        .get(reverse("assessment:incident_evidence", args=[assessment.pk, incident.pk]))
        .status_code
        == 404
    )


def test_it_says_why_an_incident_is_refused(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    rule = DeductionRule.objects.get(scheme=assessment.scheme, item="重大安全事故")
    before = Incident.objects.count()
    response = client_for(users["manager"]).post(
        reverse("assessment:incident_add", args=[assessment.pk]),
        {"unit": units["B"].pk, "what": f"rule:{rule.pk}", "level": "一般", "count": "1"},
    )
    assert response.status_code == 400
    assert "须选择级别" in response.content.decode()
    assert Incident.objects.count() == before


def test_it_removes_an_incident_with_a_reason(assessment: Assessment, users: dict[str, User]) -> None:
    incident = Incident.objects.filter(assessment=assessment, kind="veto").get()
    client_for(users["manager"]).post(
        reverse("assessment:incident_remove", args=[assessment.pk, incident.pk]), {"reason": "登记错误"}
    )
    assert not Incident.objects.filter(pk=incident.pk).exists()


@pytest.mark.parametrize(
    ("score", "reason", "status"), [("18", "成效明显", 302), ("21", "超出", 400), ("10", "", 400)]
)
def test_it_grades_an_item_within_its_points_with_a_reason(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    score: str,
    reason: str,
    status: int,
) -> None:
    it = item(assessment.scheme, "4")
    url = reverse("assessment:grades", args=[assessment.pk, it.pk])
    c = client_for(users["manager"])
    assert units["B"].name in c.get(url).content.decode()
    response = c.post(url, {"unit": units["B"].pk, "score": score, "reason": reason})
    assert response.status_code == status
    grade = ManualGrade.objects.get(assessment=assessment, item=it, unit=units["B"])
    assert grade.score == (Decimal(score) if status == 302 else Decimal("11.4"))


def test_it_grades_a_checklist_by_the_criteria_met(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    it = item(assessment.scheme, "5")
    response = client_for(users["manager"]).post(
        reverse("assessment:grades", args=[assessment.pk, it.pk]), {"unit": units["A"].pk, "met": ["0", "2"]}
    )
    assert response.status_code == 302
    assert ManualGrade.objects.get(assessment=assessment, item=it, unit=units["A"]).met == [0, 2]


# ─── appeals ──────────────────────────────────────────────────────────────────────────────────


def test_it_lets_a_unit_appeal_its_own_result(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    close(assessment, users)
    r = result(assessment, units["A"])
    c = client_for(users["reporter"])
    assert "提出申诉" in c.get(reverse("assessment:result", args=[r.pk])).content.decode()
    response = c.post(
        reverse("assessment:appeal_file", args=[r.pk]), {"reason": "任务1已按时完成，材料已补充"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(result=r)
    assert appeal.status == AppealStatus.FILED
    assert "提出申诉" not in c.get(reverse("assessment:result", args=[r.pk])).content.decode()


@pytest.mark.parametrize("role", ["other_reporter", "manager", "outsider"])
def test_it_refuses_an_appeal_from_anyone_else(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], role: str
) -> None:
    close(assessment, users)
    r = result(assessment, units["A"])
    response = client_for(users[role]).post(
        reverse("assessment:appeal_file", args=[r.pk]), {"reason": "不服"}
    )
    assert response.status_code == 404
    assert not Appeal.objects.exists()


@pytest.fixture
def appealed(assessment: Assessment, units: dict[str, Unit], users: dict[str, User]) -> Appeal:
    close(assessment, users)
    return do_file_appeal(result(assessment, units["B"]), "人工评分偏低", acting_user=users["other_reporter"])


def test_it_rejects_an_appeal_only_with_a_reason(appealed: Appeal, users: dict[str, User]) -> None:
    c = client_for(users["manager"])
    url = reverse("assessment:appeal_decide", args=[appealed.pk])
    prefix = f"ap{appealed.pk}"
    assert c.post(url, {f"{prefix}-decision": "reject", f"{prefix}-reason": ""}).status_code == 400
    appealed.refresh_from_db()
    assert appealed.status == AppealStatus.FILED
    response = c.post(url, {f"{prefix}-decision": "reject", f"{prefix}-reason": "评分依据充分"})
    assert response.status_code == 302
    appealed.refresh_from_db()
    assert (appealed.status, appealed.decision_reason) == (AppealStatus.REJECTED, "评分依据充分")
    html = (
        client_for(users["other_reporter"])
        .get(reverse("assessment:result", args=[appealed.result_id]))
        .content.decode()
    )
    assert "评分依据充分" in html


def test_it_accepts_an_appeal_and_recomputes_the_units_result(
    appealed: Appeal, units: dict[str, Unit], users: dict[str, User]
) -> None:
    a = appealed.result.assessment
    c = client_for(users["manager"])
    assert "人工评分偏低" in c.get(reverse("assessment:appeals", args=[a.pk])).content.decode()
    # The correction the appeal asks for, made while it is open: B's grade on item 4 from 11.4 to 20.
    it = item(a.scheme, "4")
    c.post(
        reverse("assessment:grades", args=[a.pk, it.pk]),
        {"unit": units["B"].pk, "score": "20", "reason": "复核"},
    )
    prefix = f"ap{appealed.pk}"
    response = c.post(
        reverse("assessment:appeal_decide", args=[appealed.pk]), {f"{prefix}-decision": "accept"}
    )
    assert response.status_code == 302
    appealed.refresh_from_db()
    assert appealed.status == AppealStatus.ACCEPTED
    assert appealed.total_before is not None
    assert appealed.total_after == appealed.total_before + Decimal("8.6")
    # B: 31.00 of 36 (86.11 on the 100-point scale) now ranks above A: 22.40 of 29 (77.24).
    assert Result.objects.get(pk=appealed.result_id).rank == 1
    assert Result.objects.get(assessment=a, unit=units["A"]).rank == 2


@pytest.mark.parametrize("role", ["other_manager", "reporter", "other_reporter", "leader"])
def test_it_refuses_to_let_others_decide_an_appeal(
    appealed: Appeal, users: dict[str, User], role: str
) -> None:
    signed_in = client_for(users[role])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    prefix = f"ap{appealed.pk}"
    response = signed_in.post(
        reverse("assessment:appeal_decide", args=[appealed.pk]), {f"{prefix}-decision": "accept"}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


# ─── refused writes ───────────────────────────────────────────────────────────────────────────

WRITES = ("close", "publish", "reopen", "run", "incident_add")


@pytest.mark.parametrize("role", ["other_manager", "reporter", "other_reporter", "leader", "outsider"])
@pytest.mark.parametrize("name", WRITES)
def test_it_refuses_writes_to_whoever_may_not_make_them(
    assessment: Assessment, users: dict[str, User], role: str, name: str
) -> None:
    signed_in = client_for(users[role])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    response = signed_in.post(
        reverse(f"assessment:{name}", args=[assessment.pk]), {"reason": "x", "as_of": "2026-01-31"}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


# ─── query counts ─────────────────────────────────────────────────────────────────────────────


def more_incidents(a: Assessment, units: dict[str, Unit], users: dict[str, User], n: int) -> None:
    from duban.assessment.actions.incidents import do_record_incident

    rule = DeductionRule.objects.get(scheme=a.scheme, item="重大安全事故")
    for _ in range(n):
        do_record_incident(a, units["B"], rule=rule, level="重大", count=1, acting_user=users["manager"])


def more_appeals(a: Assessment, units: dict[str, Unit], users: dict[str, User], n: int) -> None:
    close(a, users)
    for i in range(n):
        r = result(a, units["A" if i % 2 else "B"])
        reporter = users["reporter" if i % 2 else "other_reporter"]
        ap = do_file_appeal(r, f"申诉{i}", acting_user=reporter)
        Appeal.objects.filter(pk=ap.pk).update(status=AppealStatus.REJECTED)


def more_schemes(a: Assessment, units: dict[str, Unit], users: dict[str, User], n: int) -> None:
    from duban.assessment.actions.schemes import do_create_scheme_from_plan

    for year in range(2020, 2020 + n):
        do_create_scheme_from_plan(
            a.scheme.plan,
            period_label=f"{year}年度",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            acting_user=users["manager"],
        )


QUERY_PAGES: dict[str, tuple[str, Any, int]] = {
    # name: (role, add more of what the page lists, queries); each counts the session, the user and
    # the navigation's unread-message badge.
    "home": ("manager", more_schemes, 5),
    "assessment": ("manager", more_incidents, 15),  # (one for the sections' order in the plan)
    "appeals": ("manager", more_appeals, 6),
}


@pytest.mark.parametrize("more", [0, 4])
@pytest.mark.parametrize("name", sorted(QUERY_PAGES))
def test_it_reads_a_list_page_in_a_fixed_number_of_queries(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    django_assert_num_queries: Any,
    name: str,
    more: int,
) -> None:
    role, add, queries = QUERY_PAGES[name]
    add(assessment, units, users, more)
    c = client_for(users[role])
    url = (
        reverse("assessment:home") if name == "home" else reverse(f"assessment:{name}", args=[assessment.pk])
    )
    with django_assert_num_queries(queries):
        response = c.get(url)
    assert response.status_code == 200
