"""The import pages: upload, preview with unit matching and cell corrections, confirm, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.plans.models import ImportDraft, ImportStatus, Plan, Responsibility, SourceDocument
from duban.units.models import Alias, Unit

from .conftest import CORPUS, SMALL_PLAN

REVISED = (
    "XX区平安建设任务分解方案\n一、基层治理\n"
    "1、完善网格化管理，到2025年网格覆盖率达100%。（区委政法委牵头，区民政局配合）\n"
    "3、开展平安宣传。（区委宣传部牵头）\n"
).encode()

DRAFT_URLS = ("plans:import_preview", "plans:import_edit", "plans:import_confirm", "plans:import_cancel")


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def upload(client: Client, name: str, data: bytes, **extra: str) -> Any:
    return client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data), **extra})


def stored_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def default_choices(response: Any) -> dict[str, str]:
    """What the preview's unit-matching form posts if the manager changes nothing."""
    out = {}
    for r in response.context["unit_rows"]:
        out[f"unit-{r.index}"] = r.selected
        out[f"match-{r.index}"] = r.typed
        out[f"name-{r.index}"] = r.new_name
    return out


def ids_only(choices: dict[str, str]) -> dict[str, str]:
    """The form as posted before the search field: unit-<i> (an id or "new") and name-<i>."""
    return {k: v for k, v in choices.items() if not k.startswith("match-")}


def row_of(response: Any, printed: str) -> Any:
    return next(r for r in response.context["unit_rows"] if r.printed == printed)


@pytest.fixture
def draft(users: dict[str, User]) -> ImportDraft:
    return do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])


# ─── who may import ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("who", ["reporter", "other_reporter", "leader", "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_every_import_url_from_who_may_not_import(
    users: dict[str, User], draft: ImportDraft, who: str, method: str
) -> None:
    client = client_for(users[who])
    urls = [reverse("plans:import")] + [reverse(name, args=[draft.pk]) for name in DRAFT_URLS]
    for url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    draft.refresh_from_db()
    assert draft.status == ImportStatus.PENDING and not Plan.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("manager", 200), ("admin", 200), ("other_manager", 404)])
def test_it_shows_a_draft_only_to_its_creator_and_the_admin(
    users: dict[str, User], draft: ImportDraft, who: str, status: int
) -> None:
    assert client_for(users[who]).get(reverse("plans:import_preview", args=[draft.pk])).status_code == status


