"""The demo as a new user meets it: a clean unit directory, every account landing on work of its
own, an inbox without stale notices, events dated when they happened, passwords that can be shown
again, and the port `make demo` is given.

The demo is seeded once for the module (it takes a while) and committed, as `duban demo` does, so
that the notices sent on commit are real; the database is emptied again afterwards."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from duban import clock
from duban.accounts.models import User
from duban.notifications.access import unread_count
from duban.notifications.models import Notification
from duban.platform_cli import demo_port
from duban.tracking.models import ProgressReport, ReportStatus
from duban.units.models import Unit
from duban.units.suggestions import suggested_merges
from duban.web import demo, demo_today
from duban.web.env import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        out = io.StringIO()
        with transaction.atomic():
            demo._seed(out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def test_the_demo_directory_has_no_split_names(seeded: str, db: None) -> None:
    left = [(s.keep.name, s.gone.name, s.why) for s in suggested_merges()]
    assert left == [], left
    gone = [name for _, names in demo_today.DEMO_MERGES for name in names]
    assert not Unit.objects.filter(name__in=gone).exists()
    assert "已合并同一单位的不同写法" in seeded


@pytest.mark.parametrize(
    ("keep", "gone"),
    [
        ("经济发展局", "经发局"),
        ("宜阳公安分局", "宜阳公安局"),
        ("工程建设管理局", "工程局"),
        ("工程建设管理局", "工程管理局"),
        ("市场监督管理局宜阳分局", "市监分局"),
    ],
)
def test_the_demo_keeps_each_split_name_as_an_alias(seeded: str, db: None, keep: str, gone: str) -> None:
    assert Unit.objects.get(name=keep).aliases.filter(name=gone).exists()


def landing(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    r = client.get("/", follow=True)
    assert r.status_code == 200
    return str(r.content.decode())


@pytest.mark.parametrize("username", ["gongan", "zongzhi"])
def test_each_demo_reporter_lands_on_reports_of_its_own_to_write(
    seeded: str, db: None, username: str
) -> None:
    html = landing(username)
    assert "本单位待报送" in html
    unit = User.objects.get(username=username).unit
    assert unit is not None and ProgressReport.objects.filter(unit=unit).exists()  # its own history
    assert re.search(r'href="/tracking/tasks/\d+/periods/\d+/report/"', html)


def test_the_demo_manager_lands_on_reports_to_review(seeded: str, db: None) -> None:
    html = landing("manager")
    waiting = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count()
    assert waiting == demo_today.CURRENT_REPORTERS
    assert f"待审核 {waiting} 份" in html


@pytest.mark.parametrize("username", ["leader", "admin"])
def test_the_demo_leader_and_admin_land_on_the_current_figures(seeded: str, db: None, username: str) -> None:
    html = landing(username)
    name, *_ = demo_today.quarter(clock.today())
    assert "督办概览" in html and name in html


def test_the_demo_managers_inbox_holds_only_live_notices(seeded: str, db: None) -> None:
    manager = User.objects.get(username="manager")
    notes = Notification.objects.filter(recipient=manager)
    assert notes.count() > 100  # two years of reviews and an appeal
    # Only the current quarter's reports wait for review: every older notice resolved itself.
    assert unread_count(manager) == demo_today.CURRENT_REPORTERS
    assert notes.filter(resolved_at__isnull=True).exclude(topic="").count() == demo_today.CURRENT_REPORTERS


def test_the_demo_notices_are_dated_when_their_events_happened(seeded: str, db: None) -> None:
    years = {d.year for d in Notification.objects.dates("created_at", "year")}
    assert {2023, 2024} <= years
    appeal = Notification.objects.filter(kind="appeal_filed").get()
    assert appeal.created_at.date() == dt.date(2024, 2, 12)


def test_the_demo_passwords_can_be_shown_again(seeded: str, db: None) -> None:
    out = io.StringIO()
    demo.prepare(out, reset_passwords=True)
    printed = dict(re.findall(r"^  (\w+)\s+(\S+)  ", out.getvalue(), re.M))
    assert set(printed) == {a[0] for a in demo.DEMO_ACCOUNTS}
    for username, password in printed.items():
        assert User.objects.get(username=username).check_password(password)


def test_the_demo_says_how_to_see_the_passwords_again(seeded: str, db: None) -> None:
    out = io.StringIO()
    demo.prepare(out)
    assert "duban demo --reset-passwords" in out.getvalue()


def test_the_demo_port_comes_from_the_option_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUBAN_PORT", raising=False)
    assert demo_port(None) == 8000
    monkeypatch.setenv("DUBAN_PORT", "8081")
    assert demo_port(None) == 8081
    assert demo_port(9000) == 9000
    monkeypatch.setenv("DUBAN_PORT", "eighty")
    with pytest.raises(ConfigError, match="DUBAN_PORT"):
        demo_port(None)


def test_make_demo_passes_its_port_on() -> None:
    dry = subprocess.run(
        ["make", "-n", "demo", "PORT=8082"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "duban demo --port 8082" in dry
    plain = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"duban demo\s*$", plain, re.M)
