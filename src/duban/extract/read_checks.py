"""What every format reader shares: the refusal of encrypted files, the zip-package check and the
short reason given for a library's exception.

read.py picks a reader and imports it when first needed; the readers (read_docx, read_sheet,
read_pdf …) import only this module, never read.py, so the arrows run one way:
read → read_<format> → read_checks.
"""

from __future__ import annotations

import io
import zipfile

from duban.extract.errors import ExtractError

ENCRYPTED = "encrypted/password-protected documents cannot be read; save an unprotected copy"

MAX_UNZIPPED = 1024 * 1024 * 1024


def check_zip(data: bytes, *, filename: str, folder: str, kind: str) -> None:
    """Refuse what is no Office zip package, and zip bombs, before a library reads it all."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise ExtractError(
            f"not a valid {kind} file (corrupt, or not a zip package)", filename=filename
        ) from exc
    if not any(info.filename.startswith(folder) for info in infos):
        raise ExtractError(f"not a {kind} file: a zip archive without its {folder} part", filename=filename)
    if sum(info.file_size for info in infos) > MAX_UNZIPPED:
        raise ExtractError(f"the {kind} file unpacks to more than {MAX_UNZIPPED >> 20} MB", filename=filename)


def reason(exc: BaseException) -> str:
    """A short, one-line reason from a library exception."""
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
