"""Who sees what: a unit its own breakdown once the assessment is closed and the ranking once it is
published; the office (the plan's managers, administrators, leaders) everything; 404 otherwise.

`reporter` is unit A (区公安分局), `other_reporter` unit B (区司法局); `outsider` has no unit;
`other_manager` manages other plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from duban.accounts.models import User
from duban.assessment.access import (
    access_appeal,
    access_assessment,
    access_managed_assessment,
    access_managed_scheme,
    access_ranking,
    access_result,
    access_scheme,
    can_decide_appeal,
    can_file_appeal,
    visible_assessments,
    visible_results,
)
from duban.assessment.actions.appeals import do_file_appeal
from duban.assessment.actions.assessments import do_close_assessment, do_publish_assessment
from duban.assessment.models import Assessment
from duban.units.models import Unit

from .conftest import result

OFFICE = ("admin", "manager", "leader")
OTHERS = ("other_manager", "outsider")


def sees(fn: Callable[[], Any]) -> bool:
    try:
        fn()
    except Http404:
        return False
    return True


@pytest.fixture
def closed(assessment: Assessment, users: dict[str, User]) -> Assessment:
    return do_close_assessment(assessment, acting_user=users["manager"])


@pytest.mark.parametrize("role", [*OFFICE, "reporter", "other_reporter", *OTHERS])
def test_while_open_only_the_office_sees_results(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], role: str
) -> None:
    user, own = users[role], result(assessment, units["A"])
    office = role in OFFICE
    assert sees(lambda: access_assessment(user, assessment.pk)) is office
    assert sees(lambda: access_result(user, own.pk)) is office
    assert sees(lambda: access_ranking(user, assessment.pk)) is office


@pytest.mark.parametrize("role", [*OFFICE, "reporter", "other_reporter", *OTHERS])
def test_once_closed_a_unit_sees_its_own_breakdown_but_not_the_ranking(
    closed: Assessment, units: dict[str, Unit], users: dict[str, User], role: str
) -> None:
    user = users[role]
    office = role in OFFICE
    a, b = result(closed, units["A"]), result(closed, units["B"])
    assert sees(lambda: access_result(user, a.pk)) is (office or role == "reporter")
    assert sees(lambda: access_result(user, b.pk)) is (office or role == "other_reporter")
    assert sees(lambda: access_ranking(user, closed.pk)) is office
    assert sees(lambda: access_assessment(user, closed.pk)) is (role not in OTHERS)


@pytest.mark.parametrize("role", [*OFFICE, "reporter", "other_reporter", *OTHERS])
def test_once_published_the_units_of_the_plan_see_the_ranking(
    closed: Assessment, units: dict[str, Unit], users: dict[str, User], role: str
) -> None:
    do_publish_assessment(closed, acting_user=users["manager"])
    user = users[role]
    assert sees(lambda: access_ranking(user, closed.pk)) is (role not in OTHERS)
    # Still only its own breakdown.
    b = result(closed, units["B"])
    assert sees(lambda: access_result(user, b.pk)) is (role in OFFICE or role == "other_reporter")


def test_a_ranking_lists_every_unit_by_rank(closed: Assessment, users: dict[str, User]) -> None:
    do_publish_assessment(closed, acting_user=users["manager"])
    _, results = access_ranking(users["reporter"], closed.pk)
    assert [(r.rank, r.unit.name) for r in results] == [(1, "区公安分局"), (2, "区司法局"), (3, "区民政局")]


def test_visible_results_of_a_reporter_are_its_own(closed: Assessment, users: dict[str, User]) -> None:
    assert [r.unit.name for r in visible_results(users["reporter"])] == ["区公安分局"]
    assert visible_results(users["manager"]).count() == 3
    assert not visible_results(users["other_manager"]).exists()
    assert list(visible_assessments(users["reporter"])) == [closed]


@pytest.mark.parametrize("role", [*OFFICE, "reporter", "other_reporter", *OTHERS])
def test_managing_is_for_the_plans_managers_and_admins(
    assessment: Assessment, users: dict[str, User], role: str
) -> None:
    user, manages = users[role], role in ("admin", "manager")
    assert sees(lambda: access_managed_assessment(user, assessment.pk)) is manages
    assert sees(lambda: access_managed_scheme(user, assessment.scheme.pk)) is manages


@pytest.mark.parametrize("role", [*OFFICE, "reporter", "other_reporter", *OTHERS])
def test_units_see_an_active_scheme_of_a_plan_they_answer_for(
    assessment: Assessment, users: dict[str, User], role: str
) -> None:
    assert sees(lambda: access_scheme(users[role], assessment.scheme.pk)) is (role not in OTHERS)


def test_a_draft_scheme_is_the_offices_only(plan: Any, users: dict[str, User]) -> None:
    from duban.assessment.actions.schemes import do_create_scheme_from_plan

    from .conftest import YEAR

    scheme = do_create_scheme_from_plan(plan, **YEAR, acting_user=users["manager"])
    assert sees(lambda: access_scheme(users["leader"], scheme.pk))
    assert not sees(lambda: access_scheme(users["reporter"], scheme.pk))


def test_an_appeal_is_seen_by_its_unit_and_the_office(
    closed: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    a = result(closed, units["A"])
    assert can_file_appeal(users["reporter"], a) and not can_file_appeal(users["other_reporter"], a)
    appeal = do_file_appeal(a, "扣分有误", acting_user=users["reporter"])
    assert not can_file_appeal(users["reporter"], a)  # one open appeal at a time
    for role, ok in [
        ("reporter", True),
        ("manager", True),
        ("leader", True),
        ("admin", True),
        ("other_reporter", False),
        ("other_manager", False),
        ("outsider", False),
    ]:
        assert sees(lambda role=role: access_appeal(users[role], appeal.pk)) is ok, role  # type: ignore[misc]
    assert can_decide_appeal(users["manager"], appeal)
    assert not can_decide_appeal(users["leader"], appeal) and not can_decide_appeal(users["reporter"], appeal)


def test_missing_and_malformed_ids_give_404(users: dict[str, User], db: Any) -> None:
    for fn in (access_assessment, access_result, access_scheme, access_appeal):
        assert not sees(lambda fn=fn: fn(users["admin"], 999999))  # type: ignore[misc]
        assert not sees(lambda fn=fn: fn(users["admin"], "x"))  # type: ignore[misc]
