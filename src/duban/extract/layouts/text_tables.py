"""Tables that arrive as lines of text, after a header line.

- Tab-separated rows (a table pasted from Word or Excel): the header's width says how many cells
  a row has; a line holding more is several rows run together (a scraper removed the line
  breaks: each row after the first then lost its empty first cell into the cell before).
- Space-separated rows (the same table on a web page, where tabs collapse to one space): the
  columns are told by content — numbered cells are the levels and the task, a list of bodies is
  a unit column, the rest is text — because a single space also stands inside cells.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from duban.extract.columns import UNIT_KINDS, column_kind, header_kinds, is_unit_kind
from duban.extract.document import Block, Paragraph
from duban.extract.draft import Draft
from duban.extract.layouts.base import Claim
from duban.extract.layouts.table import rows_to_drafts, ruled
from duban.extract.normalize import strip_markup
from duban.extract.roles import Resp, Role
from duban.extract.segment import find_marks, parse_mark
from duban.extract.units import directory, leading_name, split_units, trailing_units

_DASHES = re.compile(r"[-—=_]{3,}$|^[-—=_]{3,}")


class TabRows:
    """A table flattened into lines whose cells are separated by tabs, after a header line."""

    name = "tab-rows"

    def claims(self, blocks: Sequence[Block]) -> Iterator[Claim]:
        after = 0  # rows already read belong to the table before
        for i, block in enumerate(blocks):
            if i < after or not isinstance(block, Paragraph) or "\t" not in block.text:
                continue
            header, leftover = _header_cells(block.text.split("\t"))
            kinds = header_kinds(header)
            if kinds is None:
                continue
            rows: list[list[str]] = _rows(leftover, len(kinds)) if leftover else []
            names: list[list[str]] = [[f"{block.where} column {c + 1}" for c in range(len(r))] for r in rows]
            j = i + 1
            while j < len(blocks):
                b = blocks[j]
                if not isinstance(b, Paragraph):
                    break
                if "\t" not in b.text and b.text.strip():
                    nxt = blocks[j + 1] if j + 1 < len(blocks) else None
                    if not rows or not (isinstance(nxt, Paragraph) and "\t" in nxt.text):
                        break
                    rows[-1][-1] += b.text.strip()  # a line break inside a cell: the cell goes on
                    j += 1
                    continue
                for row in _rows(b.text.split("\t"), len(kinds)):
                    rows.append(row)
                    names.append([f"{b.where} column {c + 1}" for c in range(len(row))])
                j += 1
            drafts = rows_to_drafts(rows, kinds, names=names, where=block.where)
            # Rows run together lose cells at the line breaks: read them also as a stream of
            # cells told by their marks and content, and keep the reading that finds more.
            if _with_units(drafts) < len(drafts):  # some row misread: try the other reading
                stream = _stream_rows(leftover, blocks[i + 1 : j], kinds)
                by_content = rows_to_drafts(stream, kinds, where=block.where)
                if _with_units(by_content) > _with_units(drafts):
                    drafts = by_content
            after = j
            yield Claim(self.name, i, j, 1.0 + len(drafts), ruled(drafts, "tab-rows:header", 0.9))


def _with_units(drafts: list[Draft]) -> int:
    """Rows whose unit cells hold bodies' names (a misread row puts text or dashes there; a name
    a scan garbled, "市人口是省委", does not make a row misread)."""
    d = directory()

    def named(x: Draft) -> bool:
        units = [u for _, us in x.resp for u in us]
        return bool(units) and sum(1 for u in units if d.looks_like_unit(u)) >= 0.8 * len(units)

    return sum(1 for x in drafts if named(x))


def _header_cells(cells: list[str]) -> tuple[list[str], list[str]]:
    """A header line's own cells, and the cells of rows run into it: a cell that goes on from a
    column word into a numbered cell ("目标要求一、社会矛盾…") ends the header."""
    for k, cell in enumerate(cells):
        text = strip_markup(cell)
        for c in find_marks(text):
            if c.start > 0 and column_kind(text[: c.start]) is not None:
                return [*cells[:k], text[: c.start]], [text[c.start :], *cells[k + 1 :]]
    return cells, []


def _stream_rows(leftover: list[str], blocks: Sequence[Block], kinds: list[str | None]) -> list[list[str]]:
    """The tab table's cells as one stream, rows told by their task marks: level cells (一、…,
    (一)…) set the path, the unit cells after a task fill the unit columns in order, the rest is
    the text column.  For rows whose empty cells a flattening swallowed."""
    if "task" not in kinds:
        return []
    cells = _split_run_together(_stream_cells(leftover, blocks))
    return _StreamRows(kinds).read(cells)


def _stream_cells(leftover: list[str], blocks: Sequence[Block]) -> list[str]:
    cells: list[str] = []
    for x in leftover:
        cells.extend(_split_at_marks(strip_markup(x)))
    for b in blocks:
        if isinstance(b, Paragraph):
            for x in b.text.split("\t"):
                cells.extend(_split_at_marks(strip_markup(x)))
    return cells


class _StreamRows:
    """The rows of a stream of cells, under a header of these column kinds."""

    def __init__(self, kinds: list[str | None]) -> None:
        self.width = len(kinds)
        self.task_col = kinds.index("task")
        self.path_cols = [k for k, kind in enumerate(kinds) if kind == "path"]
        self.unit_cols = [k for k, kind in enumerate(kinds) if kind in UNIT_KINDS]
        self.text_col = next((k for k, kind in enumerate(kinds) if kind == "text"), None)
        self.styles: list[str] = []  # level styles in the order they first appear: the path columns
        self.path: dict[int, str] = {}
        self.rows: list[list[str]] = []
        self.filled = 0  # unit columns of the current row filled so far

    def read(self, cells: list[str]) -> list[list[str]]:
        task_style = _task_style(cells)
        for cell in (c.strip() for c in cells):
            if not cell or _DASHES.fullmatch(cell.replace(" ", "")):
                continue
            mark = parse_mark(cell)
            if mark is not None and mark.style == task_style:
                self._task(cell)
            elif mark is not None:
                self._level(mark.style, cell)
            elif self.rows:
                self._body(self.rows[-1], cell)
        return self.rows

    def _task(self, cell: str) -> None:
        row = ["" for _ in range(self.width)]
        for k, v in self.path.items():
            row[k] = v
        row[self.task_col] = cell
        self.rows.append(row)
        self.filled = 0

    def _level(self, style: str, cell: str) -> None:
        if style not in self.styles:
            self.styles.append(style)
        level = self.styles.index(style)
        if level < len(self.path_cols):
            self.path = {k: v for k, v in self.path.items() if self.path_cols.index(k) < level}
            self.path[self.path_cols[level]] = cell

    def _body(self, row: list[str], cell: str) -> None:
        if self.filled < len(self.unit_cols) and _unit_cell(cell):
            row[self.unit_cols[self.filled]] = cell
            self.filled += 1
        elif self.text_col is not None:
            row[self.text_col] += cell


def _task_style(cells: list[str]) -> str | None:
    """The numbering of the task column: the marks that a list of bodies follows."""
    count: dict[str, int] = {}
    for a, b in itertools.pairwise(cells):
        mark = parse_mark(a.strip())
        if mark is not None and _unit_cell(b.strip()):
            count[mark.style] = count.get(mark.style, 0) + 1
    return max(count, key=lambda k: count[k]) if count else None


def _split_run_together(cells: list[str]) -> list[str]:
    """Cells run into the next row's first cell with nothing between ("…政策及一、社会矛盾…"):
    split where a level cell printed elsewhere on its own begins, or the next task's number."""
    task_style = _task_style(cells)
    labels = {c.strip() for c in cells if (m := parse_mark(c.strip())) is not None and m.style != task_style}
    out: list[str] = []
    expected = 1
    for cell in cells:
        pos = 0
        for c in find_marks(cell):
            rest = cell[c.start :]
            nxt = c.style == task_style and c.value == expected
            if c.start > pos and (nxt or any(rest.startswith(label) for label in labels)):
                out.append(cell[pos : c.start])
                pos = c.start
        out.append(cell[pos:])
        last = parse_mark(cell[pos:].strip())
        if last is not None and last.style == task_style and last.value is not None:
            expected = last.value + 1
    return out


