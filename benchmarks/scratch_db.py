"""Throwaway PostgreSQL databases for the benchmarks (made beside the one DATABASE_URL names)."""

from __future__ import annotations

import secrets
import urllib.parse


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
