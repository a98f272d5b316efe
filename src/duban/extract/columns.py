"""Table columns: header words → column kinds, and headers found in running text.

A task table's header says what each column holds (序号 / 工作任务 / 牵头单位 / 配合单位 / 完成
时限 …).  The words are data (data/columns.json).  A header may come as a real table row, as
tab-separated cells, one cell per line, or — in a flattened page — as words run together in a
line ("序号 重点任务 具体工作 时间进度 责任部门", or without the spaces).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypedDict, TypeGuard

from duban.extract import vocab
from duban.extract.normalize import clean
from duban.extract.roles import ROLES, Role

UNIT_KINDS: tuple[Role, ...] = ROLES  # the column kinds that name units: one a role


def is_unit_kind(kind: str | None) -> TypeGuard[Role]:
    return kind in UNIT_KINDS


class HeaderWords(TypedDict):
    """The words of one column kind in data/columns.json."""

    contains: list[str]  # a header holding one of these
    exact: list[str]  # a header that is exactly one of these


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, HeaderWords]:
    """data/columns.json: column kind → its header words."""
    return vocab.load("columns.json", dict[str, HeaderWords])


@lru_cache(maxsize=1)
def _kinds() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for kind, words in _vocabulary().items():
        alts = [re.escape(w) for w in words["contains"]] + [f"^{re.escape(w)}$" for w in words["exact"]]
        out.append((kind, re.compile("|".join(alts))))
    return tuple(out)


@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    words = {w for v in _vocabulary().values() for w in (*v["contains"], *v["exact"]) if len(w) >= 2}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _word_heads() -> frozenset[str]:
    """The characters a header word can start with."""
    return frozenset(
        w[0] for v in _vocabulary().values() for w in (*v["contains"], *v["exact"]) if len(w) >= 2
    )


@lru_cache(maxsize=1)
def _any_word() -> re.Pattern[str]:
    words = {w for v in _vocabulary().values() for w in (*v["contains"], *v["exact"])}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def column_kind(cell: str) -> str | None:
    if (len(cell) > 40 and "<" not in cell) or not _any_word().search(cell):
        return None  # cheap: this runs on every paragraph
    s = clean(cell)
    if not s or len(s) > 16:
        return None
    for kind, rx in _kinds():
        if rx.search(s):
            return kind
    return None


def header_kinds(row: Sequence[str]) -> list[str | None] | None:
    """Column kinds when `row` is a task table's header, else None."""
    kinds = [column_kind(c) for c in row]
    named = [k for k in kinds if k]
    if len(named) < 2 or not any(k in UNIT_KINDS for k in named):
        return None
    if not any(k in ("task", "text") for k in named):
        return None
    # Several task-like columns: the last is the task, those before it are levels above it.
    task_cols = [i for i, k in enumerate(kinds) if k == "task"]
    for i in task_cols[:-1]:
        kinds[i] = "path"
    if not task_cols:
        texts = [i for i, k in enumerate(kinds) if k == "text"]
        kinds[texts[0]] = "task"
    return kinds


@dataclass(frozen=True)
class RunHeader:
    """A header found in running text: its cells and where the body after it starts."""

    cells: tuple[str, ...]
    kinds: tuple[str | None, ...]
    start: int  # offset of the header's first cell
    end: int  # offset just after its last cell


# A header cell in running text: a few characters ending in a header word ("重点任务", "责任部门").
_MAX_CELL = 8
_SPACE = " \t\u3000\n"


def find_run_header(text: str) -> RunHeader | None:
    """The first task-table header whose cells stand in `text` one after another.

    Cells are separated by whitespace, or by nothing at all in a page flattened without spaces:
    then each cell is a header word with at most two characters before it ("重点" + "任务").
    """
    hits = [m.start() for m in _word_re().finditer(text)]
    for k, start in enumerate(hits):
        # Cheap first: a header holds three header words close together.
        if k + 2 >= len(hits) or hits[k + 2] - start > 3 * (_MAX_CELL + 2):
            continue
        # A cell may begin a little before its word, after a space or at a line's start.
        for back in (2, 1):
            i = start - back
            if i >= 0 and _is_cjk(text[i:start]) and (i == 0 or text[i - 1] in _SPACE):
                start = i
                break
        header = _header_from(text, start)
        if header is not None:
            return header
    return None


def opens_with_header(text: str) -> bool:
    """Whether `text` starts with a task-table header run together in the line."""
    s = text.lstrip()
    heads = _word_heads()
    if not any(s[k : k + 1] in heads and _word_re().match(s, k) for k in range(3)):
        return False  # cheap: this runs on every paragraph
    run = find_run_header(s[:200])
    return run is not None and run.start == 0


def _is_cjk(s: str) -> bool:
    return bool(s) and all("\u4e00" <= c <= "\u9fff" for c in s)


def _header_from(text: str, start: int) -> RunHeader | None:
    cells: list[str] = []
    pos = start
    while pos < len(text):
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        chunk_end = pos
        while chunk_end < len(text) and text[chunk_end] not in _SPACE:
            chunk_end += 1
        chunk = text[pos:chunk_end]
        if chunk_end - pos <= _MAX_CELL and _is_cjk(chunk) and column_kind(chunk) is not None:
            cells.append(chunk)  # a cell of its own between spaces: "任务类型"
            pos = chunk_end
            continue
        m = _word_re().match(text, pos) or _word_re().match(text, pos + 1) or _word_re().match(text, pos + 2)
        if m is None or not _is_cjk(text[pos : m.end()]) or _opens_item(text, pos):
            break
        cells.append(text[pos : m.end()])
        pos = m.end()
    if len(cells) < 3:
        return None
    kinds = header_kinds(cells)
    if kinds is None:
        return None
    return RunHeader(cells=tuple(cells), kinds=tuple(kinds), start=start, end=pos)


def _opens_item(text: str, pos: int) -> bool:
    """ "行动一：…" is a group row, not the header word 行动."""
    from duban.extract.segment import parse_mark

    return parse_mark(text[pos : pos + 12]) is not None
