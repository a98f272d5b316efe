"""The disguises in which real copies of a document arrive, made from its plain text.

Why: the engine must read a decomposition document however it was copied, not only the clean
text the gold was annotated on. Every disguise here is a pure function `text → (suffix, bytes)`:
the bytes are what `extract(data, filename="doc" + suffix)` is given. Each one changes how the
document is carried, never what it says, so the extraction must score against the same gold as
well as the plain text does (tests/extract/test_variants.py; test_disguise.py checks each one
carries the words unchanged).

Formats and the choices behind them:
- flat-space / flat-none: a scraper that joined every line, with one space or with nothing; the
  spaced copy also keeps the website's navigation line before and its footer after.
- halfwidth: an OCR'd copy with half-width （）：，； (nothing else is garbled).
- crlf-gb18030: a law database's export: its banner, CRLF line ends, GB18030 bytes.
- html-gb2312: a government web page declaring charset=gb2312, one <p> per line between a
  navigation div and a footer. Its bytes are GBK, as such pages really are (browsers read the
  gb2312 label as GBK): "—" (U+2014) is A1AA, which Python's strict gb2312 codec would read as
  "―" (U+2015). Nothing in the corpus lies outside GBK (a stray character would become &#NNNN;).
- docx-paragraphs: a Word file typed line by line (python-docx), one paragraph per line. Lines
  are trimmed of spaces, not tabs: 000 is a tab-separated table whose leading tabs are empty
  cells. (In html-gb2312 those tabs stay inside the <p>, where a browser shows them as spaces.)
- pdf: a PDF printed from the text (reportlab), one line per document line, wrapped at the page
  width, a tab printed as a gap of four spaces (the font has no glyph for it). The font is
  reportlab's built-in CID font STSong-Light (Adobe-GB1, UniGB-UCS2-H): it needs no font file,
  and pdfminer (under pdfplumber, duban's PDF reader) maps its codes back to Unicode through the
  predefined CMap, so the text layer reads back as the characters drawn (test_disguise checks it
  for every gold document). Only encrypted CID-font PDFs lose that map (see
  tests/extract/test_read.py), so none is encrypted here and no TTF (fonts-noto-cjk,
  fonts-wqy-zenhei) is needed in .ci/system-deps.sh.
- docx-table / xlsx-table: only for documents whose tasks are a table that the corpus copy
  flattened one cell per paragraph (blank-line separated; a cell's own line breaks kept). The
  table is rebuilt from those paragraphs by a small per-document `TableSpec` (header cells,
  which columns an item row fills, group rows, merged cells) and written as a real Word table
  after the rest of the document as paragraphs (the three tables end their documents), or as an
  .xlsx sheet holding those lines in column A and then the table (a whole document saved as a
  workbook; a sheet of the table alone would lose 06's inline tasks). Merged cells are merged (python-docx
  `merge`, openpyxl `merge_cells`): a cell the flattening printed once spans the rows or columns
  it covered. test_disguise checks the rebuilt table holds exactly the flattened cell texts.
"""

from __future__ import annotations

import functools
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import docx
import openpyxl
from docx.document import Document as DocxDocument
from openpyxl.styles import Alignment
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

Disguise = Callable[[str], tuple[str, bytes]]

NAV = "首页 > 政务公开 > 文件通知 当前位置：首页 分享到：微信 微博 【打印】【关闭】"
FOOTER = "主办单位：某某市人民政府办公室 版权所有 网站标识码：3100000000 沪ICP备00000000号"
PAGE_TITLE = "政务公开_某某市人民政府"
BANNER = "【法宝引证码】CLI.12.000000\n原文链接：http://example.invalid/doc\n"
HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";"})
_LINE_BREAK = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"^[^\S\t]+|[^\S\t]+$")  # whitespace other than tabs at either end


def flat_space(text: str) -> tuple[str, bytes]:
    return ".txt", f"{NAV} {_LINE_BREAK.sub(' ', text).strip()} {FOOTER}".encode()


def flat_none(text: str) -> tuple[str, bytes]:
    return ".txt", _LINE_BREAK.sub("", text).strip().encode()