def _split_at_marks(cell: str) -> list[str]:
    """A cell that ran into the next row's first cell ("…依法按政策及 一、社会矛盾…")."""
    out: list[str] = []
    pos = 0
    for c in find_marks(cell):
        if c.start > pos and c.evidence > 0:
            out.append(cell[pos : c.start])
            pos = c.start
    out.append(cell[pos:])
    return out


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
    loose = 0  # lines in a row that open no row
    j = start
    while j < len(blocks):
        b = blocks[j]
        if not isinstance(b, Paragraph):
            break
        text = strip_markup(b.text).strip()
        if not text or _DASHES.fullmatch(text.replace(" ", "")):
            j += 1
            continue
        if parse_mark(text) is None:
            if not drafts or loose >= 2:
                break
            loose += 1  # a row's text that went on over a line of its own (a PDF's wrapped line)
            drafts[-1].text += "".join(text.split())
            j += 1
            continue
        loose = 0
        # A row that went on over the next line (a PDF wrapped it mid-cell): one row.
        while j + 1 < len(blocks) and (rest := _rest_of_cell(text, blocks[j + 1])) is not None:
            j += 1
            text += rest
        levels, row = _row(text, unit_kinds)
        for style, label in levels:
            # Level cells ("一、…", "(一) …"), on the row's line or on one of their own: the path
            # of this row and those below.
            path = {k: v for k, v in path.items() if k != style and list(path).index(k) < _rank(path, style)}
            path[style] = label
        if row is not None:
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


