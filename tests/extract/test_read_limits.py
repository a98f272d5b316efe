"""ReadLimits: what reading one file may cost, refused (LimitError, naming the limit) before the
cost is paid: a package's size unpacked (from the zip's directory), XML nested too deep, a PDF
page's content and what it draws, the text of the whole document."""

from __future__ import annotations

import io
import pickle
import time
import zipfile

import docx
import pytest
from reportlab.pdfgen import canvas

from duban.extract import ExtractError, LimitError, ReadLimits, extract
from duban.extract.read import read_bytes

PLAN = "XX区任务分解方案\n一、基层治理\n1、完善网格化管理。（区民政局牵头）\n"


def word(*, extra: dict[str, bytes] | None = None) -> bytes:
    document = docx.Document()
    for line in PLAN.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    if not extra:
        return out.getvalue()
    grown = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(grown, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, content in extra.items():
            target.writestr(name, content)
    return grown.getvalue()


def pdf(draw: list[str]) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for k, text in enumerate(draw):
        page.drawString(10 + k % 50, 10 + k % 700, text)
    page.showPage()
    page.save()
    return out.getvalue()


def test_a_package_is_refused_from_its_directory_beyond_the_unpacked_cap() -> None:
    data = word(extra={"word/media/padding.bin": b"\0" * (3 * 1024 * 1024)})  # 3 MB of zeros: a few KB packed
    assert extract(data, filename="a.docx", limits=ReadLimits(unpacked_mb=4)).tasks
    started = time.monotonic()
    with pytest.raises(LimitError) as refused:
        read_bytes(data, filename="a.docx", limits=ReadLimits(unpacked_mb=2))
    assert time.monotonic() - started < 1
    assert (refused.value.limit, refused.value.allowed, refused.value.found) == ("unpacked_mb", 2, 4)
    assert "a.docx" in str(refused.value) and "more than the 2 MB allowed" in str(refused.value)


def test_the_default_unpacked_cap_is_100_mb() -> None:
    assert ReadLimits().unpacked_mb == 100


def test_xml_nested_too_deep_is_a_limit() -> None:
    body = b"<w:r>" * 300 + b"</w:r>" * 300
    data = word()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = content.replace(b"<w:body>", b"<w:body><w:p>" + body + b"</w:p>", 1)
            target.writestr(info, content)
    with pytest.raises(LimitError) as refused:
        read_bytes(out.getvalue(), filename="deep.docx")
    assert (refused.value.limit, refused.value.allowed) == ("xml_depth", 256)


def test_a_pdf_page_whose_content_unpacks_beyond_the_cap_is_refused_before_it_is_laid_out() -> None:
    data = pdf(["a"] * 40_000)  # some 1.5 MB of content, compressed
    with pytest.raises(LimitError) as refused:
        read_bytes(data, filename="p.pdf", limits=ReadLimits(page_content_mb=1))
    assert (refused.value.limit, refused.value.where) == ("page_content_mb", "page 1")


def test_a_pdf_page_that_draws_beyond_the_budget_is_stopped() -> None:
    data = pdf(["完善网格化管理" * 10, "a" * 1500])
    assert read_bytes(data, filename="p.pdf", limits=ReadLimits(page_objects=2000)).blocks
    with pytest.raises(LimitError) as refused:
        read_bytes(data, filename="p.pdf", limits=ReadLimits(page_objects=1000))
    assert (refused.value.limit, refused.value.allowed, refused.value.where) == (
        "page_objects",
        1000,
        "page 1",
    )


def test_too_much_text_is_refused_and_a_text_file_before_it_is_decoded() -> None:
    text = (PLAN * 100).encode()
    assert extract(text, filename="a.txt", limits=ReadLimits(characters=10_000)).tasks
    allowed = len(text) // 4 + 1  # passes the check on bytes (no encoding spends more than four a character)
    with pytest.raises(LimitError) as decoded:
        read_bytes(text, filename="a.txt", limits=ReadLimits(characters=allowed))
    assert decoded.value.found == len((PLAN * 100).replace("\n", ""))  # the lines' characters
    with pytest.raises(LimitError) as undecoded:
        read_bytes(text, filename="a.txt", limits=ReadLimits(characters=len(text) // 5))
    assert undecoded.value.found is None and undecoded.value.limit == "characters"


def test_a_limit_error_is_an_extract_error_and_survives_pickling() -> None:
    error = LimitError("too big", filename="a.docx", limit="unpacked_mb", allowed=100, found=400, where="x")
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, ExtractError)
    assert (copy.limit, copy.allowed, copy.found, copy.where, copy.filename, str(copy)) == (
        "unpacked_mb",
        100,
        400,
        "x",
        "a.docx",
        str(error),
    )
