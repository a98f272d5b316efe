"""Unit pages: the directory, one unit's 责任清单, directory upkeep (alias, edit, merge, group
members) and the workload matrix; who may see what, and query counts that do not grow."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.plans.duties import workload
from duban.plans.models import Plan, Responsibility, Role
from duban.units.actions import do_create_unit, do_set_group_members
from duban.units.models import Alias, Kind, Unit

from .conftest import CORPUS

SECOND_PLAN = (
    "XX区社会治安防控方案\n一、治安防控\n"
    "1、推进雪亮工程建设，到2024年视频监控覆盖率达95%。（区公安分局牵头，区司法局配合）\n"
    "2、开展平安校园创建。（各区县牵头，区教育局配合）\n"
).encode()

TASK_GRID = "完善网格化管理"  # small_plan 1: 区委政法委 leads; 区民政局, 区公安分局 join
TASK_DISPUTES = "建立矛盾纠纷排查机制"  # small_plan 2: 区司法局 leads; 区信访局 joins
TASK_CAMERAS = "推进雪亮工程建设"  # SECOND_PLAN 1: 区公安分局 leads; 区司法局 joins
TASK_SCHOOLS = "开展平安校园创建"  # SECOND_PLAN 2: 各区县 leads; 区教育局 joins


def import_plan(user: User, name: str, data: bytes) -> Plan:
    return do_confirm_import(do_upload_document(name, data, acting_user=user), {}, acting_user=user)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def tables(html: str) -> dict[str, str]:
    """The unit page's lead / partner / group sections, by their anchors."""
    parts = re.split(r'<h3 id="(lead|partner|groups)">', html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


@pytest.fixture
def second_plan(users: dict[str, User], small_plan: Plan) -> Plan:
    return import_plan(users["manager"], "second.txt", SECOND_PLAN)


# ---------------------------------------------------------------------------------------------
# The directory


@pytest.mark.parametrize(
    ("who", "visible", "hidden"),
    [
        ("admin", ["区公安分局", "区司法局", "区委政法委"], []),
        ("leader", ["区公安分局", "区司法局"], []),
        ("reporter", ["区公安分局"], ["区司法局", "区委政法委"]),
        ("other_reporter", ["区司法局"], ["区公安分局"]),
        ("outsider", [], ["区公安分局", "区司法局"]),
    ],
)
def test_it_lists_only_the_units_the_user_may_see(
    users: dict[str, User], small_plan: Plan, who: str, visible: list[str], hidden: list[str]
) -> None:
    html = client_for(users[who]).get("/units/").content.decode()
    for name in visible:
        assert f">{name}</a>" in html
    for name in hidden:
        assert f">{name}</a>" not in html


def test_it_counts_lead_and_partner_tasks_in_the_directory(users: dict[str, User], second_plan: Plan) -> None:
    html = client_for(users["admin"]).get("/units/").content.decode()
    row = re.search(r">区公安分局</a>.*?</tr>", html, re.S)
    assert row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(0)) == ["1", "1", "0"]


def test_it_counts_only_the_plans_a_manager_manages(users: dict[str, User], small_plan: Plan) -> None:
    html = client_for(users["other_manager"]).get("/units/").content.decode()
    row = re.search(r">区委政法委</a>.*?</tr>", html, re.S)
    assert row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(0)) == ["0", "0", "0"]


@pytest.mark.parametrize(
    ("q", "found", "missing"), [("公安", "区公安分局", "区司法局"), ("公安局", "区公安分局", "区司法局")]
)
def test_it_searches_units_by_name_and_alias(
    users: dict[str, User], small_plan: Plan, q: str, found: str, missing: str
) -> None:
    Alias.objects.create(unit=unit("区公安分局"), name="区公安局")
    html = client_for(users["admin"]).get("/units/", {"q": q}).content.decode()
    assert f">{found}</a>" in html and f">{missing}</a>" not in html


@pytest.mark.parametrize(
    ("who", "shown"), [("admin", True), ("manager", False), ("leader", False), ("reporter", False)]
)
def test_it_offers_creating_and_editing_units_to_the_administrator_only(
    users: dict[str, User], small_plan: Plan, who: str, shown: bool
) -> None:
    html = client_for(users[who]).get("/units/").content.decode()
    assert ("/units/new/" in html) is shown
    assert ("/edit/" in html) is shown


