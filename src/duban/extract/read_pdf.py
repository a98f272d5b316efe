"""PDF text layers → text lines and ruled tables, in the order they stand on each page.

Tables are the ruled ones (pdfplumber's "lines" strategy): the text inside them comes out only
as table cells, never again as lines.  A PDF without a text layer (a scan) is refused with a
pointer to OCR rather than read as an empty document.

What a page may cost is bounded before it is paid (ReadLimits): its content streams are measured
decompressed (a 3.5 KB PDF can draw 200,000 characters, which pdfplumber takes minutes over), and
the page is laid out by a device that stops after a budget of characters, lines and images (a
form drawn ten thousand times, or one string of 300,000 characters, is small on disk too).
"""

from __future__ import annotations

import io
import zlib
from bisect import bisect_left, bisect_right
from typing import Any

import pdfplumber
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, stream_value
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.text import chars_to_textmap

from duban.extract.document import Block, Document, Paragraph, Table
from duban.extract.errors import ExtractError, LimitError
from duban.extract.read_checks import DEFAULT_LIMITS, ENCRYPTED, MB, ReadLimits, reason

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_EDGE_TOLERANCE = 2.0  # points: ruling lines of one grid line drawn slightly apart
NO_TEXT_LAYER = "no text layer (scanned PDF?) — run OCR first"

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