def halfwidth(text: str) -> tuple[str, bytes]:
    return ".txt", text.translate(HALF_WIDTH).encode()


def crlf_gb18030(text: str) -> tuple[str, bytes]:
    return ".txt", (BANNER + text).replace("\n", "\r\n").encode("gb18030")


def html_gb2312(text: str) -> tuple[str, bytes]:
    body = "".join(f"<p>{html.escape(line, quote=False)}</p>\n" for line in lines(text))
    page = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
        f"<title>{PAGE_TITLE}</title></head>\n<body>\n"
        f'<div class="nav">{html.escape(NAV, quote=False)}</div>\n'
        f'<div class="article">\n{body}</div>\n'
        f'<div class="footer">{html.escape(FOOTER, quote=False)}</div>\n</body></html>\n'
    )
    return ".html", page.encode("gbk", errors="xmlcharrefreplace")


def docx_paragraphs(text: str) -> tuple[str, bytes]:
    document = docx.Document()
    for line in lines(text):
        document.add_paragraph(line)
    return ".docx", _saved(document)


# --- PDF ---------------------------------------------------------------------------------------

PDF_FONT = "STSong-Light"
PDF_SIZE = 10.5  # 五号, the size of a printed government document's body text
PDF_LEADING = 16.0
PDF_MARGIN = 56.0


@functools.cache
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def pdf(text: str) -> tuple[str, bytes]:
    _register_font()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)  # invariant: the same bytes every run
    width, height = A4
    y = height - PDF_MARGIN
    for line in text.splitlines():
        # A printed tab is a gap: the font has no glyph for it, and pdfplumber would join the cells.
        for piece in wrap(line.strip().replace("\t", "    "), width - 2 * PDF_MARGIN) or [""]:
            if y < PDF_MARGIN:
                page.showPage()
                y = height - PDF_MARGIN
            if piece:
                page.setFont(PDF_FONT, PDF_SIZE)
                page.drawString(PDF_MARGIN, y, piece)
            y -= PDF_LEADING
    page.showPage()
    page.save()
    return ".pdf", out.getvalue()


def wrap(line: str, width: float) -> list[str]:
    """The line cut into pieces no wider than `width` (by character: Chinese wraps anywhere)."""
    _register_font()
    pieces: list[str] = []
    start, used = 0, 0.0
    for k, char in enumerate(line):
        w = pdfmetrics.stringWidth(char, PDF_FONT, PDF_SIZE)
        if used + w > width and k > start:
            pieces.append(line[start:k])
            start, used = k, 0.0
        used += w
    if start < len(line):
        pieces.append(line[start:])
    return pieces


# --- tables ------------------------------------------------------------------------------------

UP = "\x00up"  # this grid position belongs to the cell above (a vertical merge)
LEFT = "\x00left"  # this grid position belongs to the cell on the left (a horizontal merge)


@dataclass(frozen=True)
class TableSpec:
    """How a document's flattened table is rebuilt; the table runs to the end of the document.

    header: the header cells as printed; the table starts at the first run of paragraphs equal to
      them, and a later run equal to them is the header printed again after a page break.
    item: the columns an item row fills, in order; an item row starts at a bare number.
    group: a paragraph that opens a group row; the group row's first `group_cells` paragraphs
      fill the first columns and its last cell spans the rest of the row.
    subtypes / subtype_column: paragraphs (a 任务类型 cell) that head the item rows below them
      in that column, as one merged cell, until the next subtype or group row.
    shared_last: an item row printed without its last cell shares the one above (a merge the
      flattening lost), until the next group row.
    """

    header: tuple[str, ...]
    item: tuple[int, ...]
    group: str = r"(?!)"
    group_cells: int = 1
    subtypes: frozenset[str] = field(default_factory=frozenset)
    subtype_column: int | None = None
    shared_last: bool = False


@dataclass(frozen=True)
class Table:
    """A rebuilt table and the text before it: rows[0] is the header; UP/LEFT mark merges."""

    before: str
    rows: tuple[tuple[str, ...], ...]

    def cell_texts(self) -> list[str]:
        """The texts of the table's cells in reading order, each merged cell once, empty ones left out."""
        return [cell for row in self.rows for cell in row if cell and cell not in (UP, LEFT)]


