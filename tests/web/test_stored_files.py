"""Stored files: written whole under a temporary name and renamed, deleted again when the
transaction rolls back, and what a killed request leaves (files no row names, Django's temporary
upload files) swept when older than an hour, audited as a count."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from duban.accounts.models import User
from duban.audit.files import sweep_files
from duban.audit.models import AuditEvent
from duban.evidence import PART, files_kept_only_on_commit, store_file
from duban.plans.models import Plan, SourceDocument

HOUR = 3600
# The data folder as configured, before each test here gets a folder of its own.
CONFIGURED = Path(settings.MEDIA_ROOT), Path(settings.FILE_UPLOAD_TEMP_DIR)


@pytest.fixture(autouse=True)
def data_folder(settings: Any, tmp_path: Path) -> None:
    """A data folder of the test's own: the session's is shared by every test, whose files
    outlive their rolled-back rows."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()


def _age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _orphan(name: str, *, age: float, folder: str = "evidence/2025/01") -> Path:
    path = Path(settings.MEDIA_ROOT) / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"left behind")
    return _age(path, age)


@pytest.fixture
def source(small_plan: Plan) -> SourceDocument:
    document = small_plan.source
    assert document is not None
    return document


def test_it_writes_a_file_whole_under_its_name_and_leaves_no_part(source: SourceDocument) -> None:
    store_file(source.file, "新方案.txt", b"content")
    path = Path(source.file.path)
    assert path.read_bytes() == b"content" and path.suffix == ".txt" and "新方案" not in path.name
    assert not list(path.parent.glob(f"*{PART}"))


def test_it_deletes_a_file_whose_transaction_rolls_back(source: SourceDocument) -> None:
    with pytest.raises(RuntimeError), files_kept_only_on_commit(), transaction.atomic():
        store_file(source.file, "新方案.txt", b"content")
        written = Path(source.file.path)
        assert written.exists()
        raise RuntimeError("the request fails after the file was written")
    assert not written.exists()


def test_it_sweeps_an_old_file_no_row_names_and_audits_the_count(source: SourceDocument) -> None:
    orphan = _orphan("deadbeef.pdf", age=2 * HOUR)
    half = _orphan("cafe.pdf" + PART, age=2 * HOUR)
    kept = Path(source.file.path)
    _age(kept, 2 * HOUR)  # old, but its row names it
    removed = sweep_files()
    assert not orphan.exists() and not half.exists() and kept.exists()
    assert sorted(removed) == ["evidence/2025/01/cafe.pdf.part", "evidence/2025/01/deadbeef.pdf"]
    event = AuditEvent.objects.get(action="sweep_files")
    assert event.actor is None and event.after["removed"] == 2 and "清理无主文件 2 个" in event.summary


def test_it_keeps_a_recent_file_no_row_names_yet(source: SourceDocument) -> None:
    recent = _orphan("fresh.pdf", age=10 * 60)  # a request may still be writing its row
    assert sweep_files() == [] and recent.exists()
    assert not AuditEvent.objects.filter(action="sweep_files").exists()


def test_it_sweeps_old_temporary_upload_files(db: Any) -> None:
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR)
    old, young = spool / "tmpab12cd.upload.docx", spool / "tmpzz99.upload.pdf"
    old.write_bytes(b"x")
    young.write_bytes(b"y")
    _age(old, 2 * HOUR)
    assert sweep_files() == ["tmp/tmpab12cd.upload.docx"]
    assert not old.exists() and young.exists()


def test_the_command_sweeps_with_its_own_age(users: dict[str, User], capsys: Any) -> None:
    orphan = _orphan("old.png", age=20 * 60)
    call_command("sweep_files", "--older-than", "30")
    assert orphan.exists()
    call_command("sweep_files", "--older-than", "15")
    assert not orphan.exists()
    assert "清理无主文件 1 个" in capsys.readouterr().out


def test_uploads_are_spooled_inside_the_data_folder_but_outside_its_backed_up_files() -> None:
    media, spool = CONFIGURED
    assert spool.is_dir() and spool.parent == media.parent and spool != media
