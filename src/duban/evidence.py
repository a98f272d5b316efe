"""Evidence files (佐证材料): which files are accepted, and how they are stored.

Shared below the features: tracking keeps a report's evidence, the assessment an incident's; both
check an upload here and store it here. It knows no feature's models: a file is stored into
whatever model's FileField the caller gives.

A file is accepted by its suffix, its size (settings.MAX_UPLOAD_BYTES), the way its content
begins (a renamed .exe is no pdf), and then by what it holds, looked at whole in duban.sandbox's
limited child (duban.office.containers): a docx or xlsx must be a zip holding its main part and no
program or macro, unpacking to at most 100 MB; a PDF without JavaScript or Launch actions; a
picture that decodes as the picture it claims to be.

Stored files (evidence, and the documents behind imported plans) get a random name: the original
name may say more than a path should. A file is written under a temporary name (NAME.part) and
renamed once whole, so that a request killed while writing never leaves a half-written file
under a real name (nor in a backup: backups skip .part files); inside files_kept_only_on_commit
a rolled-back transaction deletes what it wrote. The rename comes when the file is whole, not at
the commit: the tests (and any caller) run inside transactions that never commit, and a file a
row does not reach is an orphan either way. What a kill between the rename and the commit
leaves behind, and Django's own temporary upload files, are swept (sweep_orphans, older than an
hour: `duban serve` at start and `duban manage sweep_files`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path, PurePath

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import models
from django.db.models.fields.files import FieldFile

from duban.office.containers import ContainerLimits, ContainerRefused, inspect_file
from duban.sandbox import LimitExceeded, Limits, run_limited

__all__ = [
    "EVIDENCE_TYPES",
    "EvidenceRejected",
    "check_evidence",
    "check_evidence_upload",
    "evidence_accept",
    "file_name",
    "files_kept_only_on_commit",
    "store_file",
    "sweep_orphans",
]

# What looking into one evidence file may cost (duban.sandbox): unpacking a 20 MB package to its
# 100 MB cap and reading its XML takes about a second; decoding a 50-megapixel photograph about
# 150 MB.
LIMITS = Limits(memory_mb=512, cpu_seconds=10, wall_seconds=15)
CONTAINER_LIMITS = ContainerLimits(unpacked_mb=100)
PART = ".part"  # the suffix of a file still being written


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
_KIND = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".docx": "docx", ".xlsx": "xlsx"}


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
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):  # what a crafted zip raises
            ok = False
        if not ok:
            raise EvidenceRejected(f"{name}：文件已损坏或不是 {suffix.lstrip('.')} 格式")
    check_contents(name, data, kind=_KIND[suffix])
    return content_type


def check_contents(name: str, data: bytes, *, kind: str) -> None:
    """What the file holds, looked at whole in a limited child (duban.office.containers), or
    EvidenceRejected naming the file: a program, a macro, a script, a bomb, a fake picture."""
    try:
        run_limited(inspect_file, name, data, kind=kind, caps=CONTAINER_LIMITS, limits=LIMITS)
    except ContainerRefused as exc:
        raise EvidenceRejected(str(exc)) from exc
    except LimitExceeded as exc:
        raise EvidenceRejected(f"{name}：{exc.reason}") from exc


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
    itself is not saved. The file has its name only once it is whole (written as NAME.part, then
    renamed); inside files_kept_only_on_commit it goes again on a rollback."""
    random_name = uuid.uuid4().hex + PurePath(name).suffix.lower()
    storage = file.storage
    if isinstance(storage, FileSystemStorage):
        stored = storage.get_available_name(file.field.generate_filename(file.instance, random_name))
        _write_whole(Path(storage.path(stored)), data)
        # The model's field now names the stored file (a name is a committed file to Django: the
        # model's save writes nothing again).
        setattr(file.instance, file.field.attname, stored)
    else:
        # An object store (DUBAN_FILE_STORAGE) writes an object whole or not at all.
        file.save(random_name, ContentFile(data), save=False)
        stored = file.name or ""
    written = _new_files.get()
    if written is not None and stored:
        written.append((storage, stored))


def _write_whole(path: Path, data: bytes) -> None:
    part = path.with_name(path.name + PART)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(part, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise


def sweep_orphans(*, now: dt.datetime, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Remove the stored files no row names (half-written .part files included) and Django's
    temporary upload files, when older than `older_than` (a younger one may belong to a request
    still running, on this server or another sharing the folder). Returns what was removed: stored
    names, and the temporary files as "tmp/NAME"."""
    storage = default_storage
    named = _named_files()
    removed = [
        name
        for name, modified in _stored_files(storage)
        if name not in named and now - modified > older_than and _delete(storage, name)
    ]
    temporary = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if temporary and Path(temporary).is_dir():
        for path in Path(temporary).iterdir():
            with contextlib.suppress(OSError):
                modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
                if path.is_file() and now - modified > older_than:
                    path.unlink()
                    removed.append(f"tmp/{path.name}")
    return removed


def _named_files() -> set[str]:
    """Every file name a row holds, in every model with a file field."""
    named: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.storage is default_storage:
                values = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                named.update(str(v) for v in values.iterator() if v)
    return named


def _stored_files(storage: Storage, folder: str = "") -> Iterator[tuple[str, dt.datetime]]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        name = f"{folder}/{file}" if folder else file
        with contextlib.suppress(OSError):
            yield name, storage.get_modified_time(name)
    for sub in folders:
        yield from _stored_files(storage, f"{folder}/{sub}" if folder else sub)


def _delete(storage: Storage, name: str) -> bool:
    try:
        storage.delete(name)
    except OSError:
        return False
    return True
