"""Hostile files, made on demand: what an attacker (or a broken converter) uploads.

Each maker returns (file name, bytes) and takes a few seconds at most; the files are small on
disk and large, slow or deceptive once opened. Used by the hostile-input tests and by
benchmarks/hostile_files.py.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

MB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
)


def _zip(parts: dict[str, bytes | Callable[[zipfile.ZipFile, str], None]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, part in parts.items():
            if callable(part):
                part(z, name)
            else:
                z.writestr(name, part)
    return out.getvalue()


def _repeated(head: bytes, unit: bytes, tail: bytes, size: int) -> Callable[[zipfile.ZipFile, str], None]:
    """A part of `size` bytes of `unit` repeated, written in chunks (never held whole)."""
    chunk = unit * max(1, (4 * MB) // len(unit))

    def write(z: zipfile.ZipFile, name: str) -> None:
        with z.open(name, "w", force_zip64=True) as f:
            f.write(head)
            left = size
            while left > 0:
                piece = chunk[: min(len(chunk), left)]
                f.write(piece)
                left -= len(piece)
            f.write(tail)

    return write


def _docx(
    document: bytes | Callable[[zipfile.ZipFile, str], None], extra: dict[str, bytes] | None = None
) -> bytes:
    overrides = (
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=overrides).encode(),
            "_rels/.rels": rels.encode(),
            "word/document.xml": document,
            **(extra or {}),
        }
    )  # fmt: skip (the package's parts, one a line)


_W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
_PARAGRAPH = "<w:p><w:r><w:t>一、加强基层治理，完善网格化管理。（区民政局牵头）</w:t></w:r></w:p>".encode()


def docx_bomb(size_mb: int = 400) -> tuple[str, bytes]:
    """A Word file of a few hundred KB whose text unpacks to `size_mb` MB of XML."""
    return "压缩炸弹.docx", _docx(_repeated(_W, _PARAGRAPH, b"</w:body></w:document>", size_mb * MB))


def docx_deep(depth: int = 200_000) -> tuple[str, bytes]:
    """XML nested `depth` levels deep (parsers that recurse run out of stack)."""
    body = _W + b"<w:p>" + b"<w:r>" * depth + b"</w:r>" * depth + b"</w:p></w:body></w:document>"
    return "深层嵌套.docx", _docx(body)


def docx_with_program() -> tuple[str, bytes]:
    """A valid Word file that also carries a Windows program inside its package."""
    program = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + bytes(range(256)) * 64
    return "佐证材料.docx", _docx(
        _W + _PARAGRAPH + b"</w:body></w:document>", {"word/media/setup.exe": program}
    )


def _xlsx(
    sheet: bytes | Callable[[zipfile.ZipFile, str], None],
    shared: bytes | Callable[[zipfile.ZipFile, str], None],
) -> bytes:
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    overrides = (
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=overrides).encode(),
            "_rels/.rels": f'<Relationships {rel_ns}><Relationship Id="rId1" Type="{r}/officeDocument" '
            f'Target="xl/workbook.xml"/></Relationships>'.encode(),
            "xl/workbook.xml": b"<workbook "
            + ns
            + b' xmlns:r="'
            + r.encode()
            + b'"><sheets><sheet name="Sheet1" '
            b'sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": f'<Relationships {rel_ns}><Relationship Id="rId1" Type="{r}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{r}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'.encode(),
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": shared,
        }
    )  # fmt: skip (the package's parts, one a line)


_SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def xlsx_shared_strings_bomb(size_mb: int = 850) -> tuple[str, bytes]:
    """A 1–2 MB workbook whose shared strings unpack to `size_mb` MB."""
    sheet = _SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    shared = _repeated(head, "填报说明".encode() * 64, b"</t></si></sst>", size_mb * MB)
    return "批量填报.xlsx", _xlsx(sheet, shared)


def xlsx_wide(rows: int = 5000) -> tuple[str, bytes]:
    """One cell at column XFD (16,384) on each of `rows` rows: tiny, and a full grid once opened."""
    cells = b"".join(
        b'<row r="%d"><c r="XFD%d" t="s"><v>0</v></c></row>' % (i, i) for i in range(1, rows + 1)
    )
    shared = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
    return "宽表.xlsx", _xlsx(_SHEET_HEAD + cells + b"</sheetData></worksheet>", shared)


def xlsx_corners() -> tuple[str, bytes]:
    """Two cells, at A1 and at the sheet's far corner XFD1048576: a grid of 17 billion cells."""
    cells = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>'
    shared = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
    return "角落.xlsx", _xlsx(_SHEET_HEAD + cells + b"</sheetData></worksheet>", shared)


