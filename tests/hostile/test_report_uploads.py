"""Every hostile file against a unit reporter's uploads: bulk entry (the Excel template) and a
report's evidence. Each is refused clearly in Chinese, with nothing stored and the worker's memory
and the time bounded, or, where a file harms no one there (tests/hostile/answers.py), accepted
within the same bounds."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.evidence import check_evidence
from duban.plans.models import Task
from duban.tracking.bulk.template import bulk_template
from duban.tracking.models import Evidence, ReportingPeriod
from tracking import conftest as tracking  # pytest imports tests/tracking/conftest.py as tracking.conftest

from .answers import BULK, EVIDENCE
from .bounds import files, hostile, measured
from .files import MAKERS
from .real_files import real_pdf

users, small_plan = tracking.users, tracking.small_plan
lead_reporter, task1, periods = tracking.lead_reporter, tracking.task1, tracking.periods


frozen = tracking.frozen  # autouse there, and here: the clock at 2025-03-01 09:00


def test_every_maker_has_an_expected_answer() -> None:
    assert set(BULK) == set(MAKERS) == set(EVIDENCE)


@pytest.fixture
def reporter(lead_reporter: User) -> Client:
    client = Client()
    client.force_login(lead_reporter)
    return client


@pytest.fixture
def period(periods: list[ReportingPeriod]) -> ReportingPeriod:
    return periods[1]


# --- bulk entry --------------------------------------------------------------------------------


def _bulk(client: Client, period: ReportingPeriod, name: str, data: bytes) -> str:
    upload = SimpleUploadedFile(name, data)
    response = client.post(reverse("tracking:bulk_upload", args=[period.pk]), {"file": upload}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _template(lead_reporter: User, period: ReportingPeriod, grow: Callable[[Any], None]) -> bytes:
    """The unit's real template, grown by `grow` (given the data sheet), saved by openpyxl."""
    assert lead_reporter.unit is not None
    wb = openpyxl.load_workbook(io.BytesIO(bulk_template(lead_reporter.unit, period, user=lead_reporter)))
    grow(wb["进展报送"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _wide(ws: Any) -> None:
    for row in range(4, 5001):
        ws.cell(row=row, column=16384, value="x")  # column XFD


def _tall(ws: Any) -> None:
    ws.cell(row=1_048_576, column=1, value="x")  # the sheet's last row


@pytest.mark.parametrize("maker", sorted(MAKERS))
def test_bulk_entry_refuses_a_hostile_file_clearly_and_stores_nothing(
    reporter: Client, lead_reporter: User, period: ReportingPeriod, maker: str
) -> None:
    name, data = hostile(maker)
    _bulk(reporter, period, "报送表.xlsx", _template(lead_reporter, period, lambda ws: None))  # warm
    with measured() as cost:
        text = _bulk(reporter, period, name, data)
    assert name in text and BULK[maker] in text
    cost.assert_nothing_stored()
    cost.assert_bounded(data)


@pytest.mark.parametrize(
    ("grow", "message"),
    [(_wide, "报送表中没有填写任何任务"), (_tall, "报送表超过 5000 行：请使用本期下载的模板")],
    ids=["a cell at XFD on 5,000 rows", "a cell on the sheet's last row"],
)
def test_bulk_entry_reads_a_grown_template_within_bounds(
    reporter: Client, lead_reporter: User, task1: Task, period: ReportingPeriod, grow: Any, message: str
) -> None:
    data = _template(lead_reporter, period, grow)
    with measured() as cost:
        text = _bulk(reporter, period, "报送表.xlsx", data)
    assert f"报送表.xlsx：{message}" in text
    cost.assert_nothing_stored()
    cost.assert_bounded(data)


# --- a report's evidence -----------------------------------------------------------------------


def _evidence(client: Client, task: Task, period: ReportingPeriod, name: str, data: bytes) -> tuple[int, str]:
    form = {
        "progress": "in_progress",
        "percent": "40",
        "narrative": "已完成网格划分。",
        "reason": "",
        "action": "save",
    }
    for t in task.targets.all():
        form.update({f"value_{t.pk}": "40", f"unit_{t.pk}": t.unit, f"as_of_{t.pk}": "2025-06-30"})
    form["evidence"] = SimpleUploadedFile(name, data)  # type: ignore[assignment]
    response = client.post(reverse("tracking:report_new", args=[task.pk, period.pk]), form)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("maker", sorted(MAKERS))
def test_report_evidence_refuses_what_would_act_and_keeps_what_harms_no_one(
    reporter: Client, task1: Task, period: ReportingPeriod, maker: str
) -> None:
    name, data = hostile(maker)
    check_evidence("台账.pdf", real_pdf())  # warm: the fork server runs, the checks are imported
    refusal = EVIDENCE[maker]
    with measured() as cost:
        status, text = _evidence(reporter, task1, period, name, data)
    cost.assert_bounded(data)
    if refusal is None:
        assert status == 302
        stored = Evidence.objects.get(name=name)
        assert stored.size == len(data) and stored.file.read() == data
        assert len(files() - cost.files_before) == 1
        return
    assert status == 400
    assert refusal in text
    cost.assert_nothing_stored()
