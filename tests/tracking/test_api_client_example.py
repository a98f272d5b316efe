"""The client example of the docs (docs/api_submit_report.py), run as a unit's OA would run it:
a separate process, the standard library, a token, against the live server."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from duban.accounts.models import User
from duban.plans.models import Task
from duban.tokens.actions import do_create_token
from duban.tracking.models import Evidence, IndicatorValue, ProgressReport, ReportingPeriod

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "api_submit_report.py"


@pytest.mark.django_db(transaction=True)
def test_the_docs_client_submits_a_report_with_evidence(
    live_server: Any, lead_reporter: User, task1: Task, q1: ReportingPeriod, tmp_path: Path
) -> None:
    _token, raw = do_create_token("单位OA", acting_user=lead_reporter)
    ledger = tmp_path / "网格员台账.docx"
    doc = Document()
    doc.add_paragraph("网格员台账")
    buffer = io.BytesIO()
    doc.save(buffer)
    ledger.write_bytes(buffer.getvalue())
    target = task1.targets.get()
    env = {
        **os.environ,
        "DUBAN_URL": live_server.url,
        "DUBAN_TOKEN": raw,
        f"DUBAN_VALUE_{target.pk}": "96.5",
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(task1.pk), str(q1.pk), str(ledger)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = ProgressReport.objects.get(task=task1, period=q1)
    assert done.stdout.strip() == f"已报送：报告 {report.pk}，第 1 版，附件 1 个"
    assert report.status == "submitted" and "区委政法委" in report.narrative
    assert Evidence.objects.get(report=report).name == "网格员台账.docx"
    assert IndicatorValue.objects.get(report=report, target=target).value == 96.5


@pytest.mark.django_db(transaction=True)
def test_the_docs_client_says_the_servers_refusal_in_chinese(
    live_server: Any, users: dict[str, User], task1: Task, q1: ReportingPeriod
) -> None:
    _token, raw = do_create_token("单位OA", acting_user=users["other_reporter"])  # not on task 1
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(task1.pk), str(q1.pk)],
        env={**os.environ, "DUBAN_URL": live_server.url, "DUBAN_TOKEN": raw},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "404：任务不存在或无权访问"
    assert not ProgressReport.objects.exists()
