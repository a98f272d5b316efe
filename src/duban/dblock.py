"""One holder at a time across processes and servers, for jobs that must not run twice at once
(the reminder run): a PostgreSQL advisory lock, which every app server sharing the database sees
and which the database releases itself when the holder's connection ends (a killed process does
not leave it held). On SQLite, which serves one machine, a lock file in the data folder.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


@contextmanager
def held(name: str) -> Iterator[bool]:
    """Try to take the lock `name` without waiting: yields True when this process holds it for
    the block, False when another holds it (the caller skips its work)."""
    if connection.vendor == "postgresql":
        key = _key(name)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [key])
            got = bool(cur.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    folder = Path(settings.DATA_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _key(name: str) -> int:
    """A stable signed 64-bit key for a lock's name (advisory locks are keyed by bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
