"""Running text: numbered items, their bodies, and what names the units of each.

Covers every role clause of an item, wherever it stands ("1、…（A负责）…（B牵头，C配合）"),
labelled fields on their own lines ("牵头单位：…" / "参与单位：…", a field continuing on the next
line), scored checklists ("1.?完善…(18分)"), flattened unit cells under an item, paragraphs each
closed by their own clause under a heading (tasks without numbers), responsibility grouped under
a unit heading ("市公安局目标责任" then 一、二、…), duty lists ("市财政局负责…" under 部门职责, or
"（一）X负责…"), articles (第X章 / 第X条), and narrative measures ("一是…二是…").

Which items are tasks: the smallest items that carry units, or inherit them; where no unit is
named anywhere, the smallest measures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from duban.extract.draft import Draft
from duban.extract.layouts import duties
from duban.extract.normalize import squash, strip_markup
from duban.extract.roles import Clause, Resp, find_clauses, parse_fields, parse_unit_line
from duban.extract.segment import Mark, parse_mark, split_measures
from duban.extract.units import directory, leading_name, opens_like_a_name, split_units

_POINTS = re.compile(r"[（(]\s*(?P<p>\d+(?:\.\d+)?)\s*分\s*[）)]")
_SENTENCE = re.compile(r"[。；;！!？]")
_UNIT_HEADING_TAIL = re.compile(
    r"(?:[（(]\d+项[）)])?(?:目标责任书|目标责任|责任目标|工作目标|目标任务|工作任务|主要任务|重点任务|工作职责|主要职责|职责|任务清单|"
    r"责任清单|任务|工作责任|安全责任)$"
)
# Sections that say why and how, not what: never tasks of a document that names no unit.
_PREAMBLE = re.compile(
    r"^(?:指导思想|总体思路|总体要求|基本原则|工作原则|发展目标|主要目标|总体目标|工作目标|规划目标|目标任务|基本步骤|"
    r"实施步骤|工作步骤|进度安排|时间安排|实施范围|适用范围|编制依据|背景|现状)"
)
# Sections that say they hold the plan's tasks.
_TASK_SECTION = re.compile(
    r"主要任务|重点任务|工作任务|主要措施|工作措施|重点工作|重点举措|主要举措|具体措施|行动任务"
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
    rule: str = ""  # how its units were found

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
        if self.style == "第条":
            return self.prefix  # an article is named by its number ("第三条"), not its first words
        first = _SENTENCE.split(self.own_text(), maxsplit=1)[0]
        return self.prefix + first

    def descendants(self) -> list[Node]:
        out = []
        for c in self.children:
            out.append(c)
            out.extend(c.descendants())
        return out

    def add_resp(self, resp: Resp, rule: str) -> None:
        self.resp.extend((role, list(units)) for role, units in resp)  # clauses are shared
        if resp and not self.rule:
            self.rule = rule


# How sure each way of finding a task's units is, for the clerk's review (0–1).
CONFIDENCE = {
    "outline:fields": 0.95,
    "outline:clause-labels": 0.95,
    "outline:clause-verbs": 0.9,
    "outline:clause-list": 0.8,
    "outline:paragraph-clause": 0.85,
    "outline:unit-cells": 0.75,
    "outline:unit-heading": 0.8,
    "outline:duty": 0.8,
    "outline:same-numbering-as-tasks": 0.5,
    "outline:narrative-measure": 0.6,
    "outline:narrative-item": 0.55,
}


class Outline:
    """Feed paragraphs in order; `drafts()` gives the tasks of everything fed."""

    def __init__(self) -> None:
        self.root = Node(mark=None, prefix="", heading=None, where="", seq=-1)
        self.cur: Node = self.root
        self.seq = 0
        self._open_field = False  # the last field line ended in 、 and continues below
        self._in_caption = False  # inside a data table, figure or 专栏: not task text

    def feed(self, text: str, where: str, *, after: Iterable[str] = ()) -> None:
        """Take one line; `after` holds the next few lines (a signature block is told by the
        date that ends it)."""
        s = strip_markup(text).strip()
        if not s:
            return
        self.seq += 1
        if self._continue_field(s):
            return
        fields = parse_fields(s)
        if fields is not None:
            self.cur.add_resp(fields.resp, "outline:fields")
            if fields.deadline:
                self.cur.deadline_text = fields.deadline
            self._open_field = s.rstrip().endswith(("、", "，", ","))
            return
        self._open_field = False
        mark = parse_mark(s)
        if mark is not None and (not self._in_caption or self._is_open(mark.style)):
            self._in_caption = False
            self._open(mark, s, where)
            return
        if _CLOSING.match(s):
            self.cur = self.root  # "本细则自…起施行": the text's closing words, no item's
            return
        if _CAPTION.match(squash(s)):
            self._in_caption = True
        if self._in_caption:
            return  # a table's or a 专栏's own lines, numbered items included, are not the plan's
        if self.cur is not self.root and self.cur.mark is not None:
            units = parse_unit_line(s)
            if units is not None and not _signature_ahead(after):
                self.cur.add_resp([("responsible", units)], "outline:unit-cells")
                self._open_field = s.endswith(("、", "，", ","))
                return
        self._add_line(self.cur, s, where)

    def _is_open(self, style: str) -> bool:
        """Whether an item of this style is open above (a mark of it goes on the plan's list)."""
        n: Node | None = self.cur
        while n is not None and n.mark is not None:
            if n.style == style:
                return True
            n = n.parent
        return False

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
        rest = _take_points(node, rest)
        rest = _take_article_title(node, rest)
        if rest and _is_heading(rest) and not find_clauses(rest):  # (the cheap test first)
            node.heading = squash(rest).rstrip("：:")
            node.unit_heading = _unit_heading(node.heading)
        elif rest:
            self._add_line(node, rest, where)

    def _add_line(self, node: Node, s: str, where: str) -> None:
        if node.heading and _DUTY_HEADING.search(node.heading) and self._add_duties(node, s, where):
            return
        if node.points is None:
            s = _take_points(node, s)
        node.lines.append(s)

    def _add_duties(self, node: Node, s: str, where: str) -> bool:
        """Under "部门职责": "市财政局负责…" is a duty of 市财政局, one task for each subject.

        A paragraph run together with the next ("…。市发展改革委负责…") holds several: a
        sentence that opens with a body and a duty verb starts a new duty.
        """
        sentences = [x for x in re.split(r"(?<=[。；;])", squash(s)) if x]
        if not sentences or _duty_subject(sentences[0]) is None:
            if node.children and node.children[-1].rule == "outline:duty":
                node.children[-1].lines.append(s)  # the duty goes on
                return True
            return False
        for sentence in sentences:
            unit = _duty_subject(sentence)
            if unit is None and node.children and node.children[-1].rule == "outline:duty":
                node.children[-1].lines.append(sentence)
                continue
            k = len(node.children) + 1
            mark = Mark(style="duty", number=str(k), value=k, rest=sentence)
            duty = Node(mark=mark, prefix="", heading=None, where=where, seq=self.seq, parent=node)
            duty.lines.append(sentence)
            duty.add_resp([("responsible", unit or [])], "outline:duty")
            node.children.append(duty)
        return True

    def names_units(self) -> bool:
        """Whether anything fed so far names a unit (cheaper than the drafts)."""
        nodes = self.root.descendants()
        return any(n.resp or n.unit_heading for n in nodes) or any(
            f.clause.resp for n in nodes for line in n.lines for f in find_clauses(line)
        )

    # --- deciding which items are tasks -------------------------------------------------

    def drafts(self, *, narrative: bool = True) -> list[tuple[int, Draft]]:
        """The tasks; with `narrative` False (a table elsewhere named the units), items that
        name no unit are not tasks even when nothing in the running text names one."""
        for n in self.root.descendants():
            if n.style == "第条":
                _fold_sub_lists(n)
        for n in [self.root, *self.root.descendants()]:
            _settle(n)
        nodes = self.root.descendants()
        carries = {id(n): bool(n.resp) for n in nodes}
        if any(carries.values()) or any(n.unit_heading for n in nodes):
            tasks = self._tasks_with_units(nodes, carries)
            return [(n.seq, self._draft(n)) for n in tasks]
        return self._narrative(nodes) if narrative else []

    def _tasks_with_units(self, nodes: list[Node], carries: dict[int, bool]) -> list[Node]:
        below = {id(n): any(carries[id(d)] for d in n.descendants()) for n in nodes}
        chosen: dict[int, Node] = {}
        for n in nodes:
            if carries[id(n)] and not below[id(n)]:
                chosen[id(n)] = n
            elif n.unit_heading and not below[id(n)]:
                for c in n.children:
                    c.resp = [("responsible", list(n.unit_heading))]
                    c.rule = "outline:unit-heading"
                    chosen[id(c)] = c
        # Siblings of tasks, numbered alike, are tasks even when they name no unit (but an
        # article is a task only where it carries or inherits units).
        for n in list(chosen.values()):
            if n.style in _ARTICLE_STYLES:
                continue
            for sib in (n.parent or self.root).children:
                if sib.style == n.style and not below[id(sib)] and id(sib) not in chosen:
                    sib.rule = sib.rule or "outline:same-numbering-as-tasks"
                    chosen[id(sib)] = sib
        # A chosen item inside another chosen item is part of it.
        return [n for n in nodes if id(n) in chosen and not _has_chosen_ancestor(n, chosen)]

    def _draft(self, n: Node) -> Draft:
        number, path = n.number, _path(n)
        if n.style == "第条":
            path.append(n.display())  # the article that is the task stands in its path (gold 09)
        elif n.parent is not None and n.parent.style == "第条" and n.mark is not None:
            number = f"{_num(n.parent)}.{_num(n)}"  # "第三条（一）" → 3.1
        return Draft(
            number=number,
            path=path,
            text=n.full_text(),
            where=n.where,
            title=n.heading,
            resp=n.resp,
            points=n.points,
            deadline_text=n.deadline_text,
            parents=_parent_numbers(n),
            rule=n.rule,
            confidence=CONFIDENCE.get(n.rule, 0.7),
        )

    def _narrative(self, nodes: list[Node]) -> list[tuple[int, Draft]]:
        """No units anywhere: tasks are the measures ("一是…") or else the smallest items — of
        the sections that say they hold the tasks (主要任务, 重点工作 …) where the document has
        such sections, never of its review, aims or principles."""
        nodes = [n for n in nodes if not _in_preamble(n)]
        tasked = [n for n in nodes if _in_task_section(n)]
        nodes = tasked or nodes
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
                                rule="outline:narrative-measure",
                                confidence=CONFIDENCE["outline:narrative-measure"],
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
                                rule="outline:narrative-item",
                                confidence=CONFIDENCE["outline:narrative-item"],
                            ),
                        )
                    )
            return sorted(out, key=lambda x: x[0])
        leaves = [n for n in nodes if n.mark is not None and not n.children and n.parent is not self.root]
        if not leaves:
            leaves = [n for n in nodes if n.mark is not None and not n.children]
        for n in leaves:
            n.rule = "outline:narrative-item"
        return [(n.seq, self._draft(n)) for n in leaves]