def test_it_creates_a_unit_from_the_form(users: dict[str, User]) -> None:
    response = client_for(users["admin"]).post(
        "/units/new/", {"name": "区 应急管理局", "kind": "", "parent": ""}
    )
    created = unit("区应急管理局")
    assert response.status_code == 302 and response["Location"] == f"/units/{created.pk}/"
    assert created.kind == Kind.DEPARTMENT
    assert AuditEvent.objects.filter(action="create_unit", object_id=str(created.pk)).exists()


def test_it_refuses_a_duplicate_unit_with_a_message(users: dict[str, User]) -> None:
    response = client_for(users["admin"]).post(
        "/units/new/", {"name": "区公安分局", "kind": "", "parent": ""}
    )
    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert Unit.objects.filter(name="区公安分局").count() == 1


@pytest.mark.parametrize("who", ["manager", "other_manager", "leader", "reporter", "outsider"])
def test_it_hides_unit_creation_from_users_who_may_not_edit(users: dict[str, User], who: str) -> None:
    response = client_for(users[who]).post("/units/new/", {"name": "区应急管理局"})
    assert response.status_code == 404
    assert not Unit.objects.filter(name="区应急管理局").exists()


# ---------------------------------------------------------------------------------------------
# One unit's page


@pytest.mark.parametrize(
    ("name", "lead", "partner"),
    [
        ("区公安分局", [TASK_CAMERAS], [TASK_GRID]),
        ("区司法局", [TASK_DISPUTES], [TASK_CAMERAS]),
        ("区委政法委", [TASK_GRID], []),
        ("区教育局", [], [TASK_SCHOOLS]),
    ],
)
def test_it_shows_lead_and_partner_tasks_in_separate_tables(
    users: dict[str, User], second_plan: Plan, name: str, lead: list[str], partner: list[str]
) -> None:
    html = client_for(users["admin"]).get(f"/units/{unit(name).pk}/").content.decode()
    parts = tables(html)
    everything = [TASK_GRID, TASK_DISPUTES, TASK_CAMERAS, TASK_SCHOOLS]
    assert [t for t in everything if t in parts["lead"]] == lead
    assert [t for t in everything if t in parts["partner"]] == partner


def test_it_links_each_task_and_plan_and_shows_targets(users: dict[str, User], small_plan: Plan) -> None:
    html = client_for(users["admin"]).get(f"/units/{unit('区委政法委').pk}/").content.decode()
    task = small_plan.tasks.get(number="1")
    assert f'href="/plans/task/{task.pk}/"' in html
    assert f'href="/plans/{small_plan.pk}/"' in html
    assert "网格覆盖率≥100%（2025年）" in html
    assert "区民政局、区公安分局" in html  # its partners


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("reporter", "区公安分局", 200),
        ("reporter", "区司法局", 404),
        ("reporter", "区委政法委", 404),
        ("other_reporter", "区公安分局", 404),
        ("outsider", "区公安分局", 404),
        ("leader", "区司法局", 200),
        ("other_manager", "区司法局", 200),
    ],
)
def test_it_shows_a_unit_page_only_to_who_may_see_the_unit(
    users: dict[str, User], small_plan: Plan, who: str, target: str, status: int
) -> None:
    assert client_for(users[who]).get(f"/units/{unit(target).pk}/").status_code == status


def test_it_gives_the_same_404_for_a_missing_unit(users: dict[str, User]) -> None:
    assert client_for(users["reporter"]).get("/units/999999/").status_code == 404


@pytest.mark.parametrize(
    ("who", "sees_tasks"), [("manager", True), ("other_manager", False), ("leader", True)]
)
def test_it_lists_only_tasks_of_plans_the_viewer_may_see(
    users: dict[str, User], small_plan: Plan, who: str, sees_tasks: bool
) -> None:
    html = client_for(users[who]).get(f"/units/{unit('区公安分局').pk}/").content.decode()
    assert (TASK_GRID in html) is sees_tasks


def test_it_shows_a_reporter_its_own_tasks_and_not_the_others(
    users: dict[str, User], second_plan: Plan
) -> None:
    html = client_for(users["reporter"]).get(f"/units/{users['reporter'].unit_id}/").content.decode()
    assert TASK_GRID in html and TASK_CAMERAS in html
    assert TASK_DISPUTES not in html and TASK_SCHOOLS not in html
    assert "/audit/" not in html and "合并" not in html  # no upkeep for a reporter


