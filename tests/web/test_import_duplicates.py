"""Importing a document already imported: the preview warns (same file, or same title and 文号)
and offers a new version of that plan or to cancel; a second identical plan needs a deliberate
tick."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.actions import ImportRejected, do_confirm_import, do_upload_document
from duban.plans.models import ImportDraft, Plan

from .conftest import SMALL_PLAN

# The same title (and no 文号) in another file: the text of one task changed.
SAME_TITLE = SMALL_PLAN.replace("建立矛盾纠纷排查机制".encode(), "健全矛盾纠纷排查化解机制".encode())
NUMBERED = (
    "XX区平安建设任务分解方案\nX政办〔2024〕{n}号\n一、基层治理\n1、完善网格化管理。（区委政法委牵头）\n"
)


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def preview(client: Client, draft: ImportDraft) -> Any:
    return client.get(reverse("plans:import_preview", args=[draft.pk]))


def confirm(client: Client, draft: ImportDraft, **extra: str) -> Any:
    choices = {}
    for r in preview(client, draft).context["unit_rows"]:
        choices.update(
            {f"unit-{r.index}": r.selected, f"match-{r.index}": r.typed, f"name-{r.index}": r.new_name}
        )
    return client.post(reverse("plans:import_confirm", args=[draft.pk]), {**choices, **extra})


def test_it_warns_when_the_same_file_is_imported_again(small_plan: Plan, users: dict[str, User]) -> None:
    draft = do_upload_document("again.txt", SMALL_PLAN, acting_user=users["manager"])
    r = preview(client_for(users["manager"]), draft)
    html = r.content.decode()
    assert "该文档已导入过" in html and "同一文件" in html and small_plan.title in html
    assert "导入为该方案的新版本" in html and 'id="cancel-import"' in html


def test_it_warns_on_the_same_title_and_number_in_another_file(
    small_plan: Plan, users: dict[str, User]
) -> None:
    draft = do_upload_document("edited.txt", SAME_TITLE, acting_user=users["manager"])
    html = preview(client_for(users["manager"]), draft).content.decode()
    assert "该文档已导入过" in html and "标题和文号相同" in html


def test_it_does_not_warn_for_another_document_number(users: dict[str, User]) -> None:
    manager = users["manager"]
    first = do_upload_document("a.txt", NUMBERED.format(n=1).encode(), acting_user=manager)
    assert first.plan_json.get("doc_number")  # the reader found the 文号
    do_confirm_import(first, {}, acting_user=manager)
    second = do_upload_document("b.txt", NUMBERED.format(n=2).encode(), acting_user=manager)
    assert "该文档已导入过" not in preview(client_for(manager), second).content.decode()


def test_it_refuses_a_second_identical_plan_without_the_tick(
    small_plan: Plan, users: dict[str, User]
) -> None:
    client = client_for(users["manager"])
    draft = do_upload_document("again.txt", SMALL_PLAN, acting_user=users["manager"])
    before = AuditEvent.objects.count()
    r = confirm(client, draft)
    assert r.status_code == 400
    assert "已导入为《XX区平安建设任务分解方案》" in r.content.decode()
    assert Plan.objects.count() == 1 and AuditEvent.objects.count() == before
    draft.refresh_from_db()
    assert draft.status == "pending"


def test_it_makes_a_second_plan_when_ticked(small_plan: Plan, users: dict[str, User]) -> None:
    client = client_for(users["manager"])
    draft = do_upload_document("again.txt", SMALL_PLAN, acting_user=users["manager"])
    assert confirm(client, draft, as_new="1").status_code == 302
    assert Plan.objects.filter(title=small_plan.title, version=1).count() == 2


def test_it_imports_it_as_the_next_version_instead(small_plan: Plan, users: dict[str, User]) -> None:
    client = client_for(users["manager"])
    draft = do_upload_document("edited.txt", SAME_TITLE, acting_user=users["manager"])
    r = client.post(reverse("plans:import_revise", args=[draft.pk]), {"plan": small_plan.pk})
    assert r.status_code == 302
    html = preview(client, draft).content.decode()
    assert "该文档已导入过" not in html and "确认后成为第 2 版" in html
    assert confirm(client, draft).status_code == 302
    v2 = Plan.objects.get(series=small_plan.series, version=2)
    assert v2.is_current and Plan.objects.filter(series=small_plan.series).count() == 2
    assert AuditEvent.objects.filter(action="revise_with_draft", object_id=str(draft.pk)).count() == 1


def test_it_lets_no_one_revise_a_plan_they_do_not_manage(small_plan: Plan, users: dict[str, User]) -> None:
    other = users["other_manager"]
    draft = do_upload_document("mine.txt", SMALL_PLAN, acting_user=other)
    # The other manager manages no plan: nothing is said about this one, and nothing may be revised.
    assert "该文档已导入过" not in preview(client_for(other), draft).content.decode()
    r = client_for(other).post(reverse("plans:import_revise", args=[draft.pk]), {"plan": small_plan.pk})
    assert r.status_code == 400
    draft.refresh_from_db()
    assert draft.revises_id is None


def test_the_action_itself_refuses_a_copy_when_asked_to(small_plan: Plan, users: dict[str, User]) -> None:
    draft = do_upload_document("again.txt", SMALL_PLAN, acting_user=users["manager"])
    with pytest.raises(ImportRejected, match=r"again\.txt：该文档已导入为"):
        do_confirm_import(draft, {}, allow_copy=False, acting_user=users["manager"])
    assert Plan.objects.count() == 1