def _settle(n: Node) -> None:
    """Read the role clauses in a node's own lines: their units join the node's (every clause
    counts, wherever it stands), the clauses leave its text.  Under a heading, or at the top,
    paragraphs each closed by their own clause are tasks of their own, numbered in order."""
    if not n.lines or (n.mark is not None and n.mark.style == "duty"):
        return
    read = [_read_line(line) for line in n.lines]
    closed = sum(1 for _, clauses, ends in read if ends)
    if (n.heading is not None or n.mark is None) and closed >= 2 and not n.children:
        for k, (text, clauses) in enumerate(_paragraphs(read), 1):
            mark = Mark(style="paragraph", number=str(k), value=k, rest=text)
            child = Node(mark=mark, prefix="", heading=None, where=n.where, seq=n.seq, parent=n, lines=[text])
            for c in clauses:
                child.add_resp(c.resp, "outline:paragraph-clause")
                child.deadline_text = c.deadline or child.deadline_text
                child.points = c.points if child.points is None else child.points
            n.children.append(child)
        n.lines = []
        return
    for _, clauses, _ends in read:
        for c in clauses:
            n.add_resp(c.resp, f"outline:clause-{c.form}" if c.form != "date" else "")
            n.deadline_text = c.deadline or n.deadline_text
            if n.points is None:
                n.points = c.points
    n.lines = [text for text, _, _ in read]
    if not n.resp and not n.children:
        _read_duties(n)


