"""Real concurrency (threads, each with its own database connection) on PostgreSQL: no lost update,
no duplicate report, no duplicate serial number. SQLite's in-memory test database serializes
writers, so these run on PostgreSQL only (CI runs the suite on both)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.models import Task
from duban.tracking.actions.drafts import do_edit_draft, do_save_draft
from duban.tracking.actions.orders import do_issue_order
from duban.tracking.actions.submissions import do_submit_new_report
from duban.tracking.models import ProgressReport, ReportingPeriod, SupervisionOrder
from duban.tracking.transitions import ConflictError, TrackingError
from duban.units.models import Unit

from .conftest import filled

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]
THREADS = 8


def _race(work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) in THREADS threads released at once; each result or the exception raised."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected and checked by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_it_lets_exactly_one_of_many_simultaneous_saves_of_a_draft_win(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    draft = do_save_draft(task2, q1, filled(task2), acting_user=owner)
    seen = draft.lock_version
    results = _race(
        lambda i: do_edit_draft(
            draft, filled(task2, narrative=f"第{i}人的修改"), lock_version=seen, acting_user=owner
        )
    )
    winners = [r for r in results if isinstance(r, ProgressReport)]
    assert len(winners) == 1
    assert all(isinstance(r, ConflictError) for r in results if r not in winners)
    draft.refresh_from_db()
    assert (draft.narrative, draft.lock_version) == (winners[0].narrative, seen + 1)


def test_it_creates_one_report_when_many_start_it_at_once(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    results = _race(
        lambda i: do_save_draft(task2, q1, filled(task2, narrative=f"第{i}人"), acting_user=owner)
    )
    assert sum(isinstance(r, ProgressReport) for r in results) == 1
    assert sum(isinstance(r, ConflictError) for r in results) == THREADS - 1
    assert ProgressReport.objects.count() == 1


def test_it_stores_one_report_when_many_send_the_same_new_report_at_once(
    users: dict[str, User], task2: Task, q1: ReportingPeriod
) -> None:
    owner = users["other_reporter"]
    results = _race(
        lambda i: do_submit_new_report(task2, q1, filled(task2, narrative=f"第{i}人"), acting_user=owner)
    )
    (winner,) = [r for r in results if isinstance(r, ProgressReport)]
    assert all(isinstance(r, TrackingError) for r in results if r is not winner), results
    stored = ProgressReport.objects.get()
    assert (stored.pk, stored.narrative, stored.version) == (winner.pk, winner.narrative, 1)
    assert AuditEvent.objects.filter(action="submit_report").count() == 1


def test_it_gives_simultaneous_orders_distinct_serial_numbers(users: dict[str, User], task1: Task) -> None:
    unit = Unit.objects.get(name="区委政法委")
    results = _race(
        lambda i: do_issue_order(
            task1, [unit], f"督办事项{i}", dt.date(2025, 12, 31), acting_user=users["manager"]
        )
    )
    assert all(isinstance(r, SupervisionOrder) for r in results), results
    assert sorted(SupervisionOrder.objects.values_list("seq", flat=True)) == list(range(1, THREADS + 1))
