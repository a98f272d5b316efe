"""Property tests for duban.extract.read: whatever the bytes, a Document or an ExtractError.

Random bytes mostly exercise the first checks of each reader; damaged real files (made by the
real libraries, then truncated or overwritten in places) reach deep into python-docx, openpyxl,
pdfplumber and BeautifulSoup, where unexpected exceptions would come from.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from duban.extract import read
from duban.extract.document import Document, Paragraph, Table
from duban.extract.errors import ExtractError

SUFFIXES = [*sorted(read.SUFFIXES), "", ".bin"]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAMAGE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(data: bytes, filename: str) -> Document | None:
    """The property itself: a well-formed Document, or an ExtractError naming the file."""
    try:
        doc = read.read_bytes(data, filename=filename)
    except ExtractError as exc:
        assert exc.filename == filename
        assert filename in str(exc)
        return None
    assert doc.name == filename
    for block in doc.blocks:
        assert isinstance(block, Paragraph | Table)
        if isinstance(block, Table):
            assert len({len(row) for row in block.rows}) <= 1  # rectangular
    return doc


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_it_reads_or_refuses_arbitrary_bytes(data: bytes, suffix: str) -> None:
    read_or_refuse(data, f"输入{suffix}")


@FUZZ
@given(
    text=st.text(max_size=2000),
    encoding=st.sampled_from(["utf-8", "utf-16", "gb18030"]),
    suffix=st.sampled_from([".txt", ".html", ".csv", ".md"]),
)
def test_it_reads_or_refuses_encoded_text(text: str, encoding: str, suffix: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # lone surrogates
        return
    read_or_refuse(data, f"文本{suffix}")


@FUZZ
@given(text=st.text(max_size=2000))
def test_it_never_refuses_a_string(text: str) -> None:
    doc = read.read_text(text, name="<text>")
    assert all(isinstance(b, Paragraph) and b.text.strip() for b in doc.blocks)
    assert len(doc.blocks) <= text.count("\n") + text.count("\r") + 1


@FUZZ
@given(
    markup=st.lists(
        st.sampled_from(
            [
                "<table>",
                "</table>",
                "<tr>",
                "</tr>",
                "<td>",
                "</td>",
                '<td rowspan="3">',
                '<td colspan="0">',
                '<th colspan="2" rowspan="0">',
                "<p>",
                "</p>",
                "<br>",
                "<div class='nav'>",
                "</div>",
                "<pre>",
                "</pre>",
                "<script>",
                "</script>",
                "&nbsp;",
                "任务",
                "市教委",
                "\t",
                "\n",
                "<!--",
                "-->",
                "<nav>",
                "<caption>表1</caption>",
                "<form id='form1'>",
                "<h1>关于印发方案的通知</h1>",
            ]
        ),
        min_size=1,
        max_size=60,
    )
)
def test_it_reads_any_tag_soup(markup: list[str]) -> None:
    assert read_or_refuse("".join(markup).encode(), "汤.html") is not None


@cache
def sample(kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "docx":
        document = docx.Document()
        document.add_paragraph("一、加强领导")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).merge(table.cell(1, 0)).text = "市教委"
        table.cell(0, 1).text = "完善制度"
        document.save(out)
    elif kind == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet["A1"], sheet["B1"], sheet["A2"] = "任务", "市教委", 18.0
        sheet.merge_cells("B1:B2")
        book.save(out)
    else:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        page = canvas.Canvas(out, pagesize=A4)
        page.setFont("STSong-Light", 12)
        page.drawString(72, 700, "一、加强领导")
        page.grid([72, 200, 300], [600, 620, 640])
        page.drawString(76, 625, "市教委")
        page.save()
    return out.getvalue()


@st.composite
def damaged(draw: st.DrawFn, kind: str) -> bytes:
    data = bytearray(sample(kind))
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def damaged_xml(draw: st.DrawFn, kind: str) -> bytes:
    """A well-formed zip whose XML parts are damaged: past the zip checks, into the XML readers."""
    source = zipfile.ZipFile(io.BytesIO(sample(kind)))
    names = source.namelist()
    target = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            part = bytearray(source.read(name))
            if name == target and part:
                for _ in range(draw(st.integers(1, 6))):
                    at = draw(st.integers(0, len(part) - 1))
                    part[at : at + 1] = draw(
                        st.sampled_from(
                            [b"", b"<", b">", b'"', b"0", b"-1", b"99999", b"\xff", b"<w:p>", b"</x:c>"]
                        )
                    )
            archive.writestr(name, bytes(part))
    return out.getvalue()


@DAMAGE
@given(
    data=st.sampled_from(["docx", "xlsx", "pdf"]).flatmap(
        lambda kind: st.tuples(st.just(kind), damaged(kind))
    )
)
def test_it_reads_or_refuses_damaged_documents(data: tuple[str, bytes]) -> None:
    kind, content = data
    read_or_refuse(content, f"损坏.{kind}")


@DAMAGE
@given(
    data=st.sampled_from(["docx", "xlsx"]).flatmap(lambda kind: st.tuples(st.just(kind), damaged_xml(kind)))
)
def test_it_reads_or_refuses_office_files_with_damaged_xml(data: tuple[str, bytes]) -> None:
    kind, content = data
    read_or_refuse(content, f"损坏.{kind}")


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pdf"])
def test_it_reads_the_undamaged_samples(kind: str) -> None:
    assert "市教委" in read.read_bytes(sample(kind), filename=f"完好.{kind}").text()
