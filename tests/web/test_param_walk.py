"""Every route of the HTML pages and the API, walked with hostile numbers in its path ids and in
every query parameter a page reads: ids beyond 2**63, non-ASCII digits ("³".isdigit() is true,
int("³") fails), negative and non-numeric values. Never a 500: a path id that is no id is a 404,
a filter value a page cannot use a 400 that names the parameter.

The routes come from the permission walk's table (tests/web/test_permission_walk.py), so a new
page is walked here as soon as it has its row there.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter

from duban.accounts.models import User

from .test_permission_walk import routes, url_for, url_kwargs, world

__all__ = ["world"]  # the permission walk's fixture, used here by name

HOSTILE = (
    "9223372036854775808",  # 2**63: one past the largest 64-bit id
    "18446744073709551616",  # 2**64
    "9" * 40,
    "-1",
    "0",
    "³",  # superscript three: isdigit() but not int()
    "٣",  # Arabic-Indic three: int() takes it, a URL converter does not
    "1e3",
    "abc",
    "",
)

# Every query parameter a page or an API route reads (duban.params' callers, the API's schemas).
PARAMS = (
    "plan",
    "unit",
    "role",
    "section",
    "has_target",
    "deadline_from",
    "deadline_to",
    "q",
    "kind",
    "level",
    "status",
    "format",
    "into",
    "limit",
    "offset",
    "current",
)

MARK = 4242424242  # a path id no object has, replaced in the URL by each hostile value


def _path_urls(w: dict[str, Any]) -> list[tuple[str, str]]:
    """(route, URL) once per integer id of each route, that id alone set to MARK: reverse()
    checks the converter, so the hostile value goes in as text afterwards."""
    urls = []
    for name, pattern in routes():
        kwargs = url_kwargs(name, pattern, w)
        for key, conv in pattern.pattern.converters.items():
            # The pages' and the API's ids are <int:…>; the audit page's object id is a string
            # that its reader reads (duban.audit.readers).
            if isinstance(conv, IntConverter) or key.endswith("_id"):
                urls.append((name, reverse(name, kwargs={**kwargs, key: MARK})))
    return urls


@pytest.fixture
def admin_client(users: dict[str, User]) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(users["admin"])
    return client


def test_it_answers_hostile_path_ids_with_404_never_500(admin_client: Client, world: dict[str, Any]) -> None:
    marked = _path_urls(world)
    assert len(marked) > 60, "the walk should reach most routes with an id"
    wrong = {}
    for name, url in marked:
        for value in HOSTILE:
            if not value:
                continue
            got = admin_client.get(url.replace(str(MARK), value)).status_code
            # 405: a POST-only route refuses the method before it reads the id.
            if got not in (404, 405):
                wrong[(name, value)] = got
    assert wrong == {}


# The values each query parameter of each route gets (the targeted tests below try the rest):
# the administrator reaches every page's queries, a reporter the narrower ones of its unit.
QUERY_VALUES = {
    "admin": ("9223372036854775808", "³", "٣", "-1"),
    "reporter": ("9223372036854775808", "³"),
}


@pytest.mark.parametrize("role", sorted(QUERY_VALUES))
def test_it_answers_hostile_query_parameters_never_with_500(
    users: dict[str, User], world: dict[str, Any], role: str
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users[role])
    wrong, walked = {}, 0
    for name, pattern in routes():
        url = url_for(name, pattern, world)
        if client.get(url).status_code in (404, 405):
            continue  # refused before any parameter is read
        walked += 1
        for value in QUERY_VALUES[role]:
            for param in PARAMS:
                response = client.get(url, {param: value})
                if response.status_code >= 500:
                    wrong[(name, param, value)] = response.status_code
    assert walked > 25 and wrong == {}


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/plans/{plan}/", "unit"),
        ("/plans/{plan}/", "section"),
        ("/exports/plan/{plan}.csv", "unit"),
        ("/units/workload/", "plan"),
        ("/exports/workload.xlsx", "plan"),
        ("/tracking/orders/", "plan"),
        ("/api/plans/{plan}/tasks", "unit"),
    ],
)
@pytest.mark.parametrize("value", [v for v in HOSTILE if v])
def test_it_refuses_a_bad_id_filter_with_400_naming_the_parameter(
    admin_client: Client, world: dict[str, Any], path: str, param: str, value: str
) -> None:
    response = admin_client.get(path.format(plan=world["plan"].pk), {param: value})
    assert response.status_code == 400
    text = response.content.decode()
    assert f"参数 {param}" in text and "整数编号" in text


@pytest.mark.parametrize(
    ("path", "query", "param"),
    [
        ("/plans/{plan}/", {"role": "boss"}, "role"),
        ("/plans/{plan}/", {"has_target": "yes"}, "has_target"),
        ("/plans/{plan}/", {"deadline_to": "２０２５-01-01"}, "deadline_to"),
        ("/plans/{plan}/", {"q": "网" * 101}, "q"),
        ("/units/", {"kind": "ministry"}, "kind"),
        ("/units/", {"q": "局" * 51}, "q"),
        ("/exports/units.csv", {"kind": "ministry"}, "kind"),
        ("/tracking/orders/", {"level": "purple"}, "level"),
        ("/tracking/orders/", {"status": "lost"}, "status"),
        ("/tracking/orders/", {"format": "pdf"}, "format"),
        ("/tracking/inbox/", {"format": "csv"}, "format"),
        ("/api/units", {"kind": "ministry"}, "kind"),
    ],
)
def test_it_refuses_a_bad_filter_value_instead_of_ignoring_it(
    admin_client: Client, world: dict[str, Any], path: str, query: dict[str, str], param: str
) -> None:
    response = admin_client.get(path.format(plan=world["plan"].pk), query)
    assert response.status_code == 400
    assert f"参数 {param}" in response.content.decode()


def test_it_still_takes_an_empty_filter_as_no_filter(admin_client: Client, world: dict[str, Any]) -> None:
    plan = world["plan"].pk
    query = dict.fromkeys(("unit", "role", "section", "has_target", "deadline_from", "deadline_to", "q"), "")
    assert admin_client.get(f"/plans/{plan}/", query).status_code == 200
    assert admin_client.get("/tracking/orders/", {"level": "", "status": "", "plan": ""}).status_code == 200
