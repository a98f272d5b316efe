"""The plan as a Word 责任分解表 (duban.exports.docx: A4 landscape, the table's header repeated),
printed to PDF by LibreOffice and measured: every page A4 landscape and numbered "第 X 页 共 Y 页",
nothing outside the margins, the header row at the top of every page, and every cell's text in
the PDF. The demo's documents 000 (a short table) and 004 (63 tasks over many pages)."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from duban.exports.docx import MARGIN_MM, PAGE_MM, headings_of, to_docx
from duban.extract import extract
from duban.extract.export import plan_and_parts

from .pdf import PT_PER_MM, render, squeeze

DEMO = Path(__file__).resolve().parents[2] / "src" / "duban" / "demo_data"
NAMES = {"000": "000_55d7ae63096c07d6.txt", "004": "004_8589ef9e036e82d9.txt"}
SLACK = PT_PER_MM
DEDUCTIONS = ["序号", "扣分项目", "扣分规则"]  # the negative list's table, after the tasks'


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, Path, list[list[str]]]]:
    """Each document's Word file, its PDF, and the header rows its tables may open a page with."""
    plans = {key: extract(DEMO / name) for key, name in NAMES.items()}
    data = {key: to_docx(plan) for key, plan in plans.items()}
    pdfs = render(data, tmp_path_factory.mktemp("plans"))
    headers = {
        key: [list(headings_of(p)) for p in plan_and_parts(plan)] + [DEDUCTIONS]
        for key, plan in plans.items()
    }
    return {key: (data[key], pdfs[key], headers[key]) for key in data}


@pytest.mark.parametrize("key", list(NAMES))
def test_it_prints_the_plan_on_a4_landscape_with_nothing_lost(
    rendered: dict[str, tuple[bytes, Path, list[list[str]]]], key: str
) -> None:
    data, pdf, headers = rendered[key]
    width, height = PAGE_MM[0] * PT_PER_MM, PAGE_MM[1] * PT_PER_MM
    left, right = MARGIN_MM * PT_PER_MM, width - MARGIN_MM * PT_PER_MM
    cells: set[str] = set()
    problems: list[str] = []
    previous: list[str] = []  # the last row of the page before
    with pdfplumber.open(pdf) as doc:
        total = len(doc.pages)
        for i, page in enumerate(doc.pages, start=1):
            if abs(page.width - width) > 1 or abs(page.height - height) > 1:
                problems.append(
                    f"page {i} is {page.width / PT_PER_MM:.0f} × {page.height / PT_PER_MM:.0f} mm"
                )
            problems += [
                f"page {i}: {c['text']!r} at x {c['x0']:.0f}–{c['x1']:.0f}"
                for c in page.chars
                if c["x0"] < left - SLACK or c["x1"] > right + SLACK
            ]
            problems += [
                f"page {i}: a line beyond the margins" for e in page.edges if e["x1"] > right + SLACK
            ]
            footer = squeeze("".join(c["text"] for c in page.chars if c["top"] > height - 20 * PT_PER_MM))
            if footer != f"第{i}页共{total}页":
                problems.append(f"page {i} is numbered {footer!r}")
            rows = [[squeeze(c or "") for c in row] for t in page.extract_tables() for row in t]
            if not rows or rows[0] not in headers:
                problems.append(f"page {i} does not open with a table's header (a blank page?)")
                continue
            cells.update(c for row in rows for c in row)
            # A row that runs on to the next page: its cells' two halves, joined.
            if len(rows) > 1 and len(rows[1]) == len(previous):
                cells.update(a + b for a, b in zip(previous, rows[1], strict=True))
            previous = rows[-1]
    word = Document(io.BytesIO(data))
    problems += [
        f"cell not in the PDF: {c.text[:30]!r}"
        for t in word.tables
        for row in t.rows
        for c in row.cells
        if squeeze(c.text) not in cells
    ]
    assert problems == [], "\n".join(problems)
    if key == "004":
        assert total >= 5
