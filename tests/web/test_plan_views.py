"""Plan pages: the list, a plan with its filters, a task, versions and their difference, settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.actions import do_confirm_import, do_edit_draft, do_update_plan, do_upload_document
from duban.plans.models import Plan
from duban.units.models import Unit

from .conftest import CORPUS, SMALL_PLAN

# Two sections, lead and partner units, one target, two deadlines.
FILTER_PLAN = """XX区平安建设任务分解方案
一、基层治理
1、完善网格化管理。到2025年网格覆盖率达100%。
牵头单位：区委政法委
配合单位：区民政局、区公安分局
2、建立矛盾纠纷排查机制。
牵头单位：区司法局
配合单位：区信访局
完成时限：2024年6月底前
二、治安防控
3、推进雪亮工程建设。
牵头单位：区公安分局
配合单位：区财政局
完成时限：2024年底前
4、开展禁毒宣传教育。
牵头单位：区委宣传部
配合单位：区司法局
""".encode()

# Another manager's plan, in which the police take no part.
OTHER_PLAN = "YY区禁毒工作方案\n一、宣传\n1、开展禁毒宣传。（区委宣传部牵头，区司法局配合）\n".encode()


def import_plan(user: User, data: bytes, name: str = "plan.txt", revises: Plan | None = None) -> Plan:
    return do_confirm_import(
        do_upload_document(name, data, revises=revises, acting_user=user), {}, acting_user=user
    )


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def shown_numbers(response: Any) -> list[str]:
    out: list[str] = []

    def walk(nodes: Any) -> None:
        for n in nodes:
            out.extend(row.task.number for row in n.tasks)
            walk(n.children)

    walk(response.context["tree"])
    return sorted(out)


@pytest.fixture
def two_plans(users: dict[str, User]) -> dict[str, Plan]:
    return {
        "mine": import_plan(users["manager"], SMALL_PLAN, "small.txt"),
        "theirs": import_plan(users["other_manager"], OTHER_PLAN, "other.txt"),
    }


@pytest.fixture
def filter_plan(users: dict[str, User]) -> Plan:
    return import_plan(users["manager"], FILTER_PLAN, "filter.txt")


# ─── the list ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ["mine", "theirs"]),
        ("manager", ["mine"]),
        ("other_manager", ["theirs"]),
        ("reporter", ["mine"]),
        ("other_reporter", ["mine", "theirs"]),
        ("leader", ["mine", "theirs"]),
        ("outsider", []),
    ],
)
def test_it_lists_only_the_plans_a_user_may_see(
    users: dict[str, User], two_plans: dict[str, Plan], who: str, expected: list[str]
) -> None:
    response = client_for(users[who]).get(reverse("plans:list"))
    assert response.status_code == 200
    names = {p.pk: k for k, p in two_plans.items()}
    assert sorted(names[p.pk] for p in response.context["plans"]) == expected
    for key in ("mine", "theirs"):
        assert (two_plans[key].title in response.content.decode()) == (key in expected)


def test_it_lists_a_plan_shared_with_all_to_a_user_without_a_unit(
    users: dict[str, User], two_plans: dict[str, Plan]
) -> None:
    do_update_plan(two_plans["theirs"], shared_with_all=True, acting_user=users["other_manager"])
    response = client_for(users["outsider"]).get(reverse("plans:list"))
    assert [p.pk for p in response.context["plans"]] == [two_plans["theirs"].pk]


def test_it_counts_every_task_of_a_plan_even_for_a_reporter_who_answers_for_one(
    users: dict[str, User], two_plans: dict[str, Plan]
) -> None:
    response = client_for(users["reporter"]).get(reverse("plans:list"))
    (plan,) = response.context["plans"]
    assert plan.task_count == 2


def test_it_lists_only_the_current_version(users: dict[str, User], two_plans: dict[str, Plan]) -> None:
    v2 = import_plan(users["manager"], SMALL_PLAN, "small-v2.txt", revises=two_plans["mine"])
    response = client_for(users["manager"]).get(reverse("plans:list"))
    assert [(p.pk, p.version) for p in response.context["plans"]] == [(v2.pk, 2)]


def test_it_links_the_list_to_its_export(users: dict[str, User], two_plans: dict[str, Plan]) -> None:
    content = client_for(users["admin"]).get(reverse("plans:list")).content.decode()
    assert 'href="/exports/plans.xlsx"' in content and "导出 Excel" in content
    assert f'href="{reverse("plans:detail", args=[two_plans["mine"].pk])}"' in content


@pytest.mark.parametrize("n_plans", [1, 8])
def test_it_lists_plans_in_a_fixed_number_of_queries(
    users: dict[str, User], django_assert_max_num_queries: Any, n_plans: int
) -> None:
    for i in range(n_plans):
        import_plan(users["manager"], SMALL_PLAN, f"small-{i}.txt")
    client = client_for(users["reporter"])
    with django_assert_max_num_queries(5):
        response = client.get(reverse("plans:list"))
    assert len(response.context["plans"]) == n_plans


# ─── the plan page ───────────────────────────────────────────────────────────────────────────


def test_it_shows_the_plan_header_tree_roles_and_targets(users: dict[str, User], filter_plan: Plan) -> None:
    response = client_for(users["manager"]).get(reverse("plans:detail", args=[filter_plan.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "共 4 项任务" in content
    assert content.count("<details open") == 2  # one per section
    assert "网格覆盖率≥100%（2025年）" in content
    assert '<span class="tag lead">牵头</span>区委政法委' in content
    assert '<span class="tag partner">配合</span>区公安分局' in content
    assert "2024年6月底前" in content
    assert f'href="{reverse("plans:source", args=[filter_plan.pk])}"' in content
    assert f'href="/audit/plans.plan/{filter_plan.pk}/"' in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "区公安分局"}, ["1", "3"]),
        ({"unit": "区公安分局", "role": "lead"}, ["3"]),
        ({"unit": "区司法局", "role": "partner"}, ["4"]),
        ({"section": "二、治安防控"}, ["3", "4"]),
        ({"has_target": "1"}, ["1"]),
        ({"has_target": "0"}, ["2", "3", "4"]),
        ({"deadline_from": "2024-07-01"}, ["3"]),
        ({"deadline_to": "2024-06-30"}, ["2"]),
        ({"q": "雪亮"}, ["3"]),
        ({"q": "信访"}, ["2"]),
        ({"q": "宣传部"}, ["4"]),
        ({"q": "没有这样的任务"}, []),
    ],
)
def test_it_narrows_the_plan_page_with_each_filter(
    users: dict[str, User], filter_plan: Plan, params: dict[str, str], expected: list[str]
) -> None:
    query = dict(params)
    if query.get("unit") in ("区公安分局", "区司法局"):
        query["unit"] = str(Unit.objects.get(name=query["unit"]).pk)
    if "section" in query:
        query["section"] = str(filter_plan.sections.get(title=query["section"]).pk)
    response = client_for(users["manager"]).get(reverse("plans:detail", args=[filter_plan.pk]), query)
    assert shown_numbers(response) == expected
    assert f"共 {len(expected)} 项任务" in response.content.decode()


def test_it_carries_the_filter_into_the_export_links(users: dict[str, User], filter_plan: Plan) -> None:
    url = reverse("plans:detail", args=[filter_plan.pk])
    content = client_for(users["manager"]).get(url, {"q": "雪亮", "role": "lead"}).content.decode()
    for fmt in ("xlsx", "docx", "csv", "json"):
        assert f'href="/exports/plan/{filter_plan.pk}.{fmt}?q=%E9%9B%AA%E4%BA%AE&amp;role=lead"' in content


def test_it_offers_only_the_units_of_the_plan_in_the_unit_filter(
    users: dict[str, User], filter_plan: Plan
) -> None:
    Unit.objects.create(name="区水务局")
    response = client_for(users["manager"]).get(reverse("plans:detail", args=[filter_plan.pk]))
    labels = [label for _, label in response.context["filter_form"].fields["unit"].choices]
    assert "区公安分局" in labels and "区水务局" not in labels


def test_it_shows_a_reporter_only_its_own_tasks_of_a_plan_not_shared(
    users: dict[str, User], filter_plan: Plan
) -> None:
    response = client_for(users["reporter"]).get(reverse("plans:detail", args=[filter_plan.pk]))
    assert shown_numbers(response) == ["1", "3"]


@pytest.mark.parametrize("who", ["outsider", "other_manager"])
def test_it_gives_404_for_a_plan_the_user_may_not_see(
    users: dict[str, User], filter_plan: Plan, who: str
) -> None:
    client = client_for(users[who])
    for name in ("plans:detail", "plans:source"):
        assert client.get(reverse(name, args=[filter_plan.pk])).status_code == 404


def test_it_gives_404_for_a_missing_plan(users: dict[str, User]) -> None:
    assert client_for(users["admin"]).get(reverse("plans:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("source", ["small", "corpus"])
@pytest.mark.parametrize("who", ["manager", "reporter"])
def test_it_shows_a_plan_in_a_fixed_number_of_queries(
    users: dict[str, User], django_assert_max_num_queries: Any, source: str, who: str
) -> None:
    data = SMALL_PLAN if source == "small" else (CORPUS / "000_55d7ae63096c07d6.txt").read_bytes()
    plan = import_plan(users["manager"], data, f"{source}.txt")
    do_update_plan(plan, shared_with_all=True, acting_user=users["manager"])
    client = client_for(users[who])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert len(shown_numbers(response)) == (2 if source == "small" else 60)


def test_it_downloads_the_source_document(users: dict[str, User], filter_plan: Plan) -> None:
    response = client_for(users["reporter"]).get(reverse("plans:source", args=[filter_plan.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILTER_PLAN  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment")


# ─── escaping ────────────────────────────────────────────────────────────────────────────────

MARKUP = "<script>alert(1)</script>完善<p>网格"


@pytest.fixture
def marked_up_plan(users: dict[str, User]) -> Plan:
    draft = do_upload_document("small.txt", SMALL_PLAN, acting_user=users["manager"])
    do_edit_draft(draft, 0, "text", MARKUP, acting_user=users["manager"])
    do_edit_draft(draft, 0, "title", "<b>网格</b>", acting_user=users["manager"])
    plan = do_confirm_import(draft, {}, acting_user=users["manager"])
    Plan.objects.filter(pk=plan.pk).update(
        warnings=[
            {"code": "x", "task": "1", "message": "<img src=x onerror=alert(2)>", "severity": "warning"}
        ]
    )
    return plan


@pytest.mark.parametrize("page", ["plans:detail", "plans:task"])
def test_it_shows_document_text_escaped(users: dict[str, User], marked_up_plan: Plan, page: str) -> None:
    task = marked_up_plan.tasks.get(number="1")
    arg = marked_up_plan.pk if page == "plans:detail" else task.pk
    content = client_for(users["manager"]).get(reverse(page, args=[arg])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;完善&lt;p&gt;网格" in content
    assert "<script>" not in content and "<p>网格" not in content and "<b>网格" not in content
    if page == "plans:detail":
        assert "&lt;img src=x onerror=alert(2)&gt;" in content and "<img" not in content


# ─── the task page ───────────────────────────────────────────────────────────────────────────


def test_it_shows_a_task_with_units_targets_deadline_and_history(
    users: dict[str, User], filter_plan: Plan
) -> None:
    task = filter_plan.tasks.get(number="1")
    content = client_for(users["manager"]).get(reverse("plans:task", args=[task.pk])).content.decode()
    assert "到2025年网格覆盖率达100%" in content
    assert '<span class="tag lead">牵头</span>区委政法委' in content
    assert "网格覆盖率≥100%（2025年）" in content
    assert "导入 XX区平安建设任务分解方案" in content  # the plan's audit event
    assert f'<a href="/tracking/tasks/{task.pk}/">进展报送、督办与状态灯 ›</a>' in content


def test_it_links_a_task_to_the_same_numbered_task_of_other_versions(
    users: dict[str, User], filter_plan: Plan
) -> None:
    v2 = import_plan(users["manager"], FILTER_PLAN, "v2.txt", revises=filter_plan)
    old, new = filter_plan.tasks.get(number="3"), v2.tasks.get(number="3")
    content = client_for(users["manager"]).get(reverse("plans:task", args=[new.pk])).content.decode()
    assert f'href="{reverse("plans:task", args=[old.pk])}"' in content
    assert "第 1 版" in content


@pytest.mark.parametrize(
    ("who", "number", "status"),
    [
        ("reporter", "3", 200),
        ("reporter", "2", 404),
        ("other_reporter", "2", 200),
        ("outsider", "1", 404),
        ("leader", "4", 200),
    ],
)
def test_it_shows_a_task_only_to_who_may_see_it(
    users: dict[str, User], filter_plan: Plan, who: str, number: str, status: int
) -> None:
    task = filter_plan.tasks.get(number=number)
    assert client_for(users[who]).get(reverse("plans:task", args=[task.pk])).status_code == status


# ─── versions ────────────────────────────────────────────────────────────────────────────────

REVISED = """XX区平安建设任务分解方案
一、基层治理
1、完善网格化管理。到2025年网格覆盖率达100%。
牵头单位：区委政法委
配合单位：区民政局
2、建立矛盾纠纷多元化解机制。
牵头单位：区司法局
配合单位：区信访局
完成时限：2024年6月底前
二、治安防控
5、推进智慧安防小区建设。
牵头单位：区公安分局
""".encode()


def test_it_shows_the_difference_between_two_versions(users: dict[str, User], filter_plan: Plan) -> None:
    v2 = import_plan(users["manager"], REVISED, "v2.txt", revises=filter_plan)
    client = client_for(users["manager"])
    assert (
        f'href="{reverse("plans:diff", args=[v2.pk, filter_plan.pk])}"'
        in client.get(reverse("plans:detail", args=[v2.pk])).content.decode()
    )
    response = client.get(reverse("plans:diff", args=[v2.pk, filter_plan.pk]))
    assert response.status_code == 200
    assert [t.number for t in response.context["added"]] == ["5"]
    assert sorted(t.number for t in response.context["removed"]) == ["3", "4"]
    changed = {c.number: c for c in response.context["changed"]}
    assert sorted(changed) == ["1", "2"]
    assert changed["1"].units_removed == ["区公安分局（配合）"]
    assert [label for label, _, _ in changed["2"].fields] == [
        "目标要求"
    ]  # a finished sentence is the task text
    content = response.content.decode()
    assert "推进智慧安防小区建设" in content and "多元化解" in content


def test_it_refuses_to_compare_plans_of_different_series(
    users: dict[str, User], two_plans: dict[str, Plan]
) -> None:
    url = reverse("plans:diff", args=[two_plans["mine"].pk, two_plans["theirs"].pk])
    assert client_for(users["admin"]).get(url).status_code == 404


def test_it_refuses_to_compare_with_a_version_the_user_may_not_see(
    users: dict[str, User], filter_plan: Plan
) -> None:
    v2 = import_plan(users["manager"], REVISED, "v2.txt", revises=filter_plan)
    url = reverse("plans:diff", args=[v2.pk, filter_plan.pk])
    assert client_for(users["other_manager"]).get(url).status_code == 404


# ─── settings ────────────────────────────────────────────────────────────────────────────────


def test_it_saves_the_plan_settings_and_audits_them(
    users: dict[str, User], two_plans: dict[str, Plan]
) -> None:
    plan = two_plans["mine"]
    other = import_plan(users["manager"], OTHER_PLAN, "other.txt")  # a parent must be one the manager manages
    response = client_for(users["manager"]).post(
        reverse("plans:settings", args=[plan.pk]),
        {
            "shared_with_all": "on",
            "parent": str(other.pk),
            "managers": [str(users["manager"].pk), str(users["other_manager"].pk)],
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.shared_with_all, plan.parent_id) == (True, other.pk)
    assert set(plan.managers.all()) == {users["manager"], users["other_manager"]}
    actions = set(AuditEvent.objects.filter(object_id=str(plan.pk)).values_list("action", flat=True))
    assert {"update_plan", "set_plan_managers"} <= actions


def test_it_does_not_offer_another_managers_plan_as_parent(
    users: dict[str, User], two_plans: dict[str, Plan]
) -> None:
    plan = two_plans["mine"]
    url = reverse("plans:settings", args=[plan.pk])
    response = client_for(users["manager"]).post(url, {"parent": str(two_plans["theirs"].pk)})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.parent_id is None


def test_it_does_not_offer_a_plan_as_its_own_parent(
    users: dict[str, User], two_plans: dict[str, Plan]
) -> None:
    plan = two_plans["mine"]
    response = client_for(users["admin"]).post(
        reverse("plans:settings", args=[plan.pk]), {"parent": str(plan.pk)}
    )
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.parent_id is None


@pytest.mark.parametrize("who", ["other_manager", "reporter", "leader", "outsider"])
def test_it_keeps_the_settings_from_who_does_not_manage_the_plan(
    users: dict[str, User], two_plans: dict[str, Plan], who: str
) -> None:
    plan = two_plans["mine"]
    client = client_for(users[who])
    assert client.get(reverse("plans:settings", args=[plan.pk])).status_code == 404
    assert (
        client.post(reverse("plans:settings", args=[plan.pk]), {"shared_with_all": "on"}).status_code == 404
    )
    plan.refresh_from_db()
    assert not plan.shared_with_all


@pytest.mark.parametrize(("who", "shown"), [("manager", True), ("admin", True), ("leader", False)])
def test_it_links_the_settings_and_audit_trail_only_for_managers(
    users: dict[str, User], two_plans: dict[str, Plan], who: str, shown: bool
) -> None:
    plan = two_plans["mine"]
    content = client_for(users[who]).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert (reverse("plans:settings", args=[plan.pk]) in content) == shown
    assert (f"/audit/plans.plan/{plan.pk}/" in content) == shown


def test_it_escapes_unit_names_in_the_fast_filter_select() -> None:
    from duban.plans.forms import FastSelect

    html = FastSelect(choices=[("1", "<b>局</b>"), ("2", "乙局")]).render("unit", "2", {"id": "id_unit"})
    assert "<b>" not in html and "&lt;b&gt;局&lt;/b&gt;" in html
    assert '<option value="2" selected>乙局</option>' in html and 'id="id_unit"' in html
