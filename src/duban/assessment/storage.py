"""Store a computed assessment (duban.assessment.engine.compute's outcomes) as its Result,
ResultLine and LineText rows, and rank the stored results again after one unit's changed.

A full computation gives a line for every unit and item (300,000 at 3,000 units × 100 items), so
this module writes as little as it can, and without the ORM's per-row costs:
- results are kept row for row (an appeal points at its result) and written only where they
  changed; a result that only moved in the ranking gets an UPDATE of its rank;
- a unit's lines are hashed in blocks of ten (its result's digest): a recomputation rewrites only
  the blocks that changed, not every line;
- what lines say is written once per assessment (LineText); a line is its result, order, text and
  sources;
- rows go in as values already as the database takes them, not through model instances: COPY on
  PostgreSQL (through a temporary table when rows may conflict), INSERTs of many rows a statement
  on SQLite; ranks and deletions of ranges of lines are statements sent together (executemany).

Why lines are stored at every run, not once at publication with a unit's breakdown computed on
demand before that (issue 12 asked; measured with benchmarks/assessment_scale.py at 3,000 units ×
100 items, CPU seconds of the process, SQLite / PostgreSQL, the machine's load in the README):
- computing is most of a run (about 1.0 s of 1.2 s when nothing changed) and needs the engine's
  own speed-ups (paused_gc, columns, cents) in either way; storing after a few grades changed
  costs 0.2 s, after an item's points changed 0.35 s;
- a run storing results only would take about 1.1 / 1.2 s, saving at most those 0.2–0.35 s, and
  the publication would then write every line at once: 1.8 / 1.4 s, at the 2 s goal, again after
  every reopening; that write needs COPY, INSERTs of many rows and LineText all the same;
- a unit's breakdown computed on demand takes 25 / 20–40 ms against 2–3 ms to read its stored
  lines, and the report's negative-list summary (queries.deductions_by_rule) would need a whole
  computation per download while the assessment is open;
- what would go is the block digests alone (digest, changed_blocks, the deletion of ranges), and
  the test suite pins that a run stores its lines.
So the lines stay stored at every run, with the machinery above.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice, repeat
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Field, Model

from duban.assessment import scoring
from duban.assessment.engine.entries import GRADE, REPORT, SIG, SOURCE, TEXT, Entry, Texts, paused_gc
from duban.assessment.engine.outcomes import Outcome, light, measure_of
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Assessment, LineText, Result, ResultLine

# The columns of a result a store writes, in the order of its rows (COMPARED: those compared
# with the stored result to tell whether it changed).
RESULT_FIELDS = ["total", "max_points", "item_points", "deductions", "bonus", "vetoed", "sections", "grade", "rank",
                 "previous_total", "previous_rank", "computed_at", "digest"]  # fmt: skip # a row's columns, read as one row
COMPARED = RESULT_FIELDS[:-2]
LINE_FIELDS = ["result", "order", "text", "report_ref", "grade_ref", "source"]
TEXT_FIELDS = ["assessment", "sig", "section", "label", "kind", "points", "max_points", "reason", "item_ref"]


BLOCK = 10  # lines a block: what a recomputation rewrites when any of them changed
HASH = 16  # hex digits of a block's hash in the digest


def digest(entries: Sequence[Entry]) -> str:
    """What the lines say, hashed block by block (BLOCK lines each, in order): equal digests,
    equal lines; where two digests differ, the blocks whose hashes differ."""
    blocks = ("\x1f".join(map(SIG, entries[n : n + BLOCK])) for n in range(0, len(entries), BLOCK))
    return "".join(hashlib.blake2b(block.encode(), digest_size=HASH // 2).hexdigest() for block in blocks)


def changed_blocks(old: str, new: str) -> list[tuple[int, int | None]]:
    """The ranges of lines (first, after; None: to the end) to rewrite to go from the lines
    hashed by `old` to those hashed by `new` (both digest())."""
    olds = [old[n : n + HASH] for n in range(0, len(old), HASH)]
    news = [new[n : n + HASH] for n in range(0, len(new), HASH)]
    ranges: list[tuple[int, int | None]] = []
    for k, block in enumerate(news):
        if k < len(olds) and olds[k] == block:
            continue
        first, after = k * BLOCK, (k + 1) * BLOCK
        if ranges and ranges[-1][1] == first:  # one range for consecutive blocks
            first = ranges.pop()[0]
        ranges.append((first, after))
    end = len(news) * BLOCK
    if ranges and ranges[-1][1] == end:  # the last block changed: to the end, whatever was past it
        ranges[-1] = (ranges[-1][0], None)
    elif len(olds) > len(news):  # old lines past the new ones
        ranges.append((end, None))
    return ranges


@dataclass(frozen=True)
class Stored:
    results_written: int
    lines_written: int


def store(
    assessment: Assessment, outcomes: Sequence[Outcome], *, at: dt.datetime, partial: bool = False
) -> Stored:
    """Write the outcomes as the assessment's results and lines.

    Results are kept row for row (an appeal points at its result) and written only where they
    changed; of a unit's lines only the blocks of ten that changed are rewritten (its digest holds
    a hash per block), so recomputing after a few grades or incidents writes a few units' lines,
    and after an item's points changed a block of each unit's, not every line. What lines say is
    written once per assessment (LineText); each line is its result, order, text and sources.

    partial: only these units' results are replaced; the others keep theirs."""
    with paused_gc():
        return _store(assessment, outcomes, at, partial)