TABLE_SPECS: dict[str, TableSpec] = {
    # 附表: group rows 一 + 重点任务; item rows 序号/具体工作/时间进度/责任部门, their 重点任务 cell empty.
    "04_jingan_tanfeng_jiepai_zhongdian_gongzuo_2025": TableSpec(
        header=("序号", "重点任务", "具体工作", "时间进度", "责任部门"),
        item=(0, 2, 3, 4),
        group=r"[一二三四五六七八九十]+",
        group_cells=2,
    ),
    # 附件: 行动 rows across the table; 任务类型 cells spanning their rows; 推进单位 cells spanning
    # the rows printed without one (the rowspans the flattening lost, as the gold reads them).
    "05_jingan_zhuoyue_chengqu_gengxin_2023": TableSpec(
        header=("任务类型", "序号", "工作任务", "推进单位"),
        item=(1, 2, 3),
        group=r"行动[一二三四五六七八九十]+：.+",
        subtypes=frozenset(
            {
                "旧区改造",
                "旧住房更新改造",
                "“美丽家园”建设",
                "公共服务设施提升改造",
                "公共空间优化",
                "市政基础设施提升改造",
                "绿色节能改造",
                "历史文化风貌区风貌保护街坊风貌保护道路",
                "历史建筑保护修缮和活化利用",
                "产业园区",
                "商圈改造升级",
                "商务楼宇改造升级",
            }
        ),
        subtype_column=0,
        shared_last=True,
    ),
    # 附件 分解表: five cells a row, cells with their own line breaks, the header again before row 7.
    "06_jiading_haimian_chengshi_shishi_fangan_2024": TableSpec(
        header=("序号", "任务类型", "重点内容", "责任单位", "参考文件"),
        item=(0, 1, 2, 3, 4),
    ),
}

_PARAGRAPH = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")  # lines up to a blank line
_NUMBER = re.compile(r"\d+")


def paragraphs(text: str) -> list[tuple[int, int, str]]:
    """The blank-line separated paragraphs of the text: (start, end, text stripped)."""
    return [(m.start(), m.end(), m.group().strip()) for m in _PARAGRAPH.finditer(text)]


def rebuild_table(text: str, spec: TableSpec) -> Table:
    paras = paragraphs(text)
    cells = [p for _, _, p in paras]
    n = len(spec.header)
    start = next((i for i in range(len(cells)) if tuple(cells[i : i + n]) == spec.header), None)
    if start is None:
        raise ValueError(f"no header {spec.header} in the text")
    rows: list[tuple[str, ...]] = [spec.header]
    subtype: str | None = None  # the subtype cell waiting for its first row
    in_subtype = can_share = False
    i = start + n
    while i < len(cells):
        cell = cells[i]
        if tuple(cells[i : i + n]) == spec.header:
            rows.append(spec.header)
            i += n
        elif re.fullmatch(spec.group, cell):
            got = cells[i : i + spec.group_cells]
            rows.append((*got, *[LEFT] * (n - len(got))))
            in_subtype = can_share = False
            i += spec.group_cells
        elif cell in spec.subtypes:
            subtype, in_subtype = cell, True
            i += 1
        elif _NUMBER.fullmatch(cell):
            row = [""] * n
            got, i = _item_cells(cells, i, spec, can_share=can_share)
            for column, value in zip(spec.item, got, strict=True):
                row[column] = value
            if spec.subtype_column is not None and in_subtype:
                row[spec.subtype_column] = subtype if subtype is not None else UP
                subtype = None
            rows.append(tuple(row))
            can_share = True
        else:
            raise ValueError(f"paragraph {i} fits no row of the table: {cell!r}")
    return Table(before=text[: paras[start][0]], rows=tuple(rows))


def _opens_row(cells: list[str], k: int, spec: TableSpec) -> bool:
    return k >= len(cells) or bool(
        _NUMBER.fullmatch(cells[k]) or re.fullmatch(spec.group, cells[k]) or cells[k] in spec.subtypes
    )


