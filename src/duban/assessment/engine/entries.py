"""What a computation gives out: an entry per unit and item (a line with where its points come
from), and the register of what those lines say (Texts).

At province scale a computation makes 300,000 entries, so an entry is a plain tuple whose fields
are read for many entries at once (map(SIG, entries)), its points are also kept in hundredths
(summed as ints), and the collector is held while they are made (paused_gc).
"""

from __future__ import annotations

import gc
import hashlib
import json
import operator
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

from duban.assessment.scoring import Line

ZERO = Decimal(0)
CENT = Decimal("0.01")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while a computation makes its million small tuples,
    none of which can form a cycle: each collection would walk them all again, a third of the
    time of a full recomputation. Reference counting still frees everything as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def tidy(d: Decimal) -> Decimal:
    """Without trailing zeros, and never in exponent form: the reasons show 20, not 20.00 or 2E+1
    (the database gives every decimal at its column's scale)."""
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


class Entry(NamedTuple):
    """A line with where it comes from (a tuple: there is one per unit and item)."""

    line: Line
    section: str
    max_points: Decimal | None
    item_id: int | None
    report_id: int | None = None
    grade_id: int | None = None
    source: str | None = None  # the other sources, as JSON (ResultLine.source)
    text: str = ""  # what the entry says: line_sig(), the sig of its LineText
    sig: str = ""  # what it says and its sources, for the digest of a unit's lines (see entry())
    cents: int | None = 0  # line.points in hundredths, None if not whole ones (see cents())


# Fields of many entries at once, without a Python loop (map(SIG, entries)).
SIG = operator.itemgetter(Entry._fields.index("sig"))
CENTS = operator.itemgetter(Entry._fields.index("cents"))
TEXT = operator.itemgetter(Entry._fields.index("text"))
REPORT = operator.itemgetter(Entry._fields.index("report_id"))
GRADE = operator.itemgetter(Entry._fields.index("grade_id"))
SOURCE = operator.itemgetter(Entry._fields.index("source"))
# Entry(*fields) from one iterable, without Entry._make's Python call.
NEW_ENTRY = partial(tuple.__new__, Entry)


def cents(points: Decimal) -> int | None:
    """Points as a whole number of hundredths, or None: summing 300,000 lines' points as ints
    takes a tenth of the time of Decimals, and gives the same sum when every line has one."""
    n = points * 100
    return int(n) if n == n.to_integral_value() else None


def line_sig(line: Line, section: str, max_points: Decimal | None, item_id: int | None) -> str:
    """A stable signature of what a line says where it stands (the same in every process): the
    key of its LineText."""
    text = f"{line!r}\x1e{section}\x1e{max_points}\x1e{item_id}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def entry(
    line: Line,
    section: str,
    max_points: Decimal | None,
    item_id: int | None,
    *,
    text: str,
    report_id: int | None = None,
    grade_id: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Entry:
    """An entry saying `text` (its line_sig, as registered with Texts.add); `extra`: its other
    sources (ResultLine.source)."""
    source = None if extra is None else json.dumps(extra)
    sig = f"{text}|{report_id}|{grade_id}|{source}"
    return Entry(
        line, section, max_points, item_id, report_id, grade_id, source, text, sig, cents(line.points)
    )


class Texts(dict[str, Entry]):
    """What the lines of one computation say: sig → an entry saying it. Registered where the
    lines are made (a few thousand, against hundreds of thousands of entries), so that storing
    needs no pass over every entry to find them."""

    def add(self, line: Line, section: str, max_points: Decimal | None, item_id: int | None) -> str:
        sig = line_sig(line, section, max_points, item_id)
        if sig not in self:
            self[sig] = Entry(line, section, max_points, item_id, text=sig, cents=cents(line.points))
        return sig

    def entry(self, line: Line, section: str, extra: Mapping[str, Any]) -> Entry:
        """An entry of a line outside the items (the negative list, bonus and veto lines), registered."""
        return entry(line, section, None, None, text=self.add(line, section, None, None), extra=extra)
