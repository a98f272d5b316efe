"""Tables flattened into running text: a header, then rows told by their serial numbers.

A scraper prints a table's cells one per paragraph, or runs them into one line with spaces, or
with nothing at all between them ("序号重点任务具体工作时间进度责任部门一推进…1全力推进…全年推进
发展改革委、…等2将…").  The header gives the columns; rows start at serial numbers that count up
(`sequence.keep` over bare numbers); each cell is told by its content — a list of bodies, a time
phrase, text — because merged cells were printed once: a row with no unit cell keeps the units
of the row above (a lost rowspan), and a short label before a row's serial is a merged
sub-type cell for the rows below ("旧区改造").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from duban.extract.columns import UNIT_KINDS, column_kind, find_run_header, is_unit_kind, opens_with_header
from duban.extract.document import Block, Paragraph
from duban.extract.draft import Draft
from duban.extract.layouts.base import Claim
from duban.extract.normalize import squash, strip_markup
from duban.extract.roles import Resp, Role, parse_unit_line
from duban.extract.segment import LINE_START, Candidate, cn_to_int
from duban.extract.sequence import Placed, keep
from duban.extract.units import reads_whole, trailing_units

_SERIAL = re.compile(r"^\d{1,3}$")
_CN_NUMERAL = "一二三四五六七八九十"
_GROUP = re.compile(rf"^(?:[{_CN_NUMERAL}]{{1,3}}|(?:行动|任务|专项)[{_CN_NUMERAL}\d]{{1,3}}[:：].*)$")
_TIME_WORDS = (
    r"(?:(?:全年|年内|持续|长期|常态化?|[一二三四]季度|上半年|下半年|年底|\d{4}年(?:\d{1,2}月)?(?:底|末)?|\d{1,2}月(?:底|末)?)"
    r"[^，。\s]{0,4}?(?:推进|完成|实施|坚持|开展|前|底|末)?|与.{1,8}同步|按.{1,10}要求)"
)
_TIME = re.compile(rf"^{_TIME_WORDS}$")
_TIME_PHRASE = r"(?:全年推进|年内完成|持续推进|长期坚持|常态化推进|与国家安排同步|[一二三四]季度完成|[上下]半年完成|年底前完成)"


# Documents cited in a 参考文件 column: titles in book quotes, each maybe with its number.
_REFERENCES = re.compile(r"(?:《[^《》]{2,80}》(?:[（(][^（）()]{2,30}[）)])?[、，,]?)+$")


def _last_time_phrase(cell: str) -> re.Match[str] | None:
    """The last time phrase of a cell, as a table's 时间进度 column prints it."""
    found = None
    for m in re.finditer(_TIME_PHRASE, cell):
        found = m
    return found


_TIME_AT_END = re.compile(
    r"(?:全年推进|年内完成|持续推进|长期坚持|常态化推进|与国家安排同步|[一二三四]季度完成|(?:上|下)半年完成)$"
)
# A bare serial number inside text run together: not part of a number, not an amount.
_INNER_SERIAL = re.compile(r"(?<![\d.．A-Za-z%\-–—])(\d{1,3})(?=[\u4e00-\u9fff“《（(])(?![\d.．])")
_AMOUNT_WORDS = frozenset(
    "年月日号时分秒个项件次名人家所条级类期批届倍元万亿岁米吨户座栋台辆公里亩平层季周天"
)
# A paragraph holding several cells: split at its whitespace (a cell rarely runs this long).
_MANY_CELLS = 300


@dataclass
class _Chunk:
    text: str
    where: str
    whole: bool  # a cell of its own (a paragraph, or between spaces), not a piece of glued text


class FlatTables:
    """A table flattened into running text: a header, then rows told by their serial numbers."""

    name = "cells"

    def claims(self, blocks: Sequence[Block]) -> Iterator[Claim]:
        texts: list[str] = []
        wheres: list[str] = []
        index: list[int] = []  # the block of each paragraph
        for i, b in enumerate(blocks):
            if isinstance(b, Paragraph):
                texts.append(strip_markup(b.text))
                wheres.append(b.where)
                index.append(i)
        for n, text in enumerate(texts):
            if "\t" in text or (column_kind(text) is None and not opens_with_header(text)):
                continue  # cheap test first: this runs for every paragraph (a tab row is TabRows')
            kinds = header_at(texts, n)
            if kinds is None:
                continue
            drafts, used = cells_to_drafts(texts[n:], wheres[n:], kinds)
            if drafts:
                end = index[n + used - 1] + 1
                yield Claim(self.name, index[n], end, 1.0 + len(drafts), tuple(map(_confidence, drafts)))


