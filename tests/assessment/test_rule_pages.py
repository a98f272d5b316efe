"""The pages that edit a scheme's negative list, veto and bonus items and its own items: a plan
manager adds, changes and removes them through the actions (each write audited); bad input gets
a message in Chinese and stores nothing; nobody else may write, and nothing changes under a
closed assessment.

The scheme is conftest's: the plan's two negative-list items (万人命案发案率 by rate, 重大安全事故 by
level), one veto, two bonus items; `assessment` has an incident under 重大安全事故 (重大, 1 件), the
veto and both bonus items.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from duban.accounts.models import User
from duban.assessment.actions.assessments import do_close_assessment
from duban.assessment.models import (
    Assessment,
    BonusItem,
    DeductionRule,
    Method,
    Scheme,
    SchemeItem,
    VetoItem,
)
from duban.audit.models import AuditEvent

from .conftest import by_name, item


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def rule_data(**fields: str) -> dict[str, str]:
    return {
        "item": "违规举债",
        "counts": "",
        "per": "件",
        "cmp": ">",
        "limit": "",
        "points": "",
        "step": "",
        "step_points": "",
        "cap": "",
        **fields,
    }


def html_of(response: Any) -> str:
    return str(response.content.decode())


# ─── the negative list ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("fields", "stored", "shown"),
    [
        (
            {"counts": "特别重大 30\n重大：10 分"},
            [
                {"level": "特别重大", "points": "-30", "per": "件"},
                {"level": "重大", "points": "-10", "per": "件"},
            ],
            "特别重大 -30 分/件；重大 -10 分/件",
        ),
        ({"counts": "5", "per": "起"}, [{"points": "-5", "per": "起"}], "-5 分/起"),
        (
            {"cmp": ">", "limit": "0.6", "points": "20", "step": "0.1", "step_points": "10", "cap": "50"},
            [{"threshold": ">0.6", "points": "-20", "step": "0.1", "step_points": "-10", "cap": "-50"}],
            ">0.6 扣 20 分，每增加 0.1 再扣 10 分，最多扣 50 分",
        ),
        (
            {"counts": "一般 2", "cmp": "≥", "limit": "3", "points": "4"},
            [{"level": "一般", "points": "-2", "per": "件"}, {"threshold": "≥3", "points": "-4"}],
            "一般 -2 分/件；≥3 扣 4 分",
        ),
    ],
)
def test_it_adds_a_negative_list_item_from_the_page(
    scheme: Scheme, users: dict[str, User], fields: dict[str, str], stored: list[dict[str, str]], shown: str
) -> None:
    c = client_for(users["manager"])
    assert c.get(reverse("assessment:rule_add", args=[scheme.pk])).status_code == 200
    response = c.post(reverse("assessment:rule_add", args=[scheme.pk]), rule_data(**fields))
    assert response.status_code == 302, html_of(response)
    rule = DeductionRule.objects.get(scheme=scheme, item="违规举债")
    assert rule.rules == stored
    assert AuditEvent.objects.filter(action="add_deduction_rule", after__rule=rule.pk).exists()
    page = html_of(c.get(reverse("assessment:scheme", args=[scheme.pk])))
    assert shown in page.replace("&gt;", ">")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "请填写按件扣分的分值，或按比率扣分的阈值与分值"),
        ({"item": "", "counts": "5"}, "这个字段是必填项"),
        ({"counts": "特别重大 三十"}, "第 1 行“特别重大 三十”应为“级别 每件扣分”"),
        ({"counts": "重大 10\n重大 20"}, "级别“重大”重复"),
        ({"counts": "这是一个超过十六个字的级别名称用来测试长度 5"}, "过长"),
        ({"limit": "0.6"}, "按比率扣分须填写阈值和超过即扣的分值"),
        ({"limit": "0.6", "points": "20", "step": "0.1"}, "须同时填写或同时不填"),
        ({"limit": "0.6", "points": "20", "cap": "10"}, "最多共扣 10 分，少于超过即扣的 20 分"),
        ({"limit": "0.6", "points": "-20"}, "确保该值大于或等于"),
    ],
)
def test_it_says_why_a_negative_list_item_is_refused_and_stores_nothing(
    scheme: Scheme, users: dict[str, User], fields: dict[str, str], message: str
) -> None:
    signed_in = client_for(users["manager"])  # signing in is audited: before the count
    before = (DeductionRule.objects.count(), AuditEvent.objects.count())
    response = signed_in.post(reverse("assessment:rule_add", args=[scheme.pk]), rule_data(**fields))
    assert response.status_code == 400
    assert message in html_of(response)
    assert (DeductionRule.objects.count(), AuditEvent.objects.count()) == before


def test_it_shows_a_rule_as_stored_and_saves_the_change(
    assessment: Assessment, users: dict[str, User]
) -> None:
    scheme = assessment.scheme
    rule = by_name(scheme, DeductionRule, "万人命案发案率")
    c = client_for(users["manager"])
    url = reverse("assessment:rule_edit", args=[scheme.pk, rule.pk])
    form = c.get(url).context["form"]
    assert {k: str(form.initial[k]) for k in ("cmp", "limit", "points", "step", "step_points", "cap")} == {
        "cmp": ">",
        "limit": "0.6",
        "points": "20",
        "step": "0.1",
        "step_points": "10",
        "cap": "50",
    }
    response = c.post(
        url, rule_data(item="万人命案发案率", limit="0.5", points="15", step="0.1", step_points="5", cap="40")
    )
    assert response.status_code == 302, html_of(response)
    rule.refresh_from_db()
    assert rule.rules == [
        {"threshold": ">0.5", "points": "-15", "step": "0.1", "step_points": "-5", "cap": "-40"}
    ]
    event = AuditEvent.objects.get(action="update_deduction_rule")
    assert event.before is not None and event.before["rules"][0]["threshold"] == ">0.6"
    assessment.refresh_from_db()
    assert assessment.stale


def test_it_refuses_a_change_that_would_drop_recorded_incidents(
    assessment: Assessment, users: dict[str, User]
) -> None:
    rule = by_name(assessment.scheme, DeductionRule, "重大安全事故")
    before = rule.rules
    response = client_for(users["manager"]).post(
        reverse("assessment:rule_edit", args=[assessment.scheme.pk, rule.pk]),
        rule_data(item="重大安全事故", counts="特别重大 30"),
    )
    assert response.status_code == 400
    assert "已登记级别“重大”的件数" in html_of(response)
    rule.refresh_from_db()
    assert rule.rules == before


def test_it_removes_a_rule_only_when_nothing_is_recorded_under_it(
    assessment: Assessment, users: dict[str, User]
) -> None:
    scheme = assessment.scheme
    c = client_for(users["manager"])
    used = by_name(scheme, DeductionRule, "重大安全事故")
    response = c.post(reverse("assessment:rule_remove", args=[scheme.pk, used.pk]), follow=True)
    assert "已登记 1 项事项，请先在考核页面撤销这些登记再删除" in html_of(response)
    assert DeductionRule.objects.filter(pk=used.pk).exists()
    unused = by_name(scheme, DeductionRule, "万人命案发案率")
    c.post(reverse("assessment:rule_remove", args=[scheme.pk, unused.pk]))
    assert not DeductionRule.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(action="remove_deduction_rule").count() == 1


# ─── vetoes and bonus items ───────────────────────────────────────────────────────────────────


def test_it_edits_and_removes_a_veto_item(scheme: Scheme, users: dict[str, User]) -> None:
    veto = VetoItem.objects.get(scheme=scheme)
    c = client_for(users["manager"])
    prefix = f"veto{veto.pk}"
    assert (
        c.post(reverse("assessment:veto_edit", args=[scheme.pk, veto.pk]), {f"{prefix}-name": ""}).status_code
        == 400
    )
    c.post(
        reverse("assessment:veto_edit", args=[scheme.pk, veto.pk]),
        {f"{prefix}-name": "发生重大安全生产责任事故"},
    )
    veto.refresh_from_db()
    assert veto.name == "发生重大安全生产责任事故"
    c.post(reverse("assessment:veto_remove", args=[scheme.pk, veto.pk]))
    assert not VetoItem.objects.filter(pk=veto.pk).exists()
    assert [e.action for e in AuditEvent.objects.filter(action__endswith="_veto").order_by("pk")] == [
        "add_veto",
        "update_veto",
        "remove_veto",
    ]


def test_it_edits_a_bonus_items_points_and_cap(scheme: Scheme, users: dict[str, User]) -> None:
    bonus = by_name(scheme, BonusItem, "省级表彰")
    c = client_for(users["manager"])
    url = reverse("assessment:bonus_edit", args=[scheme.pk, bonus.pk])
    p = f"bonus{bonus.pk}"
    response = c.post(url, {f"{p}-name": "省级表彰", f"{p}-points": "0", f"{p}-cap": ""})
    assert response.status_code == 400 and "确保该值大于或等于0.01" in html_of(response)
    bonus.refresh_from_db()
    assert bonus.points == Decimal(2)
    assert c.post(url, {f"{p}-name": "省级表彰", f"{p}-points": "1.5", f"{p}-cap": "3"}).status_code == 302
    bonus.refresh_from_db()
    assert (bonus.points, bonus.cap) == (Decimal("1.5"), Decimal(3))
    assert "省级表彰：每项 1.5 分，最多 3 分" in html_of(
        c.get(reverse("assessment:scheme", args=[scheme.pk]))
    )


def test_it_removes_a_bonus_item_only_when_nothing_is_recorded_under_it(
    assessment: Assessment, users: dict[str, User]
) -> None:
    scheme = assessment.scheme
    bonus = by_name(scheme, BonusItem, "省级表彰")
    response = client_for(users["manager"]).post(
        reverse("assessment:bonus_remove", args=[scheme.pk, bonus.pk]), follow=True
    )
    assert "加分项“省级表彰”已登记 1 项事项" in html_of(response)
    assert BonusItem.objects.filter(pk=bonus.pk).exists()


# ─── items of the scheme's own ────────────────────────────────────────────────────────────────


def test_it_adds_and_removes_an_item_of_the_schemes_own(scheme: Scheme, users: dict[str, User]) -> None:
    c = client_for(users["manager"])
    response = c.post(
        reverse("assessment:item_add", args=[scheme.pk]),
        {
            "new-name": "工作创新",
            "new-section": "三、综合评价",
            "new-max_points": "5",
            "new-method": "checklist",
            "new-criteria": "形成经验做法 2\n获上级推广 3",
        },
    )
    assert response.status_code == 302, html_of(response)
    own = SchemeItem.objects.get(scheme=scheme, name="工作创新")
    assert (own.task_id, own.method, own.max_points, own.section) == (
        None,
        Method.CHECKLIST,
        Decimal(5),
        "三、综合评价",
    )
    assert own.criteria == [{"name": "形成经验做法", "points": "2"}, {"name": "获上级推广", "points": "3"}]
    page = html_of(c.get(reverse("assessment:scheme", args=[scheme.pk])))
    assert reverse("assessment:item_remove", args=[scheme.pk, own.pk]) in page
    c.post(reverse("assessment:item_remove", args=[scheme.pk, own.pk]))
    assert not SchemeItem.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.filter(action="remove_scheme_item").count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new-name": ""}, "这个字段是必填项"),
        ({"new-max_points": "abc"}, "输入一个数字"),
        ({"new-method": "completion"}, "选择一个有效的选项"),
        ({"new-criteria": "形成经验做法 4\n获上级推广 3"}, "细则合计 7 分，超过项目分值"),
        ({"new-criteria": "形成经验做法"}, "应为“细则名称 分值”"),
    ],
)
def test_it_says_why_an_item_is_refused_and_stores_nothing(
    scheme: Scheme, users: dict[str, User], fields: dict[str, str], message: str
) -> None:
    before = SchemeItem.objects.count()
    data = {
        "new-name": "工作创新",
        "new-section": "",
        "new-max_points": "5",
        "new-method": "checklist",
        "new-criteria": "形成经验做法 2",
        **fields,
    }
    response = client_for(users["manager"]).post(reverse("assessment:item_add", args=[scheme.pk]), data)
    assert response.status_code == 400
    assert message in html_of(response)
    assert SchemeItem.objects.count() == before


def test_it_never_removes_an_item_made_from_a_task(scheme: Scheme, users: dict[str, User]) -> None:
    task_item = item(scheme, "1")
    response = client_for(users["manager"]).post(
        reverse("assessment:item_remove", args=[scheme.pk, task_item.pk])
    )
    assert response.status_code == 404
    assert SchemeItem.objects.filter(pk=task_item.pk).exists()


# ─── who may, and when ────────────────────────────────────────────────────────────────────────


def writes(scheme: Scheme) -> dict[str, tuple[str, dict[str, str]]]:
    rule = by_name(scheme, DeductionRule, "万人命案发案率")
    veto = VetoItem.objects.get(scheme=scheme)
    bonus = by_name(scheme, BonusItem, "省级表彰")
    return {
        "rule_add": (reverse("assessment:rule_add", args=[scheme.pk]), rule_data(counts="5")),
        "rule_edit": (reverse("assessment:rule_edit", args=[scheme.pk, rule.pk]), rule_data(counts="5")),
        "rule_remove": (reverse("assessment:rule_remove", args=[scheme.pk, rule.pk]), {}),
        "veto_edit": (
            reverse("assessment:veto_edit", args=[scheme.pk, veto.pk]),
            {f"veto{veto.pk}-name": "改"},
        ),
        "veto_remove": (reverse("assessment:veto_remove", args=[scheme.pk, veto.pk]), {}),
        "bonus_edit": (
            reverse("assessment:bonus_edit", args=[scheme.pk, bonus.pk]),
            {f"bonus{bonus.pk}-name": "改", f"bonus{bonus.pk}-points": "1"},
        ),
        "bonus_remove": (reverse("assessment:bonus_remove", args=[scheme.pk, bonus.pk]), {}),
        "item_add": (
            reverse("assessment:item_add", args=[scheme.pk]),
            {"new-name": "综合评价", "new-max_points": "5", "new-method": "manual"},
        ),
    }


WRITES = (
    "rule_add",
    "rule_edit",
    "rule_remove",
    "veto_edit",
    "veto_remove",
    "bonus_edit",
    "bonus_remove",
    "item_add",
)


@pytest.mark.parametrize("role", ["other_manager", "reporter", "other_reporter", "leader", "outsider"])
@pytest.mark.parametrize("name", WRITES)
def test_it_refuses_writes_to_whoever_may_not_make_them(
    scheme: Scheme, users: dict[str, User], role: str, name: str
) -> None:
    url, data = writes(scheme)[name]
    signed_in = client_for(users[role])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    assert signed_in.post(url, data).status_code == 404
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", ["other_manager", "reporter", "leader"])
def test_it_shows_the_rule_form_only_to_whoever_may_edit_the_scheme(
    scheme: Scheme, users: dict[str, User], role: str
) -> None:
    assert client_for(users[role]).get(reverse("assessment:rule_add", args=[scheme.pk])).status_code == 404
    assert client_for(users["admin"]).get(reverse("assessment:rule_add", args=[scheme.pk])).status_code == 200


@pytest.mark.parametrize("name", WRITES)
def test_it_changes_nothing_under_a_closed_assessment(
    assessment: Assessment, users: dict[str, User], name: str
) -> None:
    do_close_assessment(assessment, acting_user=users["manager"])
    url, data = writes(assessment.scheme)[name]
    signed_in = client_for(users["manager"])  # signing in is audited: before the count
    before = AuditEvent.objects.count()
    response = signed_in.post(url, data, follow=True)
    assert "请先重新打开考核再修改考核方案" in html_of(response)
    assert AuditEvent.objects.count() == before


def test_it_offers_no_edits_once_the_assessment_is_closed(
    assessment: Assessment, users: dict[str, User]
) -> None:
    scheme = assessment.scheme
    c = client_for(users["manager"])
    assert reverse("assessment:rule_add", args=[scheme.pk]) in html_of(
        c.get(reverse("assessment:scheme", args=[scheme.pk]))
    )
    do_close_assessment(assessment, acting_user=users["manager"])
    page = html_of(c.get(reverse("assessment:scheme", args=[scheme.pk])))
    assert reverse("assessment:rule_add", args=[scheme.pk]) not in page
    assert "veto_remove" not in page and "/remove/" not in page
