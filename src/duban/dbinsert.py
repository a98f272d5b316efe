"""Plain multi-row INSERTs for the writes on the busiest path (a unit's report submission: its audit
rows, notices and deliveries), where the ORM's bulk_create costs more building the statement than
the database takes to run it.

One statement per batch, the objects' concrete fields prepared by the fields themselves (as the
ORM would), optionally ON CONFLICT … DO NOTHING and RETURNING: on PostgreSQL and on SQLite 3.35
or later alike. Signals are not sent (bulk_create sends none either).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

_MAX_PARAMETERS = 999  # SQLite's oldest limit per statement


def insert_rows(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    skip_conflicts: str | None = None,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """INSERT `objs` (their id left to the database). skip_conflicts: the unique column whose
    duplicates are skipped, or "" for any unique constraint; returning: the columns to return
    for each row inserted (skipped rows return nothing). Returns those rows."""
    if not objs:
        return []
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    tail = ""
    if skip_conflicts is not None:
        tail += (
            f" ON CONFLICT ({qn(skip_conflicts)}) DO NOTHING" if skip_conflicts else " ON CONFLICT DO NOTHING"
        )
    if returning:
        tail += " RETURNING " + ", ".join(qn(c) for c in returning)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, _MAX_PARAMETERS // len(fields))
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for i in range(0, len(objs), per_statement):
            part = objs[i : i + per_statement]
            params = [f.get_db_prep_save(f.pre_save(o, add=True), connection) for o in part for f in fields]
            cursor.execute(head + ", ".join([row] * len(part)) + tail, params)
            if returning:
                out.extend(tuple(r) for r in cursor.fetchall())
    return out
