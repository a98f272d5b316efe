"""duban.extract.read: every format to paragraphs and tables, and bad input to ExtractError.

Every fixture is made at test time by the real library that writes the format (python-docx,
openpyxl, xlwt, reportlab, msoffcrypto-tool), so no binary file is committed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import docx
import msoffcrypto.format.ooxml
import openpyxl
import pytest
import xlwt
from corpus_paths import on_ci
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from duban.extract import read
from duban.extract.document import Document, Paragraph, Table
from duban.extract.errors import ExtractError


def paragraphs(doc: Document) -> list[tuple[str, str]]:
    return [(b.text, b.where) for b in doc.blocks if isinstance(b, Paragraph)]


def tables(doc: Document) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def kinds(doc: Document) -> list[str]:
    return ["table" if isinstance(b, Table) else "paragraph" for b in doc.blocks]


# --- text files ------------------------------------------------------------------------------

TEXT = "关于朱镕基同志和王堃的通知\n\n一、加强领导\t市发展改革委\t2019年11月30日前\r\n二、强化督查\n"
TEXT_LINES = [
    ("关于朱镕基同志和王堃的通知", "line 1"),
    ("一、加强领导\t市发展改革委\t2019年11月30日前", "line 3"),
    ("二、强化督查", "line 4"),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-be"])
def test_it_decodes_text_files_in_each_chinese_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "方案.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert paragraphs(read.read_path(path)) == TEXT_LINES


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_it_detects_bom_less_utf16_by_its_nul_bytes(encoding: str) -> None:
    data = "2019年工作要点\r\n1. 完成 Task A\t市委办\r\n".encode(encoding)
    doc = read.read_bytes(data, filename="要点.txt")
    assert paragraphs(doc) == [("2019年工作要点", "line 1"), ("1. 完成 Task A\t市委办", "line 2")]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("臺灣省政府關於加強組織領導的通知，請各單位於十一月三十日前完成。", "big5"),
        ("Straße für Größe – “Plan” für 2019", "cp1252"),
    ],
)
def test_it_detects_other_encodings_instead_of_misreading_them_as_gbk(text: str, encoding: str) -> None:
    doc = read.read_bytes(text.encode(encoding), filename="其他编码.txt")
    assert paragraphs(doc) == [(text, "line 1")]


def test_it_keeps_tabs_and_real_line_numbers_and_strips_only_line_ends() -> None:
    data = "  第一行 \r\n\r\n   \n\t责任单位\t配合单位\t\n".encode()
    assert paragraphs(read.read_bytes(data, filename="a.txt")) == [
        ("  第一行 ", "line 1"),
        ("\t责任单位\t配合单位\t", "line 4"),
    ]


def test_it_refuses_binary_data_named_txt() -> None:
    with pytest.raises(ExtractError, match="not a text file") as info:
        read.read_bytes(bytes(range(256)) * 4, filename="乱码.txt")
    assert info.value.filename == "乱码.txt"


def test_it_refuses_text_it_cannot_decode_cleanly() -> None:
    # Control bytes that decode in no encoding as text.
    with pytest.raises(ExtractError, match=r"乱码\.txt: cannot tell the text encoding"):
        read.read_bytes(b"\x81\x01\x02\x03\x04\x05\x06\x07\x08" * 20, filename="乱码.txt")


def test_it_reads_text_given_as_a_string() -> None:
    doc = read.read_text("\ufeff一、目标\n\n二、任务\t市教委", name="<text>")
    assert doc.name == "<text>"
    assert paragraphs(doc) == [("一、目标", "line 1"), ("二、任务\t市教委", "line 3")]


def test_it_reads_csv_as_a_table_with_cell_addresses() -> None:
    data = '序号,任务,责任单位\n1,完善制度,"市发展改革委\n市财政局"\n'.encode("gb18030")
    (table,) = tables(read.read_bytes(data, filename="清单.csv"))
    assert table.rows == (("序号", "任务", "责任单位"), ("1", "完善制度", "市发展改革委\n市财政局"))
    assert table.cell_name(1, 2) == "C2"


# --- HTML ------------------------------------------------------------------------------------

GB_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>网站标题</title><script>var menu = "脚本";</script><style>p {color: red}</style></head>
<body>
<div class="top-menu"><a href="/">首页</a> <a href="/zw">政务公开</a></div>
<nav><ul><li>导航一</li><li>导航二</li></ul></nav>
<div id="breadcrumb">当前位置：首页 &gt; 通知</div>
<div class="article">
<h1>关于印发朱镕基同志讲话精神落实方案的通知</h1>
<p>各区人民政府、市政府各委、办、局：</p>
<p>&nbsp;&nbsp;现将方案印发给你们，<b>请认真</b>贯彻执行。</p>
<table border="1">
<tr><th>序号</th><th colspan="2">任务与要求</th><th>责任单位</th></tr>
<tr><td rowspan="2">1</td><td>加强领导</td><td><p>健全机制</p><p>按月调度</p></td><td>市发展改革委<br>市财政局</td></tr>
<tr><td>强化督查</td><td>季度通报</td><td>市政府办公厅</td></tr>
</table>
<p>联系人：王堃</p>
</div>
<div class="footer">版权所有：某某市人民政府 copyright 2019</div>
<div id="friendlinks"><table><tr><td><a href="/a">友情链接甲</a></td><td><a href="/b">友情链接乙</a></td></tr>
<tr><td><a href="/c">友情链接丙</a></td><td><a href="/d">友情链接丁</a></td></tr></table></div>
<footer>网站地图</footer>
</body></html>
"""