def _fold_sub_lists(article: Node) -> None:
    """Numbered lists inside an article (申报条件 1. 2. …, a 管理人's duties (一)(二)…) are its
    text, unless they give bodies their duties ("（一）市财政局负责…") or carry clauses."""
    if not article.children or article.unit_heading:
        return  # "第四条 各街道办事处履行下列职责：（一）…": the list is the body's duties
    items = article.descendants()
    if any(find_clauses("".join(c.lines)) or duties.subjects("".join(c.lines)[:80]) for c in items):
        return
    if article.heading and not article.lines:
        article.lines.append(article.heading)  # "第十一条 管理人应当履行下列职责：" is its text
        article.heading = None
    article.lines.extend(c.full_text() for c in article.children)
    article.children = []


def _read_duties(n: Node) -> None:
    """Where no clause names units, a duty statement may: an article that gives bodies their
    fields of work ("第四条 X主管…。/ Y负责…", "第十二条 …的绿化由X负责。") is a task, or a list
    of tasks, one a paragraph; an item under a heading of duties (部门职责, 分工职责) is its
    subject's."""
    if n.style == "第条":
        if any(duties.subjects(line, allocating=True) for line in n.lines):
            owners = [duties.subjects(line) for line in n.lines]
            if len(n.lines) == 1 or (sum(1 for o in owners if o) == 1 and owners[0]):
                n.add_resp([("responsible", owners[0])], "outline:duty")
            else:
                _duty_paragraphs(n, owners)
        return
    if _in_duty_context(n) and n.lines:
        first = re.split(r"(?<=[。；;])", n.lines[0], maxsplit=1)[0]
        owner = duties.subjects(first)
        if owner:
            n.add_resp([("responsible", owner)], "outline:duty")