def pdf_slow(characters: int = 200_000) -> tuple[str, bytes]:
    """A few KB of PDF whose one page draws `characters` characters (its stream is compressed)."""
    line = b"BT /F1 1 Tf 10 10 Td (a) Tj ET\n"
    return "慢速解析.pdf", _pdf(line * characters)


def pdf_dense(characters: int = 300_000) -> tuple[str, bytes]:
    """One string of `characters` characters on one page: a content stream of a few hundred KB
    unpacked, under any cap on its size, and as slow to lay out as pdf_slow."""
    return "密集文字.pdf", _pdf(b"BT /F1 1 Tf 10 10 Td (" + b"a" * characters + b") Tj ET\n")


def pdf_javascript() -> tuple[str, bytes]:
    """A PDF that runs JavaScript when opened, its names written with #-escapes (/J#61vaScript
    is /JavaScript) as malware does to pass a search for the plain word."""
    action = b"/OpenAction << /S /J#61vaScript /J#53 (app.alert('x')) >>"
    return "整改报告.pdf", _pdf(b"BT /F1 12 Tf 72 720 Td (report) Tj ET\n", catalog=action)


def pdf_launch() -> tuple[str, bytes]:
    """A PDF whose opening action starts a program."""
    action = b"/OpenAction << /S /Launch /F (C:\\Windows\\System32\\calc.exe) >>"
    return "工作台账.pdf", _pdf(b"BT /F1 12 Tf 72 720 Td (ledger) Tj ET\n", catalog=action)


def _pdf(content: bytes, *, catalog: bytes = b"") -> bytes:
    """A one-page PDF drawing `content` (compressed), `catalog` added to its catalog."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % o for o in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_huge(size_mb: int = 15) -> tuple[str, bytes]:
    """A plain text of `size_mb` MB (a narrative pasted many times over)."""
    return "超长文本.txt", ("本期完成网格巡查，排查隐患。" * (size_mb * MB // 42)).encode()


def docx_entities() -> tuple[str, bytes]:
    """A Word file whose XML declares entities that expand a billion times (billion laughs)."""
    entities = "".join(f'<!ENTITY {chr(98 + i)} "{f"&{chr(97 + i)};" * 10}">' for i in range(9))
    dtd = f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "haha">{entities}'.encode()
    return "实体炸弹.docx", _docx(
        dtd + b"]>" + _W + b"<w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>"
    )


def xlsx_macro() -> tuple[str, bytes]:
    """A workbook carrying a VBA project (macros that run when it is opened with macros enabled)."""
    _, data = xlsx_wide(rows=1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts: dict[str, bytes | Callable[[zipfile.ZipFile, str], None]] = {
            n: z.read(n) for n in z.namelist()
        }
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Attribute VB_Name"
    return "带宏的表.xlsx", _zip(parts)


def png_bomb(side: int = 10_000) -> tuple[str, bytes]:
    """A grey PNG of side × side pixels (100 million), some 100 KB on disk: its pixels are zeros."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (side + 1)  # the filter byte, then the row
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return "现场照片.png", _png(side, side, idat)


def png_fake() -> tuple[str, bytes]:
    """A PNG signature and header in front of bytes that are no picture."""
    return "截图.png", _png(64, 64, b"this is not compressed image data" * 8)


def _png(width: int, height: int, idat: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_polyglot() -> tuple[str, bytes]:
    """A real photograph (JPEG, written by Pillow) that is also a zip archive holding a web page
    and a program: opened as a picture it shows, unpacked it delivers."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture, "JPEG")
    archive = _zip({"index.html": b"<script>alert(1)</script>", "readme.txt": b"x"})
    return "现场照片.jpg", picture.getvalue() + archive


MAKERS: dict[str, Callable[[], tuple[str, bytes]]] = {
    "docx-bomb": docx_bomb,
    "docx-deep": docx_deep,
    "docx-with-program": docx_with_program,
    "xlsx-shared-strings-bomb": xlsx_shared_strings_bomb,
    "xlsx-wide": xlsx_wide,
    "xlsx-corners": xlsx_corners,
    "pdf-slow": pdf_slow,
    "pdf-dense": pdf_dense,
    "pdf-javascript": pdf_javascript,
    "pdf-launch": pdf_launch,
    "text-huge": text_huge,
    "docx-entities": docx_entities,
    "xlsx-macro": xlsx_macro,
    "png-bomb": png_bomb,
    "png-fake": png_fake,
    "jpeg-polyglot": jpeg_polyglot,
}
