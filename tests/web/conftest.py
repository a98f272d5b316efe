"""Named users for platform tests: an admin, a plan manager, two unit reporters, a leader, an outsider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duban.accounts.models import User
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.plans.models import Plan
from duban.units.models import Unit

CORPUS = Path(__file__).resolve().parents[2] / "src" / "duban" / "demo_data"

SMALL_PLAN = (
    "XX区平安建设任务分解方案\n一、基层治理\n"
    "1、完善网格化管理，到2025年网格覆盖率达100%。（区委政法委牵头，区民政局、区公安分局配合）\n"
    "2、建立矛盾纠纷排查机制。（区司法局牵头，区信访局配合）\n"
).encode()


@pytest.fixture
def users(db: Any) -> dict[str, User]:
    police = Unit.objects.create(name="区公安分局")
    justice = Unit.objects.create(name="区司法局")
    out = {
        "admin": User.objects.create_user("admin", password="pw-admin-123", role="admin"),
        "manager": User.objects.create_user("manager", password="pw-manager-123", role="manager"),
        "other_manager": User.objects.create_user("manager2", password="pw-manager-123", role="manager"),
        "reporter": User.objects.create_user(
            "police", password="pw-police-123", role="reporter", unit=police
        ),
        "other_reporter": User.objects.create_user(
            "justice", password="pw-justice-123", role="reporter", unit=justice
        ),
        "leader": User.objects.create_user("leader", password="pw-leader-123", role="leader"),
        "outsider": User.objects.create_user("outsider", password="pw-outsider-123", role="reporter"),
    }
    return out


@pytest.fixture
def small_plan(users: dict[str, User]) -> Plan:
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    return do_confirm_import(draft, {}, acting_user=users["manager"])