def test_it_lets_no_other_manager_confirm_or_cancel_a_draft(
    users: dict[str, User], draft: ImportDraft
) -> None:
    client = client_for(users["other_manager"])
    assert client.post(reverse("plans:import_confirm", args=[draft.pk])).status_code == 404
    assert client.post(reverse("plans:import_cancel", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == ImportStatus.PENDING


def test_it_offers_the_supported_file_types_and_the_plans_to_revise(
    users: dict[str, User], small_plan: Plan
) -> None:
    other = do_upload_document("other.txt", REVISED, acting_user=users["other_manager"])
    do_confirm_import(other, {}, acting_user=users["other_manager"])
    response = client_for(users["manager"]).get(reverse("plans:import"))
    content = response.content.decode()
    assert 'accept=".csv,.doc,.docx,' in content and ".xlsx" in content
    # Another manager's plan is not offered.
    assert list(response.context["form"].fields["revises"].queryset) == [small_plan]


def test_it_needs_a_csrf_token_to_upload(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["manager"])
    assert upload(client, "small.txt", SMALL_PLAN).status_code == 403
    assert not ImportDraft.objects.exists()


# ─── bad uploads ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "virus.exe：不支持的文件类型"),
        ("empty.txt", b"", "empty.txt：文件为空"),
        ("broken.docx", b"PK\x03\x04 not really a docx", "broken.docx"),
        ("news.txt", "今天天气很好。我们去公园散步。".encode(), "news.txt：未识别出任务"),
    ],
)
def test_it_shows_why_a_bad_upload_is_rejected_and_stores_nothing(
    users: dict[str, User], name: str, data: bytes, message: str
) -> None:
    before = stored_files()
    response = upload(client_for(users["manager"]), name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SourceDocument.objects.exists() and not ImportDraft.objects.exists()
    assert not AuditEvent.objects.exclude(object_type="accounts.user").exists() and stored_files() == before


def test_it_rejects_an_upload_over_the_size_limit(users: dict[str, User], settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 100
    response = upload(client_for(users["manager"]), "big.txt", SMALL_PLAN * 10)
    assert response.status_code == 400
    assert "big.txt：文件过大" in response.content.decode()
    assert not SourceDocument.objects.exists()


def test_it_asks_for_a_file(users: dict[str, User]) -> None:
    response = client_for(users["manager"]).post(reverse("plans:import"), {})
    assert response.status_code == 400 and not ImportDraft.objects.exists()
    assert response.context["form"].errors["file"]


# ─── preview, corrections, confirmation ──────────────────────────────────────────────────────


def test_it_imports_a_document_with_a_changed_unit_and_an_edited_cell(users: dict[str, User]) -> None:
    civil = Unit.objects.create(name="区民政局（区社会组织管理局）")
    client = client_for(users["manager"])

    response = upload(client, "small.txt", SMALL_PLAN)
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    preview_url = reverse("plans:import_preview", args=[draft.pk])
    assert response["Location"] == preview_url

    response = client.get(preview_url)
    assert response.status_code == 200
    assert "完善网格化管理" in response.content.decode()
    assert row_of(response, "区公安分局").match.how == "exact"

    edit = {
        "part": "0",
        "index": "1",
        "id": "2",
        "title": "建立矛盾纠纷多元化解机制",
        "text": "",
        "deadline_text": "年底前",
    }
    assert client.post(reverse("plans:import_edit", args=[draft.pk]), edit).status_code == 302

    response = client.get(preview_url)
    choices = default_choices(response)
    # Without JavaScript the manager types the directory name; the server resolves it.
    choices[f"match-{row_of(response, '区民政局').index}"] = "区民政局（区社会组织管理局）"
    choices[f"name-{row_of(response, '区信访局').index}"] = "区信访局（信访办）"
    response = client.post(reverse("plans:import_confirm", args=[draft.pk]), choices)

    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert Responsibility.objects.filter(task__plan=plan, unit=civil).count() == 1
    assert not Unit.objects.filter(name="区民政局").exists()
    task = plan.tasks.get(number="2")
    assert (task.title, task.deadline_text) == ("建立矛盾纠纷多元化解机制", "年底前")
    assert [r.unit.name for r in task.responsibilities.all()] == ["区司法局", "区信访局（信访办）"]
    assert set(plan.managers.all()) == {users["manager"]}
    draft.refresh_from_db()
    assert (draft.status, draft.result_id) == (ImportStatus.CONFIRMED, plan.pk)
    assert client.get(preview_url)["Location"] == reverse("plans:detail", args=[plan.pk])


def test_it_preselects_alias_and_abbreviation_matches(users: dict[str, User], draft: ImportDraft) -> None:
    near = Unit.objects.create(name="区委政法委员会")  # 政法委 is short for 政法委员会 (name_rules.json)
    civil = Unit.objects.create(name="区民政局（区社会组织管理局）")
    Alias.objects.create(unit=civil, name="区民政局")
    response = client_for(users["manager"]).get(reverse("plans:import_preview", args=[draft.pk]))
    rows = {r.printed: (r.match.how, r.selected, r.typed) for r in response.context["unit_rows"]}
    assert rows["区委政法委"] == ("rule", str(near.pk), "区委政法委员会")
    assert rows["区民政局"] == ("alias", str(civil.pk), "区民政局（区社会组织管理局）")
    assert rows["区信访局"] == ("new", "new", "")
    html = response.content.decode()
    i = row_of(response, "区委政法委").index
    assert f'<input type="hidden" name="unit-{i}" value="{near.pk}">' in html
    assert f'name="match-{i}" value="区委政法委员会"' in html


def test_it_refuses_a_unit_id_that_is_not_in_the_directory(
    users: dict[str, User], draft: ImportDraft
) -> None:
    client = client_for(users["manager"])
    choices = ids_only(default_choices(client.get(reverse("plans:import_preview", args=[draft.pk]))))
    choices["unit-0"] = "999999"
    response = client.post(reverse("plans:import_confirm", args=[draft.pk]), choices)
    assert response.status_code == 400
    assert "第 1 行“区委政法委”：请选择目录中的单位" in response.content.decode()
    assert not Plan.objects.exists()
    assert response.context["unit_rows"][0].selected == "999999"  # the form keeps what was posted


def test_it_still_reads_a_form_that_posts_unit_ids_only(users: dict[str, User], draft: ImportDraft) -> None:
    justice = Unit.objects.get(name="区司法局")
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    choices = ids_only(default_choices(response))
    choices[f"unit-{row_of(response, '区信访局').index}"] = str(justice.pk)
    assert client.post(reverse("plans:import_confirm", args=[draft.pk]), choices).status_code == 302
    assert not Unit.objects.filter(name="区信访局").exists()
    assert Responsibility.objects.filter(unit=justice).count() == 2


def test_it_resolves_a_typed_alias_without_javascript(users: dict[str, User], draft: ImportDraft) -> None:
    civil = Unit.objects.create(name="区民政局（区社会组织管理局）")
    Alias.objects.create(unit=civil, name="区民政")
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    choices = default_choices(response)
    choices[f"match-{row_of(response, '区民政局').index}"] = " 区 民政 "
    assert client.post(reverse("plans:import_confirm", args=[draft.pk]), choices).status_code == 302
    assert Responsibility.objects.filter(unit=civil).count() == 1
    assert not Unit.objects.filter(name="区民政局").exists()


def test_it_trusts_the_picked_id_only_while_the_field_still_shows_that_unit(
    users: dict[str, User], draft: ImportDraft
) -> None:
    near = Unit.objects.create(name="区委政法委员会")
    justice = Unit.objects.get(name="区司法局")
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    choices = default_choices(response)
    i = row_of(response, "区委政法委").index
    assert choices[f"unit-{i}"] == str(near.pk)
    choices[f"match-{i}"] = "区司法局"  # typed over the suggestion, the hidden id left as it was
    assert client.post(reverse("plans:import_confirm", args=[draft.pk]), choices).status_code == 302
    assert Responsibility.objects.filter(unit=near).count() == 0
    assert Responsibility.objects.filter(unit=justice).count() == 2


def test_it_creates_a_new_unit_when_the_field_is_left_empty(
    users: dict[str, User], draft: ImportDraft
) -> None:
    near = Unit.objects.create(name="区委政法委员会")
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    choices = default_choices(response)
    i = row_of(response, "区委政法委").index
    choices[f"match-{i}"] = ""
    choices[f"name-{i}"] = "区委政法委（新）"
    assert client.post(reverse("plans:import_confirm", args=[draft.pk]), choices).status_code == 302
    assert Responsibility.objects.filter(unit=near).count() == 0
    assert Responsibility.objects.filter(unit__name="区委政法委（新）").count() == 1


@pytest.mark.parametrize("typed", ["区公安局", "区委政法"])
def test_it_names_the_row_when_a_typed_unit_is_not_in_the_directory(
    users: dict[str, User], draft: ImportDraft, typed: str
) -> None:
    Unit.objects.create(name="区委政法委员会", active=False)
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    choices = default_choices(response)
    i = row_of(response, "区公安分局").index
    choices[f"match-{i}"] = typed
    response = client.post(reverse("plans:import_confirm", args=[draft.pk]), choices)
    assert response.status_code == 400
    assert f"第 {i + 1} 行“区公安分局”：目录中没有名称或别名为“{typed}”的单位" in response.content.decode()
    assert not Plan.objects.exists() and ImportDraft.objects.get().status == ImportStatus.PENDING
    assert Unit.objects.count() == 3
    # The field keeps what was typed, for the manager to correct.
    assert row_of(response, "区公安分局").typed == typed
    assert f'name="match-{i}" value="{typed}"' in response.content.decode()


def test_it_refuses_an_inactive_unit_picked_by_id(users: dict[str, User], draft: ImportDraft) -> None:
    gone = Unit.objects.create(name="区委政法委员会", active=False)
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    choices = default_choices(response)
    i = row_of(response, "区委政法委").index
    choices[f"unit-{i}"], choices[f"match-{i}"] = str(gone.pk), gone.name
    response = client.post(reverse("plans:import_confirm", args=[draft.pk]), choices)
    assert response.status_code == 400 and not Plan.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("index", "7", "第 8 行"), ("id", "", "序号"), ("part", "3", "第 4 部分")],
)
def test_it_refuses_a_bad_cell_correction(
    users: dict[str, User], draft: ImportDraft, field: str, value: str, message: str
) -> None:
    edit = {"part": "0", "index": "0", "id": "1", "title": "x", "text": "", "deadline_text": "", field: value}
    response = client_for(users["manager"]).post(reverse("plans:import_edit", args=[draft.pk]), edit)
    assert response.status_code == 400
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.plan_json["tasks"][0]["title"] is None