def _confidence(d: Draft) -> Draft:
    # Cells told apart by their content alone (run together) are less sure than cells a line
    # break or a space separated; a row whose units came from the row above (a lost rowspan) too.
    sure = {"cells:glued": 0.7, "cells:units-from-row-above": 0.6}.get(d.rule, 0.85)
    return replace(d, confidence=sure if d.resp else sure * 0.8)


def header_at(texts: Sequence[str], i: int) -> list[str | None] | None:
    """Column kinds when a flattened table's header starts paragraph `i` (run or one per line)."""
    run = find_run_header(texts[i])
    if run is not None and not texts[i][: run.start].strip():
        return list(run.kinds)
    kinds: list[str | None] = []
    for t in texts[i : i + 8]:
        s = squash(t)
        kind = column_kind(s) if len(s) <= 10 and not re.search(r"[。，；,;：:]", s) else None
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
    """Drafts of the rows after the header that opens texts[0]; and how many paragraphs they took."""
    chunks, header = _body_chunks(texts, wheres, kinds)
    chunks = _split_serials(_without_repeated_header(chunks, header))
    table = _Table(kinds=kinds)
    used = 0
    for n, chunk in enumerate(chunks):
        if not table.feed(chunk):
            break
        used = n + 1
    table.close()
    consumed = _paragraphs_used(chunks[:used], wheres, len(texts))
    return table.drafts, consumed


def _body_chunks(
    texts: Sequence[str], wheres: Sequence[str], kinds: list[str | None]
) -> tuple[list[_Chunk], list[str]]:
    """The cells after the header, each a chunk, with the header's cells (to skip repeats)."""
    first = texts[0]
    run = find_run_header(first)
    header: list[str]
    if run is not None and not first[: run.start].strip():
        header = list(run.cells)
        rest = [(first[run.end :], wheres[0]), *zip(texts[1:], wheres[1:], strict=True)]
    else:
        header = [squash(t) for t in texts[: len(kinds)]]
        rest = list(zip(texts[len(kinds) :], wheres[len(kinds) :], strict=True))
    # A header run together in a line says the table was flattened: spaces stand between cells.
    spaced = run is not None and not first[: run.start].strip()
    chunks: list[_Chunk] = []
    for text, where in rest:
        s = text.strip()
        if not s:
            continue
        parts = s.split()
        if (spaced or len(s) > _MANY_CELLS) and len(parts) > 1:
            chunks.extend(_Chunk(p, where, True) for p in parts)
        else:
            chunks.append(_Chunk(squash(s), where, True))
    return chunks, header


def _without_repeated_header(chunks: list[_Chunk], header: list[str]) -> list[_Chunk]:
    """The header printed again after a page break: three or more of its cells in a row."""
    out: list[_Chunk] = []
    k = 0
    while k < len(chunks):
        if chunks[k].text in header:
            h = header.index(chunks[k].text)
            n = 0
            while k + n < len(chunks) and h + n < len(header) and chunks[k + n].text == header[h + n]:
                n += 1
            if n >= 3:
                k += n
                continue
        out.append(chunks[k])
        k += 1
    return out


def _split_serials(chunks: list[_Chunk]) -> list[_Chunk]:
    """Serial numbers standing alone, or run into text, kept where they count up."""
    placed: list[Placed] = []
    where: list[tuple[int, int]] = []  # (chunk, offset) of each candidate
    for n, ch in enumerate(chunks):
        if _SERIAL.match(ch.text):
            placed.append(Placed(Candidate(0, len(ch.text), "serial", int(ch.text), LINE_START), True))
            where.append((n, 0))
            continue
        for m in _INNER_SERIAL.finditer(ch.text):
            after = ch.text[m.end() : m.end() + 2]
            if after[:1] in _AMOUNT_WORDS and not _a_word_goes_on(after):
                continue
            placed.append(Placed(Candidate(m.start(), m.end(), "serial", int(m.group(1)), -1.0), True))
            where.append((n, m.start()))
    kept = keep(placed)
    cuts: dict[int, list[tuple[int, int]]] = {}
    for p, k, (n, off) in zip(placed, kept, where, strict=True):
        if k and not _SERIAL.match(chunks[n].text):  # a serial run into its row's text
            cuts.setdefault(n, []).append((off, p.candidate.end))
    out: list[_Chunk] = []
    for n, ch in enumerate(chunks):
        if n not in cuts:
            out.append(ch)
            continue
        pos = 0
        for start, end in cuts[n]:
            if ch.text[pos:start]:
                out.append(_Chunk(ch.text[pos:start], ch.where, False))
            out.append(_Chunk(ch.text[start:end], ch.where, True))
            pos = end
        if ch.text[pos:]:
            out.append(_Chunk(ch.text[pos:], ch.where, False))
    return out


