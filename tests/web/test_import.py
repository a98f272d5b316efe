"""Importing documents: the stored plan, unit matching, versions, and failures that change nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.actions import (
    ImportRejected,
    do_cancel_import,
    do_confirm_import,
    do_edit_draft_row,
    do_save_plan_settings,
    do_upload_document,
)
from duban.plans.diff import diff_plans
from duban.plans.models import ImportDraft, Plan, Responsibility, SourceDocument, Task
from duban.units.actions import do_merge_units
from duban.units.matching import Matcher
from duban.units.models import Alias, Unit

from .conftest import CORPUS, SMALL_PLAN

GOLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "gold"


def test_it_stores_a_plan_with_sections_tasks_roles_and_targets(small_plan: Plan) -> None:
    tasks = list(small_plan.tasks.order_by("order"))
    assert [t.number for t in tasks] == ["1", "2"]
    assert tasks[0].section is not None and tasks[0].section.title == "一、基层治理"
    roles = [(r.unit.name, r.role) for r in tasks[0].responsibilities.all()]
    assert roles == [("区委政法委", "lead"), ("区民政局", "partner"), ("区公安分局", "partner")]
    (target,) = tasks[0].targets.all()
    assert (target.cmp, float(target.value), target.unit, target.by_year) == (">=", 100.0, "%", 2025)


def test_it_reuses_directory_units_and_creates_the_new_ones(small_plan: Plan) -> None:
    assert Unit.objects.filter(name="区公安分局").count() == 1
    assert Unit.objects.filter(name="区委政法委").exists()


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLD.glob("*.json")) if GOLD.is_dir() else [])
def test_it_imports_every_corpus_document_as_the_gold_says(users: dict[str, User], name: str) -> None:
    gold = json.loads((GOLD / f"{name}.json").read_text("utf-8"))
    data = (CORPUS / f"{name}.txt").read_bytes()
    plan = do_confirm_import(
        do_upload_document(f"{name}.txt", data, acting_user=users["manager"]),
        {},
        acting_user=users["manager"],
    )
    tasks = list(plan.tasks.order_by("order").prefetch_related("responsibilities__unit"))
    assert [t.number for t in tasks] == [t["id"] for t in gold["tasks"]]
    for task, g in zip(tasks, gold["tasks"], strict=True):
        assert sorted(r.unit.name for r in task.responsibilities.all()) == sorted(g["units"]), task.number


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("empty.txt", b"", "文件为空"),
        ("broken.docx", b"PK\x03\x04 not really a docx", "broken.docx"),
        ("news.txt", "今天天气很好。我们去公园散步。".encode(), "未识别出任务"),
    ],
)
def test_it_rejects_bad_uploads_leaving_nothing_behind(
    users: dict[str, User], name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ImportRejected, match=message):
        do_upload_document(name, data, acting_user=users["manager"])
    assert not SourceDocument.objects.exists() and not ImportDraft.objects.exists()
    assert not AuditEvent.objects.exclude(object_type="accounts.user").exists()


def test_it_rejects_an_upload_over_the_size_limit(users: dict[str, User], settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(ImportRejected, match="文件过大"):
        do_upload_document("big.txt", SMALL_PLAN * 10, acting_user=users["manager"])
    assert not SourceDocument.objects.exists()


def test_it_changes_nothing_when_an_import_is_cancelled(users: dict[str, User]) -> None:
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    units_before = Unit.objects.count()
    do_cancel_import(draft, acting_user=users["manager"])
    assert not Plan.objects.exists() and Unit.objects.count() == units_before
    with pytest.raises(ImportRejected):
        do_confirm_import(draft, {}, acting_user=users["manager"])


def test_it_maps_a_printed_name_to_a_chosen_unit(users: dict[str, User]) -> None:
    civil = Unit.objects.create(name="区民政局（区社会组织管理局）")
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    plan = do_confirm_import(draft, {"区民政局": civil.pk}, acting_user=users["manager"])
    assert Responsibility.objects.filter(task__plan=plan, unit=civil).count() == 1
    assert not Unit.objects.filter(name="区民政局").exists()


def test_it_refuses_a_unit_choice_for_a_name_the_document_does_not_print(users: dict[str, User]) -> None:
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    with pytest.raises(ImportRejected, match="文档中没有这些单位：区教育局"):
        do_confirm_import(draft, {"区教育局": None}, acting_user=users["manager"])
    assert not Plan.objects.exists()


def test_it_corrects_only_the_cells_of_a_row_that_changed(users: dict[str, User]) -> None:
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    row = draft.plan_json["tasks"][1]
    values = {
        "id": row["id"],
        "title": "建立矛盾纠纷排查化解机制",
        "text": row.get("text") or "",
        "deadline_text": "",
    }
    changed = do_edit_draft_row(draft, 0, 1, values, acting_user=users["manager"])
    assert changed == ["title"]
    assert AuditEvent.objects.filter(action="edit_draft").count() == 1
    draft.refresh_from_db()
    assert draft.plan_json["tasks"][1]["title"] == "建立矛盾纠纷排查化解机制"


def test_it_refuses_a_row_that_does_not_exist_and_changes_nothing(users: dict[str, User]) -> None:
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    before = json.dumps(draft.plan_json, sort_keys=True)
    values = {"id": "9", "title": "新任务", "text": "", "deadline_text": ""}
    with pytest.raises(ImportRejected):
        do_edit_draft_row(draft, 0, 9, values, acting_user=users["manager"])
    assert json.dumps(draft.plan_json, sort_keys=True) == before
    assert not AuditEvent.objects.filter(action="edit_draft").exists()


def test_it_saves_the_plan_settings_that_changed_and_audits_each(
    small_plan: Plan, users: dict[str, User]
) -> None:
    manager = users["manager"]
    do_save_plan_settings(
        small_plan,
        shared_with_all=True,
        parent=None,
        managers=[manager, users["other_manager"]],
        acting_user=manager,
    )
    small_plan.refresh_from_db()
    assert small_plan.shared_with_all
    assert set(small_plan.managers.all()) == {manager, users["other_manager"]}
    assert list(
        AuditEvent.objects.filter(action__in=["update_plan", "set_plan_managers"]).values_list(
            "action", flat=True
        )
    ) == ["set_plan_managers", "update_plan"]  # newest first
    do_save_plan_settings(
        small_plan,
        shared_with_all=True,
        parent=None,
        managers=[manager, users["other_manager"]],
        acting_user=manager,
    )
    assert AuditEvent.objects.filter(action__in=["update_plan", "set_plan_managers"]).count() == 2


def test_it_matches_exact_alias_near_and_new(users: dict[str, User]) -> None:
    unit = Unit.objects.create(name="市民族宗教事务局")
    Alias.objects.create(unit=unit, name="市民宗局")
    m = Matcher()
    assert m.match("市民族宗教事务局").how == "exact"
    assert m.match("市民宗局").how == "alias"
    assert m.match("市民族宗教事物局").how == "near"
    assert m.match("区统计局").how == "new"


def test_it_makes_a_new_version_and_shows_the_difference(small_plan: Plan, users: dict[str, User]) -> None:
    revised = (
        "XX区平安建设任务分解方案\n一、基层治理\n"
        "1、完善网格化管理，到2025年网格覆盖率达100%。（区委政法委牵头，区民政局配合）\n"
        "3、开展平安宣传。（区委宣传部牵头）\n"
    ).encode()
    draft = do_upload_document("small-v2.txt", revised, revises=small_plan, acting_user=users["manager"])
    v2 = do_confirm_import(draft, {}, acting_user=users["manager"])
    small_plan.refresh_from_db()
    assert (v2.series, v2.version, v2.is_current, small_plan.is_current) == (
        small_plan.series,
        2,
        True,
        False,
    )
    d = diff_plans(small_plan, v2)
    assert [t.number for t in d.added] == ["3"]
    assert [t.number for t in d.removed] == ["2"]
    assert [(c.number, c.units_removed) for c in d.changed] == [("1", ["区公安分局（配合）"])]


def test_it_merges_two_units_and_every_reference_follows(small_plan: Plan, users: dict[str, User]) -> None:
    gone = Unit.objects.get(name="区公安分局")
    keep = Unit.objects.create(name="区公安局")
    do_merge_units(keep, gone, moving_users=[users["reporter"].pk], acting_user=users["admin"])
    assert not Unit.objects.filter(pk=gone.pk).exists()
    assert Responsibility.objects.filter(unit=keep).count() == 1
    assert User.objects.get(username="police").unit == keep
    assert Alias.objects.filter(unit=keep, name="区公安分局").exists()
    assert AuditEvent.objects.filter(action="merge_units", object_id=str(keep.pk)).exists()


def test_it_audits_every_import_write(small_plan: Plan) -> None:
    # (the accounts the fixtures made, and their signing in, are audited too: not the import's)
    actions = list(
        AuditEvent.objects.exclude(object_type="accounts.user")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[0] == "upload_document" and actions[-1] == "import_plan"
    assert "create_unit" in actions
    assert Task.objects.filter(plan=small_plan).count() == 2


def test_it_gives_a_groups_task_to_each_member_unit(users: dict[str, User]) -> None:
    from duban.plans.access import visible_plans, visible_tasks

    text = "XX市任务分解方案\n1、推进平安建设。（责任单位：各区县）\n".encode()
    plan = do_confirm_import(
        do_upload_document("g.txt", text, acting_user=users["manager"]), {}, acting_user=users["manager"]
    )
    group = Unit.objects.get(name="各区县")
    reporter = users["reporter"]
    assert not visible_tasks(reporter).filter(plan=plan).exists()
    group.members.add(reporter.unit)
    assert visible_tasks(reporter).filter(plan=plan).count() == 1
    assert visible_plans(reporter).filter(pk=plan.pk).exists()
    assert not visible_tasks(users["other_reporter"]).filter(plan=plan).exists()


def test_it_links_a_district_plans_tasks_to_the_city_tasks_they_implement(
    small_plan: Plan, users: dict[str, User]
) -> None:
    from duban.plans.actions import do_set_parent_task, do_update_plan

    district = (
        "XX街道平安建设任务分解方案\n"
        "1、完善网格化管理，到2025年网格覆盖率达100%。（街道综治办牵头）\n"
        "2、开展消防安全检查。（街道安监所牵头）\n"
    ).encode()
    child = do_confirm_import(
        do_upload_document("d.txt", district, acting_user=users["manager"]), {}, acting_user=users["manager"]
    )
    do_update_plan(child, parent_id=small_plan.pk, acting_user=users["manager"])
    linked = {t.number: t.parent_task for t in child.tasks.order_by("order")}
    assert linked["1"] is not None and linked["1"].number == "1" and linked["1"].plan_id == small_plan.pk
    assert linked["2"] is None  # nothing alike in the city plan
    city_task_2 = small_plan.tasks.get(number="2")
    do_set_parent_task(child.tasks.get(number="2"), city_task_2, acting_user=users["manager"])
    assert child.tasks.get(number="2").parent_task == city_task_2
    with pytest.raises(ImportRejected):
        do_set_parent_task(
            child.tasks.get(number="2"), child.tasks.get(number="1"), acting_user=users["manager"]
        )
    assert AuditEvent.objects.filter(action="link_parent_tasks").exists()