def read_pdf(data: bytes, *, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    blocks: list[Block] = []
    chars = unmapped = 0
    number = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                _lay_out(page, number, limits, filename)
                deduped = page.dedupe_chars()  # "bold" drawn as the same text twice
                visible = [c for c in deduped.chars if str(c.get("text", "")).strip()]
                chars += len(visible)
                unmapped += sum(1 for c in visible if str(c["text"]).startswith("(cid:"))
                if visible:
                    blocks.extend(_page_blocks(deduped, number))
                page.close()  # drop the page's parsed objects: long PDFs would keep them all
    except ExtractError:
        raise
    except Exception as exc:
        if _password_error(exc):
            raise ExtractError(ENCRYPTED, filename=filename) from exc
        raise ExtractError(
            f"not a valid PDF ({reason(exc)})", filename=filename, where=f"page {number}" if number else None
        ) from exc
    if chars == 0:
        raise ExtractError(NO_TEXT_LAYER, filename=filename)
    if 2 * unmapped > chars:
        # Fonts without a ToUnicode map: the text layer holds glyph numbers, not characters.
        raise ExtractError(
            "the text layer cannot be decoded (fonts without a Unicode map) — run OCR first",
            filename=filename,
        )
    return Document(name=filename, blocks=tuple(blocks))


class _PageTooCostly(Exception):
    pass


class _BudgetedDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's own layout device, stopping once the page has drawn `budget` objects."""

    def __init__(self, *args: Any, budget: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.left = budget

    def _spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _PageTooCostly

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self._spend()
        return float(super().render_char(*args, **kwargs))

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self._spend()
        super().paint_path(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._spend()
        super().render_image(*args, **kwargs)


def _lay_out(page: Any, number: int, limits: ReadLimits, filename: str) -> None:
    """Lay the page out as pdfplumber's Page.layout does (pdfplumber 0.11: it keeps the result in
    `_layout` and uses it from there), with what the page may cost bounded."""
    cap = limits.page_content_mb * MB
    size = 0
    for stream in page.page_obj.contents:
        size += _content_size(stream_value(stream), cap - size + 1)
        if size > cap:
            raise LimitError(
                f"page {number}'s content unpacks to more than {limits.page_content_mb} MB",
                filename=filename,
                where=f"page {number}",
                limit="page_content_mb",
                allowed=limits.page_content_mb,
            )
    device = _BudgetedDevice(
        page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams, budget=limits.page_objects
    )
    try:
        PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except _PageTooCostly:
        raise LimitError(
            f"page {number} draws more than {limits.page_objects} characters, lines and images",
            filename=filename,
            where=f"page {number}",
            limit="page_objects",
            allowed=limits.page_objects,
        ) from None
    page._layout = device.get_result()


def _content_size(stream: Any, most: int) -> int:
    """The decompressed size of a content stream, or more than `most` when it is larger; a plain
    Flate stream is inflated only as far as `most` (a zlib bomb is never unpacked whole)."""
    filters = stream.get_filters()
    if (
        stream.data is None
        and not stream.decipher
        and len(filters) == 1
        and filters[0][0] in LITERALS_FLATE_DECODE
    ):
        try:
            return len(zlib.decompressobj().decompress(stream.rawdata, most))
        except zlib.error:
            pass  # pdfminer repairs what it can: let it decode and measure that
    return len(stream.get_data())


def _page_blocks(page: Any, number: int) -> list[Block]:
    placed: list[tuple[float, float, Block]] = []  # (top, x0, block)
    tables = [t for t in page.find_tables(_TABLE_SETTINGS) if len(t.columns) > 1]
    # A one-column "table" is a framed box of text: read it as lines.
    tables.sort(key=lambda t: (round(t.bbox[1]), t.bbox[0]))
    boxes = [t.bbox for t in tables]
    for k, table in enumerate(tables, start=1):
        rows = _table_rows(page.chars, table)
        if any(any(row) for row in rows):
            placed.append((table.bbox[1], table.bbox[0], Table(rows=rows, where=f"page {number} table {k}")))
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside_any(obj, boxes))
    lines = [ln for ln in outside.extract_text_lines(return_chars=False) if ln["text"].strip()]
    for m, (top, x0, text) in enumerate(_paragraphs(lines, float(page.width)), start=1):
        placed.append((top, x0, Paragraph(text, where=f"page {number} line {m}")))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [block for _, _, block in placed]


def _paragraphs(lines: list[dict[str, Any]], width: float) -> list[tuple[float, float, str]]:
    """Lines joined where the text wrapped: a line that runs to the right edge of the page's text
    goes on in the next ("…（责任单位：市交通委、" + "市发展改革委）" is one clause).  A page of
    short lines only (the widest far from the page's right side) has no wrapped line."""
    if not lines:
        return []
    right = max(float(ln["x1"]) for ln in lines)
    if right < 0.7 * width:
        right = float("inf")
    out: list[tuple[float, float, str]] = []
    wrapped = False
    for ln in lines:
        piece = ln["text"].strip()
        if wrapped and out:
            top, x0, text = out[-1]
            out[-1] = (top, x0, text + _join(text, piece) + piece)
        else:
            out.append((float(ln["top"]), float(ln["x0"]), piece))
        size = max(float(ln["bottom"]) - float(ln["top"]), 1.0)
        wrapped = right - float(ln["x1"]) < 1.5 * size
    return out


def _table_rows(chars: list[dict[str, Any]], table: Any) -> tuple[tuple[str, ...], ...]:
    """The table on its grid of ruling lines; a merged cell's text fills every position it covers."""
    cells: list[BBox] = list(table.cells)
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    covering: dict[tuple[int, int], int] = {}  # grid position → index of the cell covering it
    for i, bbox in enumerate(cells):
        for r in range(_index(ys, bbox[1]), _index(ys, bbox[3])):
            for c in range(_index(xs, bbox[0]), _index(xs, bbox[2])):
                covering[r, c] = i
    # Each character to its cell in one pass; filtering the page once per cell is quadratic.
    chars_in: list[list[dict[str, Any]]] = [[] for _ in cells]
    for char in chars:
        x, y = _center(char)
        cell = covering.get((bisect_right(ys, y) - 1, bisect_right(xs, x) - 1))
        if cell is not None and _inside(char, cells[cell]):
            chars_in[cell].append(char)
    grid = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for (r, c), i in covering.items():
        grid[r][c] = _cell_text(chars_in[i], cells[i]) if chars_in[i] else ""
    return tuple(tuple(row) for row in grid if any(row))


def _cell_text(chars: list[dict[str, Any]], bbox: BBox) -> str:
    """A cell's lines; a line that runs to the cell's right edge wrapped, so it joins the next
    ("市发展改革" + "委" is one unit, not two), and any other line break is kept as "\n"."""
    text = ""
    wrapped = False
    for line in chars_to_textmap(chars).extract_text_lines(return_chars=False):
        piece = line["text"].strip()
        if not piece:
            continue
        if text:
            text += _join(text, piece) if wrapped else "\n"
        text += piece
        size = max(line["bottom"] - line["top"], 1.0)
        wrapped = bbox[2] - line["x1"] < 1.5 * size
    return text


def _join(before: str, after: str) -> str:
    """What goes between the halves of a wrapped line: a space only between two Latin words."""
    latin = before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum()
    return " " if latin else ""


def _edges(values: list[float]) -> list[float]:
    """Distinct grid lines, with coordinates closer than the tolerance taken as one line."""
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > _EDGE_TOLERANCE:
            edges.append(v)
    return edges


def _index(edges: list[float], value: float) -> int:
    i = bisect_left(edges, value - _EDGE_TOLERANCE)
    return min(i, len(edges) - 1)


def _center(obj: dict[str, Any]) -> tuple[float, float]:
    return (float(obj["x0"]) + float(obj["x1"])) / 2, (float(obj["top"]) + float(obj["bottom"])) / 2


def _inside(obj: dict[str, Any], bbox: BBox) -> bool:
    x, y = _center(obj)
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _inside_any(obj: dict[str, Any], boxes: list[BBox]) -> bool:
    return any(_inside(obj, b) for b in boxes)


def _password_error(exc: BaseException) -> bool:
    """pdfminer's PDFPasswordIncorrect, however pdfplumber wraps it (as cause or as argument)."""
    pending: list[object] = [exc]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if "password" in type(item).__name__.lower() or "password" in str(item).lower():
            return True
        if isinstance(item, BaseException):
            pending.extend(a for a in (item.__cause__, item.__context__, *item.args) if a is not None)
    return False
