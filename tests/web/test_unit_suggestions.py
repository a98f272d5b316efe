"""The same body under two names: the name rules (data/name_rules.json and the alias data), the
page of suggested merges for the office to confirm, and what it must not suggest."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from duban.accounts.models import User
from duban.units.actions import do_merge_units
from duban.units.models import Alias, Kind, Unit
from duban.units.names import rules
from duban.units.suggestions import suggested_merges

SAME = [
    ("经发局", "经济发展局"),
    ("团市委", "共青团南京市委"),
    ("区委政法委", "区委政法委员会"),
    ("市发改委", "市发展和改革委员会"),  # alias data (duban.extract's units.json)
    ("市综治办", "市社会治安综合治理委员会办公室"),
]
ALIKE = [
    ("市监分局", "市场监督管理局宜阳分局"),
    ("宜阳公安局", "宜阳公安分局"),
    ("工程局", "工程管理局"),
    ("工程局", "工程建设管理局"),
    ("工程管理局", "工程建设管理局"),
    ("综治办", "综治办(司法)"),
]
OTHER = [
    ("市信访办", "市信访联席办"),
    ("市国税局", "市地税局"),
    ("市工商局", "市工商联"),
    ("市财政局", "财政局"),  # the city's bureau and a district's
    ("市综治办", "综治办"),  # alike (0.96) once written out, but the city's and a district's
    ("城市管理局", "城市建设局"),
    ("市委组织部", "市委统战部"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_rules_say_these_are_one_body(a: str, b: str) -> None:
    assert rules().strong_key(a) == rules().strong_key(b)


@pytest.mark.parametrize(("a", "b"), ALIKE)
def test_the_loose_rules_find_these_alike_but_not_surely_one(a: str, b: str) -> None:
    assert rules().loose_key(a) == rules().loose_key(b)
    assert rules().strong_key(a) != rules().strong_key(b)


@pytest.mark.parametrize(("a", "b"), OTHER)
def test_the_rules_keep_these_apart(a: str, b: str) -> None:
    assert rules().loose_key(a) != rules().loose_key(b)


@pytest.mark.parametrize(("a", "b"), OTHER)
def test_it_suggests_no_merge_of_different_bodies(db: None, a: str, b: str) -> None:
    Unit.objects.create(name=a)
    Unit.objects.create(name=b)
    assert suggested_merges() == []


@pytest.mark.parametrize(("a", "b"), [*SAME, *ALIKE])
def test_it_suggests_merging_one_body_under_two_names(db: None, a: str, b: str) -> None:
    Unit.objects.create(name=a)
    Unit.objects.create(name=b)
    (s,) = suggested_merges()
    assert {s.keep.name, s.gone.name} == {a, b}


def test_it_suggests_by_likeness_a_long_name_with_a_word_left_out(db: None) -> None:
    Unit.objects.create(name="大数据集团有限公司")
    Unit.objects.create(name="大数据产业集团有限公司")
    (s,) = suggested_merges()
    assert (s.keep.name, s.gone.name) == ("大数据产业集团有限公司", "大数据集团有限公司")
    assert s.why.startswith("名称相近") and not s.sure


def test_it_keeps_the_full_name_and_says_why(db: None) -> None:
    Unit.objects.create(name="经发局")
    Unit.objects.create(name="经济发展局")
    (s,) = suggested_merges()
    assert (s.keep.name, s.gone.name, s.sure) == ("经济发展局", "经发局", True)
    assert "简称" in s.why


def test_it_suggests_each_name_of_a_three_way_split_once(db: None) -> None:
    for name in ("工程局", "工程管理局", "工程建设管理局"):
        Unit.objects.create(name=name)
    pairs = {(s.keep.name, s.gone.name) for s in suggested_merges()}
    assert pairs == {("工程建设管理局", "工程局"), ("工程建设管理局", "工程管理局"), ("工程管理局", "工程局")}


def test_it_knows_a_unit_by_its_aliases_too(db: None) -> None:
    police = Unit.objects.create(name="宜阳新区公安分局")
    Alias.objects.create(unit=police, name="宜阳公安分局")
    Unit.objects.create(name="宜阳公安局")
    (s,) = suggested_merges()
    assert {s.keep.name, s.gone.name} == {"宜阳新区公安分局", "宜阳公安局"}


def test_it_never_suggests_groups_or_units_of_another_kind(db: None) -> None:
    Unit.objects.create(name="各区县", kind=Kind.GROUP)
    Unit.objects.create(name="各区县委", kind=Kind.GROUP)
    Unit.objects.create(name="宜阳街道", kind=Kind.STREET)
    Unit.objects.create(name="宜阳街道办", kind=Kind.DEPARTMENT)
    assert suggested_merges() == []


def test_a_suggestion_is_gone_once_the_office_merges(users: dict[str, User]) -> None:
    keep = Unit.objects.create(name="经济发展局")
    gone = Unit.objects.create(name="经发局")
    do_merge_units(keep, gone, acting_user=users["admin"])
    assert suggested_merges() == []


def page(user: User, **params: str) -> object:
    client = Client()
    client.force_login(user)
    return client.get("/units/merges/", params)


def test_the_page_lists_the_suggestions_with_links_to_the_merge_page(users: dict[str, User]) -> None:
    keep = Unit.objects.create(name="市场监督管理局宜阳分局")
    gone = Unit.objects.create(name="市监分局")
    r = page(users["admin"])
    html = r.content.decode()  # type: ignore[attr-defined]
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert f'href="/units/{gone.pk}/merge/?into={keep.pk}"' in html
    assert "名称规则" in html  # a place's branch: a rule for suggestions only
    # The merge page it leads to shows what moves and asks to confirm (the existing action).
    client = Client()
    client.force_login(users["admin"])
    confirm = client.get(f"/units/{gone.pk}/merge/", {"into": keep.pk})
    assert confirm.status_code == 200 and "确认合并" in confirm.content.decode()


def test_the_page_exports_the_suggestions_to_excel(users: dict[str, User]) -> None:
    Unit.objects.create(name="经济发展局")
    Unit.objects.create(name="经发局")
    r = page(users["admin"], format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active  # type: ignore[attr-defined]
    assert sheet is not None
    rows = [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    assert ("经济发展局", "经发局", "同一单位的简称或别名（别名数据、简称规则）") in rows


@pytest.mark.parametrize("role", ["reporter", "leader", "outsider"])
def test_the_page_does_not_exist_for_who_may_not_change_the_directory(
    users: dict[str, User], role: str
) -> None:
    assert page(users[role]).status_code == 404  # type: ignore[attr-defined]


def test_the_page_shows_imported_names_escaped(users: dict[str, User]) -> None:
    Unit.objects.create(name="<b>经发局</b>")
    Unit.objects.create(name="<b>经济发展局</b>")
    html = page(users["admin"]).content.decode()  # type: ignore[attr-defined]
    assert "<b>经发局" not in html and "&lt;b&gt;经发局" in html