@dataclass
class _Changes:
    """What a store writes: the results' rows (new or changed), the ranks of results that only
    moved, the units without a result yet and the units with lines to rewrite (their ranges)."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)
    new: list[Outcome] = field(default_factory=list)
    patches: list[tuple[Outcome, list[tuple[int, int | None]]]] = field(default_factory=list)


def _store(assessment: Assessment, outcomes: Sequence[Outcome], at: dt.datetime, partial: bool) -> Stored:
    _set_previous(assessment, outcomes)
    existing = {
        row[0]: row[1:]
        for row in Result.objects.filter(assessment=assessment).values_list(
            "unit_id", "pk", "digest", *COMPARED
        )
    }
    when = connections[router.db_for_write(Result)].ops.adapt_datetimefield_value(at)
    changes = _changes(assessment, outcomes, existing, when)
    set_ranks(changes.moved, at)
    gone = [] if partial else _remove_gone(outcomes, existing)
    # New units are inserted, the others updated in place (by the unique assessment + unit), so
    # appeals keep pointing at their result; a first run only inserts (PostgreSQL: COPY). Not
    # bulk_create: its model instances and per-value preparation cost a tenth of a second at
    # 3,000 units.
    if changes.rows:
        conflict = ["assessment", "unit"] if existing else []
        insert_values(
            Result,
            ["assessment", "unit", *RESULT_FIELDS],
            changes.rows,
            conflict=conflict,
            update=RESULT_FIELDS,
        )
    ids = {unit_id: old[0] for unit_id, old in existing.items()}
    if changes.new:
        ids = dict(Result.objects.filter(assessment=assessment).values_list("unit_id", "pk"))
    every = len(changes.patches) == len(existing) and not partial
    written = _rewrite_lines(assessment, ids, changes.new, changes.patches, every=every)
    said = _said(outcomes)
    texts = _texts(assessment, said) if changes.new or changes.patches or gone else {}
    parts = [(ids[o.unit_id], 0, o.entries) for o in changes.new]
    parts += [
        (ids[o.unit_id], first, o.entries[first:after])
        for o, ranges in changes.patches
        for first, after in ranges
    ]
    if parts:
        insert_values(ResultLine, LINE_FIELDS, _line_rows(parts, texts))
    if (changes.patches or gone) and not partial:
        _drop_unused_texts(assessment, texts, said)
    return Stored(len(changes.rows) + len(changes.moved), written)


def _set_previous(assessment: Assessment, outcomes: Sequence[Outcome]) -> None:
    """Each outcome's total and rank in the previous period's assessment (none: None)."""
    previous: dict[int, tuple[Decimal, int]] = {}
    if assessment.previous_id:
        results = Result.objects.filter(assessment_id=assessment.previous_id)
        previous = {u: (t, r) for u, t, r in results.values_list("unit_id", "total", "rank")}
    for o in outcomes:
        o.previous_total, o.previous_rank = previous.get(o.unit_id, (None, None))


def _changes(
    assessment: Assessment, outcomes: Sequence[Outcome], existing: Mapping[int, Sequence[Any]], when: Any
) -> _Changes:
    """Compare each outcome with its stored result (`existing`: unit → id, digest, COMPARED)."""
    out = _Changes()
    rank_at = COMPARED.index("rank")
    for o in outcomes:
        d = digest(o.entries)
        values = (
            o.total,
            o.max_points,
            o.item_points,
            o.deductions,
            o.bonus,
            o.vetoed or "",
            o.sections,
            o.grade,
            o.rank,
            o.previous_total,
            o.previous_rank,
        )
        old = existing.get(o.unit_id)
        if old is None:
            out.new.append(o)
        elif old[1] != d:
            out.patches.append((o, changed_blocks(old[1], d)))
        elif tuple(old[2:]) == values:
            continue  # unchanged
        elif all(a == b for n, (a, b) in enumerate(zip(old[2:], values, strict=True)) if n != rank_at):
            # Only moved in the ranking (another unit's score changed): an UPDATE of the rank, not
            # a rewrite of the whole row.
            out.moved.append((old[0], o.rank))
            continue
        out.rows.append((assessment.pk, o.unit_id, *values[:6], json.dumps(o.sections), *values[7:], when, d))
    return out


def _remove_gone(outcomes: Sequence[Outcome], existing: Mapping[int, Sequence[Any]]) -> list[int]:
    """Delete the results (and lines) of units no longer assessed; their ids. Refused while one
    of them has an appeal: the appeal points at its result."""
    kept = {o.unit_id for o in outcomes}
    gone = [old[0] for unit_id, old in existing.items() if unit_id not in kept]
    if gone:
        if Result.objects.filter(pk__in=gone, appeals__isnull=False).exists():
            raise AssessmentError(
                "有单位不再属于考核对象，但其考核结果有申诉记录：请先处理申诉或恢复考核对象"
            )
        ResultLine.objects.filter(result_id__in=gone).delete()
        Result.objects.filter(pk__in=gone).delete()
    return gone


def _rewrite_lines(
    assessment: Assessment,
    ids: Mapping[int, int],
    new: Sequence[Outcome],
    patches: Sequence[tuple[Outcome, Sequence[tuple[int, int | None]]]],
    *,
    every: bool,
) -> int:
    """Delete the lines about to be rewritten: of every unit in `patches` (its ranges of lines;
    `every`: that is every unit of the assessment); the number of lines to be written."""
    whole = [ids[o.unit_id] for o, ranges in patches if ranges == [(0, None)]]
    if every and len(whole) == len(patches):
        # By the result's id, not a join: Django deletes through a join by a list of every line's id.
        ResultLine.objects.filter(
            result_id__in=Result.objects.filter(assessment=assessment).values("pk")
        ).delete()
    else:
        for n in range(0, len(whole), 500):
            ResultLine.objects.filter(result_id__in=whole[n : n + 500]).delete()
        parts = [
            (ids[o.unit_id], first, after)
            for o, ranges in patches
            if ranges != [(0, None)]
            for first, after in ranges
        ]
        _delete_ranges(parts)
    written = sum(len(o.entries) for o in new)
    for o, ranges in patches:
        written += sum(len(o.entries[first:after]) for first, after in ranges)
    return written


def _delete_ranges(parts: Sequence[tuple[int, int, int | None]]) -> None:
    """Delete the lines of each (result id, first, after; None: to the end) by order, one
    statement per range sent together (executemany): an ORM delete each would cost more than
    the lines it saves rewriting."""
    if not parts:
        return
    connection = connections[router.db_for_write(ResultLine)]
    quote = connection.ops.quote_name
    table, result, order = quote(ResultLine._meta.db_table), quote("result_id"), quote("order")
    sql = f"DELETE FROM {table} WHERE {result} = %s AND {order} >= %s"
    with connection.cursor() as cursor:
        closed = [(r, first, after) for r, first, after in parts if after is not None]
        if closed:
            cursor.executemany(f"{sql} AND {order} < %s", closed)
        opened = [(r, first) for r, first, after in parts if after is None]
        if opened:
            cursor.executemany(sql, opened)


def _line_rows(
    parts: Iterable[tuple[int, int, Sequence[Entry]]], texts: Mapping[str, int]
) -> Iterator[tuple[Any, ...]]:
    """The rows of ResultLine for (result id, order of the first, entries), column by column
    (a row by zip: 300,000 rows through a Python loop cost a tenth of a second more)."""
    text_id = texts.__getitem__
    for result_id, first, entries in parts:
        yield from zip(
            repeat(result_id, len(entries)),
            range(first, first + len(entries)),
            map(text_id, map(TEXT, entries)),
            map(REPORT, entries),
            map(GRADE, entries),
            map(SOURCE, entries),
            strict=True,
        )


def _said(outcomes: Sequence[Outcome]) -> Texts:
    """What the outcomes' lines say (from their computations' registers of texts)."""
    registers = {id(o.texts): o.texts for o in outcomes}
    if len(registers) == 1:
        return next(iter(registers.values()))
    said = Texts()
    for texts in registers.values():
        said.update(texts)
    return said


def _texts(assessment: Assessment, said: Texts) -> dict[str, int]:
    """sig → id of the assessment's texts, with those it lacks of `said` written."""
    texts = dict(LineText.objects.filter(assessment=assessment).values_list("sig", "pk"))
    new = [e for sig, e in said.items() if sig not in texts]
    if new:
        # Left out if there already (an appeal's recomputation of one unit at the same time).
        insert_values(
            LineText,
            TEXT_FIELDS,
            (
                (
                    assessment.pk,
                    e.text,
                    e.section[:200],
                    e.line.item[:300],
                    e.line.kind,
                    e.line.points,
                    e.max_points,
                    e.line.reason,
                    e.item_id,
                )
                for e in new
            ),
            conflict=["assessment", "sig"],
        )
        texts = dict(LineText.objects.filter(assessment=assessment).values_list("sig", "pk"))
    return texts