def _item_cells(cells: list[str], i: int, spec: TableSpec, *, can_share: bool) -> tuple[list[str], int]:
    """The cells of the numbered row at i (its last shared with the row above, where the table
    allows it), and the index after them."""
    got = [cells[i]]
    while len(got) < len(spec.item) and not (len(got) > 1 and _opens_row(cells, i + len(got), spec)):
        got.append(cells[i + len(got)])
    end = i + len(got)
    if len(got) == len(spec.item) - 1 and spec.shared_last and can_share:
        got.append(UP)
    elif len(got) < len(spec.item):
        raise ValueError(f"row {cells[i]}: {len(got)} cells, {len(spec.item)} expected")
    return got, end


def spans(rows: tuple[tuple[str, ...], ...]) -> list[tuple[int, int, int, int]]:
    """Each merged cell as (first row, first column, last row, last column)."""
    out = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell in (UP, LEFT):
                continue
            right = c
            while right + 1 < len(row) and row[right + 1] == LEFT:
                right += 1
            down = r
            while down + 1 < len(rows) and rows[down + 1][c] == UP:
                down += 1
            if (down, right) != (r, c):
                out.append((r, c, down, right))
    return out


def docx_table(table: Table) -> tuple[str, bytes]:
    document = docx.Document()
    for line in lines(table.before):
        document.add_paragraph(line)
    grid = document.add_table(rows=len(table.rows), cols=len(table.rows[0]))
    grid.style = "Table Grid"
    for row, cells in zip(table.rows, grid.rows, strict=True):
        targets = cells.cells  # python-docx recomputes the whole grid for every cell(): once a row
        for cell, target in zip(row, targets, strict=True):
            if cell and cell not in (UP, LEFT):
                first, *rest = cell.split("\n")
                target.text = first
                for line in rest:
                    target.add_paragraph(line)
    for top, left, bottom, right in spans(table.rows):
        grid.cell(top, left).merge(grid.cell(bottom, right))
    return ".docx", _saved(document)


def xlsx_table(table: Table) -> tuple[str, bytes]:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in lines(table.before):
        sheet.append([line])
    first = sheet.max_row + 1
    for row in table.rows:
        sheet.append([None if cell in (UP, LEFT) or not cell else cell for cell in row])
    for top, left, bottom, right in spans(table.rows):
        sheet.merge_cells(
            start_row=first + top, start_column=left + 1, end_row=first + bottom, end_column=right + 1
        )
    for row in sheet.iter_rows(min_row=first):
        for cell in row:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return ".xlsx", out.getvalue()


# --- the registry ------------------------------------------------------------------------------

VARIANTS: dict[str, Disguise] = {
    "flat-space": flat_space,
    "flat-none": flat_none,
    "halfwidth": halfwidth,
    "crlf-gb18030": crlf_gb18030,
    "html-gb2312": html_gb2312,
    "docx-paragraphs": docx_paragraphs,
    "pdf": pdf,
}


def variants_for(stem: str) -> dict[str, Disguise]:
    """The disguises that fit the document: every one, and the two tables where it is a table."""
    out = dict(VARIANTS)
    spec = TABLE_SPECS.get(stem)
    if spec is not None:
        out["docx-table"] = lambda text: docx_table(rebuild_table(text, spec))
        out["xlsx-table"] = lambda text: xlsx_table(rebuild_table(text, spec))
    return out


@functools.cache
def disguised(stem: str, variant: str, text: str) -> tuple[str, bytes]:
    """One document in one disguise, made once per test session."""
    return variants_for(stem)[variant](text)


def lines(text: str) -> list[str]:
    """The non-blank lines of the text, trimmed of spaces but not of tabs: in a tab-separated
    table (000) a leading tab is an empty first cell, and dropping it would shift the columns."""
    return [
        trimmed for line in text.splitlines() if (trimmed := _SPACES.sub("", line)) and not trimmed.isspace()
    ]


def _saved(document: DocxDocument) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
