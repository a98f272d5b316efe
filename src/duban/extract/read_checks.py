"""What every format reader shares: the refusal of encrypted files, the limits on what reading a
file may cost (ReadLimits), the zip-package check and the short reason given for a library's
exception.

read.py picks a reader and imports it when first needed; the readers (read_docx, read_sheet,
read_pdf …) import only this module, never read.py, so the arrows run one way:
read → read_<format> → read_checks.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from duban.extract.errors import ExtractError, LimitError

ENCRYPTED = "encrypted/password-protected documents cannot be read; save an unprotected copy"

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may cost, checked before the cost is paid. The defaults are far above
    any real decomposition document (the largest we know unpack to a few MB, draw a few thousand
    characters a page and hold a few hundred thousand characters) and far below what hurts: a
    149 KB .docx of 51 MB of XML, a 3.5 KB PDF page of 200,000 characters."""

    unpacked_mb: int = 100  # a .docx/.xlsx package, all its parts together, from the zip's directory
    page_content_mb: int = 4  # a PDF page's content streams, decompressed
    page_objects: int = 50_000  # characters, lines and images a PDF page draws
    characters: int | None = None  # the text of the whole document (None: no limit)


DEFAULT_LIMITS = ReadLimits()


def check_zip(data: bytes, *, filename: str, folder: str, kind: str, limits: ReadLimits) -> None:
    """Refuse what is no Office zip package, and zip bombs, before a library reads it all: the
    sizes are those the zip's directory declares, and Python's zipfile never unpacks a part beyond
    its declared size (a part that lies fails its CRC there), so nothing is unpacked to know."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise ExtractError(
            f"not a valid {kind} file (corrupt, or not a zip package)", filename=filename
        ) from exc
    if not any(info.filename.startswith(folder) for info in infos):
        raise ExtractError(f"not a {kind} file: a zip archive without its {folder} part", filename=filename)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.unpacked_mb * MB:
        raise LimitError(
            f"the {kind} file unpacks to {unpacked / MB:.0f} MB, more than the {limits.unpacked_mb} MB allowed",
            filename=filename,
            limit="unpacked_mb",
            allowed=limits.unpacked_mb,
            found=-(-unpacked // MB),
        )


def reason(exc: BaseException) -> str:
    """A short, one-line reason from a library exception."""
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
