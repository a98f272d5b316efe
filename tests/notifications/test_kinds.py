"""Notification kinds: each app registers its own; a kind nobody registered is refused, both when a
message is made and when a notification is validated; the notifications app names no kind itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from duban.accounts.models import User
from duban.assessment.notices import NotificationKind as AssessmentKind
from duban.notifications import kinds
from duban.notifications.models import Notification
from duban.notifications.notify import Message, send
from duban.tracking.models import NotificationKind as TrackingKind


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A copy of the registry for a test that registers kinds of its own."""
    monkeypatch.setattr(kinds, "_labels", dict(kinds._labels))
    yield


def test_it_knows_the_kinds_each_app_registers() -> None:
    known = dict(kinds.choices())
    assert known[TrackingKind.DIGEST] == "每日汇总"
    assert known[TrackingKind.ORDER_ESCALATED] == "督办升级"
    assert known[AssessmentKind.ASSESSMENT_PUBLISHED] == "考核结果公布"
    assert known[AssessmentKind.APPEAL_FILED] == "考核申诉"
    assert set(known) == {*TrackingKind.values, *AssessmentKind.values}


def test_it_accepts_a_message_of_a_registered_kind() -> None:
    message = Message(key="k", kind=AssessmentKind.APPEAL_DECIDED, title="t", text="x")
    assert message.kind == "appeal_decided"


def test_it_refuses_a_message_of_an_unknown_kind() -> None:
    with pytest.raises(kinds.UnknownKind, match="no_such_kind"):
        Message(key="k", kind="no_such_kind", title="t", text="x")


def test_it_refuses_an_unknown_kind_when_a_notification_is_validated() -> None:
    field = Notification._meta.get_field("kind")
    assert field.clean(TrackingKind.DIGEST, None) == "digest"
    with pytest.raises(ValidationError):
        field.clean("no_such_kind", None)


@pytest.mark.usefixtures("registry")
def test_it_stores_and_shows_a_kind_registered_later(users: dict[str, User]) -> None:
    kinds.register("plan_imported", "方案已导入")
    (note,) = send(
        [Message(key="imported", kind="plan_imported", title="t", text="x", users=(users["reporter"].pk,))]
    )
    assert Notification.objects.get(pk=note.pk).get_kind_display() == "方案已导入"


@pytest.mark.usefixtures("registry")
def test_it_lets_an_app_register_its_kinds_again_but_not_relabel_anothers() -> None:
    kinds.register_all(TrackingKind.choices)  # AppConfig.ready() run twice changes nothing
    with pytest.raises(ValueError, match="registered already"):
        kinds.register(TrackingKind.DIGEST, "别的汇总")
    assert dict(kinds.choices())[TrackingKind.DIGEST] == "每日汇总"


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("code", ["", "x" * (kinds.MAX_LENGTH + 1)])
def test_it_refuses_a_code_that_cannot_be_stored(code: str) -> None:
    with pytest.raises(ValueError, match="characters"):
        kinds.register(code, "标签")


def test_the_notifications_app_names_no_kind_in_its_model_or_migrations() -> None:
    field = Notification._meta.get_field("kind")
    assert field.deconstruct()[3]["choices"] is kinds.choices  # migrations name the registry, not kinds
    migrations = Path(kinds.__file__).parent / "migrations"
    text = "".join(p.read_text("utf-8") for p in migrations.glob("*.py"))
    for code in [*TrackingKind.values, *AssessmentKind.values]:
        assert f"'{code}'" not in text and f'"{code}"' not in text
