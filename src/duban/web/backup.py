"""`duban backup FILE` / `duban restore FILE`: the whole platform in one .tar.gz.

The archive (format duban.backup/1) holds, in this order:
  manifest.json  format, duban version, time, database vendor, applied migrations, row counts,
                 and every file's size and SHA-256
  data.json      Django `dumpdata` JSON of every duban app and of auth's groups, primary keys kept
                 (URLs and audit rows name objects by id) and natural keys for what `migrate`
                 re-creates on its own: permissions are not copied but referred to by
                 (codename, app, model), so the archive loads into any freshly migrated database
  files/…        everything under MEDIA_ROOT (uploaded documents, evidence), same relative paths
Sessions are not copied: everyone logs in again after a restore.

A restore goes only into an empty database (or over existing data with force=True), migrates
first, and loads everything in one transaction: a corrupt archive or a failed load changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from duban import __version__
from duban.evidence import PART

FORMAT = "duban.backup/1"
MANIFEST, DATA, FILES = "manifest.json", "data.json", "files"
# Re-created by `migrate` itself (post_migrate); the archive refers to permissions by natural key.
NOT_COPIED = ("auth.permission",)
# Models that moved to another app (same table, same rows): an archive made before the move names
# them by their old label, and is read as if it named the new one.
MOVED_MODELS = {
    "tracking.notification": "notifications.notification",
    "tracking.unitchannel": "notifications.unitchannel",
    "tracking.delivery": "notifications.delivery",
}
# The fields that name permissions by natural key, [codename, app label, model].
_PERMISSION_FIELDS = ("permissions", "user_permissions")
# What the one-line summary names, in this order.
SUMMARY = (
    ("accounts.user", "个用户"),
    ("units.unit", "个单位"),
    ("plans.plan", "个方案"),
    ("plans.task", "项任务"),
    ("audit.auditevent", "条审计记录"),
)
_READ_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError)
# Rows that do not load: loaddata re-raises whatever the deserializer met (a malformed row is a
# KeyError or TypeError), with the fixture's name in front.
_LOAD_ERRORS = (
    CommandError,
    DatabaseError,
    DeserializationError,
    ValidationError,
    ObjectDoesNotExist,
    ValueError,
    KeyError,
    TypeError,
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is one line naming the file."""


@dataclass
class Summary:
    path: Path
    counts: dict[str, int]
    files: int
    file_bytes: int
    replaced: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        named = "、".join(f"{self.counts.get(label, 0)} {word}" for label, word in SUMMARY)
        rows = sum(self.counts.values())
        return f"{named}，共 {rows} 行数据；{self.files} 个文件（{self.file_bytes / 1048576:.1f} MB）"


def app_labels() -> list[str]:
    """auth, then every duban app: new apps are included without touching this module."""
    return ["auth", *(c.label for c in apps.get_app_configs() if c.name.startswith("duban."))]


def copied_models() -> list[type[models.Model]]:
    out: list[type[models.Model]] = []
    for label in app_labels():
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in NOT_COPIED and model._meta.managed and not model._meta.proxy:
                out.append(model)
    return out


def _with_through_tables() -> list[type[models.Model]]:
    """The copied models and their many-to-many tables: what `sqlsequencereset` resets."""
    out = copied_models()
    for model in list(out):
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through is not None and through._meta.auto_created:
                out.append(through)
    return out


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in copied_models()}


def applied_migrations() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        out.setdefault(app, []).append(name)
    return out


# ---------------------------------------------------------------------------------------------- backup


