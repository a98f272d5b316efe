"""CSV as every duban export writes it: the extractor's plan CSV (duban.extract.export, also the
CLI's) and the platform's lists (duban.downloads). One writer, in the lowest layer, so both
escape alike: the extractor imports nothing above itself.

A spreadsheet opening a CSV runs a cell that starts with = + - @ as a formula (a DDE call, a
HYPERLINK that sends the sheet away), and a leading tab or carriage return hides such a start
from a careless check. As OWASP's "CSV Injection" page recommends, such a cell is prefixed with
a single quote, so it opens as text; cells holding the separator, a quote or a line break are
quoted with quotes doubled (the csv module's minimal quoting). Numbers (int, float, Decimal) are
written as they are: -3 is a number, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# What a spreadsheet takes for the start of a formula (OWASP: = + - @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell's value as written: text that a spreadsheet would run is quoted as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(headings: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """The whole file: a UTF-8 BOM first (so Excel reads it as UTF-8), the headings, the rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_cell(h) for h in headings)
    writer.writerows((csv_cell(c) for c in row) for row in rows)
    return "\ufeff" + out.getvalue()
