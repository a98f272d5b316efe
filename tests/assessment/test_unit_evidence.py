"""A unit reading its own breakdown downloads the evidence of the incidents recorded against it
(as an attachment, as the office does); never another unit's, and not while the assessment is
open (the unit does not see its breakdown yet).

The assessment is conftest's: A (`reporter`) and B (`other_reporter`); each gets one incident
with an evidence file here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.assessment.actions.assessments import do_close_assessment, do_publish_assessment
from duban.assessment.actions.incidents import do_record_incident
from duban.assessment.models import Assessment, DeductionRule, Incident
from duban.units.models import Unit
from hostile.real_files import real_pdf

from .conftest import by_name, result

PDF = real_pdf()  # evidence is looked into whole: a real PDF


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def evidence(assessment: Assessment, units: dict[str, Unit], users: dict[str, User]) -> dict[str, Incident]:
    rule = by_name(assessment.scheme, DeductionRule, "重大安全事故")
    return {
        name: do_record_incident(
            assessment,
            units[name],
            rule=rule,
            level="特别重大",
            count=1,
            evidence=(f"{name}事故通报.pdf", PDF),
            acting_user=users["manager"],
        )
        for name in ("A", "B")
    }


def url(incident: Incident) -> str:
    return reverse("assessment:incident_evidence", args=[incident.assessment_id, incident.pk])


@pytest.mark.parametrize("state", ["closed", "published"])
def test_it_lets_a_unit_download_the_evidence_recorded_against_it(
    assessment: Assessment, users: dict[str, User], evidence: dict[str, Incident], state: str
) -> None:
    do_close_assessment(assessment, acting_user=users["manager"])
    if state == "published":
        do_publish_assessment(assessment, acting_user=users["manager"])
    response = client_for(users["reporter"]).get(url(evidence["A"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_never_gives_a_unit_another_units_evidence(
    assessment: Assessment, users: dict[str, User], evidence: dict[str, Incident]
) -> None:
    do_publish_assessment(
        do_close_assessment(assessment, acting_user=users["manager"]), acting_user=users["manager"]
    )
    assert client_for(users["reporter"]).get(url(evidence["B"])).status_code == 404
    assert client_for(users["other_reporter"]).get(url(evidence["A"])).status_code == 404
    assert client_for(users["other_reporter"]).get(url(evidence["B"])).status_code == 200


@pytest.mark.parametrize("role", ["reporter", "other_reporter", "outsider", "other_manager"])
def test_it_gives_no_evidence_to_a_unit_while_the_assessment_is_open(
    users: dict[str, User], evidence: dict[str, Incident], role: str
) -> None:
    assert client_for(users[role]).get(url(evidence["A"])).status_code == 404


@pytest.mark.parametrize("role", ["outsider", "other_manager"])
def test_it_gives_no_evidence_to_whoever_is_neither_the_unit_nor_the_office(
    assessment: Assessment, users: dict[str, User], evidence: dict[str, Incident], role: str
) -> None:
    do_publish_assessment(
        do_close_assessment(assessment, acting_user=users["manager"]), acting_user=users["manager"]
    )
    assert client_for(users[role]).get(url(evidence["A"])).status_code == 404


@pytest.mark.parametrize("role", ["admin", "manager", "leader"])
def test_it_gives_the_office_every_units_evidence_at_any_time(
    users: dict[str, User], evidence: dict[str, Incident], role: str
) -> None:
    assert client_for(users[role]).get(url(evidence["B"])).status_code == 200


def test_it_lists_the_units_incidents_with_their_files_on_its_breakdown(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], evidence: dict[str, Incident]
) -> None:
    do_close_assessment(assessment, acting_user=users["manager"])
    html = client_for(users["reporter"]).get(
        reverse("assessment:result", args=[result(assessment, units["A"]).pk])
    )
    page = html.content.decode()
    assert "本单位登记事项" in page and "A事故通报.pdf" in page and url(evidence["A"]) in page
    assert "B事故通报.pdf" not in page and url(evidence["B"]) not in page
