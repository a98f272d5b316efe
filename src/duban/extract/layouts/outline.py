"""Running text: numbered items, their bodies, and what names the units of each.

Covers the inline layout ("1、…（责任单位：A、B）"), labelled fields on their own lines
("牵头单位：…" / "参与单位：…", a field continuing on the next line), scored checklists
("1.?完善…(18分)"), flattened unit cells under an item, responsibility grouped under a unit
heading ("市公安局目标责任" then 一、二、…), and narrative measures ("一是…二是…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from duban.extract.draft import Draft
from duban.extract.normalize import squash, strip_markup
from duban.extract.roles import Resp, parse_fields, parse_unit_line, trailing_clause
from duban.extract.segment import Mark, parse_mark, split_measures
from duban.extract.units import directory, split_units

_POINTS = re.compile(r"[（(]\s*(?P<p>\d+(?:\.\d+)?)\s*分\s*[）)]\s*$")
_SENTENCE = re.compile(r"[。；;！!？]")
_UNIT_HEADING_TAIL = re.compile(
    r"(?:[（(]\d+项[）)])?(?:目标责任书|目标责任|责任目标|工作目标|目标任务|工作任务|主要任务|重点任务|工作职责|主要职责|职责|任务清单|责任清单|任务)$"
)


@dataclass
class Node:
    mark: Mark | None
    prefix: str  # the printed numbering mark, whitespace and stray "?" removed
    heading: str | None  # a short heading line ("完善党委领导体制"), points removed
    where: str
    seq: int
    parent: Node | None = None
    lines: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    resp: Resp = field(default_factory=list)
    deadline_text: str | None = None
    points: float | None = None
    unit_heading: list[str] | None = None

    @property
    def style(self) -> str:
        return self.mark.style if self.mark else ""

    @property
    def number(self) -> str | None:
        return self.mark.number if self.mark else None

    def own_text(self) -> str:
        return squash("".join(self.lines))

    def full_text(self) -> str:
        return self.own_text() + "".join(c.full_text() for c in self.children)

    def display(self) -> str:
        """The node as a path element: "一、推进市域社会治理体制现代化"."""
        if self.heading is not None:
            return self.prefix + self.heading
        first = _SENTENCE.split(self.own_text(), maxsplit=1)[0]
        return self.prefix + first

    def descendants(self) -> list[Node]:
        out = []
        for c in self.children:
            out.append(c)
            out.extend(c.descendants())
        return out


class Outline:
    """Feed paragraphs in order; `drafts()` gives the tasks of everything fed."""

    def __init__(self) -> None:
        self.root = Node(mark=None, prefix="", heading=None, where="", seq=-1)
        self.cur: Node = self.root
        self.seq = 0
        self._open_field = False  # the last field line ended in 、 and continues below
        self._in_caption = False  # inside a data table or figure ("表1 …"): not task text

    def feed(self, text: str, where: str, *, next_line: str | None = None) -> None:
        s = strip_markup(text).strip()
        if not s:
            return
        self.seq += 1
        if self._continue_field(s):
            return
        fields = parse_fields(s)
        if fields is not None:
            resp, deadline = fields
            self.cur.resp.extend(resp)
            if deadline:
                self.cur.deadline_text = deadline
            self._open_field = s.rstrip().endswith(("、", "，", ","))
            return
        self._open_field = False
        mark = parse_mark(s)
        if mark is not None:
            self._in_caption = False
            self._open(mark, s, where)
            return
        if _CAPTION.match(squash(s)):
            self._in_caption = True
        if self._in_caption:
            return
        if self.cur is not self.root and self.cur.mark is not None:
            units = parse_unit_line(s)
            if units is not None and not _is_date(next_line):
                self.cur.resp.append(("responsible", units))
                self._open_field = s.endswith(("、", "，", ","))
                return
        self._add_line(self.cur, s)

    def _continue_field(self, s: str) -> bool:
        if not self._open_field or not self.cur.resp:
            return False
        units = parse_unit_line(s)
        if units is None:
            self._open_field = False
            return False
        self.cur.resp[-1][1].extend(units)
        self._open_field = s.endswith(("、", "，", ","))
        return True

    def _open(self, mark: Mark, line: str, where: str) -> None:
        # A style already open closes everything below it; a new style nests.
        same = self.cur
        while same is not self.root and same.style != mark.style:
            same = same.parent or self.root
        parent = (same.parent or self.root) if same is not self.root else self.cur
        prefix = re.sub(r"[?？\s]", "", line[: len(line) - len(mark.rest)])
        rest = mark.rest.strip()
        node = Node(mark=mark, prefix=prefix, heading=None, where=where, seq=self.seq, parent=parent)
        parent.children.append(node)
        self.cur = node
        m = _POINTS.search(rest)
        if m:
            node.points = float(m.group("p"))
            rest = rest[: m.start()].rstrip()
        clause = trailing_clause(rest)
        if clause is not None:
            # An item that names its own units is a task paragraph, not a heading.
            text, resp = clause
            node.resp.extend(resp)
            node.lines.append(text)
        elif _is_heading(rest):
            node.heading = squash(rest).rstrip("：:")
            units = _unit_heading(node.heading)
            if units is not None:
                node.unit_heading = units
        else:
            self._add_line(node, rest)

    def _add_line(self, node: Node, s: str) -> None:
        if node.heading and _DUTY_HEADING.search(node.heading) and self._add_duty(node, s):
            return
        split = trailing_clause(s)
        if split is not None:
            s, resp = split
            node.resp.extend(resp)
        node.lines.append(s)

    def _add_duty(self, node: Node, s: str) -> bool:
        """Under "部门职责": "市财政局负责…" is a duty of 市财政局, one task per paragraph."""
        m = _DUTY_SUBJECT.match(squash(s))
        if not m or not directory().looks_like_unit(m.group("unit")):
            return False
        k = len(node.children) + 1
        mark = Mark(style="duty", number=str(k), value=k, rest=s)
        duty = Node(mark=mark, prefix="", heading=None, where=node.where, seq=self.seq, parent=node)
        duty.lines.append(s)
        duty.resp.append(("responsible", [m.group("unit")]))
        node.children.append(duty)
        return True

    # --- deciding which items are tasks -------------------------------------------------

    def drafts(self) -> list[tuple[int, Draft]]:
        nodes = self.root.descendants()
        carries = {id(n): bool(n.resp) for n in nodes}
        if any(carries.values()) or any(n.unit_heading for n in nodes):
            tasks = self._tasks_with_units(nodes, carries)
            return [(n.seq, self._draft(n)) for n in tasks]
        return self._narrative(nodes)

    def _tasks_with_units(self, nodes: list[Node], carries: dict[int, bool]) -> list[Node]:
        below = {id(n): any(carries[id(d)] for d in n.descendants()) for n in nodes}
        chosen: dict[int, Node] = {}
        for n in nodes:
            if carries[id(n)] and not below[id(n)]:
                chosen[id(n)] = n
            elif n.unit_heading and not below[id(n)]:
                for c in n.children:
                    c.resp = [("responsible", list(n.unit_heading))]
                    chosen[id(c)] = c
        # Siblings of tasks, numbered alike, are tasks even when they name no unit.
        for n in list(chosen.values()):
            for sib in (n.parent or self.root).children:
                if sib.style == n.style and not below[id(sib)] and id(sib) not in chosen:
                    chosen[id(sib)] = sib
        # A chosen item inside another chosen item is part of it.
        result = [n for n in nodes if id(n) in chosen and not _has_chosen_ancestor(n, chosen)]
        return result

    def _draft(self, n: Node) -> Draft:
        text = n.full_text()
        return Draft(
            number=n.number,
            path=_path(n),
            text=text,
            where=n.where,
            title=n.heading,
            resp=n.resp,
            points=n.points,
            deadline_text=n.deadline_text,
            parents=_parent_numbers(n),
        )

    def _narrative(self, nodes: list[Node]) -> list[tuple[int, Draft]]:
        """No units anywhere: tasks are the measures ("一是…") or else the smallest items."""
        out: list[tuple[int, Draft]] = []
        any_measures = False
        for n in nodes:
            measures = split_measures(n.own_text())
            if measures and n.mark is not None:
                any_measures = True
                for k, body in measures:
                    title, _, rest = body.partition("。")
                    out.append(
                        (
                            n.seq,
                            Draft(
                                number=str(k),
                                path=[*_path(n), n.display()],
                                text=rest or body,
                                where=n.where,
                                title=title or None,
                                parents=[*_parent_numbers(n), _num(n)],
                            ),
                        )
                    )
        tops = [n for n in self.root.children if n.mark is not None]
        if any_measures:
            style = tops[0].style if tops else ""
            for n in tops:
                if n.style == style and not split_measures(n.own_text()) and not n.children:
                    title, _, rest = n.own_text().partition("。")
                    out.append(
                        (
                            n.seq,
                            Draft(
                                number=n.number,
                                path=_path(n),
                                text=rest or title,
                                where=n.where,
                                title=n.heading or title or None,
                                parents=_parent_numbers(n),
                            ),
                        )
                    )
            return sorted(out, key=lambda x: x[0])
        leaves = [n for n in nodes if n.mark is not None and not n.children and n.parent is not self.root]
        if not leaves:
            leaves = [n for n in nodes if n.mark is not None and not n.children]
        return [(n.seq, self._draft(n)) for n in leaves]


def _num(n: Node) -> str:
    return str(n.mark.value) if n.mark and n.mark.value is not None else (n.number or "")


def _has_chosen_ancestor(n: Node, chosen: dict[int, Node]) -> bool:
    p = n.parent
    while p is not None:
        if id(p) in chosen:
            return True
        p = p.parent
    return False


def _path(n: Node) -> list[str]:
    out = []
    p = n.parent
    while p is not None and p.mark is not None:
        out.append(p.display())
        p = p.parent
    return out[::-1]


def _parent_numbers(n: Node) -> list[str]:
    out = []
    p = n.parent
    while p is not None and p.mark is not None:
        out.append(p.number or "")
        p = p.parent
    return out[::-1]


def _is_heading(rest: str) -> bool:
    """A short line without a sentence inside: a heading, its body follows on other lines."""
    s = squash(rest)
    if not s:
        return True
    if len(s) > 60 or s.endswith(("。", "；", ";")):
        return False  # a finished sentence is the item's text, not a heading over text below
    inner = _SENTENCE.search(s.rstrip("。；;"))
    return inner is None


def _unit_heading(heading: str) -> list[str] | None:
    """ "市公安局目标责任" → ["市公安局"]: the items below are this unit's."""
    m = _UNIT_HEADING_TAIL.search(heading)
    if not m or m.start() == 0:
        return None
    units = split_units(heading[: m.start()])
    d = directory()
    if len(units) == 1 and d.looks_like_unit(units[0]) and not units[0].startswith(("各", "相关", "有关")):
        return units
    return None


_CAPTION = re.compile(r"^(?:表|图|附表)\d+")
_DUTY_HEADING = re.compile(r"职责|职能|分工|责任分工")
_DUTY_SUBJECT = re.compile(
    r"^(?P<unit>[^，,。；;：:、]{2,24}?)(?:负责|牵头|是|承担|审核|会同|组织|指导|统筹|配合)"
)

_DATE_LINE = re.compile(
    r"^[\d〇○零一二三四五六七八九十]{2,4}年[\d〇○零一二三四五六七八九十]{1,2}月[\d〇○零一二三四五六七八九十]{1,3}日$"
)


def _is_date(line: str | None) -> bool:
    return bool(line) and bool(_DATE_LINE.match(squash(line or "")))
