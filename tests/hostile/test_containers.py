"""duban.office.containers: a file looked at whole. Real files written by real libraries pass;
a program, a macro, a script, a bomb or a fake picture anywhere in them is refused, in Chinese,
naming the file and what was found."""

from __future__ import annotations

import io
import zipfile

import pytest

from duban.evidence import EvidenceRejected, check_evidence
from duban.office.containers import ContainerLimits, ContainerRefused, inspect_file, program_offset

from .files import _W, MAKERS, _docx, _pdf
from .real_files import real_docx, real_pdf, real_picture, real_xlsx

PROGRAM = (
    b"MZ\x90\x00\x03" + b"\x00" * 55 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + bytes(range(256))
)


@pytest.mark.parametrize(
    ("name", "kind", "data"),
    [
        ("台账.pdf", "pdf", real_pdf()),
        ("现场.png", "png", real_picture("PNG")),
        ("现场.jpg", "jpeg", real_picture("JPEG")),
        ("方案.docx", "docx", real_docx()),
        ("台账.xlsx", "xlsx", real_xlsx()),
    ],
)
def test_it_accepts_real_files(name: str, kind: str, data: bytes) -> None:
    inspect_file(name, data, kind=kind)


def test_it_finds_a_windows_program_by_its_headers() -> None:
    assert program_offset(PROGRAM) == 0
    assert program_offset(b"junk" + PROGRAM) == 4
    assert program_offset(b"MZ but no PE header" + b"\0" * 100) is None
    assert program_offset(real_pdf()) is None


def _with_part(package: bytes, part: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(part, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("part", "content", "message"),
    [
        ("word/media/setup.exe", b"anything", "包含可执行程序（word/media/setup.exe）"),
        ("word/media/run.BAT", b"del *", "包含可执行程序（word/media/run.BAT）"),
        ("word/media/image9.png", PROGRAM, "包含可执行程序（word/media/image9.png）"),
        (
            "word/embeddings/oleObject1.bin",
            b"\0" * 512 + PROGRAM,
            "包含可执行程序（word/embeddings/oleObject1.bin）",
        ),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0", "包含宏或控件（word/vbaProject.bin）"),
        ("word/activeX/activeX1.xml", b"<ax/>", "包含宏或控件（word/activeX/activeX1.xml）"),
        ("word/custom.xml", b"<a><b></a>", "文件已损坏（word/custom.xml 不是有效的 XML）"),
    ],
)
def test_it_refuses_a_docx_that_carries_what_it_may_not(part: str, content: bytes, message: str) -> None:
    with pytest.raises(ContainerRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        inspect_file("方案.docx", _with_part(real_docx(), part, content), kind="docx")


def test_it_looks_into_packages_inside_packages() -> None:
    inner = _with_part(real_xlsx(), "xl/media/tool.exe", b"x")
    with pytest.raises(ContainerRefused, match=r"方案.docx：包含可执行程序（xl/media/tool.exe）"):
        inspect_file(
            "方案.docx", _with_part(real_docx(), "word/embeddings/Workbook1.xlsx", inner), kind="docx"
        )


def _unpacked(package: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return sum(info.file_size for info in z.infolist())


def test_it_counts_embedded_packages_against_the_unpacked_cap() -> None:
    inner = _docx(_W + b"<w:p/>" * 400_000 + b"</w:body></w:document>")  # 2.4 MB of XML
    outer = _with_part(real_docx(), "word/embeddings/Document1.docx", inner)
    mb = 2**20
    both, alone = _unpacked(outer) + _unpacked(inner), _unpacked(outer)
    inspect_file("方案.docx", outer, kind="docx", caps=ContainerLimits(unpacked_mb=-(-both // mb)))
    # Enough for the outer package alone, not with what it carries.
    assert -(-alone // mb) * mb < both
    with pytest.raises(ContainerRefused, match=f"解压后超过 {-(-alone // mb)} MB 的上限"):
        inspect_file("方案.docx", outer, kind="docx", caps=ContainerLimits(unpacked_mb=-(-alone // mb)))


def test_it_refuses_a_pdf_carrying_a_program() -> None:
    attached = b"/Names << /EmbeddedFiles << /Names [(a) << /Type /Filespec /F (setup.exe) >>] >> >>"
    with pytest.raises(ContainerRefused, match=r"台账.pdf：PDF 附带可执行程序（setup.exe）"):
        inspect_file("台账.pdf", _pdf(b"BT /F1 12 Tf 72 720 Td (x) Tj ET", catalog=attached), kind="pdf")
    inspect_file("台账.pdf", _pdf(b"BT /F1 12 Tf 72 720 Td (x) Tj ET"), kind="pdf")


def test_it_refuses_a_picture_that_is_another_picture_or_carries_a_program() -> None:
    with pytest.raises(ContainerRefused, match=r"现场.png：文件内容不是 PNG 图片（而是 GIF）"):
        inspect_file("现场.png", real_picture("GIF"), kind="png")
    with pytest.raises(ContainerRefused, match=r"现场.jpg：文件中藏有可执行程序"):
        inspect_file("现场.jpg", real_picture("JPEG") + PROGRAM, kind="jpeg")


def test_it_refuses_a_truncated_picture() -> None:
    photo = real_picture("JPEG", (640, 480))
    with pytest.raises(ContainerRefused, match=r"现场.jpg：图片已损坏或不是 JPG 格式"):
        inspect_file("现场.jpg", photo[: len(photo) // 2], kind="jpeg")


@pytest.mark.parametrize("maker", ["docx-with-program", "pdf-javascript", "jpeg-polyglot", "xlsx-macro"])
def test_evidence_is_checked_whole_in_the_sandbox(maker: str) -> None:
    name, data = MAKERS[maker]()
    with pytest.raises(EvidenceRejected, match=name):
        check_evidence(name, data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("台账.pdf", real_pdf()),
        ("现场.png", real_picture("PNG")),
        ("方案.docx", real_docx()),
        ("表.xlsx", real_xlsx()),
    ],
)
def test_evidence_accepts_real_files_through_the_sandbox(name: str, data: bytes) -> None:
    assert check_evidence(name, data)
