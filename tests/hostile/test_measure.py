"""The measure the hostile suite holds the worker to sees a parse made in the worker itself:
without the sandbox, reading the wide sheet in this process (as bulk entry used to) fails it."""

from __future__ import annotations

import io

import openpyxl

from .bounds import COPIES, WORKER_MB, measured
from .files import xlsx_wide


def test_the_measure_sees_a_parse_in_the_worker() -> None:
    _, data = xlsx_wide(rows=1000)
    with measured(stored=False) as cost:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]  # 1,000 rows × 16,384 cells
    assert len(rows) == 1000 and len(rows[0]) == 16384
    assert cost.worker_growth_mb > WORKER_MB + COPIES * len(data) / 2**20
