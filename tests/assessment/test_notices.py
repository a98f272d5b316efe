"""Notifications of the assessment, through the inbox and channels (duban.notifications): publishing tells every
assessed unit (its users and its robots) with a link to its own breakdown; an appeal tells the
scheme's plan managers; its decision tells the unit. Each is created once (dedupe keys), only
once the write commits, and never for a refused action.

The assessment is conftest's: units A (`reporter`), B (`other_reporter`) and C (`civil`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.assessment import notices
from duban.assessment.actions.appeals import do_decide_appeal, do_file_appeal
from duban.assessment.actions.assessments import (
    do_close_assessment,
    do_publish_assessment,
    do_reopen_assessment,
)
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Appeal, Assessment
from duban.assessment.notices import NotificationKind
from duban.notifications.models import Channel, Delivery, DeliveryStatus, Notification, UnitChannel
from duban.notifications.notify import send
from duban.units.models import Unit

from .conftest import result

Capture = Callable[..., AbstractContextManager[Any]]


def inbox(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def publish(a: Assessment, users: dict[str, User], capture: Capture) -> Assessment:
    do_close_assessment(a, acting_user=users["manager"])
    with capture(execute=True):
        return do_publish_assessment(a, acting_user=users["manager"])


def test_it_tells_every_assessed_unit_when_the_assessment_is_published(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    publish(assessment, users, django_capture_on_commit_callbacks)
    civil = User.objects.get(username="civil")
    for user, unit in (
        (users["reporter"], units["A"]),
        (users["other_reporter"], units["B"]),
        (civil, units["C"]),
    ):
        (note,) = inbox(user)
        r = result(assessment, unit)
        assert note.link == reverse("assessment:result", args=[r.pk])
        assert note.kind == NotificationKind.ASSESSMENT_PUBLISHED == notices.KIND_PUBLISHED
        assert note.title.startswith("考核结果已公布") and f"第 {r.rank} 名" in note.text
    assert inbox(users["manager"]) == [] and inbox(users["outsider"]) == []


def test_it_sends_the_publication_through_the_units_own_channels(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    UnitChannel.objects.create(
        unit=units["A"], channel=Channel.DINGTALK, url="https://oapi.example.invalid/robot"
    )
    publish(assessment, users, django_capture_on_commit_callbacks)
    (note,) = Notification.objects.filter(unit=units["A"])
    assert note.link == reverse("assessment:result", args=[result(assessment, units["A"]).pk])
    (delivery,) = Delivery.objects.filter(notification=note)
    assert (delivery.channel, delivery.status) == (Channel.DINGTALK, DeliveryStatus.PENDING)


def test_it_links_each_unit_to_a_breakdown_it_may_open(
    assessment: Assessment, users: dict[str, User], django_capture_on_commit_callbacks: Capture
) -> None:
    publish(assessment, users, django_capture_on_commit_callbacks)
    (note,) = inbox(users["reporter"])
    c = Client()
    c.force_login(users["reporter"])
    response = c.get(reverse("notifications:notification", args=[note.pk]), follow=True)
    assert response.redirect_chain[-1][0] == note.link
    assert response.status_code == 200 and "得分明细" in response.content.decode()


def test_it_tells_nobody_twice_about_one_publication(
    assessment: Assessment, users: dict[str, User], django_capture_on_commit_callbacks: Capture
) -> None:
    publish(assessment, users, django_capture_on_commit_callbacks)
    before = Notification.objects.count()
    assessment.refresh_from_db()
    assert send(notices.published(assessment)) == []
    assert Notification.objects.count() == before


def test_it_tells_the_units_again_when_a_reopened_assessment_is_published_again(
    assessment: Assessment, users: dict[str, User], django_capture_on_commit_callbacks: Capture
) -> None:
    publish(assessment, users, django_capture_on_commit_callbacks)
    do_reopen_assessment(assessment, "区司法局评分有误", acting_user=users["manager"])
    publish(assessment, users, django_capture_on_commit_callbacks)
    assert len(inbox(users["reporter"])) == 2


def test_it_tells_nobody_when_publishing_is_refused(
    assessment: Assessment, users: dict[str, User], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AssessmentError):
        do_publish_assessment(assessment, acting_user=users["manager"])  # still open
    assert not Notification.objects.exists()


@pytest.fixture
def appealed(
    assessment: Assessment,
    units: dict[str, Unit],
    users: dict[str, User],
    django_capture_on_commit_callbacks: Capture,
) -> Appeal:
    do_close_assessment(assessment, acting_user=users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        return do_file_appeal(
            result(assessment, units["A"]), "任务1已按时完成", acting_user=users["reporter"]
        )


def test_it_tells_the_schemes_managers_when_an_appeal_is_filed(
    appealed: Appeal, users: dict[str, User]
) -> None:
    (note,) = inbox(users["manager"])
    assert note.kind == NotificationKind.APPEAL_FILED
    assert note.link == reverse("assessment:appeals", args=[appealed.result.assessment_id])
    assert "区公安分局" in note.title and "任务1已按时完成" in note.text
    for role in ("other_manager", "admin", "reporter", "other_reporter"):
        assert inbox(users[role]) == [], role


@pytest.mark.parametrize(
    ("accept", "kind", "words"),
    [
        (True, NotificationKind.APPEAL_DECIDED, "已采纳"),
        (False, NotificationKind.APPEAL_DECIDED, "已驳回"),
    ],
)
def test_it_tells_the_unit_when_its_appeal_is_decided(
    appealed: Appeal,
    units: dict[str, Unit],
    users: dict[str, User],
    django_capture_on_commit_callbacks: Capture,
    accept: bool,
    kind: str,
    words: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_appeal(
            appealed, accept=accept, reason="" if accept else "评分依据充分", acting_user=users["manager"]
        )
    (note,) = inbox(users["reporter"])
    assert (note.kind, note.link) == (kind, reverse("assessment:result", args=[appealed.result_id]))
    assert words in note.title
    assert ("评分依据充分" in note.text) is not accept
    assert inbox(users["other_reporter"]) == []


def test_it_sends_nothing_before_the_write_commits(
    assessment: Assessment, users: dict[str, User], django_capture_on_commit_callbacks: Capture
) -> None:
    do_close_assessment(assessment, acting_user=users["manager"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_publish_assessment(assessment, acting_user=users["manager"])
    assert callbacks and not Notification.objects.exists()
