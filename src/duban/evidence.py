"""Evidence files (佐证材料): which files are accepted, and how they are stored.

Shared below the features: tracking keeps a report's evidence, the assessment an incident's; both
check an upload here and store it here. It knows no feature's models: a file is stored into
whatever model's FileField the caller gives.

A file is accepted by its suffix, its size (settings.MAX_UPLOAD_BYTES) and the way its content
begins (a renamed .exe is no pdf); a docx or xlsx must be a zip holding its main part. It is
stored under a random name: the original name may say more than a path should.
"""

from __future__ import annotations

import contextlib
import io
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile

__all__ = [
    "EVIDENCE_TYPES",
    "EvidenceRejected",
    "check_evidence",
    "check_evidence_upload",
    "evidence_accept",
    "file_name",
    "files_kept_only_on_commit",
    "store_file",
]


class EvidenceRejected(Exception):
    """An evidence file of a type or size that is not allowed; the message names the file, in Chinese."""


# suffix → (content type, how the file must begin)
EVIDENCE_TYPES: Mapping[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
_OOXML_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def evidence_accept() -> str:
    """The file types a form's file input offers (its accept attribute)."""
    return ",".join(EVIDENCE_TYPES)


def file_name(name: str) -> str:
    """The name an upload is kept under: its last part, whether the browser sent a Windows or a
    POSIX path, at most 255 characters."""
    return PurePath(name.replace("\\", "/")).name[:255] or "file"


def check_evidence_upload(name: str, size: int) -> None:
    """The checks that need no content (type by name, size): a form makes them before it reads a
    large upload into memory. check_evidence makes them again, with the content."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = "、".join(sorted({s.lstrip(".") for s in EVIDENCE_TYPES} - {"jpeg"}))
        raise EvidenceRejected(f"{name}：不支持的文件类型“{suffix or '无扩展名'}”，可上传 {allowed}")
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise EvidenceRejected(f"{name}：文件过大（{size / 1048576:.1f} MB），上限 {limit / 1048576:g} MB")


def check_evidence(name: str, data: bytes) -> str:
    """The content type of an acceptable evidence file, or EvidenceRejected naming the file."""
    check_evidence_upload(name, len(data))
    suffix = PurePath(name).suffix.lower()
    if not data:
        raise EvidenceRejected(f"{name}：文件为空")
    content_type, magic = EVIDENCE_TYPES[suffix]
    if not data.startswith(magic):
        raise EvidenceRejected(f"{name}：文件内容不是 {suffix.lstrip('.')} 格式")
    if suffix in _OOXML_PART:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                ok = _OOXML_PART[suffix] in z.namelist()
        except zipfile.BadZipFile:
            ok = False
        if not ok:
            raise EvidenceRejected(f"{name}：文件已损坏或不是 {suffix.lstrip('.')} 格式")
    return content_type


_new_files: ContextVar[list[tuple[Storage, str]] | None] = ContextVar(
    "duban_new_evidence_files", default=None
)


@contextmanager
def files_kept_only_on_commit() -> Iterator[None]:
    """Around a transaction that stores evidence files: if the block ends in an exception (so the
    transaction rolled back and no row names them), the files it wrote are deleted again. Nested
    uses answer to the outermost, which must enclose the outermost transaction."""
    if _new_files.get() is not None:
        yield
        return
    written: list[tuple[Storage, str]] = []
    token = _new_files.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    finally:
        _new_files.reset(token)


def store_file(file: FieldFile, name: str, data: bytes) -> None:
    """Write `data` into a model's file field under a random name with `name`'s suffix; the model
    itself is not saved. Inside files_kept_only_on_commit the file goes again on a rollback."""
    file.save(uuid.uuid4().hex + PurePath(name).suffix.lower(), ContentFile(data), save=False)
    written = _new_files.get()
    if written is not None and file.name:
        written.append((file.storage, file.name))
