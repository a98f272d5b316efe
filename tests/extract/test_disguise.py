"""The disguises of tests/extract/disguise.py carry a document's words, and its tables, unchanged.

Why: test_variants blames the engine when a disguised copy scores worse than the plain text,
which is only fair if the disguise lost nothing. Every disguise of every gold document is read
back here with the codecs, python-docx, openpyxl and pdfplumber directly (not through duban),
and each rebuilt table is held against the flattened cells it came from and against the gold's
row numbers, so a table spec cannot drift from its document.
"""

from __future__ import annotations

import html
import io
import re

import disguise
import docx
import openpyxl
import pdfplumber
import pytest
from corpus_paths import GoldDocument, gold_documents, require
from disguise import LEFT, UP, TableSpec
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

DOCS = gold_documents()
TABLE_DOCS = [d for d in DOCS if d.stem in disguise.TABLE_SPECS]
CASES = [
    pytest.param(doc, name, id=f"{doc.stem}-{name}")
    for doc in DOCS
    for name in disguise.variants_for(doc.stem)
]

# The words a disguise holds where they are not just the document's (whitespace aside).
ADDED = {
    "flat-space": lambda t: disguise.NAV + t + disguise.FOOTER,
    "halfwidth": lambda t: t.translate(disguise.HALF_WIDTH),
    "crlf-gb18030": lambda t: disguise.BANNER + t,
    "html-gb2312": lambda t: disguise.PAGE_TITLE + disguise.NAV + t + disguise.FOOTER,
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_back(suffix: str, data: bytes) -> str:
    """The words of a disguised file, in order; each merged table cell once."""
    if suffix == ".txt":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030")
    if suffix == ".html":
        return html.unescape(re.sub(r"<[^>]*>", "\n", data.decode("gbk")))
    if suffix == ".docx":
        out = []
        for block in docx.Document(io.BytesIO(data)).iter_inner_content():
            if isinstance(block, DocxParagraph):
                out.append(block.text)
            else:
                out.extend(text for text, origin in docx_grid(block) if origin)
        return "\n".join(out)
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert suffix == ".pdf", suffix
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def docx_grid(table: DocxTable) -> list[tuple[str, bool]]:
    """Every grid position of a Word table as (text, whether a cell starts there), row by row."""
    rows = [[cell._tc for cell in row.cells] for row in table.rows]  # the elements: merged cells share one
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    return [
        (texts[r][c], not ((c and tc is row[c - 1]) or (r and tc is rows[r - 1][c])))
        for r, row in enumerate(rows)
        for c, tc in enumerate(row)
    ]


def test_it_has_a_gold_document_for_each_table_spec() -> None:
    """Skips beside a checkout without ../shared, fails on CI; a renamed document fails here."""
    assert disguise.TABLE_SPECS.keys() <= {d.stem for d in require(DOCS)}


@pytest.mark.parametrize(("doc", "variant"), CASES)
def test_it_carries_every_word_of_the_document(doc: GoldDocument, variant: str) -> None:
    text = doc.text()
    suffix, data = disguise.disguised(doc.stem, variant, text)
    expected = ADDED.get(variant, lambda t: t)(text)
    assert squash(read_back(suffix, data)) == squash(expected)


@pytest.mark.parametrize("doc", TABLE_DOCS, ids=[d.stem for d in TABLE_DOCS])
def test_it_rebuilds_the_table_from_exactly_the_flattened_cells(doc: GoldDocument) -> None:
    text = doc.text()
    spec = disguise.TABLE_SPECS[doc.stem]
    table = disguise.rebuild_table(text, spec)
    flattened = [p for _, _, p in disguise.paragraphs(text)]
    before = [p for _, _, p in disguise.paragraphs(table.before)]
    assert before + table.cell_texts() == flattened
    assert {len(row) for row in table.rows} == {len(spec.header)}
    numbers = [row[spec.item[0]] for row in table.rows if row[spec.item[0]].isdigit()]
    annex = [str(t["id"]).removeprefix("附件.") for t in doc.gold()["tasks"]]
    assert numbers == [n for n in annex if n.isdigit()]


@pytest.mark.parametrize("doc", TABLE_DOCS, ids=[d.stem for d in TABLE_DOCS])
def test_it_writes_the_table_into_word_with_the_merged_cells_merged(doc: GoldDocument) -> None:
    table = disguise.rebuild_table(doc.text(), disguise.TABLE_SPECS[doc.stem])
    document = docx.Document(io.BytesIO(disguise.docx_table(table)[1]))
    (written,) = document.tables
    got = docx_grid(written)
    want = [(cell, cell not in (UP, LEFT)) for row in table.rows for cell in row]
    assert [origin for _, origin in got] == [origin for _, origin in want]
    assert [text for text, origin in got if origin] == [text for text, origin in want if origin]
    assert [p.text for p in document.paragraphs] == disguise.lines(table.before)


@pytest.mark.parametrize("doc", TABLE_DOCS, ids=[d.stem for d in TABLE_DOCS])
def test_it_writes_the_table_into_a_sheet_below_the_text_with_the_merged_cells_merged(
    doc: GoldDocument,
) -> None:
    table = disguise.rebuild_table(doc.text(), disguise.TABLE_SPECS[doc.stem])
    sheet = openpyxl.load_workbook(io.BytesIO(disguise.xlsx_table(table)[1])).active
    assert sheet is not None
    above = disguise.lines(table.before)
    values = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in values[: len(above)]] == above
    width = len(table.rows[0])
    want = [tuple(None if c in (UP, LEFT) or not c else c for c in row) for row in table.rows]
    assert [row[:width] for row in values[len(above) :]] == want
    merged = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges}
    spans = disguise.spans(table.rows)
    assert merged == {
        (top + len(above) + 1, left + 1, bottom + len(above) + 1, right + 1)
        for top, left, bottom, right in spans
    }


