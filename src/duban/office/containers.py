"""What a file holds, looked at whole rather than by its first bytes: for the files duban keeps and
hands out again (evidence, the documents behind imported plans).

- a .docx/.xlsx (a zip package): its size unpacked, from the zip's directory, before anything is
  unpacked; no program inside (.exe, .dll, .js, .bat, .cmd, .scr, .msi …, by name or by a Windows
  program's header in any part, embedded packages included), no macros (vbaProject.bin, ActiveX);
  every XML part well-formed, without a DOCTYPE (Office never writes one: it is how XML bombs and
  external entities come in) and nested at most `xml_depth` levels;
- a PDF: no JavaScript, no Launch action (which starts a program), no embedded program, read
  object by object (pdfminer decodes names written as /J#61vaScript);
- a PNG/JPEG: really the picture it claims, decoded whole (a JPEG at an eighth of its size, which
  still reads every block), at most `image_pixels`;
- any file: no Windows program and no zip archive hidden in it (polyglots: a picture that is
  also an archive).

Pure Python (no Django): the callers run `inspect_file` in duban.sandbox's limited child, since a
crafted file can make any of these checks slow or large. Refusals are ContainerRefused with a
Chinese message naming the file and what was found.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

MB = 1024 * 1024

# Programs Windows (or a browser) runs when opened; none belongs inside an office document.
PROGRAM_SUFFIXES = frozenset(
    {
        ".exe",
        ".dll",
        ".js",
        ".jse",
        ".bat",
        ".cmd",
        ".scr",
        ".msi",
        ".msp",
        ".com",
        ".cpl",
        ".pif",
        ".vbs",
        ".vbe",
        ".wsf",
        ".wsh",
        ".ps1",
        ".hta",
        ".jar",
        ".lnk",
        ".reg",
        ".sys",
        ".ocx",
        ".sh",
    }
)  # fmt: skip (a set of suffixes, read better packed)
_MACRO_PART = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.IGNORECASE)
_XML_PART = (".xml", ".rels", ".vml")
_ZIP_MAGIC = b"PK\x03\x04"
_IMAGE_FORMATS = {"png": "PNG", "jpeg": "JPEG"}


class ContainerRefused(Exception):
    """The file holds what it may not; the message (Chinese) names the file and what."""


@dataclass(frozen=True)
class ContainerLimits:
    unpacked_mb: int = 100  # every part of a package together, embedded packages included
    xml_depth: int = 256  # libxml2's own default limit; Word nests a few dozen levels
    image_pixels: int = 50_000_000  # a 50-megapixel photograph; Pillow's default allows 89
    nesting: int = 2  # packages inside packages looked into


def inspect_file(name: str, data: bytes, *, kind: str, caps: ContainerLimits = ContainerLimits()) -> None:
    """Refuse (ContainerRefused) a file of `kind` ("docx", "xlsx", "zip", "pdf", "png", "jpeg";
    anything else gets only the checks every file gets) that holds what it may not. (`caps`, not
    `limits`: duban.sandbox's run_limited takes that name for its own.)"""
    limits = caps
    if kind in ("docx", "xlsx", "zip"):
        _Package(name, limits).inspect(data, depth=0)
        return
    program = program_offset(data)
    if program is not None:
        raise ContainerRefused(f"{name}：文件中藏有可执行程序（第 {program} 字节起），不能上传")
    if kind in ("pdf", "png", "jpeg") and _is_zip(data):
        raise ContainerRefused(f"{name}：文件中还夹带了压缩包，不是单纯的 {kind.upper()} 文件，不能上传")
    if kind == "pdf":
        _inspect_pdf(name, data)
    elif kind in _IMAGE_FORMATS:
        _inspect_image(name, data, kind, limits)


def program_offset(data: bytes) -> int | None:
    """Where a Windows program (an MZ header whose PE header is where it says) or a Linux one
    (ELF at the start) begins in `data`, or None."""
    if data.startswith(b"\x7fELF"):
        return 0
    at = data.find(b"MZ")
    while at != -1:
        if at + 64 <= len(data):
            (pe,) = struct.unpack_from("<I", data, at + 60)
            if 64 <= pe < 4096 and data[at + pe : at + pe + 4] == b"PE\x00\x00":
                return at
        at = data.find(b"MZ", at + 2)
    return None


def _is_zip(data: bytes) -> bool:
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except (OSError, ValueError):
        return False


class _Package:
    """A zip package, and the packages inside it, against one budget of unpacked bytes."""

    def __init__(self, name: str, limits: ContainerLimits) -> None:
        self.name = name
        self.limits = limits
        self.left = limits.unpacked_mb * MB

    def inspect(self, data: bytes, *, depth: int) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
            raise ContainerRefused(f"{self.name}：文件已损坏或不是 Office 文档（不是有效的 zip 包）") from exc
        self.left -= sum(info.file_size for info in infos)
        if self.left < 0:
            raise ContainerRefused(f"{self.name}：解压后超过 {self.limits.unpacked_mb} MB 的上限")
        for info in infos:
            self._check_name(info)
        for info in infos:
            if not info.is_dir():
                self._check_part(archive, info, depth)

    def _check_name(self, info: zipfile.ZipInfo) -> None:
        part = info.filename
        if PurePosixPath(part).suffix.lower() in PROGRAM_SUFFIXES:
            raise ContainerRefused(f"{self.name}：包含可执行程序（{part}），不能上传")
        if _MACRO_PART.search(part):
            raise ContainerRefused(f"{self.name}：包含宏或控件（{part}），请另存为不含宏的文档后上传")
        if info.flag_bits & 0x1:
            raise ContainerRefused(f"{self.name}：包含加密的部分（{part}），无法检查，不能上传")

    def _check_part(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, depth: int) -> None:
        part = info.filename
        try:
            if part.lower().endswith(_XML_PART):
                with archive.open(info) as stream:
                    self._check_xml(part, stream)
                return
            content = archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise ContainerRefused(f"{self.name}：文件已损坏（{part} 无法解压）") from exc
        if program_offset(content) is not None:
            raise ContainerRefused(f"{self.name}：包含可执行程序（{part}），不能上传")
        if content.startswith(_ZIP_MAGIC):
            if depth >= self.limits.nesting:
                raise ContainerRefused(f"{self.name}：压缩包嵌套过深（{part}），不能上传")
            self.inspect(content, depth=depth + 1)

    def _check_xml(self, part: str, stream: Any) -> None:
        parser = xml.parsers.expat.ParserCreate()
        depth = 0
        limit = self.limits.xml_depth

        def start(_name: str, _attributes: Any) -> None:
            nonlocal depth
            depth += 1
            if depth > limit:
                raise ContainerRefused(f"{self.name}：XML 嵌套超过 {limit} 层的上限（{part}）")

        def end(_name: str) -> None:
            nonlocal depth
            depth -= 1

        def doctype(*_args: Any) -> None:
            raise ContainerRefused(f"{self.name}：{part} 含有 DOCTYPE 声明（Office 文档不会有），不能上传")

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.StartDoctypeDeclHandler = doctype
        try:
            for chunk in _chunks(stream):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except xml.parsers.expat.ExpatError as exc:
            raise ContainerRefused(f"{self.name}：文件已损坏（{part} 不是有效的 XML）") from exc


def _chunks(stream: Any) -> Iterator[bytes]:
    while chunk := stream.read(MB):
        yield chunk


# --- PDF -------------------------------------------------------------------------------------------


def _inspect_pdf(name: str, data: bytes) -> None:
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except PDFPasswordIncorrect as exc:
        raise ContainerRefused(f"{name}：PDF 有打开密码，无法检查，请上传未加密的文件") from exc
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        raise ContainerRefused(f"{name}：文件已损坏或不是 PDF 格式") from exc
    for objid in _object_ids(document):
        try:
            obj = document.getobj(objid)
        except Exception:  # a dangling or broken object: nothing in it can act
            continue
        found = _active(obj, 0)
        if found:
            raise ContainerRefused(f"{name}：PDF {found}，不能上传")


def _object_ids(document: Any) -> Iterator[int]:
    seen: set[int] = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            if objid not in seen:
                seen.add(objid)
                yield objid


def _active(obj: Any, depth: int) -> str | None:
    """What in a PDF object (looked through its direct dictionaries and arrays) would act when the
    file is opened: JavaScript, a Launch action, an embedded program; None if nothing."""
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import PSLiteral

    if depth > 32:
        return None
    if isinstance(obj, PDFStream):
        obj = obj.attrs
    if isinstance(obj, list):
        return next((f for item in obj if (f := _active(item, depth + 1))), None)
    if not isinstance(obj, dict):
        return None
    if "JS" in obj or "JavaScript" in obj:
        return "含 JavaScript 脚本"
    action = obj.get("S")
    if isinstance(action, PSLiteral) and action.name in ("JavaScript", "Launch"):
        return "含 JavaScript 脚本" if action.name == "JavaScript" else "含启动外部程序的动作（Launch）"
    for key in ("F", "UF"):
        file_name = obj.get(key)
        if isinstance(file_name, bytes) and _program_name(file_name):
            return f"附带可执行程序（{_decoded(file_name)}）"
    return next((f for value in obj.values() if (f := _active(value, depth + 1))), None)


def _program_name(raw: bytes) -> bool:
    return PurePosixPath(_decoded(raw).replace("\\", "/")).suffix.lower() in PROGRAM_SUFFIXES


def _decoded(raw: bytes) -> str:
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("latin-1")


# --- images ----------------------------------------------------------------------------------------


def _inspect_image(name: str, data: bytes, kind: str, limits: ContainerLimits) -> None:
    from PIL import Image

    expected = _IMAGE_FORMATS[kind]
    label = "JPG" if kind == "jpeg" else kind.upper()
    Image.MAX_IMAGE_PIXELS = limits.image_pixels  # in the sandbox's child: the worker's Pillow is untouched
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise ContainerRefused(f"{name}：文件内容不是 {label} 图片（而是 {image.format}）")
                if image.width * image.height > limits.image_pixels:
                    raise _too_many_pixels(name, image.width, image.height, limits)
                if image.format == "JPEG":
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ContainerRefused(f"{name}：图片像素过多，上限 {limits.image_pixels // 10000} 万像素") from exc
    except ContainerRefused:
        raise
    except Exception as exc:  # Pillow's refusals of a broken picture: OSError, SyntaxError, ValueError …
        raise ContainerRefused(f"{name}：图片已损坏或不是 {label} 格式") from exc


def _too_many_pixels(name: str, width: int, height: int, limits: ContainerLimits) -> ContainerRefused:
    return ContainerRefused(
        f"{name}：图片过大（{width}×{height} 像素），上限 {limits.image_pixels // 10000} 万像素"
    )
