"""The ranking and a unit's breakdown as Excel, and the assessment report as Word: they open with
openpyxl and python-docx and hold the figures of the results (conftest's assessment: A and B tied
at 22.40, C vetoed)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from duban.accounts.models import User
from duban.assessment.models import Assessment, Result
from duban.units.models import Unit

from .conftest import result


def get(user: User, url: str) -> Any:
    c = Client()
    c.force_login(user)
    response = c.get(url)
    assert response.status_code == 200
    return response


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def header_index(rows: list[tuple[Any, ...]], first: str) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == first)


def test_it_exports_the_ranking_with_every_units_figures(
    assessment: Assessment, users: dict[str, User]
) -> None:
    response = get(users["manager"], reverse("assessment:ranking_xlsx", args=[assessment.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    h = header_index(rows, "名次")
    head = rows[h]
    body = [dict(zip(head, r, strict=True)) for r in rows[h + 1 :] if r[0] is not None]
    by_unit = {r["单位"]: r for r in body}
    assert set(by_unit) == {"区公安分局", "区司法局", "区民政局"}
    for res in Result.objects.filter(assessment=assessment).select_related("unit"):
        row = by_unit[res.unit.name]
        assert (row["名次"], Decimal(str(row["原始总分"])), row["等次"]) == (res.rank, res.total, res.grade)
        assert Decimal(str(row["百分制得分"])) == res.score
        assert Decimal(str(row["扣分"])) == res.deductions
        for s in res.sections:
            assert Decimal(str(row[s["section"] or "其他"])) == Decimal(s["points"])
    assert [r["名次"] for r in body] == [1, 2, 3]
    assert by_unit["区民政局"]["一票否决"] == "发生重大群体性事件"


@pytest.mark.parametrize("unit", ["A", "B", "C"])
def test_it_exports_a_units_breakdown_line_by_line(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User], unit: str
) -> None:
    res = result(assessment, units[unit])
    rows = sheet_rows(get(users["manager"], reverse("assessment:result_xlsx", args=[res.pk])).content)
    h = header_index(rows, "部分")
    assert rows[h] == ("部分", "项目", "类型", "得分", "分值", "说明", "来源")
    body = [r for r in rows[h + 1 :] if r[1] is not None]
    lines = list(res.lines.order_by("order"))
    assert [r[1] for r in body] == [ln.label for ln in lines]
    assert [Decimal(str(r[3])) for r in body] == [ln.points for ln in lines]
    if not res.vetoed:
        assert sum((Decimal(str(r[3])) for r in body), Decimal(0)) == res.total
    assert all(r[6] for r in body)  # every line names where its points come from


def test_it_writes_the_assessment_report(assessment: Assessment, users: dict[str, User]) -> None:
    response = get(users["manager"], reverse("assessment:report_docx", args=[assessment.pk]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{assessment.scheme.name}情况报告" in text
    assert "本次考核共 3 个单位" in text and "被一票否决：区民政局" in text
    ranking, sections, deductions = doc.tables
    assert [c.text for c in ranking.rows[0].cells] == [
        "名次",
        "单位",
        "百分制得分",
        "原始总分",
        "扣分",
        "加分",
        "等次",
        "较上期",
    ]
    got = {r.cells[1].text: (r.cells[0].text, r.cells[2].text, r.cells[3].text) for r in ranking.rows[1:]}
    assert got == {
        "区公安分局": ("1", "77.24", "22.4 / 29"),
        "区司法局": ("2", "62.22", "22.4 / 36"),
        "区民政局": ("3", "0", "0 / 30"),
    }
    assert [r.cells[0].text for r in sections.rows[1:]][:2] == ["一、基础工作", "二、重点工作"]
    assert deductions.rows[1].cells[0].text == "重大安全事故"
    assert deductions.rows[1].cells[1].text == "-10"


@pytest.mark.parametrize("read_only", [False, True])
def test_a_script_downloads_the_ranking_and_report_with_an_api_token(
    assessment: Assessment, users: dict[str, User], read_only: bool
) -> None:
    from duban.tokens.actions import do_create_token

    _token, raw = do_create_token("考核下载", read_only=read_only, acting_user=users["manager"])
    by_token = Client().get(
        reverse("assessment:ranking_xlsx", args=[assessment.pk]), headers={"Authorization": f"Bearer {raw}"}
    )
    assert by_token.status_code == 200
    by_session = get(users["manager"], reverse("assessment:ranking_xlsx", args=[assessment.pk]))
    assert sheet_rows(by_token.content) == sheet_rows(by_session.content)
    report = Client().get(
        reverse("assessment:report_docx", args=[assessment.pk]), headers={"Authorization": f"Bearer {raw}"}
    )
    assert report.status_code == 200
    assert Document(io.BytesIO(report.content)).paragraphs
