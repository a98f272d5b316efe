"""Every hostile file as the evidence of an assessment incident (negative list, veto, bonus),
uploaded by the plan manager who records it: the same answers as a report's evidence
(tests/hostile/answers.py), nothing stored on a refusal, the worker and the time bounded."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessment import conftest as scored  # pytest imports tests/assessment/conftest.py by this name
from duban.accounts.models import User
from duban.assessment.models import Assessment, DeductionRule, Incident
from duban.units.models import Unit

from .answers import EVIDENCE
from .bounds import files, hostile, measured
from .files import MAKERS
from .real_files import real_pdf

users, frozen, units, plan = scored.users, scored.frozen, scored.units, scored.plan
halves, scheme, reports, assessment = scored.halves, scored.scheme, scored.reports, scored.assessment


def _record(client: Client, assessment: Assessment, unit: Unit, name: str, data: bytes) -> tuple[int, str]:
    rule = DeductionRule.objects.get(scheme=assessment.scheme, item="重大安全事故")
    response = client.post(
        reverse("assessment:incident_add", args=[assessment.pk]),
        {
            "unit": unit.pk,
            "what": f"rule:{rule.pk}",
            "level": "特别重大",
            "count": "1",
            "evidence": SimpleUploadedFile(name, data),
        },
    )
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("maker", sorted(MAKERS))
def test_incident_evidence_refuses_what_would_act_and_keeps_what_harms_no_one(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], maker: str, db: Any
) -> None:
    client = Client()
    client.force_login(users["manager"])
    _record(client, assessment, units["B"], "通报.pdf", real_pdf())  # warm
    name, data = hostile(maker)
    refusal = EVIDENCE[maker]
    with measured() as cost:
        status, text = _record(client, assessment, units["B"], name, data)
    cost.assert_bounded(data)
    if refusal is None:
        assert status == 302
        incident = Incident.objects.get(evidence_name=name)
        assert incident.evidence.read() == data
        assert len(files() - cost.files_before) == 1
        return
    assert status == 400
    assert refusal in text
    cost.assert_nothing_stored()