# --- the rebuild and the formats on small texts -------------------------------------------------

ACTIONS = TableSpec(
    header=("任务类型", "序号", "工作任务", "推进单位"),
    item=(1, 2, 3),
    group=r"行动[一二三]：.+",
    subtypes=frozenset({"旧区改造", "公共空间"}),
    subtype_column=0,
    shared_last=True,
)
ACTIONS_TEXT = "\n\n".join(
    ["附件", "任务类型", "序号", "工作任务", "推进单位",
     "行动一：安居", "旧区改造", "1", "完成旧里改造", "区房管局、各街镇", "2", "推进成套改造",
     "公共空间", "3", "改造口袋公园",
     "行动二：焕新", "4", "推进园区更新", "区商务委"]
)  # fmt: skip  # the document's cells, a table row a line


def test_it_rebuilds_groups_spanning_type_cells_and_unit_cells_shared_with_the_row_above() -> None:
    table = disguise.rebuild_table(ACTIONS_TEXT, ACTIONS)
    assert table.before.strip() == "附件"
    assert table.rows == (
        ("任务类型", "序号", "工作任务", "推进单位"),
        ("行动一：安居", LEFT, LEFT, LEFT),
        ("旧区改造", "1", "完成旧里改造", "区房管局、各街镇"),
        (UP, "2", "推进成套改造", UP),
        ("公共空间", "3", "改造口袋公园", UP),
        ("行动二：焕新", LEFT, LEFT, LEFT),
        ("", "4", "推进园区更新", "区商务委"),
    )


def test_it_refuses_a_paragraph_that_fits_no_row() -> None:
    with pytest.raises(ValueError, match="fits no row"):
        disguise.rebuild_table(ACTIONS_TEXT.replace("各街镇\n\n", "各街镇\n\n备注\n\n"), ACTIONS)


def test_it_refuses_a_row_without_units_right_after_a_group_row() -> None:
    with pytest.raises(ValueError, match="row 4"):
        disguise.rebuild_table(ACTIONS_TEXT.removesuffix("\n\n区商务委"), ACTIONS)


SAMPLE = "关于印发分解方案的通知\n\n一、加强领导（牵头单位：市委办；配合单位：市政府办）。\n  二、强化督查——按月通报。\n"


def test_it_flattens_between_the_sites_navigation_and_footer() -> None:
    suffix, data = disguise.flat_space(SAMPLE)
    assert (suffix, data.decode()) == (
        ".txt",
        f"{disguise.NAV} 关于印发分解方案的通知 一、加强领导（牵头单位：市委办；配合单位：市政府办）。"
        f" 二、强化督查——按月通报。 {disguise.FOOTER}",
    )
    assert (
        disguise.flat_none(SAMPLE)[1].decode()
        == "关于印发分解方案的通知一、加强领导（牵头单位：市委办；配合单位：市政府办）。二、强化督查——按月通报。"
    )


def test_it_writes_crlf_gb18030_after_the_database_banner() -> None:
    suffix, data = disguise.crlf_gb18030(SAMPLE)
    assert suffix == ".txt"
    assert data.count(b"\n") == data.count(b"\r\n") == SAMPLE.count("\n") + 2
    assert data.decode("gb18030").startswith("【法宝引证码】CLI.12.000000\r\n原文链接：")


def test_it_writes_a_gb2312_labelled_page_in_the_gbk_bytes_such_pages_hold() -> None:
    suffix, data = disguise.html_gb2312(SAMPLE)
    assert suffix == ".html"
    assert b'content="text/html; charset=gb2312"' in data
    assert "——".encode("gbk") == b"\xa1\xaa\xa1\xaa" and b"\xa1\xaa\xa1\xaa" in data
    assert "<p>二、强化督查——按月通报。</p>" in data.decode("gbk")


def test_it_makes_halfwidth_punctuation_only() -> None:
    assert disguise.halfwidth(SAMPLE)[1].decode() == SAMPLE.translate(
        {ord("（"): "(", ord("）"): ")", ord("："): ":", ord("，"): ",", ord("；"): ";"}
    )


def test_it_wraps_pdf_lines_within_the_page() -> None:
    line = "为全面落实市委、市政府关于城市更新行动的决策部署，" * 6
    pieces = disguise.wrap(line, 300)
    assert "".join(pieces) == line and len(pieces) > 3
    widths = [disguise.pdfmetrics.stringWidth(p, disguise.PDF_FONT, disguise.PDF_SIZE) for p in pieces]
    assert max(widths) <= 300 < min(widths[:-1]) + disguise.PDF_SIZE