def test_it_escapes_document_text(users: dict[str, User], small_plan: Plan) -> None:
    task = small_plan.tasks.get(number="1")
    task.title = "<script>alert(1)</script>"
    task.save()
    html = client_for(users["admin"]).get(f"/units/{unit('区委政法委').pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_expands_a_group_to_its_members_and_lists_group_tasks_on_member_pages(
    users: dict[str, User], second_plan: Plan
) -> None:
    group = unit("各区县")
    assert group.kind == Kind.GROUP
    district = do_create_unit("江宁区", acting_user=users["admin"])
    do_set_group_members(group, [district], acting_user=users["admin"])
    client = client_for(users["admin"])
    group_html = client.get(f"/units/{group.pk}/").content.decode()
    assert f'<a href="/units/{district.pk}/">江宁区</a>' in group_html
    district_html = client.get(f"/units/{district.pk}/").content.decode()
    assert f'<a href="/units/{group.pk}/">各区县</a>' in district_html
    assert TASK_SCHOOLS in tables(district_html)["groups"]
    assert TASK_SCHOOLS not in tables(district_html)["lead"]


def test_it_shows_the_audit_trail_link_to_the_office(users: dict[str, User], small_plan: Plan) -> None:
    police = unit("区公安分局")
    html = client_for(users["manager"]).get(f"/units/{police.pk}/").content.decode()
    assert f'href="/audit/units.unit/{police.pk}/"' in html
    assert f"/exports/unit/{police.pk}.xlsx" in html and f"/exports/unit/{police.pk}.docx" in html


# ---------------------------------------------------------------------------------------------
# Upkeep: alias, edit, members, merge


@pytest.mark.parametrize(
    ("path", "text"), [("/units/new/", "新建单位"), ("/units/POLICE/edit/", "保留原名称为别名")]
)
def test_it_renders_the_upkeep_forms(users: dict[str, User], small_plan: Plan, path: str, text: str) -> None:
    response = client_for(users["admin"]).get(path.replace("POLICE", str(unit("区公安分局").pk)))
    assert response.status_code == 200 and text in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_it_adds_an_alias_from_the_unit_page(users: dict[str, User], small_plan: Plan) -> None:
    police = unit("区公安分局")
    response = client_for(users["admin"]).post(f"/units/{police.pk}/alias/", {"name": "公安分局"})
    assert response.status_code == 302
    assert Alias.objects.get(name="公安分局").unit == police
    assert AuditEvent.objects.filter(action="add_alias", object_id=str(police.pk)).exists()


def test_it_renames_a_unit_keeping_the_old_name_as_an_alias(users: dict[str, User], small_plan: Plan) -> None:
    police = unit("区公安分局")
    response = client_for(users["admin"]).post(
        f"/units/{police.pk}/edit/",
        {"name": "XX区公安分局", "kind": Kind.DEPARTMENT, "parent": "", "keep_old_name": "on"},
    )
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.name == "XX区公安分局"
    assert Alias.objects.get(name="区公安分局").unit == police
    event = AuditEvent.objects.get(action="update_unit", object_id=str(police.pk))
    assert event.before is not None and event.before["name"] == "区公安分局"


def test_it_refuses_a_parent_that_would_make_a_cycle(users: dict[str, User], small_plan: Plan) -> None:
    police, justice = unit("区公安分局"), unit("区司法局")
    justice.parent = police
    justice.save()
    response = client_for(users["admin"]).post(
        f"/units/{police.pk}/edit/", {"name": police.name, "kind": police.kind, "parent": justice.pk}
    )
    assert response.status_code == 200 and "下级单位" in response.content.decode()
    police.refresh_from_db()
    assert police.parent_id is None


def test_it_sets_group_members_from_the_unit_page(users: dict[str, User], second_plan: Plan) -> None:
    group = unit("各区县")
    a = do_create_unit("江宁区", acting_user=users["admin"])
    b = do_create_unit("浦口区", acting_user=users["admin"])
    response = client_for(users["admin"]).post(f"/units/{group.pk}/members/", {"members": [a.pk, b.pk]})
    assert response.status_code == 302
    assert set(group.members.all()) == {a, b}
    event = AuditEvent.objects.get(action="set_group_members", object_id=str(group.pk))
    assert event.after == {"members": ["江宁区", "浦口区"]}