def backup(path: str | os.PathLike[str]) -> Summary:
    """Write the database and the uploaded files to PATH (.tar.gz), replacing it only when done."""
    target = Path(path)
    if target.is_dir():
        raise BackupError(f"{target}：是一个文件夹，请给出备份文件名（如 duban-备份.tar.gz）")
    if not target.parent.is_dir():
        raise BackupError(f"{target}：所在文件夹 {target.parent} 不存在")
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        # The archive holds password hashes: readable by its owner only.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise BackupError(f"{target}：无法写入（{exc.strerror}）") from exc
    try:
        with tempfile.TemporaryDirectory(prefix="duban-backup-") as tmp, os.fdopen(fd, "wb") as out:
            data = Path(tmp) / DATA
            counts, migrations = _dump(data)
            files = list(_media_files())
            manifest = {
                "format": FORMAT,
                "duban": __version__,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "database": connection.vendor,
                "migrations": migrations,
                "counts": counts,
                "files": [{"path": rel, "size": size, "sha256": digest} for rel, _, size, digest in files],
            }
            with tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                tar.add(data, arcname=DATA, recursive=False)
                for rel, source, _, _ in files:
                    tar.add(source, arcname=f"{FILES}/{rel}", recursive=False)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{target}：写入失败（{exc.strerror or exc}）") from exc
    except (DatabaseError, CommandError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"{target}：读取数据库失败，未写出备份（{_first_line(exc)}；数据库是否已迁移？）"
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(target, counts, len(files), sum(f[2] for f in files))


def _dump(out: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """dumpdata in one transaction, so the rows agree with each other and with the counts."""
    # Inside an enclosing transaction (a test's) the isolation level can no longer be set.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table (READ COMMITTED would give each query its own).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts = row_counts()
        migrations = applied_migrations()
        call_command(
            "dumpdata",
            *app_labels(),
            exclude=list(NOT_COPIED),
            natural_foreign=True,
            output=str(out),
            verbosity=0,
        )
    return counts, migrations


def _media_files() -> Iterator[tuple[str, Path, int, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for source in sorted(root.rglob("*")):
        # A .part file is one still being written (or left by a killed request): not a file yet.
        if source.is_file() and not source.is_symlink() and not source.name.endswith(PART):
            yield source.relative_to(root).as_posix(), source, source.stat().st_size, _sha256(source)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


# --------------------------------------------------------------------------------------------- restore


def restore(path: str | os.PathLike[str], *, force: bool = False) -> Summary:
    """Load a backup into this database and MEDIA_ROOT. Refuses a database that holds data
    unless force=True, which replaces that data (sessions included)."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{source}：文件不存在")
    with tempfile.TemporaryDirectory(prefix="duban-restore-") as tmp:
        manifest = _unpack(source, Path(tmp))
        _follow_moved_models(Path(tmp) / DATA, manifest)
        _prepare_database(source)
        _check_migrations(source, manifest)
        existing = {label: n for label, n in row_counts().items() if n}
        if existing and not force:
            raise BackupError(
                f"{source}：当前数据库已有数据（{_describe(existing)}），恢复只能写入空数据库；"
                "确要用备份替换现有数据，请加 --force"
            )
        try:
            with transaction.atomic():
                _empty_tables()
                call_command("loaddata", str(Path(tmp) / DATA), verbosity=0)
                # What `manage.py sqlsequencereset` prints: loaded rows keep their ids, so
                # PostgreSQL's sequences must move past them (SQLite needs nothing).
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), _with_through_tables()):
                        cursor.execute(sql)
                counts = row_counts()
                if counts != {**dict.fromkeys(counts, 0), **manifest["counts"]}:
                    raise BackupError(f"{source}：载入的行数与备份清单不符，未作任何改动")
                file_bytes = _put_files(Path(tmp) / FILES, manifest["files"])
        except _LOAD_ERRORS as exc:
            raise BackupError(f"{source}：载入失败，未作任何改动（{_first_line(exc)}）") from exc
    return Summary(source, counts, len(manifest["files"]), file_bytes, replaced=existing)


def _prepare_database(source: Path) -> None:
    """Migrate; on a new server the SQLite file's folder may not exist yet."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and name != ":memory:" and not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        raise BackupError(f"{source}：无法准备数据库（{_first_line(exc)}），未作任何改动") from exc


def _unpack(source: Path, into: Path) -> dict[str, Any]:
    """Read the whole archive before touching anything: a truncated or altered file fails here."""
    seen: set[str] = set()
    try:
        with tarfile.open(source, mode="r:gz") as tar:
            for member in tar:
                name = _member_name(source, member)
                if name is None:
                    continue
                stream = tar.extractfile(member)
                if stream is None:
                    raise BackupError(f"{source}：不是有效的 duban 备份（无法读取 {member.name}）")
                dest = into.joinpath(*PurePosixPath(name).parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("wb") as f:
                    shutil.copyfileobj(stream, f)
                seen.add(name)
        manifest = json.loads((into / MANIFEST).read_text("utf-8")) if MANIFEST in seen else None
    except _READ_ERRORS as exc:
        raise BackupError(f"{source}：不是有效的 duban 备份（{_reason(exc)}）") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source}：不是 duban 备份（缺少 {MANIFEST} 或格式不是 {FORMAT}）")
    if DATA not in seen:
        raise BackupError(f"{source}：备份不完整（缺少 {DATA}）")
    if not isinstance(manifest.get("counts"), dict) or not isinstance(manifest.get("files"), list):
        raise BackupError(f"{source}：备份清单 {MANIFEST} 已损坏")
    for entry in manifest["files"]:
        rel = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        safe = bool(rel) and not PurePosixPath(rel).is_absolute() and ".." not in PurePosixPath(rel).parts
        if not safe or f"{FILES}/{rel}" not in seen or _sha256(into / FILES / rel) != entry.get("sha256"):
            raise BackupError(f"{source}：备份中的文件 {rel or '?'} 缺失或已损坏")
    return manifest


def _member_name(source: Path, member: tarfile.TarInfo) -> str | None:
    """The member's safe relative name, None for a folder; anything else makes the archive invalid."""
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts or not name.parts:
        raise BackupError(f"{source}：不是有效的 duban 备份（不安全的路径 {member.name}）")
    if member.isdir():
        return None
    text = name.as_posix()
    if not member.isfile() or not (
        text in (MANIFEST, DATA) or (name.parts[0] == FILES and len(name.parts) > 1)
    ):
        raise BackupError(f"{source}：不是有效的 duban 备份（意外的内容 {member.name}）")
    return text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, EOFError) or "ended before" in text or "unexpected end" in text:
        return "文件不完整，可能被截断"
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
        return f"{MANIFEST} 无法解析"
    known = {
        "not a gzip file": "不是 gzip 压缩的 tar 文件",
        "empty file": "文件为空",
        "bad checksum": "文件已损坏",
        "invalid header": "文件已损坏",
    }
    return next((v for k, v in known.items() if k in text), text or type(exc).__name__)


def _follow_moved_models(data: Path, manifest: dict[str, Any]) -> None:
    """An archive made before a model moved app (MOVED_MODELS) names it, its permissions and its
    audit rows by the old app: rename them as the move's migration did in the database, and in the
    counts the load is checked against. Only such an archive is rewritten (its counts name an old
    label)."""
    counts: dict[str, int] = manifest["counts"]
    if not any(label in counts for label in MOVED_MODELS):
        return
    manifest["counts"] = {MOVED_MODELS.get(label, label): n for label, n in counts.items()}
    try:
        rows = json.loads(data.read_text("utf-8"))
        for row in rows:
            row["model"] = MOVED_MODELS.get(row["model"], row["model"])
            if row["model"] == "audit.auditevent":
                kind = row["fields"]["object_type"]
                row["fields"]["object_type"] = MOVED_MODELS.get(kind, kind)
            for name in _PERMISSION_FIELDS:
                if row["fields"].get(name):
                    row["fields"][name] = [_moved_permission(key) for key in row["fields"][name]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return  # not rows as dumpdata writes them: loading them says what is wrong
    data.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")


def _moved_permission(key: list[str]) -> list[str]:
    codename, app_label, model = key
    moved = MOVED_MODELS.get(f"{app_label}.{model}")
    return [codename, *moved.split(".")] if moved else key


def _check_migrations(source: Path, manifest: dict[str, Any]) -> None:
    known = set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
    archived = manifest.get("migrations") or {}
    newer = sorted(
        f"{app}.{name}" for app, names in archived.items() for name in names if (app, name) not in known
    )
    if newer:
        raise BackupError(
            f"{source}：备份来自更新的 duban 版本（含本版本没有的迁移 {', '.join(newer[:3])}），请先升级 duban 再恢复"
        )


def _empty_tables() -> None:
    """Delete every copied row and every session (a session's user id may now be someone else)."""
    tables = [model._meta.db_table for model in _with_through_tables()]
    if apps.is_installed("django.contrib.sessions"):
        from django.contrib.sessions.models import Session

        tables.append(Session._meta.db_table)
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            # TRUNCATE refuses a table with deferred foreign-key checks still pending in this
            # transaction: run them now, and defer again for the load (rows refer forward).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=False):
            cursor.execute(sql)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _put_files(unpacked: Path, entries: list[dict[str, Any]]) -> int:
    root = Path(settings.MEDIA_ROOT)
    total = 0
    for entry in entries:
        rel = PurePosixPath(str(entry["path"]))
        dest = root.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unpacked.joinpath(*rel.parts), dest)
        total += dest.stat().st_size
    return total


def _describe(counts: dict[str, int]) -> str:
    named = [f"{counts[label]} {word}" for label, word in SUMMARY if counts.get(label)]
    return "、".join(named) or f"{sum(counts.values())} 行"
