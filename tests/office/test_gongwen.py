"""The page of an official document (duban.office.gongwen, GB/T 9704), read back from the .docx's
XML: A4 and the 版心, the type of title, headings and body, the page numbers, the 落款, the font
table's fallbacks, and table columns as wide as their text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, Twips

from duban.office import gongwen as gw
from duban.office.docx import BODY_FONT, HEADING_FONT, TITLE_FONT, column_widths, document_bytes, em_width


def reopen(doc: Any) -> Any:
    return Document(io.BytesIO(document_bytes(doc)))


def east_asian(run: Any) -> str | None:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def spacing(run: Any) -> int:
    return int(run._element.rPr.find(qn("w:spacing")).get(qn("w:val")))


def test_it_lays_the_page_out_on_a4_with_the_gbt_9704_margins() -> None:
    section = reopen(gw.official_document()).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm, 1) for m in margins] == [37, 35, 28, 26]
    text_width = section.page_width - section.left_margin - section.right_margin
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert (round(Emu(text_width).mm), round(Emu(text_height).mm)) == (156, 225)  # the 版心


def test_it_fits_22_lines_of_28_characters_of_3hao_into_the_text_block() -> None:
    line_pt, char_pt = gw.LINE_TWIPS / 20, gw.BODY_PT + gw.CHAR_SPACING / 20
    width_pt, height_pt = 156 / 25.4 * 72, 225 / 25.4 * 72
    assert 22 * line_pt <= height_pt < 23 * line_pt
    assert 28 * char_pt <= width_pt < 29 * char_pt


def test_it_writes_the_title_headings_and_body_in_their_typefaces_and_sizes() -> None:
    doc = gw.official_document()
    gw.title(doc, "关于2025年第一季度落实情况的通报")
    gw.heading(doc, "一、总体情况")
    gw.body(doc, "各单位均已报送。")
    title, heading, body = reopen(doc).paragraphs
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian(title.runs[0]) == TITLE_FONT == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22) and not title.runs[0].font.bold  # 2号, the face is heavy itself
    assert title.paragraph_format.space_after == Twips(gw.LINE_TWIPS)  # a blank line under it
    assert east_asian(heading.runs[0]) == HEADING_FONT == "黑体" and heading.runs[0].font.size == Pt(16)
    assert east_asian(body.runs[0]) == BODY_FONT == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    for p in (heading, body):
        assert p.paragraph_format.first_line_indent == Pt(2 * gw.CHAR_PT)  # two characters
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    for p in (title, heading, body):
        assert p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert p.paragraph_format.line_spacing == Twips(579)
        assert spacing(p.runs[0]) == -5


def test_it_marks_the_text_as_chinese_and_adds_no_space_around_digits() -> None:
    normal = reopen(gw.official_document()).styles["Normal"]
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        assert normal.element.pPr.find(qn(tag)).get(qn("w:val")) == "0"
    tags = [el.tag for el in normal.element.pPr]
    assert tags.index(qn("w:autoSpaceDN")) < tags.index(qn("w:spacing"))  # the schema's order


def footer_text(paragraph: Any) -> str:
    return "".join(t.text for t in paragraph._p.iter(qn("w:t")))


def test_it_numbers_pages_in_the_official_style_on_the_outer_side() -> None:
    doc = reopen(gw.official_document())
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = doc.sections[0].footer.paragraphs[0], doc.sections[0].even_page_footer.paragraphs[0]
    for p in (odd, even):
        assert footer_text(p) == "— 1 —"
        assert [el.text.strip() for el in p._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert {east_asian(r) for r in p.runs} == {"宋体"} and {r.font.size for r in p.runs} == {Pt(14)}
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and odd.paragraph_format.right_indent == Pt(14)
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent == Pt(14)


def test_it_puts_the_page_numbers_dash_7_mm_under_the_text_block() -> None:
    section = reopen(gw.official_document()).sections[0]
    middle_of_number_line = section.footer_distance + Pt(gw.PAGE_NUMBER_LINE_PT / 2)
    assert round(Emu(section.bottom_margin - middle_of_number_line).mm, 1) == 7.0


def font_table(data: bytes) -> dict[str, dict[str, str]]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/fontTable.xml"))
    return {
        f.get(qn("w:name")): {child.tag.split("}")[1]: child.get(qn("w:val")) for child in f}
        for f in root.iter(qn("w:font"))
    }


def test_it_names_what_word_takes_where_the_official_typefaces_are_missing() -> None:
    fonts = font_table(document_bytes(gw.official_document()))
    assert fonts["仿宋_GB2312"]["altName"] == "仿宋" and fonts["仿宋_GB2312"]["charset"] == "86"
    assert fonts["方正小标宋简体"]["altName"] == "宋体"
    assert "Calibri" in fonts  # the template's own entries stay


@pytest.mark.parametrize(
    ("office", "right_em"),
    [
        # The office (11 em) longer than the date (6 em: "2025年3月1日") and two: the office ends
        # two characters in, the date five in, so it starts two characters after the office.
        ("XX区委政法委员会督查室", (2.0, 5.0)),
        # The date the longer: it ends two in; the office (3 em) moves left to start two
        # characters before the date.
        ("督查室", (7.0, 2.0)),
    ],
)
def test_it_signs_with_the_office_and_date_as_gbt_9704_places_them(
    office: str, right_em: tuple[float, float]
) -> None:
    doc = gw.official_document()
    gw.signature(doc, office, dt.date(2025, 3, 1))
    name, date = reopen(doc).paragraphs
    assert (name.text, date.text) == (office, "2025年3月1日")
    assert name.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert name.paragraph_format.space_before == Twips(gw.LINE_TWIPS)  # a blank line above
    got = (
        name.paragraph_format.right_indent.pt / gw.CHAR_PT,
        date.paragraph_format.right_indent.pt / gw.CHAR_PT,
    )
    assert got == pytest.approx(right_em, abs=0.01)
    # The date's first character two characters right of the office's.
    name_start = got[0] + em_width(office)
    date_start = got[1] + em_width("2025年3月1日")
    assert name_start - date_start == pytest.approx(2)


def test_it_sizes_columns_by_their_text_when_everything_fits() -> None:
    widths = column_widths(
        ("单位", "应报"), [("区委政法委", 1), ("区司法局", 12)], size_pt=10.5, total_mm=156
    )
    assert sum(widths) == pytest.approx(156)
    # Each its longest line and half an em to spare, then the spare width shared in proportion.
    assert widths[0] / widths[1] == pytest.approx((5.5 * 3.704 + 3.81) / (2.5 * 3.704 + 3.81), rel=0.01)


def test_it_levels_the_widest_columns_when_the_text_does_not_fit() -> None:
    rows = [("督〔2025〕1号", "蓝色", "长" * 80, "区委政法委、区公安分局、区民政局", "2025-03-10")]
    widths = column_widths(("编号", "级别", "任务", "督办单位", "回复期限"), rows, size_pt=10.5, total_mm=156)
    assert sum(widths) == pytest.approx(156)
    number, level, task, units, deadline = widths
    assert task == pytest.approx(units) and task > number > level  # the two long ones share alike
    em = 10.5 / 72 * 25.4
    assert deadline >= 5 * em  # "2025-03-10" never breaks
    assert level == pytest.approx(2.5 * em + 2 * 108 / 1440 * 25.4)  # as wide as its text


def test_it_never_makes_a_column_narrower_than_a_number_it_holds() -> None:
    rows = [("甲" * 200, "1234567890123456", "乙" * 200)]
    widths = column_widths(("说明", "编号", "备注"), rows, size_pt=10.5, total_mm=156)
    assert widths[1] >= 8 * 10.5 / 72 * 25.4
    assert sum(widths) == pytest.approx(156)


def test_it_writes_a_table_across_the_text_block_with_its_header_repeated() -> None:
    doc = gw.official_document()
    gw.table(doc, ("单位", "应报"), [("区司法局", 1), ("区委政法委", None)])
    table = reopen(doc).tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["单位", "应报"],
        ["区司法局", "1"],
        ["区委政法委", ""],
    ]
    assert round(sum(c.width.mm for c in table.rows[0].cells)) == 156
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    cell = table.rows[1].cells[0].paragraphs[0]
    assert cell.paragraph_format.line_spacing == 1.0  # not the body's exact lines