def _a_word_goes_on(after: str) -> bool:
    """ "7分解…": 分 begins a word here (分解, 分类), not "7分" (points)."""
    return after[:1] == "分" and "\u4e00" <= after[1:2] <= "\u9fff" and after[1:2] not in "钟值数"


def _paragraphs_used(chunks: Sequence[_Chunk], wheres: Sequence[str], n: int) -> int:
    if not chunks:
        return 0
    last = chunks[-1].where
    return next((i + 1 for i in range(n - 1, -1, -1) if wheres[i] == last), n)


@dataclass
class _Table:
    kinds: list[str | None]
    drafts: list[Draft] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    row: list[_Chunk] | None = None
    number: str = ""
    where: str = ""
    last_resp: Resp = field(default_factory=list)
    preamble: int = 0  # chunks seen before the first row
    group_number: int = 0  # the number of the last group row ("二"), to know the next one

    def feed(self, ch: _Chunk) -> bool:
        """Take one chunk; False when it cannot belong to the table (the table has ended)."""
        s = ch.text
        if _SERIAL.match(s) and ch.whole:
            self.close()
            self.row, self.where, self.number = [], ch.where, s
        elif _GROUP.match(s) and ch.whole:
            self.close()
            self._set_group(s)
        elif self.group and len(self.group) == 1 and re.fullmatch(f"[{_CN_NUMERAL}]{{1,3}}", self.group[0]):
            self.group = [self.group[0] + "、" + s]  # "一" then its name: one merged row
        elif self.row is None and re.match(f"[{_CN_NUMERAL}]{{1,3}}[\u4e00-\u9fff]", s) and len(s) <= 30:
            self._set_group(s[: len(s) - len(s.lstrip(_CN_NUMERAL))] + "、" + s.lstrip(_CN_NUMERAL))
        elif self.row is None and len(s) <= 30 and not re.search(r"[。；;]", s):
            self.pending = [s]  # a merged sub-type cell ("旧区改造") for the rows below
        elif self.row is not None:
            self.row.append(ch)
        elif not self.drafts and not self.group and self.preamble < 2:
            self.preamble += 1  # a caption or note between the header and the first row
        else:
            return False
        return True

    def _set_group(self, label: str, pending: list[str] | None = None) -> None:
        self.group, self.pending = [label], pending or []
        m = re.match(f"[{_CN_NUMERAL}]{{1,3}}", label)
        if m:
            self.group_number = cn_to_int(m.group())

    def close(self) -> None:
        if self.row is None:
            return
        draft, after = _row(
            [c.text for c in self.row],
            self.number,
            self.where,
            [*self.group, *self.pending],
            self.kinds,
            self.last_resp,
            next_group=self.group_number + 1,
        )
        self.drafts.append(draft)
        self.last_resp = draft.resp
        if after:
            self._after(after)
        self.row = None

    def _after(self, after: list[str]) -> None:
        """Cells after a row's last column: the next rows' group or merged sub-type cells."""
        head = after[0]
        m = re.match(f"^([{_CN_NUMERAL}]{{1,3}})(?=[\u4e00-\u9fff])", head)
        if m and len(after) == 1:
            self._set_group(m.group(1) + "、" + head[m.end() :])
        elif _GROUP.match(head):
            self._set_group(head, after[1:2])
        else:
            self.pending = after[-1:]