def test_it_asks_for_confirmation_before_merging(users: dict[str, User], small_plan: Plan) -> None:
    gone, keep = unit("区公安分局"), do_create_unit("XX区公安分局", acting_user=users["admin"])
    response = client_for(users["admin"]).get(f"/units/{gone.pk}/merge/", {"into": keep.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "确认合并" in html
    assert "1 项任务责任" in html and "1 个账号改属" in html and "<td>police</td>" in html
    assert Unit.objects.filter(pk=gone.pk).exists()  # looking is not merging


def confirmed(users: dict[str, User], keep: Unit) -> dict[str, Any]:
    """The merge form of 区公安分局, whose account (`reporter`) moves, with the box ticked."""
    return {"into": keep.pk, "users": str(users["reporter"].pk), "confirm_users": "on"}


def test_it_merges_via_the_ui_moving_every_reference(users: dict[str, User], second_plan: Plan) -> None:
    gone = unit("区公安分局")
    keep = do_create_unit("XX区公安分局", acting_user=users["admin"])
    group = do_create_unit("各政法单位", acting_user=users["admin"])
    do_set_group_members(group, [gone], acting_user=users["admin"])
    child = do_create_unit("区公安分局交警大队", acting_user=users["admin"])
    child.parent = gone
    child.save()
    Alias.objects.create(unit=gone, name="公安分局")
    held = set(Responsibility.objects.filter(unit=gone).values_list("pk", flat=True))

    moving = {"users": str(users["reporter"].pk), "confirm_users": "on"}
    response = client_for(users["admin"]).post(f"/units/{gone.pk}/merge/", {"into": keep.pk, **moving})

    assert response.status_code == 302 and response["Location"] == f"/units/{keep.pk}/"
    assert not Unit.objects.filter(pk=gone.pk).exists()
    assert held and set(Responsibility.objects.filter(unit=keep).values_list("pk", flat=True)) == held
    assert User.objects.get(pk=users["reporter"].pk).unit_id == keep.pk
    assert Unit.objects.get(pk=child.pk).parent_id == keep.pk
    assert list(group.members.all()) == [keep]
    assert set(keep.aliases.values_list("name", flat=True)) == {"区公安分局", "公安分局"}
    event = AuditEvent.objects.get(action="merge_units", object_id=str(keep.pk))
    assert event.actor == users["admin"] and event.before == {"unit": gone.pk, "name": "区公安分局"}


def test_it_merges_a_task_both_units_held_in_the_same_role_into_one_responsibility(
    users: dict[str, User], small_plan: Plan
) -> None:
    # plans' rule for a merge (duban.plans.merge, registered with duban.units.merge at start-up).
    gone, keep = unit("区公安分局"), do_create_unit("XX区公安分局", acting_user=users["admin"])
    held = Responsibility.objects.get(unit=gone)
    Responsibility.objects.create(task=held.task, unit=keep, role=held.role, order=9)
    client_for(users["admin"]).post(f"/units/{gone.pk}/merge/", confirmed(users, keep))
    assert list(Responsibility.objects.filter(task=held.task, unit=keep).values_list("role", flat=True)) == [
        held.role
    ]
    event = AuditEvent.objects.get(action="merge_units", object_id=str(keep.pk))
    assert event.after is not None and event.after["responsibilities"] == 0 and "moved" not in event.after


def test_it_merges_references_held_by_other_apps(users: dict[str, User], small_plan: Plan) -> None:
    from duban.notifications.models import Channel, UnitChannel

    gone, keep = unit("区公安分局"), do_create_unit("XX区公安分局", acting_user=users["admin"])
    # Deleting `gone` would cascade to its channel: the merge must move it first.
    channel = UnitChannel.objects.create(unit=gone, channel=Channel.EMAIL, email="police@example.invalid")
    client_for(users["admin"]).post(f"/units/{gone.pk}/merge/", confirmed(users, keep))
    assert UnitChannel.objects.get(pk=channel.pk).unit_id == keep.pk
    event = AuditEvent.objects.get(action="merge_units", object_id=str(keep.pk))
    assert event.after is not None and event.after["moved"] == {"notifications.unitchannel.unit": 1}


def test_it_refuses_a_merge_whose_records_conflict_and_changes_nothing(
    users: dict[str, User], small_plan: Plan
) -> None:
    from duban.notifications.models import Channel, UnitChannel

    gone, keep = unit("区公安分局"), do_create_unit("XX区公安分局", acting_user=users["admin"])
    for u in (gone, keep):
        UnitChannel.objects.create(unit=u, channel=Channel.EMAIL, email=f"u{u.pk}@example.invalid")
    response = client_for(users["admin"]).post(
        f"/units/{gone.pk}/merge/", confirmed(users, keep), follow=True
    )
    assert "不能自动合并" in response.content.decode()
    assert Unit.objects.filter(pk=gone.pk).exists()
    assert Responsibility.objects.filter(unit=gone).count() == 1
    assert not AuditEvent.objects.filter(action="merge_units").exists()


@pytest.mark.parametrize(
    "who", ["manager", "other_manager", "leader", "reporter", "other_reporter", "outsider"]
)
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("merge/", {"into": "KEEP"}),
        ("alias/", {"name": "公安分局"}),
        ("members/", {"members": []}),
        ("edit/", {"name": "X", "kind": "department"}),
    ],
)
def test_it_gives_404_for_upkeep_to_users_who_may_not_edit(
    users: dict[str, User], small_plan: Plan, who: str, path: str, data: dict[str, Any]
) -> None:
    gone, keep = unit("区公安分局"), unit("区司法局")
    data = {k: (keep.pk if v == "KEEP" else v) for k, v in data.items()}
    signed_in = client_for(users[who])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    response = signed_in.post(f"/units/{gone.pk}/{path}", data)
    assert response.status_code == 404
    assert Unit.objects.filter(pk=gone.pk, name="区公安分局").exists()
    assert AuditEvent.objects.count() == before