def _duty_paragraphs(n: Node, owners: list[list[str]]) -> None:
    for line, owner in zip(n.lines, owners, strict=True):
        if not owner and n.children:
            n.children[-1].lines.append(line)  # the duty goes on
            continue
        k = len(n.children) + 1
        mark = Mark(style="duty", number=str(k), value=k, rest=line)
        child = Node(mark=mark, prefix="", heading=None, where=n.where, seq=n.seq, parent=n, lines=[line])
        child.add_resp([("responsible", owner)] if owner else [], "outline:duty")
        n.children.append(child)
    n.lines = []


def _in_duty_context(n: Node) -> bool:
    p: Node | None = n
    while p is not None and p.mark is not None:
        if p.heading and _DUTY_HEADING.search(p.heading):
            return True
        p = p.parent
    return False


def _read_line(line: str) -> tuple[str, list[Clause], bool]:
    """A line's text without its clauses, the clauses, and whether one closes the line."""
    found = find_clauses(line)
    if not found:
        return line, [], False
    text, pos = "", 0
    for f in found:
        text += line[pos : f.start]
        pos = f.end
    text += line[pos:]
    ends = not line[found[-1].end :].strip(" 。.；;") and any(f.clause.resp for f in found)
    return text.strip(), [f.clause for f in found], ends


def _paragraphs(read: list[tuple[str, list[Clause], bool]]) -> list[tuple[str, list[Clause]]]:
    """Lines not closed by a clause belong to the paragraph they continue (or open)."""
    out: list[tuple[str, list[Clause]]] = []
    pending, pending_clauses = "", list[Clause]()
    for text, clauses, ends in read:
        if ends:
            out.append((pending + text, pending_clauses + clauses))
            pending, pending_clauses = "", []
        elif out:
            out[-1] = (out[-1][0] + text, out[-1][1] + clauses)
        else:
            pending, pending_clauses = pending + text, pending_clauses + clauses
    return out


