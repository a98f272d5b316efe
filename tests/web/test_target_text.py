"""A target is printed one way everywhere (duban.office.text.target_text): the import preview,
the plan page, the task page, a unit's 责任清单, the stored target's str() and the Excel, CSV and
Word exports."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from duban.accounts.models import User
from duban.plans.actions import do_upload_document
from duban.plans.models import Plan

from .test_exports import csv_rows, docx_texts, get, unit_pk, xlsx_rows
from .test_unit_views import import_plan

PLAN = (
    "XX区平安建设任务分解方案\n一、基层治理\n"
    "1、完善网格化管理，到2025年网格覆盖率达100%。（区委政法委牵头，区民政局、区公安分局配合）\n"
    "2、提升群众安全感，到2025年群众安全感满意率比2020年提高5个百分点以上。（区公安分局牵头，区民政局配合）\n"
    "3、严厉打击刑事犯罪，到2025年命案发案率比2020年下降10%以上。（区公安分局牵头，区司法局配合）\n"
).encode()
# A level to reach, a relative increase and a relative decrease.
TARGETS = [
    "网格覆盖率≥100%（2025年）",
    "群众安全感满意率增长≥5个百分点（2025年）",
    "命案发案率下降≥10%（2025年）",
]


@pytest.fixture
def plan(users: dict[str, User]) -> Plan:
    return import_plan(users["manager"], "targets.txt", PLAN)


def excel_targets(data: bytes) -> list[str]:
    rows = xlsx_rows(data)
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    column = rows[header].index("量化目标")
    return [line for r in rows[header + 1 :] if r[column] for line in str(r[column]).split("\n")]


def page_text(user: User, url: str) -> str:
    response = get(user, url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def shown_on(surface: str, users: dict[str, User], plan: Plan) -> str:
    manager = users["manager"]
    if surface == "plan page":
        return page_text(manager, reverse("plans:detail", args=[plan.pk]))
    if surface == "task pages":
        return "".join(page_text(manager, reverse("plans:task", args=[t.pk])) for t in plan.tasks.all())
    if surface == "unit page":  # 区公安分局 leads tasks 2 and 3 and joins task 1
        return page_text(users["admin"], f"/units/{unit_pk('区公安分局')}/")
    if surface == "import preview":
        draft = do_upload_document("again.txt", PLAN, acting_user=manager)
        return page_text(manager, reverse("plans:import_preview", args=[draft.pk]))
    if surface == "str(Target)":  # the bulk-entry template and the assessment scheme page print it
        return "\n".join(str(t) for task in plan.tasks.all() for t in task.targets.all())
    if surface == "csv":
        return "\n".join(r[7] for r in csv_rows(get(manager, f"/exports/plan/{plan.pk}.csv").content)[1:])
    assert surface == "docx"
    return "\n".join(
        c for row in docx_texts(get(manager, f"/exports/plan/{plan.pk}.docx").content) for c in row
    )


def test_it_exports_each_target_to_excel_in_the_one_printed_form(users: dict[str, User], plan: Plan) -> None:
    assert excel_targets(get(users["manager"], f"/exports/plan/{plan.pk}.xlsx").content) == TARGETS


@pytest.mark.parametrize(
    "surface", ["plan page", "task pages", "unit page", "import preview", "str(Target)", "csv", "docx"]
)
def test_it_prints_each_target_as_the_excel_export_does(
    users: dict[str, User], plan: Plan, surface: str
) -> None:
    excel = excel_targets(get(users["manager"], f"/exports/plan/{plan.pk}.xlsx").content)
    shown = shown_on(surface, users, plan)
    assert [t for t in excel if t in shown] == excel


def test_it_never_spaces_the_comparator_on_the_plan_page(users: dict[str, User], plan: Plan) -> None:
    shown = shown_on("plan page", users, plan)
    assert " ≥ " not in shown and "提高≥" not in shown