def test_it_reads_a_gb2312_declared_page_as_gb18030_without_navigation() -> None:
    doc = read.read_bytes(GB_PAGE.encode("gb18030"), filename="通知.html")
    assert paragraphs(doc) == [
        ("关于印发朱镕基同志讲话精神落实方案的通知", "paragraph 1"),
        ("各区人民政府、市政府各委、办、局：", "paragraph 2"),
        ("现将方案印发给你们，请认真贯彻执行。", "paragraph 3"),
        ("联系人：王堃", "paragraph 4"),
    ]
    assert kinds(doc) == ["paragraph", "paragraph", "paragraph", "table", "paragraph"]
    (table,) = tables(doc)
    assert table.where == "table 1"
    assert table.rows == (
        ("序号", "任务与要求", "任务与要求", "责任单位"),
        ("1", "加强领导", "健全机制\n按月调度", "市发展改革委\n市财政局"),
        ("1", "强化督查", "季度通报", "市政府办公厅"),
    )
    text = doc.text()
    for noise in ("首页", "导航", "当前位置", "版权", "网站地图", "脚本", "网站标题", "color", "友情链接"):
        assert noise not in text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('<meta charset="utf-8"><p>朱镕基</p>'.encode("gb18030"), "朱镕基"),  # declared wrong
        ('<meta charset="gbk"><p>王堃</p>'.encode("utf-8-sig"), "王堃"),  # a BOM beats the meta
        ('<?xml version="1.0" encoding="GB2312"?><html><p>朱镕基</p></html>'.encode("gb18030"), "朱镕基"),
        ('<meta charset="iso-8859-1"><p>市教委</p>'.encode(), "市教委"),  # a label that proves nothing
    ],
)
def test_it_decodes_pages_whose_declaration_is_wrong_or_overridden(data: bytes, expected: str) -> None:
    assert paragraphs(read.read_bytes(data, filename="页面.html")) == [(expected, "paragraph 1")]


def test_it_reads_a_bare_fragment() -> None:
    fragment = (
        "<p>一、加强领导</p><table><tr><td>任务</td><td>单位</td></tr>"
        "<tr><td>完善制度</td><td>市教委</td></tr></table>二、强化督查"
    )
    doc = read.read_bytes(fragment.encode(), filename="片段.htm")
    assert paragraphs(doc) == [("一、加强领导", "paragraph 1"), ("二、强化督查", "paragraph 2")]
    assert tables(doc)[0].rows == (("任务", "单位"), ("完善制度", "市教委"))


