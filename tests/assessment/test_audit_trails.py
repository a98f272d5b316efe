"""The audit pages of assessments, results and appeals: each through the object's own access
helper (duban.audit.readers), so no manager of another plan, and no other unit, reads them."""

from __future__ import annotations

import pytest
from django.test import Client

from duban.accounts.models import User
from duban.assessment.actions.appeals import do_file_appeal
from duban.assessment.actions.assessments import do_close_assessment, do_publish_assessment
from duban.assessment.models import Assessment
from duban.units.models import Unit

from .conftest import result

ROLES = ("admin", "manager", "leader", "reporter", "other_reporter", "other_manager", "outsider")


def status(user: User, url: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(url).status_code


@pytest.fixture
def published(assessment: Assessment, users: dict[str, User]) -> Assessment:
    do_close_assessment(assessment, acting_user=users["manager"])
    return do_publish_assessment(assessment, acting_user=users["manager"])


# An appeal of unit A (the `reporter`'s): its unit and the office read its trail, nobody else.
APPEAL = {"admin": 200, "manager": 200, "leader": 200, "reporter": 200}


@pytest.mark.parametrize("role", ROLES)
def test_an_appeals_trail_is_for_its_unit_and_the_office(
    published: Assessment, units: dict[str, Unit], users: dict[str, User], role: str
) -> None:
    appeal = do_file_appeal(
        result(published, units["A"]), "扣分有误：事故不在本辖区", acting_user=users["reporter"]
    )
    page = status(users[role], f"/audit/assessment.appeal/{appeal.pk}/")
    assert page == APPEAL.get(role, 404)


# A published assessment's page is open to every unit with a result, but its trail holds every
# unit's grades and incidents as entered: the office's only.
OFFICE = {"admin": 200, "manager": 200, "leader": 200}


@pytest.mark.parametrize("role", ROLES)
def test_an_assessments_trail_is_the_offices(
    published: Assessment, users: dict[str, User], role: str
) -> None:
    assert status(users[role], f"/audit/assessment.assessment/{published.pk}/") == OFFICE.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_a_results_trail_follows_its_breakdown(
    published: Assessment, units: dict[str, Unit], users: dict[str, User], role: str
) -> None:
    own = result(published, units["A"])
    expected = {**OFFICE, "reporter": 200}
    assert status(users[role], f"/audit/assessment.result/{own.pk}/") == expected.get(role, 404)


def test_the_office_reads_the_grades_in_the_trail_and_another_plans_manager_does_not(
    published: Assessment, users: dict[str, User]
) -> None:
    client = Client()
    client.force_login(users["manager"])
    page = client.get(f"/audit/assessment.assessment/{published.pk}/").content.decode()
    assert "材料较全，个别措施未落实" in page
    assert status(users["other_manager"], f"/audit/assessment.scheme/{published.scheme_id}/") == 404
