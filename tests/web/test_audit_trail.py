"""The audit trail as people read it: Chinese action and field names, names instead of ids, plain
values; no row for a write that changes nothing; the administrator's one trail across objects,
searchable, paginated and exported to Excel."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client

from duban import clock
from duban.accounts.models import User
from duban.audit.display import action_label, describe
from duban.audit.models import AuditEvent
from duban.plans.actions import do_save_plan_settings, do_set_plan_managers, do_update_plan
from duban.plans.models import Plan
from duban.units.actions import do_create_unit, do_merge_units, do_update_unit
from duban.units.models import Unit

TZ = ZoneInfo("Asia/Shanghai")


def rows(obj: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def test_it_writes_no_row_when_a_plan_is_saved_unchanged(small_plan: Plan, users: dict[str, User]) -> None:
    before = AuditEvent.objects.count()
    do_update_plan(small_plan, shared_with_all=small_plan.shared_with_all, acting_user=users["manager"])
    do_update_plan(small_plan, title=small_plan.title, acting_user=users["manager"])
    do_set_plan_managers(small_plan, [users["manager"].pk], acting_user=users["manager"])
    do_save_plan_settings(
        small_plan,
        shared_with_all=False,
        parent=None,
        managers=[users["manager"]],
        acting_user=users["manager"],
    )
    assert AuditEvent.objects.count() == before


def test_it_keeps_json_values_not_their_python_spelling(small_plan: Plan, users: dict[str, User]) -> None:
    do_update_plan(small_plan, shared_with_all=True, acting_user=users["manager"])
    event = AuditEvent.objects.filter(action="update_plan").get()
    assert event.before == {"shared_with_all": False} and event.after == {"shared_with_all": True}


def test_it_shows_a_plan_change_in_chinese(small_plan: Plan, users: dict[str, User]) -> None:
    do_update_plan(small_plan, shared_with_all=True, acting_user=users["manager"])
    (shown,) = describe(AuditEvent.objects.filter(action="update_plan"))
    assert shown.action == "修改方案"
    assert shown.object_kind == "分解方案" and shown.object_name == small_plan.title
    assert [(c.field, c.before, c.after) for c in shown.changes] == [("向所有单位公开", "否", "是")]


def test_it_shows_legacy_rows_written_as_python_text_in_chinese(small_plan: Plan) -> None:
    AuditEvent.objects.create(
        at=clock.now(),
        action="update_plan",
        object_type="plans.plan",
        object_id=str(small_plan.pk),
        before={"shared_with_all": "True"},
        after={"shared_with_all": "False"},
    )
    (shown,) = describe(AuditEvent.objects.filter(action="update_plan"))
    assert [(c.before, c.after) for c in shown.changes] == [("是", "否")]


def test_it_names_units_instead_of_their_ids(users: dict[str, User]) -> None:
    admin = users["admin"]
    parent = do_create_unit("区委政法委", acting_user=admin)
    child = do_create_unit("区综治中心", acting_user=admin)
    do_update_unit(child, name="区社会治理中心", kind=child.kind, parent=parent, acting_user=admin)
    shown = describe(AuditEvent.objects.filter(action="update_unit"))
    changes = {c.field: (c.before, c.after) for c in shown[0].changes}
    assert changes["上级单位"] == ("（空）", "区委政法委")
    assert changes["名称"] == ("区综治中心", "区社会治理中心")
    assert "类型" not in changes  # written on both sides, unchanged: no change to show
    assert shown[0].object_name == "区社会治理中心"
    assert str(parent.pk) not in "".join(c.after for c in shown[0].changes)


def test_it_names_a_merged_unit_that_no_longer_exists(users: dict[str, User]) -> None:
    admin = users["admin"]
    keep = do_create_unit("经济发展局", acting_user=admin)
    gone = do_create_unit("经发局", acting_user=admin)
    do_merge_units(keep, gone, acting_user=admin)
    (shown,) = describe(AuditEvent.objects.filter(action="merge_units"))
    text = "；".join(f"{c.field}：{c.before}→{c.after}" for c in shown.changes)
    assert shown.action == "合并单位"
    assert "经发局" in text and "经济发展局" in text and "已删除" in text


def test_every_action_the_platform_writes_has_a_chinese_label(
    small_plan: Plan, users: dict[str, User]
) -> None:
    # Codes written by the actions in this test module's flows and the fixtures.
    do_update_plan(small_plan, shared_with_all=True, acting_user=users["manager"])
    do_create_unit("新单位甲", acting_user=users["admin"])
    codes = set(AuditEvent.objects.values_list("action", flat=True))
    assert codes and {c for c in codes if action_label(c) == c} == set()


def trail(client: Client, **params: str) -> Any:
    return client.get("/audit/", params)


def listed(client: Client, **params: str) -> str:
    """The rows of the trail's table (the filter's own lists name every action too)."""
    html = trail(client, **params).content.decode()
    return html[html.index('<table class="audit">') :]


def admin_client(users: dict[str, User]) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


@pytest.mark.parametrize("role", ["manager", "reporter", "leader", "outsider"])
def test_only_the_administrator_reads_the_whole_trail(users: dict[str, User], role: str) -> None:
    client = Client()
    client.force_login(users[role])
    assert trail(client).status_code == 404
    assert trail(client, format="xlsx").status_code == 404


def test_it_filters_the_trail_by_who_what_object_and_date(small_plan: Plan, users: dict[str, User]) -> None:
    admin, manager = users["admin"], users["manager"]
    clock.freeze(dt.datetime(2024, 3, 1, 10, tzinfo=TZ))
    try:
        do_create_unit("旧单位", acting_user=admin)
        clock.freeze(dt.datetime(2024, 5, 1, 10, tzinfo=TZ))
        do_update_plan(small_plan, shared_with_all=True, acting_user=manager)
    finally:
        clock.freeze(None)
    client = admin_client(users)
    by_actor = listed(client, actor=str(manager.pk))
    assert "修改方案" in by_actor and "旧单位" not in by_actor
    by_action = listed(client, action="create_unit")
    assert "旧单位" in by_action and "修改方案" not in by_action
    by_object = listed(client, object_type="plans.plan", object_id=str(small_plan.pk))
    assert "修改方案" in by_object and "新建单位" not in by_object
    by_date = listed(client, start="2024-04-01", end="2024-05-01")
    assert "修改方案" in by_date and "旧单位" not in by_date
    by_system = listed(client, actor="system")  # the fixture's accounts, made by no one signed in
    assert "创建账户" in by_system and "修改方案" not in by_system and "<td>系统</td>" in by_system
    reversed_dates = trail(client, start="2024-05-02", end="2024-05-01")
    assert reversed_dates.status_code == 400 and "起始日期不能晚于截止日期" in reversed_dates.content.decode()


def test_it_pages_the_trail(users: dict[str, User]) -> None:
    for n in range(60):
        do_create_unit(f"测试单位{n:02d}", acting_user=users["admin"])
    client = admin_client(users)
    first = trail(client, action="create_unit").content.decode()
    second = listed(client, action="create_unit", page="2")
    assert first.count("<td>新建单位</td>") == 50 and second.count("<td>新建单位</td>") == 10
    assert "第 1 / 2 页" in first and "action=create_unit&amp;page=2" in first


def test_it_exports_the_filtered_trail_to_excel(small_plan: Plan, users: dict[str, User]) -> None:
    do_update_plan(small_plan, shared_with_all=True, acting_user=users["manager"])
    do_create_unit("导出单位", acting_user=users["admin"])
    r = trail(admin_client(users), action="update_plan", format="xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    flat = [str(v) for row in values for v in row]
    assert "修改方案" in flat and "新建单位" not in flat
    assert any("向所有单位公开：否 → 是" in v for v in flat)
    assert any(small_plan.title == v for v in flat)


def test_it_escapes_imported_text_in_the_trail(users: dict[str, User]) -> None:
    Unit.objects.create(name="<script>alert(1)</script>局")
    unit = Unit.objects.get(name__startswith="<script>")
    do_update_unit(unit, name="安全局", kind=unit.kind, parent=None, acting_user=users["admin"])
    html = trail(admin_client(users)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