def test_it_reads_a_one_line_scraped_page() -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body><div id="header"><a>首页</a><a>机构</a></div>'
        '<div class="nav">导航栏</div><div class="content"><div class="title">重点任务分解方案</div>'
        "<div>一、目标任务<br/>到2020年，调处成功率达95%。</div><div>二、保障措施</div></div>"
        '<div class="share">分享到：微信</div><div id="footer">主办单位：某市政府</div></body></html>'
    )
    doc = read.read_bytes(page.encode(), filename="page.html")
    assert [text for text, _ in paragraphs(doc)] == [
        "重点任务分解方案",
        "一、目标任务",
        "到2020年，调处成功率达95%。",
        "二、保障措施",
    ]


def test_it_puts_a_nested_table_into_its_cell_and_turns_nbsp_into_spaces() -> None:
    page = (
        "<table><tr><td>任务</td><td>指标</td></tr>"
        "<tr><td>控烟&nbsp;工作</td><td><table><tr><td>指标</td><td>目标值</td></tr>"
        "<tr><td>吸烟率</td><td>20%</td></tr></table></td></tr></table>"
    )
    (table,) = tables(read.read_bytes(page.encode(), filename="t.html"))
    assert table.rows == (("任务", "指标"), ("控烟 工作", "指标 目标值\n吸烟率 20%"))


def test_it_reads_tables_whose_cells_are_never_closed() -> None:
    page = "<table><tr><td>任务<td>单位<tr><td>完善制度<td>市教委</table>"
    (table,) = tables(read.read_bytes(page.encode(), filename="t.html"))
    assert table.rows == (("任务", "单位"), ("完善制度", "市教委"))


def test_it_reads_a_page_laid_out_with_a_one_column_table_as_paragraphs() -> None:
    page = "<table><tr><td><p>一、目标</p><p>二、任务</p></td></tr><tr><td>三、保障</td></tr></table>"
    doc = read.read_bytes(page.encode(), filename="layout.html")
    assert [text for text, _ in paragraphs(doc)] == ["一、目标", "二、任务", "三、保障"]
    assert tables(doc) == []


def test_it_reads_preformatted_lines_hidden_elements_and_captions() -> None:
    page = (
        "<pre>一、目标\t市教委\n\n二、任务</pre><div style='display: none'>隐藏</div>"
        "<table><caption>表1 任务分解表</caption><tr><td>任务</td><td>单位</td></tr>"
        "<tr><td>督查</td><td>市委办</td></tr></table>"
    )
    doc = read.read_bytes(page.encode(), filename="pre.html")
    assert [text for text, _ in paragraphs(doc)] == ["一、目标\t市教委", "二、任务", "表1 任务分解表"]
    assert kinds(doc) == ["paragraph", "paragraph", "paragraph", "table"]


def test_it_keeps_an_asp_net_form_that_wraps_the_whole_page() -> None:
    page = '<body><form id="form1"><p>一、加强领导，完善工作机制，确保各项任务按期完成。</p></form></body>'
    doc = read.read_bytes(page.encode(), filename="aspx.html")
    assert [text for text, _ in paragraphs(doc)] == ["一、加强领导，完善工作机制，确保各项任务按期完成。"]


# --- docx ------------------------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("关于印发重点任务分解方案的通知")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["序号", "任务", "责任单位"], ["1", "完善制度", "市发展改革委"], ["2", "加强督查", ""]]
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2))  # horizontal: 任务 spans two columns
    table.cell(0, 1).text = "任务及单位"
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical: 市发展改革委 covers two rows
    table.cell(1, 2).text = "市发展改革委"
    table.cell(1, 2).add_paragraph("市财政局")
    document.add_paragraph("")
    document.add_paragraph("二、强化督促检查，于2019年11月30日前完成。")
    document.save(str(path))
    return path