def test_it_writes_only_the_changed_cells_of_a_row(users: dict[str, User], draft: ImportDraft) -> None:
    task = draft.plan_json["tasks"][0]
    edit = {
        "part": "0",
        "index": "0",
        "id": task["id"],
        "title": "网格化",
        "text": task["text"],
        "deadline_text": "",
    }
    client_for(users["manager"]).post(reverse("plans:import_edit", args=[draft.pk]), edit)
    edits = AuditEvent.objects.filter(action="edit_draft")
    assert [e.after for e in edits] == [{"title": "网格化"}]


def test_it_refuses_get_on_the_posting_urls(users: dict[str, User], draft: ImportDraft) -> None:
    client = client_for(users["manager"])
    for name in ("plans:import_edit", "plans:import_confirm", "plans:import_cancel"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 405


def test_it_leaves_nothing_when_an_import_is_cancelled(users: dict[str, User]) -> None:
    client = client_for(users["manager"])
    upload(client, "small.txt", SMALL_PLAN)
    draft = ImportDraft.objects.get()
    units_before = Unit.objects.count()
    response = client.post(reverse("plans:import_cancel", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("plans:import")
    draft.refresh_from_db()
    assert draft.status == ImportStatus.CANCELLED
    assert not Plan.objects.exists() and Unit.objects.count() == units_before
    assert client.get(reverse("plans:import_preview", args=[draft.pk])).status_code == 404
    assert client.post(reverse("plans:import_confirm", args=[draft.pk]), {}).status_code == 404


def test_it_imports_a_revision_as_the_next_version_and_shows_the_difference(
    users: dict[str, User], small_plan: Plan
) -> None:
    client = client_for(users["manager"])
    response = upload(client, "small-v2.txt", REVISED, revises=str(small_plan.pk))
    draft = ImportDraft.objects.get(status=ImportStatus.PENDING)
    assert draft.revises == small_plan
    preview = client.get(response["Location"])
    assert "第 2 版" in preview.content.decode()
    response = client.post(reverse("plans:import_confirm", args=[draft.pk]), default_choices(preview))
    draft.refresh_from_db()
    v2 = draft.result
    assert v2 is not None
    small_plan.refresh_from_db()
    assert (v2.series, v2.version, v2.is_current, small_plan.is_current) == (
        small_plan.series,
        2,
        True,
        False,
    )

    page = client.get(response["Location"]).content.decode()
    diff_url = reverse("plans:diff", args=[v2.pk, small_plan.pk])
    assert f'href="{diff_url}"' in page
    diff = client.get(diff_url)
    assert [t.number for t in diff.context["added"]] == ["3"]
    assert [t.number for t in diff.context["removed"]] == ["2"]
    assert [(c.number, c.units_removed) for c in diff.context["changed"]] == [("1", ["区公安分局（配合）"])]
    content = diff.content.decode()
    assert "开展平安宣传" in content and "区公安分局（配合）" in content


def test_it_offers_no_revision_of_another_managers_plan(users: dict[str, User], small_plan: Plan) -> None:
    response = upload(client_for(users["other_manager"]), "v2.txt", REVISED, revises=str(small_plan.pk))
    assert response.status_code == 400
    assert not ImportDraft.objects.filter(revises=small_plan).exists()


def test_it_shows_a_draft_escaped(users: dict[str, User], draft: ImportDraft) -> None:
    client = client_for(users["manager"])
    edit = {
        "part": "0",
        "index": "0",
        "id": "1",
        "title": "<script>alert(1)</script>",
        "text": "<p>网格",
        "deadline_text": "",
    }
    client.post(reverse("plans:import_edit", args=[draft.pk]), edit)
    content = client.get(reverse("plans:import_preview", args=[draft.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content and "&lt;p&gt;网格" in content
    assert "<script>" not in content and "<p>网格" not in content


# ─── a document with a bundled second list ───────────────────────────────────────────────────


def test_it_imports_a_bundled_special_list_as_a_child_plan(users: dict[str, User]) -> None:
    client = client_for(users["manager"])
    data = (CORPUS / "004_8589ef9e036e82d9.txt").read_bytes()
    response = upload(client, "004.txt", data)
    preview = client.get(response["Location"])
    printed = [r.printed for r in preview.context["unit_rows"]]
    assert "市监分局" in printed  # printed only in the special list
    content = preview.content.decode()
    assert "附属清单：宜阳新区落实江西省特色工作指引责任清单" in content

    draft = ImportDraft.objects.get()
    edit = {
        "part": "1",
        "index": "0",
        "id": "II-1.1",
        "title": "红色网格",
        "text": "党支部应建尽建",
        "deadline_text": "",
    }
    assert client.post(reverse("plans:import_edit", args=[draft.pk]), edit).status_code == 302
    response = client.post(
        reverse("plans:import_confirm", args=[draft.pk]),
        default_choices(client.get(reverse("plans:import_preview", args=[draft.pk]))),
    )
    main = Plan.objects.get(parent=None)
    child = Plan.objects.get(parent=main)
    assert response["Location"] == reverse("plans:detail", args=[main.pk])
    assert (main.tasks.count(), child.tasks.count()) == (63, 20)
    assert child.title == "宜阳新区落实江西省特色工作指引责任清单"
    assert child.series != main.series and set(child.managers.all()) == {users["manager"]}
    first = child.tasks.get(number="II-1.1")
    assert (first.title, first.text) == ("红色网格", "党支部应建尽建")
    assert Responsibility.objects.filter(task__plan=child, unit__name="市监分局").exists()
    page = client.get(reverse("plans:detail", args=[main.pk])).content.decode()
    assert f'href="{reverse("plans:detail", args=[child.pk])}"' in page


def test_it_revises_a_bundled_list_along_with_its_plan(users: dict[str, User]) -> None:
    client = client_for(users["manager"])
    data = (CORPUS / "004_8589ef9e036e82d9.txt").read_bytes()

    def import_004(**extra: str) -> None:
        preview = client.get(upload(client, "004.txt", data, **extra)["Location"])
        draft = ImportDraft.objects.get(status=ImportStatus.PENDING)
        client.post(reverse("plans:import_confirm", args=[draft.pk]), default_choices(preview))

    import_004()
    import_004(revises=str(Plan.objects.get(parent=None).pk))
    children = Plan.objects.filter(title="宜阳新区落实江西省特色工作指引责任清单").order_by("version")
    assert [(c.version, c.is_current) for c in children] == [(1, False), (2, True)]
    assert children[0].series == children[1].series
    assert children[1].parent == Plan.objects.get(parent=None, is_current=True)


@pytest.mark.parametrize("posted", ["²", "9" * 40, "-3", "1.0", ""])
def test_it_refuses_a_malformed_unit_id(users: dict[str, User], draft: ImportDraft, posted: str) -> None:
    client = client_for(users["manager"])
    choices = ids_only(default_choices(client.get(reverse("plans:import_preview", args=[draft.pk]))))
    choices["unit-0"] = posted
    response = client.post(reverse("plans:import_confirm", args=[draft.pk]), choices)
    assert response.status_code == 400 and "第 1 行“区委政法委”" in response.content.decode()
    assert not Plan.objects.exists()


# ─── uncertain rows first ────────────────────────────────────────────────────────────────────

UNSURE = (
    "XX区营商环境重点任务分解方案\n一、政务服务\n"
    "1、推行“一网通办”，年内完成。（牵头单位：区政务服务中心；配合单位：区大数据中心）\n"
    "2、压缩开办企业时间。\n"
    "二、监管执法\n"
    "（一）推行“双随机、一公开”监管\n"
    "市场监管部门负责统筹抽查计划。\n"
).encode()


def test_it_shows_the_uncertain_rows_to_the_clerk_first(users: dict[str, User]) -> None:
    """The preview opens with the plan's summary and a list of the rows to check first (no unit,
    or a form the engine is not sure of), each linking to its row, which is marked."""
    response = upload(client_for(users["manager"]), "营商环境.txt", UNSURE)
    page = client_for(users["manager"]).get(response["Location"])
    (part,) = page.context["parts"]
    assert part.summary.startswith("识别出 ") and "未找到责任单位" in part.summary
    checked = {r.task["id"] for r in part.uncertain}
    sure = {r.task["id"] for r in part.rows if not r.uncertain}
    assert "2" in checked and "1" in sure
    html = page.content.decode()
    assert "请先核对" in html
    assert html.index("请先核对") < html.index('id="row-0-0"')  # the list comes before the table
    assert 'href="#row-0-1"' in html and 'id="row-0-1" class="uncertain"' in html


def test_it_does_not_preselect_a_name_that_is_only_alike(users: dict[str, User]) -> None:
    # 市信访办 reads like 市信访联席办 (0.8) but is another body: shown as a hint, not chosen.
    Unit.objects.create(name="市信访联席办")
    text = "XX市平安建设任务分解方案\n一、基层治理\n1、建立矛盾纠纷排查机制。（市信访办牵头）\n".encode()
    draft = do_upload_document("xf.txt", text, acting_user=users["manager"])
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    row = row_of(response, "市信访办")
    assert (row.match.how, row.selected, row.typed) == ("near", "new", "")
    assert "名称近似“市信访联席办”，未预选" in response.content.decode()
    assert (
        client.post(reverse("plans:import_confirm", args=[draft.pk]), default_choices(response)).status_code
        == 302
    )
    assert Unit.objects.filter(name="市信访办").exists()
    assert not Responsibility.objects.filter(unit__name="市信访联席办").exists()


def test_it_knows_the_youth_league_by_its_short_name(users: dict[str, User]) -> None:
    league = Unit.objects.create(name="共青团南京市委")
    text = "XX市平安建设任务分解方案\n一、基层治理\n1、开展青少年普法教育。（团市委牵头）\n".encode()
    draft = do_upload_document("tsw.txt", text, acting_user=users["manager"])
    client = client_for(users["manager"])
    response = client.get(reverse("plans:import_preview", args=[draft.pk]))
    row = row_of(response, "团市委")
    assert (row.match.how, row.selected, row.typed) == ("rule", str(league.pk), "共青团南京市委")
    assert (
        client.post(reverse("plans:import_confirm", args=[draft.pk]), default_choices(response)).status_code
        == 302
    )
    assert Responsibility.objects.filter(unit=league).count() == 1
    assert not Unit.objects.filter(name="团市委").exists()
