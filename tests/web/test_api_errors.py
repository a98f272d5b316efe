"""Every error of the API in one shape, in Chinese (issue 15, item 4), and the statuses the schema
states for every operation (item 3)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import path
from ninja import NinjaAPI

from duban.accounts.models import User
from duban.api import errors
from duban.plans.actions import do_upload_document
from duban.plans.models import ImportDraft, Plan

from .conftest import SMALL_PLAN

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def signed_in(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def detail(response: Any) -> str:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = json.loads(response.content)
    assert CHINESE.search(body["detail"]), body
    return str(body["detail"])


@pytest.mark.parametrize("url", ["/api/nothing-here", "/api/plans/1/nothing", "/api/"])
def test_an_unknown_api_path_is_a_json_404(users: dict[str, User], url: str) -> None:
    response = signed_in(users["admin"]).get(url)
    assert response.status_code == 404
    assert "接口不存在" in detail(response)


def test_a_method_a_route_does_not_take_is_a_json_405_with_allow(users: dict[str, User]) -> None:
    response = signed_in(users["admin"]).delete("/api/plans")
    assert response.status_code == 405
    assert "请求方法" in detail(response)
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_refused_in_chinese(users: dict[str, User]) -> None:
    draft = do_upload_document("d.txt", SMALL_PLAN, acting_user=users["manager"])
    response = signed_in(users["manager"]).post(
        f"/api/imports/{draft.pk}/confirm", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "无法解析" in detail(response)
    assert ImportDraft.objects.get(pk=draft.pk).status == "pending"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=abc", "limit", "应为整数"),
        ("limit=501", "limit", "不能大于 500"),
        ("limit=0", "limit", "不能小于 1"),
        ("offset=-1", "offset", "不能小于 0"),
        ("offset=9223372036854775808", "offset", "不能大于 9223372036854775807"),
        ("offset=99999999999999999999", "offset", "不能大于 9223372036854775807"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it_in_chinese(
    users: dict[str, User], query: str, field: str, message: str
) -> None:
    response = signed_in(users["admin"]).get(f"/api/plans?{query}")
    assert response.status_code == 400
    assert detail(response) == f"字段 {field} {message}"
    assert [(e["in"], e["field"]) for e in response.json()["errors"]] == [("query", field)]


@pytest.mark.parametrize(
    "url",
    [
        "/api/periods?plan=9223372036854775808",
        "/api/reports?task=9223372036854775808",
        "/api/reports?period=0",
    ],
)
def test_an_id_filter_out_of_range_is_a_400(users: dict[str, User], url: str) -> None:
    response = signed_in(users["admin"]).get(url)
    assert response.status_code == 400
    assert "不能" in detail(response)


def test_a_body_field_of_the_wrong_kind_is_named(users: dict[str, User]) -> None:
    draft = do_upload_document("d.txt", SMALL_PLAN, acting_user=users["manager"])
    response = signed_in(users["manager"]).post(
        f"/api/imports/{draft.pk}/confirm", data={"units": "区公安分局"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [(e["in"], e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("body", "units", "字段 units 应为对象（JSON 对象）")
    ]
    assert ImportDraft.objects.get(pk=draft.pk).status == "pending"


@pytest.mark.parametrize("value", ["", "null"])
def test_an_empty_revises_in_the_upload_form_means_no_revision(
    users: dict[str, User], small_plan: Plan, value: str
) -> None:
    response = signed_in(users["manager"]).post(
        "/api/imports",
        {"file": SimpleUploadedFile("s.txt", SMALL_PLAN), "revises": value},
    )
    assert response.status_code == 201, response.content
    assert response.json()["revises_id"] is None


def test_a_revises_that_is_not_a_number_is_a_422(users: dict[str, User]) -> None:
    response = signed_in(users["manager"]).post(
        "/api/imports", {"file": SimpleUploadedFile("s.txt", SMALL_PLAN), "revises": "abc"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "字段 revises 应为整数"


# ─── an error nobody foresaw ────────────────────────────────────────────────────────────────

boom_api = NinjaAPI(urls_namespace="boom-api", auth=None)
errors.install(boom_api)


@boom_api.get("/inside")
def _inside(request: Any) -> dict[str, str]:
    raise RuntimeError("secret internals")


def _outside(request: Any) -> Any:
    raise RuntimeError("secret internals")


urlpatterns = [path("api/boom/", boom_api.urls), path("api/outside/", _outside)]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("url", ["/api/boom/inside", "/api/outside/"])
def test_an_unexpected_error_is_a_json_500_that_tells_no_internals(
    users: dict[str, User], url: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = signed_in(users["admin"]).get(url)
    assert response.status_code == 500
    assert "服务器内部错误" in detail(response)
    assert b"secret" not in response.content
    # The administrator's log keeps the traceback.
    assert "secret internals" in caplog.text


def test_an_html_page_keeps_its_html_error() -> None:
    response = Client().get("/plans/nothing-here/")
    assert not response["Content-Type"].startswith("application/json")


# ─── the schema ─────────────────────────────────────────────────────────────────────────────


def test_every_operation_states_401_and_422_where_it_takes_parameters(client: Client) -> None:
    schema = json.loads(client.get("/api/openapi.json").content)
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert operations
    for op in operations:
        assert op["responses"]["401"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
        if op.get("parameters") or op.get("requestBody"):
            ref = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/FieldErrors"
    assert schema["components"]["schemas"]["FieldErrors"]["required"] == ["detail", "errors"]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing", "loc": ("body", "units")}, "字段 units 必须填写"),
        (
            {"type": "literal_error", "loc": ("query", "role"), "ctx": {"expected": "'a', 'b' or 'c'"}},
            "字段 role 应为以下之一：a、b、c",
        ),
        (
            {"type": "value_error", "loc": ("body", "x"), "ctx": {"error": ValueError("名称不能为空")}},
            "字段 x 名称不能为空",
        ),
        ({"type": "something_new", "loc": ("body", "x")}, "字段 x 取值不正确"),
    ],
)
def test_pydantic_errors_read_in_chinese(error: dict[str, Any], message: str) -> None:
    assert errors.validation_error(error)["message"] == message


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/inbox/read", {"ids": [48479220841313374111268864]}),
        ("/api/imports/{draft}/confirm", {"units": {"区公安分局": 2**63}}),
        ("/api/tasks/{task}/orders", {"units": [2**64], "text": "x", "reply_deadline": "2030-01-01"}),
    ],
)
def test_an_id_beyond_64_bits_in_a_body_is_a_422_not_a_server_error(
    users: dict[str, User], small_plan: Plan, url: str, body: dict[str, Any]
) -> None:
    # Found by the fuzzer: SQLite cannot take the number ("Python int too large").
    draft = do_upload_document("d.txt", SMALL_PLAN, acting_user=users["manager"])
    task = small_plan.tasks.get(number="2")
    response = signed_in(users["manager"]).post(
        url.format(draft=draft.pk, task=task.pk), body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "不能大于" in detail(response)


def test_the_schema_names_no_key_twice(client: Client) -> None:
    # Swagger UI refuses a schema with a repeated key ("duplicated mapping key"): a response added
    # as "401" beside ninja's own 401 printed it twice.
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    for _ in range(2):  # the schema is built once and kept: a second answer is the same
        json.loads(client.get("/api/openapi.json").content, object_pairs_hook=unique)
