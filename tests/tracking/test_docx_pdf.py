"""Tracking's official documents (the 通报 draft and the 督办通知单) as the office prints them:
downloaded from their pages, rendered to PDF by LibreOffice and measured (tests/office/pdf.py):
A4, "— N —" on every page's outer side, every paragraph and table cell in the PDF's text, nothing
outside the 版心; the notice on one page, signed by the issuing office with its date."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pdfplumber
from docx import Document

from duban.accounts.models import User
from duban.plans.actions import do_confirm_import, do_upload_document
from duban.tracking.actions.periods import do_create_periods
from duban.tracking.models import Frequency
from duban.units.models import Unit
from office.pdf import problems, render

from . import test_views as shared
from .test_views import client_for, url

people, world = shared.people, shared.world


def pages(pdf: Path) -> int:
    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


def test_it_prints_the_circular_and_the_notice_on_a4_with_nothing_lost(
    people: dict[str, User | None], world: dict[str, Any], tmp_path: Path
) -> None:
    client = client_for(people["manager"])
    data = {
        "circular": client.get(url("period_docx", world)).content,
        "notice": client.get(url("order_docx", world)).content,
    }
    pdfs = render(data, tmp_path)
    assert problems(data["circular"], pdfs["circular"]) == []
    assert problems(data["notice"], pdfs["notice"]) == []
    assert pages(pdfs["notice"]) == 1


def test_it_signs_the_notice_with_the_issuing_office_and_date(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    doc = Document(io.BytesIO(client_for(people["manager"]).get(url("order_docx", world)).content))
    paragraphs = [p.text for p in doc.paragraphs]
    serial = world["order"].serial
    assert paragraphs[:3] == ["督办通知单", serial, "区委政法委、区公安分局："]  # title, 文号, 主送
    # The issuing manager has no unit and the plan names no issuer: the office's usual name.
    assert paragraphs[-2:] == ["督查室", "2025年3月1日"]


def test_it_signs_the_notice_with_the_issuers_unit_when_it_has_one(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    manager = people["manager"]
    assert manager is not None
    manager.unit = Unit.objects.create(name="区委督查室")
    manager.save(update_fields=["unit"])
    doc = Document(io.BytesIO(client_for(manager).get(url("order_docx", world)).content))
    assert [p.text for p in doc.paragraphs][-2:] == ["区委督查室", "2025年3月1日"]


# 60 towns, each leading one task: the circular's tables run over several pages.
TOWNS = [x + y + "镇" for x in "青白金石黄龙凤桃" for y in "山河溪湖桥林岗塘"][:60]
BIG_PLAN = (
    "XX市平安建设任务分解方案\n一、基层治理\n"
    + "".join(f"{i}、完善网格化管理，提高网格员配备率。（{n}牵头）\n" for i, n in enumerate(TOWNS, 1))
).encode()


def test_it_prints_a_long_circular_over_pages_with_the_table_headers_repeated(
    users: dict[str, User], tmp_path: Path
) -> None:
    manager = users["manager"]
    plan = do_confirm_import(
        do_upload_document("big.txt", BIG_PLAN, acting_user=manager), {}, acting_user=manager
    )
    plan.date = dt.date(2025, 1, 1)  # the periods of 2025 start from the plan's date
    plan.save(update_fields=["date"])
    period = do_create_periods(plan, 2025, Frequency.QUARTERLY, 10, acting_user=manager)[0]
    data = client_for(manager).get(f"/tracking/periods/{period.pk}/circular.docx").content
    pdf = render({"circular": data}, tmp_path)["circular"]
    assert problems(data, pdf) == []
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 3
        # The units' table starts on page 1 and goes on: its header opens each later page it
        # reaches (the list of tasks nobody reports, in prose, may follow it).
        later = [page.extract_tables() for page in doc.pages[1:]]
        assert later[0], "the units' table goes on to page 2"
        for tables in later:
            if tables:
                assert tables[0][0][:2] in (["单位", "应报"], ["单位", "未报送数"])
