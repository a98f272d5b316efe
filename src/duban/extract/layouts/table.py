"""Tables: header row → column kinds → one task per row.

Two families share `rows_to_drafts`: real tables (docx/xlsx/html/pdf; cells already split,
merges repeated) and tables a scraper flattened into tab-separated lines (blank cells repeat the
cell above, separator lines of dashes, `<p>` markup, cells broken by stray spaces).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from duban.extract.columns import UNIT_KINDS, column_kind, header_kinds, is_unit_kind
from duban.extract.document import Block, Table
from duban.extract.draft import Draft
from duban.extract.layouts.base import Claim
from duban.extract.normalize import clean, strip_markup
from duban.extract.roles import Resp, Role
from duban.extract.segment import parse_mark
from duban.extract.units import split_units

_SUBTOTAL = re.compile(r"^(?:小计|合计|总计|总分|共计)")


def _is_separator(row: Sequence[str]) -> bool:
    return all(_RULE.fullmatch(c) for c in row)


_RULE = re.compile(r"[-—=_\s|+]*")


def rows_to_drafts(
    rows: Sequence[Sequence[str]],
    kinds: list[str | None],
    *,
    names: Sequence[Sequence[str]] = (),
    where: str = "table",
    base_path: Sequence[str] = (),
) -> list[Draft]:
    """One draft per body row of a table whose header gave `kinds` (header excluded from rows)."""
    width = len(kinds)
    path_cols = [i for i, k in enumerate(kinds) if k == "path"]
    task_col = kinds.index("task")
    header = None
    carry: dict[int, str] = {}
    group: list[str] = []
    drafts: list[Draft] = []
    for r, raw in enumerate(rows):
        row = [clean(c) for c in raw][:width] + [""] * (width - len(raw))
        if _is_separator(row) or all(not c for c in row):
            continue
        if header is None and [column_kind(c) for c in raw[:width]] == kinds:
            continue  # the header repeated after a page break
        filled = [c for c in row if c]
        if filled and _SUBTOTAL.match(filled[0]):
            continue  # 小计 / 合计: the table's own arithmetic, not a task
        rest = {c for i, c in enumerate(row) if c and kinds[i] != "id"}
        if len(rest) == 1 and (len(filled) > 1 or not row[task_col]):
            # A heading row merged across the table, maybe after its number ("一 | 推进…").
            group = [filled[0] if len(set(filled)) == 1 else "、".join(dict.fromkeys(filled))]
            carry.clear()
            continue
        if not row[task_col] and not any(row[i] for i, k in enumerate(kinds) if k in UNIT_KINDS):
            # A row with only a level cell ("一 | 推进…"): a heading for the rows below it.
            label = "".join(c for c in row if c)
            if label:
                group = [label]
                carry.clear()
            continue
        for i in path_cols:
            if row[i]:
                carry[i] = row[i]
        path = [*base_path, *group, *(carry[i] for i in path_cols if carry.get(i))]
        drafts.append(_row_draft(row, kinds, path, _cell_name(names, r, task_col, where), raw))
    return drafts


def _cell_name(names: Sequence[Sequence[str]], r: int, c: int, where: str) -> str:
    try:
        return names[r][c]
    except IndexError:
        return f"{where} row {r + 1}"


def _row_draft(
    row: list[str], kinds: list[str | None], path: list[str], where: str, raw: Sequence[str]
) -> Draft:
    number: str | None = None
    title: str | None = None
    task_cell = row[kinds.index("task")]
    mark = parse_mark(task_cell)
    if mark is not None:
        number, task_cell = mark.number, mark.rest
    text = task_cell
    if "text" in kinds:
        title = task_cell or None
        text = row[kinds.index("text")]
    resp: Resp = []
    deadline = None
    points = None
    for i, kind in enumerate(kinds):
        cell = row[i]
        if not cell:
            continue
        if kind in UNIT_KINDS:
            # The raw cell: its spaces tell "市委政法委 市综治办" (two) from "市 司 法 局" (one).
            units = split_units(strip_markup(raw[i]))
            if units:
                resp.append((_role(kind), units))
        elif kind == "id":
            number = cell.rstrip("、.．")
        elif kind == "deadline":
            deadline = cell
        elif kind == "points":
            m = re.search(r"\d+(?:\.\d+)?", cell)
            points = float(m.group()) if m else None
    return Draft(
        number=number,
        path=path,
        text=text,
        where=where,
        title=title,
        resp=resp,
        points=points,
        deadline_text=deadline,
    )


def _role(kind: str) -> Role:
    assert is_unit_kind(kind)
    return kind


class RealTables:
    """A docx/xlsx/html/pdf table whose header (in its first rows) names task columns."""

    name = "table"

    def claims(self, blocks: Sequence[Block]) -> Iterator[Claim]:
        for i, block in enumerate(blocks):
            if not isinstance(block, Table):
                continue
            for h, row in enumerate(block.rows[:6]):
                kinds = header_kinds(row)
                if kinds is None:
                    continue
                body = block.rows[h + 1 :]
                drafts = rows_to_drafts(body, kinds, names=block.cell_names[h + 1 :], where=block.where)
                yield Claim(self.name, i, i + 1, 2.0 + len(drafts), ruled(drafts, "table:header", 0.95))
                break


def ruled(drafts: list[Draft], rule: str, confidence: float) -> tuple[Draft, ...]:
    """Rows that name no unit are less sure: the column may have been merged away."""
    return tuple(replace(d, rule=rule, confidence=confidence if d.resp else confidence * 0.7) for d in drafts)