def test_it_reads_docx_paragraphs_and_tables_in_body_order(tmp_path: Path) -> None:
    doc = read.read_path(make_docx(tmp_path / "方案.docx"))
    assert doc.name == "方案.docx"
    assert kinds(doc) == ["paragraph", "table", "paragraph"]
    assert paragraphs(doc) == [
        ("关于印发重点任务分解方案的通知", "paragraph 1"),
        ("二、强化督促检查，于2019年11月30日前完成。", "paragraph 2"),
    ]
    (table,) = tables(doc)
    assert table.rows == (
        ("序号", "任务及单位", "任务及单位"),
        ("1", "完善制度", "市发展改革委\n市财政局"),
        ("2", "加强督查", "市发展改革委\n市财政局"),
    )
    assert table.cell_name(2, 1) == "table 1 row 3 column 2"


def test_it_keeps_text_in_word_smart_tags_and_hyperlinks(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("于")
    tag = OxmlElement("w:smartTag")
    tag.set(qn("w:uri"), "urn:schemas-microsoft-com:office:smarttags")
    tag.set(qn("w:element"), "chsdate")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2019年11月30日"
    run.append(text)
    tag.append(run)
    paragraph._p.append(tag)
    paragraph.add_run("前完成")
    document.save(str(tmp_path / "smart.docx"))
    assert paragraphs(read.read_path(tmp_path / "smart.docx")) == [("于2019年11月30日前完成", "paragraph 1")]


def test_it_refuses_a_password_protected_docx(tmp_path: Path) -> None:
    plain = make_docx(tmp_path / "plain.docx")
    locked = io.BytesIO()
    with plain.open("rb") as source:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("密码123", locked)
    with pytest.raises(ExtractError, match="password-protected") as info:
        read.read_bytes(locked.getvalue(), filename="加密.docx")
    assert "save an unprotected copy" in str(info.value)
    assert "加密.docx" in str(info.value)


# --- spreadsheets ----------------------------------------------------------------------------


def make_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "任务表"
    sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"] = "序号", "任务", "责任单位", "完成时限"
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"] = 1, "完善制度", "市发展改革委", date(2019, 11, 30)
    sheet["B4"], sheet["C4"], sheet["E4"] = 2.0, "加强督查", date(2020, 6, 30)
    sheet.merge_cells("D3:D4")
    sheet["B6"] = "合计"
    sheet.merge_cells("B6:C6")
    sheet["D6"] = 0.95
    sheet["D6"].number_format = "0%"
    sheet["E6"] = 18.0
    other = book.create_sheet("指标")
    other["A1"], other["B1"] = "指标", "目标值"
    other["A2"], other["B2"] = "调处成功率", 0.1 + 0.2
    hidden = book.create_sheet("下拉")
    hidden["A1"] = "隐藏的选项"
    hidden.sheet_state = "hidden"
    book.save(path)
    return path


def test_it_reads_each_xlsx_sheet_as_a_table_with_merges_repeated(tmp_path: Path) -> None:
    doc = read.read_path(make_xlsx(tmp_path / "清单.xlsx"))
    first, second = tables(doc)
    assert first.where == "sheet 任务表"
    assert first.rows == (
        ("序号", "任务", "责任单位", "完成时限"),
        ("1", "完善制度", "市发展改革委", "2019-11-30"),
        ("2", "加强督查", "市发展改革委", "2020-06-30"),
        ("", "", "", ""),
        ("合计", "合计", "95%", "18"),
    )
    assert first.cell_name(0, 0) == "任务表!B2"
    assert first.cell_name(2, 2) == "任务表!D4"
    assert second.rows == (("指标", "目标值"), ("调处成功率", "0.3"))
    assert second.cell_name(1, 1) == "指标!B2"
    assert "隐藏的选项" not in doc.text()


def test_it_reads_xls_with_merged_cells_and_dates(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("基础表")
    sheet.write(0, 0, "任务")
    sheet.write(0, 1, "责任单位")
    sheet.write(0, 2, "时限")
    sheet.write(1, 0, "完善制度")
    sheet.write_merge(1, 2, 1, 1, "市发展改革委")
    sheet.write(1, 2, date(2019, 11, 30), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    sheet.write(2, 0, "加强督查")
    sheet.write(2, 2, 18.0)
    book.save(str(tmp_path / "旧表.xls"))
    (table,) = tables(read.read_path(tmp_path / "旧表.xls"))
    assert table.rows == (
        ("任务", "责任单位", "时限"),
        ("完善制度", "市发展改革委", "2019-11-30"),
        ("加强督查", "市发展改革委", "18"),
    )
    assert table.cell_name(2, 1) == "基础表!B3"


def test_it_refuses_a_password_protected_xlsx(tmp_path: Path) -> None:
    plain = make_xlsx(tmp_path / "plain.xlsx")
    locked = io.BytesIO()
    with plain.open("rb") as source:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("密码123", locked)
    with pytest.raises(ExtractError, match="password-protected"):
        read.read_bytes(locked.getvalue(), filename="加密.xlsx")


# --- PDF -------------------------------------------------------------------------------------


def make_pdf(path: Path, *, encrypt: StandardEncryption | None = None) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    top = A4[1]
    page.setFont("STSong-Light", 14)
    page.drawString(72, top - 72, "关于印发重点任务分解方案的通知")
    page.drawString(72, top - 100, "一、加强组织领导，2019年11月30日前完成。")
    xs, ys = [72, 130, 330, 500], [top - 150, top - 180, top - 210, top - 240]
    for y in ys:
        page.line(xs[0], y, xs[-1], y)
    for x in xs:
        page.line(x, ys[0], x, ys[-1])
    page.setFont("STSong-Light", 11)
    for r, row in enumerate(
        [["序号", "任务", "责任单位"], ["1", "完善制度", "市发展改革委"], ["2", "加强督查", "市政府办公厅"]]
    ):
        for c, text in enumerate(row):
            page.drawString(xs[c] + 4, ys[r] - 20, text)
    page.setFont("STSong-Light", 14)
    page.drawString(72, top - 280, "二、强化督促检查。")
    page.showPage()
    page.setFont("STSong-Light", 14)
    page.drawString(72, top - 72, "三、第二页的内容。")
    page.showPage()
    page.save()
    return path


def test_it_joins_the_lines_of_a_wrapped_paragraph_in_a_pdf(tmp_path: Path) -> None:
    """A line that runs to the right edge goes on in the next: the clause split over two lines
    is one paragraph again; a short line ends its paragraph."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "换行.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    top = A4[1]
    page.setFont("STSong-Light", 14)
    first = "1、完善农村公路养护体制，建立路长制，加强考核。（责任单位：市交通委、"
    page.drawString(72, top - 72, first)
    right = 72 + pdfmetrics.stringWidth(first, "STSong-Light", 14)
    assert right > 0.7 * A4[0]  # the line reaches the right side of the page
    page.drawString(72, top - 90, "市发展改革委）")
    page.drawString(72, top - 108, "2、加强督查。")
    page.showPage()
    page.save()
    doc = read.read_path(path)
    assert [t for t, _ in paragraphs(doc)] == [first + "市发展改革委）", "2、加强督查。"]


def test_it_reads_pdf_lines_and_ruled_tables_in_page_order(tmp_path: Path) -> None:
    doc = read.read_path(make_pdf(tmp_path / "方案.pdf"))
    assert kinds(doc) == ["paragraph", "paragraph", "table", "paragraph", "paragraph"]
    assert paragraphs(doc) == [
        ("关于印发重点任务分解方案的通知", "page 1 line 1"),
        ("一、加强组织领导，2019年11月30日前完成。", "page 1 line 2"),
        ("二、强化督促检查。", "page 1 line 3"),
        ("三、第二页的内容。", "page 2 line 1"),
    ]
    (table,) = tables(doc)
    assert table.where == "page 1 table 1"
    assert table.rows == (
        ("序号", "任务", "责任单位"),
        ("1", "完善制度", "市发展改革委"),
        ("2", "加强督查", "市政府办公厅"),
    )


def test_it_repeats_a_merged_pdf_cell_and_joins_a_wrapped_cell_line(tmp_path: Path) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "merged.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    top = A4[1]
    xs, ys = [72, 200, 256], [top - 100, top - 130, top - 180]
    page.line(xs[0], ys[0], xs[2], ys[0])  # top rule
    page.line(xs[0], ys[1], xs[1], ys[1])  # middle rule only under the left column
    page.line(xs[0], ys[2], xs[2], ys[2])  # bottom rule
    for x in xs:
        page.line(x, ys[0], x, ys[2])
    page.setFont("STSong-Light", 12)
    page.drawString(xs[0] + 4, ys[0] - 20, "完善制度")
    page.drawString(xs[0] + 4, ys[1] - 20, "加强督查")
    # The right cell spans both rows; its unit name wraps at the cell's right edge.
    page.drawString(xs[1] + 2, ys[0] - 20, "市发展改")
    page.drawString(xs[1] + 2, ys[0] - 36, "革委")
    page.save()
    (table,) = tables(read.read_path(path))
    assert table.rows == (("完善制度", "市发展改革委"), ("加强督查", "市发展改革委"))


def test_it_refuses_a_pdf_without_a_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "扫描件.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.rect(72, 400, 300, 200, fill=1)
    page.save()
    with pytest.raises(ExtractError, match="no text layer") as info:
        read.read_path(path)
    assert "OCR" in str(info.value)
    assert info.value.filename == "扫描件.pdf"


def test_it_refuses_a_pdf_that_needs_a_password(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "加密.pdf", encrypt=StandardEncryption("user-pw", "owner-pw"))
    with pytest.raises(ExtractError, match="password-protected"):
        read.read_path(path)


def test_it_reads_a_pdf_with_only_an_owner_password(tmp_path: Path) -> None:
    # Helvetica: pdfminer cannot map reportlab's CID font text once the file is encrypted.
    path = tmp_path / "限制.pdf"
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("", "owner-pw", canPrint=0))
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "Task 1: due 2019-11-30")
    page.save()
    assert paragraphs(read.read_path(path)) == [("Task 1: due 2019-11-30", "page 1 line 1")]


def test_it_refuses_a_pdf_whose_text_layer_has_no_unicode_map(tmp_path: Path) -> None:
    # The same CID-font text, encrypted, comes out of pdfminer as "(cid:1597)" glyph numbers.
    path = make_pdf(tmp_path / "无映射.pdf", encrypt=StandardEncryption("", "owner-pw"))
    with pytest.raises(ExtractError, match="cannot be decoded"):
        read.read_path(path)


# --- format detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maker", "filename", "expected"),
    [
        ("docx", "<bytes>", "关于印发重点任务分解方案的通知"),
        ("docx", "实为docx.doc", "关于印发重点任务分解方案的通知"),
        ("xlsx", "upload", "完善制度"),
        ("xlsx", "实为xlsx.xls", "完善制度"),
        ("pdf", "<bytes>", "二、强化督促检查。"),
    ],
)
def test_it_recognizes_a_format_by_its_bytes(
    tmp_path: Path, maker: str, filename: str, expected: str
) -> None:
    makers = {"docx": make_docx, "xlsx": make_xlsx, "pdf": make_pdf}
    data = makers[maker](tmp_path / f"f.{maker}").read_bytes()
    assert expected in read.read_bytes(data, filename=filename).text()


@pytest.mark.parametrize("filename", ["导出.xls", "导出.doc", "<bytes>"])
def test_it_reads_html_exported_as_xls_or_doc(filename: str) -> None:
    data = (
        "<html><body><table><tr><td>任务</td><td>单位</td></tr><tr><td>督查</td><td>市委办</td></tr>"
        "</table></body></html>"
    )
    (table,) = tables(read.read_bytes(data.encode("utf-8"), filename=filename))
    assert table.rows == (("任务", "单位"), ("督查", "市委办"))


def test_it_reads_plain_bytes_without_an_extension_as_text() -> None:
    doc = read.read_bytes("一、目标\n二、任务".encode("gb18030"), filename="<bytes>")
    assert paragraphs(doc) == [("一、目标", "line 1"), ("二、任务", "line 2")]


def test_it_lists_every_supported_suffix() -> None:
    assert {
        ".txt",
        ".md",
        ".html",
        ".htm",
        ".docx",
        ".xlsx",
        ".xlsm",
        ".xls",
        ".pdf",
        ".doc",
        ".wps",
    } <= read.SUFFIXES


# --- bad input -------------------------------------------------------------------------------


def _zip_without_word(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "不是文档")


def _truncated_pdf(path: Path) -> None:
    data = make_pdf(path.with_name("full.pdf")).read_bytes()
    path.write_bytes(data[: len(data) // 3])


BAD_INPUT: dict[str, tuple[str, bytes | Callable[[Path], None] | None]] = {
    "missing": ("不存在.docx", None),
    "directory": ("目录.docx", Path.mkdir),
    "empty": ("空文件.txt", b""),
    "junk docx": ("乱码.docx", bytes(range(256)) * 8),
    "junk xlsx": ("乱码.xlsx", bytes(range(255, -1, -1)) * 8),
    "junk xls": ("乱码.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8),
    "junk pdf": ("乱码.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8),
    "zip not docx": ("压缩包.docx", _zip_without_word),
    "zip not xlsx": ("压缩包.xlsx", _zip_without_word),
    "truncated pdf": ("截断.pdf", _truncated_pdf),
    "zip without extension": ("压缩包", _zip_without_word),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_it_turns_bad_input_into_an_extract_error_naming_the_file(tmp_path: Path, case: str) -> None:
    name, content = BAD_INPUT[case]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        content(path)
    with pytest.raises(ExtractError) as info:
        read.read_path(path)
    assert name in str(info.value)
    assert info.value.filename == name


def test_it_says_empty_file() -> None:
    with pytest.raises(ExtractError, match="empty file"):
        read.read_bytes(b"", filename="空.docx")


def test_it_refuses_files_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 10)
    path = tmp_path / "大文件.txt"
    path.write_text("一二三四五六七八九十", encoding="utf-8")
    with pytest.raises(ExtractError, match="larger than"):
        read.read_path(path)
    with pytest.raises(ExtractError, match="larger than"):
        read.read_bytes(path.read_bytes(), filename="大文件.txt")


@pytest.mark.parametrize("filename", ["旧文件.doc", "金山.wps"])
def test_it_explains_how_to_install_libreoffice_for_doc_files(
    monkeypatch: pytest.MonkeyPatch, filename: str
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 512
    with pytest.raises(ExtractError, match="LibreOffice") as info:
        read.read_bytes(data, filename=filename)
    assert "apt-get install libreoffice-writer" in str(info.value)
    assert filename in str(info.value)


def _need_libreoffice() -> None:
    """Skip beside a machine without LibreOffice; on CI (.ci/system-deps.sh installs it) fail."""
    if shutil.which("soffice") is None:
        if on_ci():
            pytest.fail("LibreOffice (soffice) is missing on CI: .ci/system-deps.sh installs it")
        pytest.skip("LibreOffice is not installed")


def test_it_converts_doc_through_libreoffice(tmp_path: Path) -> None:
    _need_libreoffice()
    source = make_docx(tmp_path / "source.docx")
    # A Word 97 .doc made by LibreOffice itself from the .docx.
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "source.doc").exists(), "this LibreOffice has no Writer to make a .doc with"
    doc = read.read_path(tmp_path / "source.doc")
    assert "二、强化督促检查，于2019年11月30日前完成。" in doc.text()
    assert tables(doc)[0].rows[0] == ("序号", "任务及单位", "任务及单位")


def test_it_converts_rtf_named_doc_through_libreoffice() -> None:
    _need_libreoffice()
    rtf = rb"{\rtf1\ansi\uc1 {\pard \u19968?\u12289?\u21152?\u24378?\u39046?\u23548?\par}}"
    doc = read.read_bytes(rtf, filename="旧格式.doc")
    assert [text for text, _ in paragraphs(doc)] == ["一、加强领导"]
