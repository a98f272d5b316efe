"""Word helpers (duban.office.docx): fonts that Chinese text really takes, paragraphs, tables,
shading, page numbers and the page of an official document, read back from the XML."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from duban.office.docx import (
    BODY_FONT,
    TABLE_FONT,
    clean,
    document_bytes,
    fix_widths,
    official_document,
    page_numbers,
    repeat_header,
    set_font,
    set_style_font,
    shade,
    word_paragraph,
    word_table,
)


def reopen(doc: Any) -> Any:
    return Document(io.BytesIO(document_bytes(doc)))


def east_asian(run: Any) -> str | None:
    fonts = run._element.rPr.rFonts
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_it_sets_the_east_asian_font_with_the_latin_one() -> None:
    doc = Document()
    run = doc.add_paragraph().add_run("通报")
    set_font(run, "黑体", 16)
    run = reopen(doc).paragraphs[0].runs[0]
    assert run.font.name == "黑体" and east_asian(run) == "黑体"
    assert run.font.size == Pt(16)


@pytest.mark.parametrize(("bold", "read_back"), [(None, None), (True, True), (False, False)])
def test_it_sets_the_weight_only_when_asked(bold: bool | None, read_back: bool | None) -> None:
    doc = Document()
    set_font(doc.add_paragraph().add_run("督办"), "宋体", 10.5, bold=bold)
    assert reopen(doc).paragraphs[0].runs[0].font.bold is read_back


def test_it_sets_a_styles_east_asian_font() -> None:
    doc = Document()
    set_style_font(doc.styles["Normal"], "宋体", 10.5)
    style = reopen(doc).styles["Normal"]
    assert style.font.name == "宋体" and style.font.size == Pt(10.5)
    assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_it_writes_an_indented_body_paragraph_and_a_centred_title() -> None:
    doc = official_document()
    word_paragraph(doc, "关于落实情况的通报", "方正小标宋简体", 22, bold=True, center=True)
    word_paragraph(doc, "各单位均已报送。", BODY_FONT, 16, indent=True)
    title, body = reopen(doc).paragraphs
    assert title.alignment == 1 and title.runs[0].font.bold  # WD_ALIGN_PARAGRAPH.CENTER
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters of 三号
    assert east_asian(body.runs[0]) == BODY_FONT


def test_it_writes_a_table_with_bold_headings_and_values_as_text() -> None:
    doc = official_document()
    word_table(doc, ("单位", "应报", "报送率"), [("区公安分局", 3, None), ("区\x0b司法局", 2.5, "50%")])
    table = reopen(doc).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["单位", "应报", "报送率"],
        ["区公安分局", "3", ""],
        ["区司法局", "2.5", "50%"],
    ]
    heading, value = (
        table.rows[0].cells[0].paragraphs[0].runs[0],
        table.rows[1].cells[0].paragraphs[0].runs[0],
    )
    assert heading.font.bold and not value.font.bold
    assert east_asian(value) == TABLE_FONT and value.font.size == Pt(10.5)


def test_it_gives_an_official_document_its_margins() -> None:
    section = reopen(official_document()).sections[0]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 2) for m in margins] == [3.7, 3.5, 2.8, 2.6]  # Word stores twips


def test_it_removes_characters_xml_forbids() -> None:
    assert clean("甲\x00乙\x0b丙\x1f丁\n戊\t己") == "甲乙丙丁\n戊\t己"


def test_it_shades_a_cell_before_its_vertical_alignment() -> None:
    doc = Document()
    cell = doc.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.vertical_alignment = 1  # w:vAlign first, as Word would reject w:shd after it
    shade(cell, "D9D9D9")
    tags = [el.tag for el in cell._tc.tcPr]
    assert tags.index(qn("w:shd")) < tags.index(qn("w:vAlign"))
    assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "D9D9D9"


def test_it_repeats_a_header_row_and_fixes_column_widths() -> None:
    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    repeat_header(table.rows[0])
    fix_widths(table, (20, 40))
    table = reopen(doc).tables[0]
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr.find(qn("w:tblHeader")) is not None and tr_pr.find(qn("w:cantSplit")) is not None
    assert [round(c.width.mm) for c in table.rows[1].cells] == [20, 40]  # Word stores twips


def test_it_numbers_pages_with_word_fields() -> None:
    doc = Document()
    page_numbers(doc.sections[0].footer.paragraphs[0])
    footer = reopen(doc).sections[0].footer.paragraphs[0]
    instructions = [el.text.strip() for el in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.replace("1", "X") == "第 X 页 共 X 页"
