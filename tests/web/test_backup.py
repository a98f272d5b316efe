"""`duban backup` / `duban restore`: everything round-trips into a fresh database; a database that
holds data is refused unless --force; a corrupt archive is one line naming the file, and changes nothing."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.test import Client

from duban import cli
from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.audit.record import events_for
from duban.notifications.actions import do_set_unit_channel
from duban.notifications.models import UnitChannel
from duban.notifications.notify import Message, send
from duban.plans.models import Plan, Responsibility, Target, Task
from duban.tracking.models import NotificationKind
from duban.units.models import Unit
from duban.web.backup import MOVED_MODELS, backup, row_counts

from .conftest import SMALL_PLAN

Records = dict[tuple[str, Any], dict[str, Any]]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """A MEDIA_ROOT of the test's own, so uploaded files of other tests stay out of the archive."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def data(users: dict[str, User], small_plan: Plan, media: Path) -> dict[str, Any]:
    """The named users, a stored plan with its source file and audit rows, and a group holding a
    permission (permissions are re-created by migrate, so the archive refers to them by name)."""
    group = Group.objects.create(name="督查组")
    group.permissions.add(Permission.objects.get(codename="view_plan"))
    users["leader"].groups.add(group)
    users["manager"].user_permissions.add(Permission.objects.get(codename="change_plan"))
    return {"users": users, "plan": small_plan}


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def records(archive: Path) -> Records:
    """Every row of an archive's data.json by (model, pk); many-to-many lists sorted."""
    with tarfile.open(archive, "r:gz") as tar:
        stream = tar.extractfile("data.json")
        assert stream is not None
        rows = json.loads(stream.read())
    out: Records = {}
    for row in rows:
        model = apps.get_model(row["model"])
        m2m = {f.name for f in model._meta.many_to_many}
        fields = {k: sorted(v) if k in m2m else v for k, v in row["fields"].items()}
        out[(row["model"], row["pk"])] = fields
    return out


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def write_archive(path: Path, contents: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, body in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


# ------------------------------------------------------------------------------ a truly fresh database


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database beside the test database: a new SQLite file, or a new PostgreSQL database
    on the same server (dropped afterwards) when the suite runs on PostgreSQL."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite://{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg

    name = f"duban_fresh_{secrets.token_hex(4)}"
    params = {"host": db["HOST"], "port": db["PORT"] or None, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}@{db['HOST']}:{db['PORT']}/{name}"
        )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def duban(env: dict[str, str], *argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duban", *map(str, argv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_it_restores_everything_into_a_fresh_database(
    data: dict[str, Any], tmp_path: Path, fresh_database_url: str
) -> None:
    archive = backup(tmp_path / "a.tar.gz").path
    saved = records(archive)
    # What the archive holds: users (with group and permission by name), units, the plan, its
    # tasks, responsibilities and targets, the audit trail and the uploaded document's bytes.
    by_model: dict[str, list[dict[str, Any]]] = {}
    for (model, _pk), fields in saved.items():
        by_model.setdefault(model, []).append(fields)
    assert {u["username"] for u in by_model["accounts.user"]} == set(
        User.objects.values_list("username", flat=True)
    )
    assert {u["name"] for u in by_model["units.unit"]} >= {"区委政法委", "区民政局", "区公安分局", "区司法局"}
    assert [p["title"] for p in by_model["plans.plan"]] == ["XX区平安建设任务分解方案"]
    assert sorted(t["number"] for t in by_model["plans.task"]) == ["1", "2"]
    assert len(by_model["plans.responsibility"]) == Responsibility.objects.count() == 5
    assert len(by_model["plans.target"]) == Target.objects.count() >= 1
    assert len(by_model["audit.auditevent"]) == AuditEvent.objects.count() >= 2
    assert [g["permissions"] for g in by_model["auth.group"]] == [[["view_plan", "plans", "plan"]]]
    source_name = data["plan"].source.file.name
    assert members(archive)[f"files/{source_name}"] == SMALL_PLAN

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "duban.web.settings",
        "DATABASE_URL": fresh_database_url,
        "DUBAN_DATA_DIR": str(tmp_path / "restored"),
        "DUBAN_SECRET_KEY": secrets.token_urlsafe(50),
        "DUBAN_DEBUG": "0",
    }
    env.pop("DUBAN_DEMO", None)
    # A new server: not even the data folder exists yet.
    restored = duban(env, "restore", archive)
    assert restored.returncode == 0, restored.stderr
    assert "1 个方案、2 项任务" in restored.stdout

    again = duban(env, "backup", tmp_path / "b.tar.gz")
    assert again.returncode == 0, again.stderr
    assert records(tmp_path / "b.tar.gz") == saved
    assert (tmp_path / "restored" / "files" / source_name).read_bytes() == SMALL_PLAN

    # New rows after a restore get fresh ids: on PostgreSQL the sequences were moved past the
    # loaded ids (sqlsequencereset), or these inserts would collide with restored rows.
    grow = duban(
        env,
        "manage",
        "shell",
        "-c",
        (
            "from duban.units.models import Unit; from duban.accounts.models import User; "
            "from duban.plans.models import Task, Plan; "
            "Unit.objects.create(name='新设单位'); User.objects.create_user('newcomer', password=None); "
            "Task.objects.create(plan=Plan.objects.get(), number='3', order=3); print('grew')"
        ),
    )
    assert grow.returncode == 0, grow.stderr
    assert "grew" in grow.stdout