def test_it_refuses_upkeep_posts_without_a_csrf_token(users: dict[str, User], small_plan: Plan) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    police = unit("区公安分局")
    assert client.post(f"/units/{police.pk}/alias/", {"name": "公安分局"}).status_code == 403
    assert not Alias.objects.filter(name="公安分局").exists()


# ---------------------------------------------------------------------------------------------
# The workload matrix


def expected_counts(plan: Plan) -> dict[str, tuple[int, int]]:
    """(lead, partner) task counts per unit, counted row by row in Python."""
    lead: Counter[str] = Counter()
    partner: Counter[str] = Counter()
    seen: set[tuple[int, int, str]] = set()
    for r in Responsibility.objects.filter(task__plan=plan).select_related("unit"):
        if (r.unit_id, r.task_id, r.role) in seen:
            continue
        seen.add((r.unit_id, r.task_id, r.role))
        if r.role == Role.LEAD:
            lead[r.unit.name] += 1
        elif r.role == Role.PARTNER:
            partner[r.unit.name] += 1
    return {name: (lead[name], partner[name]) for name in set(lead) | set(partner)}


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("区委政法委", "牵头 1 / 配合 0"),
        ("区公安分局", "牵头 0 / 配合 1"),
        ("区司法局", "牵头 1 / 配合 0"),
        ("区信访局", "牵头 0 / 配合 1"),
        ("区民政局", "牵头 0 / 配合 1"),
    ],
)
def test_it_counts_the_small_plan_in_the_workload_page(
    users: dict[str, User], small_plan: Plan, name: str, cell: str
) -> None:
    html = client_for(users["manager"]).get("/units/workload/").content.decode()
    row = re.search(rf">{name}</a></td>(.*?)</tr>", html, re.S)
    assert row is not None
    assert re.findall(r'<td class="cell[^"]*">(?:<strong>)?([^<]*)', row.group(1)) == [cell, cell]


def test_it_counts_a_corpus_plan_right(users: dict[str, User]) -> None:
    data = (CORPUS / "000_55d7ae63096c07d6.txt").read_bytes()
    draft = do_upload_document("000.txt", data, acting_user=users["manager"])
    leads_printed = Counter(u for t in draft.plan_json["tasks"] for u in set(t.get("lead") or []))
    plan = do_confirm_import(draft, {}, acting_user=users["manager"])
    matrix = workload(users["manager"])
    got = {row.name: (row.cells[0].lead, row.cells[0].partner) for row in matrix.rows}
    assert got == expected_counts(plan)
    assert {name: lead for name, (lead, _) in got.items() if lead} == dict(leads_printed)
    assert got["市信访局"][0] >= 1


