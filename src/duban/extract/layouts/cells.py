"""Tables a scraper flattened to one cell per paragraph (序号 / 具体工作 / 时间进度 / 责任部门 …).

The header gives the columns; rows start at a bare serial number; each cell is told by its
content (a list of bodies, a time phrase, text), because merged cells were printed once and
rows lost them: a row with no unit cell keeps the units of the row above (a lost rowspan).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from duban.extract.draft import Draft
from duban.extract.layouts.table import UNIT_KINDS, column_kind
from duban.extract.normalize import squash
from duban.extract.roles import Resp, Role, parse_unit_line
from duban.extract.segment import parse_mark

_SERIAL = re.compile(r"^\d{1,3}$")
_GROUP = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}|(?:行动|任务|专项)[一二三四五六七八九十\d]{1,3}[:：].*)$"
)
_TIME = re.compile(
    r"^(?:(?:全年|年内|持续|长期|常态化?|[一二三四]季度|上半年|下半年|年底|\d{4}年|\d{1,2}月)[^，。]{0,4}"
    r"(?:推进|完成|实施|坚持|开展|前|底|末)?|与.{1,8}同步|按.{1,10}要求)$"
)


def header_run(texts: Sequence[str], start: int) -> list[str | None] | None:
    """Column kinds when paragraphs from `start` are a header printed one cell per line."""
    kinds: list[str | None] = []
    for t in texts[start : start + 8]:
        s = squash(t)
        kind = column_kind(s) if len(s) <= 10 else None
        if kind is None and not (kinds and len(s) <= 6 and s and not _SERIAL.match(s)):
            break
        kinds.append(kind)
    while kinds and kinds[-1] is None:
        kinds.pop()
    named = [k for k in kinds if k]
    if (
        len(kinds) < 3
        or not any(k in UNIT_KINDS for k in named)
        or not any(k in ("task", "text") for k in named)
    ):
        return None
    return kinds


def cells_to_drafts(
    texts: Sequence[str], wheres: Sequence[str], kinds: list[str | None]
) -> tuple[list[Draft], int]:
    """Drafts of the rows after a header run; returns them and how many paragraphs they took."""
    header = [squash(t) for t in texts[: len(kinds)]]
    unit_kinds = [k for k in kinds if k in UNIT_KINDS]
    i = len(kinds)
    group: list[str] = []
    pending: list[str] = []
    last_resp: Resp = []
    drafts: list[Draft] = []
    row: list[str] | None = None
    row_where = ""
    row_number = ""

    def close() -> None:
        nonlocal row, last_resp, pending
        if row is None:
            return
        draft, after = _row(row, row_number, row_where, [*group, *pending], unit_kinds, last_resp)
        drafts.append(draft)
        last_resp = draft.resp
        if after:
            pending = after
        row = None

    while i < len(texts):
        s = squash(texts[i])
        if not s:
            i += 1
            continue
        if s == header[0] and [squash(t) for t in texts[i : i + len(header)]] == header:
            i += len(header)  # the header repeated after a page break
            continue
        if _SERIAL.match(s):
            close()
            row, row_where, row_number = [], wheres[i], s
        elif _GROUP.match(s):
            close()
            group, pending = [s], []
            if re.fullmatch(r"[一二三四五六七八九十]{1,3}", s) and i + 1 < len(texts):
                group = [s + "、" + squash(texts[i + 1])]  # "一" then its name: one merged row
                i += 1
        elif row is None and parse_mark(s) is None and len(s) <= 30:
            pending = [s]  # a merged sub-type cell ("旧区改造") for the rows below
        elif row is not None:
            row.append(s)
        else:
            break
        i += 1
    close()
    return drafts, i


def _row(
    cells: list[str], number: str, where: str, path: list[str], unit_kinds: Sequence[str | None], last: Resp
) -> tuple[Draft, list[str]]:
    # Units wrapped over several lines end in 、: glue them back first.
    joined: list[str] = []
    for c in cells:
        if joined and joined[-1].endswith(("、", "，", ",")):
            joined[-1] += c
        else:
            joined.append(c)
    unit_cells = [n for n, c in enumerate(joined) if parse_unit_line(c) is not None]
    # The unit columns are the last unit-like cells; a row needs a task cell before them.
    taken = unit_cells[-len(unit_kinds) :] if unit_kinds else []
    if taken and taken[0] == 0:
        taken = taken[1:]
    resp: Resp = []
    texts: list[str] = []
    deadline = None
    after: list[str] = []
    for n, c in enumerate(joined):
        if n in taken:
            resp.append((_role(unit_kinds[len(resp)]), parse_unit_line(c) or []))
        elif _TIME.match(c) and deadline is None:
            deadline = c
        elif resp and not _short(c):
            continue  # a trailing reference column (参考文件): not part of the task
        else:
            texts.append(c)
    if not resp and last:
        resp = [(role, list(us)) for role, us in last]
    long_idx = [n for n, t in enumerate(texts) if not _short(t)]
    if long_idx:
        task = "".join(texts[n] for n in long_idx)
        row_path = [*path, *texts[: long_idx[0]]]
        after = texts[long_idx[-1] + 1 :]
    else:
        task, row_path = "".join(texts[:1]), path
        after = texts[1:]
    return Draft(
        number=number, path=row_path, text=task, where=where, resp=resp, deadline_text=deadline
    ), after


def _short(cell: str) -> bool:
    """A label-like cell (a sub-type name), not a sentence of task text."""
    return len(cell) <= 20 and not re.search(r"[。，；,;：:]", cell)


def _role(kind: str | None) -> Role:
    return kind if kind in UNIT_KINDS else "responsible"  # type: ignore[return-value]
