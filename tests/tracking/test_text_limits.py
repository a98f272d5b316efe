"""Every text a unit or the office types has a limit (duban.limits): the form, the action behind
it (so the bulk entry and any other caller too) and the spreadsheet row refuse a longer one with
a Chinese message naming the field and the limit, and store nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from duban import limits
from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.models import Task
from duban.tracking.actions.bulk_uploads import do_bulk_upload
from duban.tracking.actions.drafts import do_save_draft
from duban.tracking.actions.orders import do_issue_order, do_reply_order
from duban.tracking.bulk.sheet import BulkUploadError
from duban.tracking.bulk.template import bulk_template
from duban.tracking.models import ProgressReport, ReportingPeriod, SupervisionOrder
from duban.tracking.transitions import InvalidInput
from duban.units.models import Unit

from .conftest import filled
from .test_bulk import fill, load, sheet, to_bytes


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


NARRATIVE_REFUSAL = f"“工作进展”最多 {limits.NARRATIVE} 个字符，现有 {limits.NARRATIVE + 1} 个"


def test_the_report_form_refuses_an_over_long_narrative_naming_it(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    client = client_of(lead_reporter)  # signing in is audited: before the count
    events = AuditEvent.objects.count()
    response = client.post(
        f"/tracking/tasks/{task1.pk}/periods/{q1.pk}/report/",
        {"progress": "in_progress", "percent": "10", "narrative": "进" * (limits.NARRATIVE + 1)},
    )
    assert response.status_code == 400
    assert NARRATIVE_REFUSAL in response.content.decode()
    assert not ProgressReport.objects.exists() and AuditEvent.objects.count() == events


def test_a_narrative_at_the_limit_is_stored(lead_reporter: User, task1: Task, q1: ReportingPeriod) -> None:
    report = do_save_draft(
        task1, q1, filled(task1, narrative="进" * limits.NARRATIVE), acting_user=lead_reporter
    )
    assert len(report.narrative) == limits.NARRATIVE


@pytest.mark.parametrize(
    ("field", "limit", "label"),
    [("narrative", limits.NARRATIVE, "工作进展"), ("reason", limits.COMMENT, "原因")],
)
def test_the_action_refuses_what_the_form_would(
    lead_reporter: User, task1: Task, q1: ReportingPeriod, field: str, limit: int, label: str
) -> None:
    with pytest.raises(InvalidInput, match=f"“{label}”最多 {limit} 个字符"):
        do_save_draft(task1, q1, filled(task1, **{field: "滞" * (limit + 1)}), acting_user=lead_reporter)
    assert not ProgressReport.objects.exists()


def test_the_bulk_entry_refuses_an_over_long_narrative_naming_the_row(
    lead_reporter: User, task1: Task, q1: ReportingPeriod
) -> None:
    unit = lead_reporter.unit
    assert unit is not None
    wb = load(bulk_template(unit, q1, user=lead_reporter))
    row = fill(
        sheet(wb),
        task1,
        进展状态="推进中",
        **{"完成比例（%）": 60, "工作进展": "进" * (limits.NARRATIVE + 1)},
    )
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(unit, q1, to_bytes(wb), acting_user=lead_reporter)
    (error,) = info.value.errors
    assert str(row) in error and NARRATIVE_REFUSAL in error
    assert not ProgressReport.objects.exists()


def test_the_order_form_refuses_an_over_long_text_naming_it(users: dict[str, User], task1: Task) -> None:
    unit = Unit.objects.get(name="区民政局")
    response = client_of(users["manager"]).post(
        f"/tracking/tasks/{task1.pk}/orders/new/",
        {
            "units": [unit.pk],
            "text": "督" * (limits.ORDER + 1),
            "reply_deadline": "2025-03-20",
            "level": "blue",
        },
    )
    assert response.status_code == 400
    assert f"“督办事项”最多 {limits.ORDER} 个字符" in response.content.decode()
    assert not SupervisionOrder.objects.exists()


def test_the_order_actions_refuse_over_long_texts(users: dict[str, User], task1: Task) -> None:
    unit = Unit.objects.get(name="区公安分局")
    with pytest.raises(InvalidInput, match="督办事项"):
        do_issue_order(
            task1, [unit], "督" * (limits.ORDER + 1), dt.date(2025, 3, 20), acting_user=users["manager"]
        )
    order = do_issue_order(task1, [unit], "请报送进展", dt.date(2025, 3, 20), acting_user=users["manager"])
    with pytest.raises(InvalidInput, match=f"“办理情况”最多 {limits.NARRATIVE} 个字符"):
        do_reply_order(order, "办" * (limits.NARRATIVE + 1), acting_user=users["reporter"])
    order.refresh_from_db()
    assert order.reply_text == ""
