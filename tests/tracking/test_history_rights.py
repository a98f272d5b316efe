"""Who reads which history: the task page's timeline and the audit pages of reports, orders and
periods show each viewer only the events of objects it may see (issue 11, items 3 and 4).

small_plan's task 1 is led by 区委政法委 (`lead_reporter`) with partners 区民政局 and 区公安分局
(`reporter`); task 2 is led by 区司法局 (`other_reporter`). The lead unit drafts its report with a
file and submits it; the partner 公安 keeps a contribution as a draft with a file of its own; the
office sends an order to 区民政局 alone.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.test import Client
from reportlab.pdfgen import canvas

from duban.accounts.models import User
from duban.plans.models import Task
from duban.tracking.actions.drafts import do_add_contribution, do_save_draft
from duban.tracking.actions.evidence import do_add_evidence
from duban.tracking.actions.orders import do_issue_order
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.models import ProgressReport, ReportingPeriod, SupervisionOrder
from duban.units.models import Unit

from .conftest import filled


def pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "ledger")
    page.save()
    return out.getvalue()


@dataclass(frozen=True)
class Story:
    lead_report: ProgressReport  # submitted, drafted with 政法委佐证草稿.pdf
    contribution: ProgressReport  # 公安's draft, with 公安未交材料.pdf
    order: SupervisionOrder  # to 区民政局 only


@pytest.fixture
def story(users: dict[str, User], lead_reporter: User, task1: Task, q1: ReportingPeriod) -> Story:
    lead = do_save_draft(task1, q1, filled(task1, narrative="政法委草稿第一稿"), acting_user=lead_reporter)
    do_add_evidence(lead, "政法委佐证草稿.pdf", pdf(), acting_user=lead_reporter)
    lead = do_submit_report(lead, acting_user=lead_reporter)
    contribution = do_add_contribution(
        task1, q1, filled(task1, narrative="公安配合材料草稿"), acting_user=users["reporter"]
    )
    do_add_evidence(contribution, "公安未交材料.pdf", pdf(), acting_user=users["reporter"])
    order = do_issue_order(
        task1,
        [Unit.objects.get(name="区民政局")],
        "民政局专项督办事项",
        dt.date(2025, 3, 20),
        acting_user=users["manager"],
    )
    return Story(lead, contribution, order)


def page(user: User, url: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


# ─── the task page's history ────────────────────────────────────────────────────────────────


def test_a_partner_sees_the_lead_units_submission_but_not_its_drafting(
    story: Story, users: dict[str, User], task1: Task
) -> None:
    _, html = page(users["reporter"], f"/tracking/tasks/{task1.pk}/")
    assert "报送任务报告" in html  # the lead unit's submitted report is the partner's to read
    assert "政法委佐证草稿.pdf" not in html and "新建任务报告草稿" not in html
    assert story.order.serial not in html and "民政局专项督办事项" not in html
    assert "公安未交材料.pdf" in html  # its own drafting, with its file


def test_the_lead_unit_does_not_see_a_partners_draft(story: Story, lead_reporter: User, task1: Task) -> None:
    _, html = page(lead_reporter, f"/tracking/tasks/{task1.pk}/")
    assert "公安未交材料.pdf" not in html and "新建配合材料草稿" not in html
    assert "政法委佐证草稿.pdf" in html


def test_the_office_sees_submissions_and_orders_not_drafting(
    story: Story, users: dict[str, User], task1: Task
) -> None:
    for role in ("manager", "leader", "admin"):
        _, html = page(users[role], f"/tracking/tasks/{task1.pk}/")
        assert story.order.serial in html, role
        assert "报送任务报告" in html, role
        assert "政法委佐证草稿.pdf" not in html and "公安未交材料.pdf" not in html, role


# ─── the audit pages ────────────────────────────────────────────────────────────────────────

ROLES = ("admin", "manager", "other_manager", "leader", "reporter", "other_reporter", "outsider", "lead")


def _user(users: dict[str, User], lead_reporter: User, role: str) -> User:
    return lead_reporter if role == "lead" else users[role]


# Which role reads which trail (404 for the rest): the object's own access helper decides.
TRAILS = {
    # The lead unit's submitted report: the office, its unit, and the partners of the task.
    "lead_report": {"admin", "manager", "leader", "lead", "reporter"},
    # 公安's draft contribution: its own unit alone.
    "contribution": {"reporter"},
    # The order to 区民政局: the office (区民政局 has no reporter here).
    "order": {"admin", "manager", "leader"},
}
TYPES = {
    "lead_report": "tracking.progressreport",
    "contribution": "tracking.progressreport",
    "order": "tracking.supervisionorder",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", sorted(TRAILS))
def test_an_audit_page_is_for_whoever_may_read_the_object(
    story: Story, users: dict[str, User], lead_reporter: User, what: str, role: str
) -> None:
    obj = getattr(story, what)
    status, _ = page(_user(users, lead_reporter, role), f"/audit/{TYPES[what]}/{obj.pk}/")
    assert status == (200 if role in TRAILS[what] else 404)


def test_a_reports_trail_hides_its_drafting_from_all_but_its_unit(
    story: Story, users: dict[str, User], lead_reporter: User
) -> None:
    url = f"/audit/tracking.progressreport/{story.lead_report.pk}/"
    for role in ("manager", "admin", "reporter"):
        _, html = page(users[role], url)
        # The trail names actions in Chinese (audit/data/labels.json): 报送报告, 保存报告草稿.
        assert "报送报告" in html, role
        assert (
            "保存报告草稿" not in html and "政法委草稿第一稿" not in html and "政法委佐证草稿.pdf" not in html
        ), role
    _, own = page(lead_reporter, url)
    assert "保存报告草稿" in own and "政法委佐证草稿.pdf" in own


def test_a_periods_bulk_drafts_are_their_units_own(
    story: Story, users: dict[str, User], lead_reporter: User, q1: ReportingPeriod
) -> None:
    from duban.audit.models import AuditEvent

    police = users["reporter"].unit
    assert police is not None
    AuditEvent.objects.create(
        at=story.lead_report.created_at,
        actor=users["reporter"],
        action="bulk_upload",
        object_type="tracking.reportingperiod",
        object_id=str(q1.pk),
        summary=f"{police.name}通过 Excel 批量填报{q1.name} 1 项（保存草稿）",
        after={"unit": police.pk, "reports": [story.contribution.pk], "submit": False},
    )
    url = f"/audit/tracking.reportingperiod/{q1.pk}/"
    assert "批量填报" in page(users["reporter"], url)[1]
    for role in ("manager", "admin"):
        status, html = page(users[role], url)
        assert status == 200 and "批量填报" not in html, role
    assert page(users["other_manager"], url)[0] == 404


def test_the_administrator_alone_reads_the_trail_of_an_account(users: dict[str, User]) -> None:
    from duban.audit.models import AuditEvent

    target = users["reporter"]
    AuditEvent.objects.create(
        at=target.date_joined, action="password_change", object_type="accounts.user", object_id=str(target.pk)
    )
    for role in ("manager", "leader", "reporter", "other_reporter"):
        assert page(users[role], f"/audit/accounts.user/{target.pk}/")[0] == 404, role
    assert page(users["admin"], f"/audit/accounts.user/{target.pk}/")[0] == 200
    assert page(users["admin"], "/audit/accounts.user/%C2%B3/")[0] == 404
