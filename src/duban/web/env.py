"""Typed environment variables that fail loudly: a typo in production must not pass silently."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urlparse


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={value!r}: expected true/false")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r}: expected an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [v.strip() for v in value.split(",") if v.strip()]


def env_json(name: str, default: dict[str, object]) -> dict[str, object]:
    """A JSON object ({"bucket_name": "duban", …}): the options of a storage backend."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ConfigError(f"{name}: not valid JSON ({exc})") from exc
    if not isinstance(parsed, dict):
        raise ConfigError(f"{name}: expected a JSON object")
    return parsed


def database(url: str | None, data_dir: Path) -> dict[str, object]:
    """DATABASE_URL (postgres://user:pass@host:port/name) or SQLite in the data folder."""
    if not url:
        return _sqlite(str(data_dir / "duban.sqlite3"))
    u = urlparse(url)
    if u.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(u.path.lstrip("/")),
            "USER": unquote(u.username or ""),
            "PASSWORD": unquote(u.password or ""),
            "HOST": u.hostname or "",
            "PORT": str(u.port or ""),
            "CONN_MAX_AGE": 60,
            # Parameters bound by the server, so that psycopg prepares a statement the second time
            # a connection runs it: the server then parses and plans each of the few statements of a
            # busy path (a report's submission) once per connection instead of on every request.
            # Its CPU per submission fell from 8 to about 2 ms (benchmarks/report_load.py).
            # Planned for each execution all the same (plan_cache_mode): after five runs of a
            # prepared statement PostgreSQL may switch to one generic plan, which for the unit
            # page's duties query ran for minutes instead of milliseconds.
            "OPTIONS": {
                "server_side_binding": True,
                "prepare_threshold": 2,
                "options": "-c plan_cache_mode=force_custom_plan",
            },
        }
    if u.scheme == "sqlite":
        return _sqlite(unquote(u.path) or str(data_dir / "duban.sqlite3"))
    raise ConfigError(f"DATABASE_URL: unsupported scheme {u.scheme!r} (postgres:// or sqlite://)")


def _sqlite(name: str) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        # SQLite ignores SELECT … FOR UPDATE. A transaction that begins IMMEDIATE takes the write
        # lock at its start, so two writers run one after the other and the second reads what the
        # first committed (two confirms of one import: one plan, no "database is locked"); a
        # writer waits up to `timeout` seconds for the lock instead of failing at once.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
