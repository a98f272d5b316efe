"""Official documents made with duban.office.gongwen, printed to PDF by LibreOffice and measured:
A4 pages, 22 lines of 28 characters of body text a page, "— N —" on the outer side of every
page, a wide table kept inside the 版心 with every cell's text in the PDF, the 落款 where GB/T
9704 puts it. (The documents duban hands out are rendered by their own apps' tests.)"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from duban.office import gongwen as gw
from duban.office.docx import document_bytes

from .pdf import PT_PER_MM, TEXT_BOX, problems, render

# Chinese characters without punctuation, so that no line-breaking rule moves one.
HANZI = "督办落实情况通报各单位工作任务推进考核"


def long_body() -> bytes:
    doc = gw.official_document()
    gw.title(doc, "关于落实情况的通报")
    for i in range(6):
        gw.body(doc, (HANZI * 40)[i : i + 300])
    return document_bytes(doc)


def wide_table() -> bytes:
    doc = gw.official_document()
    gw.title(doc, "各单位报送情况")
    headings = ("序号", "单位", "任务", "应报", "已报", "报送率", "报送截止", "说明")
    rows = [
        (
            i,
            f"第{i}街道办事处",
            "完善网格化管理，提高网格员配备率" * 3,
            12,
            10,
            "83.3%",
            "2025-04-10",
            "逾期未报送" * 2,
        )
        for i in range(1, 41)
    ]
    gw.table(doc, headings, rows)
    return document_bytes(doc)


def signed() -> bytes:
    doc = gw.official_document()
    gw.body(doc, "请于2025年3月11日前将办理情况书面回复。")
    gw.signature(doc, "宜阳县委政法委员会督查室", dt.date(2025, 3, 1))
    return document_bytes(doc)


DOCUMENTS = {"body": long_body, "table": wide_table, "signed": signed}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, Path]]:
    data = {name: make() for name, make in DOCUMENTS.items()}
    pdfs = render(data, tmp_path_factory.mktemp("gongwen"))
    return {name: (data[name], pdfs[name]) for name in data}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_it_prints_on_a4_inside_the_text_block_with_nothing_lost(
    rendered: dict[str, tuple[bytes, Path]], name: str
) -> None:
    data, pdf = rendered[name]
    assert problems(data, pdf) == []


def body_lines(page: Any) -> list[str]:
    """The lines of text inside the 版心, top to bottom."""
    bottom = TEXT_BOX[3]
    rows: dict[int, list[Any]] = {}
    for c in page.chars:
        if c["top"] < bottom and c["text"].strip():
            rows.setdefault(round(c["top"]), []).append(c)
    return ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for _, row in sorted(rows.items())]


def test_it_sets_22_lines_of_28_characters_a_page(rendered: dict[str, tuple[bytes, Path]]) -> None:
    _, pdf = rendered["body"]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 3
        second = body_lines(doc.pages[1])  # a page of body text only
    assert len(second) == 22
    widths = Counter(len(line) for line in second)
    # Every full line holds 28; a paragraph's first line 26 after its two-character indent, its
    # last line what is left.
    assert widths.most_common(1)[0][0] == 28
    assert max(widths) == 28


def test_it_numbers_every_page_on_its_outer_side(rendered: dict[str, tuple[bytes, Path]]) -> None:
    data, pdf = rendered["body"]
    assert problems(data, pdf) == []  # "— N —", odd pages right, even left (pdf.problems)
    with pdfplumber.open(pdf) as doc:
        for i, page in enumerate(doc.pages, start=1):
            footer = [c for c in page.chars if c["top"] > TEXT_BOX[3]]
            dash = next(c for c in footer if c["text"] == "—")
            # GB/T 9704: the dash 7 mm under the 版心 (its glyph box's middle, within a millimetre).
            middle = (dash["top"] + dash["bottom"]) / 2
            assert abs(middle - TEXT_BOX[3] - 7 * PT_PER_MM) < 1.5 * PT_PER_MM, (i, middle)
            # One character (4号, 14 pt) in from the 版心's outer edge.
            if i % 2:
                assert abs(TEXT_BOX[2] - 14 - max(c["x1"] for c in footer)) < 2, i
            else:
                assert abs(TEXT_BOX[0] + 14 - min(c["x0"] for c in footer)) < 2, i


def test_it_repeats_the_header_row_on_every_page_of_a_long_table(
    rendered: dict[str, tuple[bytes, Path]],
) -> None:
    _, pdf = rendered["table"]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 2
        for page in doc.pages:
            first = page.extract_tables()[0][0]
            assert first[:3] == ["序号", "单位", "任务"]


def test_it_places_the_signature_as_gbt_9704_does(rendered: dict[str, tuple[bytes, Path]]) -> None:
    _, pdf = rendered["signed"]
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        lines = [
            sorted(
                (c for c in page.chars if c["top"] < TEXT_BOX[3] and round(c["top"]) == top),
                key=lambda c: c["x0"],
            )
            for top in sorted({round(c["top"]) for c in page.chars if c["top"] < TEXT_BOX[3]})
        ]
    office, date = lines[-2], lines[-1]
    assert "".join(c["text"] for c in office) == "宜阳县委政法委员会督查室"
    assert "".join(c["text"] for c in date) == "2025年3月1日"
    char = gw.CHAR_PT
    # The office (12 characters) ends two characters from the 版心's right edge. The date (6
    # characters wide in 仿宋_GB2312: 4 + 2 half-width digits and 年月日) starts two characters
    # right of the office's first: so it ends 12 − 2 − 6 + 2 = 6 characters from the right edge.
    # (Measured at the right ends: LibreOffice, unlike Word, adds a little space between Chinese
    # and digits whatever the document says, which moves where the date starts.)
    assert abs(TEXT_BOX[2] - office[-1]["x1"] - 2 * char) < 2
    assert abs(TEXT_BOX[2] - date[-1]["x1"] - 6 * char) < 2
    assert office[0]["x0"] < date[0]["x0"]
    # And a blank line stands between the body and the office.
    assert office[0]["top"] - lines[-3][0]["top"] == pytest.approx(2 * gw.LINE_TWIPS / 20, abs=1.5)
