"""One reminder run at a time across processes and servers (duban.dblock): on PostgreSQL an
advisory lock that another connection (another server) sees; on SQLite a lock file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection, connections

from duban.dblock import _key, held


@contextmanager
def held_elsewhere(name: str) -> Iterator[bool]:
    """The lock taken as another server would: over a connection of its own."""
    if connection.vendor != "postgresql":
        with held(name) as got:  # a second open file description: what another process has
            yield got
        return
    other = connections.create_connection("default")
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            got = bool(cur.fetchone()[0])
            yield got
            if got:  # let go now: a closed session's locks go only once its backend has exited
                cur.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_only_one_holder_at_a_time() -> None:
    with held("duban-test") as first:
        assert first
        with held_elsewhere("duban-test") as second:
            assert not second
    with held_elsewhere("duban-test") as again:
        assert again  # released at the end of the block


@pytest.mark.django_db(transaction=True)
def test_a_reminder_run_is_skipped_while_another_server_runs_one() -> None:
    out = io.StringIO()
    with held_elsewhere("duban-remind") as other:
        assert other
        call_command("remind", stdout=out)
    assert "本次跳过" in out.getvalue()
    out = io.StringIO()
    call_command("remind", stdout=out)
    assert "新提醒" in out.getvalue()