def _rest_of_cell(text: str, nxt: Block) -> str | None:
    """The next line's text when it is the rest of a cell: no mark of its own, and this line
    stopped inside a list of bodies ("…市公安局、武警南京支" + "队、市司法局…")."""
    if not isinstance(nxt, Paragraph):
        return None
    follow = strip_markup(nxt.text).strip()
    last = text.split()[-1] if text.split() else ""
    goes_on = (
        bool(follow)
        and parse_mark(follow) is None
        and "、" in last
        and not _DASHES.fullmatch(follow.replace(" ", ""))
    )
    return follow if goes_on else None


def _rank(path: dict[str, str], style: str) -> int:
    """Where a level of this style goes: its old place, or below every level open."""
    return list(path).index(style) if style in path else len(path)


def _row(
    text: str, unit_kinds: list[str | None]
) -> tuple[list[tuple[str, str]], tuple[str, str, Resp, str] | None]:
    """ "一、…计划 (一) 源头治理攻坚行动 2、建立群众利益协调机制 市维稳办 市维稳领导小组成员单位
    完善…" → the level cells before the task ((style, label), …) and the row (number, title,
    units by column, the text after them), or None when no body follows a title."""
    cells = _numbered_cells(text.split())
    cells = [part for c in cells for part in _list_then_text(c)]
    marks = [parse_mark(c) for c in cells]
    units = [_unit_cell(c) for c in cells]
    first = next((k for k in range(1, len(cells)) if units[k] and any(marks[:k])), None)
    numbered = [(k, m) for k, m in enumerate(marks[: first if first is not None else len(cells)]) if m]
    if not numbered:
        return [], None
    if first is None:
        return [(m.style, cells[k]) for k, m in numbered], None
    (task, mark), levels = numbered[-1], [(m.style, cells[k]) for k, m in numbered[:-1]]
    last = first
    while last + 1 < len(cells) and units[last + 1]:
        last += 1
    short = len([k for k in unit_kinds if k in UNIT_KINDS]) > last - first + 1  # a unit column missing
    if short and first == task + 1 and (glued := trailing_units(mark.rest)) is not None and glued[0] > 0:
        # The title ran into the lead unit ("…防线建设市国家安全局 市委办公厅、…").
        cells[task : task + 1] = [
            cells[task][: len(cells[task]) - len(mark.rest) + glued[0]],
            "、".join(glued[1]),
        ]
        return _row(" ".join(cells), unit_kinds)
    title = "".join([mark.rest, *cells[task + 1 : first]])
    return levels, (
        mark.number,
        title,
        _columns(cells[first : last + 1], unit_kinds),
        "".join(cells[last + 1 :]),
    )


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def _unit_cell(cell: str) -> bool:
    """A list of bodies; one name a scan garbled ("市人口是省委") does not undo a long list."""
    if re.search(r"[，。；,;：:]", _QUOTED.sub("", cell)):
        return False  # a sentence, however many bodies it names (a quoted name may hold a comma)
    names = split_units(cell)
    good = sum(1 for u in names if directory().looks_like_unit(u))
    return bool(names) and (good == len(names) or (len(names) >= 5 and good >= 0.8 * len(names)))


def _list_then_text(cell: str) -> list[str]:
    """ "A、B、市民族宗教事务局以促进…": a list of bodies run into the text after it."""
    parts = cell.split("、")
    if len(parts) < 2 or not directory().looks_like_unit(parts[0]):
        return [cell]
    d = directory()
    # The list ends at the first part that is no body's name and has none after it (a name a
    # scan garbled, "市人口是省委", has more names after it).
    k = next(
        (
            k
            for k, p in enumerate(parts)
            if not d.looks_like_unit(p) and not any(d.looks_like_unit(q) for q in parts[k + 1 : k + 3])
        ),
        None,
    )
    if k is None or k == 0:
        return [cell]
    name = leading_name(parts[k])
    if name is None:
        return [cell]
    return ["、".join([*parts[:k], name]), "、".join([parts[k][len(name) :], *parts[k + 1 :]])]


# A mark printed apart from its words: "(一) 源头治理攻坚行动".
_BARE_MARK = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,3}[、.．])$"
)


def _numbered_cells(tokens: list[str]) -> list[str]:
    cells: list[str] = []
    for t in tokens:
        if cells and _BARE_MARK.match(cells[-1]):
            cells[-1] += t
        else:
            cells.append(t)
    return cells


def _columns(tokens: list[str], unit_kinds: list[str | None]) -> Resp:
    """Lists of bodies between spaces, shared out over the header's unit columns: a list ("A、B")
    is a column of its own; names before it, each alone between spaces, are the column before."""
    roles: list[Role] = [k for k in unit_kinds if is_unit_kind(k)] or ["responsible"]
    if len(roles) == 1 or len(tokens) == 1:
        return [(roles[0], [u for t in tokens for u in split_units(t)])]
    cut = len(tokens) - 1  # the last token is the last column
    resp: Resp = [(roles[0], [u for t in tokens[:cut] for u in split_units(t)])]
    resp.append((roles[1], split_units(tokens[cut])))
    return resp