def test_it_breaks_one_plan_down_by_top_level_section(users: dict[str, User]) -> None:
    data = (CORPUS / "000_55d7ae63096c07d6.txt").read_bytes()
    plan = import_plan(users["manager"], "000.txt", data)
    response = client_for(users["manager"]).get("/units/workload/", {"plan": plan.pk})
    assert response.status_code == 200
    matrix = workload(users["manager"], plan)
    tops = list(plan.sections.filter(parent=None).values_list("title", flat=True))
    assert [c.title for c in matrix.columns][: len(tops)] == tops
    whole = {row.name: (row.total.lead, row.total.partner) for row in matrix.rows}
    assert whole == expected_counts(plan)
    for row in matrix.rows:  # the sections add up to the plan
        assert sum(c.lead for c in row.cells) == row.total.lead
    assert tops[0] in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("manager", 200), ("leader", 200), ("reporter", 404), ("outsider", 404)],
)
def test_it_shows_the_workload_to_the_office_and_leaders_only(
    users: dict[str, User], small_plan: Plan, who: str, status: int
) -> None:
    assert client_for(users[who]).get("/units/workload/").status_code == status


def test_it_shows_a_manager_the_workload_of_its_own_plans_only(
    users: dict[str, User], small_plan: Plan
) -> None:
    client = client_for(users["other_manager"])
    html = client.get("/units/workload/").content.decode()
    assert "区委政法委" not in html and small_plan.title not in html
    assert client.get("/units/workload/", {"plan": small_plan.pk}).status_code == 404


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with the data


STEMS = "甲乙丙丁戊己庚辛壬癸"
NAMES = [f"区{a}{b}局" for a in STEMS for b in STEMS]


def grow(users: dict[str, User], plans: int, tasks: int) -> None:
    """`plans` plans of `tasks` tasks in two sections, each naming a lead, 区公安分局 and another
    partner, and one task for the group 各街道, whose members are all the other units."""
    for p in range(plans):
        lines = [f"XX区第{p + 1}号工作方案", "一、重点工作"]
        for t in range(tasks):
            if t == tasks // 2:
                lines.append("二、保障措施")
            lead, partner = NAMES[p * 3 + t], NAMES[p * 3 + t + 1]
            lines.append(
                f"{t + 1}、开展第{t + 1}项专项整治，到2025年达标率达90%。（{lead}牵头，区公安分局、{partner}配合）"
            )
        lines.append(f"{tasks + 1}、落实网格员队伍建设。（各街道牵头，{NAMES[p]}配合）")
        import_plan(users["manager"], f"grow{p}.txt", "\n".join(lines).encode())
    group = unit("各街道")
    do_set_group_members(group, list(Unit.objects.exclude(pk=group.pk)), acting_user=users["admin"])


SIZES = [pytest.param(1, 2, id="small"), pytest.param(5, 25, id="large")]


@pytest.mark.parametrize(("plans", "tasks"), SIZES)
# +1 on every page: the unread-messages badge in the navigation.
@pytest.mark.parametrize(("who", "queries"), [("admin", 5), ("reporter", 6), ("manager", 5)])
def test_it_lists_units_in_a_fixed_number_of_queries(
    users: dict[str, User], django_assert_max_num_queries: Any, plans: int, tasks: int, who: str, queries: int
) -> None:
    grow(users, plans, tasks)
    client = client_for(users[who])
    with django_assert_max_num_queries(queries):
        assert client.get("/units/").status_code == 200


@pytest.mark.parametrize(("plans", "tasks"), SIZES)
@pytest.mark.parametrize(("who", "queries"), [("admin", 11), ("reporter", 11), ("leader", 10)])
def test_it_shows_a_unit_page_in_a_fixed_number_of_queries(
    users: dict[str, User], django_assert_max_num_queries: Any, plans: int, tasks: int, who: str, queries: int
) -> None:
    grow(users, plans, tasks)
    client = client_for(users[who])
    with django_assert_max_num_queries(queries):
        assert client.get(f"/units/{users['reporter'].unit_id}/").status_code == 200


@pytest.mark.parametrize(("plans", "tasks"), SIZES)
@pytest.mark.parametrize("by_plan", [False, True])
def test_it_builds_the_workload_in_a_fixed_number_of_queries(
    users: dict[str, User], django_assert_max_num_queries: Any, plans: int, tasks: int, by_plan: bool
) -> None:
    grow(users, plans, tasks)
    client = client_for(users["leader"])
    params = {"plan": Plan.objects.latest("pk").pk} if by_plan else {}
    with django_assert_max_num_queries(7 if by_plan else 5):
        response = client.get("/units/workload/", params)
    assert response.status_code == 200
    assert "区公安分局" in response.content.decode()