def _drop_unused_texts(assessment: Assessment, texts: Mapping[str, int], said: Texts) -> None:
    """Remove the texts no line says any more. Every unit's lines say what the computation's
    did (those not rewritten have the same digest, so the same texts) or less (the register also
    holds lines made for no unit, such as the line of a unit without data when every unit has
    some), and the lines of units no longer assessed are gone."""
    unused = [pk for sig, pk in texts.items() if sig not in said]
    for n in range(0, len(unused), 500):
        LineText.objects.filter(pk__in=unused[n : n + 500]).delete()


def rerank(assessment: Assessment) -> None:
    """Ranks again from the stored totals (after one unit's result changed)."""
    results = Result.objects.filter(assessment=assessment)
    rank_by = assessment.scheme.rank_by
    rows = list(results.values_list("pk", "unit__name", "total", "max_points", "vetoed", "rank"))
    ranked = scoring.rank(
        [
            light(name, measure_of(rank_by, total, top), vetoed or None)
            for _, name, total, top, vetoed, _ in rows
        ]
    )
    places = {s.unit: place for place, s in ranked}
    set_ranks([(pk, places[name]) for pk, name, *_, rank in rows if places[name] != rank], None)


def set_ranks(ranks: Sequence[tuple[int, int]], at: dt.datetime | None) -> None:
    """Give results (by id) their new rank: one UPDATE by primary key each, sent together
    (executemany). Why not bulk_update: one unit's new score can move a thousand others by a
    place, and building bulk_update's CASE expression costs more than the computation."""
    if not ranks:
        return
    connection = connections[router.db_for_write(Result)]
    quote = connection.ops.quote_name
    table, rank, pk = quote(Result._meta.db_table), quote("rank"), quote("id")
    with connection.cursor() as cursor:
        if at is None:
            cursor.executemany(f"UPDATE {table} SET {rank} = %s WHERE {pk} = %s", [(r, i) for i, r in ranks])
        else:
            when = connection.ops.adapt_datetimefield_value(at)
            cursor.executemany(
                f"UPDATE {table} SET {rank} = %s, {quote('computed_at')} = %s WHERE {pk} = %s",
                [(r, when, i) for i, r in ranks],
            )


