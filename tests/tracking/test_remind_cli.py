"""`duban remind` (the reminders once, for cron or a systemd timer), the one reminder process
`duban serve` runs beside gunicorn, and the SMTP settings the email reminders use."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from duban import cli
from duban.accounts.models import User
from duban.notifications.models import Notification
from duban.tracking.models import ReportingPeriod

from .conftest import at

T0 = at(2025, 4, 8)  # two days before Q1 is due (2025-04-10): the due-soon reminders go out
SUMMARY = re.compile(r"^督办升级 \d+ 件，新提醒 (\d+) 条；外部渠道发送成功 \d+，待重试 \d+，失败 \d+$")


def _remind(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.main(["remind"])
    out = capsys.readouterr().out
    return status, out


def test_it_creates_the_reminders_once_when_run_twice(
    users: dict[str, User],
    lead_reporter: User,
    q1: ReportingPeriod,
    frozen: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    frozen(T0)
    status, out = _remind(capsys)
    created = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    assert status == 0 and created
    (line,) = out.splitlines()  # one line: a cron mail or the journal stays readable
    m = SUMMARY.match(line)
    assert m and int(m[1]) == len(created), line

    status, out = _remind(capsys)
    assert status == 0
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == created
    (line,) = out.splitlines()
    assert SUMMARY.match(line) and "新提醒 0 条" in line, line


def test_it_refuses_a_negative_interval(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["remind", "--every", "-1"]) == 2
    assert "--every 应为非负整数秒数" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# As a separate program, on a database of its own


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # a small SQLite database of the test's own
    return {**env, "DUBAN_DATA_DIR": str(data_dir), "DUBAN_SECRET_KEY": secrets.token_urlsafe(40), **extra}


def _duban(env: dict[str, str], *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duban", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_it_runs_from_the_command_line_and_says_what_it_did_in_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path)
    migrate = _duban(env, "manage", "migrate", "--verbosity", "0")
    assert migrate.returncode == 0, migrate.stderr
    for _run in range(2):
        result = _duban(env, "remind")
        assert result.returncode == 0, result.stderr
        (line,) = result.stdout.splitlines()
        assert SUMMARY.match(line), line


def test_it_says_so_when_the_database_is_not_set_up(tmp_path: Path) -> None:
    result = _duban(_env(tmp_path), "remind")
    assert result.returncode == 2
    assert "数据库不可用或尚未初始化" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, {"backend": "django.core.mail.backends.console.EmailBackend", "from": "duban@localhost"}),
        (
            {
                "DUBAN_EMAIL_HOST": "smtp.example.gov.cn",
                "DUBAN_EMAIL_USER": "duban@example.gov.cn",
                "DUBAN_EMAIL_PASSWORD": "s3cret",
            },
            {
                "backend": "django.core.mail.backends.smtp.EmailBackend",
                "host": "smtp.example.gov.cn",
                "port": 587,
                "user": "duban@example.gov.cn",
                "password": "s3cret",
                "tls": True,
                "ssl": False,
                "from": "duban@example.gov.cn",
            },
        ),
        (
            {
                "DUBAN_EMAIL_HOST": "smtp.exmail.qq.com",
                "DUBAN_EMAIL_PORT": "465",
                "DUBAN_EMAIL_FROM": "督办 <db@x.cn>",
            },
            {"port": 465, "tls": False, "ssl": True, "from": "督办 <db@x.cn>"},
        ),
        (
            {"DUBAN_EMAIL_HOST": "10.0.0.5", "DUBAN_EMAIL_TLS": "off"},
            {"port": 25, "tls": False, "ssl": False},
        ),
    ],
    ids=["none", "starttls", "port-465", "plain"],
)
def test_it_reads_the_smtp_settings_from_the_environment(
    tmp_path: Path, extra: dict[str, str], expected: dict[str, Any]
) -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'backend': s.EMAIL_BACKEND, 'host': s.EMAIL_HOST, 'port': s.EMAIL_PORT, 'user': s.EMAIL_HOST_USER,"
        "'password': s.EMAIL_HOST_PASSWORD, 'tls': s.EMAIL_USE_TLS, 'ssl': s.EMAIL_USE_SSL,"
        "'from': s.DEFAULT_FROM_EMAIL}))"
    )
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="duban.web.settings", **extra)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert {k: got[k] for k in expected} == expected


def test_it_refuses_a_bad_smtp_port(tmp_path: Path) -> None:
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="duban.web.settings", DUBAN_EMAIL_PORT="smtp")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "DUBAN_EMAIL_PORT" in result.stderr


# ---------------------------------------------------------------------------------------------
# `duban serve`: gunicorn and exactly one reminder process


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name is in parentheses and may hold spaces: the ppid follows the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _tree(pid: int) -> dict[int, str]:
    """Every live descendant of pid with its command line."""
    out, todo = {}, [pid]
    while todo:
        for child in _children(todo.pop()):
            try:
                line = (
                    Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
            except OSError:
                continue
            out[child] = line
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port, log = _free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        # A session of its own, so that whatever happens the whole tree can be stopped by its id.
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "duban",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "3",
                "--remind-every",
                "3600",
            ],
            env=_env(tmp_path / "data"),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield proc, port, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _wait_for(check: Any, seconds: float, what: str, log: Path) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"{what} within {seconds} s; log:\n{log.read_text('utf-8', 'replace')[-3000:]}")


def test_serve_runs_exactly_one_reminder_process_beside_the_workers_and_stops_it(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    proc, port, log = server

    def up() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            assert proc.poll() is None, log.read_text("utf-8", "replace")
            return False

    _wait_for(up, 120, "duban serve did not answer", log)

    def settled() -> dict[int, str] | None:
        tree = _tree(proc.pid)
        masters = [p for p, line in tree.items() if "gunicorn" in line and _children(p)]
        workers = [w for m in masters for w in _children(m)]
        return tree if len(masters) == 1 and len(workers) == 3 else None

    tree = _wait_for(settled, 30, "gunicorn did not show a master and 3 workers", log)
    reminders = [p for p, line in tree.items() if "django remind --every 3600" in line]
    assert len(reminders) == 1, tree
    assert reminders[0] in _children(proc.pid)  # beside gunicorn, not in a worker
    # It ran once on start (a fresh database: nothing due).
    _wait_for(
        lambda: any(SUMMARY.match(line) for line in log.read_text("utf-8", "replace").splitlines()),
        30,
        "the reminder process printed no summary",
        log,
    )

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    _wait_for(lambda: not any(_alive(p) for p in tree), 15, "processes of the server outlived it", log)
