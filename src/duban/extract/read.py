"""Files → a Document of paragraphs and tables (the first stage of extraction).

The format is chosen by the file's extension, corrected by what the bytes are (a ".xls" that is
really an HTML table, a ".doc" that is really a .docx), and sniffed when there is no known
extension.  Each format has its reader module beside this one; they are imported when first
needed so that importing this module stays cheap.  What the readers share (check_zip,
ENCRYPTED, reason) is in read_checks.py, which they import instead of this module.

Every failure is an ExtractError naming the file: library exceptions are caught at the format
boundary here, so no traceback ever reaches a user.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from duban.extract.document import Document, Paragraph, Table
from duban.extract.errors import ExtractError, LimitError
from duban.extract.read_checks import DEFAULT_LIMITS, ENCRYPTED, ReadLimits, reason
from duban.extract.read_decode import decode_text

__all__ = ["MAX_BYTES", "SUFFIXES", "ReadLimits", "kind_of", "read_bytes", "read_path", "read_text"]

MAX_BYTES = 50 * 1024 * 1024

_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".pdf": "pdf",
    ".doc": "doc",
    ".wps": "doc",
}
SUFFIXES: frozenset[str] = frozenset(_BY_SUFFIX)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# Office encrypts a .docx/.xlsx by wrapping it in an OLE2 container with these streams.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_MARKUP = re.compile(rb"<(!doctype\s+html|html|body|table)[\s>]", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_path(path: Path, *, name: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    """Read a file; `name` (default: the file's name) names it in the Document and in errors."""
    label = name or path.name or str(path)
    try:
        if path.is_dir():
            raise ExtractError("this is a directory, not a file", filename=label)
        if path.exists() and not path.is_file():
            # A FIFO or a device would block or never end.
            raise ExtractError("this is not a regular file", filename=label)
        if path.stat().st_size > MAX_BYTES:
            raise ExtractError(_too_large(), filename=label)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ExtractError(f"no such file: {path}", filename=label) from exc
    except PermissionError as exc:
        raise ExtractError("permission denied", filename=label) from exc
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL byte
        raise ExtractError(f"cannot read the file: {reason(exc)}", filename=label) from exc
    suffix = _suffix(label) if _suffix(label) in SUFFIXES else _suffix(path.name)
    return _read(data, filename=label, suffix=suffix, limits=limits)


def read_bytes(data: bytes, *, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    """Read a file's bytes; the format comes from `filename`'s extension, or from the bytes."""
    return _read(data, filename=filename, suffix=_suffix(filename), limits=limits)


def kind_of(data: bytes, *, filename: str) -> str:
    """The reader a file's bytes go to: text, csv, html, docx, xlsx, xls, pdf or doc (a .doc or
    .wps, which LibreOffice converts first)."""
    return _detect(data, _suffix(filename), filename=filename)


def read_text(text: str, *, name: str) -> Document:
    """A document given as a string: one paragraph per non-blank line.  Never raises."""
    return text_document(text, name=name)


def text_document(text: str, *, name: str) -> Document:
    """One Paragraph per non-blank line, kept as it is (tabs mark flattened tables); `where`
    gives the real 1-based line number, blank lines counted."""
    text = text.removeprefix("\ufeff")
    blocks = tuple(
        Paragraph(line, where=f"line {number}")
        for number, line in enumerate(_LINE_BREAK.split(text), start=1)
        if line.strip()
    )
    return Document(name=name, blocks=blocks)


def _read(data: bytes, *, filename: str, suffix: str, limits: ReadLimits) -> Document:
    if not data:
        raise ExtractError("empty file", filename=filename)
    if len(data) > MAX_BYTES:
        raise ExtractError(_too_large(), filename=filename)
    kind = _detect(data, suffix, filename=filename)
    if kind in ("text", "csv") and limits.characters is not None and len(data) > 4 * limits.characters:
        # No encoding spends more than four bytes a character: refused before it is decoded.
        _too_much_text(filename, limits.characters, None)
    try:
        document = _reader(kind, limits)(data, filename)
    except ExtractError:
        raise
    except Exception as exc:  # the format boundary: whatever a library raises becomes one message
        raise ExtractError(
            f"cannot read this {_DESCRIPTION[kind]} ({reason(exc)}); is the file corrupt?", filename=filename
        ) from exc
    if limits.characters is not None:
        characters = _characters(document)
        if characters > limits.characters:
            _too_much_text(filename, limits.characters, characters)
    return document


def _characters(document: Document) -> int:
    return sum(
        sum(len(cell) for row in block.rows for cell in row) if isinstance(block, Table) else len(block.text)
        for block in document.blocks
    )


def _too_much_text(filename: str, allowed: int, found: int | None) -> None:
    raise LimitError(
        f"the document holds more than {allowed} characters of text",
        filename=filename,
        limit="characters",
        allowed=allowed,
        found=found,
    )


_DESCRIPTION = {
    "text": "text file",
    "csv": "CSV file",
    "html": "HTML page",
    "docx": "Word document",
    "xlsx": "Excel workbook",
    "xls": "Excel workbook",
    "pdf": "PDF",
    "doc": "Word/WPS document",
}


def _detect(data: bytes, suffix: str, *, filename: str) -> str:
    """The reader to use: the extension's, unless the bytes plainly say otherwise."""
    kind = _BY_SUFFIX.get(suffix)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise ExtractError(ENCRYPTED, filename=filename)
        if kind in ("docx", "doc") or (kind is None and _WORD_STREAM in data):
            return "doc"  # a .docx that is an old binary .doc: LibreOffice converts it
        if kind in ("xlsx", "xls") or (kind is None and any(s in data for s in _EXCEL_STREAMS)):
            return "xls"
        if kind is None:
            raise ExtractError(
                "an OLE2 compound file that is neither a Word nor an Excel file", filename=filename
            )
    if kind in ("docx", "doc", "xlsx", "xls", None) and data.startswith(_ZIP_MAGIC):
        # Renamed files are common: a ".doc" that is a .docx, a ".xls" that is an .xlsx.
        return _zip_kind(data, default=kind, filename=filename)
    if kind in ("doc", "xls") and _MARKUP.search(data[:2048]):
        # Web systems export "Excel" and "Word" files that are HTML pages.
        return "html"
    if kind == "doc" and not data.startswith((_OLE_MAGIC, b"{\\rtf")):
        # LibreOffice would import anything else as plain text, junk included; the text reader
        # at least refuses binary data.
        return "text"
    if kind is not None:
        return kind
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if _MARKUP.search(data[:2048]):
        return "html"
    return "text"


def _zip_kind(data: bytes, *, default: str | None, filename: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
        names = []
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if default is not None:
        return {"doc": "docx", "xls": "xlsx"}.get(default, default)  # the reader names the defect
    raise ExtractError("a zip archive that is neither a .docx nor an .xlsx file", filename=filename)


def _reader(kind: str, limits: ReadLimits) -> Callable[[bytes, str], Document]:
    # Imported here: pdfplumber, openpyxl and python-docx take a while to import.
    if kind == "html":
        from duban.extract.read_html import read_html

        return lambda data, filename: read_html(data, filename=filename)
    if kind in ("docx", "doc"):
        from duban.extract.read_docx import read_doc, read_docx

        reader = read_docx if kind == "docx" else read_doc
        return lambda data, filename: reader(data, filename=filename, limits=limits)
    if kind in ("xlsx", "xls", "csv"):
        from duban.extract.read_sheet import read_csv, read_xls, read_xlsx

        if kind == "xlsx":
            return lambda data, filename: read_xlsx(data, filename=filename, limits=limits)
        sheet = {"xls": read_xls, "csv": read_csv}[kind]
        return lambda data, filename: sheet(data, filename=filename)
    if kind == "pdf":
        from duban.extract.read_pdf import read_pdf

        return lambda data, filename: read_pdf(data, filename=filename, limits=limits)
    return lambda data, filename: text_document(decode_text(data, filename=filename), name=filename)


def _suffix(filename: str) -> str:
    return os.path.splitext(filename)[1].lower()


def _too_large() -> str:
    return f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"