def _column(f: Any) -> str:
    assert isinstance(f, Field) and f.column, f
    return f.column


def insert_values(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """Insert many rows of values already as the database takes them, in one round trip per
    few thousand (PostgreSQL: COPY). Why not bulk_create: a full computation writes a line for
    every unit and item (300,000 at 3,000 units × 100 items), and building a model instance for
    each costs more than the whole computation. The columns come from the model's own fields.
    `rows` must not use the database while it is iterated (COPY holds the connection).

    conflict: the fields of a unique constraint; a row that matches an existing one updates its
    `update` fields instead, or without them is left out (INSERT … ON CONFLICT: on PostgreSQL
    from a temporary table filled by COPY, on SQLite in statements of many rows)."""
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    quote = connection.ops.quote_name
    columns = [quote(_column(opts.get_field(f))) for f in fields]
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(columns)}) VALUES "
    tail = ""
    if conflict:
        keys = ", ".join(quote(_column(opts.get_field(f))) for f in conflict)
        sets = ", ".join(f"{c} = excluded.{c}" for c in (quote(_column(opts.get_field(f))) for f in update))
        tail = f" ON CONFLICT ({keys}) " + (f"DO UPDATE SET {sets}" if update else "DO NOTHING")
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Through a table of this transaction when rows may conflict: an INSERT's parameters
            # are quoted one by one on this side, which takes longer than the COPY and the
            # INSERT … SELECT together (0.1 against 0.07 s for 3,000 results).
            target = quote(opts.db_table) if not conflict else quote(f"{opts.db_table}_incoming")
            if conflict:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS SELECT {', '.join(columns)} "
                    f"FROM {quote(opts.db_table)} WITH NO DATA"
                )
            with cursor.cursor.copy(f"COPY {target} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if conflict:
                cursor.execute(
                    f"{head.removesuffix(' VALUES ')} SELECT {', '.join(columns)} FROM {target}{tail}"
                )
                cursor.execute(f"DROP TABLE {target}")
            return
        # Many rows a statement: on SQLite each statement has a fixed cost (an AUTOINCREMENT
        # table's counter is written back after each) that is most of the cost of a narrow row,
        # so one row a statement takes three times as long.
        per = max(1, min(500, (connection.features.max_query_params or 999) // len(fields)))
        one = f"({', '.join(['%s'] * len(fields))})"
        full = head + ", ".join([one] * per) + tail
        it = iter(rows)
        batch: list[list[Any]] = []
        last: list[Sequence[Any]] = []
        while chunk := list(islice(it, per)):
            if len(chunk) < per:
                last = chunk
                break
            batch.append(list(chain.from_iterable(chunk)))
            if len(batch) == 30:
                cursor.executemany(full, batch)
                batch = []
        if batch:
            cursor.executemany(full, batch)
        if last:
            cursor.execute(head + ", ".join([one] * len(last)) + tail, list(chain.from_iterable(last)))
