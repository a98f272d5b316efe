"""Running text: numbered items, their bodies, and what names the units of each.

Covers every role clause of an item, wherever it stands ("1、…（A负责）…（B牵头，C配合）"),
labelled fields on their own lines ("牵头单位：…" / "参与单位：…", a field continuing on the next
line), scored checklists ("1.?完善…(18分)"), flattened unit cells under an item, paragraphs each
closed by their own clause under a heading (tasks without numbers), responsibility grouped under
a unit heading ("市公安局目标责任" then 一、二、…), duty lists ("市财政局负责…" under 部门职责, or
"（一）X负责…"), articles (第X章 / 第X条), and narrative measures ("一是…二是…").

Which items are tasks: the smallest items that carry units, or inherit them; where no unit is
named anywhere, the smallest measures.

Three modules: this one feeds the lines into a tree and decides which items are tasks;
outline_tree.py holds the tree's item (Node) and what is asked of an item's place in it;
outline_settle.py reads each item's own lines (clauses, paragraphs, duties) once all are fed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from duban.extract.draft import Draft
from duban.extract.layouts import duties
from duban.extract.layouts.outline_settle import fold_sub_lists, settle
from duban.extract.layouts.outline_tree import (
    DUTY_HEADING,
    Node,
    has_chosen_ancestor,
    heading_units,
    in_preamble,
    in_task_section,
    is_heading,
    num,
    parent_numbers,
    path_of,
    take_article_title,
    take_points,
)
from duban.extract.normalize import squash, strip_markup
from duban.extract.roles import find_clauses, parse_fields, parse_unit_line
from duban.extract.segment import Mark, parse_mark, split_measures

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
        rest = take_points(node, rest)
        rest = take_article_title(node, rest)
        if rest and is_heading(rest) and not find_clauses(rest):  # (the cheap test first)
            node.heading = squash(rest).rstrip("：:")
            node.unit_heading = heading_units(node.heading)
        elif rest:
            self._add_line(node, rest, where)

    def _add_line(self, node: Node, s: str, where: str) -> None:
        if node.heading and DUTY_HEADING.search(node.heading) and self._add_duties(node, s, where):
            return
        if node.points is None:
            s = take_points(node, s)
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
                fold_sub_lists(n)
        for n in [self.root, *self.root.descendants()]:
            settle(n)
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
        return [n for n in nodes if id(n) in chosen and not has_chosen_ancestor(n, chosen)]

    def _draft(self, n: Node) -> Draft:
        number, path = n.number, path_of(n)
        if n.style == "第条":
            path.append(n.display())  # the article that is the task stands in its path (gold 09)
        elif n.parent is not None and n.parent.style == "第条" and n.mark is not None:
            number = f"{num(n.parent)}.{num(n)}"  # "第三条（一）" → 3.1
        return Draft(
            number=number,
            path=path,
            text=n.full_text(),
            where=n.where,
            title=n.heading,
            resp=n.resp,
            points=n.points,
            deadline_text=n.deadline_text,
            parents=parent_numbers(n),
            rule=n.rule,
            confidence=CONFIDENCE.get(n.rule, 0.7),
        )

    def _narrative(self, nodes: list[Node]) -> list[tuple[int, Draft]]:
        """No units anywhere: tasks are the measures ("一是…") or else the smallest items — of
        the sections that say they hold the tasks (主要任务, 重点工作 …) where the document has
        such sections, never of its review, aims or principles."""
        nodes = [n for n in nodes if not in_preamble(n)]
        tasked = [n for n in nodes if in_task_section(n)]
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
                                path=[*path_of(n), n.display()],
                                text=rest or body,
                                where=n.where,
                                title=title or None,
                                parents=[*parent_numbers(n), num(n)],
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
                                path=path_of(n),
                                text=rest or title,
                                where=n.where,
                                title=n.heading or title or None,
                                parents=parent_numbers(n),
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


# The closing provisions of a rule or plan: when it takes effect, who interprets it.
_CLOSING = re.compile(
    r"^本(?:细则|办法|方案|规定|意见|条例|决定|规则|制度|通知|清单|计划|指引)"
    r"(?:自[^。]{2,24}(?:起施行|起实施|起执行|施行|实施)|由[^。]{2,30}负责解释)"
)


_ARTICLE_STYLES = frozenset({"第条", "第章", "第节", "第部分"})


_CAPTION = re.compile(r"^(?:表|图|附表)\d+|^专栏\s*[\d一二三四五六七八九十]*")


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
