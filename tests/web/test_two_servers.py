"""Two app servers behind one database: two `duban serve` on two ports against one PostgreSQL and
one data folder. Reports are submitted through both at once and both run their reminder process:
every report is stored once, every reminder created once (one run at a time: duban.dblock).

PostgreSQL only (the multi-server engine); it runs in the suite's PostgreSQL pass.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CHILD = HERE / "two_servers_child.py"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="several app servers need PostgreSQL (this runs in the PostgreSQL pass)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database() -> Iterator[str]:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"duban_two_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child(env: dict[str, str], *argv: str) -> None:
    subprocess.run([sys.executable, str(CHILD), *argv], env=env, check=True, timeout=300)


def up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server on {port} exited"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise AssertionError(f"the server on {port} did not start")


def submit(port: int, job: dict[str, Any]) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{job['path']}",
        data=job["body"].encode(),
        headers={
            "Cookie": job["cookie"],
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}{job['path']}",
        },
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    try:
        return int(urllib.request.build_opener(NoRedirect).open(request, timeout=30).status)
    except urllib.error.HTTPError as exc:
        return exc.code


def serve(port: int, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`duban serve` with 2 workers and its reminder process every second, in a session of its
    own (stopped with its children at the end)."""
    argv = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--remind-every", "1"]
    cmd = [sys.executable, "-m", "duban", *argv]
    return subprocess.Popen(
        cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def test_two_servers_store_every_report_once_and_send_every_reminder_once(
    database: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "DJANGO_"))}
    env.update(
        {
            "DATABASE_URL": database,
            "DUBAN_DATA_DIR": str(tmp_path / "shared-data"),
            "DUBAN_SECRET_KEY": secrets.token_urlsafe(50),
            "DUBAN_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "duban.web.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    seeded_path = tmp_path / "seeded.json"
    child(env, "seed", str(seeded_path))
    jobs = json.loads(seeded_path.read_text("utf-8"))["jobs"]

    ports = [free_port(), free_port()]
    logs = [tmp_path / f"server-{p}.log" for p in ports]
    servers = [serve(p, log, env) for p, log in zip(ports, logs, strict=True)]
    try:
        for port, server in zip(ports, servers, strict=True):
            up(port, server)
        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(lambda ij: submit(ports[ij[0] % 2], ij[1]), enumerate(jobs)))
        assert codes == [302] * len(jobs)
        time.sleep(6)  # several reminder runs on each server
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=60)

    out = tmp_path / "verified.json"
    child(env, "verify", str(out), str(seeded_path))
    got = json.loads(out.read_text("utf-8"))
    stored = {(t, u): (version, n) for t, u, version, n in got["reports"]}
    assert {(j["task"], j["unit"]) for j in jobs} == set(stored)
    assert set(stored.values()) == {(1, 1)}, "a report stored twice"
    assert got["duplicate_keys"] == 0
    text = "".join(log.read_text("utf-8", errors="replace") for log in logs)
    created = sum(int(n) for n in _numbers(text, "新提醒 ", " 条"))
    assert got["reminders"] > 0 and created == got["reminders"], text[-2000:]
    assert "本次跳过" in text or text.count("新提醒") >= 2


def _numbers(text: str, before: str, after: str) -> list[str]:
    import re

    return re.findall(re.escape(before) + r"(\d+)" + re.escape(after), text)
