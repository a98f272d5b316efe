"""Shared by the benchmarks: throwaway PostgreSQL databases (made beside the one DATABASE_URL names)
and the child run on a fresh data folder."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any


def fresh_postgres(url: str) -> tuple[str, str]:
    """Create an empty database beside the one in URL; (its URL, its name)."""
    import psycopg

    name = f"duban_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_child(
    script: str, label: str, url: str | None, workdir: Path, args: list[str], *, timeout: int
) -> dict[str, Any] | str:
    """Run `script --child` on a fresh data folder (and DATABASE_URL when given); its figures, or
    a one-line reason when the run failed."""
    data_dir = workdir / label
    data_dir.mkdir()
    out = workdir / f"{label}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.pop("DATABASE_URL", None)
    env.update(
        {"DUBAN_DATA_DIR": str(data_dir), "DUBAN_SECRET_KEY": secrets.token_urlsafe(50), "DUBAN_DEBUG": "0"}
    )
    if url:
        env["DATABASE_URL"] = url
    cmd = [sys.executable, str(Path(script).resolve()), "--child", "--out", str(out), *args]
    result = subprocess.run(
        cmd, env=env, cwd=Path(__file__).resolve().parents[1], timeout=timeout, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0 or not out.exists():
        return f"the {label} run failed (exit {result.returncode}); its output is above"
    figures: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return figures