# ------------------------------------------------------------------------------------ refusing and --force


def test_it_refuses_a_database_that_holds_data_and_changes_nothing(
    data: dict[str, Any], tmp_path: Path, media: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = backup(tmp_path / "a.tar.gz").path
    Unit.objects.create(name="备份后新设单位")
    Task.objects.filter(number="2").delete()
    before = row_counts()
    files_before = sorted(p for p in media.rglob("*"))

    status, _out, err = run(capsys, "restore", archive)

    assert status == 2
    assert err.count("\n") == 1 and str(archive) in err
    assert "已有数据" in err and "--force" in err
    assert row_counts() == before
    assert Unit.objects.filter(name="备份后新设单位").exists()
    assert not Task.objects.filter(number="2").exists()
    assert sorted(p for p in media.rglob("*")) == files_before


def test_it_replaces_existing_data_with_force(
    data: dict[str, Any], tmp_path: Path, media: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = backup(tmp_path / "a.tar.gz").path
    saved = row_counts()
    Unit.objects.create(name="备份后新设单位")
    Task.objects.filter(number="2").delete()
    client.force_login(data["users"]["outsider"])
    assert Session.objects.exists()
    (media / data["plan"].source.file.name).unlink()

    status, out, err = run(capsys, "restore", "--force", archive)

    assert status == 0, err
    assert "已删除原有数据" in out
    assert row_counts() == saved
    assert not Unit.objects.filter(name="备份后新设单位").exists()
    assert Task.objects.filter(number="2").exists()
    assert User.objects.get(username="manager").user_permissions.get().codename == "change_plan"
    # A session's user id could now belong to someone else: everyone logs in again.
    assert not Session.objects.exists()
    assert (media / data["plan"].source.file.name).read_bytes() == SMALL_PLAN


def _as_before_the_move(archive: Path) -> Path:
    """The archive as a duban from before the notification models moved to their own app wrote
    it: those models, their permissions and their audit rows under tracking's label."""
    old = {new: old for old, new in MOVED_MODELS.items()}
    contents = members(archive)
    rows = json.loads(contents["data.json"])
    for row in rows:
        row["model"] = old.get(row["model"], row["model"])
        if row["model"] == "audit.auditevent":
            row["fields"]["object_type"] = old.get(row["fields"]["object_type"], row["fields"]["object_type"])
        for name in ("permissions", "user_permissions"):
            if name in row["fields"]:
                row["fields"][name] = [
                    [codename, *old.get(f"{app}.{model}", f"{app}.{model}").split(".")]
                    for codename, app, model in row["fields"][name]
                ]
    manifest = json.loads(contents["manifest.json"])
    manifest["counts"] = {old.get(label, label): n for label, n in manifest["counts"].items()}
    manifest["migrations"].pop("notifications")
    manifest["migrations"]["tracking"].remove("0004_move_notifications")
    contents["data.json"] = json.dumps(rows, ensure_ascii=False).encode()
    contents["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    return write_archive(archive.with_name("before-the-move.tar.gz"), contents)


def test_it_restores_an_archive_made_before_the_notifications_moved(
    data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = data["users"]
    unit = Unit.objects.get(name="区委政法委")
    channel = do_set_unit_channel(
        unit, "wecom", url="https://qyapi.weixin.qq.com/x", acting_user=users["admin"]
    )
    send([Message(key="old", kind=NotificationKind.DIGEST, title="汇总", text="待办", units=(unit.pk,))])
    Group.objects.get(name="督查组").permissions.add(Permission.objects.get(codename="view_notification"))
    saved = row_counts()
    assert saved["notifications.notification"] and saved["notifications.delivery"]
    archive = _as_before_the_move(backup(tmp_path / "a.tar.gz").path)
    assert "tracking.notification" in json.loads(members(archive)["manifest.json"])["counts"]

    status, _out, err = run(capsys, "restore", "--force", archive)

    assert status == 0, err
    assert row_counts() == saved
    assert UnitChannel.objects.get().url == "https://qyapi.weixin.qq.com/x"
    permissions = Group.objects.get(name="督查组").permissions
    assert permissions.filter(codename="view_notification", content_type__app_label="notifications").exists()
    assert [e.object_type for e in AuditEvent.objects.filter(action="set_unit_channel")] == [
        "notifications.unitchannel"
    ]
    assert events_for(channel).count() == 1


# ------------------------------------------------------------------------------------------- bad archives


def _truncated(real: Path) -> bytes:
    body = real.read_bytes()
    return body[: len(body) // 2]


def _altered_file(real: Path) -> bytes:
    contents = members(real)
    name = next(n for n in contents if n.startswith("files/"))
    contents[name] = contents[name].replace("网格".encode(), "格网".encode())
    return write_archive(real.with_name("altered.tar.gz"), contents).read_bytes()


def _without(name: str) -> Callable[[Path], bytes]:
    def make(real: Path) -> bytes:
        contents = {k: v for k, v in members(real).items() if k != name}
        return write_archive(real.with_name("partial.tar.gz"), contents).read_bytes()

    return make


def _with_member(name: str, body: bytes) -> Callable[[Path], bytes]:
    def make(real: Path) -> bytes:
        return write_archive(real.with_name("extra.tar.gz"), {**members(real), name: body}).read_bytes()

    return make


def _manifest(**changes: Any) -> Callable[[Path], bytes]:
    def make(real: Path) -> bytes:
        contents = members(real)
        manifest = {**json.loads(contents["manifest.json"]), **changes}
        contents["manifest.json"] = json.dumps(manifest).encode()
        return write_archive(real.with_name("manifest.tar.gz"), contents).read_bytes()

    return make


BAD_ARCHIVES: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "not an archive": (lambda real: "这不是备份文件".encode(), "不是 gzip 压缩的 tar 文件"),
    "empty": (lambda real: b"", "不是有效的 duban 备份"),
    "truncated": (_truncated, "不是有效的 duban 备份"),
    "a file altered": (_altered_file, "缺失或已损坏"),
    "no manifest": (_without("manifest.json"), "不是 duban 备份"),
    "no data": (_without("data.json"), "缺少 data.json"),
    "a path outside the archive": (_with_member("../escape.txt", b"x"), "不安全的路径"),
    "an unexpected member": (_with_member("settings.py", b"x"), "意外的内容"),
    "another format": (_manifest(format="other/9"), "不是 duban 备份"),
    "a newer duban": (
        _manifest(migrations={"plans": ["0001_initial", "0999_from_the_future"]}),
        "更新的 duban 版本",
    ),
    "rows that do not load": (
        _with_member("data.json", b'[{"model": "plans.nosuchmodel", "pk": 1, "fields": {}}]'),
        "载入失败，未作任何改动",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_ARCHIVES))
def test_it_names_the_file_of_a_bad_archive_in_one_line_and_changes_nothing(
    kind: str, data: dict[str, Any], tmp_path: Path, media: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = backup(tmp_path / "real.tar.gz").path
    make, message = BAD_ARCHIVES[kind]
    bad = tmp_path / "坏的备份.tar.gz"
    bad.write_bytes(make(real))
    Unit.objects.create(name="备份后新设单位")
    before = row_counts()
    files_before = {p: p.read_bytes() for p in media.rglob("*") if p.is_file()}

    # --force, the path that deletes: even there a bad archive must leave everything as it was.
    status, _out, err = run(capsys, "restore", "--force", bad)

    assert status == 2
    assert err.count("\n") == 1 and err.startswith(f"duban restore: {bad}："), err
    assert message in err
    assert row_counts() == before
    assert Unit.objects.filter(name="备份后新设单位").exists()
    assert {p: p.read_bytes() for p in media.rglob("*") if p.is_file()} == files_before


def test_it_names_a_missing_archive(db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "restore", tmp_path / "无此文件.tar.gz")
    assert status == 2
    assert err == f"duban restore: {tmp_path / '无此文件.tar.gz'}：文件不存在\n"


# ----------------------------------------------------------------------------------------------- backup


def test_it_says_what_it_backed_up_and_keeps_the_archive_private(
    data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "backup", tmp_path / "a.tar.gz")
    assert status == 0, err
    assert out.startswith(f"已备份到 {tmp_path / 'a.tar.gz'}：7 个用户、")
    assert "1 个方案、2 项任务" in out and "1 个文件" in out
    assert (tmp_path / "a.tar.gz").stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_it_names_an_unwritable_destination(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _out, err = run(capsys, "backup", tmp_path / "无此目录" / "a.tar.gz")
    assert status == 2
    assert (
        err
        == f"duban backup: {tmp_path / '无此目录' / 'a.tar.gz'}：所在文件夹 {tmp_path / '无此目录'} 不存在\n"
    )


def test_it_keeps_the_microseconds_of_every_time(data: dict[str, Any], tmp_path: Path) -> None:
    """Django's JSON cuts times to milliseconds; a restore must give back the times as they were."""
    event = AuditEvent.objects.first()
    assert event is not None
    event.at = event.at.replace(microsecond=123456)
    event.save(update_fields=["at"])
    saved = records(backup(tmp_path / "a.tar.gz").path)
    assert saved[("audit.auditevent", event.pk)]["at"].endswith(".123456+00:00")
