"""The one CSV writer (duban.extract.csv_text): whatever the cells hold, a spreadsheet reads back
every cell as written, and no cell it reads starts like a formula (OWASP's CSV injection rule)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duban.extract.csv_text import FORMULA_STARTS, csv_text

# Text with the characters that matter most: formula starts, separators, quotes, line breaks.
CELL = st.text(
    alphabet=st.sampled_from([*FORMULA_STARTS, ",", '"', "\n", "'", " ", "a", "局", "1"]), max_size=12
)


def read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=5))
def test_it_reads_back_every_cell_with_formulas_quoted_as_text(rows: list[list[str]]) -> None:
    width = max((len(r) for r in rows), default=1)
    got = read(csv_text([f"h{i}" for i in range(width)], rows))
    assert got[1:] == [[("'" + c) if c.startswith(FORMULA_STARTS) else c for c in row] for row in rows]
    assert not any(c.startswith(FORMULA_STARTS) for row in got for c in row)


@pytest.mark.parametrize("heading", ["=1+1", "@x", "-x", "+x"])
def test_it_quotes_a_heading_like_any_cell(heading: str) -> None:
    assert read(csv_text([heading], []))[0] == ["'" + heading]
