"""Official documents rendered to PDF by LibreOffice (`soffice --headless --convert-to pdf`) and
measured with pdfplumber: page size, page numbers, text inside the 版心, tables inside the text
width, and every paragraph and table cell of the .docx found again in the PDF's text layer.

Used by the tests of each document (tests/office, tests/tracking, tests/assessment). LibreOffice
renders the GB/T 9704 typefaces with the Noto CJK faces fontconfig is told to use for them
(fonts.conf beside this file); .ci/system-deps.sh installs LibreOffice and fonts-noto-cjk.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document

from duban.office import gongwen as gw

FONTS_CONF = Path(__file__).with_name("fonts.conf")
PT_PER_MM = 72 / 25.4
A4_PT = (gw.PAGE_MM[0] * PT_PER_MM, gw.PAGE_MM[1] * PT_PER_MM)
# The 版心 in points: left, top, right, bottom.
TEXT_BOX = (
    gw.LEFT_MM * PT_PER_MM,
    gw.TOP_MM * PT_PER_MM,
    (gw.PAGE_MM[0] - gw.RIGHT_MM) * PT_PER_MM,
    (gw.PAGE_MM[1] - gw.BOTTOM_MM) * PT_PER_MM,
)
SLACK = 1.0 * PT_PER_MM  # a millimetre: glyph boxes and border strokes stand a little out
_SPACE = re.compile(r"\s+")


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def need_libreoffice() -> None:
    """Skip beside a machine without LibreOffice; on CI (.ci/system-deps.sh installs it) fail."""
    if shutil.which("soffice") is None:
        if on_ci():
            pytest.fail("LibreOffice (soffice) is missing on CI: .ci/system-deps.sh installs it")
        pytest.skip("LibreOffice is not installed")


def render(documents: Mapping[str, bytes], folder: Path) -> dict[str, Path]:
    """Each .docx (name → bytes) converted to PDF in one LibreOffice run (it starts slowly)."""
    need_libreoffice()
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, data in documents.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        sources.append(str(path))
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env=env,
    )
    out = {name: folder / f"{name}.pdf" for name in documents}
    missing = [str(p) for p in out.values() if not p.exists()]
    assert not missing, f"LibreOffice made no PDF of {missing}"
    return out


def squeeze(text: str) -> str:
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class Rendered:
    """What a PDF shows: its pages' sizes, the page number printed on each (and its side), the
    text inside the 版心, the text of every table cell, and whatever stands outside the 版心."""

    sizes: list[tuple[float, float]]
    numbers: list[tuple[str, str]]  # per page: the footer's text, "left" or "right"
    text: str  # the 版心's text, every page, whitespace removed
    cells: set[str]  # every table cell's text, whitespace removed
    first_rows: list[list[str]]  # per page: the first row of its first table (empty: no table)
    outside: list[str]  # text or lines standing outside the 版心 (other than page numbers)
    fonts: set[str]


def read(path: Path) -> Rendered:
    sizes, numbers, texts, cells, first_rows, outside, fonts = [], [], [], set(), [], [], set()
    left, top, right, bottom = TEXT_BOX
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            sizes.append((float(page.width), float(page.height)))
            footer = [c for c in page.chars if c["top"] > bottom + SLACK]
            numbers.append(_footer(footer))
            body = page.crop((0, 0, page.width, bottom + SLACK))
            texts.append(squeeze(body.extract_text() or ""))
            fonts.update(c["fontname"].split("+")[-1] for c in page.chars)
            for c in body.chars:
                if not (left - SLACK <= c["x0"] and c["x1"] <= right + SLACK and c["top"] >= top - 2 * SLACK):
                    outside.append(
                        f"page {i}: {c['text']!r} at x {c['x0']:.0f}–{c['x1']:.0f}, top {c['top']:.0f}"
                    )
            for edge in page.edges:
                if edge["x0"] < left - SLACK or edge["x1"] > right + SLACK:
                    outside.append(f"page {i}: a line from x {edge['x0']:.0f} to {edge['x1']:.0f}")
            tables = body.extract_tables()
            for t in tables:
                cells.update(squeeze(c or "") for row in t for c in row)
            first_rows.append([squeeze(c or "") for c in tables[0][0]] if tables else [])
    return Rendered(sizes, numbers, "".join(texts), cells, first_rows, outside, fonts)


def _footer(chars: list[dict[str, Any]]) -> tuple[str, str]:
    if not chars:
        return "", ""
    text = "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]))
    middle = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
    return squeeze(text), "right" if middle > A4_PT[0] / 2 else "left"


def docx_parts(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return [p.text for p in doc.paragraphs], tables


def problems(data: bytes, pdf: Path) -> list[str]:
    """Everything wrong with a rendered official document, in words (empty: nothing)."""
    r = read(pdf)
    out = []
    for i, (w, h) in enumerate(r.sizes, start=1):
        if abs(w - A4_PT[0]) > 1 or abs(h - A4_PT[1]) > 1:
            out.append(f"page {i} is {w / PT_PER_MM:.0f} × {h / PT_PER_MM:.0f} mm, not A4")
    for i, (number, side) in enumerate(r.numbers, start=1):
        want = ("—", str(i), "—")
        if number != "".join(want) or side != ("right" if i % 2 else "left"):
            out.append(f"page {i} is numbered {number!r} on the {side or 'no'} side")
    out += r.outside
    paragraphs, tables = docx_parts(data)
    out += [f"paragraph not in the PDF: {p!r}" for p in paragraphs if squeeze(p) not in r.text]
    for t in tables:
        for row in t:
            out += [f"table cell not in the PDF: {c!r}" for c in row if squeeze(c) not in r.cells]
    return out
