"""Scored checklists flattened into text: indicator levels with their points, down to the rows
that are scored (评分细则 / 考核细则 / 评价指标).

The header names the levels (一级指标 / 二级指标 / 三级指标, or 考核项目 …) and a text column or
two (详细内容, 打分要求, 考核标准); a second header row may give each level's 指标项 / 分值上限.
In the body every level is a name followed by its points; a run of such pairs goes down the
levels, and the last pair of a run is a scored row, whose text follows until the next pair:

    1 基本能力 15 信息登记 10 从业单位和个人信息登记 5 <详细内容> <打分要求…>
                              业绩情况信息登记 5 <…>

"/" stands for an empty cell (a row scored at a higher level, or without points of its own);
merged cells printed twice in a row ("3 3 行业引领水平 行业引领水平") are read once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from duban.extract.columns import UNIT_KINDS, column_kind, find_run_header
from duban.extract.document import Block, Paragraph, Table
from duban.extract.draft import Draft
from duban.extract.layouts.base import Claim
from duban.extract.normalize import squash, strip_markup

_LEVEL = re.compile(r"^(?:[一二三四五]级)?(?:指标|考核项目|考核内容|评价项目|评分项目)(?:名称)?$")
# A level column's word standing as a cell of its own: a paragraph, or between spaces.
_LEVEL_WORD = re.compile(r"(?:^|\s)(?:[一二三四五]级)?指标(?:名称)?(?:\s|$)|[一二三四五]级指标")
_POINTS_WORDS = re.compile(r"分值|分数|标准分|权重|指标项|分值上限")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d+)?|/)$")
_SENTENCE = re.compile(r"[。；;，,：:]")
_NEW_TABLE = re.compile(r"^附件\s*\d+\s*$|^附表\s*\d+")
_MAX_NAME = 30


class Checklists:
    name = "checklist"

    def claims(self, blocks: Sequence[Block]) -> Iterator[Claim]:
        yield from _tables(blocks)
        if not any(isinstance(b, Paragraph) and _LEVEL_WORD.search(b.text) for b in blocks):
            return  # cheap: no level column anywhere
        tokens = _tokens(blocks)
        texts = [t for _, t in tokens]
        k = 0
        while k < len(texts):
            if not _LEVEL.match(texts[k]) and not _level_run(texts[k]):
                k += 1
                continue
            header = _header(texts, k)
            if header is None:
                k += 1
                continue
            levels, body = header
            drafts, end = _rows(tokens, blocks, body, levels)
            if len(drafts) >= 2:
                start = tokens[_header_start(texts, k)][0]
                yield Claim(self.name, start, tokens[end - 1][0] + 1, 1.0 + len(drafts), tuple(drafts))
                k = end
            else:
                k += 1


def _tables(blocks: Sequence[Block]) -> Iterator[Claim]:
    """Real tables: level columns (一级指标 …), a points column after the last level, and no
    column of units (a table naming units is a task table: `table.RealTables`)."""
    for i, b in enumerate(blocks):
        if not isinstance(b, Table):
            continue
        for h, header in enumerate(b.rows[:4]):
            cells = [squash(c) for c in header]
            level_cols = [k for k, c in enumerate(cells) if _LEVEL.match(c)]
            if not level_cols or any(column_kind(c) in UNIT_KINDS for c in cells):
                continue
            leaf = level_cols[-1]
            points = next((k for k in range(leaf + 1, len(cells)) if _POINTS_WORDS.search(cells[k])), None)
            if points is None:
                continue
            target = next((k for k, c in enumerate(cells) if "目标值" in c), None)
            drafts = _table_drafts(b, h, level_cols, points, target)
            if drafts:
                yield Claim("checklist", i, i + 1, 2.0 + len(drafts), tuple(drafts))
            break


def _table_drafts(table: Table, h: int, levels: list[int], points: int, target: int | None) -> list[Draft]:
    """One task per scored indicator; an indicator spread over several rows (merged cells) has
    the points of all its rows."""
    header = [squash(c) for c in table.rows[h]]
    leaf = levels[-1]
    drafts: list[Draft] = []
    for r in range(h + 1, len(table.rows)):
        row = [squash(c) for c in table.rows[r]]
        if len(row) <= max(leaf, points) or not row[leaf] or _LEVEL.match(row[leaf]) or row[:3] == header[:3]:
            continue
        if re.match(r"^(?:小计|合计|总计|总分)", row[0]):
            continue
        value = _points(row[points])
        path = [row[k] for k in levels[:-1] if row[k]]
        last = drafts[-1] if drafts else None
        if last is not None and last.title == row[leaf] and last.path == path:
            if value is not None:
                last.points = (last.points or 0) + value  # the same indicator's next sub-row
            continue
        k = len(drafts) + 1
        goal = row[target] if target is not None and target < len(row) else ""
        drafts.append(
            Draft(
                number=str(k),
                path=path,
                text=row[leaf],
                where=table.cell_name(r, leaf),
                title=row[leaf],
                points=value,
                rule="checklist:levels",
                confidence=0.8,
                target_text=f"{row[leaf]}达到{goal}" if _AMOUNT.fullmatch(goal) else "",
            )
        )
    return drafts


# A target value as a table prints it: "40%", "80.21%", "100%", "3个".
_AMOUNT = re.compile(r"\d+(?:\.\d+)?(?:%|‰|个|项|次|人|家|天|小时)")


def _points(cell: str) -> float | None:
    m = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)分?", cell)
    return float(m.group(1)) if m else None


def _level_run(text: str) -> bool:
    """ "序号 一级指标 二级指标 …" run together on a line."""
    return len(text) <= 80 and text.count("指标") >= 2


def _header_start(texts: list[str], i: int) -> int:
    return i - 1 if i > 0 and column_kind(texts[i - 1]) == "id" else i


def _header(texts: list[str], i: int) -> tuple[int, int] | None:
    """(number of levels, index of the first body line) when a checklist header starts at i."""
    cells: list[str] = []
    j = i
    run = find_run_header(texts[i]) if _level_run(texts[i]) else None
    if run is not None:
        cells, j = list(run.cells), i + 1
    else:
        while (
            j < len(texts)
            and len(cells) < 10
            and texts[j]
            and len(texts[j]) <= 8
            and not _NUMBER.match(texts[j])
        ):
            cells.append(texts[j])
            j += 1
    levels = sum(1 for c in cells if _LEVEL.match(c))
    texty = sum(1 for c in cells if column_kind(c) in ("text", "task"))
    # A second header row: each level's 指标项 / 分值上限.
    while j < len(texts) and texts[j] and _POINTS_WORDS.fullmatch(texts[j]):
        cells.append(texts[j])
        j += 1
    scored = any(_POINTS_WORDS.search(c) or column_kind(c) == "points" for c in cells)
    if levels == 0 or not scored or texty == 0:
        return None
    return levels, j


@dataclass
class _Walk:
    levels: int
    path: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # the run of name/points going down
    leaf: tuple[str, str, list[str], str] | None = None  # name, points, path, where
    text: list[str] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)

    def pair(self, name: str, points: str) -> None:
        if self.text or (self.leaf is None and not self.pairs):
            self.close()
        self.pairs.append((name, points))

    def body(self, line: str, where: str) -> None:
        if self.pairs:
            self._descend(where)
        if self.leaf is not None:
            self.text.append(line)

    def _descend(self, where: str) -> None:
        """A run of pairs ends: its first pairs are levels above, the last is the scored row."""
        run = [p for p in self.pairs if p[0] != "/"] or self.pairs[-1:]
        depth = min(len(run), self.levels)
        keep = max(self.levels - depth, 0)
        self.path = self.path[:keep] + [name for name, _ in run[:-1]]
        name, points = run[-1]
        if points == "/":
            # A row without points of its own is scored by the level above it, when that has one.
            points = next((p for _, p in reversed(run[:-1]) if p != "/"), points)
        self.leaf = (name, points, list(self.path), where)
        self.pairs = []

    def close(self) -> None:
        if self.leaf is not None:
            name, points, path, where = self.leaf
            k = len(self.drafts) + 1
            self.drafts.append(
                Draft(
                    number=str(k),
                    path=path,
                    text="".join(self.text),
                    where=where,
                    title=name,
                    points=None if points == "/" else float(points),
                    rule="checklist:levels",
                    confidence=0.8,
                )
            )
        self.leaf, self.text = None, []


def _rows(
    all_tokens: list[tuple[int, str]], blocks: Sequence[Block], start: int, levels: int
) -> tuple[list[Draft], int]:
    """The drafts of the rows from token `start` on, and the index of the token after the last."""
    walk = _Walk(levels)
    texts = [t for _, t in all_tokens]
    tokens: list[tuple[int, str]] = []
    j = start
    while j < len(texts):
        t = texts[j]
        if tokens and _next_table(texts, j):
            break
        if not tokens or t != tokens[-1][1]:  # a merged cell printed twice: once
            tokens.append(all_tokens[j])
        j += 1
    k = 0
    while k < len(tokens):
        idx, t = tokens[k]
        nxt = tokens[k + 1][1] if k + 1 < len(tokens) else ""
        if _NUMBER.match(nxt) and k + 2 < len(tokens) and _AMOUNT_WORD.match(tokens[k + 2][1]):
            walk.body(t, blocks[idx].where if isinstance(blocks[idx], Paragraph) else "")
            k += 1  # "…不少于 10 名": an amount in the text, not a level's points
            continue
        where = blocks[idx].where if isinstance(blocks[idx], Paragraph) else ""
        if _is_name(t) and _NUMBER.match(nxt):
            walk.pair(t, nxt)
            k += 2
            continue
        if _NUMBER.match(t) and t != "/" and (not walk.text or _is_name(nxt)):
            k += 1  # a serial number (序号) before a top-level name
            continue
        walk.body(t, where)
        k += 1
    walk.close()
    return walk.drafts, j


def _next_table(texts: list[str], j: int) -> bool:
    """Whether the next table starts at token j: "附件2", or its header (maybe after 序号)."""
    t = texts[j]
    nxt = texts[j + 1] if j + 1 < len(texts) else ""
    if _NEW_TABLE.match(t) or (t in ("附件", "附表") and _NUMBER.match(nxt)):
        return True
    if column_kind(t) == "id" and _LEVEL.match(nxt):
        return _header(texts, j + 1) is not None
    return bool((_LEVEL.match(t) or _level_run(t)) and _header(texts, j))


def _is_name(t: str) -> bool:
    return t == "/" or (len(t) <= _MAX_NAME and not _SENTENCE.search(t) and not _NUMBER.match(t))


# --- text run together ------------------------------------------------------------------------

# What follows an amount in a rule's text ("15 个工作日", "10 名", "1 批次"), not a level's name.
_AMOUNT_WORD = re.compile(r"^(?:[个名批次人天年月日%‰倍家处条]|项(?!目))")

_RUN_TOGETHER = 300
_HEADER_WORD = re.compile(
    r"序号|[一二三四五]级指标|详细内容|打分要求|评分标准|考核标准|考核内容|指标项|分值上限|分值"
)
_HEADER_RUN = re.compile(f"(?:(?:{_HEADER_WORD.pattern})\\s*){{3,}}")
# A number standing alone between words of a row run together: a level's points or a serial.
# Not an amount of a scoring rule: "扣1分", "1项扣", "每2次扣".
_LONE_NUMBER = re.compile(
    r"(?<=[\u4e00-\u9fff）)”》])(\d{1,3}(?:\.\d+)?|/)(?=[\u4e00-\u9fff（(“《])(?!分|[项次人个名家处条][扣加减罚])"
)


def _tokens(blocks: Sequence[Block]) -> list[tuple[int, str]]:
    """The cells of the text, each with its block: a paragraph is a cell, unless it is a table
    run together (a flattened page), whose cells are told by spaces, by the header's words and
    by the numbers between names."""
    out: list[tuple[int, str]] = []
    for i, b in enumerate(blocks):
        if not isinstance(b, Paragraph):
            continue
        text = strip_markup(b.text).strip()
        if len(text) < _RUN_TOGETHER:
            if text:
                out.append((i, squash(text)))
            continue
        for piece in text.split():
            out.extend((i, t) for t in _unglue(piece) if t)
    return out


def _unglue(piece: str) -> list[str]:
    out: list[str] = []
    pos = 0
    for m in _HEADER_RUN.finditer(piece):
        out.extend(_numbers_apart(piece[pos : m.start()]))
        out.extend(w.group() for w in _HEADER_WORD.finditer(m.group()))
        pos = m.end()
    out.extend(_numbers_apart(piece[pos:]))
    return out


def _numbers_apart(text: str) -> list[str]:
    """ "…扣1分。业绩情况信息登记5从业单位…" → the name before a lone number stands apart."""
    parts = _LONE_NUMBER.split(text)
    out: list[str] = []
    for k, part in enumerate(parts):
        is_number = k % 2 == 1
        if not is_number and k + 1 < len(parts):
            cut = max(part.rfind(c) for c in "。；;：:，,")
            name = part[cut + 1 :]
            if cut >= 0 and name and _is_name(name):
                out.extend([part[: cut + 1], name])
                continue
        out.append(part)
    return out