def _take_points(node: Node, s: str) -> str:
    """ "…（0.5分）": the item's points, wherever they stand in its text."""
    m = _POINTS.search(s)
    if m is None or node.points is not None:
        return s
    node.points = float(m.group("p"))
    return (s[: m.start()] + s[m.end() :]).strip()


_ARTICLE_TITLE = re.compile(r"^[（(](?P<t>[^（）()]{1,12})[）)]\s*")


def _take_article_title(node: Node, rest: str) -> str:
    """ "第六条（部门职责）…": the bracket names the article; the body follows it."""
    if not node.style.startswith("第"):
        return rest
    m = _ARTICLE_TITLE.match(rest)
    if m is None:
        return rest
    node.heading = m.group(0).strip()  # printed with its brackets: "第六条（部门职责）"
    return rest[m.end() :].strip()


def _num(n: Node) -> str:
    return str(n.mark.value) if n.mark and n.mark.value is not None else (n.number or "")


def _has_chosen_ancestor(n: Node, chosen: dict[int, Node]) -> bool:
    p = n.parent
    while p is not None:
        if id(p) in chosen:
            return True
        p = p.parent
    return False


def _in_task_section(n: Node) -> bool:
    p: Node | None = n.parent
    while p is not None and p.mark is not None:
        if _TASK_SECTION.search(p.display()):
            return True
        p = p.parent
    return False


def _in_preamble(n: Node) -> bool:
    p: Node | None = n
    while p is not None and p.mark is not None:
        if p.heading and _PREAMBLE.match(p.heading):
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
    """ "市公安局目标责任", "各街镇（经开区）消防工作责任", "区委、区政府各部委办局在各自职责范围内
    履行下列共同职责" → the bodies whose items follow."""
    m = _UNIT_HEADING_TAIL.search(heading)
    if not m or m.start() == 0:
        return None
    units = split_units(heading[: m.start()])
    d = directory()
    if len(units) == 1 and not units[0].startswith(("相关", "有关")) and d.looks_like_unit(units[0]):
        return units if duties.is_government(units[0]) else None
    # "各街镇（经开区）消防工作责任": the body, then what the duties are about.
    name = leading_name(heading[: m.start()])
    if name and opens_like_a_name(name):
        return [name] if duties.is_government(name) else None
    return duties.subjects(heading) or None


# The closing provisions of a rule or plan: when it takes effect, who interprets it.
_CLOSING = re.compile(
    r"^本(?:细则|办法|方案|规定|意见|条例|决定|规则|制度|通知|清单|计划|指引)"
    r"(?:自[^。]{2,24}(?:起施行|起实施|起执行|施行|实施)|由[^。]{2,30}负责解释)"
)
_ARTICLE_STYLES = frozenset({"第条", "第章", "第节", "第部分"})
_CAPTION = re.compile(r"^(?:表|图|附表)\d+|^专栏\s*[\d一二三四五六七八九十]*")
_DUTY_HEADING = re.compile(r"职责|职能|分工|责任分工")
_DUTY_SUBJECT = re.compile(
    r"^(?P<unit>[^，,。；;：:、]{2,24}?)(?:负责|牵头|是|承担|审核|会同|组织|指导|统筹|配合)"
)


def _duty_subject(sentence: str) -> list[str] | None:
    return duties.subjects(sentence) or None


_DATE_LINE = re.compile(
    r"^[\d〇○零一二三四五六七八九十]{2,4}年[\d〇○零一二三四五六七八九十]{1,2}月[\d〇○零一二三四五六七八九十]{1,3}日$"
)


def _signature_ahead(after: Iterable[str]) -> bool:
    """The issuing bodies at the end: names, one a line, then the date."""
    for line in after:
        if _DATE_LINE.match(squash(line)):
            return True
        if parse_unit_line(line) is None:
            return False
    return False
