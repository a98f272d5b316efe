"""Tables that arrive as lines of text, after a header line.

- Tab-separated rows (a table pasted from Word or Excel): the header's width says how many cells
  a row has; a line holding more is several rows run together (a scraper removed the line
  breaks: each row after the first then lost its empty first cell into the cell before).
- Space-separated rows (the same table on a web page, where tabs collapse to one space): the
  columns are told by content — numbered cells are the levels and the task, a list of bodies is
  a unit column, the rest is text — because a single space also stands inside cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from duban.extract.columns import UNIT_KINDS, header_kinds
from duban.extract.document import Block, Paragraph
from duban.extract.draft import Draft
from duban.extract.layouts.base import Claim
from duban.extract.layouts.table import rows_to_drafts, ruled
from duban.extract.normalize import strip_markup
from duban.extract.roles import Resp, Role
from duban.extract.segment import parse_mark
from duban.extract.units import directory, split_units

_DASHES = re.compile(r"[-—=_]{3,}$|^[-—=_]{3,}")


class TabRows:
    """A table flattened into lines whose cells are separated by tabs, after a header line."""

    name = "tab-rows"

    def claims(self, blocks: Sequence[Block]) -> Iterator[Claim]:
        after = 0  # rows already read belong to the table before
        for i, block in enumerate(blocks):
            if i < after or not isinstance(block, Paragraph) or "\t" not in block.text:
                continue
            kinds = header_kinds(block.text.split("\t"))
            if kinds is None:
                continue
            rows: list[list[str]] = []
            names: list[list[str]] = []
            j = i + 1
            while j < len(blocks):
                b = blocks[j]
                if not isinstance(b, Paragraph) or ("\t" not in b.text and b.text.strip()):
                    break
                for row in _rows(b.text.split("\t"), len(kinds)):
                    rows.append(row)
                    names.append([f"{b.where} column {c + 1}" for c in range(len(row))])
                j += 1
            drafts = rows_to_drafts(rows, kinds, names=names, where=block.where)
            after = j
            yield Claim(self.name, i, j, 1.0 + len(drafts), ruled(drafts, "tab-rows:header", 0.9))


def _rows(cells: list[str], width: int) -> list[list[str]]:
    """One line's cells as rows: a line longer than the header is rows run together, each after
    the first without its first cell (it ran into the last cell of the row before)."""
    cells = [_DASHES.sub("", c) if len(c) > 3 else c for c in cells]
    if len(cells) < width:
        # Fewer cells than columns: the empty leading ones (levels merged from above) were lost
        # with the whitespace around a line break.
        return [[*([""] * (width - len(cells))), *cells]] if len(cells) > 1 else [cells]
    if len(cells) == width:
        return [cells]
    rows = [cells[:width]]
    rest = cells[width:]
    while rest:
        rows.append(["", *rest[: width - 1]])
        rest = rest[width - 1 :]
    return rows


class SpacedRows:
    """A table whose tabs became single spaces: a header line of column words, then rows that
    open with numbered cells (levels, then the task) followed by lists of bodies and text."""

    name = "spaced-rows"

    def claims(self, blocks: Sequence[Block]) -> Iterator[Claim]:
        for i, block in enumerate(blocks):
            if not isinstance(block, Paragraph) or "\t" in block.text or " " not in block.text.strip():
                continue
            words = block.text.split()
            if len(words) < 3 or len(block.text) > 120:
                continue
            kinds = header_kinds(words)
            if kinds is None:
                continue
            unit_kinds: list[str | None] = [k for k in kinds if k in UNIT_KINDS]
            drafts, end = _spaced_rows(blocks, i + 1, unit_kinds)
            if drafts:
                yield Claim(self.name, i, end, 0.5 + len(drafts), ruled(drafts, "spaced-rows:content", 0.75))


def _spaced_rows(
    blocks: Sequence[Block], start: int, unit_kinds: list[str | None]
) -> tuple[list[Draft], int]:
    drafts: list[Draft] = []
    path: dict[str, str] = {}  # the level cells above, by their numbering style
    j = start
    while j < len(blocks):
        b = blocks[j]
        if not isinstance(b, Paragraph):
            break
        text = strip_markup(b.text).strip()
        if not text or _DASHES.fullmatch(text.replace(" ", "")):
            j += 1
            continue
        mark = parse_mark(text)
        if mark is None:
            break
        row = _row(text, mark.style, unit_kinds)
        if row is None:
            # A level cell on a line of its own ("(一) 源头治理攻坚行动"): the path of rows below.
            path = {k: v for k, v in path.items() if k != mark.style}
            path[mark.style] = "".join(text.split())
        else:
            number, title, resp, rest = row
            drafts.append(
                Draft(
                    number=number,
                    path=list(path.values()),
                    text=rest or title,
                    where=b.where,
                    title=title,
                    resp=resp,
                )
            )
        j += 1
    return drafts, j


def _row(text: str, style: str, unit_kinds: list[str | None]) -> tuple[str, str, Resp, str] | None:
    """ "2、建立群众利益协调机制 市维稳办 市维稳领导小组成员单位 完善…" → (number, title, units by
    column, the text after them); None when no body follows the title."""
    mark = parse_mark(text)
    assert mark is not None
    tokens = mark.rest.split()
    d = directory()
    is_units = [bool(split_units(t)) and all(d.looks_like_unit(u) for u in split_units(t)) for t in tokens]
    if not any(is_units[1:]):
        return None
    first = is_units.index(True, 1)
    last = first
    while last + 1 < len(tokens) and is_units[last + 1]:
        last += 1
    title = "".join(tokens[:first])
    unit_tokens = tokens[first : last + 1]
    return mark.number, title, _columns(unit_tokens, unit_kinds), "".join(tokens[last + 1 :])


def _columns(tokens: list[str], unit_kinds: list[str | None]) -> Resp:
    """Lists of bodies between spaces, shared out over the header's unit columns: a list ("A、B")
    is a column of its own; names before it, each alone between spaces, are the column before."""
    roles: list[Role] = [k for k in unit_kinds if k in UNIT_KINDS] or ["responsible"]  # type: ignore[misc]
    if len(roles) == 1 or len(tokens) == 1:
        return [(roles[0], [u for t in tokens for u in split_units(t)])]
    cut = len(tokens) - 1  # the last token is the last column
    resp: Resp = [(roles[0], [u for t in tokens[:cut] for u in split_units(t)])]
    resp.append((roles[1], split_units(tokens[cut])))
    return resp