def _row(
    cells: list[str],
    number: str,
    where: str,
    path: list[str],
    kinds: Sequence[str | None],
    last: Resp,
    *,
    next_group: int = 0,
) -> tuple[Draft, list[str]]:
    unit_kinds = [k for k in kinds if k in UNIT_KINDS]
    joined = _join_wrapped(cells)
    glued = not any(_unit_cell(c) for c in joined)
    if glued:
        joined = _unglue(joined, next_group)
    unit_cells = [n for n, c in enumerate(joined) if _unit_cell(c)]
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
        elif resp:
            after.append(c)  # a trailing column (参考文件) or the next rows' merged cells
        else:
            texts.append(c)
    inherited = not resp and bool(last)
    if inherited:
        resp = [(role, list(us)) for role, us in last]
    if resp and "note" in kinds[kinds.index(next(k for k in kinds if k in UNIT_KINDS)) :]:
        after = [a for a in after if _short(a)]  # a reference column holds text, not labels
    long_idx = [n for n, t in enumerate(texts) if not _short(t)]
    if long_idx:
        task = "".join(texts[n] for n in long_idx)
        row_path = [*path, *texts[: long_idx[0]]]
    else:
        task, row_path = "".join(texts[:1]), path
    rule = (
        "cells:units-from-row-above"
        if inherited
        else "cells:glued"
        if glued and resp
        else "cells:serial-rows"
    )
    draft = Draft(
        number=number, path=row_path, text=task, where=where, resp=resp, deadline_text=deadline, rule=rule
    )
    return draft, [a for a in after if a]


def _unit_cell(cell: str) -> bool:
    """A cell that is a list of bodies, each one name (not text run into the first name)."""
    names = parse_unit_line(cell)
    return names is not None and all(reads_whole(n) for n in names)


def _join_wrapped(cells: list[str]) -> list[str]:
    """Units wrapped over several lines end in 、: glue them back."""
    joined: list[str] = []
    for c in cells:
        if joined and joined[-1].endswith(("、", "，", ",")):
            joined[-1] += c
        else:
            joined.append(c)
    return joined


def _unglue(cells: list[str], next_group: int) -> list[str]:
    """Cells run together without a separator: split off a time phrase and a list of bodies by
    their content ("…任务全年推进发展改革委、生态环境局等二推进…")."""
    out: list[str] = []
    for c in cells:
        out.extend(_unglue_one(c, next_group))
    return out


def _unglue_one(cell: str, next_group: int) -> list[str]:
    # A reference column run into the end: "…各街镇《嘉定新城“十四五”规划》（嘉府发〔2023〕22号）".
    ref = _REFERENCES.search(cell)
    if ref is not None and ref.start() > 0:
        return [*_unglue_one(cell[: ref.start()], next_group), ref.group()]
    # A group row's numeral run into the end of the row: "…科技经济委等二推进能源结构优化".
    tail: list[str] = []
    for m in re.finditer(f"[{_CN_NUMERAL}]{{1,3}}(?=[\u4e00-\u9fff])", cell):
        if cell[m.end() : m.end() + 1] in _AMOUNT_WORDS or cell[m.end() : m.end() + 1] == "星":
            continue  # "三星级": an amount, not a group row's numeral
        head = cell[: m.start()]
        found = trailing_units(head)
        expected = cn_to_int(m.group()) == next_group  # the group row that comes next
        if found is not None and found[0] > 0 and (expected or len(found[1]) >= 2 or head.endswith("等")):
            cell, tail = head, [cell[m.start() :]]
            break
    found = trailing_units(cell)
    time = _last_time_phrase(cell)
    if time is not None:
        # A time phrase before the bodies tells where their list starts ("…年内完成投资办").
        units = cell[time.end() :]
        names = parse_unit_line(units)
        if names and all(reads_whole(n) for n in names):
            return [p for p in (cell[: time.start()], time.group(), units, *tail) if p]
    if found is None and not tail:
        # A merged sub-type cell for the rows below run into the end: "…各相关街镇旧住房更新改造".
        for p in range(len(cell) - 2, max(len(cell) - 14, 0), -1):
            if (
                _short(cell[p:])
                and (head_units := trailing_units(cell[:p])) is not None
                and len(head_units[1]) >= 2
            ):
                cell, tail, found = cell[:p], [cell[p:]], head_units
                break
    if found is None:
        return [cell, *tail]
    start, _names = found
    text, units = cell[:start], cell[start:]
    time = _TIME_AT_END.search(text)
    parts = [text[: time.start()], time.group()] if time else [text]
    return [p for p in (*parts, units, *tail) if p]


def _short(cell: str) -> bool:
    """A label-like cell (a sub-type name), not a sentence of task text."""
    return len(cell) <= 20 and not re.search(r"[。，；,;：:]", cell)


def _role(kind: str | None) -> Role:
    return kind if is_unit_kind(kind) else "responsible"
