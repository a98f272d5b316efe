"""The 考核情况报告 as the office prints it: downloaded from the assessment page, rendered to PDF by
LibreOffice and measured (tests/office/pdf.py): A4, "— N —" on every page's outer side, every
paragraph and table cell in the PDF's text, nothing outside the 版心 (the ranking table too)."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.assessment.models import Assessment
from office.pdf import problems, render


def test_it_prints_the_assessment_report_on_a4_with_nothing_lost(
    assessment: Assessment, users: dict[str, User], tmp_path: Path
) -> None:
    client = Client()
    client.force_login(users["manager"])
    response = client.get(reverse("assessment:report_docx", args=[assessment.pk]))
    assert response.status_code == 200
    pdf = render({"report": response.content}, tmp_path)["report"]
    assert problems(response.content, pdf) == []
